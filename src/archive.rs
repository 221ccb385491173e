//! The backup archive: a gzip'd tar holding `mentalog-backup/manifest.json`
//! first, then the data folder's files under `mentalog-backup/data/` and, when
//! asked, the config as `mentalog-backup/config.toml`. Writing is
//! deterministic (sorted members, no times, owners or modes of the disk), so
//! the same journal gives the same bytes. Reading treats an archive as
//! untrusted: every member is checked against the manifest, its path, type
//! and size, counting the bytes as they come rather than trusting a header.
//! Never prints or prompts.

use std::cell::Cell;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use anyhow::{Context as _, Result, bail};
use sha2::{Digest, Sha256};

use crate::store::{MAX_CONFIG_BYTES, MAX_DRAFT_BYTES, MAX_ENTRY_BYTES, MAX_PACK_BYTES};

/// What the manifest says it is; another value is refused, never guessed at.
pub const SCHEMA: &str = "mentalog.backup/1";
/// The one folder every member lives in.
pub const ROOT: &str = "mentalog-backup";
const MANIFEST: &str = "mentalog-backup/manifest.json";
/// The largest manifest read (256 MiB: a million files listed).
pub const MAX_MANIFEST_BYTES: u64 = 256 * 1024 * 1024;
/// The most an archive may unpack to, headers included (2 GiB).
pub const MAX_TOTAL_BYTES: u64 = 2 * 1024 * 1024 * 1024;
/// The most members an archive may hold.
pub const MAX_MEMBERS: usize = 1_000_000;
/// The longest member name read (a path in a backup is under 200 bytes).
const MAX_NAME_BYTES: u64 = 4096;

/// The manifest: every file member, sorted by path, with its size and checksum.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub schema: String,
    /// The mentalog version that wrote the archive.
    pub mentalog: String,
    pub files: Vec<Listed>,
}

/// One file as the manifest lists it; `path` is relative to [`ROOT`].
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Listed {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

/// What a member is, by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Entry,
    Reflection,
    Draft,
    Pack,
    /// Anything else in the data folder: plan, sessions, state, editor files.
    Other,
    Config,
}

impl Kind {
    /// What is read for it at most, as the store reads it.
    pub fn limit(self) -> u64 {
        match self {
            Kind::Config => MAX_CONFIG_BYTES,
            Kind::Pack => MAX_PACK_BYTES,
            // A draft kept because its entry was too large to save is larger.
            // Sealed files (an encrypted journal) take age's overhead more.
            Kind::Draft => crate::store::sealed_limit(MAX_DRAFT_BYTES),
            _ => crate::store::sealed_limit(MAX_ENTRY_BYTES),
        }
    }
}

/// The kind of the file at `rel` (relative to [`ROOT`]: `data/...` or
/// `config.toml`), or `None` when a backup never holds such a file (temp
/// files, the lock, anything outside `data/`).
pub fn kind(rel: &str) -> Option<Kind> {
    if rel == "config.toml" {
        return Some(Kind::Config);
    }
    let rest = rel.strip_prefix("data/")?;
    let parts: Vec<&str> = rest.split('/').collect();
    if parts[0] == "tmp"
        || rest == ".lock"
        || rest == ".encryption-lock"
        || parts.iter().any(|p| p.starts_with(".tmp-"))
    {
        return None;
    }
    Some(match parts[0] {
        "entries" if parts.len() > 1 => {
            if parts[..parts.len() - 1]
                .iter()
                .any(|p| p.ends_with(".reflections"))
            {
                Kind::Reflection
            } else if rest.ends_with(".json") {
                Kind::Entry
            } else {
                Kind::Other
            }
        }
        "drafts" if parts.len() > 1 => Kind::Draft,
        "packs" if parts.len() > 1 => Kind::Pack,
        _ => Kind::Other,
    })
}

/// Why `path` (relative, `/`-separated) is not a safe path, if it is not.
fn unsafe_path(path: &str) -> Option<&'static str> {
    if path.starts_with('/') {
        return Some("it is an absolute path");
    }
    for part in path.split('/') {
        match part {
            "" => return Some("it has an empty part in its path"),
            "." | ".." => return Some("its path leaves its folder (it has '.' or '..' in it)"),
            _ if part.contains('\\') => return Some("its path has a backslash in it"),
            _ if part.chars().any(char::is_control) => {
                return Some("its path has a control character in it");
            }
            _ => {}
        }
    }
    None
}

