//! `mentalog new`: the guided walk in a terminal, or an entry from a file
//! of answers. The walk's logic is in `flow`; this ties it to the store,
//! the drafts, the crisis plan and the prompter the context carries.

use std::collections::BTreeSet;
use std::io::{IsTerminal, Read, Write};
use std::path::Path;

use anyhow::{Context as _, Result, anyhow};
use chrono::{DateTime, FixedOffset, NaiveDateTime, SubsecRound};

use crate::answers::answers_from_json;
use crate::cli::NewArgs;
use crate::context::Context;
use crate::draft::Draft;
use crate::entry::{Entry, keys};
use crate::error::Error;
use crate::flow::{self, DraftChoice, Settings};
use crate::pack::Pack;
use crate::prompt::{PromptError, Prompter};
use crate::render::plan::{self as plan_view, CrisisPlan};
use crate::rhythm::Rhythm;
use crate::store::{self, Store};
use crate::text::Shown;

pub fn run(ctx: &mut Context, args: &NewArgs) -> Result<()> {
    // Checked first, so a mistyped time fails before anything is read.
    let at = args.at.as_deref().map(parse_at).transpose()?;
    // An entry is about a moment that has happened: never dated ahead.
    if let Some(t) = at
        && t > ctx.now
    {
        return Err(Error::Usage(format!(
            "--at {}: that is later than now; an entry is dated when it was written",
            t.to_rfc3339()
        ))
        .into());
    }
    let written = match store::packs::load_pack(&ctx.store, &ctx.config, args.pack.as_deref()) {
        Ok(pack) => pack,
        // The pack chosen in the config is gone or broken: nobody is kept
        // from writing, least of all on a hard day. The built-in pack it is.
        Err(e) if args.pack.is_none() && ctx.config.pack.is_some() => {
            eprintln!(
                "mentalog: warning: {}; this entry uses the built-in pack {} (choose another with 'mentalog pack use ID')",
                Shown(&format!("{e:#}")),
                crate::pack::BUILTIN_ID
            );
            Pack::builtin()
        }
        Err(e) => return Err(e),
    };
    let focus = ctx.config.focus.clone().or_else(|| written.focus.clone());
    if let Some(file) = &args.answers {
        // An answers file may hold any measure of the pack, due or not.
        let pack = written.resolve(focus.as_deref(), &|_| true);
        return scripted(ctx, &pack, file, at.unwrap_or(ctx.now));
    }
    let due = measures_due(&ctx.store, &written, ctx.now);
    let pack = written.resolve(focus.as_deref(), &|m| due.contains(&m.id));
    if !ctx.interactive {
        return Err(Error::Usage(
            "the guided walk needs a terminal. To write an entry from a script, use \
             'mentalog new --answers FILE' with a JSON file of answers ('-' reads standard input)"
                .into(),
        )
        .into());
    }
    interactive(ctx, &pack)
}

/// The measures to ask in this entry: those with no rhythm of their own, and
/// those not answered within their rhythm. Reads only the entries written
/// within the longest rhythm, found by their file names.
fn measures_due(store: &Store, pack: &Pack, now: DateTime<FixedOffset>) -> BTreeSet<String> {
    let mut due = BTreeSet::new();
    let mut windows = Vec::new();
    for m in &pack.measures {
        match m.every.as_deref().and_then(|e| e.parse::<Rhythm>().ok()) {
            Some(r) => windows.push((m.id.clone(), now.naive_local() - r.interval())),
            None => {
                due.insert(m.id.clone());
            }
        }
    }
    let Some(oldest) = windows.iter().map(|(_, since)| *since).min() else {
        return due;
    };
    let mut recent: Vec<Entry> = Vec::new();
    let mut locked = false;
    if store.entries_dir().is_dir() {
        for path in store.entry_files_since(oldest.date()).unwrap_or_default() {
            let written = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.get(..19))
                .and_then(|t| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H-%M-%S").ok());
            if written.is_some_and(|t| t >= oldest) {
                match store::read_entry(&path) {
                    Ok(entry) => recent.push(entry),
                    Err(e) if e == crate::crypt::LOCKED => locked = true,
                    Err(_) => {}
                }
            }
        }
    }
    // A locked journal's entries cannot be read: the state file remembers
    // when each measure was last answered in it (dates only).
    let measured = if locked {
        store.read_state().measured
    } else {
        Default::default()
    };
    for (id, since) in windows {
        let prefix = format!("{}{id}.", keys::MEASURE_PREFIX);
        let answered = recent.iter().any(|e| {
            e.created.naive_local() >= since && e.answers.iter().any(|a| a.key.starts_with(&prefix))
        }) || measured.get(&id).is_some_and(|t| *t >= since);
        if !answered {
            due.insert(id);
        }
    }
    due
}

