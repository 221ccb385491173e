//! `mentalog delete`: an entry and everything of it, gone for good. Every
//! id is resolved before anything is shown or removed; what will go is
//! shown, then asked about (or `--yes`), then removed under the lock.

use std::path::Path;

use anyhow::Result;

use crate::cli::DeleteArgs;
use crate::context::Context;
use crate::entry::{first_words, keys};
use crate::error::Error;
use crate::prompt::PromptError;
use crate::store::remove::Belongings;
use crate::store::{Damaged, Stored};
use crate::text::{clean, one_line};

/// How much of what happened is shown beside each entry.
const WHAT_WIDTH: usize = 48;

pub fn run(ctx: &mut Context, args: &DeleteArgs) -> Result<()> {
    // Every id first: one unknown or ambiguous id and nothing is removed.
    let mut chosen: Vec<Stored> = Vec::new();
    let mut damaged: Vec<Damaged> = Vec::new();
    for id in &args.ids {
        // Every file holding the entry: a copy must not keep its words.
        let (copies, d) = super::show::find_copies(&ctx.store, id)?;
        damaged.extend(d);
        for stored in copies {
            if !chosen.iter().any(|c| c.path == stored.path) {
                chosen.push(stored);
            }
        }
    }
    damaged.sort_by(|a, b| a.path.cmp(&b.path));
    damaged.dedup_by(|a, b| a.path == b.path);

    let mut shown = String::new();
    for stored in &chosen {
        let b = ctx.store.entry_belongings(stored)?;
        describe(&mut shown, ctx.store.root(), stored, &b);
    }
    // Entries, not files: a copy of one is the same entry.
    let n = chosen
        .iter()
        .map(|s| s.entry.id.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let say = |ctx: &mut Context, text: &str| ctx.prompter.say(text).map_err(prompt_error);
    say(
        ctx,
        &format!(
            "This removes, in {}:\n{}",
            ctx.store.root().display(),
            shown.trim_end()
        ),
    )?;

    if !args.yes {
        let question = if n == 1 {
            "Delete this entry for good? It cannot be brought back.".to_string()
        } else {
            format!("Delete these {n} entries for good? They cannot be brought back.")
        };
        match ctx.prompter.confirm(&question) {
            Ok(true) => {}
            Ok(false) => {
                eprintln!("Nothing was deleted.");
                return Ok(());
            }
            Err(PromptError::NoTerminal) => {
                let ids: Vec<String> = chosen
                    .iter()
                    .map(|s| one_line(s.entry.short_id()))
                    .collect();
                return Err(Error::Usage(format!(
                    "deleting asks first, and there is no terminal to ask in; to delete without asking, run 'mentalog delete {} --yes'",
                    ids.join(" ")
                ))
                .into());
            }
            Err(PromptError::Interrupted) => {
                return Err(Error::Cancelled("Nothing was deleted.".into()).into());
            }
            Err(e) => return Err(e.into()),
        }
    }

    let mut removed = Vec::new();
    {
        let _lock = ctx.store.lock()?;
        for stored in &chosen {
            // Looked for again under the lock: what is there now goes.
            let done = ctx
                .store
                .entry_belongings(stored)
                .and_then(|b| ctx.store.remove_belongings(&b, &mut removed));
            if let Err(e) = done {
                return Err(anyhow::anyhow!(
                    "{e:#}; {}",
                    already_removed(ctx.store.root(), &removed)
                ));
            }
        }
    }
    // Said even with --quiet: the reminder is part of deleting.
    if n == 1 {
        eprintln!("Deleted 1 entry.");
    } else {
        eprintln!("Deleted {n} entries.");
    }
    let them = if n == 1 { "it" } else { "them" };
    eprintln!(
        "Backups and exports you made before today still hold {them}; delete those too if they should go \
         (archives written by 'mentalog backup', and summaries you exported or sent)."
    );
    super::skipped(&damaged)
}

/// What goes with one entry, as lines under its date, id and first words.
fn describe(out: &mut String, root: &Path, stored: &Stored, b: &Belongings) {
    use std::fmt::Write as _;
    let e = &stored.entry;
    let what = e
        .text(keys::WHAT_HAPPENED)
        .or_else(|| e.text(keys::SAFETY_NOTE))
        .map(|t| format!("  \u{201c}{}\u{201d}", first_words(&clean(t), WHAT_WIDTH)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "\n  {}  {}{what}",
        e.created.format("%Y-%m-%d %H:%M"),
        e.short_id()
    );
    let rel = |p: &Path| one_line(&p.strip_prefix(root).unwrap_or(p).display().to_string());
    let _ = writeln!(out, "    {}  (the entry)", rel(&b.entry));
    if let Some((dir, count)) = &b.reflections {
        let what = match count {
            1 => "1 later reflection".to_string(),
            n => format!("{n} later reflections"),
        };
        let _ = writeln!(out, "    {}/  ({what})", rel(dir));
    }
    if let Some(draft) = &b.draft {
        let _ = writeln!(out, "    {}  (its unfinished draft)", rel(draft));
    }
    for path in &b.leftovers {
        let _ = writeln!(
            out,
            "    {}  (left over from an unfinished write)",
            rel(path)
        );
    }
    for path in &b.following_drafts {
        let _ = writeln!(
            out,
            "    {}  (a draft that looks back at it: kept, without that)",
            rel(path)
        );
    }
    for s in &b.following_entries {
        let _ = writeln!(
            out,
            "    {}  (an entry that looks back at it: kept, without that)",
            rel(&s.path)
        );
    }
}

/// Said when a removal fails part way: what is gone already.
fn already_removed(root: &Path, removed: &[std::path::PathBuf]) -> String {
    if removed.is_empty() {
        return "nothing was deleted".to_string();
    }
    let names: Vec<String> = removed
        .iter()
        .map(|p| one_line(&p.strip_prefix(root).unwrap_or(p).display().to_string()))
        .collect();
    format!(
        "already deleted: {} (an entry whose own file is still there can be deleted again to finish)",
        names.join(", ")
    )
}

fn prompt_error(e: PromptError) -> anyhow::Error {
    match e {
        PromptError::Interrupted => Error::Cancelled("Nothing was deleted.".into()).into(),
        e => e.into(),
    }
}
