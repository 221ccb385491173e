//! `mentalog import`: entries from another journal. The whole file is read
//! and checked before anything is written; entries already imported (same
//! date, title and body, so the same id and file name) are left alone.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, FixedOffset, Local, LocalResult, NaiveDateTime, Offset, TimeZone};

use crate::cli::ImportCommand;
use crate::context::Context;
use crate::import::{self, Format};
use crate::store::{MAX_ENTRY_BYTES, read_limited_bytes};

/// The largest journal file read (64 MiB): years of daily writing.
pub const MAX_IMPORT_BYTES: u64 = 64 * 1024 * 1024;

pub fn run(ctx: &mut Context, command: &ImportCommand) -> Result<()> {
    match command {
        ImportCommand::Jrnl { file } => jrnl(ctx, file),
    }
}

fn jrnl(ctx: &mut Context, file: &Path) -> Result<()> {
    let bytes = read_limited_bytes(file, MAX_IMPORT_BYTES, "jrnl file")?;
    let Ok(text) = String::from_utf8(bytes) else {
        bail!(
            "cannot read the jrnl file {}: it is not UTF-8 text (an encrypted jrnl journal must be exported first: jrnl --export json > jrnl.json)",
            file.display()
        );
    };
    let (format, found) = import::parse(&text).map_err(|e| {
        anyhow::anyhow!(
            "cannot import the jrnl file {}: {e}; nothing was imported",
            file.display()
        )
    })?;
    let entries: Vec<_> = found.iter().map(|j| j.to_entry(local_time(j.at))).collect();
    // Every entry must fit before any is written.
    for (j, e) in found.iter().zip(&entries) {
        let size = serde_json::to_vec_pretty(e)?.len() as u64 + 1;
        if size > MAX_ENTRY_BYTES {
            bail!(
                "cannot import the jrnl file {}: the entry of {} is larger than the limit of {} MiB for one entry; nothing was imported",
                file.display(),
                j.at.format("%Y-%m-%d %H:%M"),
                MAX_ENTRY_BYTES / (1024 * 1024)
            );
        }
    }
    let _lock = ctx.store.lock()?;
    let mut seen = HashSet::new();
    let (mut added, mut present) = (0usize, 0usize);
    let mut written = Vec::new();
    for entry in &entries {
        let path = ctx.store.entry_path(entry);
        // The same jrnl entry twice in one file counts once.
        if !seen.insert(entry.id.clone()) || path.symlink_metadata().is_ok() {
            present += 1;
            continue;
        }
        let saved = ctx.store.save_entry(entry).with_context(|| {
            format!(
                "imported {added} of {} entries from {} before this failed; importing again adds the rest",
                entries.len(),
                file.display()
            )
        })?;
        added += 1;
        written.push(saved);
    }
    // Printed once all are saved: a reader that goes away (`| head`) never
    // stops an import half way.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for saved in &written {
        writeln!(out, "{}", saved.display())?;
    }
    out.flush()?;
    let kind = match format {
        Format::Json => "jrnl export",
        Format::Text => "jrnl journal",
    };
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let mut note = format!(
        "Imported {} from the {kind} {}",
        plural(added, "entry", "entries"),
        file.display()
    );
    if present > 0 {
        note.push_str(&format!(
            " ({} already here)",
            plural(present, "was", "were")
        ));
    }
    note.push('.');
    match added {
        0 => {}
        1 => note.push_str(" It is private: share it with 'mentalog share ID'."),
        _ => note.push_str(" They are private: share one with 'mentalog share ID'."),
    }
    ctx.note(&note);
    Ok(())
}

/// jrnl's wall-clock time in this machine's offset on that date. A time
/// skipped by a change to summer time keeps its wall-clock reading, with
/// the offset from before the change.
fn local_time(at: NaiveDateTime) -> DateTime<FixedOffset> {
    let offset = match Local.offset_from_local_datetime(&at) {
        LocalResult::Single(o) | LocalResult::Ambiguous(o, _) => o.fix(),
        LocalResult::None => Local.offset_from_utc_datetime(&at).fix(),
    };
    offset
        .from_local_datetime(&at)
        .single()
        .expect("a fixed offset maps every time once")
}