/// In an encrypted journal, remembers (in the readable state file) when
/// each measure `entry` answers was answered, for [`measures_due`].
fn remember_measures(store: &Store, entry: &Entry) {
    if !store.is_encrypted() {
        return;
    }
    let ids: BTreeSet<String> = entry
        .answers
        .iter()
        .filter_map(|a| a.key.strip_prefix(keys::MEASURE_PREFIX))
        .filter_map(|rest| rest.split('.').next())
        .map(str::to_string)
        .collect();
    if ids.is_empty() {
        return;
    }
    let written = store.lock().and_then(|_lock| {
        let mut state = store.read_state();
        for id in ids {
            state.measured.insert(id, entry.created.naive_local());
        }
        store.write_state(&state)
    });
    if let Err(e) = written {
        eprintln!("mentalog: warning: {}", Shown(&format!("{e:#}")));
    }
}

/// What an entry keeps besides its answers: the focus it was written under,
/// when the walk asked about it, and the scores of the measures answered.
fn finish(entry: &mut Entry, pack: &Pack) {
    if entry.answer(keys::FOCUS_ABOUT).is_some() {
        entry.focus = pack.focus.clone();
    }
    entry.measures = pack
        .measures
        .iter()
        .filter_map(|m| m.score(&entry.answers, pack.show_scores))
        .collect();
}

pub(super) fn threshold(config: &crate::config::Config, pack: &Pack) -> u8 {
    config.safety_threshold.unwrap_or(pack.safety_threshold)
}

pub(super) fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Answers from a pipe, up to the limit of one entry.
pub(super) fn read_pipe(pipe: impl Read, name: &str) -> Result<String> {
    let mut text = String::new();
    pipe.take(store::MAX_ENTRY_BYTES + 1)
        .read_to_string(&mut text)
        .with_context(|| format!("cannot read the answers in {name}"))?;
    if text.len() as u64 > store::MAX_ENTRY_BYTES {
        anyhow::bail!(
            "the answers in {name} are larger than the limit of {} MiB for one entry; nothing was saved",
            store::MAX_ENTRY_BYTES / (1024 * 1024)
        );
    }
    Ok(text)
}

/// `new --at TIME`: RFC 3339 with its offset, kept to the whole second as
/// every entry's time is.
fn parse_at(text: &str) -> Result<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.trunc_subsecs(0))
        .map_err(|e| {
            Error::Usage(format!(
                "--at {:?} is not a time mentalog can read ({e}): give it in RFC 3339 form with its offset, such as 2026-11-03T21:40:12+01:00 or 2026-11-03T20:40:12Z",
                crate::text::one_line(text)
            ))
            .into()
        })
}

