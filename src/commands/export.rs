use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result};

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::cli::{ExportArgs, ExportFormat};
use crate::config::Config;
use crate::context::Context;
use crate::entry::{Entry, keys};
use crate::error::Error;
use crate::prompt::{PromptError, Prompter};
use crate::pseudonym::Pseudonyms;
use crate::render::summary::{self as render, Format};
use crate::sessions::{self, Sessions};
use crate::store::{MAX_TEMPLATE_BYTES, Store, check_regular, read_limited, write_replace_with};
use crate::summary::{self, Period};

pub fn run(ctx: &mut Context, args: &ExportArgs) -> Result<()> {
    if args.filter.private {
        return Err(Error::Usage(
            "--private cannot be exported: private entries never leave your journal; 'mentalog list --private' shows them".into(),
        )
        .into());
    }
    // Only shared entries are ever summarised: --shared alone chooses nothing.
    let filter = crate::filter::Filter::from_args(&crate::cli::FilterArgs {
        shared: false,
        ..args.filter.clone()
    })?;
    if args.batch {
        if !args.to.is_empty() || args.to_file.is_some() {
            return Err(Error::Usage(
                "--to and --to-file work with one summary (--out FILE), not with --batch".into(),
            )
            .into());
        }
        return super::batch::run(ctx, args);
    }
    let format = match args.format.as_slice() {
        [one] => *one,
        [] => ExportFormat::Md,
        _ => {
            return Err(Error::Usage(
                "--format can be given once; more than one format is for --batch".into(),
            )
            .into());
        }
    };
    let format = format_of(format);
    if args.ascii && format != Format::Text {
        return Err(Error::Usage(
            "--ascii works only with --format text (arrows and dashes in plain ASCII, for a clinical record)".into(),
        )
        .into());
    }
    let since = super::dates::parse("--since", args.since.as_deref())?;
    let until = super::dates::parse("--until", args.until.as_deref())?;
    let recipients = recipients(args)?;
    let template = match &args.template {
        Some(_) if format == Format::Json => {
            return Err(Error::Usage(
                "--template works with --format md, html or text; the JSON document has a fixed shape".into(),
            )
            .into());
        }
        Some(path) => Some((
            path.display().to_string(),
            read_limited(path, MAX_TEMPLATE_BYTES, "template")?,
        )),
        None => None,
    };

    let store = Store::new(&ctx.paths.data);
    let sessions = store.read_sessions()?;
    let today = ctx.now.date_naive();
    let period = Period {
        since: sessions::resolve_since(since, &sessions, today)
            .map_err(|e| Error::Usage(format!("--since: {e}")))?,
        until: sessions::resolve_until(until, &sessions, today)
            .map_err(|e| Error::Usage(format!("--until: {e}")))?,
    };
    if period.since.is_some_and(|s| s > period.until) {
        return Err(Error::Usage(format!(
            "the period starts after it ends ({} is after {}); check --since and --until",
            period.since.unwrap_or(period.until),
            period.until
        ))
        .into());
    }

    // Where the summary goes is checked before any work is done for it.
    let replaces = match &args.out {
        Some(path) if !args.preview => check_out(ctx, path)?,
        _ => false,
    };

    // Two passes: the period's entries, read on every core and cut down
    // to what the summary counts; then the shared entries again, one at a
    // time as they are written. Only the files that can hold the period's
    // entries are read.
    let (entries, files, matched, damaged) =
        read_period(&store, period, args.pseudonymize, filter.as_ref())?;
    super::report_damaged(&damaged);
    if args.pseudonymize {
        super::plan::warn_config(ctx);
    }
    let journal = Journal {
        store: &ctx.store,
        config: &ctx.config,
        sessions: &sessions,
        entries: &[],
        incomplete: !damaged.is_empty(),
        today,
        slim: true,
        matched: matched.as_ref(),
    };
    let Made {
        mut summary,
        unreplaced,
        prepare,
        shared,
        episodes,
        ..
    } = summarize_selection(
        &journal,
        summary::select_owned(entries, period),
        period,
        args.brief,
        args.pseudonymize,
    );
    if !unreplaced.is_empty() {
        eprintln!(
            "These look like names and were left as written; add them to [names] in {} to swap them: {}",
            crate::text::Shown(&ctx.paths.config.display().to_string()),
            crate::text::Shown(&unreplaced.join(", "))
        );
    }
    let locate = |keys: &[(String, DateTime<FixedOffset>)]| -> Result<Vec<(PathBuf, u64)>> {
        keys.iter()
            .map(|k| {
                files
                    .get(k)
                    .cloned()
                    .ok_or_else(|| anyhow::anyhow!("entry {} was chosen but not read", k.0))
            })
            .collect()
    };
    let chosen = Reread {
        files: locate(&episodes)?,
        prepare,
        ahead: Default::default(),
    };
    let whole = (0..chosen.files.len())
        .map(|i| chosen.entry(i))
        .collect::<std::result::Result<Vec<Entry>, String>>()
        .map_err(anyhow::Error::msg)?;
    summary.episodes = summary::episodes(&whole.iter().collect::<Vec<_>>());
    let appendix: Arc<dyn summary::Appendix> = Arc::new(Reread {
        files: locate(&shared)?,
        prepare: chosen.prepare,
        ahead: Default::default(),
    });

    let interactive_out = args.out.is_some() && !args.preview && ctx.interactive && !args.yes;
    let to_terminal = (args.out.is_none() || args.preview)
        && std::io::IsTerminal::is_terminal(&std::io::stdout());
    if template.is_some() || interactive_out || to_terminal {
        // The whole document first: for a clinic's template (which sees
        // every entry at once), to show it before writing, or to pass it
        // through the gate to a terminal.
        let rendered = match &template {
            Some((name, source)) => {
                summary.entries = (0..appendix.len())
                    .map(|i| appendix.view(i))
                    .collect::<std::result::Result<_, String>>()
                    .map_err(anyhow::Error::msg)?;
                render::render(&summary, format, Some((name, source)), args.ascii)?
            }
            None => render::render_streamed(&summary, format, &appendix, args.ascii)?,
        };
        for note in &rendered.notes {
            eprintln!("Note: {}", crate::text::Shown(note));
        }
        let document = rendered.document;
        match &args.out {
            _ if args.preview => write_stdout(&document)?,
            Some(path) => {
                if interactive_out
                    && !confirm(
                        ctx.prompter.as_mut(),
                        &summary,
                        &appendix,
                        format,
                        &document,
                        path,
                        replaces,
                    )?
                {
                    // The person chose not to: nothing written, nothing failed.
                    eprintln!("Nothing was written.");
                    return Ok(());
                }
                // Through a temp file beside it and a rename: a write that
                // fails leaves the old file whole.
                write_out(path, recipients.as_ref(), |out| {
                    out.write_all(document.as_bytes())?;
                    Ok(())
                })?;
                ctx.note(&wrote(path, recipients.as_ref()));
            }
            None => write_stdout(&document)?,
        }
    } else {
        // Written as it is made: memory does not grow with the journal.
        match &args.out {
            Some(path) if !args.preview => {
                write_out(path, recipients.as_ref(), |out| {
                    render::render_to(&summary, format, Some(&appendix), args.ascii, out)
                })?;
                ctx.note(&wrote(path, recipients.as_ref()));
            }
            _ => {
                let mut out =
                    std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
                render::render_to(&summary, format, Some(&appendix), args.ascii, &mut out)?;
                out.flush()?;
            }
        }
    }
    super::skipped(&damaged)
}

