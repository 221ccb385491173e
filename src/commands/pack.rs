//! `mentalog pack`: list, show, check, add, remove, use and start packs.
//! The rules of a pack are `pack::check`'s; installed packs live in the
//! store. Removing or changing a pack never touches an entry: each keeps
//! the questions as they were asked.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use serde::Serialize;

use crate::cli::PackCommand;
use crate::config_edit;
use crate::context::Context;
use crate::entry::{Kind, keys};
use crate::error::Error;
use crate::pack::{self, Pack, Signal, check};
use crate::prompt::PromptError;
use crate::store::{self, MAX_PACK_BYTES, packs};
use crate::text::{OneLine, Shown};

/// The commented pack `pack new` writes.
const TEMPLATE: &str = include_str!("../../prompts/pack-template.toml");

pub fn run(ctx: &mut Context, command: &PackCommand) -> Result<()> {
    match command {
        PackCommand::List { json } => list(ctx, *json),
        PackCommand::Show { pack } => show(ctx, pack),
        PackCommand::Check { files } => check_files(files),
        PackCommand::Add { file } => add(ctx, file),
        PackCommand::Remove { id, yes } => remove(ctx, id, *yes),
        PackCommand::Use { id } => use_pack(ctx, id),
        PackCommand::New { file } => new(ctx, file),
    }
}

