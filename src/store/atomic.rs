//! Private, atomic writes: a temp file in the same folder, fsync, rename,
//! fsync the folder. A reader sees the old file or the new one, never half.

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};

#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};

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

/// Writes a new file; fails if `path` exists, leaving it untouched.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    write(path, bytes, false)
}

/// Writes `path`, replacing it atomically if it exists.
pub fn write_replace(path: &Path, bytes: &[u8]) -> Result<()> {
    write(path, bytes, true)
}

fn write(path: &Path, bytes: &[u8], replace: bool) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let fail = || format!("cannot write {}", path.display());
    // tempfile creates the file 0600 whatever the umask; the hidden name keeps
    // it out of listings until it is complete.
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(dir)
        .with_context(fail)?;
    #[cfg(unix)]
    tmp.as_file()
        .set_permissions(fs::Permissions::from_mode(0o600))
        .with_context(fail)?;
    tmp.write_all(bytes).with_context(fail)?;
    tmp.as_file().sync_all().with_context(fail)?;
    if replace {
        tmp.persist(path).map_err(|e| e.error).with_context(fail)?;
    } else if let Err(e) = tmp.persist_noclobber(path) {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            bail!("{} already exists and was left as it is", path.display());
        }
        return Err(e.error).with_context(fail);
    }
    sync_dir(dir).with_context(fail)
}

/// Makes the rename itself durable.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