fn sha256_hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

// ---------------------------------------------------------------- writing

/// A file to put in the archive: where it is, and what it was when listed.
#[derive(Debug, Clone)]
pub struct Source {
    /// Relative to [`ROOT`]: `data/...` or `config.toml`.
    pub rel: String,
    pub path: PathBuf,
    pub kind: Kind,
    pub size: u64,
    pub sha256: String,
}

/// Every file a backup of the data folder `data` holds (and the config at
/// `config`, when given), sorted by path, read once to be checksummed.
/// Temp files, the temp folder and the lock are left out; anything else
/// that is not a regular file or a folder (a link, a FIFO) is refused,
/// naming it, and no link is followed.
pub fn collect(data: &Path, config: Option<&Path>) -> Result<Vec<Source>> {
    let mut found = Vec::new();
    walk(data, "data", &mut found)?;
    let mut sources = Vec::with_capacity(found.len() + 1);
    for (rel, path, kind) in found {
        let bytes = read_file(&path, kind.limit())?;
        sources.push(Source {
            rel,
            path,
            kind,
            size: bytes.len() as u64,
            sha256: sha256_hex(&bytes),
        });
    }
    if let Some(config) = config {
        let bytes = crate::store::read_limited_bytes(config, MAX_CONFIG_BYTES, "config file")?;
        sources.push(Source {
            rel: "config.toml".into(),
            path: config.to_path_buf(),
            kind: Kind::Config,
            size: bytes.len() as u64,
            sha256: sha256_hex(&bytes),
        });
    }
    sources.sort_by(|a, b| a.rel.cmp(&b.rel));
    if sources.len() > MAX_MEMBERS {
        bail!(
            "the data folder {} holds {} files, more than a backup can hold ({MAX_MEMBERS})",
            data.display(),
            sources.len()
        );
    }
    Ok(sources)
}

fn walk(dir: &Path, rel: &str, found: &mut Vec<(String, PathBuf, Kind)>) -> Result<()> {
    let read =
        fs::read_dir(dir).with_context(|| format!("cannot read the folder {}", dir.display()))?;
    for item in read {
        let item = item.with_context(|| format!("cannot read the folder {}", dir.display()))?;
        let path = item.path();
        let Some(name) = item.file_name().to_str().map(str::to_owned) else {
            bail!(
                "cannot back up {}: its name is not UTF-8 text; rename or remove it",
                path.display()
            );
        };
        let child = format!("{rel}/{name}");
        // Left out: temp files, the temp folder, the lock.
        let Some(kind) = kind(&child) else {
            continue;
        };
        if unsafe_path(&child).is_some() {
            bail!(
                "cannot back up {}: its name cannot go in an archive",
                path.display()
            );
        }
        let file_type = item
            .file_type()
            .with_context(|| format!("cannot read {}", path.display()))?;
        if file_type.is_dir() {
            walk(&path, &child, found)?;
        } else if file_type.is_file() {
            found.push((child, path, kind));
        } else {
            let what = if file_type.is_symlink() {
                "a symbolic link"
            } else {
                "not a regular file"
            };
            bail!(
                "cannot back up {}: it is {what}, which a backup does not follow; move it out of the data folder",
                path.display()
            );
        }
    }
    Ok(())
}

/// The bytes of the regular file `path` (never through a link, never
/// blocking on a FIFO), at most `max` of them.
fn read_file(path: &Path, max: u64) -> Result<Vec<u8>> {
    let fail = || format!("cannot back up {}", path.display());
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path).with_context(fail)?;
    let meta = file.metadata().with_context(fail)?;
    if !meta.is_file() {
        bail!(
            "cannot back up {}: it is not a regular file",
            path.display()
        );
    }
    if meta.len() > max {
        bail!(
            "cannot back up {}: it is larger than the limit of {max} bytes",
            path.display()
        );
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .with_context(fail)?;
    if bytes.len() as u64 > max {
        bail!(
            "cannot back up {}: it is larger than the limit of {max} bytes",
            path.display()
        );
    }
    Ok(bytes)
}

