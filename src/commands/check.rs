//! `mentalog check`: reads the whole journal and reports every file that is
//! not what mentalog keeps there: damaged, misnamed, duplicated, stray, left
//! over, not a regular file, or open to others. It only reads: nothing is
//! changed, and no symbolic link is followed (its target may be anywhere).

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::Result;

use crate::cli::CheckArgs;
use crate::context::Context;
use crate::draft::Draft;
use crate::store::{
    Damaged, MAX_ENTRY_BYTES, State, Store, Stored, check_regular, read_entry, read_limited_bytes,
};
use crate::text::OneLine;

/// A temp file older than this belongs to a write that is gone (as the
/// store's cleaner judges it); a younger one may be a write at work.
const STALE_AFTER: Duration = Duration::from_secs(60 * 60);
/// The prefix of the store's temp files.
const TMP_PREFIX: &str = ".tmp-";
/// The store reads drafts up to four times an entry's limit.
const MAX_DRAFT_BYTES: u64 = 4 * MAX_ENTRY_BYTES;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Damaged,
    Misnamed,
    Duplicate,
    Stray,
    Leftover,
    NotAFile,
    Permissions,
    Unreadable,
    Unsealed,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Damaged => "damaged",
            Kind::Misnamed => "misnamed",
            Kind::Duplicate => "duplicate",
            Kind::Stray => "stray",
            Kind::Leftover => "leftover",
            Kind::NotAFile => "not-a-file",
            Kind::Permissions => "permissions",
            Kind::Unreadable => "unreadable",
            Kind::Unsealed => "unsealed",
        }
    }
}

/// One problem with one path (relative to the data folder).
#[derive(Debug)]
struct Problem {
    path: PathBuf,
    kind: Kind,
    text: String,
}

/// A line of `check --json`; the fields in this order.
#[derive(serde::Serialize)]
struct JsonLine<'a> {
    path: &'a str,
    problem: &'a str,
    kind: &'static str,
}

pub fn run(ctx: &mut Context, args: &CheckArgs) -> Result<()> {
    let store = &ctx.store;
    store.require_journal()?;
    let root = store.root().to_path_buf();
    let mut found = Found::new(&root);
    found.walk();

    let (entries, damaged) = read_entries(store, &found)?;
    found.add_damaged(&damaged);
    found.check_names(store, &entries);
    found.check_reflections();
    let drafts = found.check_drafts(store)?;
    found.check_documents(store);
    found.check_sealed(store)?;

    let problems = found.finish();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for p in &problems {
        let path = p.path.display().to_string();
        if args.json {
            let text = crate::text::one_line(&p.text);
            let line = JsonLine {
                path: &path,
                problem: &text,
                kind: p.kind.as_str(),
            };
            serde_json::to_writer(&mut out, &line)?;
            writeln!(out)?;
        } else {
            writeln!(out, "{}: {}", OneLine(&path), OneLine(&p.text))?;
        }
    }
    out.flush()?;
    drop(out);

    if problems.is_empty() {
        ctx.note(&format!(
            "Checked {}, {}: every file reads.",
            count(entries.len(), "entry", "entries"),
            count(drafts, "draft", "drafts")
        ));
        return Ok(());
    }
    anyhow::bail!(
        "{} in the journal at {} (listed on standard output): restore damaged files from a backup, or move them out of the folder, and run the chmod given for the others; mentalog never changes them",
        count(problems.len(), "problem", "problems"),
        root.display()
    )
}

fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Where a folder is in the data folder, which says what may be in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Area {
    Root,
    Entries,
    Year,
    Month,
    Drafts,
    Tmp,
    /// The later reflections on one entry, beside it.
    Reflections,
    /// A folder mentalog keeps but does not check the names in (editing,
    /// packs, ...), or one already reported as stray.
    Other,
}

/// What the walk and the readers found.
struct Found<'a> {
    root: &'a Path,
    problems: Vec<Problem>,
    /// Paths (absolute) reported as not regular files or folders: the
    /// readers' own word on them is left out.
    not_files: HashSet<PathBuf>,
    /// A symbolic link (or a folder that cannot be read) where entries or
    /// drafts are kept: the store's readers would follow it, so they are
    /// not used there.
    odd_entries: bool,
    odd_drafts: bool,
    /// `*.json` names where entries and drafts are kept, as the store reads them.
    entry_files: Vec<PathBuf>,
    draft_files: Vec<PathBuf>,
    /// `*.json` names in the reflections folders.
    reflection_files: Vec<PathBuf>,
    now: SystemTime,
}

