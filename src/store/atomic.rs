//! Private, atomic writes: a temp file, fsync, rename, fsync the folders. A
//! reader sees the old file or the new one, never half.
//!
//! The store keeps its temp files in one private folder inside the data
//! folder (`<data>/tmp/`, on the same file system so the rename stays
//! atomic), never beside the entries. Each writer holds a lock on its temp
//! file while it lives, so a temp file that nobody holds was left by a
//! writer that died (a kill, a crash, a power cut) and [`remove_stale`]
//! removes it: no plain-text copy of an entry outlives its write.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result, bail};

#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};

/// A temp file older than this is stale even if its lock cannot be tested.
const STALE_AFTER: Duration = Duration::from_secs(60 * 60);

/// The prefix of temp files: in the temp folder, and (older versions, or a
/// target on another file system) beside the file being written.
const TMP_PREFIX: &str = ".tmp-";

/// Creates `dir` and any missing parents as private folders (0700 whatever
/// the umask). Folders that already exist are left as they are.
pub fn create_private_dir_all(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        create_private_dir_all(parent)?;
    }
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    builder.mode(0o700);
    match builder.create(dir) {
        Ok(()) => {}
        // Another mentalog made it meanwhile.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => return Ok(()),
        Err(e) => {
            return Err(e).with_context(|| format!("cannot create the folder {}", dir.display()));
        }
    }
    #[cfg(unix)]
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
        .with_context(|| format!("cannot make the folder {} private", dir.display()))?;
    Ok(())
}

/// Writes a new file through a temp file beside it; fails if `path`
/// exists, leaving it untouched.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    write(None, path, bytes, false, None)
}

/// Writes `path` through a temp file beside it, replacing it atomically if
/// it exists.
pub fn write_replace(path: &Path, bytes: &[u8]) -> Result<()> {
    write(None, path, bytes, true, None)
}

/// Like [`write_new`], with the temp file in `tmp_dir` (which must exist and
/// be on the same file system as `path`; another one falls back to beside).
pub fn write_new_via(tmp_dir: &Path, path: &Path, bytes: &[u8]) -> Result<()> {
    write(Some(tmp_dir), path, bytes, false, None)
}

/// Like [`write_replace`], with the temp file in `tmp_dir`.
pub fn write_replace_via(tmp_dir: &Path, path: &Path, bytes: &[u8]) -> Result<()> {
    write(Some(tmp_dir), path, bytes, true, None)
}

/// What [`write_replace_checked`] runs on the bytes read back.
type Check<'a> = &'a dyn Fn(&[u8]) -> Result<()>;

/// Like [`write_replace_via`], and `check` is given the temp file's bytes
/// as read back from disk before they take `path`'s name: the old file is
/// never replaced by anything that does not read back right.
pub fn write_replace_checked(
    tmp_dir: &Path,
    path: &Path,
    bytes: &[u8],
    check: &dyn Fn(&[u8]) -> Result<()>,
) -> Result<()> {
    write(Some(tmp_dir), path, bytes, true, Some(check))
}

/// Like [`write_replace`], with the bytes written by `fill` as they are
/// made (a summary of years of entries is never held whole): the old file
/// stays whole until `fill` has succeeded and the new one is on disk.
pub fn write_replace_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn std::io::Write) -> Result<()>,
) -> Result<()> {
    write_with(path, true, fill)
}

/// Like [`write_new`], with the bytes written by `fill` as they are made
/// (a backup of a whole journal); an existing file is left as it is.
pub fn write_new_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn std::io::Write) -> Result<()>,
) -> Result<()> {
    write_with(path, false, fill)
}

fn write_with(
    path: &Path,
    replace: bool,
    fill: impl FnOnce(&mut dyn std::io::Write) -> Result<()>,
) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let fail = || format!("cannot write {}", path.display());
    let mut tmp = locked_temp_file(dir).with_context(fail)?;
    // Ctrl-C while it is written leaves nothing behind, and so does SIGTERM
    // when no one could be asked anything (a script).
    let tmp_path = tmp.path().to_path_buf();
    let _ = crate::signal::install();
    crate::signal::remove_on_exit(&tmp_path);
    let written = (|| {
        let mut out = std::io::BufWriter::with_capacity(64 * 1024, &mut tmp);
        fill(&mut out).with_context(fail)?;
        out.flush().with_context(fail)?;
        drop(out);
        tmp.as_file().sync_all().with_context(fail)
    })();
    let persisted = written.and_then(|()| {
        let kept = if replace {
            tmp.persist(path)
        } else {
            tmp.persist_noclobber(path)
        };
        match kept {
            Ok(file) => Ok(file),
            Err(e) if !replace && e.error.kind() == std::io::ErrorKind::AlreadyExists => {
                bail!("{} already exists and was left as it is", path.display())
            }
            Err(e) => Err(e.error).with_context(fail),
        }
    });
    // Renamed, or removed when `tmp` went: nothing is left to remove.
    crate::signal::keep_on_exit(&tmp_path);
    // The handle (and its lock) goes now.
    drop(persisted?);
    sync_dir(dir).with_context(fail)
}

