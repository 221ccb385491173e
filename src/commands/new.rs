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
use crate::store::{Store, create_private_dir_all};

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
        return Pack::parse(&source)
            .with_context(|| format!("the pack {} cannot be used", path.display()));
    }
    let builtin: Vec<_> = pack::BUILTIN.iter().map(|(b, _)| *b).collect();
    Err(Error::Usage(format!(
        "--pack {id}: no such pack; the built-in packs are {}, or give the path of a pack file",
        builtin.join(", ")
    ))
    .into())
}

fn threshold(ctx: &Context, pack: &Pack) -> u8 {
    super::plan::config_or_warn(ctx)
        .safety_threshold
        .unwrap_or(pack.safety_threshold)
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
    draft.answers = answers;
    let entry = draft.into_entry();
    let path = store.save_entry(&entry)?;
    writeln!(std::io::stdout().lock(), "{}", path.display())?;
    Ok(())
}

/// Reads an answers file: a JSON object from step key to value, in any order.
/// Answers are stored in the pack's order; `null` means skipped.
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
        match object.get(key) {
            None | Some(serde_json::Value::Null) => {
                if pack.step(key).is_some_and(|s| !s.skippable) {
                    return Err(format!("`{key}` is required"));
                }
            }
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
    // Find out now, before anyone writes a word, whether answers can be kept.
    create_private_dir_all(&store.drafts_dir()).with_context(|| {
        format!(
            "cannot write to the data folder {}; choose another with --dir or MENTALOG_DIR",
            store.root().display()
        )
    })?;
    let plan = super::plan::ensure_plan(store);
    let contacts = super::plan::config_or_warn(ctx).contact_lines();
    let settings = Settings {
        threshold: threshold(ctx, pack),
        plan: &plan,
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
    let mut draft = match resume(store, &mut p)? {
        Some(d) => d,
        None => Draft::new(new_id(), ctx.now, pack),
    };
    eprintln!(
        "Press Enter on an empty answer to skip a question. For a longer answer, type {} to write it in your editor.",
        flow::EDIT_COMMAND
    );

    let mut draft_failed = false;
    let mut save = |d: &Draft| {
        if let Err(e) = store.save_draft(d)
            && !draft_failed
        {
            eprintln!(
                "mentalog: warning: cannot save a draft: {e:#}; your answers are kept until the end"
            );
            draft_failed = true;
        }
    };
    match flow::walk(pack, &settings, &mut p, &mut draft, &mut save) {
        Ok(()) => {}
        Err(PromptError::Interrupted) => stop_interrupted(),
        Err(e) => {
            return Err(e)
                .context("the guided walk stopped; your answers so far are kept as a draft");
        }
    }
    let safety_lane = draft.safety_lane;
    let entry = draft.clone().into_entry();
    let path = match store.save_entry(&entry) {
        Ok(path) => path,
        Err(e) => return Err(keep_answers(store, &draft, &entry, e)),
    };
    if let Err(e) = store.remove_draft(&entry.id) {
        eprintln!("mentalog: warning: {e:#}");
    }
    if !safety_lane {
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

/// Offers the newest unfinished entry, if there is one.
fn resume(store: &Store, p: &mut TerminalPrompter) -> Result<Option<Draft>> {
    let (drafts, damaged) = store.drafts()?;
    super::report_damaged(&damaged);
    let Some(draft) = drafts.into_iter().next() else {
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

/// The entry could not be saved: keep the draft, or if even that fails,
/// print the entry so the words are not lost.
fn keep_answers(store: &Store, draft: &Draft, entry: &Entry, err: anyhow::Error) -> anyhow::Error {
    match store.save_draft(draft) {
        Ok(path) => err.context(format!(
            "your entry could not be saved; your answers are kept as a draft in {} and 'mentalog new' will offer it again",
            path.display()
        )),
        Err(_) => {
            if let Ok(json) = serde_json::to_string_pretty(entry) {
                println!("{json}");
            }
            err.context("your entry could not be saved, and no draft could be written either; your answers are printed above so you can copy them")
        }
    }
}

/// Ctrl-C, a closed terminal or SIGTERM: every answer given is already in the
/// draft, so show the cursor again, say so, and leave. The lock keeps the
/// signal handler and the walk from both doing it.
fn stop_interrupted() -> ! {
    static STOPPING: Mutex<()> = Mutex::new(());
    let _guard = STOPPING.lock();
    let term = console::Term::stderr();
    let _ = term.show_cursor();
    let _ = writeln!(
        std::io::stderr(),
        "\n\nStopped. Your answers so far are kept; run 'mentalog new' to carry on."
    );
    std::process::exit(130)
}
