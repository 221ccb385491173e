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

use std::borrow::Cow;
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

/// The lock of [`Store::seal_lock`], released when dropped.
#[must_use = "the lock is released when this is dropped"]
pub struct SealLock(#[allow(dead_code)] fs::File);

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

    /// Held by a write while it decides whether to seal and writes (shared:
    /// writers do not wait for each other), and by `encrypt` and `decrypt`
    /// for their whole run (exclusive): a write that began before them is
    /// on disk before they start, and one that begins during them waits
    /// and then sees the journal as they left it. Taken after the journal
    /// lock, never before it. The data folder must exist.
    pub fn seal_lock(&self, exclusive: bool) -> Result<SealLock> {
        let path = self.root.join(".encryption-lock");
        let mut options = fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
        }
        let file = options
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        let locked = if exclusive {
            file.lock()
        } else {
            file.lock_shared()
        };
        locked.with_context(|| format!("cannot lock {}", path.display()))?;
        Ok(SealLock(file))
    }

    /// `bytes` as they are to be written, with the lock to hold until they
    /// are: sealed when the journal is encrypted now (its settings are read
    /// again under the lock, never taken from an earlier look).
    pub(super) fn sealed<'a>(&self, bytes: &'a [u8]) -> Result<(SealLock, Cow<'a, [u8]>)> {
        let (lock, now) = self.sealing()?;
        Ok((lock, seal_with(now.as_ref(), bytes)?))
    }

    /// Like [`Store::sealed`], for bytes that may be sealed already (a
    /// member of an archive): those are written as they are, and only
    /// where a key is kept to open them.
    pub fn sealed_for_writing<'a>(&self, bytes: &'a [u8]) -> Result<(SealLock, Cow<'a, [u8]>)> {
        let (lock, now) = self.sealing()?;
        if !crypt::is_sealed(bytes) {
            return Ok((lock, seal_with(now.as_ref(), bytes)?));
        }
        if now.is_none() {
            bail!("it is encrypted, and this journal is not (any more); nothing was written");
        }
        Ok((lock, Cow::Borrowed(bytes)))
    }

    /// The plan as it is to be written (kept readable when chosen).
    pub fn sealed_plan<'a>(&self, bytes: &'a [u8]) -> Result<(SealLock, Cow<'a, [u8]>)> {
        let (lock, now) = self.sealing()?;
        let now = now.filter(|e| !e.settings.plan_readable);
        Ok((lock, seal_with(now.as_ref(), bytes)?))
    }

    /// The shared seal lock, and the journal's encryption as it is now.
    fn sealing(&self) -> Result<(SealLock, Option<Encryption>)> {
        let lock = self.seal_lock(false)?;
        let now = read_settings(&self.encryption_path()).map_err(anyhow::Error::msg)?;
        Ok((lock, now))
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
        check_regular(path, super::sealed_limit(MAX_DRAFT_BYTES))
            .map_err(anyhow::Error::msg)
            .with_context(fail)?;
        let modified = fs::symlink_metadata(path).and_then(|m| m.modified()).ok();
        let bytes = read_limited_bytes(path, super::sealed_limit(MAX_DRAFT_BYTES), "file")?;
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
        // When it was last written stays as it was (a draft is offered by it).
        if let Some(t) = modified
            && let Ok(file) = fs::File::options().write(true).open(path)
        {
            let _ = file.set_modified(t);
        }
        Ok(true)
    }
}

/// `bytes` sealed to `to`'s key, or as they are without one.
fn seal_with<'a>(to: Option<&Encryption>, bytes: &'a [u8]) -> Result<Cow<'a, [u8]>> {
    Ok(match to {
        Some(e) => Cow::Owned(e.public.seal(bytes)?),
        None => Cow::Borrowed(bytes),
    })
}

/// Whether the file at `path` is sealed, from its first bytes.
pub fn is_sealed_file(path: &Path) -> io::Result<bool> {
    let mut head = [0u8; 64];
    let n = io::Read::read(&mut fs::File::open(path)?, &mut head)?;
    Ok(crypt::is_sealed(&head[..n]))
}

fn read_settings(path: &Path) -> std::result::Result<Option<Encryption>, String> {
    if matches!(fs::symlink_metadata(path), Err(e) if e.kind() == io::ErrorKind::NotFound) {
        return Ok(None);
    }
    let fix = "restore it from a backup (its recipient is the public half of the journal's key, which 'age-keygen -y' prints from the recovery copy)";
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

#[cfg(all(test, feature = "encryption"))]
mod tests {
    use super::*;

    fn entry() -> crate::entry::Entry {
        serde_json::from_value(serde_json::json!({
            "schema": crate::entry::SCHEMA_VERSION,
            "id": "5eed0000000000000000000000000001",
            "created": "2026-11-26T20:00:00+00:00",
            "pack": { "id": "mbt-core", "version": "1" },
            "shared": false,
            "safety_shared": false,
            "safety_lane": false,
            "answers": []
        }))
        .unwrap()
    }

    #[test]
    fn a_write_begun_during_encrypt_waits_for_it_and_then_is_sealed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("data");
        super::super::create_private_dir_all(&root).unwrap();
        let store = Store::new(&root);
        // Read before encrypt began: "not encrypted", and cached.
        assert!(!store.is_encrypted());
        let encrypting = store.seal_lock(true).unwrap();
        let writer = {
            let root = root.clone();
            std::thread::spawn(move || Store::new(&root).save_entry(&entry()).unwrap())
        };
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert!(!writer.is_finished(), "the write did not wait for the lock");
        let key = Key::generate().unwrap();
        write_settings(&root, &key.public(), true).unwrap();
        drop(encrypting);
        let path = writer.join().unwrap();
        let bytes = fs::read(&path).unwrap();
        assert!(
            crypt::is_sealed(&bytes),
            "written in plain text after encrypt"
        );
        assert!(key.open(&bytes).is_ok());
        // And this store, which looked before, seals too.
        let mut later = entry();
        later.id = "6eed0000000000000000000000000002".into();
        let path = store.save_entry(&later).unwrap();
        assert!(crypt::is_sealed(&fs::read(&path).unwrap()));
    }
}
