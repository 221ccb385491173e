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
//! <data>/tmp/                   temp files of writes in progress (removed when stale)
//! <data>/.lock                  held during every read-modify-write
//! <data>/key.age, encryption.json  an encrypted journal's key and settings (see `sealed`)
//! <data>/sessions/              an encrypted journal's session records, one per event
//! <data>/.encryption-lock       held by each write while it seals (see `Store::seal_lock`)
//! ```
//!
//! A data folder that does not exist is not an empty journal: reading it is
//! an error that names it (a misspelt `--dir` must not look like a quiet
//! fortnight). Writing creates it.

mod atomic;
mod limits;
pub mod packs;
pub mod reflections;
pub mod remove;
pub mod sealed;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{Context, Result};
use chrono::NaiveDate;

pub use atomic::{
    create_private_dir_all, remove_stale, write_new, write_new_via, write_new_with, write_replace,
    write_replace_checked, write_replace_via, write_replace_with,
};
pub use limits::{
    MAX_CONFIG_BYTES, MAX_ENTRY_BYTES, MAX_PACK_BYTES, MAX_TEMPLATE_BYTES, check_regular,
    file_kind, read_limited, read_limited_bytes,
};

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
    /// Set once stale temp files have been removed, by the first write.
    cleaned: OnceLock<()>,
    /// The journal's encryption, read once ([`Store::encryption`]).
    encryption: OnceLock<std::result::Result<Option<sealed::Encryption>, String>>,
}

/// The journal held for a read-modify-write (sessions, sharing): other
/// mentalog processes wait at [`Store::lock`] until it is dropped.
#[must_use = "the journal is unlocked when this is dropped"]
pub struct JournalLock {
    _file: fs::File,
}

/// Small facts the walk remembers between runs.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct State {
    /// The safety-lane entry whose follow-up was last offered: offered once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up_offered: Option<String>,
    /// The calendar day (local) `mentalog due` last printed its line: once a day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_shown: Option<chrono::NaiveDate>,
    /// In an encrypted journal, the id of the last safety-lane entry the
    /// walk saved: its follow-up can then be offered (with the passphrase)
    /// without reading the sealed entry first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_lane: Option<String>,
    /// In an encrypted journal, when each measure (by id) was last
    /// answered, so that `new` knows which are due without the passphrase.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub measured: std::collections::BTreeMap<String, chrono::NaiveDateTime>,
    /// Locking the journal with a passphrase was offered after an entry: once.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub encryption_offered: bool,
}

impl Store {
    pub fn new(root: impl Into<PathBuf>) -> Store {
        Store {
            root: root.into(),
            cleaned: OnceLock::new(),
            encryption: OnceLock::new(),
        }
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

    /// Where atomic writes keep their temp files: private, inside the data
    /// folder so the rename stays on one file system.
    pub fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    fn lock_path(&self) -> PathBuf {
        self.root.join(".lock")
    }

    /// Fails, naming the folder, when the data folder does not exist (or is
    /// not a folder): there is no journal to read there.
    pub fn require_journal(&self) -> Result<()> {
        match fs::metadata(&self.root) {
            Ok(m) if m.is_dir() => Ok(()),
            Ok(_) => anyhow::bail!(
                "the data folder {} is not a folder; check --dir or MENTALOG_DIR",
                self.root.display()
            ),
            Err(e) if e.kind() == io::ErrorKind::NotFound => anyhow::bail!(
                "no journal at {}; check --dir or MENTALOG_DIR, or write an entry first with 'mentalog new'",
                self.root.display()
            ),
            Err(e) => Err(e)
                .with_context(|| format!("cannot open the data folder {}", self.root.display())),
        }
    }

    /// Takes the journal's lock (creating the data folder if need be),
    /// waiting while another mentalog holds it. Hold it across a whole
    /// read-modify-write so no update is lost.
    pub fn lock(&self) -> Result<JournalLock> {
        let (file, fail) = self.lock_file()?;
        file.lock().with_context(|| fail.clone())?;
        Ok(JournalLock { _file: file })
    }

    /// [`Store::lock`] without waiting: `None` when another holds it.
    pub fn try_lock(&self) -> Result<Option<JournalLock>> {
        let (file, fail) = self.lock_file()?;
        match file.try_lock() {
            Ok(()) => Ok(Some(JournalLock { _file: file })),
            Err(fs::TryLockError::WouldBlock) => Ok(None),
            Err(fs::TryLockError::Error(e)) => Err(anyhow::Error::new(e).context(fail)),
        }
    }

    /// The lock file, open, and what to say if it cannot be locked.
    fn lock_file(&self) -> Result<(fs::File, String)> {
        self.private_dir(&self.root)?;
        let path = self.lock_path();
        let fail = format!("cannot lock the journal ({})", path.display());
        let mut options = fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&path).with_context(|| fail.clone())?;
        Ok((file, fail))
    }

