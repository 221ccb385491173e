//! `mentalog backup`: one archive of the whole data folder, and `--check`.

use std::path::Path;

use anyhow::{Context as _, Result, bail};

use crate::archive::{self, Kind};
use crate::cli::BackupArgs;
use crate::context::Context;
use crate::error::Error;

pub fn run(ctx: &mut Context, args: &BackupArgs) -> Result<()> {
    if args.check {
        let files = check(&args.file)?;
        ctx.note(&format!(
            "The archive is whole: {} {}.",
            files,
            if files == 1 { "file" } else { "files" }
        ));
        return Ok(());
    }
    let file = &args.file;
    if std::fs::symlink_metadata(file).is_ok() {
        bail!(
            "{} already exists and was left as it is; a backup never replaces a file, so choose a new name",
            file.display()
        );
    }
    let store = &ctx.store;
    store.require_journal()?;
    refuse_inside(file, store.root())?;
    let config = if args.with_config {
        if ctx.paths.config.exists() {
            Some(ctx.paths.config.as_path())
        } else {
            ctx.note(&format!(
                "There is no config file at {}: the archive holds none.",
                ctx.paths.config.display()
            ));
            None
        }
    } else {
        None
    };
    // Held while the files are read, so a share or a session is not torn.
    let _lock = store.lock()?;
    let sources = archive::collect(store.root(), config)?;
    crate::store::write_new_with(file, |out| {
        archive::write(out, &sources, env!("CARGO_PKG_VERSION"))
    })?;
    let count = |k: Kind| sources.iter().filter(|s| s.kind == k).count();
    let others = sources
        .iter()
        .filter(|s| s.kind == Kind::Other || s.kind == Kind::Config)
        .count();
    ctx.note(&format!(
        "Wrote {}: {}, {}, {}, {}, {} ({} in all).",
        file.display(),
        plural(count(Kind::Entry), "entry", "entries"),
        plural(count(Kind::Reflection), "reflection", "reflections"),
        plural(count(Kind::Draft), "draft", "drafts"),
        plural(count(Kind::Pack), "pack", "packs"),
        plural(others, "other file", "other files"),
        plural(sources.len(), "file", "files"),
    ));
    ctx.note(if ctx.store.is_encrypted() {
        "Your entries in the archive stay encrypted: it opens only with your passphrase \
         (or your recovery copy). Remember it when you delete entries later."
    } else {
        "The archive holds your journal in plain text: keep it somewhere private, \
         and remember it when you delete entries later."
    });
    Ok(())
}

/// Checks the archive at `file` whole, writing nothing; the number of files
/// it holds.
fn check(file: &Path) -> Result<usize> {
    let input = archive::open(file)?;
    let manifest = archive::read(input, file, |_, _, _| Ok(()))?;
    Ok(manifest.files.len())
}

/// A backup inside the data folder would be a journal holding itself.
fn refuse_inside(file: &Path, data: &Path) -> Result<()> {
    let parent = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let parent = parent.canonicalize().with_context(|| {
        format!(
            "cannot write {}: its folder cannot be opened",
            file.display()
        )
    })?;
    let data = data
        .canonicalize()
        .with_context(|| format!("cannot open the data folder {}", data.display()))?;
    if parent.starts_with(&data) {
        return Err(Error::Usage(format!(
            "{} is inside the data folder {}; write the backup somewhere else",
            file.display(),
            data.display()
        ))
        .into());
    }
    Ok(())
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