fn shown_path(path: &Path) -> String {
    crate::text::one_line(&path.display().to_string())
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// `pack check`: every problem of every file, then how many.
fn check_files(files: &[std::path::PathBuf]) -> Result<()> {
    let mut problems = 0;
    let mut broken_files = 0;
    let mut stderr = std::io::stderr().lock();
    for file in files {
        let path = shown_path(file);
        let source = match store::read_limited(file, MAX_PACK_BYTES, "pack") {
            Ok(s) => s,
            Err(e) => {
                writeln!(stderr, "{path}: error: {}\n", OneLine(&format!("{e:#}")))?;
                problems += 1;
                broken_files += 1;
                continue;
            }
        };
        let checked = check::check(&source);
        write!(
            stderr,
            "{}",
            check::render(&path, &source, &checked.problems)
        )?;
        let errors = checked.errors().count();
        let warnings = checked.warnings().count();
        if errors == 0 {
            let also = if warnings > 0 {
                format!(" ({} above)", plural(warnings, "warning", "warnings"))
            } else {
                String::new()
            };
            writeln!(stderr, "{path}: this pack checks clean{also}")?;
        } else {
            problems += errors;
            broken_files += 1;
        }
    }
    if problems > 0 {
        bail!(
            "{} in {} (see above)",
            plural(problems, "problem", "problems"),
            plural(broken_files, "file", "files")
        );
    }
    Ok(())
}

/// One pack as `pack list --json` shows it.
#[derive(Serialize)]
struct Listed {
    id: String,
    version: u32,
    title: String,
    built_in: bool,
    in_use: bool,
}

/// The version of `pack list --json`, raised when its shape changes.
const LIST_SCHEMA: &str = "mentalog.packs/1";

#[derive(Serialize)]
struct Listing {
    schema: &'static str,
    /// The pack new entries use.
    in_use: String,
    packs: Vec<Listed>,
}

fn in_use(ctx: &Context) -> String {
    ctx.config
        .pack
        .clone()
        .unwrap_or_else(|| pack::BUILTIN_ID.to_string())
}

fn list(ctx: &Context, json: bool) -> Result<()> {
    let using = in_use(ctx);
    let mut packs: Vec<Listed> = Vec::new();
    for (id, source) in pack::BUILTIN {
        let p = Pack::parse(source)?;
        packs.push(Listed {
            id: (*id).to_string(),
            version: p.version,
            title: p.title,
            built_in: true,
            in_use: *id == using,
        });
    }
    let (installed, damaged) = ctx.store.installed_packs()?;
    for i in installed {
        if packs.iter().any(|p| p.id == i.pack.id) {
            continue;
        }
        packs.push(Listed {
            in_use: i.pack.id == using,
            id: i.pack.id,
            version: i.pack.version,
            title: i.pack.title,
            built_in: false,
        });
    }
    packs.sort_by(|a, b| a.id.cmp(&b.id));
    super::report_damaged(&damaged);
    let any_in_use = packs.iter().any(|p| p.in_use);
    let mut out = std::io::stdout().lock();
    if json {
        let listing = Listing {
            schema: LIST_SCHEMA,
            in_use: using.clone(),
            packs,
        };
        serde_json::to_writer_pretty(&mut out, &listing)?;
        writeln!(out)?;
    } else {
        let width = packs.iter().map(|p| p.id.len()).max().unwrap_or(0);
        for p in &packs {
            let mark = if p.in_use { '*' } else { ' ' };
            let place = if p.built_in { "built in " } else { "installed" };
            writeln!(
                out,
                "{mark} {:<width$}  version {:<3} {place}  {}",
                p.id,
                p.version,
                OneLine(&p.title)
            )?;
        }
        if any_in_use {
            writeln!(
                out,
                "\n* new entries use this pack; choose another with 'mentalog pack use ID'"
            )?;
        }
    }
    out.flush()?;
    if !any_in_use {
        eprintln!(
            "mentalog: warning: the config chooses the pack `{}`, which is neither built in nor installed; choose one with 'mentalog pack use ID'",
            OneLine(&using)
        );
    }
    super::skipped(&damaged)
}

fn show(ctx: &Context, choice: &str) -> Result<()> {
    let known = pack::BUILTIN.iter().any(|(b, _)| *b == choice)
        || (packs::is_id(choice) && ctx.store.pack_path(choice).exists())
        || Path::new(choice).symlink_metadata().is_ok();
    if !known {
        let builtin: Vec<&str> = pack::BUILTIN.iter().map(|(b, _)| *b).collect();
        return Err(Error::Usage(format!(
            "no pack `{}`: the built-in packs are {}, 'mentalog pack list' shows the installed ones, or give the path of a pack file",
            OneLine(choice),
            builtin.join(", ")
        ))
        .into());
    }
    let written = packs::load_pack(&ctx.store, &ctx.config, Some(choice))?;
    let focus = ctx.config.focus.clone().or_else(|| written.focus.clone());
    let pack = written.resolve(focus.as_deref(), &|_| true);
    let threshold = ctx.config.safety_threshold.unwrap_or(pack.safety_threshold);
    let text = describe(&written, &pack, threshold);
    let mut out = std::io::stdout().lock();
    // Everything in it came from the pack: one gate, at the end.
    write!(out, "{}", Shown(&text))?;
    out.flush()?;
    Ok(())
}

/// The walk as a person will see it, step by step, then the safety steps
/// and the gentle questions in plain words. `written` is the pack as
/// written (for the nudges and measures); `pack` is it resolved.
fn describe(written: &Pack, pack: &Pack, threshold: u8) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} ({}, version {})",
        pack.title.trim(),
        pack.id,
        pack.version
    );
    if !pack.description.trim().is_empty() {
        let _ = writeln!(s, "{}", pack.description.trim());
    }
    if let Some(author) = pack.author.as_deref().filter(|a| !a.trim().is_empty()) {
        let _ = writeln!(s, "Written by {}.", author.trim());
    }
    if let Some(note) = pack.note.as_deref().filter(|n| !n.trim().is_empty()) {
        let _ = writeln!(s, "\n{}", note.trim());
    }
    if let Some(focus) = pack.focus.as_deref() {
        let _ = writeln!(s, "\nYour focus for now: \u{201c}{}\u{201d}", focus.trim());
    }
    if let Some(r) = pack
        .rhythm
        .as_deref()
        .and_then(|r| r.parse::<crate::rhythm::Rhythm>().ok())
    {
        let _ = writeln!(s, "How often you agreed to write: {r}.");
    }
    let _ = writeln!(
        s,
        "\nThe walk, step by step. The first two questions are always asked; every other one can be skipped.\n"
    );
    let number = |key: &str| {
        pack.steps
            .iter()
            .position(|st| st.key == key)
            .map(|i| i + 1)
    };
    let mut measure_seen: Vec<&str> = Vec::new();
    for (i, step) in pack.steps.iter().enumerate() {
        if let Some(intro) = step.intro.as_deref().filter(|t| !t.trim().is_empty()) {
            let _ = writeln!(s, "{}{}", if i == 0 { "" } else { "\n" }, intro.trim());
        }
        let n = i + 1;
        let indent = "      ";
        let _ = write!(s, "{n:>4}. ");
        let mut first = true;
        let mut line = |s: &mut String, text: &str| {
            if first {
                let _ = writeln!(s, "{}", text.trim());
                first = false;
            } else {
                let _ = writeln!(s, "{indent}{}", text.trim());
            }
        };
        if let Some(help) = step.help.as_deref().filter(|t| !t.trim().is_empty()) {
            line(&mut s, help);
        }
        if let Some(framing) = step.framing.as_deref().filter(|t| !t.trim().is_empty()) {
            line(&mut s, framing);
        }
        line(&mut s, &step.question);
        let answer = match step.kind {
            Kind::ShortText => "A short answer in your own words.".to_string(),
            Kind::LongText => {
                "An answer in your own words, as long or short as you like.".to_string()
            }
            Kind::Rating => {
                let [low, high] = step
                    .anchors
                    .clone()
                    .unwrap_or_else(|| [String::new(), String::new()]);
                format!("A number from 0 ({}) to 10 ({}).", low.trim(), high.trim())
            }
            Kind::Choice => format!("One of: {}.", step.options.join("; ")),
            // Typed as a number, as the walk asks it.
            Kind::Scale => match &step.scale {
                Some(scale) => format!("A number: {}.", scale.key()),
                None => format!("One of: {}.", step.options.join("; ")),
            },
            Kind::Feelings => format!(
                "Any of these feelings, or your own words, each with how strong it was from 0 to 10: {}.",
                pack.feelings.join(", ")
            ),
            Kind::YesNoUnsure => "Yes, no or not sure.".to_string(),
            Kind::YesNo => "Yes or no.".to_string(),
        };
        line(&mut s, &answer);
        let mut notes: Vec<String> = Vec::new();
        // Every step but the arrival check may be skipped (said above).
        if !step.skippable {
            notes.push("Always asked.".into());
        }
        if !step.needs_any.is_empty() {
            notes.push(format!(
                "Asked only when you answered {}.",
                steps_named(&step.needs_any, "or", &number)
            ));
        }
        if step.key == keys::ARRIVAL_SAFETY {
            notes.push(format!(
                "With a yes or not sure here, or feelings at {threshold} or more at the start, the walk goes to the safety steps (below) instead of the questions."
            ));
        }
        if step.key == keys::ARRIVAL_URGE_ACTED
            && let Some(u) = pack.urge_threshold()
        {
            notes.push(format!(
                "With a yes here, or an urge at {u} or more, the walk goes to the safety steps (below)."
            ));
        }
        if let Some(rest) = step.key.strip_prefix(keys::MEASURE_PREFIX)
            && let Some(m) = written
                .measures
                .iter()
                .find(|m| rest.starts_with(&format!("{}.", m.id)))
            && !measure_seen.contains(&m.id.as_str())
        {
            measure_seen.push(&m.id);
            match m
                .every
                .as_deref()
                .and_then(|e| e.parse::<crate::rhythm::Rhythm>().ok())
            {
                Some(r) => notes.push(format!(
                    "These {} questions are asked {r}, not in every entry. From: {}",
                    m.items.len(),
                    m.citation.trim()
                )),
                None => notes.push(format!(
                    "These {} questions come in every entry. From: {}",
                    m.items.len(),
                    m.citation.trim()
                )),
            }
        }
        if !notes.is_empty() {
            line(&mut s, &notes.join(" "));
        }
    }
    let fixed = pack.fixed();
    let safety = &pack.safety;
    let _ = writeln!(s, "\nThe safety steps");
    let _ = writeln!(
        s,
        "When the walk goes to the safety steps, it asks none of the questions above. It says:\n  \u{201c}{}\u{201d}\n  (after a yes or not sure to the safety question: \u{201c}{}\u{201d})",
        safety.acknowledgement.trim(),
        safety.thoughts_acknowledgement.trim()
    );
    if let Some(urges) = pack.urges.as_ref().filter(|u| u.enabled) {
        let _ = writeln!(
            s,
            "  (after an urge at {} or more, or one acted on: \u{201c}{}\u{201d})",
            urges.threshold,
            urges.acknowledgement.trim()
        );
    }
    let _ = writeln!(
        s,
        "then shows your crisis plan and your contacts, with:\n  \u{201c}{}\u{201d}\n  \u{201c}{}\u{201d}",
        fixed.emergency.trim(),
        fixed.no_contact.trim()
    );
    let _ = writeln!(
        s,
        "then offers: \u{201c}{}\u{201d}",
        safety.note_question.trim()
    );
    let _ = writeln!(
        s,
        "then asks: \u{201c}{}\u{201d}",
        fixed.lane_share_question.trim()
    );
    let _ = writeln!(
        s,
        "and ends with: \u{201c}{}\u{201d}",
        safety.closing.trim()
    );
    if pack.step(keys::AFTER_DISTRESS).is_some() {
        let _ = writeln!(
            s,
            "The plan and these closing words also come at the end of an entry when your feelings there are at {threshold} or more, or {} or more higher than at the start.",
            pack.safety_rise
        );
    }
    let nudges: Vec<&pack::Nudge> = pack.nudges.iter().collect();
    if !nudges.is_empty() {
        let _ = writeln!(s, "\nGentle questions");
        let _ = writeln!(
            s,
            "At most one of these comes in an entry, never during the safety steps, and each can be skipped."
        );
        for nudge in nudges {
            let after = steps_named(nudge.after.keys(), "or", &number);
            let when: Vec<String> = nudge
                .when
                .iter()
                .map(|w| signal_words(w, &number))
                .collect();
            let off = if nudge.enabled { "" } else { " (turned off)" };
            let _ = writeln!(
                s,
                "- After {after}, when {}{off}:\n  \u{201c}{}\u{201d}",
                when.join("; or when "),
                nudge.text.trim()
            );
        }
    }
    s
}