/// One journal as read for a summary: its store (for the pack in use), its
/// config, its sessions and the entries of the period (or every entry).
pub(super) struct Journal<'a> {
    pub store: &'a Store,
    pub config: &'a Config,
    pub sessions: &'a Sessions,
    pub entries: &'a [Entry],
    /// Whether some entry files could not be read.
    pub incomplete: bool,
    pub today: NaiveDate,
    /// The entries are [`summary::slim`] ones: the appendix and the
    /// episodes are made later from the whole entries ([`Made::prepare`]).
    pub slim: bool,
    /// The shared entries the filters chose, when there are filters.
    pub matched: Option<&'a Matched>,
}

/// The entries a filtered summary is about, chosen on the entries as
/// written (before names are swapped), and the filters in words.
pub(super) struct Matched {
    pub keys: std::collections::HashSet<(String, DateTime<FixedOffset>)>,
    pub words: String,
}

impl Matched {
    fn has(&self, e: &Entry) -> bool {
        self.keys.contains(&(e.id.clone(), e.created))
    }
}

/// A summary, and the words that look like names but were left as written
/// (only with pseudonyms).
pub(super) struct Made {
    pub summary: summary::Summary,
    pub unreplaced: Vec<String>,
    /// What was done to each entry before the summary saw it.
    pub prepare: Prepare,
    /// With [`Journal::slim`]: the shared entries (id and time, oldest
    /// first) for the appendix, and those the episodes are made of.
    pub shared: Vec<(String, DateTime<FixedOffset>)>,
    pub episodes: Vec<(String, DateTime<FixedOffset>)>,
    /// Whole entries (a batch): reflection files that could not be read,
    /// left out of the appendix; the summary says it may be incomplete.
    pub damaged: Vec<crate::store::Damaged>,
}

