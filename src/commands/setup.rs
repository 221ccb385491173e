//! `mentalog setup`: what a person and their therapist set up together
//! (domain sections 6 and 7): the crisis plan, crisis contacts, the safety
//! threshold, the pack and its focus, the rhythm and the `due` reminder.
//! In a terminal it is asked part by part, each part skippable and written
//! as soon as it is finished, so Ctrl-C keeps what was done. With `--from`
//! it is read from a TOML file that is checked whole before anything is
//! written. The config file stays the store: it is changed through
//! `config_edit`, which keeps the person's comments.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow};
use toml_edit::{ArrayOfTables, DocumentMut, Item};

use crate::cli::{SetupArgs, SetupPart};
use crate::config::{Config, Contact};
use crate::config_edit;
use crate::context::Context;
use crate::error::Error;
use crate::pack::{self, NO_CONTACT_LINE, Pack};
use crate::plan_edit::{self, Edited, TEMPLATE};
use crate::prompt::{Ask, Got, PromptError, Prompter, Validator};
use crate::render::plan::written;
use crate::rhythm::{self, Rhythm};
use crate::store::{self, MAX_CONFIG_BYTES, MAX_ENTRY_BYTES, Store, read_limited};

/// Said when the person stops with Ctrl-C.
const STOPPED: &str =
    "Stopped. The parts you finished are saved; run 'mentalog setup' again to carry on.";

/// The longest text a one-line setting may hold (a name, a number, the focus).
const MAX_LINE: usize = 300;

/// Every part, in the order a full setup asks them.
const ALL: [SetupPart; 7] = [
    SetupPart::Plan,
    SetupPart::Contacts,
    SetupPart::Threshold,
    SetupPart::Pack,
    SetupPart::Focus,
    SetupPart::Rhythm,
    SetupPart::Due,
];

pub fn run(ctx: &mut Context, args: &SetupArgs) -> Result<()> {
    if let Some(file) = &args.from {
        return from_file(ctx, file);
    }
    if !ctx.interactive {
        return Err(Error::Usage(
            "setup asks its questions in a terminal. To set up from a script, use \
             'mentalog setup --from FILE' with a TOML file (see 'mentalog setup --help')"
                .into(),
        )
        .into());
    }
    let parts: Vec<SetupPart> = match args.part {
        None => ALL.to_vec(),
        // The pack and its focus belong together.
        Some(SetupPart::Pack) => vec![SetupPart::Pack, SetupPart::Focus],
        Some(part) => vec![part],
    };
    crate::signal::set_message(STOPPED);
    let result = interactive(ctx, &parts, args.part.is_none());
    crate::signal::set_message("Stopped.");
    result
}

// ---------------------------------------------------------------------------
// Asked in a terminal

/// Turns what the prompter reports into the command's errors: Ctrl-C is a
/// clean stop (exit 130) with what was finished kept.
fn asked<T>(result: Result<T, PromptError>) -> Result<T> {
    result.map_err(|e| match e {
        PromptError::Interrupted | PromptError::EditorInterrupted(_) => {
            Error::Cancelled(STOPPED.into()).into()
        }
        PromptError::NoTerminal => Error::Usage(
            "setup needs a terminal to ask in; use 'mentalog setup --from FILE'".into(),
        )
        .into(),
        other => anyhow!(other),
    })
}

/// A line of text; an empty answer means skip. `/plan`, `/back` and
/// `/edit` have nothing to do here and the question is asked again.
fn text(p: &mut dyn Prompter, ask: &Ask, validate: Validator) -> Result<String> {
    loop {
        match asked(p.input(ask, validate))? {
            Got::Answer(t) => return Ok(t.trim().to_string()),
            Got::Plan => asked(p.say(PLAN_ELSEWHERE))?,
            Got::Back | Got::Edit => asked(p.say(NOT_HERE))?,
        }
    }
}

/// One of `items`.
fn choose(
    p: &mut dyn Prompter,
    prompt: &str,
    items: &[String],
    initial: Option<usize>,
) -> Result<usize> {
    loop {
        match asked(p.select(&Ask::new(prompt), items, initial))? {
            Got::Answer(i) => return Ok(i),
            Got::Plan => asked(p.say(PLAN_ELSEWHERE))?,
            Got::Back | Got::Edit => asked(p.say(NOT_HERE))?,
        }
    }
}

const PLAN_ELSEWHERE: &str = "Your crisis plan is always one command away: mentalog plan";
const NOT_HERE: &str = "There is no going back here; you can skip this part instead.";

fn say(p: &mut dyn Prompter, text: &str) -> Result<()> {
    asked(p.say(text))
}

fn hint(p: &mut dyn Prompter, text: &str) -> Result<()> {
    asked(p.hint(text))
}

fn heading(p: &mut dyn Prompter, text: &str) -> Result<()> {
    asked(p.say(""))?;
    asked(p.heading(text))
}

