//! Removing for good: one entry and everything of it (`delete`), or the
//! whole data folder (`forget`). A link is removed as a link, never
//! followed; nothing outside the data folder is touched. Never prints or
//! prompts.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::{MAX_DRAFT_BYTES, Store, Stored, json_files};
use crate::draft::Draft;

/// Everything on disk that belongs to one entry, found by
/// [`Store::entry_belongings`].
#[derive(Debug)]
pub struct Belongings {
    pub id: String,
    pub entry: PathBuf,
    /// `<entry file without .json>.reflections/`, and how many `*.json`
    /// files it holds.
    pub reflections: Option<(PathBuf, usize)>,
    /// The entry's own draft (`drafts/<id>.json`: a walk resumed into the
    /// entry, or left behind by it).
    pub draft: Option<PathBuf>,
    /// Temp files (`.tmp-*` in the entry's month folder, the temp folder
    /// and the drafts folder) and editor files whose name or bytes hold
    /// the entry's id.
    pub leftovers: Vec<PathBuf>,
    /// Other drafts that look back at the entry (`follows`): kept, with
    /// that look-back cleared.
    pub following_drafts: Vec<PathBuf>,
    /// Other entries that look back at the entry (`follows`): kept, with
    /// that look-back cleared; their answers are not changed.
    pub following_entries: Vec<Stored>,
}

/// What the data folder holds, for `forget` to say what will go.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Inventory {
    pub entries: usize,
    pub reflections: usize,
    pub drafts: usize,
    pub packs: usize,
    pub plan: bool,
    pub sessions: bool,
    /// Every file in the folder, those above included.
    pub files: usize,
}

impl Store {
    /// Everything that belongs to `stored`. Only the few folders that can
    /// hold it are looked at (its month folder, the temp, drafts and
    /// editing folders), and the entries, for those that look back at it.
    pub fn entry_belongings(&self, stored: &Stored) -> Result<Belongings> {
        let id = stored.entry.id.clone();
        self.check_within_data(&stored.path)?;
        let reflections_dir = reflections_of(&stored.path);
        let reflections = match fs::symlink_metadata(&reflections_dir) {
            Ok(m) if m.is_dir() => {
                let mut found = Vec::new();
                json_files(&reflections_dir, &mut found)?;
                Some((reflections_dir, found.len()))
            }
            // A link or a file by that name goes too (as itself).
            Ok(_) => Some((reflections_dir, 0)),
            Err(_) => None,
        };
        let draft = self.drafts_dir().join(format!("{id}.json"));
        let draft = fs::symlink_metadata(&draft).is_ok().then_some(draft);

        let mut leftovers = Vec::new();
        let month = stored.path.parent().map(Path::to_path_buf);
        for dir in month
            .into_iter()
            .chain([self.tmp_dir(), self.drafts_dir(), self.root.clone()])
        {
            leftovers.extend(holding(&dir, &id, |name| name.starts_with(".tmp-"))?);
        }
        leftovers.extend(holding(&self.editing_dir(), &id, |_| true)?);
        leftovers.retain(|p| Some(p) != draft.as_ref());
        leftovers.sort();
        leftovers.dedup();

        let mut following_drafts = Vec::new();
        let mut files = Vec::new();
        json_files(&self.drafts_dir(), &mut files)?;
        for f in files {
            if Some(&f.path) == draft.as_ref() || !f.regular {
                continue;
            }
            let read = super::read_checked(&f.path, MAX_DRAFT_BYTES)
                .ok()
                .and_then(|b| serde_json::from_slice::<Draft>(&b).ok());
            if read.is_some_and(|d| d.follows.as_deref() == Some(id.as_str())) {
                following_drafts.push(f.path);
            }
        }
        following_drafts.sort();

        // Damaged files were named where the entry was found; here they are passed over.
        let mut following_entries: Vec<Stored> = self
            .load()?
            .entries
            .into_iter()
            .filter(|s| s.entry.follows.as_deref() == Some(id.as_str()) && s.entry.id != id)
            .collect();
        following_entries.sort_by(|a, b| a.path.cmp(&b.path));

        Ok(Belongings {
            id,
            entry: stored.path.clone(),
            reflections,
            draft,
            leftovers,
            following_drafts,
            following_entries,
        })
    }