/// `new --answers FILE`: checks every answer against the pack before saving
/// anything. The entry is dated `created` (`--at`, or now).
fn scripted(ctx: &Context, pack: &Pack, file: &Path, created: DateTime<FixedOffset>) -> Result<()> {
    let name = if file == Path::new("-") {
        "standard input".to_string()
    } else {
        file.display().to_string()
    };
    let text = if file == Path::new("-") {
        read_pipe(std::io::stdin(), &name)?
    } else if file
        .metadata()
        .is_ok_and(|m| std::os::unix::fs::FileTypeExt::is_fifo(&m.file_type()))
    {
        // `--answers <(…)`: a pipe the person made.
        let pipe = std::fs::File::open(file)
            .with_context(|| format!("cannot read the answers in {name}"))?;
        read_pipe(pipe, &name)?
    } else {
        store::read_limited(file, store::MAX_ENTRY_BYTES, "answers file")?
    };
    let (answers, lane_share) =
        answers_from_json(pack, &text).map_err(|e| anyhow!("{name}: {e}; nothing was saved"))?;

    let threshold = threshold(&ctx.config, pack);
    let mut draft = Draft::new(new_id(), created, pack.reference());
    draft.safety_lane = flow::lane_due(&answers, threshold, pack.urge_threshold());
    let lane_only = answers
        .iter()
        .any(|a| a.key == keys::SAFETY_NOTE || a.key == keys::SAFETY_SHARE);
    if !draft.safety_lane && lane_only {
        return Err(anyhow!(
            "{name}: `safety.note` and `safety.share` belong to entries that go to the safety lane (distress at or above the threshold, or a yes / not sure to the safety question); nothing was saved"
        ));
    }
    draft.answers = answers;
    draft.lane_share = lane_share;
    let plan_text = super::plan::read_plan(&ctx.store);
    let contacts = super::plan::contact_lines(ctx);
    let plan = CrisisPlan {
        text: plan_view::written(plan_text.as_deref(), super::plan::TEMPLATE),
        contacts: &contacts,
    };
    let mut entry = draft.into_entry();
    finish(&mut entry, pack);
    entry.distress_rose = !entry.safety_lane && entry.distress_rose(threshold, pack.safety_rise);
    if entry.safety_lane || entry.distress_rose {
        entry.plan = Some(plan.state());
    }
    let path = ctx.store.save_entry(&entry)?;
    remember_measures(&ctx.store, &entry);
    if entry.safety_lane || entry.distress_rose {
        let share = match (entry.shared, entry.safety_shared) {
            (true, _) => "It is shared with your therapist when you export.",
            (false, true) => {
                "Your therapist will see only that the safety steps opened, not what you wrote."
            }
            (false, false) => "It stays private until you share it (mentalog share).",
        };
        let plan = if plan.text.is_some() {
            "Your crisis plan: mentalog plan."
        } else {
            "If you can, reach out to someone you trust or to your care team."
        };
        let why = if entry.safety_lane {
            "This entry opened the safety steps."
        } else {
            "Your feelings were very strong by the end of this entry."
        };
        eprintln!("{why} {share} {plan} {}", flow::EMERGENCY_LINE);
    }
    writeln!(std::io::stdout().lock(), "{}", path.display())?;
    Ok(())
}

const GREETING: &str = "\
Welcome to mentalog.

It helps you catch one hard moment between sessions, in your own words, so you
can bring it to your therapist.

Your entries stay on this computer and are private. One leaves it only if you
choose to share it and export it yourself. mentalog never contacts anyone.";

const STOPPED: &str = "Stopped. Your answers so far are kept; run 'mentalog new' to carry on.";

/// Everything the walk needs from the context, borrowed apart so the
/// prompter can be used while the store is read.
struct Walking<'a> {
    store: &'a Store,
    p: &'a mut dyn Prompter,
    pack: &'a Pack,
    settings: Settings<'a>,
}