/// What is done to every entry a summary shows, before it sees it: plan
/// openings dropped unless the person lets them leave, and names swapped
/// with pseudonyms.
pub(super) struct Prepare {
    plan_openings: bool,
    names: Option<Pseudonyms>,
}

impl Prepare {
    /// A later reflection as the summary may show it: names swapped too.
    pub fn apply_reflection(
        &self,
        r: &crate::reflection::Reflection,
    ) -> crate::reflection::Reflection {
        let mut r = r.clone();
        if let Some(names) = &self.names {
            for a in &mut r.answers {
                if let crate::entry::Value::Text(t) = &mut a.value {
                    *t = names.apply(t);
                }
            }
        }
        r
    }

    pub fn apply(&self, e: &Entry) -> Entry {
        let mut e = match &self.names {
            Some(names) => names.entry(e),
            None => e.clone(),
        };
        if !self.plan_openings {
            e.plan_opened = None;
        }
        if let Some(names) = &self.names {
            // The focus may name someone too: as each entry kept it, and
            // in the framing of the question about it.
            e.focus = e.focus.map(|f| names.apply(&f));
            for a in e.answers.iter_mut().filter(|a| a.key == keys::FOCUS_ABOUT) {
                a.framing = a.framing.as_deref().map(|f| names.apply(f));
            }
        }
        e
    }
}

/// The summary of `journal` over `period`: the one way a summary is made,
/// for a single export and for each file of a batch.
pub(super) fn summarize(
    journal: &Journal,
    period: Period,
    brief: bool,
    pseudonymize: bool,
) -> Made {
    // What may be shown is decided there, and only there.
    let selection = summary::select(journal.entries, period);
    summarize_selection(journal, selection, period, brief, pseudonymize)
}

