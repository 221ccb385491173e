//! `mentalog reflect`: a later reflection on an entry, in a file of its own
//! beside it. The entry's own file is never changed.

use std::io::Write as _;
use std::path::Path;

use anyhow::{Result, anyhow};

use crate::cli::ReflectArgs;
use crate::context::Context;
use crate::entry::{Answer, Entry, Value, first_words, keys};
use crate::error::Error;
use crate::flow::{self, ReflectSettings};
use crate::prompt::PromptError;
use crate::reflection::{self, Reflection};
use crate::render::plan::{self as plan_view, CrisisPlan};
use crate::store::{self, Store};

pub fn run(ctx: &mut Context, args: &ReflectArgs) -> Result<()> {
    let store = Store::new(&ctx.paths.data);
    let (stored, damaged) = super::show::find_one(&store, &args.id)?;
    // The threshold and the words of the pack in use; a pack that cannot be
    // read means the built-in one, as for `new`.
    let pack = store::packs::load_pack(&ctx.store, &ctx.config, None)
        .unwrap_or_else(|_| crate::pack::Pack::builtin());
    let threshold = super::new::threshold(&ctx.config, &pack);
    let plan_text = super::plan::read_plan(&ctx.store);
    let contacts = super::plan::contact_lines(ctx);
    let crisis = CrisisPlan {
        text: plan_view::written(plan_text.as_deref(), super::plan::TEMPLATE),
        contacts: &contacts,
    };
    let plan_lines = crisis.lines_in(&pack.fixed());
    let settings = ReflectSettings {
        threshold,
        plan: &plan_lines,
        acknowledgement: &pack.safety.acknowledgement,
    };
    let mut answers = Vec::new();
    match &args.answers {
        Some(file) => {
            answers = scripted(file)?;
            let high = answers_distress(&answers).is_some_and(|r| r >= threshold);
            if high {
                // No one to show the closing to: say where help is.
                let plan = if plan_text.is_some() {
                    "Your crisis plan: mentalog plan."
                } else {
                    "If you can, reach out to someone you trust or to your care team."
                };
                eprintln!(
                    "Your feelings about this moment are very strong now. {plan} {}",
                    flow::EMERGENCY_LINE
                );
            }
        }
        None => {
            if !ctx.interactive {
                return Err(Error::Usage(
                    "mentalog reflect asks its questions in a terminal; give the answers with --answers FILE (or --answers - on standard input)".into(),
                )
                .into());
            }
            crate::signal::set_message(STOPPED);
            let readback = readback(&stored.entry);
            let asked = flow::reflect(ctx.prompter.as_mut(), &readback, &settings, &mut answers);
            match asked {
                Ok(()) => {}
                // Any way out keeps what was written.
                Err(e)
                    if !answers.is_empty()
                        && !matches!(
                            e,
                            PromptError::Interrupted | PromptError::EditorInterrupted(_)
                        ) =>
                {
                    let path = save(ctx, &store, &stored.path, &stored.entry, answers)?;
                    return Err(anyhow::Error::new(e).context(format!(
                        "stopped; what you wrote so far is kept: {}",
                        path.display()
                    )));
                }
                Err(PromptError::Interrupted | PromptError::EditorInterrupted(_)) => {
                    // Never lose a word: what was written is kept.
                    if !answers.is_empty() {
                        let path = save(ctx, &store, &stored.path, &stored.entry, answers)?;
                        return Err(Error::Cancelled(format!(
                            "Stopped. What you wrote so far is kept: {}",
                            path.display()
                        ))
                        .into());
                    }
                    return Err(Error::Cancelled("Stopped. Nothing was saved.".into()).into());
                }
                Err(e) => return Err(e.into()),
            }
            if answers.is_empty() {
                eprintln!("Nothing was written, so nothing was saved.");
                return super::skipped(&damaged);
            }
        }
    }
    let path = save(ctx, &store, &stored.path, &stored.entry, answers)?;
    ctx.note(if stored.entry.shared {
        "Your reflection is saved with the entry, and shared as the entry is."
    } else {
        "Your reflection is saved with the entry, and private as the entry is."
    });
    writeln!(std::io::stdout().lock(), "{}", path.display())?;
    super::skipped(&damaged)
}

/// Said if a signal ends the process away from a question (a closed
/// terminal): the answers of this reflection are not kept then.
const STOPPED: &str = "Stopped.";