impl<'a> Found<'a> {
    fn new(root: &'a Path) -> Found<'a> {
        Found {
            root,
            problems: Vec::new(),
            not_files: HashSet::new(),
            odd_entries: false,
            odd_drafts: false,
            entry_files: Vec::new(),
            draft_files: Vec::new(),
            reflection_files: Vec::new(),
            now: SystemTime::now(),
        }
    }

    fn add(&mut self, path: &Path, kind: Kind, text: impl Into<String>) {
        let rel = path.strip_prefix(self.root).unwrap_or(path);
        let rel = if rel.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            rel.to_path_buf()
        };
        self.problems.push(Problem {
            path: rel,
            kind,
            text: text.into(),
        });
    }

    fn walk(&mut self) {
        let root = self.root;
        if let Ok(meta) = fs::metadata(root) {
            self.permissions(root, &meta);
        }
        self.visit(root, Area::Root);
    }

    /// Looks at everything in `dir` (never through a link) and goes into
    /// its folders.
    fn visit(&mut self, dir: &Path, area: Area) {
        let items = match fs::read_dir(dir) {
            Ok(rd) => rd,
            Err(e) => {
                self.cannot_read_folder(dir, area, &e);
                return;
            }
        };
        let mut items: Vec<_> = match items.collect::<std::io::Result<Vec<_>>>() {
            Ok(items) => items,
            Err(e) => {
                self.cannot_read_folder(dir, area, &e);
                return;
            }
        };
        items.sort_by_key(fs::DirEntry::file_name);
        for item in items {
            let path = item.path();
            // Neither follows a link.
            let (Ok(kind), Ok(meta)) = (item.file_type(), item.metadata()) else {
                self.add(&path, Kind::Unreadable, "cannot be looked at");
                continue;
            };
            let name = item.file_name().to_string_lossy().into_owned();
            if !kind.is_file() && !kind.is_dir() {
                self.not_a_file(&path, area, &meta);
                continue;
            }
            self.permissions(&path, &meta);
            if kind.is_dir() {
                let inner = self.folder_area(&path, &name, area);
                self.visit(&path, inner);
            } else {
                self.file(&path, &name, area, &meta);
            }
        }
    }

    fn cannot_read_folder(&mut self, dir: &Path, area: Area, e: &std::io::Error) {
        if matches!(area, Area::Entries | Area::Year | Area::Month)
            || dir.starts_with(self.root.join("entries"))
        {
            self.odd_entries = true;
        }
        if area == Area::Drafts {
            self.odd_drafts = true;
        }
        self.add(
            dir,
            Kind::Unreadable,
            format!("cannot read the folder: {e}"),
        );
    }

    fn not_a_file(&mut self, path: &Path, area: Area, meta: &fs::Metadata) {
        let what = crate::store::file_kind(meta);
        let text = if meta.file_type().is_symlink() {
            let target = fs::read_link(path)
                .map(|t| format!(" to {}", t.display()))
                .unwrap_or_default();
            format!(
                "{what}{target}; mentalog keeps only files and folders here and does not follow it"
            )
        } else {
            format!("{what}, not a file; mentalog keeps only files and folders here")
        };
        self.add(path, Kind::NotAFile, text);
        self.not_files.insert(path.to_path_buf());
        let name = path.file_name().unwrap_or_default();
        // Anywhere under entries/ (a stray folder included): the store's
        // reader follows links in folders, so it is not used then.
        if matches!(area, Area::Entries | Area::Year | Area::Month)
            || (area == Area::Root && name == "entries")
            || path.starts_with(self.root.join("entries"))
        {
            self.odd_entries = true;
        }
        if area == Area::Drafts || (area == Area::Root && name == "drafts") {
            self.odd_drafts = true;
        }
    }