fn interactive(ctx: &mut Context, pack: &Pack) -> Result<()> {
    crate::signal::set_message(STOPPED);
    let first_run = ctx.store.is_new();
    super::plan::warn_config(ctx);
    let plan_text = super::plan::read_plan(&ctx.store);
    let contacts = super::plan::contact_lines(ctx);
    let crisis = CrisisPlan {
        text: plan_view::written(plan_text.as_deref(), super::plan::TEMPLATE),
        contacts: &contacts,
    };
    let plan_lines = crisis.lines_in(&pack.fixed());
    // Find out now, before anyone writes a word, whether answers can be kept.
    let editing = ctx.store.create_editing_dir();
    if let Err(e) = editing.and_then(|dir| {
        tempfile::NamedTempFile::new_in(&dir)
            .map(drop)
            .with_context(|| format!("cannot write in {}", dir.display()))
    }) {
        return Err(e.context(format!(
            "cannot write to the data folder {}; choose another with --dir or MENTALOG_DIR",
            ctx.store.root().display()
        )));
    }
    let threshold = threshold(&ctx.config, pack);
    let now = ctx.now;
    let Context {
        store,
        prompter,
        clock,
        config,
        ..
    } = ctx;
    let p: &mut dyn Prompter = prompter.as_mut();
    let cancelled = |e: PromptError| -> anyhow::Error {
        match e {
            PromptError::Interrupted | PromptError::EditorInterrupted(_) => {
                Error::Cancelled("Stopped. Nothing was changed.".into()).into()
            }
            e => anyhow::Error::new(e),
        }
    };

    if first_run {
        p.say(GREETING).map_err(cancelled)?;
        // How long it takes and what it is for depend on the pack.
        if let Some(note) = &pack.note {
            p.say(&format!("\n{note}")).map_err(cancelled)?;
        }
        p.say("\nYour crisis plan is always one command away: mentalog plan\n")
            .map_err(cancelled)?;
    }
    offer_leftover_edits(store, p).map_err(cancelled)?;
    let draft = choose_draft(store, pack, p, &plan_lines).map_err(cancelled)?;

    // A new entry may first look back at the last safety-lane entry.
    let mut follows: Option<(String, Option<String>)> = None;
    if draft.is_none() {
        offer_unlock_for_follow_up(store, p).map_err(cancelled)?;
    }
    if draft.is_none()
        && let Some(lane) = follow_up_due(store)?
    {
        let written = store.lock().and_then(|_lock| {
            let mut state = store.read_state();
            state.follow_up_offered = Some(lane.id.clone());
            store.write_state(&state)
        });
        if let Err(e) = written {
            eprintln!("mentalog: warning: {}", Shown(&format!("{e:#}")));
        }
        let day = lane.created.format("%a %-d %b").to_string();
        if flow::offer_follow_up(p, &day, &plan_lines).map_err(cancelled)? {
            follows = Some((
                lane.id.clone(),
                lane.text(keys::SAFETY_NOTE).map(str::to_string),
            ));
        }
    }
    let resumed_follows = draft.as_ref().and_then(|d| d.follows.clone());
    let starting_point = match (&follows, resumed_follows) {
        (Some((_, note)), _) => note.clone(),
        (None, Some(id)) => store
            .find(&id)
            .ok()
            .and_then(|l| l.entries.into_iter().next())
            .and_then(|s| s.entry.text(keys::SAFETY_NOTE).map(str::to_string)),
        (None, None) => None,
    };
    let settings = Settings {
        threshold,
        rise: pack.safety_rise,
        plan: &plan_lines,
        plan_state: crisis.state(),
        count_plan_openings: config.share_plan_openings,
        starting_point: starting_point.as_deref(),
        clock: clock.as_ref(),
    };
    let mut w = Walking {
        store,
        p,
        pack,
        settings,
    };
    w.p.hint(&format!(
        "Press Enter without writing anything to skip a question. At any question, {} shows your crisis plan and {} goes back; at a question you answer in words, {} opens your editor.",
        crate::prompt::PLAN_COMMAND,
        crate::prompt::BACK_COMMAND,
        crate::prompt::EDIT_COMMAND
    ))?;
    if let Some(focus) = &pack.focus {
        w.p.say("")?;
        w.p.say(&format!(
            "Your focus for now, as you agreed in a session: \u{201c}{focus}\u{201d}. Any moment is welcome, whether it is about that or not."
        ))?;
    }

    let mut draft = match draft {
        Some(mut d) => {
            // Stopped after the rating alone: the check is asked whole again,
            // not decided on an old rating.
            if d.needs_recheck(now) && !d.visited(keys::ARRIVAL_SAFETY) {
                d.answers.retain(|a| a.key != keys::ARRIVAL_DISTRESS);
                d.visited.retain(|k| k != keys::ARRIVAL_DISTRESS);
            }
            // A lane already opened goes on as it was; anything else asks
            // the check again after a gap.
            if d.needs_recheck(now) && d.visited(keys::ARRIVAL_SAFETY) && !d.safety_lane {
                let (check, asked) = flow::recheck(pack, &w.settings, w.p).map_err(cancelled)?;
                if flow::recheck_lane_due(&check, threshold, pack.urge_threshold()) {
                    // The unfinished entry stays a draft, whole, for later.
                    let mut lane = Draft::new(new_id(), (w.settings.clock)(), pack.reference());
                    lane.visited = asked.iter().map(|a| a.key.clone()).collect();
                    lane.answers = asked;
                    lane.safety_lane = true;
                    w.p.say("Your unfinished entry is kept just as it was, for later.")?;
                    return w.run(lane);
                }
                d.rechecks.push(check);
                d.updated = Some((w.settings.clock)());
                w.store
                    .save_draft(&d)
                    .context("cannot save the unfinished entry")?;
                w.p.say(&flow::recap(&d))?;
            }
            d
        }
        None => {
            let mut d = Draft::new(new_id(), now, pack.reference());
            d.follows = follows.map(|(id, _)| id);
            d
        }
    };
    draft.schema = crate::entry::SCHEMA_VERSION;
    w.run(draft)
}