/// Steps by their number in the walk, joined with `conj` ("and", "or"):
/// "step 7", "steps 7, 8 and 9"; a step not asked is named by its key.
fn steps_named(keys: &[String], conj: &str, number: &dyn Fn(&str) -> Option<usize>) -> String {
    let mut parts: Vec<String> = Vec::new();
    let numbered: Vec<String> = keys
        .iter()
        .filter_map(|k| number(k))
        .map(|n| n.to_string())
        .collect();
    match numbered.as_slice() {
        [] => {}
        [one] => parts.push(format!("step {one}")),
        [rest @ .., last] => parts.push(format!("steps {} {conj} {last}", rest.join(", "))),
    }
    for key in keys.iter().filter(|k| number(k).is_none()) {
        parts.push(format!("`{key}` (not asked in this pack)"));
    }
    parts.join(&format!(" {conj} "))
}

/// A signal in plain words, with steps named by their number in the walk.
fn signal_words(signal: &Signal, number: &dyn Fn(&str) -> Option<usize>) -> String {
    let steps = |keys: &[String], conj: &str| steps_named(keys, conj, number);
    let one = |key: &String| steps_named(std::slice::from_ref(key), "and", number);
    let words = |words: &[String]| -> String {
        const SHOWN: usize = 6;
        let quoted: Vec<String> = words
            .iter()
            .take(SHOWN)
            .map(|w| format!("\u{201c}{}\u{201d}", w.trim()))
            .collect();
        let more = words.len().saturating_sub(SHOWN);
        if more > 0 {
            format!("{} (and {more} more)", quoted.join(", "))
        } else {
            quoted.join(", ")
        }
    };
    match signal {
        Signal::RatingAtLeast { key, value } => {
            format!("the answer at {} is {value} or more", one(key))
        }
        Signal::Words { keys, words: w } => {
            format!(
                "the answers at {} use words such as {}",
                steps(keys, "or"),
                words(w)
            )
        }
        Signal::WordsHere { words: w } => {
            format!("the answer just given uses words such as {}", words(w))
        }
        Signal::All { of } => {
            let (not, yes): (Vec<&Signal>, Vec<&Signal>) =
                of.iter().partition(|s| matches!(s, Signal::Not { .. }));
            let mut text: Vec<String> = yes.iter().map(|s| signal_words(s, number)).collect();
            let mut out = text.join(", and ");
            text = not
                .iter()
                .filter_map(|s| match s {
                    Signal::Not { of } => Some(signal_words(of, number)),
                    _ => None,
                })
                .collect();
            for t in text {
                if out.is_empty() {
                    out = format!("not when {t}");
                } else {
                    out = format!("{out} (but not when {t})");
                }
            }
            out
        }
        Signal::Not { of } => format!("not when {}", signal_words(of, number)),
        Signal::BlankOr { key, words: w } if w.is_empty() => {
            format!("nothing is written at {}", one(key))
        }
        Signal::BlankOr { key, words: w } => format!(
            "nothing is written at {}, or it says something like {}",
            one(key),
            words(w)
        ),
        Signal::FewFeelings {
            keys,
            min_words,
            max_intensity,
        } => format!(
            "at least {min_words} words are written at {}, and no feeling is named or every feeling is at {max_intensity} or less",
            steps(keys, "and")
        ),
        Signal::OneSided {
            rich,
            blank,
            min_words,
        } => format!(
            "at least {min_words} words are written at {}, and nothing at {}",
            steps(rich, "and"),
            steps(blank, "or")
        ),
    }
}

