//! `mentalog restore`: a backup into an empty data folder, or merged.
//!
//! The whole archive is checked before anything is written; a merge adds
//! entries and reflections only and never replaces a file.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::Path;

use anyhow::{Context as _, Result, anyhow};

use crate::archive::{self, Kind, ROOT};
use crate::cli::RestoreArgs;
use crate::context::Context;
use crate::entry::Entry;
use crate::store::{create_private_dir_all, write_new};

/// Files written and files already here, by kind.
#[derive(Default)]
struct Counts {
    written: [usize; 6],
    here: [usize; 6],
    left_out: usize,
}

fn slot(kind: Kind) -> usize {
    match kind {
        Kind::Entry => 0,
        Kind::Reflection => 1,
        Kind::Draft => 2,
        Kind::Pack => 3,
        Kind::Other => 4,
        Kind::Config => 5,
    }
}

pub fn run(ctx: &mut Context, args: &RestoreArgs) -> Result<()> {
    let file = &args.file;
    let merge = args.merge;
    let data = ctx.store.root().to_path_buf();
    // First the whole archive, writing nothing: a bad member anywhere stops
    // the restore before any file is made.
    // A member of an encrypted journal's archive opens with this journal's
    // key only when it is the same journal's (unlocked before this ran).
    let opened = |listed: &archive::Listed, bytes: &[u8]| -> Vec<u8> {
        let dest = data.join(listed.path.strip_prefix("data/").unwrap_or(&listed.path));
        crate::crypt::open(&dest, bytes.to_vec()).unwrap_or_default()
    };
    archive::read(archive::open(file)?, file, |listed, kind, bytes| {
        // A reflection sealed to another key could never be opened here either.
        if merge
            && kind == Kind::Reflection
            && crate::crypt::is_sealed(bytes)
            && opened(listed, bytes).is_empty()
        {
            return Err(anyhow!(
                "archive {}: member {ROOT}/{}: it is encrypted with another journal's key, or this journal is not encrypted; nothing was restored (restore the archive into an empty folder instead)",
                file.display(),
                listed.path
            ));
        }
        if merge && kind == Kind::Entry {
            if crate::crypt::is_sealed(bytes) && opened(listed, bytes).is_empty() {
                return Err(anyhow!(
                    "archive {}: member {ROOT}/{}: it is encrypted with another journal's key, or this journal is not encrypted; nothing was restored (restore the archive into an empty folder instead, or decrypt that journal before backing it up)",
                    file.display(),
                    listed.path
                ));
            }
            parse_entry(&opened(listed, bytes)).map_err(|why| {
                anyhow!(
                    "archive {}: member {ROOT}/{}: it is not an entry mentalog can read ({why}); nothing was restored",
                    file.display(),
                    listed.path
                )
            })?;
        }
        Ok(())
    })?;
    if !merge {
        require_empty(&data)?;
    }
    let _lock = ctx.store.lock()?;
    if !merge {
        // Again under the lock: another mentalog may have written meanwhile.
        require_empty(&data)?;
    }
    let ids: HashSet<String> = if merge {
        ctx.store
            .load()?
            .entries
            .into_iter()
            .map(|s| s.entry.id)
            .collect()
    } else {
        HashSet::new()
    };
    let mut counts = Counts::default();
    let mut config: Option<Vec<u8>> = None;
    archive::read(archive::open(file)?, file, |listed, kind, bytes| {
        if kind == Kind::Config {
            if merge {
                counts.left_out += 1;
            } else {
                config = Some(bytes.to_vec());
            }
            return Ok(());
        }
        if merge && !matches!(kind, Kind::Entry | Kind::Reflection) {
            counts.left_out += 1;
            return Ok(());
        }
        let Some(rest) = listed.path.strip_prefix("data/") else {
            return Ok(());
        };
        let dest = data.join(rest);
        let here = fs::symlink_metadata(&dest).is_ok()
            || (merge
                && kind == Kind::Entry
                && parse_entry(&opened(listed, bytes)).is_ok_and(|e| ids.contains(&e.id)));
        if here {
            counts.here[slot(kind)] += 1;
            return Ok(());
        }
        if let Some(dir) = dest.parent() {
            create_private_dir_all(dir)?;
        }
        // Merged into an encrypted journal, a plain entry is sealed as it lands.
        if merge {
            let (_sealing, bytes) = ctx.store.sealed_for_writing(bytes)?;
            write_new(&dest, &bytes)?;
        } else {
            write_new(&dest, bytes)?;
        }
        counts.written[slot(kind)] += 1;
        Ok(())
    })
    .context(
        "the restore stopped part-way; the files written before this are in the data folder",
    )?;
    let w = |k: Kind| counts.written[slot(k)];
    let h = |k: Kind| counts.here[slot(k)];
    if merge {
        ctx.note(&format!(
            "Restored {} ({} already here) and {} ({} already here) into {}.",
            plural(w(Kind::Entry), "entry", "entries"),
            h(Kind::Entry),
            plural(w(Kind::Reflection), "reflection", "reflections"),
            h(Kind::Reflection),
            data.display()
        ));
        if counts.left_out > 0 {
            ctx.note(&format!(
                "{} in the archive (plan, sessions, drafts, packs, config) {} left out: --merge adds entries and reflections only.",
                plural(counts.left_out, "other file", "other files"),
                if counts.left_out == 1 { "was" } else { "were" }
            ));
        }
        return Ok(());
    }
    ctx.note(&format!(
        "Restored {}, {}, {}, {} and {} into {}.",
        plural(w(Kind::Entry), "entry", "entries"),
        plural(w(Kind::Reflection), "reflection", "reflections"),
        plural(w(Kind::Draft), "draft", "drafts"),
        plural(w(Kind::Pack), "pack", "packs"),
        plural(w(Kind::Other), "other file", "other files"),
        data.display()
    ));
    if let Some(bytes) = config {
        restore_config(ctx, &bytes)?;
    }
    Ok(())
}