impl Walking<'_> {
    /// Walks `draft` to its end, saves the entry and says goodbye.
    fn run(&mut self, mut draft: Draft) -> Result<()> {
        let store = self.store;
        // The last draft that could not be saved, to print if the walk stops.
        let mut unsaved: Option<String> = None;
        let mut save = |d: &Draft| {
            if !d.has_answers() {
                return;
            }
            match store.save_draft(d) {
                Ok(_) => unsaved = None,
                Err(e) => {
                    if unsaved.is_none() {
                        eprintln!(
                            "mentalog: warning: cannot save a draft: {}. If you stop now, your answers will be printed so you can copy them.",
                            Shown(&format!("{e:#}"))
                        );
                    }
                    unsaved = serde_json::to_string_pretty(d).ok();
                }
            }
        };
        let walked = flow::walk(self.pack, &self.settings, self.p, &mut draft, &mut save);
        match walked {
            Ok(()) => {}
            Err(PromptError::Interrupted | PromptError::EditorInterrupted(_)) => {
                let message = match unsaved {
                    Some(json) => format!(
                        "Stopped. Your answers could not be saved, so here they are to copy:\n{json}"
                    ),
                    None if draft.has_answers() => STOPPED.to_string(),
                    None => "Stopped. Nothing was written.".to_string(),
                };
                return Err(Error::Cancelled(message).into());
            }
            Err(e) => {
                let kept = keep_answers(store, &draft, anyhow::Error::new(e));
                return Err(kept.context("the guided walk stopped"));
            }
        }
        let mut entry = draft.clone().into_entry();
        finish(&mut entry, self.pack);
        let path = match save_finished(store, &entry) {
            Ok(path) => path,
            Err(e) => return Err(keep_answers(store, &draft, e)),
        };
        remember_measures(store, &entry);
        if let Err(e) = store.remove_draft(&entry.id) {
            eprintln!("mentalog: warning: {}", Shown(&format!("{e:#}")));
        }
        self.close(&entry, &path)?;
        Ok(())
    }

    /// The warm close: thanks, what happens with the entry, the plan when
    /// things were very hard, and where the file is.
    fn close(&mut self, entry: &Entry, path: &Path) -> Result<()> {
        let p = &mut *self.p;
        let plan_written = self.settings.plan_state.plan_written;
        p.say("")?;
        if entry.safety_lane {
            p.say("Thank you for checking in with yourself, and for writing here.")?;
            p.say(&self.pack.safety.closing)?;
        } else {
            // Every pack's walk ends here, a moment that went better and a
            // session included: thanks that fit them all.
            p.say("Thank you for taking the time to look at this moment.")?;
            if entry.distress_rose {
                p.say(&self.pack.safety.closing)?;
            }
        }
        if (entry.safety_lane || entry.distress_rose) && plan_written {
            p.say("Your crisis plan is always one command away: mentalog plan")?;
        }
        let share = match (entry.safety_lane, entry.shared, entry.safety_shared) {
            (_, true, _) => "Saved. It will be part of what you export for your therapist.",
            (true, false, true) => {
                "Saved. Your therapist will see only that the safety steps opened today, not what you wrote."
            }
            _ => "Saved. This entry stays private.",
        };
        p.say(share)?;
        if entry.safety_lane {
            p.say("The next time you open mentalog new, it will offer to look at this moment with you.")?;
            if self.store.is_encrypted() {
                remember_sealed_lane(self.store, &entry.id);
            }
        } else {
            offer_encryption(self.store, p)?;
        }
        if std::io::stdout().is_terminal() {
            p.hint(&path.display().to_string())?;
        } else {
            writeln!(std::io::stdout().lock(), "{}", path.display())?;
        }
        Ok(())
    }
}