fn write(
    tmp_dir: Option<&Path>,
    path: &Path,
    bytes: &[u8],
    replace: bool,
    check: Option<Check>,
) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let fail = || format!("cannot write {}", path.display());
    let mut tmp = locked_temp_file(tmp_dir.unwrap_or(dir)).with_context(fail)?;
    tmp.write_all(bytes).with_context(fail)?;
    tmp.as_file().sync_all().with_context(fail)?;
    if let Some(check) = check {
        let back = fs::read(tmp.path()).with_context(fail)?;
        check(&back).with_context(fail)?;
    }
    let persisted = if replace {
        tmp.persist(path)
    } else {
        tmp.persist_noclobber(path)
    };
    match persisted {
        // The handle (and its lock) goes now.
        Ok(file) => drop(file),
        Err(e) if e.error.kind() == std::io::ErrorKind::CrossesDevices && tmp_dir.is_some() => {
            drop(e);
            return write(None, path, bytes, replace, check);
        }
        Err(e) if !replace && e.error.kind() == std::io::ErrorKind::AlreadyExists => {
            bail!("{} already exists and was left as it is", path.display());
        }
        Err(e) => return Err(e.error).with_context(fail),
    }
    sync_dir(dir).with_context(fail)?;
    if let Some(t) = tmp_dir.filter(|t| *t != dir) {
        sync_dir(t).with_context(fail)?;
    }
    Ok(())
}

/// A new private (0600) temp file in `dir`, locked for as long as it lives.
fn locked_temp_file(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        // tempfile creates the file 0600 whatever the umask; the hidden name
        // keeps it out of listings until it is complete.
        let tmp = tempfile::Builder::new()
            .prefix(TMP_PREFIX)
            .tempfile_in(dir)?;
        #[cfg(unix)]
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(0o600))?;
        match tmp.as_file().lock() {
            Ok(()) => {}
            // No locks on this file system: stale files go by age alone.
            Err(e) if e.kind() == std::io::ErrorKind::Unsupported => return Ok(tmp),
            Err(e) => return Err(e),
        }
        // Between its creation and the lock, a cleaner may have taken the
        // file for a dead writer's and removed it: start again.
        if attempt < 5 && removed(tmp.as_file())? {
            continue;
        }
        return Ok(tmp);
    }
}

fn removed(file: &fs::File) -> std::io::Result<bool> {
    #[cfg(unix)]
    return Ok(file.metadata()?.nlink() == 0);
    #[cfg(not(unix))]
    return Ok(false);
}

/// Removes the temp files in `dir` left by writers that are gone: those no
/// one holds a lock on, and any older than an hour. Temp files of writers
/// still at work are left alone. Returns how many were removed; a file that
/// cannot be removed is left for next time.
pub fn remove_stale(dir: &Path) -> usize {
    let Ok(read) = fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for item in read.flatten() {
        let name = item.file_name();
        if !name.to_string_lossy().starts_with(TMP_PREFIX) {
            continue;
        }
        let path = item.path();
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            continue;
        }
        // A lock taken here is held until the file is gone, so a writer
        // that locks it meanwhile sees it removed and starts again.
        let held_here = if !meta.is_file() || is_old(&meta) {
            None
        } else {
            match take_lock(&path) {
                Some(file) => Some(file),
                None => continue,
            }
        };
        if fs::remove_file(&path).is_ok() {
            removed += 1;
        }
        drop(held_here);
    }
    if removed > 0 {
        let _ = sync_dir(dir);
    }
    removed
}

fn is_old(meta: &fs::Metadata) -> bool {
    meta.modified()
        .ok()
        .and_then(|m| SystemTime::now().duration_since(m).ok())
        .is_some_and(|age| age > STALE_AFTER)
}

/// The lock on the regular file `path`, if no one else holds it.
fn take_lock(path: &Path) -> Option<fs::File> {
    let file = fs::File::open(path).ok()?;
    file.try_lock().is_ok().then_some(file)
}

/// Whether the regular file `path` is held under a lock by someone (an
/// editor still open on it, say).
pub fn is_held(path: &Path) -> bool {
    fs::File::open(path).is_ok_and(|f| matches!(f.try_lock(), Err(fs::TryLockError::WouldBlock)))
}

/// Makes a rename or a removal itself durable.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