/// Writes the archive's config as the restored journal's own config
/// (`config.toml` in its data folder, which that journal reads first),
/// unless one is already there: a config is never replaced, and never
/// written where other journals would read it.
fn restore_config(ctx: &Context, bytes: &[u8]) -> Result<()> {
    let path = &ctx.paths.data.join("config.toml");
    if fs::symlink_metadata(path).is_ok() {
        ctx.note(&format!(
            "The archive's config was not restored: {} already exists and was left as it is.",
            path.display()
        ));
        return Ok(());
    }
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        create_private_dir_all(dir)?;
    }
    write_new(path, bytes)?;
    ctx.note(&format!("Restored the config to {}.", path.display()));
    Ok(())
}

fn parse_entry(bytes: &[u8]) -> std::result::Result<Entry, String> {
    let entry: Entry = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    entry.check()?;
    Ok(entry)
}

/// Fails, saying what to do, unless the data folder is missing or empty
/// (its lock, and an empty temp folder, count as nothing).
fn require_empty(data: &Path) -> Result<()> {
    let read = match fs::read_dir(data) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        other => {
            other.with_context(|| format!("cannot read the data folder {}", data.display()))?
        }
    };
    for item in read {
        let item =
            item.with_context(|| format!("cannot read the data folder {}", data.display()))?;
        let name = item.file_name();
        if name == ".lock" || name == ".encryption-lock" {
            continue;
        }
        if name == "tmp" && fs::read_dir(item.path()).is_ok_and(|mut d| d.next().is_none()) {
            continue;
        }
        anyhow::bail!(
            "the data folder {} is not empty; restore into an empty folder (choose one with --dir or MENTALOG_DIR), or add the archive's entries to this journal with 'mentalog restore --merge'",
            data.display()
        );
    }
    Ok(())
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