/// Writes the archive of `sources` to `out`: the manifest, then each file,
/// read again and checked to be what [`collect`] listed.
pub fn write(out: &mut dyn Write, sources: &[Source], version: &str) -> Result<()> {
    let manifest = Manifest {
        schema: SCHEMA.into(),
        mentalog: version.into(),
        files: sources
            .iter()
            .map(|s| Listed {
                path: s.rel.clone(),
                size: s.size,
                sha256: s.sha256.clone(),
            })
            .collect(),
    };
    let mut json = serde_json::to_vec_pretty(&manifest)?;
    json.push(b'\n');
    let gz = flate2::GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(out, flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    append(&mut tar, MANIFEST, &json)?;
    for source in sources {
        let bytes = if source.kind == Kind::Config {
            crate::store::read_limited_bytes(&source.path, MAX_CONFIG_BYTES, "config file")?
        } else {
            read_file(&source.path, source.kind.limit())?
        };
        if sha256_hex(&bytes) != source.sha256 {
            bail!(
                "{} changed while the backup was being written; run 'mentalog backup' again",
                source.path.display()
            );
        }
        append(&mut tar, &format!("{ROOT}/{}", source.rel), &bytes)?;
    }
    tar.into_inner()?.finish()?;
    Ok(())
}

fn append<W: Write>(tar: &mut tar::Builder<W>, path: &str, bytes: &[u8]) -> Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(tar::EntryType::Regular);
    header.set_size(bytes.len() as u64);
    header.set_mode(0o600);
    header.set_uid(0);
    header.set_gid(0);
    header.set_mtime(0);
    tar.append_data(&mut header, path, bytes)
        .with_context(|| format!("cannot add {path} to the archive"))
}

// ---------------------------------------------------------------- reading

/// The archive at `file`, opened for reading if it is a regular file.
pub fn open(file: &Path) -> Result<fs::File> {
    crate::store::check_regular(file, u64::MAX)
        .map_err(|why| anyhow::anyhow!("cannot read the archive {}: {why}", file.display()))?;
    fs::File::open(file).with_context(|| format!("cannot read the archive {}", file.display()))
}

/// Counts the bytes unpacked and fails past the limit: a gzip bomb stops
/// here, whatever the headers say.
struct Counted<R> {
    inner: R,
    count: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        if self.count.get() > MAX_TOTAL_BYTES {
            return Err(io::Error::other(too_big()));
        }
        Ok(n)
    }
}

fn too_big() -> String {
    "it unpacks to more than 2 GiB, the limit of a backup".into()
}