/// [`summarize`], from entries already chosen by [`summary::select`] (or
/// [`summary::select_owned`]).
pub(super) fn summarize_selection(
    journal: &Journal,
    selection: summary::Selection,
    period: Period,
    brief: bool,
    pseudonymize: bool,
) -> Made {
    let config = journal.config;
    // The focus agreed now and the safety threshold in force: the
    // config's, else those of the pack in use. A pack that cannot be read
    // only means no focus and the default threshold here; `new` and `pack
    // check` say what is wrong with it.
    let pack = crate::store::packs::load_pack(journal.store, config, None).ok();
    let mut focus = config
        .focus
        .clone()
        .or_else(|| pack.as_ref().and_then(|p| p.focus.clone()));
    let threshold = config.safety_threshold.unwrap_or_else(|| {
        pack.as_ref()
            .map_or(summary::DEFAULT_THRESHOLD, |p| p.safety_threshold)
    });
    let mut prepare = Prepare {
        plan_openings: config.share_plan_openings,
        names: None,
    };
    let mut unreplaced = Vec::new();
    if pseudonymize {
        // Names come from what is shared and the config only, so that the
        // output never changes with the private entries.
        let names = Pseudonyms::new(selection.all(), &config.names);
        unreplaced = names.unreplaced(selection.shared());
        // The focus agreed now may name someone too.
        focus = focus.map(|f| names.apply(&f));
        prepare.names = Some(names);
    }
    let selection = selection.map(|e| prepare.apply(e));
    let only = |e: &Entry| journal.matched.is_none_or(|m| m.has(e));
    // The filters may name someone (`--person karl`): swapped like the rest.
    let filter_words = journal.matched.map(|m| match &prepare.names {
        Some(names) => names.apply(&m.words),
        None => m.words.clone(),
    });
    // Whole entries (a batch): their reflections are read here, names swapped.
    let unreadable = std::sync::Mutex::new(Vec::new());
    let later = |e: &Entry| {
        let (list, damaged) =
            crate::store::reflections::read_reflections(&journal.store.entry_path(e));
        if let Ok(mut all) = unreadable.lock() {
            all.extend(damaged);
        }
        list.iter().map(|r| prepare.apply_reflection(r)).collect()
    };
    let options = summary::Options {
        focus: focus.as_deref(),
        brief,
        label: config.label.as_deref(),
        threshold,
        sessions: &journal.sessions.held,
        only: journal
            .matched
            .map(|_| &only as &(dyn Fn(&Entry) -> bool + Sync)),
        filter: filter_words.as_deref(),
        reflections: (!journal.slim).then_some(&later as &summary::LaterOf),
        slim: journal.slim,
    };
    let mut summary = summary::build_with(
        &selection,
        period,
        journal.sessions.upcoming(journal.today),
        pseudonymize,
        &options,
    );
    // Any unreadable file may have been in the period: the summary says it
    // may be incomplete, and stderr says which files.
    let damaged = unreadable.into_inner().unwrap_or_default();
    summary.incomplete = journal.incomplete || !damaged.is_empty();
    let key = |e: &Entry| (e.id.clone(), e.created);
    let (shared, episodes) = if journal.slim {
        let shared: Vec<&Entry> = selection.shared().iter().filter(|e| only(e)).collect();
        (
            if brief {
                Vec::new()
            } else {
                shared.iter().map(|e| key(e)).collect()
            },
            summary::episode_entries(&shared)
                .into_iter()
                .map(key)
                .collect(),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    Made {
        summary,
        unreplaced,
        prepare,
        shared,
        episodes,
        damaged,
    }
}

/// The shared entries of a summary made from slim entries, read again as
/// they are written, each checked to be the file chosen: a few dozen at a
/// time, on every core, while the writer waits for the first of them.
#[derive(Debug)]
struct Reread {
    files: Vec<(PathBuf, u64)>,
    prepare: Prepare,
    /// The entries read ahead: the index of the first, and each one's view.
    ahead: std::sync::Mutex<(usize, Vec<Option<ReadView>>)>,
}

type ReadView = std::result::Result<summary::EntryView, String>;

/// How many entries are read ahead at once.
const AHEAD: usize = 64;

impl std::fmt::Debug for Prepare {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepare")
            .field("plan_openings", &self.plan_openings)
            .field("names", &self.names.is_some())
            .finish()
    }
}

impl Reread {
    fn entry(&self, i: usize) -> std::result::Result<Entry, String> {
        let (path, digest) = &self.files[i];
        crate::store::reread_entry(path, *digest)
            .and_then(|e| {
                // Only shared entries are read again (the appendix, the
                // episodes): anything else here is a mistake, never shown.
                if e.shared {
                    Ok(e)
                } else {
                    Err("it is not a shared entry".into())
                }
            })
            .map(|e| self.prepare.apply(&e))
            .map_err(|why| {
                format!(
                    "cannot read {} again: {why}",
                    crate::text::OneLine(&path.display().to_string())
                )
            })
    }
}

impl summary::Appendix for Reread {
    fn len(&self) -> usize {
        self.files.len()
    }

    fn view(&self, i: usize) -> ReadView {
        use rayon::prelude::*;
        let view = |j: usize| -> ReadView {
            let e = self.entry(j)?;
            let (path, _) = &self.files[j];
            let (later, damaged) = crate::store::reflections::read_reflections(path);
            // A reflection that cannot be read would leave a hole no one sees.
            if let Some(d) = damaged.first() {
                return Err(format!(
                    "cannot read the reflection {}: {} (move it out of the folder, or restore it from a backup, and export again)",
                    crate::text::OneLine(&d.path.display().to_string()),
                    crate::text::OneLine(&d.reason)
                ));
            }
            let later: Vec<_> = later
                .iter()
                .map(|r| self.prepare.apply_reflection(r))
                .collect();
            Ok(summary::view_with(&e, &later))
        };
        let mut ahead = self
            .ahead
            .lock()
            .map_err(|_| "the entries read ahead were lost".to_string())?;
        let (first, views) = &mut *ahead;
        if let Some(view) = i.checked_sub(*first).and_then(|k| views.get_mut(k)?.take()) {
            return view;
        }
        let end = (i + AHEAD).min(self.files.len());
        *first = i;
        *views = (i..end).into_par_iter().map(|j| Some(view(j))).collect();
        views
            .first_mut()
            .and_then(Option::take)
            .unwrap_or_else(|| Err(format!("entry {i} of the summary is not there")))
    }
}

/// Reads the period's entries for a summary, keeping only what it can
/// show, cut down ([`summary::slim`]) but with pseudonyms (which read the
/// person's own words of every shared entry), and where each came from.
fn read_period(
    store: &Store,
    period: Period,
    pseudonymize: bool,
    filter: Option<&crate::filter::Filter>,
) -> Result<PeriodRead> {
    // Private entries and those outside the period are not read whole.
    let shown = |h: &crate::store::Head| {
        (h.shared || h.safety_shared) && period.contains_day(h.created.date_naive())
    };
    let (kept, damaged) =
        store.scan_window_where(period.since, Some(period.until), shown, |read| {
            let e = read.entry;
            if !(e.shared || e.safety_shared) || !period.contains(&e) {
                return None;
            }
            // Filters read the whole entry, as written.
            let matched = filter.is_none_or(|f| f.matches(&e));
            let e = if pseudonymize { e } else { summary::slim(e) };
            Some((e, read.path, read.digest, matched))
        })?;
    // Two files holding one entry (a copy made by hand or by a sync) could
    // be told apart by nothing but their path: neither is shown, both are
    // reported, and the summary says it may be incomplete.
    let mut copies: std::collections::HashMap<(String, DateTime<FixedOffset>), usize> =
        Default::default();
    for (e, ..) in &kept {
        *copies.entry((e.id.clone(), e.created)).or_default() += 1;
    }
    let mut damaged = damaged;
    let mut entries = Vec::with_capacity(kept.len());
    let mut files = Files::new();
    let mut matched = filter.map(|f| Matched {
        keys: Default::default(),
        words: f.describe(),
    });
    for (e, path, digest, chosen) in kept {
        let key = (e.id.clone(), e.created);
        if copies.get(&key).is_some_and(|n| *n > 1) {
            damaged.push(crate::store::Damaged {
                path,
                reason: format!(
                    "another file holds the same entry ({}); neither is shown ('mentalog check' lists both)",
                    e.short_id()
                ),
            });
            continue;
        }
        if chosen && let Some(m) = &mut matched {
            m.keys.insert(key.clone());
        }
        files.insert(key, (path, digest));
        entries.push(e);
    }
    damaged.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((entries, files, matched, damaged))
}

type Files = std::collections::HashMap<(String, DateTime<FixedOffset>), (PathBuf, u64)>;

/// What [`read_period`] gives: the entries (cut down), where each came
/// from, those the filters chose, and the files that could not be read.
type PeriodRead = (
    Vec<Entry>,
    Files,
    Option<Matched>,
    Vec<crate::store::Damaged>,
);

/// The recipients an export is encrypted to (`--to`, `--to-file`).
#[cfg(feature = "encryption")]
type Recipients = crate::crypt::Recipients;
/// Never made: this build cannot encrypt.
#[cfg(not(feature = "encryption"))]
enum Recipients {}

fn recipients(args: &ExportArgs) -> Result<Option<Recipients>> {
    let asked = !args.to.is_empty() || args.to_file.is_some();
    if asked && args.preview {
        return Err(Error::Usage(
            "--preview shows the summary as it is; --to and --to-file write it encrypted with --out".into(),
        )
        .into());
    }
    #[cfg(feature = "encryption")]
    {
        Recipients::from_args(&args.to, args.to_file.as_deref())
    }
    #[cfg(not(feature = "encryption"))]
    {
        if asked {
            return Err(Error::Usage(
                "this mentalog was built without encryption (the cargo feature `encryption`); --to and --to-file need it".into(),
            )
            .into());
        }
        Ok(None)
    }
}

/// Writes the summary to `path` atomically, encrypted when there are recipients.
fn write_out(
    path: &Path,
    recipients: Option<&Recipients>,
    fill: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    match recipients {
        #[cfg(feature = "encryption")]
        Some(r) => write_replace_with(path, |out| r.encrypt(out, fill)),
        #[cfg(not(feature = "encryption"))]
        Some(never) => match *never {},
        None => write_replace_with(path, fill),
    }
}

/// "Wrote FILE", and for whom it is encrypted.
fn wrote(path: &Path, recipients: Option<&Recipients>) -> String {
    match recipients {
        #[cfg(feature = "encryption")]
        Some(r) => format!(
            "Wrote {}, encrypted: only the key of {} opens it (age -d).",
            path.display(),
            if r.len() == 1 {
                "its recipient".to_string()
            } else {
                format!("one of its {} recipients", r.len())
            }
        ),
        #[cfg(not(feature = "encryption"))]
        Some(never) => match *never {},
        None => format!("Wrote {}", path.display()),
    }
}

/// Whether `--out` may write `path`: never into the data folder (the crisis
/// plan, an entry, the sessions) or over the config file, and never over
/// anything but a regular file (a link, a folder, a FIFO, a device). Returns
/// whether it replaces an existing file.
fn check_out(ctx: &Context, path: &Path) -> Result<bool> {
    let refuse = |why: String| -> anyhow::Error {
        Error::Usage(format!("--out {}: {why}", path.display())).into()
    };
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !folder.is_dir() {
        return Err(refuse(format!(
            "the folder {} does not exist; create it first or choose another",
            folder.display()
        )));
    }
    let Some(name) = path.file_name() else {
        return Err(refuse("this is a folder; give the name of a file".into()));
    };
    // The target need not exist yet: its folder, with links resolved, says where it is.
    let target = folder
        .canonicalize()
        .with_context(|| format!("cannot resolve the folder {}", folder.display()))?
        .join(name);
    if target.starts_with(resolved(&ctx.paths.data)) {
        return Err(refuse(format!(
            "this is inside the data folder {}, which holds your entries and crisis plan; write the summary somewhere else",
            ctx.paths.data.display()
        )));
    }
    let config = &ctx.paths.config;
    let config_at = config
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(resolved)
        .zip(config.file_name())
        .map(|(dir, name)| dir.join(name));
    if target == resolved(config) || config_at.is_some_and(|c| c == target) {
        return Err(refuse(
            "this is your config file; write the summary somewhere else".into(),
        ));
    }
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e).with_context(|| format!("cannot look at {}", path.display())),
        Ok(meta) if meta.file_type().is_symlink() => Err(refuse(
            "this is a symbolic link, and a summary is never written through one; give the name of the file itself, or another name".into(),
        )),
        Ok(meta) if !meta.is_file() => {
            let why = check_regular(path, u64::MAX)
                .err()
                .unwrap_or_else(|| "it is not a regular file".into());
            Err(refuse(format!("{why}; give the name of a file")))
        }
        Ok(_) => Ok(true),
    }
}

