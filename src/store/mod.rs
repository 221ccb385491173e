//! The journal on disk: entries, drafts and the crisis plan under the data
//! folder. Every write is atomic and private (folders 0700, files 0600) and an
//! entry is never replaced. Never prints or prompts.
//!
//! ```text
//! <data>/entries/YYYY/MM/YYYY-MM-DDTHH-MM-SS-<short id>.json
//! <data>/drafts/<id>.json       one per walk in progress
//! <data>/editing/               the editor's files while it is open
//! <data>/plan.md                the crisis plan
//! <data>/sessions.json          sessions held and the next appointment
//! <data>/state.json             small facts the walk remembers (a follow-up offered)
//! ```

mod atomic;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

pub use atomic::{create_private_dir_all, write_new, write_replace};

use crate::draft::Draft;
use crate::entry::{Entry, short_id};
use crate::sessions::{self, Sessions};

/// An entry read from its file.
#[derive(Debug, Clone)]
pub struct Stored {
    pub path: PathBuf,
    pub entry: Entry,
}

/// A file that could not be read as an entry (or a draft), and why. It is
/// left exactly as it is.
#[derive(Debug, Clone)]
pub struct Damaged {
    pub path: PathBuf,
    pub reason: String,
}

/// What reading the journal found.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Newest first.
    pub entries: Vec<Stored>,
    pub damaged: Vec<Damaged>,
}

pub struct Store {
    root: PathBuf,
}

/// Small facts the walk remembers between runs.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct State {
    /// The safety-lane entry whose follow-up was last offered: offered once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up_offered: Option<String>,
}