fn add(ctx: &Context, file: &Path) -> Result<()> {
    let path = shown_path(file);
    let source = store::read_limited(file, MAX_PACK_BYTES, "pack")?;
    let checked = check::check(&source);
    eprint!("{}", check::render(&path, &source, &checked.problems));
    let errors = checked.errors().count();
    let Some(new) = checked.pack else {
        bail!(
            "the pack {path} was not added: it has {} (see above); 'mentalog pack check {path}' checks it again after a fix",
            plural(errors, "problem", "problems")
        );
    };
    let id = new.id.clone();
    if pack::BUILTIN.iter().any(|(b, _)| *b == id) {
        bail!(
            "the pack {path} has the id `{id}` of a built-in pack and was not added; give it an id of its own"
        );
    }
    let title = OneLine(&new.title).to_string();
    let _lock = ctx.store.lock()?;
    let old = match ctx.store.installed_pack(&id) {
        Ok(old) => old,
        // A damaged copy is replaced: nothing could use it.
        Err(e) => {
            eprintln!(
                "The installed copy of `{id}` cannot be read ({}); it will be replaced.",
                OneLine(&format!("{e:#}"))
            );
            None
        }
    };
    if let Some(old) = &old {
        let (was, now) = (old.pack.version, new.version);
        if now < was {
            bail!(
                "the pack `{id}` is installed at version {was}, and {path} is version {now}: a lower version is not installed over a higher one (nothing was changed)"
            );
        }
        if now == was {
            if old.source.replace("\r\n", "\n") == source.replace("\r\n", "\n") {
                ctx.note(&format!(
                    "The pack `{id}` (version {now}) is already installed; nothing changed."
                ));
                return Ok(());
            }
            bail!(
                "the pack `{id}` is installed at version {was} with other words than {path}: raise its version (version = {}) and add it again (nothing was changed)",
                was + 1
            );
        }
    }
    ctx.store.install_pack(&id, &source)?;
    match old {
        Some(old) => ctx.note(&format!(
            "Updated the pack \u{201c}{title}\u{201d} ({id}) from version {} to version {}.",
            old.pack.version, new.version
        )),
        None => ctx.note(&format!(
            "Installed the pack \u{201c}{title}\u{201d} ({id}, version {}).",
            new.version
        )),
    }
    if in_use(ctx) != id {
        ctx.note(&format!(
            "To use it for new entries: mentalog pack use {id}"
        ));
    }
    Ok(())
}