fn interactive(ctx: &mut Context, parts: &[SetupPart], whole: bool) -> Result<()> {
    // A config file that cannot be changed is said before anything is asked.
    if parts.iter().any(|p| *p != SetupPart::Plan) {
        load_doc(&ctx.paths.config)?;
    }
    let p = ctx.prompter.as_mut();
    if whole {
        heading(p, "Setting up mentalog")?;
        say(
            p,
            "Let's go through a few things, ideally together with your therapist. Each part can be skipped with Enter or by choosing to skip it, and any part can be done again later on its own, for example with mentalog setup contacts.",
        )?;
    }
    // Said plainly before anything about the plan or the contacts.
    if whole
        || parts
            .iter()
            .any(|p| matches!(p, SetupPart::Plan | SetupPart::Contacts))
    {
        say(p, NO_CONTACT_LINE)?;
    }
    for problem in &ctx.config.problems {
        hint(p, &format!("Note: {problem}"))?;
    }
    for part in parts {
        match part {
            SetupPart::Plan => ask_plan(ctx)?,
            SetupPart::Contacts => ask_contacts(ctx)?,
            SetupPart::Threshold => ask_threshold(ctx)?,
            SetupPart::Pack => ask_pack(ctx)?,
            SetupPart::Focus => ask_focus(ctx)?,
            SetupPart::Rhythm => ask_rhythm(ctx)?,
            SetupPart::Due => ask_due(ctx)?,
        }
    }
    if whole {
        offer_encryption(ctx)?;
    }
    let lines = recap(ctx, parts);
    let p = ctx.prompter.as_mut();
    heading(p, "What is set up now")?;
    for line in lines {
        say(p, &format!("  {line}"))?;
    }
    if whole {
        say(
            p,
            "You can change any part later on its own, for example with mentalog setup rhythm.",
        )?;
    }
    Ok(())
}

/// Changes the config and reads it back, so later parts and the recap
/// see what is on disk.
fn write_config(ctx: &mut Context, change: impl FnOnce(&mut DocumentMut)) -> Result<()> {
    config_edit::edit(&ctx.paths.config, |doc| {
        // Checked before anything was asked; if the file changed since,
        // the contacts are left as they are.
        let _ = normalise_contacts(doc);
        change(doc);
    })?;
    ctx.config = Config::load(&ctx.paths.config);
    Ok(())
}

/// The whole setup offers to lock the journal with a passphrase (domain
/// §7), unless it is locked already; `encrypt` then asks the rest.
fn offer_encryption(ctx: &mut Context) -> Result<()> {
    if ctx.store.is_encrypted() {
        return Ok(());
    }
    let p = ctx.prompter.as_mut();
    heading(p, "A passphrase for your journal")?;
    say(
        p,
        "If someone else could open this computer, your journal can be locked with a passphrase. You can also do it later with: mentalog encrypt",
    )?;
    crate::encryption::encrypt(ctx, &crate::cli::EncryptArgs::default())
}

fn ask_plan(ctx: &mut Context) -> Result<()> {
    let p = ctx.prompter.as_mut();
    heading(p, "Your crisis plan")?;
    say(
        p,
        "A crisis plan is best written with your therapist at a calm time, so it is there before you need it. It opens in your editor, with the steps to fill in.",
    )?;
    let current = match ctx.store.read_plan() {
        Ok(plan) => plan,
        Err(e) => {
            say(
                p,
                &format!("Your crisis plan cannot be read, so it was left as it is: {e:#}"),
            )?;
            return Ok(());
        }
    };
    let open = if written(current.as_deref(), TEMPLATE).is_some() {
        let items = [
            "Keep it as it is".to_string(),
            "Open it in my editor".to_string(),
        ];
        choose(
            p,
            "You have a crisis plan already. What would you like to do?",
            &items,
            None,
        )? == 1
    } else {
        let items = [
            "Yes, open my editor".to_string(),
            "Skip this part for now".to_string(),
        ];
        choose(p, "Would you like to write it now?", &items, None)? == 0
    };
    if !open {
        return Ok(());
    }
    let before = current.unwrap_or_else(|| TEMPLATE.to_string());
    match plan_edit::edit(&ctx.store, ctx.prompter.as_mut(), &*ctx.clock, &before) {
        Ok(Edited::Saved) => say(ctx.prompter.as_mut(), "Your crisis plan is saved.")?,
        Ok(Edited::LeftEmpty) => say(
            ctx.prompter.as_mut(),
            "Nothing was saved from the editor, so your plan was left as it was.",
        )?,
        Err(e) if crate::error::cancelled(&e).is_some() => return Err(e),
        // The editor would not start, or the plan changed elsewhere: say
        // so and go on with the rest.
        Err(e) => say(
            ctx.prompter.as_mut(),
            &format!("Note: {e:#}. You can come back to it with mentalog plan --edit."),
        )?,
    }
    Ok(())
}

fn ask_contacts(ctx: &mut Context) -> Result<()> {
    heading(ctx.prompter.as_mut(), "Crisis contacts")?;
    say(
        ctx.prompter.as_mut(),
        "These are the people and services you can reach in a hard moment. They are shown with your crisis plan, and whenever the journal's safety steps open. mentalog comes with no phone numbers of its own, so please check each number with your therapist.",
    )?;
    loop {
        let listed = contacts_in(&load_doc(&ctx.paths.config)?);
        let p = ctx.prompter.as_mut();
        if listed.is_empty() {
            say(p, "No contacts are set up yet.")?;
        } else {
            say(p, "Your contacts now:")?;
            for (i, c) in listed.iter().enumerate() {
                say(p, &format!("  {}. {}", i + 1, c.line()))?;
            }
        }
        let mut items = vec!["Add a contact".to_string()];
        if !listed.is_empty() {
            items.push("Remove a contact".to_string());
        }
        items.push(if listed.is_empty() {
            "Skip this part for now".to_string()
        } else {
            "Done with contacts".to_string()
        });
        let done = items.len() - 1;
        match choose(p, "What would you like to do?", &items, None)? {
            0 => add_contact(ctx)?,
            i if i == done => return Ok(()),
            _ => remove_contact(ctx, &listed)?,
        }
    }
}