impl Store {
    pub fn new(root: impl Into<PathBuf>) -> Store {
        Store { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn entries_dir(&self) -> PathBuf {
        self.root.join("entries")
    }

    pub fn drafts_dir(&self) -> PathBuf {
        self.root.join("drafts")
    }

    /// Where the editor's file lives while it is open: private, never a shared temp folder.
    pub fn editing_dir(&self) -> PathBuf {
        self.root.join("editing")
    }

    pub fn plan_path(&self) -> PathBuf {
        self.root.join("plan.md")
    }

    /// Creates the editing folder (0700), for the prompter's editor.
    pub fn create_editing_dir(&self) -> Result<PathBuf> {
        let dir = self.editing_dir();
        self.private_dir(&dir)?;
        Ok(dir)
    }

    fn state_path(&self) -> PathBuf {
        self.root.join("state.json")
    }

    /// What the walk remembers between runs; empty if never written or unreadable.
    pub fn read_state(&self) -> State {
        fs::read(self.state_path())
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    pub fn write_state(&self, state: &State) -> Result<()> {
        self.private_dir(&self.root)?;
        write_replace(&self.state_path(), to_json(state)?.as_bytes())
    }

    /// Creates `dir`, a folder inside the data folder, and any missing
    /// folders between them as private (0700). Folders above the data folder
    /// (such as ~/.local/share) are created with the usual permissions: they
    /// are not mentalog's.
    fn private_dir(&self, dir: &Path) -> Result<()> {
        if let Some(parent) = self.root.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create the folder {}", parent.display()))?;
        }
        create_private_dir_all(dir)
    }

    /// Whether nothing has been written here yet.
    pub fn is_new(&self) -> bool {
        !self.entries_dir().exists() && !self.drafts_dir().exists()
    }

    /// Saves a new entry; an existing file is never replaced.
    pub fn save_entry(&self, entry: &Entry) -> Result<PathBuf> {
        let dir = self
            .entries_dir()
            .join(entry.created.format("%Y").to_string())
            .join(entry.created.format("%m").to_string());
        let path = dir.join(entry.file_name());
        let json = to_json(entry)?;
        self.private_dir(&dir)
            .and_then(|()| write_new(&path, json.as_bytes()))
            .with_context(|| {
                format!(
                    "cannot save the entry in the data folder {} (choose another with --dir or MENTALOG_DIR)",
                    self.root.display()
                )
            })?;
        Ok(path)
    }

    /// Every entry file, in no particular order.
    pub fn entry_files(&self) -> Result<Vec<PathBuf>> {
        let mut files = Vec::new();
        for year in subdirs(&self.entries_dir())? {
            for month in subdirs(&year)? {
                files.extend(json_files(&month)?);
            }
        }
        Ok(files)
    }

    /// Reads every entry, newest first. Damaged files are reported, not fatal.
    pub fn load(&self) -> Result<Loaded> {
        self.load_files(self.entry_files()?)
    }

    fn load_files(&self, files: Vec<PathBuf>) -> Result<Loaded> {
        let mut loaded = Loaded::default();
        for path in files {
            match read_entry(&path) {
                Ok(entry) => loaded.entries.push(Stored { path, entry }),
                Err(reason) => loaded.damaged.push(Damaged { path, reason }),
            }
        }
        loaded
            .entries
            .sort_by(|a, b| (b.entry.created, &b.entry.id).cmp(&(a.entry.created, &a.entry.id)));
        loaded.damaged.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(loaded)
    }

    /// The entries whose id starts with `prefix`. Only files whose short id
    /// can match are read.
    pub fn find(&self, prefix: &str) -> Result<Loaded> {
        let prefix = prefix.to_ascii_lowercase();
        let short = short_id(&prefix).to_string();
        let files = self
            .entry_files()?
            .into_iter()
            .filter(|p| file_short_id(p).is_some_and(|s| s.starts_with(&short)))
            .collect();
        let mut loaded = self.load_files(files)?;
        loaded.entries.retain(|s| s.entry.id.starts_with(&prefix));
        Ok(loaded)
    }

    /// Rewrites an existing entry, e.g. after sharing it; atomic, so the old
    /// version stays whole until the new one is complete.
    pub fn update_entry(&self, stored: &Stored) -> Result<()> {
        write_replace(&stored.path, to_json(&stored.entry)?.as_bytes())
    }

    pub fn sessions_path(&self) -> PathBuf {
        self.root.join("sessions.json")
    }

    /// The sessions recorded so far (none if the file does not exist).
    pub fn read_sessions(&self) -> Result<Sessions> {
        let path = self.sessions_path();
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Sessions::default()),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        let s: Sessions = serde_json::from_slice(&bytes)
            .with_context(|| format!("cannot read {}; it was left as it is", path.display()))?;
        if s.schema > sessions::SCHEMA_VERSION {
            anyhow::bail!(
                "{} was written by a newer mentalog; update mentalog to read it",
                path.display()
            );
        }
        Ok(s)
    }

    pub fn write_sessions(&self, s: &Sessions) -> Result<()> {
        self.private_dir(&self.root)?;
        write_replace(&self.sessions_path(), to_json(s)?.as_bytes())
    }

    /// Saves (or replaces) the draft of a walk in progress.
    pub fn save_draft(&self, draft: &Draft) -> Result<PathBuf> {
        let dir = self.drafts_dir();
        self.private_dir(&dir)?;
        let path = dir.join(format!("{}.json", draft.id));
        write_replace(&path, to_json(draft)?.as_bytes())?;
        Ok(path)
    }

    /// Drafts left by walks that did not finish, newest first.
    pub fn drafts(&self) -> Result<(Vec<Draft>, Vec<Damaged>)> {
        let mut drafts = Vec::new();
        let mut damaged = Vec::new();
        for path in json_files(&self.drafts_dir())? {
            let read = fs::read(&path)
                .map_err(|e| e.to_string())
                .and_then(|b| serde_json::from_slice::<Draft>(&b).map_err(|e| e.to_string()));
            match read {
                Ok(d) => drafts.push(d),
                Err(reason) => damaged.push(Damaged { path, reason }),
            }
        }
        drafts.sort_by(|a, b| (b.created, &b.id).cmp(&(a.created, &a.id)));
        Ok((drafts, damaged))
    }

    pub fn remove_draft(&self, id: &str) -> Result<()> {
        let path = self.drafts_dir().join(format!("{id}.json"));
        match fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                Err(e).with_context(|| format!("cannot remove the draft {}", path.display()))
            }
            _ => Ok(()),
        }
    }

    /// The crisis plan, if one has been written.
    pub fn read_plan(&self) -> Result<Option<String>> {
        let path = self.plan_path();
        match fs::read_to_string(&path) {
            Ok(s) => Ok(Some(s)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => {
                Err(e).with_context(|| format!("cannot read your crisis plan {}", path.display()))
            }
        }
    }

    pub fn write_plan(&self, text: &str) -> Result<()> {
        self.private_dir(&self.root)?;
        write_replace(&self.plan_path(), text.as_bytes())
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    let mut json = serde_json::to_string_pretty(value).context("cannot encode as JSON")?;
    json.push('\n');
    Ok(json)
}

/// Reads and checks one entry file; the error says what is wrong with it.
pub fn read_entry(path: &Path) -> std::result::Result<Entry, String> {
    let bytes = fs::read(path).map_err(|e| e.to_string())?;
    let entry: Entry = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    entry.check()?;
    Ok(entry)
}

/// The short id in a file name `YYYY-MM-DDTHH-MM-SS-<short id>.json`.
fn file_short_id(path: &Path) -> Option<&str> {
    path.file_stem()?.to_str()?.rsplit('-').next()
}

fn subdirs(dir: &Path) -> Result<Vec<PathBuf>> {
    Ok(read_dir(dir)?.into_iter().filter(|p| p.is_dir()).collect())
}

/// The `*.json` files in `dir`, skipping hidden ones (unfinished atomic writes).
fn json_files(dir: &Path) -> Result<Vec<PathBuf>> {
    Ok(read_dir(dir)?
        .into_iter()
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            !name.starts_with('.') && name.ends_with(".json") && p.is_file()
        })
        .collect())
}

fn read_dir(dir: &Path) -> Result<Vec<PathBuf>> {
    match fs::read_dir(dir) {
        Ok(rd) => rd
            .map(|e| e.map(|e| e.path()))
            .collect::<io::Result<Vec<_>>>()
            .with_context(|| format!("cannot read the folder {}", dir.display())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e).with_context(|| format!("cannot read the folder {}", dir.display())),
    }
}