    /// Removes everything in `b`, the entry file last, and clears the
    /// look-backs at it; fsyncs each folder changed and removes a month
    /// (and year) folder left empty. Each path removed is pushed on
    /// `removed` as it goes, so a failure can say what is gone already.
    /// Hold [`Store::lock`] from [`Store::entry_belongings`] to here.
    pub fn remove_belongings(&self, b: &Belongings, removed: &mut Vec<PathBuf>) -> Result<()> {
        let mut dirs: Vec<PathBuf> = Vec::new();
        let mut gone = |path: &Path, removed: &mut Vec<PathBuf>| {
            removed.push(path.to_path_buf());
            if let Some(parent) = path.parent() {
                dirs.push(parent.to_path_buf());
            }
        };
        self.check_within_data(&b.entry)?;
        if let Some((dir, _)) = &b.reflections {
            let is_dir = fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir());
            let done = if is_dir {
                match fs::remove_dir_all(dir) {
                    Ok(()) => true,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => false,
                    Err(e) => {
                        return Err(e).with_context(|| {
                            format!("cannot remove the folder {}", dir.display())
                        });
                    }
                }
            } else {
                remove_file(dir)?
            };
            if done {
                gone(dir, removed);
            }
        }
        for path in b.draft.iter().chain(&b.leftovers) {
            if remove_file(path)? {
                gone(path, removed);
            }
            // An editor file's lock mark goes with it.
            if path.starts_with(self.editing_dir()) {
                let _ = fs::remove_file(path.with_extension("open"));
            }
        }
        for path in &b.following_drafts {
            let bytes = super::read_checked(path, MAX_DRAFT_BYTES).map_err(anyhow::Error::msg);
            let mut draft: Draft = bytes
                .and_then(|b| serde_json::from_slice(&b).map_err(anyhow::Error::from))
                .with_context(|| format!("cannot read the draft {}", path.display()))?;
            draft.follows = None;
            self.save_draft(&draft)?;
        }
        for stored in &b.following_entries {
            // Never written back if it went meanwhile (deleted with this one).
            if fs::symlink_metadata(&stored.path).is_err() {
                continue;
            }
            let mut s = stored.clone();
            s.entry.follows = None;
            self.update_entry(&s)?;
        }
        let mut state = self.read_state();
        if state.follow_up_offered.as_deref() == Some(b.id.as_str()) {
            state.follow_up_offered = None;
            self.write_state(&state)?;
        }
        // The entry file last: until it goes, the entry can be found, so
        // running the command again finishes what a failure left.
        if remove_file(&b.entry)? {
            gone(&b.entry, removed);
        }
        dirs.sort();
        dirs.dedup();
        for dir in &dirs {
            sync_dir(dir).with_context(|| format!("cannot sync the folder {}", dir.display()))?;
        }
        // A month folder left empty goes, then its year's if that is empty too.
        if let Some(month) = b.entry.parent() {
            let entries = self.entries_dir();
            let mut dir = month;
            while dir != entries && dir.starts_with(&entries) {
                if fs::remove_dir(dir).is_err() {
                    break;
                }
                match dir.parent() {
                    Some(parent) => {
                        let _ = sync_dir(parent);
                        dir = parent;
                    }
                    None => break,
                }
            }
        }
        Ok(())
    }

    /// Fails unless `path` is in the data folder once links are resolved
    /// (a month folder that is a link elsewhere is not followed).
    fn check_within_data(&self, path: &Path) -> Result<()> {
        let root = fs::canonicalize(&self.root)
            .with_context(|| format!("cannot open the data folder {}", self.root.display()))?;
        let folder = path
            .parent()
            .map(fs::canonicalize)
            .transpose()
            .with_context(|| format!("cannot open the folder of {}", path.display()))?;
        if folder.is_none_or(|f| !f.starts_with(&root)) {
            bail!(
                "{} is reached through a link out of the data folder {}; it was left as it is (remove it by hand if it should go)",
                path.display(),
                self.root.display()
            );
        }
        Ok(())
    }

    /// What the data folder holds, counted without following a link.
    pub fn removal_inventory(&self) -> Result<Inventory> {
        let mut inv = Inventory::default();
        count(&self.root, &mut inv, &|inv, path| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let parent = path.parent().unwrap_or(Path::new(""));
            let json = name.ends_with(".json") && !name.starts_with('.');
            if json && parent.starts_with(self.entries_dir()) {
                if parent.extension().is_some_and(|e| e == "reflections") {
                    inv.reflections += 1;
                } else {
                    inv.entries += 1;
                }
            } else if json && parent == self.drafts_dir() {
                inv.drafts += 1;
            } else if parent == self.packs_dir() && !name.starts_with('.') {
                inv.packs += 1;
            } else if path == self.plan_path() {
                inv.plan = true;
            } else if path == self.sessions_path() {
                inv.sessions = true;
            }
        })?;
        Ok(inv)
    }

    /// Removes the whole data folder. Refused when the data folder itself
    /// is a link (its target is not ours to empty). Hold no lock on it.
    pub fn remove_everything(&self) -> Result<()> {
        let meta = match fs::symlink_metadata(&self.root) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => {
                return Err(e).with_context(|| {
                    format!("cannot open the data folder {}", self.root.display())
                });
            }
        };
        if meta.file_type().is_symlink() {
            let target = fs::read_link(&self.root)
                .map(|t| t.display().to_string())
                .unwrap_or_else(|_| "somewhere that cannot be read".into());
            bail!(
                "the data folder {} is a link to {target}; nothing was deleted. Run 'mentalog --dir {target} forget --everything' to forget the journal there, or remove the link yourself",
                self.root.display()
            );
        }
        if !meta.is_dir() {
            bail!(
                "the data folder {} is not a folder; nothing was deleted (check --dir or MENTALOG_DIR)",
                self.root.display()
            );
        }
        fs::remove_dir_all(&self.root).with_context(|| {
            format!(
                "cannot remove all of the data folder {}; some of it may be gone already (run the command again, or remove the rest by hand)",
                self.root.display()
            )
        })?;
        if let Some(parent) = self.root.parent().filter(|p| !p.as_os_str().is_empty()) {
            let _ = sync_dir(parent);
        }
        Ok(())
    }
}