fn remove(ctx: &mut Context, id: &str, yes: bool) -> Result<()> {
    let shown = OneLine(id).to_string();
    if pack::BUILTIN.iter().any(|(b, _)| *b == id) {
        return Err(Error::Usage(format!(
            "`{shown}` is a built-in pack and cannot be removed; to use another pack for new entries, run 'mentalog pack use ID'"
        ))
        .into());
    }
    let installed = if packs::is_id(id) && ctx.store.pack_path(id).exists() {
        ctx.store.installed_pack(id).ok().flatten()
    } else {
        return Err(Error::Usage(format!(
            "no pack `{shown}` is installed; 'mentalog pack list' shows the installed packs"
        ))
        .into());
    };
    let name = match &installed {
        Some(i) => format!(
            "\u{201c}{}\u{201d} ({shown}, version {})",
            OneLine(&i.pack.title),
            i.pack.version
        ),
        None => format!("`{shown}`"),
    };
    if !yes {
        let question = format!(
            "Remove the pack {name}? Entries written with it stay readable: each keeps its questions."
        );
        match ctx.prompter.confirm(&question) {
            Ok(true) => {}
            Ok(false) => {
                eprintln!("Nothing was removed.");
                return Ok(());
            }
            Err(PromptError::NoTerminal) => {
                return Err(Error::Usage(format!(
                    "removing a pack asks first, and there is no terminal to ask in; to remove it without asking, run 'mentalog pack remove {shown} --yes'"
                ))
                .into());
            }
            Err(PromptError::Interrupted) => {
                return Err(Error::Cancelled("Nothing was removed.".into()).into());
            }
            Err(e) => return Err(e.into()),
        }
    }
    // The config first: if it cannot be changed, the pack stays, and the
    // config never names a pack that is gone.
    let in_use = ctx.config.pack.as_deref() == Some(id);
    if in_use {
        config_edit::edit(&ctx.paths.config, |doc| {
            config_edit::set_text(doc, "pack", None);
        })
        .context("the pack was not removed")?;
        ctx.config.pack = None;
    }
    {
        let _lock = ctx.store.lock()?;
        ctx.store.remove_pack(id)?;
    }
    ctx.note(&format!(
        "Removed the pack {name}. Entries written with it stay readable: each keeps the questions as they were asked."
    ));
    if in_use {
        ctx.note(&format!(
            "It was the pack for new entries; they will use the built-in pack {} again.",
            pack::BUILTIN_ID
        ));
    }
    Ok(())
}