/// Reads the archive in `input` (named `shown` in errors) and checks all of
/// it, calling `visit` with each file member once its size and checksum are
/// known good; returns the manifest. The first problem found ends the read,
/// with an error naming the member and what is wrong with it. A visitor
/// that writes sees members before the archive's end has been checked: check
/// the whole archive first (a visitor that does nothing) before writing.
pub fn read(
    input: impl Read,
    shown: &Path,
    mut visit: impl FnMut(&Listed, Kind, &[u8]) -> Result<()>,
) -> Result<Manifest> {
    let count = Rc::new(Cell::new(0));
    let counted = Counted {
        inner: flate2::read::GzDecoder::new(io::BufReader::new(input)),
        count: Rc::clone(&count),
    };
    let whole = |e: &dyn std::fmt::Display| -> anyhow::Error {
        if count.get() > MAX_TOTAL_BYTES {
            anyhow::anyhow!("archive {}: {}", shown.display(), too_big())
        } else {
            anyhow::anyhow!(
                "archive {}: it cannot be read as a gzip'd tar archive ({e})",
                shown.display()
            )
        }
    };
    let member_err = |name: &str, why: &dyn std::fmt::Display| -> anyhow::Error {
        anyhow::anyhow!("archive {}: member {name}: {why}", shown.display())
    };
    let mut archive = tar::Archive::new(counted);
    let mut manifest: Option<Manifest> = None;
    let mut seen: Vec<bool> = Vec::new();
    let mut members = 0usize;
    // Raw: the long names of GNU tar ('L' members, which tar itself would
    // read whole, whatever their size) are read here, with a cap.
    let mut long_name: Option<Vec<u8>> = None;
    for item in archive.entries().map_err(|e| whole(&e))?.raw(true) {
        let mut item = item.map_err(|e| whole(&e))?;
        members += 1;
        if members > 2 * MAX_MEMBERS + 1 {
            bail!(
                "archive {}: it holds more than {MAX_MEMBERS} members, the limit of a backup",
                shown.display()
            );
        }
        match item.header().entry_type() {
            tar::EntryType::GNULongName => {
                let size = item.header().size().unwrap_or(u64::MAX);
                if size > MAX_NAME_BYTES {
                    bail!(
                        "archive {}: a member's name is longer than {MAX_NAME_BYTES} bytes, which no backup holds",
                        shown.display()
                    );
                }
                let mut name = Vec::with_capacity(size as usize);
                io::Read::read_to_end(&mut (&mut item).take(MAX_NAME_BYTES), &mut name)
                    .map_err(|e| whole(&e))?;
                // The name ends with NUL bytes.
                while name.last() == Some(&0) {
                    name.pop();
                }
                long_name = Some(name);
                continue;
            }
            tar::EntryType::XHeader
            | tar::EntryType::XGlobalHeader
            | tar::EntryType::GNULongLink => {
                bail!(
                    "archive {}: it holds extended headers, which no backup holds",
                    shown.display()
                );
            }
            _ => {}
        }
        let raw = match long_name.take() {
            Some(name) => name,
            None => item.path_bytes().into_owned(),
        };
        let name = String::from_utf8_lossy(&raw).into_owned();
        let Ok(path) = std::str::from_utf8(&raw) else {
            return Err(member_err(&name, &"its name is not UTF-8 text"));
        };
        let entry_type = item.header().entry_type();
        let is_dir = entry_type == tar::EntryType::Directory;
        let trimmed = if is_dir {
            path.strip_suffix('/').unwrap_or(path)
        } else {
            path
        };
        if let Some(why) = unsafe_path(trimmed) {
            return Err(member_err(&name, &why));
        }
        if trimmed != ROOT && !trimmed.starts_with(&format!("{ROOT}/")) {
            return Err(member_err(
                &name,
                &format!("it is not inside the archive's folder {ROOT}/"),
            ));
        }
        if !is_dir && entry_type != tar::EntryType::Regular {
            return Err(member_err(
                &name,
                &format!("it is {}, not a file", type_name(entry_type)),
            ));
        }
        let Some(manifest_ref) = manifest.as_ref() else {
            if trimmed != MANIFEST || is_dir {
                return Err(member_err(
                    &name,
                    &format!("the manifest ({MANIFEST}) must come first, and this comes before it"),
                ));
            }
            let bytes = read_member(&mut item, MAX_MANIFEST_BYTES)
                .map_err(|why| member_err(&name, &why))?;
            let m = parse_manifest(&bytes).map_err(|why| member_err(&name, &why))?;
            seen = vec![false; m.files.len()];
            manifest = Some(m);
            continue;
        };
        if is_dir {
            continue;
        }
        let rel = &trimmed[ROOT.len() + 1..];
        if rel == "manifest.json" {
            return Err(member_err(&name, &"the manifest is in the archive twice"));
        }
        let Some(kind) = kind(rel) else {
            return Err(member_err(&name, &"a backup never holds such a file"));
        };
        let Ok(at) = manifest_ref
            .files
            .binary_search_by(|l| l.path.as_str().cmp(rel))
        else {
            return Err(member_err(&name, &"it is not listed in the manifest"));
        };
        if std::mem::replace(&mut seen[at], true) {
            return Err(member_err(&name, &"it is in the archive twice"));
        }
        let listed = &manifest_ref.files[at];
        let bytes = read_member(&mut item, kind.limit()).map_err(|why| member_err(&name, &why))?;
        if bytes.len() as u64 != listed.size {
            return Err(member_err(
                &name,
                &format!(
                    "it is {} bytes, and the manifest says {}",
                    bytes.len(),
                    listed.size
                ),
            ));
        }
        if sha256_hex(&bytes) != listed.sha256 {
            return Err(member_err(
                &name,
                &"its checksum is not the one in the manifest (it was changed or damaged)",
            ));
        }
        visit(listed, kind, &bytes)?;
    }
    let Some(manifest) = manifest else {
        bail!(
            "archive {}: it holds no manifest ({MANIFEST}); it is not a mentalog backup",
            shown.display()
        );
    };
    if let Some(at) = seen.iter().position(|s| !s) {
        bail!(
            "archive {}: member {ROOT}/{}: it is listed in the manifest but missing from the archive",
            shown.display(),
            manifest.files[at].path
        );
    }
    Ok(manifest)
}

