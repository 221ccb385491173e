use std::io::{Read, Write};
use std::path::Path;
use std::sync::Mutex;

use anyhow::{Context as _, Result, anyhow};

use crate::cli::NewArgs;
use crate::context::Context;
use crate::entry::{Answer, Entry, Kind, Value, keys};
use crate::error::Error;
use crate::flow::{self, Draft, DraftChoice, Settings};
use crate::pack::{self, Pack};
use crate::prompt::{PromptError, TerminalPrompter};
use crate::store::Store;

pub fn run(ctx: &Context, args: &NewArgs) -> Result<()> {
    let pack = load_pack(args.pack.as_deref())?;
    let store = Store::new(&ctx.paths.data);
    if let Some(file) = &args.answers {
        return scripted(ctx, &pack, &store, file);
    }
    if !ctx.interactive {
        return Err(Error::Usage(
            "the guided walk needs a terminal. To write an entry from a script, use \
             'mentalog new --answers FILE' with a JSON file of answers ('-' reads standard input)"
                .into(),
        )
        .into());
    }
    interactive(ctx, &pack, &store)
}

/// A built-in pack by id, or a pack file by path.
fn load_pack(id: Option<&str>) -> Result<Pack> {
    let Some(id) = id else {
        return Ok(Pack::builtin());
    };
    if let Some((_, source)) = pack::BUILTIN.iter().find(|(b, _)| *b == id) {
        return Ok(Pack::parse(source)?);
    }
    let path = Path::new(id);
    if path.is_file() {
        let source = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the pack {}", path.display()))?;
        let pack = Pack::parse(&source)
            .with_context(|| format!("the pack {} cannot be used", path.display()))?;
        // Entries name their pack by id: a file must not pass for a built-in pack.
        if pack::BUILTIN.iter().any(|(b, _)| *b == pack.id) {
            anyhow::bail!(
                "the pack {} has the id `{}` of a built-in pack; give it an id of its own",
                path.display(),
                pack.id
            );
        }
        return Ok(pack);
    }
    let builtin: Vec<_> = pack::BUILTIN.iter().map(|(b, _)| *b).collect();
    Err(Error::Usage(format!(
        "--pack {id}: no such pack; the built-in packs are {}, or give the path of a pack file",
        builtin.join(", ")
    ))
    .into())
}

fn threshold(ctx: &Context, pack: &Pack) -> u8 {
    ctx.config.safety_threshold.unwrap_or(pack.safety_threshold)
}

fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// `new --answers FILE`: checks every answer against the pack before saving anything.
fn scripted(ctx: &Context, pack: &Pack, store: &Store, file: &Path) -> Result<()> {
    let name = if file == Path::new("-") {
        "standard input".to_string()
    } else {
        file.display().to_string()
    };
    let mut text = String::new();
    if file == Path::new("-") {
        std::io::stdin().read_to_string(&mut text)
    } else {
        std::fs::File::open(file).and_then(|mut f| f.read_to_string(&mut text))
    }
    .with_context(|| format!("cannot read the answers in {name}"))?;
    let answers =
        answers_from_json(pack, &text).map_err(|e| anyhow!("{name}: {e}; nothing was saved"))?;

    let mut draft = Draft::new(new_id(), ctx.now, pack);
    draft.safety_lane = flow::lane_due(&answers, threshold(ctx, pack));
    if !draft.safety_lane && answers.iter().any(|a| a.key == keys::SAFETY_NOTE) {
        return Err(anyhow!(
            "{name}: `safety.note` belongs to entries that go to the safety lane (distress at or above the threshold, or a yes / not sure to the safety question); nothing was saved"
        ));
    }
    draft.answers = answers;
    let entry = draft.into_entry();
    let path = store.save_entry(&entry)?;
    if entry.safety_lane {
        eprintln!(
            "This entry is saved as a safety-lane entry and stays private until you share it. \
             Your crisis plan: mentalog plan. {}",
            flow::EMERGENCY_LINE
        );
    }
    writeln!(std::io::stdout().lock(), "{}", path.display())?;
    Ok(())
}