fn use_pack(ctx: &mut Context, id: &str) -> Result<()> {
    let shown = OneLine(id).to_string();
    let pack = if let Some((_, source)) = pack::BUILTIN.iter().find(|(b, _)| *b == id) {
        Pack::parse(source)?
    } else if let Some(installed) = ctx.store.installed_pack(id)? {
        installed.pack
    } else {
        let builtin: Vec<&str> = pack::BUILTIN.iter().map(|(b, _)| *b).collect();
        let hint = if Path::new(id).is_file() {
            format!("; to use a pack file, install it first with 'mentalog pack add {shown}'")
        } else {
            String::new()
        };
        return Err(Error::Usage(format!(
            "no pack `{shown}`: the built-in packs are {}, and 'mentalog pack list' shows the installed ones{hint}",
            builtin.join(", ")
        ))
        .into());
    };
    config_edit::edit(&ctx.paths.config, |doc| {
        config_edit::set_text(doc, "pack", Some(id));
    })?;
    ctx.config.pack = Some(id.to_string());
    ctx.note(&format!(
        "New entries will use \u{201c}{}\u{201d} ({shown}, version {}). Entries already written keep their own questions.",
        OneLine(&pack.title),
        pack.version
    ));
    Ok(())
}

fn new(ctx: &Context, file: &Path) -> Result<()> {
    let path = shown_path(file);
    if file.symlink_metadata().is_ok() {
        bail!("{path} already exists; nothing was written. Choose another file name");
    }
    store::write_new(file, TEMPLATE.as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot write {path}: {e:#} (nothing was written)"))?;
    ctx.note(&format!(
        "Wrote a pack to start from: {path}\nChange its id, title and questions, check it with 'mentalog pack check {path}', then install it with 'mentalog pack add {path}'."
    ));
    Ok(())
}
