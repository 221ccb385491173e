//! An encrypted journal on disk. Two files in the data folder say it is one:
//!
//! ```text
//! <data>/key.age          the journal's key, locked with the passphrase (age's scrypt)
//! <data>/encryption.json  its public half, and whether the crisis plan stays readable
//! ```
//!
//! Once `encryption.json` is there, every entry, draft, reflection and
//! session record is written sealed to the public key, so writing never
//! needs the passphrase. File names stay as they were (they hold the time
//! an entry was written, not its words). A journal being converted holds
//! both kinds of file, and readers take either.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use super::{MAX_DRAFT_BYTES, Store, check_regular, read_limited_bytes, write_replace_checked};
use crate::crypt::{self, Key, PublicKey};

pub const SCHEMA_VERSION: u32 = 1;

/// What `encryption.json` holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub schema: u32,
    /// The public half of the journal's key (`age1...`).
    pub recipient: String,
    /// The crisis plan is kept readable without the passphrase.
    pub plan_readable: bool,
}

/// An encrypted journal's settings, checked.
#[derive(Clone)]
pub struct Encryption {
    pub settings: Settings,
    pub public: PublicKey,
}

/// Which way [`Store::convert`] turns a file.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Seal,
    Open,
}

impl Store {
    pub fn key_path(&self) -> PathBuf {
        self.root.join("key.age")
    }

    pub fn encryption_path(&self) -> PathBuf {
        self.root.join("encryption.json")
    }

    /// The journal's encryption, or `None` when it is not encrypted. Read
    /// once per store. A settings file that cannot be read is an error:
    /// nothing may then be written in plain text by mistake.
    pub fn encryption(&self) -> Result<Option<&Encryption>> {
        self.encryption
            .get_or_init(|| read_settings(&self.encryption_path()))
            .as_ref()
            .map(Option::as_ref)
            .map_err(|e| anyhow::anyhow!("{e}"))
    }

    /// Whether the crisis plan can be read without the passphrase.
    pub fn plan_readable(&self) -> bool {
        !matches!(self.encryption(), Ok(Some(e)) if !e.settings.plan_readable)
    }

    /// Whether this journal's files may need its key to be read.
    pub fn is_encrypted(&self) -> bool {
        !matches!(self.encryption(), Ok(None))
    }

