//! Installed prompt packs, in `<data>/packs/<id>.toml`, and finding the pack
//! a command should use: a built-in pack, an installed one or a file.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use super::Store;
use crate::config::Config;
use crate::error::Error;
use crate::pack::{self, Pack};

impl Store {
    /// The folder of installed packs (0700; each pack 0600).
    pub fn packs_dir(&self) -> PathBuf {
        self.root().join("packs")
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
    let source = super::read_limited(path, super::MAX_PACK_BYTES, "pack")?;
    Pack::parse(&source).with_context(|| format!("the pack {} cannot be used", path.display()))
}

/// Whether `id` can name an installed pack: letters, digits, `-` and `_`.
pub fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}
