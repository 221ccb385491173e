//! Installed prompt packs, in `<data>/packs/<id>.toml`, and finding the pack
//! a command should use: a built-in pack, an installed one or a file.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use super::{Damaged, MAX_PACK_BYTES, Store, read_limited, write_replace_via};
use crate::config::Config;
use crate::error::Error;
use crate::pack::{self, Pack, check};

/// A pack installed under `<data>/packs`, with the text it was installed from.
#[derive(Debug)]
pub struct Installed {
    pub path: PathBuf,
    pub source: String,
    pub pack: Pack,
}

impl Store {
    /// The folder of installed packs (0700; each pack 0600).
    pub fn packs_dir(&self) -> PathBuf {
        self.root().join("packs")
    }

    /// Where the installed pack `id` lives; `id` must pass [`is_id`].
    pub fn pack_path(&self, id: &str) -> PathBuf {
        self.packs_dir().join(format!("{id}.toml"))
    }

    /// The installed pack `id`, if there is one: `Ok(None)` when there is
    /// none, an error naming the file when it cannot be read or used.
    pub fn installed_pack(&self, id: &str) -> Result<Option<Installed>> {
        if !is_id(id) {
            return Ok(None);
        }
        let path = self.pack_path(id);
        match fs::symlink_metadata(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            _ => {}
        }
        let source = read_limited(&path, MAX_PACK_BYTES, "pack")?;
        let pack = parse_at(&path, &source)?;
        Ok(Some(Installed { path, source, pack }))
    }

    /// Every installed pack, sorted by id, and the files in the folder that
    /// could not be read as one (left as they are).
    pub fn installed_packs(&self) -> Result<(Vec<Installed>, Vec<Damaged>)> {
        let dir = self.packs_dir();
        let read = match fs::read_dir(&dir) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Vec::new(), Vec::new())),
            other => other.with_context(|| format!("cannot read the folder {}", dir.display()))?,
        };
        let mut packs = Vec::new();
        let mut damaged = Vec::new();
        for item in read.flatten() {
            let path = item.path();
            let Some(id) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".toml"))
                .map(str::to_string)
            else {
                continue;
            };
            if !is_id(&id) {
                continue;
            }
            match self.installed_pack(&id) {
                Ok(Some(installed)) if installed.pack.id == id => packs.push(installed),
                Ok(Some(installed)) => damaged.push(Damaged {
                    path,
                    reason: format!("it holds the pack `{}`, not `{id}`", installed.pack.id),
                }),
                Ok(None) => {}
                Err(e) => damaged.push(Damaged {
                    path,
                    reason: format!("{e:#}"),
                }),
            }
        }
        packs.sort_by(|a, b| a.pack.id.cmp(&b.pack.id));
        Ok((packs, damaged))
    }

    /// Installs (or replaces) the pack `id` from its checked source:
    /// written atomically, 0600 in a 0700 folder.
    pub fn install_pack(&self, id: &str, source: &str) -> Result<PathBuf> {
        anyhow::ensure!(is_id(id), "`{id}` cannot name a pack file");
        let path = self.pack_path(id);
        let tmp = self.prepare_write(&self.packs_dir())?;
        write_replace_via(&tmp, &path, source.as_bytes())
            .with_context(|| format!("cannot write the pack {}", path.display()))?;
        Ok(path)
    }

    /// Removes the installed pack `id`; whether there was one.
    pub fn remove_pack(&self, id: &str) -> Result<bool> {
        if !is_id(id) {
            return Ok(false);
        }
        let path = self.pack_path(id);
        match fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e).with_context(|| format!("cannot remove the pack {}", path.display())),
        }
    }
}

/// The pack to use: `choice` (a built-in or installed id, or the path of a
/// pack file), else the one chosen with `pack use` in the config, else the
/// default built-in pack. The pack is returned as written; resolve it with
/// [`Pack::resolve`] before walking it.
pub fn load_pack(store: &Store, config: &Config, choice: Option<&str>) -> Result<Pack> {
    let id = choice
        .or(config.pack.as_deref())
        .unwrap_or(pack::BUILTIN_ID);
    if let Some((_, source)) = pack::BUILTIN.iter().find(|(b, _)| *b == id) {
        return Ok(Pack::parse(source)?);
    }
    let installed = store.packs_dir().join(format!("{id}.toml"));
    if is_id(id) && installed.is_file() {
        return read_pack_file(&installed);
    }
    let path = Path::new(id);
    // Anything at that path is read as a pack file, if it is a regular file
    // under the limit: a FIFO or a huge file is refused, never read.
    if choice.is_some() && path.symlink_metadata().is_ok() {
        let pack = read_pack_file(path)?;
        // Entries name their pack by id: a file must not pass for a built-in pack.
        if pack::BUILTIN.iter().any(|(b, _)| *b == pack.id) {
            anyhow::bail!(
                "the pack {} has the id `{}` of a built-in pack; give it an id of its own",
                path.display(),
                pack.id
            );
        }
        return Ok(pack);
    }
    let builtin: Vec<_> = pack::BUILTIN.iter().map(|(b, _)| *b).collect();
    let place = if choice.is_some() {
        format!("--pack {id}")
    } else {
        format!("the pack `{id}` chosen in the config")
    };
    Err(Error::Usage(format!(
        "{place}: no such pack; the built-in packs are {}, 'mentalog pack list' shows the installed ones, or give the path of a pack file",
        builtin.join(", ")
    ))
    .into())
}

/// Reads and checks one pack file.
pub fn read_pack_file(path: &Path) -> Result<Pack> {
    let source = read_limited(path, MAX_PACK_BYTES, "pack")?;
    parse_at(path, &source)
}

/// Checks `source`, read from `path`; the error names the first problems
/// as `path:line:column`.
fn parse_at(path: &Path, source: &str) -> Result<Pack> {
    let checked = check::check(source);
    checked.pack.ok_or_else(|| {
        let shown = path.display().to_string();
        anyhow::anyhow!(
            "the pack cannot be used: {}",
            check::first_errors(source, &checked.problems, Some(&shown))
        )
    })
}

/// Whether `id` can name an installed pack: letters, digits, `-` and `_`.
pub fn is_id(id: &str) -> bool {
    check::is_pack_id(id)
}