/// Reads an answers file: a JSON object from step key to value, in any order.
/// Answers are stored in the pack's order; `null` or an empty text means skipped.
pub fn answers_from_json(pack: &Pack, text: &str) -> Result<Vec<Answer>, String> {
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not valid JSON ({e})"))?;
    let object = json
        .as_object()
        .ok_or("expected a JSON object from step key to answer")?;
    for key in object.keys() {
        if key != keys::SAFETY_NOTE && pack.step(key).is_none() {
            return Err(format!(
                "unknown key `{key}`: the pack {} has no such step",
                pack.id
            ));
        }
    }
    let safety_note = (keys::SAFETY_NOTE, Kind::LongText, "", &[][..]);
    let steps = pack
        .steps
        .iter()
        .map(|s| {
            (
                s.key.as_str(),
                s.kind,
                s.question.as_str(),
                s.options.as_slice(),
            )
        })
        .chain([safety_note]);
    let mut answers = Vec::new();
    for (key, kind, question, options) in steps {
        // An empty text is a skipped question, as in the guided walk.
        let blank = |v: &serde_json::Value| v.as_str().is_some_and(|t| t.trim().is_empty());
        match object.get(key) {
            None | Some(serde_json::Value::Null) => {
                if pack.step(key).is_some_and(|s| !s.skippable) {
                    return Err(format!("`{key}` is required"));
                }
            }
            Some(json) if blank(json) => {}
            Some(json) => {
                let value =
                    Value::from_json(kind, options, json).map_err(|e| format!("`{key}`: {e}"))?;
                let question = if key == keys::SAFETY_NOTE {
                    pack.safety.note_question.as_str()
                } else {
                    question
                };
                answers.push(Answer {
                    key: key.to_string(),
                    kind,
                    question: question.to_string(),
                    value,
                });
            }
        }
    }
    Ok(answers)
}

const GREETING: &str = "\
Welcome to mentalog.

It helps you catch one hard moment between sessions, in your own words, so you
can bring it to your therapist. It takes about ten minutes.

Your entries stay on this computer and are private. One leaves it only if you
choose to share it and export it yourself. mentalog never contacts anyone.";