    /// Editor files left in the editing folder by a run that was killed
    /// while the editor was open (`answer-*.txt`), oldest first, with their
    /// text. Files an editor still holds are not listed.
    pub fn leftover_edits(&self) -> Vec<(PathBuf, String)> {
        let Ok(read) = fs::read_dir(self.editing_dir()) else {
            return Vec::new();
        };
        let mut found: Vec<(std::time::SystemTime, PathBuf, String)> = read
            .flatten()
            .filter(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                name.starts_with("answer-") && name.ends_with(".txt")
            })
            .filter_map(|e| {
                let path = e.path();
                // Not followed: only regular files of our own.
                let meta = fs::symlink_metadata(&path)
                    .ok()
                    .filter(fs::Metadata::is_file)?;
                // An editor still open on it holds its mark (see prompt::editor).
                let mark = path.with_extension("open");
                if atomic::is_held(&path) || (mark.is_file() && atomic::is_held(&mark)) {
                    return None;
                }
                let text = read_limited(&path, MAX_ENTRY_BYTES, "editor file").ok()?;
                let when = meta.modified().unwrap_or(std::time::UNIX_EPOCH);
                Some((when, path, text))
            })
            .collect();
        found.sort();
        found.into_iter().map(|(_, p, t)| (p, t)).collect()
    }

    /// Removes an editor file listed by [`Store::leftover_edits`]; a path
    /// outside the editing folder is refused.
    pub fn remove_leftover(&self, path: &Path) -> Result<()> {
        if path.parent() != Some(self.editing_dir().as_path()) {
            anyhow::bail!(
                "{} is not in the editing folder {}",
                path.display(),
                self.editing_dir().display()
            );
        }
        let _ = fs::remove_file(path.with_extension("open"));
        match fs::remove_file(path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                Err(e).with_context(|| format!("cannot remove {}", path.display()))
            }
            _ => Ok(()),
        }
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
        read_limited_bytes(&self.state_path(), MAX_ENTRY_BYTES, "state file")
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    pub fn write_state(&self, state: &State) -> Result<()> {
        self.replace_file(&self.state_path(), to_json(state)?.as_bytes())
    }

    /// Creates `dir` and any missing folders above it, up to and above the
    /// data folder, as private (0700) whatever the umask. Folders that exist
    /// are left as they are.
    fn private_dir(&self, dir: &Path) -> Result<()> {
        create_private_dir_all(dir)
    }

    /// Gets ready to write in `dir`: creates it and the temp folder, and the
    /// first time, removes temp files that dead writers left behind.
    fn prepare_write(&self, dir: &Path) -> Result<PathBuf> {
        self.private_dir(dir)?;
        let tmp = self.tmp_dir();
        self.private_dir(&tmp)?;
        self.cleaned.get_or_init(|| self.remove_stale_files());
        // Beside the entries, only where this write goes: a journal of years
        // is not walked for every entry (`mentalog check` finds the rest).
        if dir.starts_with(self.entries_dir()) {
            remove_stale(dir);
        }
        Ok(tmp)
    }

    /// Removes stale temp files: in the temp folder, and those left beside
    /// the drafts and plan by older versions (or by writes to the editing
    /// folder); beside the entries, [`Store::prepare_write`] does it in the
    /// month folder written to. Editor files themselves are not temp files: they are
    /// offered back through [`Store::leftover_edits`].
    fn remove_stale_files(&self) {
        remove_stale(&self.tmp_dir());
        remove_stale(&self.root);
        remove_stale(&self.drafts_dir());
        remove_stale(&self.editing_dir());
    }

    /// Atomically writes (or replaces) a file directly in the data folder or
    /// one of its folders.
    /// Like [`Store::replace_file`], sealed in an encrypted journal.
    fn replace_sealed(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        let tmp = self.prepare_write(path.parent().unwrap_or(&self.root))?;
        let (_sealing, bytes) = self.sealed(bytes)?;
        write_replace_via(&tmp, path, &bytes)
    }

    fn replace_file(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        let dir = path.parent().unwrap_or(&self.root);
        let tmp = self.prepare_write(dir)?;
        write_replace_via(&tmp, path, bytes)
    }

    /// Whether nothing has been written here yet.
    pub fn is_new(&self) -> bool {
        !self.entries_dir().exists() && !self.drafts_dir().exists()
    }

    /// Saves a new entry; an existing file is never replaced.
    /// Where `entry` is kept: `entries/YYYY/MM/<name>`, by the day it was
    /// written in its own offset.
    pub fn entry_path(&self, entry: &Entry) -> PathBuf {
        self.entries_dir()
            .join(entry.created.format("%Y").to_string())
            .join(entry.created.format("%m").to_string())
            .join(entry.file_name())
    }

    pub fn save_entry(&self, entry: &Entry) -> Result<PathBuf> {
        let path = self.entry_path(entry);
        let dir = path.parent().unwrap_or(&self.root).to_path_buf();
        let json = entry_json(entry)?;
        self.prepare_write(&dir)
            .and_then(|tmp| {
                let (_sealing, bytes) = self.sealed(json.as_bytes())?;
                write_new_via(&tmp, &path, &bytes)
            })
            .with_context(|| {
                format!(
                    "cannot save the entry in the data folder {} (choose another with --dir or MENTALOG_DIR)",
                    self.root.display()
                )
            })?;
        Ok(path)
    }

    /// The entry files named for `day` or later (a day's margin included:
    /// names carry each entry's own local time), reading only the month
    /// folders that can hold them.
    pub fn entry_files_since(&self, day: NaiveDate) -> Result<Vec<PathBuf>> {
        let from = day - chrono::Duration::days(1);
        Ok(self
            .entry_names(Some(from), None)?
            .into_iter()
            .filter(|f| f.day() >= from)
            .map(|f| f.path)
            .collect())
    }

    /// Every entry file (every `*.json` name where entries are kept, whatever
    /// it is: [`Store::load`] reports those that are not entries), in no
    /// particular order. Fails when the data folder does not exist.
    pub fn entry_files(&self) -> Result<Vec<PathBuf>> {
        Ok(self
            .entry_names(None, None)?
            .into_iter()
            .map(|f| f.path)
            .collect())
    }

    /// The `*.json` names in the month folders that can hold entries
    /// written from `since` to `until` (either open, a day's margin
    /// included by the caller), with what the folder listing says each is:
    /// no file is looked at one by one. A folder whose name is not a year
    /// or a month is listed whatever the window, so that what it holds is
    /// read, and reported.
    fn entry_names(
        &self,
        since: Option<NaiveDate>,
        until: Option<NaiveDate>,
    ) -> Result<Vec<Found>> {
        let mut files = Vec::new();
        for month in self.months(since, until)? {
            json_files(&month.path, &mut files)?;
        }
        Ok(files)
    }

    /// The month folders (`entries/YYYY/MM`) that overlap `since..=until`,
    /// newest name first; folders with other names come first.
    fn months(&self, since: Option<NaiveDate>, until: Option<NaiveDate>) -> Result<Vec<Month>> {
        let mut months = Vec::new();
        self.each_month(since, until, |m| {
            months.push(m);
            Ok(true)
        })?;
        Ok(months)
    }

    /// Calls `f` with each month folder that overlaps `since..=until`,
    /// newest first, until `f` returns false. A year's folder is listed only
    /// when it is reached, so that the newest entries of a journal of many
    /// years cost a few folders. Folders whose names are not a year come
    /// before all years, and within a year those not named for a month come
    /// before its months, so that what they hold is read (and reported)
    /// before the reading can stop; one inside an older year than the
    /// reading reaches is found by `mentalog check`.
    fn each_month(
        &self,
        since: Option<NaiveDate>,
        until: Option<NaiveDate>,
        mut f: impl FnMut(Month) -> Result<bool>,
    ) -> Result<()> {
        self.require_journal()?;
        let outside = |first: NaiveDate, last: NaiveDate| {
            since.is_some_and(|s| last < s) || until.is_some_and(|u| first > u)
        };
        let mut years: Vec<(Option<i32>, PathBuf)> = subdirs(&self.entries_dir())?
            .into_iter()
            .map(|p| (digits(&p, 4).map(|y| y as i32), p))
            .collect();
        years.sort_by(|a, b| (b.0.unwrap_or(i32::MAX), &b.1).cmp(&(a.0.unwrap_or(i32::MAX), &a.1)));
        for (year, path) in years {
            if let Some(y) = year
                && let (Some(first), Some(last)) = (
                    NaiveDate::from_ymd_opt(y, 1, 1),
                    NaiveDate::from_ymd_opt(y, 12, 31),
                )
                && outside(first, last)
            {
                continue;
            }
            let mut months: Vec<Month> = Vec::new();
            for path in subdirs(&path)? {
                let first = year
                    .zip(digits(&path, 2))
                    .and_then(|(y, m)| NaiveDate::from_ymd_opt(y, m, 1));
                if let Some(first) = first {
                    let last = first
                        .checked_add_months(chrono::Months::new(1))
                        .and_then(|d| d.pred_opt())
                        .unwrap_or(NaiveDate::MAX);
                    if outside(first, last) {
                        continue;
                    }
                }
                months.push(Month {
                    first: first.unwrap_or(NaiveDate::MAX),
                    path,
                });
            }
            months.sort_by(|a, b| (b.first, &b.path).cmp(&(a.first, &a.path)));
            for month in months {
                if !f(month)? {
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// Whether any month folder holds a `*.json` name; stops at the first.
    pub fn has_entry_files(&self) -> Result<bool> {
        let mut any = false;
        self.each_month(None, None, |month| {
            let mut found = Vec::new();
            json_files(&month.path, &mut found)?;
            any = !found.is_empty();
            Ok(!any)
        })?;
        Ok(any)
    }

    /// The entry in the file with the latest name, which is the newest but
    /// for entries written within hours of each other in different time
    /// zones (names carry each entry's own local time). Reads one file, not
    /// the journal; `None` when there is none or it cannot be read.
    pub fn newest_entry(&self) -> Result<Option<Entry>> {
        Ok(self.newest_found()?.and_then(|f| read_found(&f).ok()))
    }

    /// The file of the newest entry by its name, not read (an encrypted
    /// journal's may be sealed).
    pub fn newest_entry_path(&self) -> Result<Option<PathBuf>> {
        Ok(self.newest_found()?.map(|f| f.path))
    }

    fn newest_found(&self) -> Result<Option<Found>> {
        let mut newest = None;
        self.each_month(None, None, |month| {
            // A folder not named for a month says nothing of which is newest.
            if month.first == NaiveDate::MAX {
                return Ok(true);
            }
            let mut found = Vec::new();
            json_files(&month.path, &mut found)?;
            newest = found.into_iter().max_by(|a, b| a.path.cmp(&b.path));
            Ok(newest.is_none())
        })?;
        Ok(newest)
    }

    /// Reads every entry, newest first, on every core. Damaged files (and
    /// anything else named `*.json` there, such as a FIFO or a dangling
    /// link) are reported, not fatal. Fails when the data folder does not
    /// exist.
    pub fn load(&self) -> Result<Loaded> {
        Ok(read_all(self.entry_names(None, None)?))
    }

    /// The entries written from `since` to `until` (days, both included,
    /// either open), newest first, at most `limit` of them, reading only the
    /// month folders and files whose names can hold them. Names carry each
    /// entry's own local time, so a day's margin is read at each edge and
    /// the exact choice is made on the entries. Damaged files among those
    /// read are in `damaged`; `any` says whether the journal has any entry
    /// file at all.
    pub fn load_window(
        &self,
        since: Option<NaiveDate>,
        until: Option<NaiveDate>,
        limit: Option<usize>,
    ) -> Result<Window> {
        let (from, to) = with_margin(since, until);
        let in_window = |e: &Entry| {
            let day = e.created.date_naive();
            since.is_none_or(|s| day >= s) && until.is_none_or(|u| day <= u)
        };
        let named_in = |f: &Found| f.named_within(from, to);
        let mut loaded = match limit {
            Some(0) => Loaded::default(),
            None => {
                let mut files = self.entry_names(from, to)?;
                files.retain(named_in);
                read_all(files)
            }
            Some(limit) => self.read_newest(from, to, limit, &named_in, &in_window)?,
        };
        loaded.entries.retain(|s| in_window(&s.entry));
        loaded
            .entries
            .sort_by(|a, b| (b.entry.created, &b.entry.id).cmp(&(a.entry.created, &a.entry.id)));
        if let Some(limit) = limit {
            loaded.entries.truncate(limit);
        }
        loaded.damaged.sort_by(|a, b| a.path.cmp(&b.path));
        let any =
            !loaded.entries.is_empty() || !loaded.damaged.is_empty() || self.has_entry_files()?;
        Ok(Window { loaded, any })
    }

    /// Calls `keep` with every entry whose file is named within a day of
    /// `since..=until` (either open), on every core, and gathers what it
    /// returns, in no particular order; damaged files are reported, sorted.
    /// Nothing read is held beyond what `keep` returns, so a journal of
    /// any size costs the memory of what is kept.
    pub fn scan_window<T: Send>(
        &self,
        since: Option<NaiveDate>,
        until: Option<NaiveDate>,
        keep: impl Fn(Scanned) -> Option<T> + Sync,
    ) -> Result<(Vec<T>, Vec<Damaged>)> {
        self.scan_window_where(since, until, |_| true, keep)
    }

    /// [`Store::scan_window`], reading whole only the entries whose [`Head`]
    /// `wanted` accepts: of the others only the head is read (and the rest
    /// checked to be JSON), so that an export does not build every private
    /// entry only to drop it. Damaged files are reported either way.
    pub fn scan_window_where<T: Send>(
        &self,
        since: Option<NaiveDate>,
        until: Option<NaiveDate>,
        wanted: impl Fn(&Head) -> bool + Sync,
        keep: impl Fn(Scanned) -> Option<T> + Sync,
    ) -> Result<(Vec<T>, Vec<Damaged>)> {
        use rayon::prelude::*;
        let (from, to) = with_margin(since, until);
        let mut files = self.entry_names(from, to)?;
        files.retain(|f| f.named_within(from, to));
        use rayon::iter::Either;
        // Straight into what is kept and what is damaged: a journal of
        // private entries costs nothing here.
        let (kept, mut damaged): (Vec<T>, Vec<Damaged>) = files
            .into_par_iter()
            .filter_map(|f| {
                let read = read_found_bytes(&f).and_then(|b| {
                    let head: Head = serde_json::from_slice(&b).map_err(|e| e.to_string())?;
                    // A version this mentalog cannot read is said, whoever it is for.
                    if head.schema == 0 || head.schema > crate::entry::SCHEMA_VERSION {
                        return parse_entry(&b).map(|_| None);
                    }
                    if !wanted(&head) {
                        return Ok(None);
                    }
                    Ok(Some((digest(&b), parse_entry(&b)?)))
                });
                match read {
                    Ok(None) => None,
                    Ok(Some((digest, entry))) => keep(Scanned {
                        path: f.path,
                        digest,
                        entry,
                    })
                    .map(Either::Left),
                    Err(reason) => Some(Either::Right(Damaged {
                        path: f.path,
                        reason,
                    })),
                }
            })
            .partition_map(|x| x);
        damaged.sort_by(|a, b| a.path.cmp(&b.path));
        Ok((kept, damaged))
    }

    /// Reads files newest name first, month folder by month folder, until
    /// the newest `limit` entries in the window are settled: once the names
    /// left are more than two days older than the `limit`-th entry read
    /// (offsets from -12 to +14 hours put an entry's instant up to 26 hours
    /// from its local day).
    fn read_newest(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        limit: usize,
        named_in: &dyn Fn(&Found) -> bool,
        in_window: &dyn Fn(&Entry) -> bool,
    ) -> Result<Loaded> {
        let settled = |kept: usize, nth: Option<NaiveDate>, day: NaiveDate| {
            kept >= limit && nth.is_some_and(|nth| day < nth - chrono::Duration::days(2))
        };
        let mut loaded = Loaded::default();
        let mut kept = 0usize;
        let mut nth_day: Option<NaiveDate> = None;
        self.each_month(from, to, |month| {
            // The newest name a month can hold is before its end.
            if month.first != NaiveDate::MAX {
                let last = month.first + chrono::Duration::days(31);
                if settled(kept, nth_day, last) {
                    return Ok(false);
                }
            }
            let mut files = Vec::new();
            json_files(&month.path, &mut files)?;
            files.retain(|f| named_in(f));
            files.sort_by(|a, b| (b.day(), &b.path).cmp(&(a.day(), &a.path)));
            for found in files {
                let day = found.day();
                if day != NaiveDate::MAX && settled(kept, nth_day, day) {
                    break;
                }
                match read_found(&found) {
                    Ok(entry) => {
                        // An entry counts toward the newest `limit` only
                        // when its name has its day: one misnamed for a
                        // later day must not end the reading early.
                        if in_window(&entry) && day == entry.created.date_naive() {
                            kept += 1;
                            // The day of the limit-th entry read: every
                            // file still unread is named for that day or
                            // earlier.
                            if kept == limit {
                                nth_day = Some(entry.created.date_naive());
                            }
                        }
                        loaded.entries.push(Stored {
                            path: found.path,
                            entry,
                        });
                    }
                    Err(reason) => loaded.damaged.push(Damaged {
                        path: found.path,
                        reason,
                    }),
                }
            }
            Ok(true)
        })?;
        Ok(loaded)
    }

    /// The entries whose id starts with `prefix`. Only files whose short id
    /// can match are read. Fails when the data folder does not exist.
    pub fn find(&self, prefix: &str) -> Result<Loaded> {
        let prefix = prefix.to_ascii_lowercase();
        let short = short_id(&prefix).to_string();
        let mut files = Vec::new();
        self.each_month(None, None, |month| {
            json_files_where(&month.path, &mut files, |name| {
                name.strip_suffix(".json")
                    .and_then(|stem| stem.rsplit('-').next())
                    .is_some_and(|s| s.starts_with(&short))
            })?;
            Ok(true)
        })?;
        let mut loaded = read_all(files);
        loaded.entries.retain(|s| s.entry.id.starts_with(&prefix));
        Ok(loaded)
    }

    /// Rewrites an existing entry, e.g. after sharing it; atomic, so the old
    /// version stays whole until the new one is complete.
    /// Hold [`Store::lock`] from reading the entry to here.
    pub fn update_entry(&self, stored: &Stored) -> Result<()> {
        let json = entry_json(&stored.entry)?;
        self.replace_sealed(&stored.path, json.as_bytes())
    }

    pub fn sessions_path(&self) -> PathBuf {
        self.root.join("sessions.json")
    }

    /// Where an encrypted journal keeps one record per session event.
    pub fn session_records_dir(&self) -> PathBuf {
        self.root.join("sessions")
    }

    /// Records a session held or the next appointment. In an encrypted
    /// journal it is a sealed record of its own (nothing is read, so no
    /// passphrase is needed); otherwise the sessions file is changed under
    /// the lock. Creates the data folder.
    pub fn record_session(
        &self,
        event: sessions::Event,
        now: chrono::DateTime<chrono::FixedOffset>,
    ) -> Result<()> {
        let dir = self.session_records_dir();
        let record = sessions::Record {
            schema: sessions::SCHEMA_VERSION,
            event,
        };
        let json = to_json(&record)?;
        self.prepare_write(&self.root)?;
        let (sealing, bytes) = self.sealed(json.as_bytes())?;
        if !crate::crypt::is_sealed(&bytes) {
            // Not encrypted (now): the one sessions file, under the journal's lock.
            drop(sealing);
            return self.update_sessions(|s| s.apply(event)).map(drop);
        }
        let tmp = self.prepare_write(&dir)?;
        // Named by when it was made, so records apply in order; the nanos
        // and the process keep two made at once apart.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "{}-{nanos:09}-{}.json",
            now.format("%Y-%m-%dT%H-%M-%S"),
            std::process::id()
        );
        write_new_via(&tmp, &dir.join(name), &bytes)
    }

    /// The sessions recorded so far (none if nothing was recorded): the
    /// sessions file, then each record in the order they were made.
    /// Fails when the data folder does not exist.
    pub fn read_sessions(&self) -> Result<Sessions> {
        self.require_journal()?;
        let mut sessions = self.read_sessions_file()?;
        let mut records = Vec::new();
        json_files(&self.session_records_dir(), &mut records)?;
        records.sort_by(|a, b| a.path.cmp(&b.path));
        for Found { path, .. } in records {
            let record: sessions::Record = read_checked(&path, MAX_ENTRY_BYTES)
                .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()))
                .map_err(|e| {
                    anyhow::anyhow!(
                        "cannot read the session record {}: {e}; it was left as it is",
                        path.display()
                    )
                })?;
            if record.schema > sessions::SCHEMA_VERSION {
                anyhow::bail!(
                    "{} was written by a newer mentalog; update mentalog to read it",
                    path.display()
                );
            }
            sessions.apply(record.event);
        }
        Ok(sessions)
    }

    fn read_sessions_file(&self) -> Result<Sessions> {
        let path = self.sessions_path();
        if matches!(fs::symlink_metadata(&path), Err(e) if e.kind() == io::ErrorKind::NotFound) {
            return Ok(Sessions::default());
        }
        let bytes = read_limited_bytes(&path, sealed_limit(MAX_ENTRY_BYTES), "sessions file")?;
        let bytes = crate::crypt::open(&path, bytes)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
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

    /// Reads the sessions, lets `change` change them and writes them back,
    /// all under the journal's lock, so a session recorded at the same
    /// moment by another mentalog is never lost. Creates the data folder.
    pub fn update_sessions(&self, change: impl FnOnce(&mut Sessions)) -> Result<Sessions> {
        let _lock = self.lock()?;
        let mut sessions = self.read_sessions_file()?;
        change(&mut sessions);
        self.write_sessions(&sessions)?;
        Ok(sessions)
    }

    /// Writes the sessions file in plain text, even in an encrypted
    /// journal: for `decrypt`, which folds the session records into it.
    pub fn write_sessions_plain(&self, s: &Sessions) -> Result<()> {
        self.replace_file(&self.sessions_path(), to_json(s)?.as_bytes())
    }

    /// Replaces the sessions file. To change what is there, use
    /// [`Store::update_sessions`], which holds the lock.
    pub fn write_sessions(&self, s: &Sessions) -> Result<()> {
        self.replace_sealed(&self.sessions_path(), to_json(s)?.as_bytes())
    }

    /// Saves (or replaces) the draft of a walk in progress.
    pub fn save_draft(&self, draft: &Draft) -> Result<PathBuf> {
        let path = self.drafts_dir().join(format!("{}.json", draft.id));
        self.replace_sealed(&path, to_json(draft)?.as_bytes())?;
        Ok(path)
    }

    /// Drafts left by walks that did not finish, newest first. None when
    /// the data folder does not exist.
    pub fn drafts(&self) -> Result<(Vec<Draft>, Vec<Damaged>)> {
        let mut drafts = Vec::new();
        let mut damaged = Vec::new();
        let mut files = Vec::new();
        json_files(&self.drafts_dir(), &mut files)?;
        for Found { path, .. } in files {
            let read = read_checked(&path, MAX_DRAFT_BYTES)
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
        if matches!(fs::symlink_metadata(&path), Err(e) if e.kind() == io::ErrorKind::NotFound) {
            return Ok(None);
        }
        let bytes = read_limited_bytes(&path, sealed_limit(MAX_ENTRY_BYTES), "crisis plan")?;
        let bytes = crate::crypt::open(&path, bytes)
            .map_err(|e| anyhow::anyhow!("cannot read the crisis plan {}: {e}", path.display()))?;
        String::from_utf8(bytes).map(Some).map_err(|_| {
            anyhow::anyhow!(
                "cannot read the crisis plan {}: it is not UTF-8 text",
                path.display()
            )
        })
    }

    pub fn write_plan(&self, text: &str) -> Result<()> {
        let tmp = self.prepare_write(&self.root)?;
        let (_sealing, bytes) = self.sealed_plan(text.as_bytes())?;
        write_replace_via(&tmp, &self.plan_path(), &bytes)
    }
}

/// How many bytes a sealed file of at most `max` plain bytes may take: age
/// adds a header and 16 bytes to every 64 KiB. The plain bytes are checked
/// against `max` once opened.
pub fn sealed_limit(max: u64) -> u64 {
    max + max / 1024 + 4096
}

/// A draft may be larger than an entry, so that a draft kept because its
/// entry was too large to save is still offered back to be shortened.
pub const MAX_DRAFT_BYTES: u64 = 4 * MAX_ENTRY_BYTES;

/// An entry as JSON, refused above [`MAX_ENTRY_BYTES`] (it could not be read back).
fn entry_json(entry: &Entry) -> Result<String> {
    let json = to_json(entry)?;
    if json.len() as u64 > MAX_ENTRY_BYTES {
        anyhow::bail!(
            "the entry is too large to save: {} MiB, above the limit of {} MiB for one entry; shorten the longest answers",
            (json.len() as u64).div_ceil(1024 * 1024),
            MAX_ENTRY_BYTES / (1024 * 1024)
        );
    }
    Ok(json)
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    let mut json = serde_json::to_string_pretty(value).context("cannot encode as JSON")?;
    json.push('\n');
    Ok(json)
}

/// What [`Store::load_window`] read.
pub struct Window {
    pub loaded: Loaded,
    /// The journal has at least one entry file, in the window or not.
    pub any: bool,
}

/// Reads and checks one entry file; the error says what is wrong with it.
/// Anything but a regular file of at most [`MAX_ENTRY_BYTES`] is refused
/// before it is opened, so a FIFO never blocks and a huge file costs nothing.
pub fn read_entry(path: &Path) -> std::result::Result<Entry, String> {
    parse_entry(&read_checked(path, MAX_ENTRY_BYTES)?)
}

fn parse_entry(bytes: &[u8]) -> std::result::Result<Entry, String> {
    let entry: Entry = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    entry.check()?;
    Ok(entry)
}

/// Reads `found` as [`read_entry`] does, without looking at the file first
/// when the folder listing already says it is a regular file: opened
/// without following a link and without blocking, read up to the limit.
/// Anything odd on the way (it was replaced meanwhile, say) takes the
/// careful path.
fn read_found(found: &Found) -> std::result::Result<Entry, String> {
    parse_entry(&read_found_bytes(found)?)
}

fn read_found_bytes(found: &Found) -> std::result::Result<Vec<u8>, String> {
    if !found.regular {
        return read_checked(&found.path, MAX_ENTRY_BYTES);
    }
    let limit = sealed_limit(MAX_ENTRY_BYTES);
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    // What was opened is checked on the handle (no second look-up by name):
    // anything but a regular file now takes the careful path.
    let file = match options.open(&found.path) {
        Ok(file) if file.metadata().is_ok_and(|m| m.is_file()) => file,
        _ => return read_checked(&found.path, MAX_ENTRY_BYTES),
    };
    let mut bytes = Vec::with_capacity(16 * 1024);
    io::Read::read_to_end(&mut io::Read::take(file, limit + 1), &mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > limit {
        return Err(limits::too_large(MAX_ENTRY_BYTES));
    }
    let bytes = crate::crypt::open(&found.path, bytes)?;
    if bytes.len() as u64 > MAX_ENTRY_BYTES {
        return Err(limits::too_large(MAX_ENTRY_BYTES));
    }
    Ok(bytes)
}

/// What an entry file says of itself before its answers: when it was
/// written and what of it the person shares.
#[derive(Debug, serde::Deserialize)]
pub struct Head {
    pub schema: u32,
    #[serde(with = "crate::entry::rfc3339_seconds")]
    pub created: chrono::DateTime<chrono::FixedOffset>,
    pub shared: bool,
    #[serde(default)]
    pub safety_shared: bool,
}

/// An entry as [`Store::scan_window`] read it: where, a digest of its
/// bytes (to read it again later and know it is the same), and what it holds.
pub struct Scanned {
    pub path: PathBuf,
    pub digest: u64,
    pub entry: Entry,
}

/// Reads the entry at `path` again, as [`Store::scan_window`] gave it, and
/// fails when its bytes are no longer those of `digest` (it was shared or
/// made private meanwhile, say): what is shown later must be what was
/// chosen earlier.
pub fn reread_entry(path: &Path, digest: u64) -> std::result::Result<Entry, String> {
    // A regular file when it was scanned; anything else now takes the careful path.
    let bytes = read_found_bytes(&Found {
        path: path.to_path_buf(),
        regular: true,
    })?;
    if self::digest(&bytes) != digest {
        return Err("it changed while it was being read; run the command again".into());
    }
    parse_entry(&bytes)
}

/// A fast digest of a file's bytes, to tell whether it changed between two
/// reads by the same command (not a checksum against tampering).
fn digest(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().unwrap_or_default());
        h = (h ^ w).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(29);
    }
    for &b in chunks.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Reads every file in `files` on every core; newest first, in the same
/// order whatever the threads did.
fn read_all(files: Vec<Found>) -> Loaded {
    use rayon::iter::Either;
    use rayon::prelude::*;
    let (mut entries, mut damaged): (Vec<Stored>, Vec<Damaged>) = files
        .into_par_iter()
        .map(|f| match read_found(&f) {
            Ok(entry) => Either::Left(Stored {
                path: f.path,
                entry,
            }),
            Err(reason) => Either::Right(Damaged {
                path: f.path,
                reason,
            }),
        })
        .partition_map(|x| x);
    entries.sort_by(|a, b| (b.entry.created, &b.entry.id).cmp(&(a.entry.created, &a.entry.id)));
    damaged.sort_by(|a, b| a.path.cmp(&b.path));
    Loaded { entries, damaged }
}

/// A `*.json` name where entries are kept, and whether the folder listing
/// says it is a regular file (a link, a FIFO or anything else is looked at
/// before it is opened).
struct Found {
    path: PathBuf,
    regular: bool,
}

/// `since..=until` widened by a day at each end: names carry each entry's
/// own local time, and the exact choice is made on the entries.
fn with_margin(
    since: Option<NaiveDate>,
    until: Option<NaiveDate>,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let margin = chrono::Duration::days(1);
    (since.map(|s| s - margin), until.map(|u| u + margin))
}

impl Found {
    /// Whether the name can hold an entry of `from..=to` (either open); a
    /// name that is not an entry's is always read, so that it is reported.
    fn named_within(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> bool {
        let day = self.day();
        day == NaiveDate::MAX || (from.is_none_or(|s| day >= s) && to.is_none_or(|u| day <= u))
    }

    /// The day in the name (`YYYY-MM-DD...`), or `NaiveDate::MAX` for a
    /// name that is not an entry's, so that it is read and reported.
    fn day(&self) -> NaiveDate {
        self.path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(name_day)
            .unwrap_or(NaiveDate::MAX)
    }
}

/// A month folder where entries are kept; `first` is its first day, or
/// `NaiveDate::MAX` when its name is not `YYYY/MM`.
struct Month {
    first: NaiveDate,
    path: PathBuf,
}

/// The day `YYYY-MM-DD` a name starts with, without a format parser.
fn name_day(name: &str) -> Option<NaiveDate> {
    let b = name.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

/// The number a folder is named with, when its name is `n` digits.
fn digits(path: &Path, n: usize) -> Option<u32> {
    path.file_name()
        .and_then(|n| n.to_str())
        .filter(|s| s.len() == n && s.bytes().all(|c| c.is_ascii_digit()))
        .and_then(|s| s.parse::<u32>().ok())
}

/// The bytes of the regular file `path` of at most `max` bytes, or why not.
fn read_checked(path: &Path, max: u64) -> std::result::Result<Vec<u8>, String> {
    let limit = sealed_limit(max);
    check_regular(path, limit)?;
    let bytes = fs::read(path).map_err(|e| e.to_string())?;
    if bytes.len() as u64 > limit {
        return Err(limits::too_large(max));
    }
    let bytes = crate::crypt::open(path, bytes)?;
    if bytes.len() as u64 > max {
        return Err(limits::too_large(max));
    }
    Ok(bytes)
}

/// The folders in `dir`, by what the listing says (a link is followed).
fn subdirs(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut dirs = Vec::new();
    for_each_in(dir, |entry, file_type| {
        let path = entry.path();
        if file_type.is_dir() || (file_type.is_symlink() && path.is_dir()) {
            dirs.push(path);
        }
    })?;
    Ok(dirs)
}

/// The names ending in `.json` in `dir`, whatever they are (a folder, a
/// FIFO, a dangling link: the reader reports them), skipping hidden ones
/// (unfinished atomic writes of older versions).
fn json_files(dir: &Path, files: &mut Vec<Found>) -> Result<()> {
    json_files_where(dir, files, |_| true)
}

/// [`json_files`] whose name `keep` accepts, before anything is made of it.
fn json_files_where(dir: &Path, files: &mut Vec<Found>, keep: impl Fn(&str) -> bool) -> Result<()> {
    for_each_in(dir, |entry, file_type| {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !name.starts_with('.') && name.ends_with(".json") && keep(&name) {
            files.push(Found {
                path: entry.path(),
                regular: file_type.is_file(),
            });
        }
    })
}

/// Calls `f` with each entry of `dir` and its type as the listing gives
/// it; a folder that does not exist holds nothing.
fn for_each_in(dir: &Path, mut f: impl FnMut(&fs::DirEntry, fs::FileType)) -> Result<()> {
    let what = || format!("cannot read the folder {}", dir.display());
    let rd = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(what),
    };
    for entry in rd {
        let entry = entry.with_context(what)?;
        let file_type = entry.file_type().with_context(what)?;
        f(&entry, file_type);
    }
    Ok(())
}
