//! Size limits and a guarded read for files mentalog did not write itself
//! (entries, config, packs, templates): the metadata is checked before the
//! file is opened, so a FIFO or a device never blocks and a huge file is
//! refused before it costs memory.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};

/// The largest entry file read or written (4 MiB): far above any real entry.
pub const MAX_ENTRY_BYTES: u64 = 4 * 1024 * 1024;
/// The largest config file read (1 MiB).
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;
/// The largest prompt-pack file read (1 MiB).
pub const MAX_PACK_BYTES: u64 = 1024 * 1024;
/// The largest export template read (1 MiB).
pub const MAX_TEMPLATE_BYTES: u64 = 1024 * 1024;

/// Reads `path` as UTF-8 text if it is a regular file (symlinks followed) of
/// at most `max` bytes. `what` names the file in errors ("config file").
pub fn read_limited(path: &Path, max: u64, what: &str) -> Result<String> {
    let bytes = read_limited_bytes(path, max, what)?;
    String::from_utf8(bytes).map_err(|_| {
        anyhow::anyhow!(
            "cannot read the {what} {}: it is not UTF-8 text",
            path.display()
        )
    })
}

/// Like [`read_limited`], for bytes.
pub fn read_limited_bytes(path: &Path, max: u64, what: &str) -> Result<Vec<u8>> {
    check_regular(path, max)
        .map_err(|why| anyhow::anyhow!("cannot read the {what} {}: {why}", path.display()))?;
    let bytes =
        fs::read(path).with_context(|| format!("cannot read the {what} {}", path.display()))?;
    // The file may have grown between the check and the read.
    if bytes.len() as u64 > max {
        bail!(
            "cannot read the {what} {}: {}",
            path.display(),
            too_large(max)
        );
    }
    Ok(bytes)
}

/// Checks, without opening it, that `path` is a regular file (symlinks
/// followed) of at most `max` bytes; the error says what it is instead.
pub fn check_regular(path: &Path, max: u64) -> std::result::Result<u64, String> {
    let meta = fs::metadata(path).map_err(|e| match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() && e.kind() == std::io::ErrorKind::NotFound => {
            "it is a symbolic link that leads nowhere".to_string()
        }
        Ok(m) if m.file_type().is_symlink() => {
            format!("it is a symbolic link that cannot be followed ({e})")
        }
        _ => e.to_string(),
    })?;
    if !meta.is_file() {
        return Err(format!("it is {}, not a file", file_kind(&meta)));
    }
    if meta.len() > max {
        return Err(too_large(max));
    }
    Ok(meta.len())
}

pub(super) fn too_large(max: u64) -> String {
    format!("it is larger than the limit of {}", human(max))
}

fn human(bytes: u64) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / (1024 * 1024))
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

/// What a non-regular file is, for messages.
pub fn file_kind(meta: &fs::Metadata) -> &'static str {
    let ft = meta.file_type();
    if ft.is_symlink() {
        return "a symbolic link";
    }
    if ft.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_block_device() || ft.is_char_device() {
            return "a device";
        }
    }
    "not a regular file"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_sizes() {
        assert_eq!(human(MAX_ENTRY_BYTES), "4 MiB");
        assert_eq!(human(2048), "2 KiB");
        assert_eq!(human(10), "10 bytes");
    }

    #[test]
    fn refuses_folders_and_large_files() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_limited(dir.path(), 10, "config file").unwrap_err();
        assert!(
            format!("{err:#}").contains("is a folder, not a file"),
            "{err:#}"
        );
        let f = dir.path().join("big");
        fs::write(&f, "x".repeat(11)).unwrap();
        let err = read_limited(&f, 10, "pack").unwrap_err();
        assert!(format!("{err:#}").contains("limit of 10 bytes"), "{err:#}");
        fs::write(&f, "x".repeat(10)).unwrap();
        assert_eq!(read_limited(&f, 10, "pack").unwrap().len(), 10);
    }
}