/// Once, after an entry that was not a hard moment's safety lane, says
/// that the journal can be locked with a passphrase (domain §7), unless it
/// is already.
fn offer_encryption(store: &Store, p: &mut dyn Prompter) -> Result<(), PromptError> {
    if store.is_encrypted() || store.read_state().encryption_offered {
        return Ok(());
    }
    let written = store.lock().and_then(|_lock| {
        let mut state = store.read_state();
        state.encryption_offered = true;
        store.write_state(&state)
    });
    if written.is_err() {
        // Not remembered: better not said at all than said every time.
        return Ok(());
    }
    p.say("")?;
    p.say("Your entries stay on this computer. If someone else could open it, you can lock your journal with a passphrase: mentalog encrypt. Writing never asks for the passphrase; reading does. (Said once.)")
}

/// Text left in the editing folder when mentalog was stopped with the
/// editor open (killed, say, before it could keep it in the draft): shown
/// whole so it can be copied, then removed once the person says so.
fn offer_leftover_edits(store: &Store, p: &mut dyn Prompter) -> Result<(), PromptError> {
    for (path, text) in store.leftover_edits() {
        if text.trim().is_empty() {
            let _ = store.remove_leftover(&path);
            continue;
        }
        p.say("When mentalog last stopped, your editor held this text:")?;
        for line in text.lines() {
            p.say(&format!("  {line}"))?;
        }
        let items = [
            "I have what I need: remove it".to_string(),
            "Keep it for now".to_string(),
        ];
        let ask = crate::prompt::Ask::new("What should happen to it?");
        loop {
            match p.select(&ask, &items, None)? {
                crate::prompt::Got::Answer(0) => {
                    if let Err(e) = store.remove_leftover(&path) {
                        eprintln!("mentalog: warning: {}", Shown(&format!("{e:#}")));
                    }
                    break;
                }
                crate::prompt::Got::Answer(_) => break,
                _ => continue,
            }
        }
    }
    Ok(())
}

/// The newest entry, if it is a safety-lane entry whose follow-up has not
/// been offered yet and that no entry follows.
fn follow_up_due(store: &Store) -> Result<Option<Entry>> {
    // A journal not written yet has no lane entry to look back at.
    if !store.entries_dir().is_dir() {
        return Ok(None);
    }
    // An entry that follows the lane entry is newer than it, so the newest
    // being a lane entry means nothing follows it yet.
    let Some(lane) = store.newest_entry()? else {
        return Ok(None);
    };
    let offered = store.read_state().follow_up_offered;
    Ok((lane.safety_lane && offered.as_deref() != Some(lane.id.as_str())).then_some(lane))
}