fn one_line(what: &'static str) -> impl Fn(&str) -> Result<(), String> {
    move |s: &str| {
        if s.trim().chars().count() > MAX_LINE {
            Err(format!(
                "Please keep {what} to {MAX_LINE} characters or fewer."
            ))
        } else {
            Ok(())
        }
    }
}

fn add_contact(ctx: &mut Context) -> Result<()> {
    let p = ctx.prompter.as_mut();
    let name = text(
        p,
        &Ask::new("Their name, or the name of the service (Enter to go back):"),
        &one_line("the name"),
    )?;
    if name.is_empty() {
        return Ok(());
    }
    let phone = text(
        p,
        &Ask::new("How to reach them: a phone number, or how to text them:"),
        &one_line("the number"),
    )?;
    if phone.is_empty() {
        say(
            p,
            "Without a way to reach them, nothing was added. You can add them when you have the number.",
        )?;
        return Ok(());
    }
    let note = text(
        p,
        &Ask::new("A note, if you like, such as when they can be reached (Enter to leave it out):"),
        &one_line("the note"),
    )?;
    let contact = Contact {
        name,
        phone: Some(phone),
        note: (!note.is_empty()).then_some(note),
    };
    write_config(ctx, |doc| config_edit::add_contact(doc, &contact))?;
    say(ctx.prompter.as_mut(), &format!("Added {}.", contact.name))
}

fn remove_contact(ctx: &mut Context, listed: &[Listed]) -> Result<()> {
    let mut items: Vec<String> = listed.iter().map(Listed::line).collect();
    items.push("None, keep them all".to_string());
    let i = choose(
        ctx.prompter.as_mut(),
        "Which contact would you like to remove?",
        &items,
        None,
    )?;
    let Some(gone) = listed.get(i) else {
        return Ok(());
    };
    let gone = gone.clone();
    write_config(ctx, |doc| {
        // Found again by its words, in case the file changed meanwhile.
        if let Some(k) = contacts_in(doc).iter().position(|c| *c == gone) {
            config_edit::remove_contact(doc, k);
        }
    })?;
    say(ctx.prompter.as_mut(), &format!("Removed {}.", gone.line()))
}

/// The pack new entries use, or the default when the chosen one is gone.
fn current_pack(ctx: &Context) -> Pack {
    store::packs::load_pack(&ctx.store, &ctx.config, None).unwrap_or_else(|_| Pack::builtin())
}

fn ask_threshold(ctx: &mut Context) -> Result<()> {
    let pack_threshold = current_pack(ctx).safety_threshold;
    let now = ctx.config.safety_threshold.unwrap_or(pack_threshold);
    let p = ctx.prompter.as_mut();
    heading(p, "When the safety steps open")?;
    say(
        p,
        "When you begin an entry, you say how strong your feelings are, from 0 to 10. At the number you choose here or above it, mentalog sets the usual questions aside and shows your crisis plan, your contacts and the emergency line instead.",
    )?;
    hint(
        p,
        &format!("It is {now} now. The usual number is 8; choose yours with your therapist."),
    )?;
    let initial = now.to_string();
    let refusal = format!("Please type a whole number from 1 to 10, or press Enter to keep {now}.");
    let validate = |s: &str| -> Result<(), String> {
        if s.trim().is_empty() || parse_threshold(s).is_some() {
            Ok(())
        } else {
            Err(refusal.clone())
        }
    };
    let ask = Ask {
        prompt: "From which number, 1 to 10, should the safety steps open?",
        initial: &initial,
        back: false,
        blank: "(kept as it was)",
    };
    let typed = text(p, &ask, &validate)?;
    match parse_threshold(&typed) {
        Some(n) if n != now => {
            write_config(ctx, |doc| {
                config_edit::set_integer(doc, "safety_threshold", i64::from(n));
            })?;
            say(
                ctx.prompter.as_mut(),
                &format!("The safety steps now open at {n} or above."),
            )
        }
        _ => Ok(()),
    }
}

fn parse_threshold(s: &str) -> Option<u8> {
    s.trim().parse::<u8>().ok().filter(|n| (1..=10).contains(n))
}

/// A pack that can be chosen: its id and title.
struct Offered {
    id: String,
    title: String,
    note: Option<String>,
}

/// The built-in packs, then the installed ones by id. A pack file that does
/// not check is left out, with a word saying so.
fn offered(store: &Store) -> (Vec<Offered>, Vec<String>) {
    let mut packs = Vec::new();
    let mut problems = Vec::new();
    for (id, source) in pack::BUILTIN {
        if let Ok(p) = Pack::parse(source) {
            packs.push(Offered {
                id: (*id).to_string(),
                title: p.title,
                note: p.note,
            });
        }
    }
    let mut installed = Vec::new();
    match store.installed_packs() {
        Ok((found, damaged)) => {
            for i in found {
                if !pack::BUILTIN.iter().any(|(b, _)| *b == i.pack.id) {
                    installed.push(Offered {
                        id: i.pack.id,
                        title: i.pack.title,
                        note: i.pack.note,
                    });
                }
            }
            problems.extend(
                damaged
                    .into_iter()
                    .map(|d| format!("{}: {}", d.path.display(), d.reason)),
            );
        }
        Err(e) => problems.push(format!("{e:#}")),
    }
    installed.sort_by(|a, b| a.id.cmp(&b.id));
    packs.extend(installed);
    (packs, problems)
}