    /// Files and folders open to others (unix): mentalog makes files 0600
    /// and folders 0700.
    #[cfg(unix)]
    fn permissions(&mut self, path: &Path, meta: &fs::Metadata) {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o7777;
        if mode & 0o077 == 0 {
            return;
        }
        let (want, what) = if meta.is_dir() {
            ("700", "folder")
        } else {
            ("600", "file")
        };
        let others = if mode & 0o044 != 0 {
            "others can read it"
        } else {
            "others have access to it"
        };
        let quoted = shell_words::quote(&path.to_string_lossy()).into_owned();
        self.add(
            path,
            Kind::Permissions,
            format!(
                "{others} (mode {mode:04o}); keep the {what} private with: chmod {want} {quoted}"
            ),
        );
    }

    #[cfg(not(unix))]
    fn permissions(&mut self, _path: &Path, _meta: &fs::Metadata) {}

    /// The area of the folder `name` in `area`, reporting it if it is stray.
    fn folder_area(&mut self, path: &Path, name: &str, area: Area) -> Area {
        match area {
            Area::Root => match name {
                "entries" => Area::Entries,
                "drafts" => Area::Drafts,
                "tmp" => Area::Tmp,
                _ => Area::Other,
            },
            Area::Entries if is_year(name) => Area::Year,
            Area::Year if is_month(name) => Area::Month,
            Area::Entries | Area::Year => {
                self.add(path, Kind::Stray, stray_folder(area));
                Area::Other
            }
            // The reflections on an entry, which must be there.
            Area::Month if name.ends_with(".reflections") => {
                if !path.with_extension("json").is_file() {
                    self.add(
                        path,
                        Kind::Stray,
                        "later reflections on an entry that is not here (its file would be beside this folder)",
                    );
                }
                Area::Reflections
            }
            // A folder named like an entry is read as one, and reported by
            // the reader.
            Area::Month if is_json(name) => {
                self.entry_files.push(path.to_path_buf());
                Area::Other
            }
            Area::Drafts if is_json(name) => {
                self.draft_files.push(path.to_path_buf());
                Area::Other
            }
            Area::Month | Area::Drafts | Area::Tmp | Area::Reflections => {
                self.add(path, Kind::Stray, stray_folder(area));
                Area::Other
            }
            Area::Other => Area::Other,
        }
    }

    fn file(&mut self, path: &Path, name: &str, area: Area, meta: &fs::Metadata) {
        if name.starts_with(TMP_PREFIX) || area == Area::Tmp {
            if self.is_old(meta) {
                self.add(
                    path,
                    Kind::Leftover,
                    "a temp file left by a write that did not finish, over an hour old",
                );
            }
            // A younger one may be a write at work.
            return;
        }
        match area {
            Area::Month if is_json(name) => self.entry_files.push(path.to_path_buf()),
            Area::Drafts if is_json(name) => self.draft_files.push(path.to_path_buf()),
            Area::Reflections if is_json(name) => {
                self.reflection_files.push(path.to_path_buf());
            }
            Area::Entries | Area::Year | Area::Month | Area::Drafts | Area::Reflections => {
                self.add(path, Kind::Stray, stray_file(area));
            }
            Area::Root | Area::Tmp | Area::Other => {}
        }
    }

    fn is_old(&self, meta: &fs::Metadata) -> bool {
        meta.modified()
            .ok()
            .and_then(|m| self.now.duration_since(m).ok())
            .is_some_and(|age| age > STALE_AFTER)
    }

    /// The readers' damaged files, but for those already reported as not
    /// files.
    fn add_damaged(&mut self, damaged: &[Damaged]) {
        for d in damaged {
            if !self.not_files.contains(&d.path) {
                self.add(
                    &d.path,
                    Kind::Damaged,
                    format!("cannot be read: {}", d.reason),
                );
            }
        }
    }