/// A member's bytes, at most `max`: the header's size is checked first and
/// the bytes counted as they come.
fn read_member(item: &mut impl Read, max: u64) -> std::result::Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    item.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("it cannot be read ({e})"))?;
    if bytes.len() as u64 > max {
        return Err(format!("it is larger than the limit of {max} bytes"));
    }
    Ok(bytes)
}

fn type_name(t: tar::EntryType) -> String {
    match t {
        tar::EntryType::Symlink => "a symbolic link".into(),
        tar::EntryType::Link => "a hard link".into(),
        tar::EntryType::Char | tar::EntryType::Block => "a device".into(),
        tar::EntryType::Fifo => "a FIFO".into(),
        other => format!("a member of type {:?}", other.as_byte() as char),
    }
}

fn parse_manifest(bytes: &[u8]) -> std::result::Result<Manifest, String> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("the manifest is not JSON ({e})"))?;
    match value.get("schema").and_then(serde_json::Value::as_str) {
        Some(SCHEMA) => {}
        Some(other) => {
            return Err(format!(
                "the manifest is of schema {other:?}, which this mentalog does not know ({SCHEMA}); use a newer mentalog"
            ));
        }
        None => return Err("the manifest names no schema; it is not a mentalog backup".into()),
    }
    let manifest: Manifest =
        serde_json::from_value(value).map_err(|e| format!("the manifest cannot be read ({e})"))?;
    if manifest.files.len() > MAX_MEMBERS {
        return Err(format!("the manifest lists more than {MAX_MEMBERS} files"));
    }
    let mut total: u64 = 0;
    for (i, listed) in manifest.files.iter().enumerate() {
        let path = &listed.path;
        let bad = |why: &str| format!("the manifest's file {path:?}: {why}");
        if let Some(why) = unsafe_path(path) {
            return Err(bad(why));
        }
        let Some(kind) = kind(path) else {
            return Err(bad("a backup never holds such a file"));
        };
        if listed.size > kind.limit() {
            return Err(bad(&format!(
                "its size is larger than the limit of {} bytes",
                kind.limit()
            )));
        }
        if listed.sha256.len() != 64
            || !listed
                .sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(bad("its sha256 is not 64 lowercase hex digits"));
        }
        if i > 0 && manifest.files[i - 1].path >= *path {
            return Err(bad("the files are not listed once each, sorted by path"));
        }
        total = total.saturating_add(listed.size);
    }
    if total > MAX_TOTAL_BYTES {
        return Err(format!("the manifest's files add up to {}", too_big()));
    }
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(kind("data/.encryption-lock"), None);
        assert_eq!(kind("data/key.age"), Some(Kind::Other));
        assert_eq!(kind("data/entries/2026/11/a.json"), Some(Kind::Entry));
        assert_eq!(
            kind("data/entries/2026/11/a.reflections/b.json"),
            Some(Kind::Reflection)
        );
        assert_eq!(kind("data/drafts/x.json"), Some(Kind::Draft));
        assert_eq!(kind("data/packs/p.toml"), Some(Kind::Pack));
        assert_eq!(kind("data/plan.md"), Some(Kind::Other));
        assert_eq!(kind("config.toml"), Some(Kind::Config));
        assert_eq!(kind("data/tmp/x"), None);
        assert_eq!(kind("data/.lock"), None);
        assert_eq!(kind("data/entries/.tmp-abc"), None);
        assert_eq!(kind("other/x"), None);
    }

    #[test]
    fn unsafe_paths() {
        assert!(unsafe_path("a/../b").is_some());
        assert!(unsafe_path("/a").is_some());
        assert!(unsafe_path("a//b").is_some());
        assert!(unsafe_path("a/./b").is_some());
        assert!(unsafe_path("a/b\\c").is_some());
        assert!(unsafe_path("mentalog-backup/data/plan.md").is_none());
    }
}