fn ask_pack(ctx: &mut Context) -> Result<()> {
    let (packs, problems) = offered(&ctx.store);
    let current = ctx
        .config
        .pack
        .clone()
        .unwrap_or_else(|| pack::BUILTIN_ID.to_string());
    let p = ctx.prompter.as_mut();
    heading(p, "The questions you are asked")?;
    say(
        p,
        "A pack is the set of questions a new entry asks. Your therapist may have given you one, or you can use one that comes with mentalog.",
    )?;
    for problem in problems {
        hint(
            p,
            &format!("Not offered, because it cannot be used: {problem}"),
        )?;
    }
    let at = packs.iter().position(|o| o.id == current);
    if at.is_none() {
        hint(
            p,
            &format!("The pack `{current}` chosen before is not installed any more."),
        )?;
    }
    let items: Vec<String> = packs
        .iter()
        .map(|o| {
            let now = if o.id == current { " (in use now)" } else { "" };
            format!("{} ({}){now}", o.title, o.id)
        })
        .collect();
    let i = choose(p, "Which pack should new entries use?", &items, at)?;
    let chosen = &packs[i];
    if let Some(note) = chosen.note.as_deref().filter(|n| !n.trim().is_empty()) {
        hint(p, note)?;
    }
    if Some(i) == at {
        return Ok(());
    }
    let id = chosen.id.clone();
    write_config(ctx, |doc| config_edit::set_text(doc, "pack", Some(&id)))?;
    say(
        ctx.prompter.as_mut(),
        &format!("New entries will use {id}."),
    )
}

fn ask_focus(ctx: &mut Context) -> Result<()> {
    let now = ctx.config.focus.clone().unwrap_or_default();
    let from_pack = current_pack(ctx).focus;
    let p = ctx.prompter.as_mut();
    heading(p, "Your focus")?;
    say(
        p,
        "A focus is a short theme you and your therapist agree on for the coming weeks, in your own words, for example \"moments when I feel left out\". It is shown at the top of every new entry, and you can say which moments were about it.",
    )?;
    if now.is_empty()
        && let Some(f) = from_pack.as_deref().filter(|f| !f.trim().is_empty())
    {
        hint(
            p,
            &format!("Your pack brings this focus: \"{f}\". What you write here is used instead."),
        )?;
    }
    let ask = Ask {
        prompt: if now.is_empty() {
            "Your focus, in a few words (Enter to skip):"
        } else {
            "Your focus, in a few words (Enter keeps it; clear the text to remove it):"
        },
        initial: &now,
        back: false,
        blank: if now.is_empty() {
            "(skipped)"
        } else {
            "(removed)"
        },
    };
    let typed = text(p, &ask, &one_line("the focus"))?;
    if typed == now {
        return Ok(());
    }
    let value = (!typed.is_empty()).then_some(typed.as_str());
    write_config(ctx, |doc| config_edit::set_text(doc, "focus", value))?;
    say(
        ctx.prompter.as_mut(),
        if value.is_some() {
            "Your focus is saved."
        } else {
            "The focus is removed."
        },
    )
}

fn ask_rhythm(ctx: &mut Context) -> Result<()> {
    let now = ctx.config.rhythm.clone().unwrap_or_default();
    let p = ctx.prompter.as_mut();
    heading(p, "How often to write")?;
    say(
        p,
        "You and your therapist may have agreed how often you write, for example twice a week. If you like, mentalog due can use it to tell you quietly when an entry is due.",
    )?;
    let refusal = format!(
        "mentalog can't read that yet. Please write it as {}.",
        rhythm::FORMS
    );
    let validate = |s: &str| -> Result<(), String> {
        if s.trim().is_empty() || s.parse::<Rhythm>().is_ok() {
            Ok(())
        } else {
            Err(refusal.clone())
        }
    };
    let ask = Ask {
        prompt: if now.is_empty() {
            "How often? For example \"2 per week\" (Enter to skip):"
        } else {
            "How often? For example \"2 per week\" (Enter keeps it; clear the text to remove it):"
        },
        initial: &now,
        back: false,
        blank: if now.is_empty() {
            "(skipped)"
        } else {
            "(removed)"
        },
    };
    let typed = text(p, &ask, &validate)?;
    if typed == now {
        return Ok(());
    }
    let value = (!typed.is_empty()).then_some(typed.as_str());
    write_config(ctx, |doc| config_edit::set_text(doc, "rhythm", value))?;
    say(
        ctx.prompter.as_mut(),
        if value.is_some() {
            "Your rhythm is saved."
        } else {
            "The rhythm is removed."
        },
    )
}