fn interactive(ctx: &Context, pack: &Pack, store: &Store) -> Result<()> {
    let first_run = store.is_new();
    let plan = super::plan::ensure_plan(store);
    super::plan::warn_config(ctx);
    let contacts = super::plan::contact_lines(ctx);
    // In a crisis an unfilled template is no help: say so briefly instead.
    let plan_shown = if plan == super::plan::TEMPLATE {
        "You haven't written your crisis plan yet. You can write it with your therapist: mentalog plan --edit".to_string()
    } else {
        plan.clone()
    };
    let settings = Settings {
        threshold: threshold(ctx, pack),
        plan: &plan_shown,
        contacts: &contacts,
    };
    let mut p = TerminalPrompter::new(store.editing_dir());
    ctrlc::set_handler(|| stop_interrupted()).context("cannot set up Ctrl-C handling")?;

    if first_run {
        eprintln!("{GREETING}");
        eprintln!(
            "\nYour crisis plan is always one command away: mentalog plan\n(it is kept in {})\n",
            store.plan_path().display()
        );
    }
    let mut draft = match resume(store, pack, &mut p)? {
        Some(d) => d,
        None => Draft::new(new_id(), ctx.now, pack),
    };
    // Find out now, before anyone writes a word, whether answers can be kept.
    store.save_draft(&draft).with_context(|| {
        format!(
            "cannot write to the data folder {}; choose another with --dir or MENTALOG_DIR",
            store.root().display()
        )
    })?;
    eprintln!(
        "Press Enter on an empty answer to skip a question. At any question you answer in words,\n\
         type {} to write it in your editor, or {} to see your crisis plan.",
        flow::EDIT_COMMAND,
        flow::PLAN_COMMAND
    );

    let mut save = |d: &Draft| {
        let result = store.save_draft(d);
        let failed = UNSAVED.lock().map(|u| u.is_some()).unwrap_or(false);
        match result {
            Ok(_) => {
                if let Ok(mut u) = UNSAVED.lock() {
                    *u = None;
                }
            }
            Err(e) => {
                if !failed {
                    eprintln!(
                        "mentalog: warning: cannot save a draft: {e:#}. If you stop now, your answers will be printed so you can copy them."
                    );
                }
                if let Ok(mut u) = UNSAVED.lock() {
                    *u = serde_json::to_string_pretty(d).ok();
                }
            }
        }
    };
    match flow::walk(pack, &settings, &mut p, &mut draft, &mut save) {
        Ok(()) => {}
        Err(PromptError::Interrupted) => stop_interrupted(),
        Err(e) => {
            let kept = keep_answers(store, &draft, anyhow::Error::new(e));
            return Err(kept.context("the guided walk stopped"));
        }
    }
    let entry = draft.clone().into_entry();
    let path = match save_finished(store, &entry) {
        Ok(path) => path,
        Err(e) => return Err(keep_answers(store, &draft, e)),
    };
    if let Err(e) = store.remove_draft(&entry.id) {
        eprintln!("mentalog: warning: {e:#}");
    }
    if entry.safety_lane {
        eprintln!("\n{}", pack.safety.closing);
    } else {
        eprintln!(
            "\nSaved. {}",
            if entry.shared {
                "This entry will be part of what you export for your therapist."
            } else {
                "This entry stays private."
            }
        );
    }
    writeln!(std::io::stdout().lock(), "{}", path.display())?;
    Ok(())
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

/// Offers the newest unfinished entry written with this pack, if there is
/// one, and mentions those written with another.
fn resume(store: &Store, pack: &Pack, p: &mut TerminalPrompter) -> Result<Option<Draft>> {
    let (drafts, damaged) = store.drafts()?;
    super::report_damaged(&damaged);
    let (ours, others): (Vec<Draft>, Vec<Draft>) =
        drafts.into_iter().partition(|d| d.pack == pack.reference());
    for other in &others {
        eprintln!(
            "You also have an unfinished entry written with the pack {} {} ({}). To carry on with it, run: mentalog new --pack {}",
            other.pack.id,
            other.pack.version,
            other.describe(),
            other.pack.id
        );
    }
    let Some(draft) = ours.into_iter().next() else {
        return Ok(None);
    };
    let choice = match flow::choose_draft(p, &draft) {
        Err(PromptError::Interrupted) => stop_interrupted(),
        other => other?,
    };
    Ok(match choice {
        DraftChoice::Resume => Some(draft),
        DraftChoice::Keep => None,
        DraftChoice::Discard => {
            store.remove_draft(&draft.id)?;
            None
        }
    })
}

/// The last draft that could not be saved, as JSON, for the Ctrl-C handler
/// to print: the words must not be lost even when the disk refuses them.
static UNSAVED: Mutex<Option<String>> = Mutex::new(None);

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
                eprintln!("{json}");
            }
            err.context("your entry could not be saved, and no draft could be written either; your answers are printed above so you can copy them")
        }
    }
}

/// Ctrl-C, a closed terminal or SIGTERM: every answer given is already in
/// the draft (or, if the disk refused it, is printed now).
fn stop_interrupted() -> ! {
    super::stop(|| match UNSAVED.lock().ok().and_then(|u| u.clone()) {
        None => {
            "Stopped. Your answers so far are kept; run 'mentalog new' to carry on.".to_string()
        }
        Some(json) => {
            format!("Stopped. Your answers could not be saved, so here they are to copy:\n{json}")
        }
    })
}