/// Remembers (in the readable state file) that the lane entry `id` was
/// saved sealed, so that the next walk can offer its follow-up.
fn remember_sealed_lane(store: &Store, id: &str) {
    let written = store.lock().and_then(|_lock| {
        let mut state = store.read_state();
        state.sealed_lane = Some(id.to_string());
        store.write_state(&state)
    });
    if let Err(e) = written {
        eprintln!("mentalog: warning: {}", Shown(&format!("{e:#}")));
    }
}

/// In a locked journal whose newest entry is the lane entry the walk saved
/// last (and its follow-up not offered yet): says so and offers to unlock
/// with the passphrase; Enter goes on without it. Never required.
fn offer_unlock_for_follow_up(store: &Store, p: &mut dyn Prompter) -> Result<(), PromptError> {
    if !store.is_encrypted() || crate::crypt::is_unlocked(store.root()) {
        return Ok(());
    }
    let state = store.read_state();
    let Some(lane) = state.sealed_lane else {
        return Ok(());
    };
    if state.follow_up_offered.as_deref() == Some(lane.as_str()) {
        return Ok(());
    }
    // Only while nothing was written after it.
    let newest = store.newest_entry_path().ok().flatten();
    let short = crate::entry::short_id(&lane);
    if !newest.is_some_and(|path| {
        path.file_stem()
            .and_then(|s| s.to_str())
            .is_some_and(|s| s.ends_with(&format!("-{short}")))
    }) {
        return Ok(());
    }
    p.say("Last time you wrote here, things were very hard. mentalog can look back at that moment with you; it is locked with your passphrase. To look at it, type your passphrase; to go on without it, just press Enter.")?;
    ask_passphrase(
        store,
        p,
        "to go on",
        "It cannot be opened ({}); going on without it.",
    )
    .map(drop)
}

/// Asks for the passphrase until it opens the journal's key (kept for this
/// process) or only Enter is pressed ("Enter `instead`"). `cannot` says
/// why the key cannot be opened at all (`{}`: the reason). Whether it was.
fn ask_passphrase(
    store: &Store,
    p: &mut dyn Prompter,
    instead: &str,
    cannot: &str,
) -> Result<bool, PromptError> {
    loop {
        let typed = p.password(&format!("Passphrase (or Enter {instead})"))?;
        if typed.is_empty() {
            return Ok(false);
        }
        match crate::unlock::try_passphrase(store, typed) {
            Ok(true) => return Ok(true),
            Ok(false) => p.say(&format!(
                "That passphrase does not open your journal. Try again, or press Enter {instead}."
            ))?,
            Err(e) => {
                p.say(&cannot.replace("{}", &format!("{e:#}")))?;
                return Ok(false);
            }
        }
    }
}

/// Says that there are locked drafts, and offers to open them with the
/// passphrase; Enter alone starts a new entry and keeps them. Whether the
/// journal was unlocked.
fn offer_unlock(
    store: &Store,
    p: &mut dyn Prompter,
    locked: &[store::Damaged],
) -> Result<bool, PromptError> {
    let when = |path: &std::path::Path| {
        std::fs::metadata(path)
            .and_then(|m| m.modified())
            .ok()
            .map(|t| {
                chrono::DateTime::<chrono::Local>::from(t)
                    .format("%a %-d %b %Y, %H:%M")
                    .to_string()
            })
    };
    let mut saved: Vec<String> = locked.iter().filter_map(|d| when(&d.path)).collect();
    saved.sort();
    let what = if locked.len() == 1 {
        "an unfinished entry".to_string()
    } else {
        format!("{} unfinished entries", locked.len())
    };
    let last = saved
        .last()
        .map(|t| format!(", last saved {t}"))
        .unwrap_or_default();
    p.say(&format!(
        "You have {what}{last}. It is locked with your passphrase. To carry on with it, type your passphrase; to start a new entry, just press Enter (the unfinished one is kept)."
    ))?;
    ask_passphrase(
        store,
        p,
        "for a new entry",
        "Your unfinished entry cannot be opened ({}); it is kept as it is. Starting a new entry.",
    )
}

