//! Later reflections, in a folder beside their entry:
//! `entries/YYYY/MM/<entry file name without .json>.reflections/<reflection>.json`.
//! The entry's own file is never touched.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::{Damaged, MAX_ENTRY_BYTES, Store, json_files, read_checked, write_new_via};
use crate::reflection::Reflection;

/// The folder of the reflections on the entry kept at `entry_path`.
pub fn reflections_dir(entry_path: &Path) -> PathBuf {
    entry_path.with_extension("reflections")
}

impl Store {
    /// Saves a reflection on the entry kept at `entry_path`; atomic and
    /// private, never over an existing file.
    pub fn save_reflection(&self, entry_path: &Path, reflection: &Reflection) -> Result<PathBuf> {
        let dir = reflections_dir(entry_path);
        let path = dir.join(reflection.file_name());
        let mut json = serde_json::to_string_pretty(reflection)?;
        json.push('\n');
        self.prepare_write(&dir)
            .and_then(|tmp| {
                let (_sealing, bytes) = self.sealed(json.as_bytes())?;
                write_new_via(&tmp, &path, &bytes)
            })
            .with_context(|| {
                format!(
                    "cannot save the reflection in the data folder {}",
                    self.root().display()
                )
            })?;
        Ok(path)
    }
}

/// The reflections on the entry kept at `entry_path`, oldest first, and the
/// files among them that could not be read (left as they are).
pub fn read_reflections(entry_path: &Path) -> (Vec<Reflection>, Vec<Damaged>) {
    // The entry's short id, which its file name ends with: a reflection on
    // another entry (copied here by hand, say) is never shown with this one.
    let entry_id = entry_path
        .file_stem()
        .and_then(|s| s.to_str())
        .and_then(|s| s.rsplit('-').next());
    let mut found = Vec::new();
    let mut damaged = Vec::new();
    let mut files = Vec::new();
    if json_files(&reflections_dir(entry_path), &mut files).is_err() {
        return (found, damaged);
    }
    let mut paths: Vec<PathBuf> = files.into_iter().map(|f| f.path).collect();
    paths.sort();
    for path in paths {
        let read = read_checked(&path, MAX_ENTRY_BYTES).and_then(|bytes| {
            let r: Reflection = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
            r.check()?;
            Ok(r)
        });
        // Never shown with another entry than its own.
        let read = read.and_then(|r| match entry_id {
            Some(id) if !r.entry.starts_with(id) => Err(format!(
                "it is a reflection on another entry ({}), not on this one",
                crate::entry::short_id(&r.entry)
            )),
            _ => Ok(r),
        });
        match read {
            Ok(r) => found.push(r),
            Err(reason) => damaged.push(Damaged { path, reason }),
        }
    }
    found.sort_by(|a, b| (a.created, &a.id).cmp(&(b.created, &b.id)));
    (found, damaged)
}