fn ask_due(ctx: &mut Context) -> Result<()> {
    let on = ctx.config.due.enabled;
    let words = ctx.config.due.words.clone().unwrap_or_default();
    let has_rhythm = ctx.config.rhythm.is_some() || current_pack(ctx).rhythm.is_some();
    let p = ctx.prompter.as_mut();
    heading(p, "A quiet reminder")?;
    say(
        p,
        "If you like, mentalog due prints one quiet line when an entry is due by your rhythm, for example when you open a terminal. It shows at most once a day, says nothing otherwise, and never counts missed days.",
    )?;
    if !has_rhythm {
        hint(
            p,
            "It goes by your rhythm, and none is set yet: until one is, it stays quiet.",
        )?;
    }
    let items = if on {
        ["Yes, keep it on".to_string(), "No, turn it off".to_string()]
    } else {
        ["Yes, turn it on".to_string(), "No, keep it off".to_string()]
    };
    let initial = if on { 0 } else { 1 };
    let want = choose(p, "Would you like this reminder?", &items, Some(initial))? == 0;
    let mut new_words = words.clone();
    if want {
        hint(
            p,
            "The line names neither therapy nor the journal, since a screen may be shared. You can put it in your own words instead.",
        )?;
        let ask = Ask {
            prompt: "Its line, in your own words (Enter for the usual line):",
            initial: &words,
            back: false,
            blank: "(the usual line)",
        };
        new_words = text(p, &ask, &one_line("the line"))?;
    }
    if want == on && new_words == words {
        return Ok(());
    }
    write_config(ctx, |doc| {
        config_edit::set_in_table(doc, "due", "enabled", want.into());
        set_due_words(doc, &new_words);
    })?;
    say(
        ctx.prompter.as_mut(),
        if want {
            "The reminder is on."
        } else {
            "The reminder is off."
        },
    )
}

/// Sets `[due] words`, or removes it when `words` is empty.
fn set_due_words(doc: &mut DocumentMut, words: &str) {
    if words.is_empty() {
        if let Some(t) = doc.get_mut("due").and_then(Item::as_table_mut) {
            t.remove("words");
        }
    } else {
        config_edit::set_in_table(doc, "due", "words", words.into());
    }
}

/// What is set up now, read back from disk, for the parts that were run.
/// No secrets: the plan is "written" or "not written", contacts a count.
fn recap(ctx: &Context, parts: &[SetupPart]) -> Vec<String> {
    let c = &ctx.config;
    let pack = current_pack(ctx);
    let mut lines = Vec::new();
    for part in parts {
        lines.push(match part {
            SetupPart::Plan => {
                let plan = ctx.store.read_plan().ok().flatten();
                let state = if written(plan.as_deref(), TEMPLATE).is_some() {
                    "written"
                } else {
                    "not written"
                };
                format!("Crisis plan: {state}")
            }
            SetupPart::Contacts => match c.contacts.len() {
                0 => "Crisis contacts: none yet".to_string(),
                1 => "Crisis contacts: 1".to_string(),
                n => format!("Crisis contacts: {n}"),
            },
            SetupPart::Threshold => format!(
                "The safety steps open at: {} or above",
                c.safety_threshold.unwrap_or(pack.safety_threshold)
            ),
            SetupPart::Pack => format!("Pack for new entries: {}", pack.id),
            SetupPart::Focus => match (&c.focus, &pack.focus) {
                (Some(_), _) => "Focus: set".to_string(),
                (None, Some(_)) => "Focus: the pack's own".to_string(),
                (None, None) => "Focus: none".to_string(),
            },
            SetupPart::Rhythm => match (&c.rhythm, &pack.rhythm) {
                (Some(r), _) | (None, Some(r)) => format!("Rhythm: {r}"),
                (None, None) => "Rhythm: none".to_string(),
            },
            SetupPart::Due => {
                let words = if c.due.words.is_some() {
                    ", in your own words"
                } else {
                    ""
                };
                if c.due.enabled {
                    format!("Reminder (mentalog due): on{words}")
                } else {
                    "Reminder (mentalog due): off".to_string()
                }
            }
        });
    }
    lines
}

// ---------------------------------------------------------------------------
// The config document

/// A contact as it is written in the config file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Listed {
    name: Option<String>,
    phone: Option<String>,
    note: Option<String>,
}

impl Listed {
    fn line(&self) -> String {
        Contact {
            name: self
                .name
                .clone()
                .unwrap_or_else(|| "(a contact without a name)".into()),
            phone: self.phone.clone(),
            note: self.note.clone(),
        }
        .line()
    }
}

/// The config file as a document; a missing file is an empty one. A file
/// that does not parse, or whose contacts are not a list of tables, is
/// named with what to fix, and nothing is changed.
fn load_doc(path: &Path) -> Result<DocumentMut> {
    let text = match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        _ => read_limited(path, MAX_CONFIG_BYTES, "config file")?,
    };
    let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        anyhow!(
            "the config file {} cannot be changed because it does not parse: {}; fix it first (nothing was changed)",
            path.display(),
            e.to_string().trim()
        )
    })?;
    normalise_contacts(&mut doc).map_err(|what| {
        anyhow!(
            "the config file {} cannot be changed: {what}; fix it first (nothing was changed)",
            path.display()
        )
    })?;
    Ok(doc)
}

/// Makes the contacts a list of `[[contacts]]` tables (an inline list is
/// turned into one), so that adding or removing one never drops the others.
fn normalise_contacts(doc: &mut DocumentMut) -> Result<(), String> {
    let Some(item) = doc.get_mut("contacts") else {
        return Ok(());
    };
    if item.is_array_of_tables() {
        return Ok(());
    }
    if item.as_array().is_some_and(toml_edit::Array::is_empty) {
        doc.remove("contacts");
        return Ok(());
    }
    match std::mem::take(item).into_array_of_tables() {
        Ok(list) => {
            *item = Item::ArrayOfTables(list);
            Ok(())
        }
        Err(old) => {
            *item = old;
            Err("`contacts` is not a list of [[contacts]] tables".into())
        }
    }
}