fn save(
    ctx: &Context,
    store: &Store,
    entry_path: &Path,
    entry: &Entry,
    answers: Vec<Answer>,
) -> Result<std::path::PathBuf> {
    // Held while the entry is looked at again and the reflection written:
    // a reflection must never outlive its entry's deletion.
    let _lock = store.lock()?;
    if crate::store::read_entry(entry_path).map(|e| e.id) != Ok(entry.id.clone()) {
        anyhow::bail!(
            "the entry {} is no longer there (deleted while you wrote?); nothing was saved",
            crate::entry::short_id(&entry.id)
        );
    }
    let reflection = Reflection {
        schema: reflection::SCHEMA_VERSION,
        id: super::new::new_id(),
        entry: entry.id.clone(),
        created: (ctx.clock)(),
        answers,
    };
    store.save_reflection(entry_path, &reflection)
}

fn answers_distress(answers: &[Answer]) -> Option<u8> {
    answers
        .iter()
        .find(|a| a.key == reflection::keys::DISTRESS)
        .and_then(|a| a.value.as_rating())
}

/// What the entry said, shortly, before the questions: when, the moment's
/// first words, the feelings, the guess about the other person.
fn readback(e: &Entry) -> Vec<String> {
    let mut lines = vec![format!(
        "You wrote this on {}:",
        e.created.format("%a %-d %b %Y, %H:%M")
    )];
    if let Some(what) = e
        .text(keys::WHAT_HAPPENED)
        .or_else(|| e.text(keys::SAFETY_NOTE))
        .or_else(|| e.text(crate::import::TITLE_KEY))
        .or_else(|| e.text(crate::import::BODY_KEY))
    {
        lines.push(format!(
            "  \"{}\"",
            first_words(&crate::text::clean(what), 70)
        ));
    }
    if let Some(Value::Feelings(list)) = e.answer(keys::SELF_FEELINGS).map(|a| &a.value)
        && !list.is_empty()
    {
        let named: Vec<String> = list
            .iter()
            .map(|f| match f.intensity {
                Some(i) => format!("{} ({i})", crate::text::one_line(&f.name)),
                None => crate::text::one_line(&f.name),
            })
            .collect();
        lines.push(format!("  Feelings then: {}", named.join(", ")));
    }
    if let Some(guess) = e
        .text(keys::OTHER_FEELING)
        .or_else(|| e.text(keys::OTHER_INTENT))
    {
        lines.push(format!(
            "  Your guess about the other person: \"{}\"",
            first_words(&crate::text::clean(guess), 70)
        ));
    }
    lines
}

/// The answers of `--answers FILE|-`: a JSON object with `reflect.now`,
/// `reflect.session` (text) and `reflect.distress` (0 to 10), each
/// optional; `null` or an empty text means skipped.
fn scripted(file: &Path) -> Result<Vec<Answer>> {
    let name = if file == Path::new("-") {
        "standard input".to_string()
    } else {
        file.display().to_string()
    };
    let text = if file == Path::new("-") {
        super::new::read_pipe(std::io::stdin(), &name)?
    } else {
        store::read_limited(file, store::MAX_ENTRY_BYTES, "answers file")?
    };
    let fail = |why: String| anyhow!("{name}: {why}; nothing was saved");
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| fail(format!("not valid JSON ({e})")))?;
    let object = json.as_object().ok_or_else(|| {
        fail("expected a JSON object with reflect.now, reflect.session and reflect.distress".into())
    })?;
    let mut answers = Vec::new();
    for (key, value) in object {
        let Some((_, kind, _)) = reflection::QUESTIONS.iter().find(|(k, ..)| k == key) else {
            return Err(fail(format!(
                "unknown key `{key}`: a reflection has reflect.now, reflect.session and reflect.distress"
            )));
        };
        let value = match (kind, value) {
            (_, serde_json::Value::Null) => None,
            (crate::entry::Kind::Rating, serde_json::Value::Number(n)) => Some(Value::Rating(
                n.as_u64()
                    .and_then(|n| u8::try_from(n).ok())
                    .filter(|n| *n <= 10)
                    .ok_or_else(|| {
                        fail(format!(
                            "`{key}` must be a whole number from 0 to 10, not {n}"
                        ))
                    })?,
            )),
            (crate::entry::Kind::Rating, other) => {
                return Err(fail(format!(
                    "`{key}` must be a whole number from 0 to 10, not {other}"
                )));
            }
            (_, serde_json::Value::String(s)) if s.trim().is_empty() => None,
            (_, serde_json::Value::String(s)) => Some(Value::Text(s.clone())),
            (_, other) => return Err(fail(format!("`{key}` must be a text, not {other}"))),
        };
        if let Some(answer) = value.and_then(|v| reflection::answer(key, v)) {
            answers.push(answer);
        }
    }
    // In the order the questions are asked.
    answers.sort_by_key(|a| reflection::QUESTIONS.iter().position(|(k, ..)| *k == a.key));
    if answers.is_empty() {
        return Err(fail("it answers none of the questions".into()));
    }
    Ok(answers)
}