/// The files in `dir` (not in its folders) that `named` accepts by name and
/// whose name or bytes hold `id`. Links are matched by name only; files
/// over the draft limit are not read.
fn holding(dir: &Path, id: &str, named: impl Fn(&str) -> bool) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let rd = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(found),
        Err(e) => {
            return Err(e).with_context(|| format!("cannot read the folder {}", dir.display()));
        }
    };
    let needle = id.as_bytes();
    for item in rd.flatten() {
        let name = item.file_name();
        let name = name.to_string_lossy();
        if !named(&name) {
            continue;
        }
        let Ok(kind) = item.file_type() else { continue };
        if kind.is_dir() {
            continue;
        }
        let path = item.path();
        let holds = name.contains(id)
            || (kind.is_file()
                && super::read_checked(&path, MAX_DRAFT_BYTES)
                    .is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle)));
        if holds {
            found.push(path);
        }
    }
    Ok(found)
}

/// Where the reflections of the entry kept at `entry` live.
fn reflections_of(entry: &Path) -> PathBuf {
    entry.with_extension("reflections")
}

/// Removes the file (or link) at `path`; whether there was one.
fn remove_file(path: &Path) -> Result<bool> {
    match fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e).with_context(|| format!("cannot remove {}", path.display())),
    }
}

/// Calls `each` with every file under `dir`, never entering a link.
fn count(dir: &Path, inv: &mut Inventory, each: &dyn Fn(&mut Inventory, &Path)) -> Result<()> {
    let rd = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(e).with_context(|| format!("cannot read the folder {}", dir.display()));
        }
    };
    for item in rd {
        let item = item.with_context(|| format!("cannot read the folder {}", dir.display()))?;
        let path = item.path();
        if item.file_type().is_ok_and(|t| t.is_dir()) {
            count(&path, inv, each)?;
        } else {
            inv.files += 1;
            each(inv, &path);
        }
    }
    Ok(())
}

/// Makes a removal itself durable.
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