/// `path` with links resolved, or as an absolute path when it does not exist.
fn resolved(path: &Path) -> PathBuf {
    path.canonicalize()
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

fn write_stdout(document: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    // A clinic's template may hold anything; a terminal gets it clean.
    if std::io::IsTerminal::is_terminal(&out) {
        write!(out, "{}", crate::text::Shown(document))?;
    } else {
        out.write_all(document.as_bytes())?;
    }
    out.flush()?;
    Ok(())
}

/// Shows exactly what will leave the machine and asks before writing it.
/// HTML is shown as its text form, which holds the same words. Ctrl-C at
/// the question, or while it is shown, writes nothing.
fn confirm(
    prompter: &mut dyn Prompter,
    summary: &summary::Summary,
    appendix: &Arc<dyn summary::Appendix>,
    format: Format,
    document: &str,
    path: &Path,
    replaces: bool,
) -> Result<bool> {
    const NOTHING: &str = "Nothing was written.";
    crate::signal::set_message(NOTHING);
    let shown = match format {
        Format::Html => render::render_streamed(summary, Format::Text, appendix, false)?.document,
        _ => document.to_string(),
    };
    // A clinic's template or the journal may hold anything; the terminal
    // gets it through the one gate.
    eprintln!("{}", crate::entry::clean(&shown));
    eprintln!("----");
    if format == Format::Html {
        eprintln!("(Shown above as text; the file will be HTML with the same words.)");
    }
    let shown_path = crate::entry::clean(&path.display().to_string());
    let question = if replaces {
        format!("Replace the existing file {shown_path} with this summary?")
    } else {
        format!("Write this to {shown_path}?")
    };
    let answer = match prompter.confirm(&question) {
        Err(PromptError::Interrupted) => Err(Error::Cancelled(NOTHING.into()).into()),
        other => Ok(other?),
    };
    crate::signal::set_message("Stopped.");
    answer
}

/// The renderer's name for a format on the command line.
pub fn format_of(format: ExportFormat) -> Format {
    match format {
        ExportFormat::Md => Format::Markdown,
        ExportFormat::Html => Format::Html,
        ExportFormat::Json => Format::Json,
        ExportFormat::Text => Format::Text,
    }
}