/// The contacts in the document, in order.
fn contacts_in(doc: &DocumentMut) -> Vec<Listed> {
    let text = |t: &toml_edit::Table, k: &str| t.get(k).and_then(Item::as_str).map(str::to_string);
    doc.get("contacts")
        .and_then(Item::as_array_of_tables)
        .map(ArrayOfTables::iter)
        .into_iter()
        .flatten()
        .map(|t| Listed {
            name: text(t, "name"),
            phone: text(t, "phone"),
            note: text(t, "note"),
        })
        .collect()
}

// ---------------------------------------------------------------------------
// From a file

/// What a setup file asks for, checked.
#[derive(Debug, Default)]
struct Wanted {
    /// The plan's text and the file it came from.
    plan: Option<(String, PathBuf)>,
    replace_plan: bool,
    threshold: Option<u8>,
    pack: Option<String>,
    /// `Some(None)` removes the setting.
    focus: Option<Option<String>>,
    rhythm: Option<Option<String>>,
    due_enabled: Option<bool>,
    due_words: Option<Option<String>>,
    contacts: Vec<Contact>,
}

const KEYS: [&str; 8] = [
    "plan_file",
    "replace_plan",
    "safety_threshold",
    "pack",
    "focus",
    "rhythm",
    "due",
    "contacts",
];
const DUE_KEYS: [&str; 2] = ["enabled", "words"];
const CONTACT_KEYS: [&str; 3] = ["name", "phone", "note"];

/// "unknown key `x`", with the nearest known key when one is close.
fn unknown(place: &str, key: &str, known: &[&str]) -> String {
    let near = known
        .iter()
        .map(|k| (distance(key, k), k))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, k)| format!("did you mean `{k}`? "))
        .unwrap_or_default();
    format!(
        "{place}unknown key `{key}` ({near}the keys here are {})",
        known.join(", ")
    )
}

/// Edit distance, for "did you mean".
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

/// A one-line text setting; `empty_ok` lets "" mean "remove it".
fn line_value(
    place: &str,
    value: &toml::Value,
    empty_ok: bool,
    problems: &mut Vec<String>,
) -> Option<String> {
    let Some(s) = value.as_str() else {
        problems.push(format!("{place} must be text in quotes, not {value}"));
        return None;
    };
    let s = s.trim();
    if s.is_empty() && !empty_ok {
        problems.push(format!("{place} must not be empty"));
        None
    } else if s.contains(['\n', '\r']) {
        problems.push(format!("{place} must be one line"));
        None
    } else if s.chars().count() > MAX_LINE {
        problems.push(format!("{place} is longer than {MAX_LINE} characters"));
        None
    } else {
        Some(s.to_string())
    }
}

/// Reads a setup file's text: every problem is collected, none written.
fn parse_wanted(text: &str, problems: &mut Vec<String>) -> Wanted {
    let mut wanted = Wanted::default();
    let table: toml::Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            problems.push(format!("it is not valid TOML: {}", e.to_string().trim()));
            return wanted;
        }
    };
    for (key, value) in &table {
        match key.as_str() {
            "plan_file" => {
                if let Some(s) = line_value("plan_file", value, false, problems) {
                    wanted.plan = Some((String::new(), PathBuf::from(s)));
                }
            }
            "replace_plan" => match value.as_bool() {
                Some(b) => wanted.replace_plan = b,
                None => problems.push(format!("replace_plan must be true or false, not {value}")),
            },
            "safety_threshold" => match value.as_integer() {
                Some(n @ 1..=10) => wanted.threshold = Some(n as u8),
                _ => problems.push(format!(
                    "safety_threshold must be a whole number from 1 to 10, not {value}"
                )),
            },
            "pack" => wanted.pack = line_value("pack", value, false, problems),
            "focus" => {
                wanted.focus = line_value("focus", value, true, problems)
                    .map(|s| (!s.is_empty()).then_some(s));
            }
            "rhythm" => {
                if let Some(s) = line_value("rhythm", value, true, problems) {
                    if let (false, Err(e)) = (s.is_empty(), s.parse::<Rhythm>()) {
                        problems.push(format!("rhythm: {e}"));
                    }
                    wanted.rhythm = Some((!s.is_empty()).then_some(s));
                }
            }
            "due" => match value.as_table() {
                Some(t) => {
                    for (k, v) in t {
                        match k.as_str() {
                            "enabled" => match v.as_bool() {
                                Some(b) => wanted.due_enabled = Some(b),
                                None => problems
                                    .push(format!("[due] enabled must be true or false, not {v}")),
                            },
                            "words" => {
                                wanted.due_words = line_value("[due] words", v, true, problems)
                                    .map(|s| (!s.is_empty()).then_some(s));
                            }
                            other => problems.push(unknown("[due]: ", other, &DUE_KEYS)),
                        }
                    }
                }
                None => problems.push("due must be a table: [due] with enabled = true".into()),
            },
            "contacts" => match value.as_array() {
                Some(list) => {
                    for (i, item) in list.iter().enumerate() {
                        let place = format!("[[contacts]] number {}: ", i + 1);
                        let Some(t) = item.as_table() else {
                            problems.push(format!(
                                "{place}a contact must be a table with name, phone and note"
                            ));
                            continue;
                        };
                        for k in t.keys() {
                            if !CONTACT_KEYS.contains(&k.as_str()) {
                                problems.push(unknown(&place, k, &CONTACT_KEYS));
                            }
                        }
                        let field = |k: &str, empty_ok: bool, problems: &mut Vec<String>| match t
                            .get(k)
                        {
                            Some(v) => line_value(&format!("{place}{k}"), v, empty_ok, problems),
                            None if empty_ok => None,
                            None => {
                                problems.push(format!("{place}{k} is missing"));
                                None
                            }
                        };
                        let name = field("name", false, problems);
                        let phone = field("phone", false, problems);
                        let note = field("note", true, problems).filter(|n| !n.is_empty());
                        if let (Some(name), Some(phone)) = (name, phone) {
                            wanted.contacts.push(Contact {
                                name,
                                phone: Some(phone),
                                note,
                            });
                        }
                    }
                }
                None => problems.push(
                    "contacts must be a list of [[contacts]] tables, each with name, phone and note"
                        .into(),
                ),
            },
            other => problems.push(unknown("", other, &KEYS)),
        }
    }
    wanted
}

