use std::io::Write;
use std::path::Path;

use anyhow::{Context as _, Result};

use crate::cli::{ExportArgs, ExportFormat};
use crate::context::Context;
use crate::entry::Entry;
use crate::error::Error;
use crate::prompt::{PromptError, Prompter};
use crate::pseudonym::Pseudonyms;
use crate::render::summary::{self as render, Format};
use crate::sessions::{self, Since};
use crate::store::{Store, write_replace};
use crate::summary::{self, Period};

pub fn run(ctx: &mut Context, args: &ExportArgs) -> Result<()> {
    let format = match args.format {
        ExportFormat::Md => Format::Markdown,
        ExportFormat::Html => Format::Html,
        ExportFormat::Json => Format::Json,
        ExportFormat::Text => Format::Text,
    };
    let parse = |flag: &str, value: Option<&str>| -> Result<Option<Since>> {
        value
            .map(str::parse)
            .transpose()
            .map_err(|e| Error::Usage(format!("{flag}: {e}")).into())
    };
    let since = parse("--since", args.since.as_deref())?;
    let until = parse("--until", args.until.as_deref())?;
    let template = match &args.template {
        Some(_) if format == Format::Json => {
            return Err(Error::Usage(
                "--template works with --format md, html or text; the JSON document has a fixed shape".into(),
            )
            .into());
        }
        Some(path) => Some((
            path.display().to_string(),
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the template {}", path.display()))?,
        )),
        None => None,
    };

    let store = Store::new(&ctx.paths.data);
    let sessions = store.read_sessions()?;
    let today = ctx.now.date_naive();
    let period = Period {
        since: sessions::resolve_since(since, &sessions, today)
            .map_err(|e| Error::Usage(format!("--since: {e}")))?,
        until: sessions::resolve_until(until, &sessions, today)
            .map_err(|e| Error::Usage(format!("--until: {e}")))?,
    };
    if period.since.is_some_and(|s| s > period.until) {
        return Err(Error::Usage(format!(
            "the period starts after it ends ({} is after {}); check --since and --until",
            period.since.unwrap_or(period.until),
            period.until
        ))
        .into());
    }

    let loaded = store.load()?;
    super::report_damaged(&loaded.damaged);
    let journal: Vec<Entry> = loaded.entries.into_iter().map(|s| s.entry).collect();
    // What may be shown is decided there, and only there.
    let mut selection = summary::select(&journal, period);
    // Plan openings leave only while the person has that turned on.
    if !ctx.config.share_plan_openings {
        selection = selection.map(|e| Entry {
            plan_opened: None,
            ..e.clone()
        });
    }
    if args.pseudonymize {
        super::plan::warn_config(ctx);
        // Names from the whole journal are looked for, so that a person named
        // in a private entry is still swapped out of a shared one.
        let names = Pseudonyms::new(&journal, selection.all(), &ctx.config.names);
        selection = selection.map(|e| names.entry(e));
    }
    let summary = summary::build(
        &selection,
        period,
        sessions.upcoming(today),
        args.pseudonymize,
    );
    let template = template
        .as_ref()
        .map(|(name, source)| (name.as_str(), source.as_str()));
    let document = render::render(&summary, format, template)?;

    match &args.out {
        _ if args.preview => write_stdout(&document)?,
        Some(path) => {
            let folder = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            if !folder.is_dir() {
                return Err(Error::Usage(format!(
                    "--out {}: the folder {} does not exist; create it first or choose another",
                    path.display(),
                    folder.display()
                ))
                .into());
            }
            if ctx.interactive
                && !args.yes
                && !confirm(ctx.prompter.as_mut(), &summary, format, &document, path)?
            {
                eprintln!("Nothing was written.");
                return super::skipped(&loaded.damaged);
            }
            write_replace(path, document.as_bytes())?;
            eprintln!("Wrote {}", path.display());
        }
        None => write_stdout(&document)?,
    }
    super::skipped(&loaded.damaged)
}

fn write_stdout(document: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(document.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Shows exactly what will leave the machine and asks before writing it.
/// HTML is shown as its text form, which holds the same words. Ctrl-C at
/// the question, or while it is shown, writes nothing.
fn confirm(
    prompter: &mut dyn Prompter,
    summary: &summary::Summary,
    format: Format,
    document: &str,
    path: &Path,
) -> Result<bool> {
    const NOTHING: &str = "Nothing was written.";
    crate::signal::set_message(NOTHING);
    let shown = match format {
        Format::Html => render::render(summary, Format::Text, None)?,
        _ => document.to_string(),
    };
    eprintln!("{shown}");
    eprintln!("----");
    if format == Format::Html {
        eprintln!("(Shown above as text; the file will be HTML with the same words.)");
    }
    let question = format!("Write this to {}?", path.display());
    let answer = match prompter.confirm(&question) {
        Err(PromptError::Interrupted) => Err(Error::Cancelled(NOTHING.into()).into()),
        other => Ok(other?),
    };
    crate::signal::set_message("Stopped.");
    answer
}
