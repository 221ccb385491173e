use std::io::Write;

use anyhow::{Context as _, Result, bail};

use crate::cli::ShowArgs;
use crate::context::Context;
use crate::error::Error;
use crate::render::journal;
use crate::store::{Damaged, Store, Stored};

pub fn run(ctx: &Context, args: &ShowArgs) -> Result<()> {
    let store = Store::new(&ctx.paths.data);
    let (stored, damaged) = find_one(&store, &args.id)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let bytes = std::fs::read(&stored.path)
            .with_context(|| format!("cannot read {}", stored.path.display()))?;
        // An encrypted journal's entry as it was written (the key is unlocked).
        let bytes = crate::crypt::open(&stored.path, bytes)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", stored.path.display()))?;
        // The stored bytes for a script; a terminal gets them through the gate.
        if std::io::IsTerminal::is_terminal(&out) {
            write!(
                out,
                "{}",
                crate::text::Shown(&String::from_utf8_lossy(&bytes))
            )?;
        } else {
            out.write_all(&bytes)?;
        }
    } else {
        journal::show(&mut out, &stored.entry)?;
        let (later, unreadable) = crate::store::reflections::read_reflections(&stored.path);
        super::report_damaged(&unreadable);
        journal::reflections(&mut out, &later)?;
        out.flush()?;
        let mut damaged = damaged;
        damaged.extend(unreadable);
        return super::skipped(&damaged);
    }
    out.flush()?;
    super::skipped(&damaged)
}

/// The one entry whose id starts with `id`, and any damaged files met on the
/// way (already named on stderr).
pub(super) fn find_one(store: &Store, id: &str) -> Result<(Stored, Vec<Damaged>)> {
    let (mut copies, damaged) = find_copies(store, id)?;
    if copies.len() > 1 {
        bail!(
            "entry {} is in {} files ({}); 'mentalog check' lists them, and 'mentalog delete' removes them all",
            crate::text::one_line(&copies[0].entry.id),
            copies.len(),
            copies
                .iter()
                .map(|s| crate::text::one_line(&s.path.display().to_string()))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok((copies.remove(0), damaged))
}

/// The files holding the one entry whose id starts with `id` (one, but for
/// a copy made by hand or a sync), and any damaged files met on the way
/// (already named on stderr).
pub(super) fn find_copies(store: &Store, id: &str) -> Result<(Vec<Stored>, Vec<Damaged>)> {
    // Ids are written without hyphens; a hyphenated UUID means the same id.
    let id = id.trim().replace('-', "");
    let id = id.as_str();
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(Error::Usage(format!(
            "{id:?} is not an entry id; ids look like 7c1e09ab (see 'mentalog list')"
        ))
        .into());
    }
    let found = store.find(id)?;
    super::report_damaged(&found.damaged);
    let stored = match found.entries.as_slice() {
        [one] => vec![one.clone()],
        // The same entry in several files.
        [first, rest @ ..] if rest.iter().all(|s| s.entry.id == first.entry.id) => {
            found.entries.clone()
        }
        [] if found.damaged.is_empty() => {
            bail!("no entry has an id starting with {id} (see 'mentalog list')")
        }
        // Nothing shown at all: a failure, not an incomplete success.
        [] => return Err(Error::Unreadable(found.damaged.len()).into()),
        many => bail!(
            "{id} is the start of {} ids ({}); type more of the id",
            many.len(),
            many.iter()
                .map(|s| crate::text::one_line(&s.entry.id))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Ok((stored, found.damaged))
}