/// Offers the unfinished entries written with this pack, newest first,
/// and mentions those written with another. Discarding asks again.
fn choose_draft(
    store: &Store,
    pack: &Pack,
    p: &mut dyn Prompter,
    plan: &[String],
) -> Result<Option<Draft>, PromptError> {
    let mut mentioned = false;
    let mut offered = false;
    loop {
        let (drafts, damaged) = store
            .drafts()
            .map_err(|e| PromptError::Io(std::io::Error::other(format!("{e:#}"))))?;
        // Drafts of an encrypted journal are sealed: offered by when they
        // were last saved, and opened only if the person gives the
        // passphrase (never required to write).
        let (locked, damaged): (Vec<_>, Vec<_>) = damaged
            .into_iter()
            .partition(|d| d.reason == crate::crypt::LOCKED);
        super::report_damaged(&damaged);
        if !locked.is_empty() && !offered {
            offered = true;
            if offer_unlock(store, p, &locked)? {
                continue;
            }
        }
        let (ours, others): (Vec<Draft>, Vec<Draft>) =
            drafts.into_iter().partition(|d| d.pack.id == pack.id);
        if !mentioned {
            for other in &others {
                p.say(&format!(
                    "You also have an unfinished entry written with the pack {} {} ({}). To carry on with it, run: mentalog new --pack {}",
                    crate::entry::one_line(&other.pack.id),
                    crate::entry::one_line(&other.pack.version),
                    other.describe(),
                    crate::entry::one_line(&other.pack.id)
                ))?;
            }
            mentioned = true;
        }
        if ours.is_empty() {
            return Ok(None);
        }
        match flow::choose_draft(p, &ours, plan)? {
            DraftChoice::Resume(i) => {
                // A draft begun with an earlier version of this pack goes on
                // with this one: each answer keeps the question it was asked.
                let mut d = ours[i].clone();
                d.pack = pack.reference();
                return Ok(Some(d));
            }
            DraftChoice::New => return Ok(None),
            DraftChoice::Discard(i) => {
                store
                    .remove_draft(&ours[i].id)
                    .map_err(|e| PromptError::Io(std::io::Error::other(format!("{e:#}"))))?;
                p.say("The unfinished entry is discarded.")?;
            }
        }
    }
}

/// Saves the finished entry. If the entry of a resumed draft is already
/// there (the last run stopped between saving it and removing the draft),
/// the same entry is not written twice; a different one gets a new id.
fn save_finished(store: &Store, entry: &Entry) -> Result<std::path::PathBuf> {
    if let Some(existing) = store
        .find(&entry.id)?
        .entries
        .into_iter()
        .find(|s| s.entry.id == entry.id)
    {
        if existing.entry == *entry {
            return Ok(existing.path);
        }
        let mut renamed = entry.clone();
        renamed.id = new_id();
        return store.save_entry(&renamed);
    }
    store.save_entry(entry)
}

/// The entry could not be saved: keep the draft, or if even that fails,
/// print the entry so the words are not lost.
fn keep_answers(store: &Store, draft: &Draft, err: anyhow::Error) -> anyhow::Error {
    match store.save_draft(draft) {
        Ok(path) => err.context(format!(
            "your entry could not be saved; your answers are kept as a draft in {} and 'mentalog new' will offer it again",
            path.display()
        )),
        Err(_) => {
            // On the terminal, not stdout: stdout may be a file anyone can read.
            if let Ok(json) = serde_json::to_string_pretty(draft) {
                eprintln!("{}", Shown(&json));
            }
            err.context("your entry could not be saved, and no draft could be written either; your answers are printed above so you can copy them")
        }
    }
}