/// `setup --from FILE`: the whole file is checked, then written: the
/// config in one change, then the plan.
fn from_file(ctx: &mut Context, file: &Path) -> Result<()> {
    let name = file.display().to_string();
    let text = read_limited(file, MAX_CONFIG_BYTES, "setup file")?;
    let mut problems = Vec::new();
    let mut wanted = parse_wanted(&text, &mut problems);

    // What needs the disk: the plan file, the pack, the config as it is.
    if let Some((plan, path)) = &mut wanted.plan {
        let full = match file.parent() {
            Some(dir) if path.is_relative() => dir.join(&*path),
            _ => path.clone(),
        };
        match read_limited(&full, MAX_ENTRY_BYTES, "crisis plan file") {
            Ok(t) if t.trim().is_empty() => {
                problems.push(format!("plan_file: {} is empty", full.display()));
            }
            Ok(t) => *plan = format!("{}\n", t.trim_end()),
            Err(e) => problems.push(format!("plan_file: {e:#}")),
        }
        *path = full;
    }
    if let Some(id) = &wanted.pack
        && let Err(e) = check_pack(&ctx.store, id)
    {
        problems.push(format!("pack: {e}"));
    }
    let doc = match load_doc(&ctx.paths.config) {
        Ok(doc) => Some(doc),
        Err(e) => {
            problems.push(format!("{e:#}"));
            None
        }
    };
    let existing_plan = match ctx.store.read_plan() {
        Ok(p) => p,
        Err(e) => {
            problems.push(format!("{e:#}"));
            None
        }
    };
    let plan_to_write = match &wanted.plan {
        Some((plan, path)) if !plan.trim().is_empty() => {
            match written(existing_plan.as_deref(), TEMPLATE) {
                Some(old) if old.trim_end() == plan.trim_end() => None,
                Some(_) if !wanted.replace_plan => {
                    problems.push(format!(
                        "plan_file: a different crisis plan is already written in {}, so it is not replaced; to replace it with {}, add replace_plan = true, or change it with mentalog plan --edit",
                        ctx.store.plan_path().display(),
                        path.display()
                    ));
                    None
                }
                _ => Some(plan.clone()),
            }
        }
        _ => None,
    };
    if !problems.is_empty() {
        let list: Vec<String> = problems.iter().map(|p| format!("  - {p}")).collect();
        anyhow::bail!(
            "the setup file {name} cannot be used, so nothing was changed:\n{}",
            list.join("\n")
        );
    }
    let doc = doc.unwrap_or_default();

    // Contacts already there (same name and number) are not added twice.
    let mut known: Vec<(String, String)> = contacts_in(&doc)
        .into_iter()
        .map(|c| {
            (
                c.name.unwrap_or_default().trim().to_string(),
                c.phone.unwrap_or_default().trim().to_string(),
            )
        })
        .collect();
    let mut added = Vec::new();
    let mut already = 0;
    for c in &wanted.contacts {
        let key = (c.name.clone(), c.phone.clone().unwrap_or_default());
        if known.contains(&key) {
            already += 1;
        } else {
            known.push(key);
            added.push(c.clone());
        }
    }

    let changes_config = wanted.threshold.is_some()
        || wanted.pack.is_some()
        || wanted.focus.is_some()
        || wanted.rhythm.is_some()
        || wanted.due_enabled.is_some()
        || wanted.due_words.is_some()
        || !added.is_empty();
    if changes_config {
        config_edit::edit(&ctx.paths.config, |doc| {
            let _ = normalise_contacts(doc);
            if let Some(n) = wanted.threshold {
                config_edit::set_integer(doc, "safety_threshold", i64::from(n));
            }
            if let Some(id) = &wanted.pack {
                config_edit::set_text(doc, "pack", Some(id));
            }
            if let Some(focus) = &wanted.focus {
                config_edit::set_text(doc, "focus", focus.as_deref());
            }
            if let Some(r) = &wanted.rhythm {
                config_edit::set_text(doc, "rhythm", r.as_deref());
            }
            if let Some(on) = wanted.due_enabled {
                config_edit::set_in_table(doc, "due", "enabled", on.into());
            }
            if let Some(words) = &wanted.due_words {
                set_due_words(doc, words.as_deref().unwrap_or_default());
            }
            for c in &added {
                config_edit::add_contact(doc, c);
            }
        })?;
        ctx.config = Config::load(&ctx.paths.config);
    }
    let plan_state = match (&plan_to_write, &wanted.plan) {
        (Some(plan), _) => {
            let _lock = ctx.store.lock()?;
            ctx.store
                .write_plan(plan)
                .context("the settings were saved, but the crisis plan was not")?;
            Some("written")
        }
        (None, Some(_)) => Some("already as in the file"),
        (None, None) => None,
    };

    // Say what was set, without the words themselves.
    let mut lines = vec![format!("Set up from {name}:")];
    if let Some(state) = plan_state {
        lines.push(format!("  Crisis plan: {state}"));
    }
    if !wanted.contacts.is_empty() {
        let mut line = format!("  Crisis contacts: {} added", added.len());
        if already > 0 {
            line.push_str(&format!(", {already} already there"));
        }
        lines.push(line);
    }
    if let Some(n) = wanted.threshold {
        lines.push(format!("  The safety steps open at: {n} or above"));
    }
    if let Some(id) = &wanted.pack {
        lines.push(format!("  Pack for new entries: {id}"));
    }
    if let Some(f) = &wanted.focus {
        lines.push(format!(
            "  Focus: {}",
            if f.is_some() { "set" } else { "removed" }
        ));
    }
    if let Some(r) = &wanted.rhythm {
        lines.push(format!("  Rhythm: {}", r.as_deref().unwrap_or("removed")));
    }
    if wanted.due_enabled.is_some() || wanted.due_words.is_some() {
        let on = if ctx.config.due.enabled { "on" } else { "off" };
        lines.push(format!("  Reminder (mentalog due): {on}"));
    }
    if lines.len() == 1 {
        lines.push("  (nothing: the file sets nothing)".into());
    }
    lines.push(NO_CONTACT_LINE.to_string());
    // What was set is a note: `--quiet` leaves it out.
    if ctx.quiet {
        return Ok(());
    }
    let p = ctx.prompter.as_mut();
    for line in lines {
        asked(p.say(&line))?;
    }
    Ok(())
}