    /// `bytes` as they are to be written: sealed in an encrypted journal.
    pub(super) fn sealed<'a>(&self, bytes: &'a [u8]) -> Result<std::borrow::Cow<'a, [u8]>> {
        Ok(match self.encryption()? {
            Some(e) => std::borrow::Cow::Owned(e.public.seal(bytes)?),
            None => std::borrow::Cow::Borrowed(bytes),
        })
    }

    /// `bytes` sealed when this journal is encrypted and they are not yet.
    pub fn sealed_for_writing<'a>(&self, bytes: &'a [u8]) -> Result<std::borrow::Cow<'a, [u8]>> {
        if crypt::is_sealed(bytes) {
            Ok(std::borrow::Cow::Borrowed(bytes))
        } else {
            self.sealed(bytes)
        }
    }

    /// The plan as it is to be written (kept readable when chosen).
    pub(super) fn sealed_plan<'a>(&self, bytes: &'a [u8]) -> Result<std::borrow::Cow<'a, [u8]>> {
        match self.encryption()? {
            Some(e) if !e.settings.plan_readable => self.sealed(bytes),
            _ => Ok(std::borrow::Cow::Borrowed(bytes)),
        }
    }

    /// Every file whose words an encryption covers: entries, reflections,
    /// drafts, sessions and the plan, in a fixed order. Links and other
    /// odd files are left out (`mentalog check` names them).
    pub fn private_files(&self) -> Result<Vec<PathBuf>> {
        let mut files = Vec::new();
        collect(&self.entries_dir(), &mut files, 0)?;
        collect(&self.drafts_dir(), &mut files, 2)?;
        collect(&self.session_records_dir(), &mut files, 2)?;
        for path in [self.sessions_path(), self.plan_path()] {
            if fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
                files.push(path);
            }
        }
        Ok(files)
    }

    /// Turns the file at `path` sealed (or open) in place, when it is not
    /// already. The new bytes are written to a temp file, read back and
    /// checked against the old ones before they take the old file's name,
    /// so at every moment the name holds one whole version of the words.
    /// Returns whether the file was changed.
    pub fn convert(&self, path: &Path, direction: Direction, key: &Key) -> Result<bool> {
        let fail = || format!("cannot convert {}; it was left as it is", path.display());
        check_regular(path, MAX_DRAFT_BYTES)
            .map_err(anyhow::Error::msg)
            .with_context(fail)?;
        let bytes = read_limited_bytes(path, MAX_DRAFT_BYTES, "file")?;
        let plain = match (crypt::is_sealed(&bytes), direction) {
            (true, Direction::Seal) | (false, Direction::Open) => return Ok(false),
            (true, Direction::Open) => key
                .open(&bytes)
                .map_err(anyhow::Error::msg)
                .with_context(fail)?,
            (false, Direction::Seal) => bytes,
        };
        let new = match direction {
            Direction::Seal => key.public().seal(&plain)?,
            Direction::Open => plain.clone(),
        };
        let tmp = self.prepare_write(path.parent().unwrap_or(&self.root))?;
        write_replace_checked(&tmp, path, &new, &|written: &[u8]| {
            let back = match direction {
                Direction::Seal => key.open(written).map_err(anyhow::Error::msg)?,
                Direction::Open => written.to_vec(),
            };
            if back != plain {
                bail!("what was written does not read back the same");
            }
            Ok(())
        })
        .with_context(fail)?;
        Ok(true)
    }
}

fn read_settings(path: &Path) -> std::result::Result<Option<Encryption>, String> {
    if matches!(fs::symlink_metadata(path), Err(e) if e.kind() == io::ErrorKind::NotFound) {
        return Ok(None);
    }
    let fix = "restore it from a backup, or run 'mentalog encrypt' again";
    let bytes = read_limited_bytes(path, 64 * 1024, "encryption settings")
        .map_err(|e| format!("{e:#}; {fix}"))?;
    let settings: Settings = serde_json::from_slice(&bytes)
        .map_err(|e| format!("cannot read {}: {e}; {fix}", path.display()))?;
    if settings.schema > SCHEMA_VERSION {
        return Err(format!(
            "{} was written by a newer mentalog; update mentalog to use this journal",
            path.display()
        ));
    }
    let public = PublicKey::parse(&settings.recipient)
        .map_err(|e| format!("cannot read {}: its recipient: {e}; {fix}", path.display()))?;
    Ok(Some(Encryption { settings, public }))
}

/// The `*.json` regular files under `dir`, `depth` folders down at most
/// (entries: year, month, reflections), sorted.
fn collect(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) -> Result<()> {
    let read = match fs::read_dir(dir) {
        Ok(r) => r,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(e).with_context(|| format!("cannot read the folder {}", dir.display()));
        }
    };
    let mut items: Vec<_> = read.flatten().collect();
    items.sort_by_key(fs::DirEntry::file_name);
    for item in items {
        let Ok(kind) = item.file_type() else { continue };
        let path = item.path();
        if kind.is_dir() && depth < 3 {
            collect(&path, out, depth + 1)?;
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}

/// Writes the settings of a journal being encrypted: from then on, what is
/// written is sealed to `public`.
pub fn write_settings(root: &Path, public: &PublicKey, plan_readable: bool) -> Result<()> {
    let settings = Settings {
        schema: SCHEMA_VERSION,
        recipient: public.to_text(),
        plan_readable,
    };
    let mut json = serde_json::to_string_pretty(&settings)?;
    json.push('\n');
    super::write_replace_via(
        &root.join("tmp"),
        &root.join("encryption.json"),
        json.as_bytes(),
    )
}