    /// Entries in files whose name (or folder) is not the one the store
    /// gives them, and entries held by more than one file.
    fn check_names(&mut self, store: &Store, entries: &[Stored]) {
        let mut by_id: BTreeMap<&str, Vec<&Path>> = BTreeMap::new();
        for s in entries {
            by_id.entry(&s.entry.id).or_default().push(&s.path);
            // Where Store::save_entry puts it.
            let expected = store.entry_path(&s.entry);
            let expected = expected.strip_prefix(self.root).unwrap_or(&expected);
            let actual = s.path.strip_prefix(self.root).unwrap_or(&s.path);
            if actual != expected {
                self.add(
                    &s.path,
                    Kind::Misnamed,
                    format!(
                        "its name does not match the entry it holds (written {}, id {}), which mentalog would keep as {}",
                        s.entry.created.format("%Y-%m-%d %H:%M:%S %:z"),
                        s.entry.short_id(),
                        expected.display()
                    ),
                );
            }
        }
        for (id, paths) in by_id {
            if paths.len() < 2 {
                continue;
            }
            for path in &paths {
                let others: Vec<String> = paths
                    .iter()
                    .filter(|p| *p != path)
                    .map(|p| p.strip_prefix(self.root).unwrap_or(p).display().to_string())
                    .collect();
                let text = format!(
                    "holds the same entry (id {}) as {}",
                    crate::entry::short_id(id),
                    others.join(", ")
                );
                self.add(path, Kind::Duplicate, text);
            }
        }
    }

    /// Reports the drafts that cannot be read; returns how many can.
    /// Every reflection file reads as one.
    fn check_reflections(&mut self) {
        let files = std::mem::take(&mut self.reflection_files);
        for path in files {
            if self.not_files.contains(&path) {
                continue;
            }
            let read = crate::store::read_limited_bytes(
                &path,
                crate::store::sealed_limit(crate::store::MAX_ENTRY_BYTES),
                "reflection",
            )
            .map_err(|e| format!("{e:#}"))
            .and_then(|bytes| crate::crypt::open(&path, bytes))
            .and_then(|bytes| {
                let r: crate::reflection::Reflection =
                    serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
                r.check()
            });
            if let Err(why) = read {
                self.add(&path, Kind::Damaged, format!("cannot be read: {why}"));
            }
        }
    }

    fn check_drafts(&mut self, store: &Store) -> Result<usize> {
        if !self.odd_drafts {
            let (drafts, damaged) = store.drafts()?;
            self.add_damaged(&damaged);
            return Ok(drafts.len());
        }
        // A link among the drafts: only the files are read.
        let mut read = 0;
        for path in std::mem::take(&mut self.draft_files) {
            let draft = check_regular(&path, crate::store::sealed_limit(MAX_DRAFT_BYTES))
                .and_then(|_| fs::read(&path).map_err(|e| e.to_string()))
                .and_then(|b| crate::crypt::open(&path, b))
                .and_then(|b| serde_json::from_slice::<Draft>(&b).map_err(|e| e.to_string()));
            match draft {
                Ok(_) => read += 1,
                Err(reason) => self.add(&path, Kind::Damaged, format!("cannot be read: {reason}")),
            }
        }
        Ok(read)
    }

    /// In an encrypted journal, the files still in plain text (an
    /// `encrypt` that did not finish, or files copied in by hand).
    fn check_sealed(&mut self, store: &Store) -> Result<()> {
        if store.encryption()?.is_none() {
            return Ok(());
        }
        let plan = store.plan_path();
        for path in store.private_files()? {
            if (path == plan && store.plan_readable()) || self.not_files.contains(&path) {
                continue;
            }
            if matches!(crate::store::sealed::is_sealed_file(&path), Ok(false)) {
                self.add(
                    &path,
                    Kind::Unsealed,
                    "in plain text in an encrypted journal; run 'mentalog encrypt' to seal it",
                );
            }
        }
        Ok(())
    }

    /// The sessions file, the state file and the crisis plan, when they are
    /// files (anything else was reported by the walk).
    fn check_documents(&mut self, store: &Store) {
        let is_file = |p: &Path| fs::symlink_metadata(p).is_ok_and(|m| m.is_file());
        let sessions = store.sessions_path();
        // The session records of an encrypted journal are read with it.
        if is_file(&sessions) || store.session_records_dir().is_dir() {
            let read = (if is_file(&sessions) {
                check_regular(&sessions, crate::store::sealed_limit(MAX_ENTRY_BYTES)).map(drop)
            } else {
                Ok(())
            })
            .and_then(|_| {
                store
                    .read_sessions()
                    .map(drop)
                    .map_err(|e| reason(&e, &sessions, self.root))
            });
            if let Err(why) = read {
                self.add(&sessions, Kind::Damaged, format!("cannot be read: {why}"));
            }
        }
        let state = self.root.join("state.json");
        if is_file(&state) {
            let read = read_limited_bytes(&state, MAX_ENTRY_BYTES, "state file")
                .map_err(|e| reason(&e, &state, self.root))
                .and_then(|b| serde_json::from_slice::<State>(&b).map_err(|e| e.to_string()));
            if let Err(why) = read {
                self.add(&state, Kind::Damaged, format!("cannot be read: {why}"));
            }
        }
        let plan = store.plan_path();
        if is_file(&plan)
            && let Err(e) = store.read_plan()
        {
            let why = reason(&e, &plan, self.root);
            self.add(&plan, Kind::Damaged, format!("cannot be read: {why}"));
        }
    }