/// Whether `id` names a built-in pack or an installed one that checks.
fn check_pack(store: &Store, id: &str) -> Result<(), String> {
    if pack::BUILTIN.iter().any(|(b, _)| *b == id) {
        return Ok(());
    }
    match store.installed_pack(id) {
        Ok(Some(_)) => Ok(()),
        Ok(None) => {
            let builtin: Vec<&str> = pack::BUILTIN.iter().map(|(b, _)| *b).collect();
            Err(format!(
                "there is no pack `{id}`; the built-in packs are {}, and 'mentalog pack add FILE' installs another",
                builtin.join(", ")
            ))
        }
        Err(e) => Err(format!("{e:#}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        let mut p = Vec::new();
        parse_wanted(text, &mut p);
        p
    }

    #[test]
    fn a_full_file_reads_without_problems() {
        let mut p = Vec::new();
        let w = parse_wanted(
            "plan_file = \"plan.md\"\nsafety_threshold = 7\npack = \"mbt-core\"\nfocus = \"left out\"\nrhythm = \"2 per week\"\n[due]\nenabled = true\nwords = \"Time.\"\n[[contacts]]\nname = \"Line\"\nphone = \"0800\"\nnote = \"24/7\"\n",
            &mut p,
        );
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(w.threshold, Some(7));
        assert_eq!(w.focus, Some(Some("left out".into())));
        assert_eq!(w.due_words, Some(Some("Time.".into())));
        assert_eq!(w.contacts.len(), 1);
    }

    #[test]
    fn every_problem_is_named_with_its_key() {
        let p = problems(
            "safety_treshold = 7\nrhythm = \"often\"\n[due]\nenable = true\n[[contacts]]\nname = \"Sam\"\nphon = \"1\"\n",
        );
        let all = p.join("\n");
        assert!(
            all.contains("unknown key `safety_treshold` (did you mean `safety_threshold`?"),
            "{all}"
        );
        assert!(
            all.contains("rhythm:") && all.contains("every 3 days"),
            "{all}"
        );
        assert!(
            all.contains("[due]: unknown key `enable` (did you mean `enabled`?"),
            "{all}"
        );
        assert!(
            all.contains("[[contacts]] number 1: unknown key `phon`"),
            "{all}"
        );
        assert!(
            all.contains("[[contacts]] number 1: phone is missing"),
            "{all}"
        );
        assert_eq!(p.len(), 5, "{all}");
        assert!(problems("safety_threshold = 0")[0].contains("from 1 to 10"));
        assert!(problems("safety_threshold = 11")[0].contains("from 1 to 10"));
        assert!(problems("focus = 3")[0].contains("focus must be text"));
        assert!(problems("x = [")[0].contains("not valid TOML"));
    }

    #[test]
    fn inline_contacts_become_tables_and_nothing_else_is_lost() {
        let mut doc: DocumentMut = "# mine\ncontacts = [{ name = \"A\", phone = \"1\" }]\n"
            .parse()
            .unwrap();
        normalise_contacts(&mut doc).unwrap();
        config_edit::add_contact(
            &mut doc,
            &Contact {
                name: "B".into(),
                phone: Some("2".into()),
                note: None,
            },
        );
        let c = Config::parse(&doc.to_string(), "c");
        assert_eq!(c.contact_lines(), ["A: 1", "B: 2"], "{doc}");
        let mut odd: DocumentMut = "contacts = 3\n".parse().unwrap();
        assert!(normalise_contacts(&mut odd).is_err());
        assert_eq!(odd.to_string(), "contacts = 3\n");
    }
}
