//! `mentalog forget --everything`: the whole journal, gone for good. Says
//! what will go, asks for a typed word (or `--confirm`), then removes the
//! data folder and the config file. A data folder that is a link is
//! refused: what it points at is not ours to empty.

use std::fs;
use std::io;
use std::path::Path;

use anyhow::{Context as _, Result, bail};

use crate::cli::ForgetArgs;
use crate::context::Context;
use crate::error::Error;
use crate::prompt::{Ask, Got, PromptError};
use crate::text::one_line;

/// The word a person types to confirm.
const WORD: &str = "forget";

pub fn run(ctx: &mut Context, args: &ForgetArgs) -> Result<()> {
    let data = ctx.paths.data.clone();
    let config = ctx.paths.config.clone();
    let data_meta = present(&data)?;
    if let Some(m) = &data_meta {
        if m.file_type().is_symlink() {
            // The store's own refusal names where the link points.
            return ctx.store.remove_everything();
        }
        if !m.is_dir() {
            bail!(
                "the data folder {} is not a folder; nothing was deleted (check --dir or MENTALOG_DIR)",
                data.display()
            );
        }
    }
    // Only a folder that looks like a journal is deleted whole: a --dir
    // that names another folder (Documents, say) must never be emptied.
    if data_meta.is_some() {
        let strangers = not_made_by_mentalog(&data)?;
        if !strangers.is_empty() {
            bail!(
                "the folder {} holds files mentalog does not make ({}), so it may not be a journal; nothing was deleted (check --dir or MENTALOG_DIR, or move those files out first)",
                one_line(&data.display().to_string()),
                one_line(&strangers.join(", "))
            );
        }
    }
    // The config goes when it is this journal's own (inside its folder),
    // was named (--config, MENTALOG_CONFIG), or the person's own journal is
    // forgotten; the platform config used with another --dir may serve
    // other journals, and is left and named.
    let owned = config.starts_with(&data)
        || ctx.config_given.is_some()
        || crate::paths::platform_defaults().is_some_and(|(d, c)| d == data && c == config);
    let config_meta = if owned { present(&config)? } else { None };
    let config_left = !owned && present(&config)?.is_some();
    if let Some(m) = &config_meta
        && !(m.is_file() || m.file_type().is_symlink())
    {
        bail!(
            "the config file {} is not a file; nothing was deleted (move it away, then run the command again)",
            config.display()
        );
    }
    if data_meta.is_none() && config_meta.is_none() {
        eprintln!(
            "There is nothing to forget: no journal at {} and no config file at {}.",
            one_line(&data.display().to_string()),
            one_line(&config.display().to_string())
        );
        return Ok(());
    }

    let mut list = String::from("This deletes for good:\n");
    if data_meta.is_some() {
        let inv = ctx.store.removal_inventory()?;
        let mut parts = vec![
            count(inv.entries, "entry", "entries"),
            count(inv.reflections, "later reflection", "later reflections"),
            count(inv.drafts, "unfinished draft", "unfinished drafts"),
            count(inv.packs, "installed pack", "installed packs"),
        ];
        if inv.plan {
            parts.push("your crisis plan".into());
        }
        if inv.sessions {
            parts.push("your sessions".into());
        }
        list.push_str(&format!(
            "  the data folder {}: {} ({} in all)\n",
            data.display(),
            parts.join(", "),
            count(inv.files, "file", "files")
        ));
    }
    if config_meta.is_some() {
        list.push_str(&format!("  the config file {}\n", config.display()));
    }
    list.push_str("It cannot be brought back.");
    ctx.prompter.say(&list).map_err(prompt_error)?;

    let typed = match &args.confirm {
        Some(word) => word.clone(),
        None => {
            let ask = Ask::new("Type forget to delete all of it (anything else keeps it)");
            match ctx.prompter.input(&ask, &|_| Ok(())) {
                Ok(Got::Answer(word)) => word,
                Ok(_) => String::new(),
                Err(PromptError::NoTerminal) => {
                    return Err(Error::Usage(format!(
                        "forgetting everything asks you to type a word, and there is no terminal to ask in; to do it without asking, run 'mentalog forget --everything --confirm {WORD}'"
                    ))
                    .into());
                }
                Err(e) => return Err(prompt_error(e)),
            }
        }
    };
    if typed.trim() != WORD {
        bail!("the word was not \u{201c}{WORD}\u{201d}. Nothing was deleted.");
    }

    if data_meta.is_some() {
        ctx.store.remove_everything()?;
    }
    if config_meta.is_some() {
        // A link goes as a link; what it points at stays.
        match fs::remove_file(&config) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                let done = if data_meta.is_some() {
                    "the data folder was deleted, "
                } else {
                    ""
                };
                return Err(e).with_context(|| {
                    format!(
                        "{done}but the config file {} could not be removed; remove it yourself",
                        config.display()
                    )
                });
            }
            _ => sync_parent(&config),
        }
    }
    eprintln!("Your journal is deleted.");
    if config_left {
        eprintln!(
            "The config file {} was left as it is: it is not this journal's own and may be used by your other journals; delete it yourself if it should go.",
            one_line(&config.display().to_string())
        );
    }
    eprintln!(
        "Backups (mentalog backup) and summaries you exported are not touched; delete them yourself if they should go."
    );
    Ok(())
}

/// The names at the top of `data` that mentalog never makes.
fn not_made_by_mentalog(data: &Path) -> Result<Vec<String>> {
    const MADE: [&str; 15] = [
        "entries",
        "drafts",
        "editing",
        "tmp",
        "packs",
        "plan.md",
        "sessions.json",
        "sessions",
        "state.json",
        ".lock",
        ".encryption-lock",
        "key.age",
        "encryption.json",
        "config.toml",
        ".mentalog-journal",
    ];
    let mut strangers = Vec::new();
    for item in
        fs::read_dir(data).with_context(|| format!("cannot read the folder {}", data.display()))?
    {
        let name = item?.file_name().to_string_lossy().into_owned();
        if !MADE.contains(&name.as_str()) && !name.starts_with(".tmp-") {
            strangers.push(name);
        }
    }
    strangers.sort();
    strangers.truncate(5);
    Ok(strangers)
}

/// What is at `path`, without following a link; `None` when nothing is.
fn present(path: &Path) -> Result<Option<fs::Metadata>> {
    match fs::symlink_metadata(path) {
        Ok(m) => Ok(Some(m)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot look at {}", path.display())),
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Makes the config file's removal durable, as far as the folder allows.
fn sync_parent(path: &Path) {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        && let Ok(dir) = fs::File::open(parent)
    {
        let _ = dir.sync_all();
    }
}

fn prompt_error(e: PromptError) -> anyhow::Error {
    match e {
        PromptError::Interrupted => Error::Cancelled("Nothing was deleted.".into()).into(),
        e => e.into(),
    }
}