    /// The problems, sorted by path (then kind), each once.
    fn finish(mut self) -> Vec<Problem> {
        self.problems
            .sort_by(|a, b| (&a.path, a.kind, &a.text).cmp(&(&b.path, b.kind, &b.text)));
        self.problems
            .dedup_by(|a, b| a.path == b.path && a.kind == b.kind && a.text == b.text);
        self.problems
    }
}

/// Every entry and every damaged entry file: through the store's loader,
/// unless a link or an unreadable folder is where entries are kept (the
/// loader would follow the link), when only the files the walk found are read.
fn read_entries(store: &Store, found: &Found) -> Result<(Vec<Stored>, Vec<Damaged>)> {
    if !found.odd_entries {
        // Only the id and the time are looked at: the answers are not kept.
        return store.scan_window(None, None, |read| {
            Some(Stored {
                path: read.path,
                entry: crate::entry::Entry {
                    answers: Vec::new(),
                    ..read.entry
                },
            })
        });
    }
    let mut entries = Vec::new();
    let mut damaged = Vec::new();
    for path in &found.entry_files {
        match read_entry(path) {
            Ok(entry) => entries.push(Stored {
                path: path.clone(),
                entry,
            }),
            Err(reason) => damaged.push(Damaged {
                path: path.clone(),
                reason,
            }),
        }
    }
    Ok((entries, damaged))
}

/// Why a document could not be read, without its absolute path (the line
/// already names it).
fn reason(err: &anyhow::Error, path: &Path, root: &Path) -> String {
    let why = if err.chain().count() > 1 {
        err.root_cause().to_string()
    } else {
        err.to_string()
    };
    let rel = path.strip_prefix(root).unwrap_or(path);
    why.replace(&path.display().to_string(), &rel.display().to_string())
}

fn stray_folder(area: Area) -> &'static str {
    match area {
        Area::Entries => {
            "a folder where no entries are kept (entries are kept in entries/YYYY/MM/, by year)"
        }
        Area::Year => {
            "a folder where no entries are kept (entries are kept in entries/YYYY/MM/, by month 01 to 12)"
        }
        Area::Month => "a folder where only entry files (*.json) are kept",
        Area::Drafts => "a folder where only draft files (*.json) are kept",
        _ => "a folder mentalog does not keep",
    }
}

fn stray_file(area: Area) -> &'static str {
    match area {
        Area::Entries | Area::Year => {
            "not an entry: entries are kept as entries/YYYY/MM/*.json, and nothing else is kept here"
        }
        Area::Month => "not an entry file (*.json): nothing else is kept here",
        Area::Drafts => "not a draft file (*.json): nothing else is kept here",
        _ => "a file mentalog does not keep",
    }
}

fn is_year(name: &str) -> bool {
    name.len() == 4 && name.bytes().all(|b| b.is_ascii_digit())
}

fn is_month(name: &str) -> bool {
    name.len() == 2
        && name.bytes().all(|b| b.is_ascii_digit())
        && matches!(name.parse::<u8>(), Ok(1..=12))
}

/// A name the store reads as an entry or a draft.
fn is_json(name: &str) -> bool {
    !name.starts_with('.') && name.ends_with(".json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_and_months() {
        assert!(is_year("2026"));
        assert!(!is_year("202"));
        assert!(!is_year("20x6"));
        assert!(is_month("01") && is_month("12"));
        assert!(!is_month("13") && !is_month("00") && !is_month("1") && !is_month("+1"));
        assert!(is_json("a.json") && !is_json(".a.json") && !is_json("a.txt"));
    }
}
