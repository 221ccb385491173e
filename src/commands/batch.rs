//! `export --batch`: many journals, split into periods, one file per
//! journal, period and format in `--out-dir`, and a JSON Lines manifest on
//! stdout. A journal that cannot be read fails alone; the rest is written.
//! Summaries are made by `export::summarize`, as for a single export.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow};
use chrono::{Datelike, Days, NaiveDate};
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::export::{Journal, Made, format_of, summarize};
use crate::cli::{BatchBy, ExportArgs, ExportFormat};
use crate::config::Config;
use crate::context::Context;
use crate::entry::Entry;
use crate::error::Error;
use crate::render::summary::{self as render, Format};
use crate::sessions::Sessions;
use crate::store::{
    MAX_TEMPLATE_BYTES, Store, create_private_dir_all, read_limited, read_limited_bytes,
    write_replace,
};
use crate::summary::{self, Period};

/// The version of one manifest line (`mentalog schema manifest`).
pub const MANIFEST_SCHEMA: &str = "mentalog.manifest/1";

/// What every journal of the batch is exported with.
struct Plan {
    formats: Vec<ExportFormat>,
    by: BatchBy,
    out_dir: PathBuf,
    template: Option<(String, String)>,
    brief: bool,
    pseudonymize: bool,
    ascii: bool,
    today: NaiveDate,
    filter: Option<crate::filter::Filter>,
    /// One passphrase file (or recovery copy) for every encrypted journal.
    keys: crate::unlock::Sources,
}

/// One journal to export: its folder as given, where its config is (if it
/// has one to use), and the folder its files go into.
struct Job {
    dir: PathBuf,
    config: Option<PathBuf>,
    label: String,
}

#[derive(Serialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Span {
    since: NaiveDate,
    until: NaiveDate,
}

#[derive(Serialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
enum Status {
    Written,
    Unchanged,
    Failed,
}

/// One line of the manifest: one file, written or not.
#[derive(Serialize)]
struct Line {
    schema: &'static str,
    journal: String,
    label: String,
    period: Option<Span>,
    format: &'static str,
    path: Option<String>,
    entries: usize,
    skipped: usize,
    sha256: Option<String>,
    status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// What one journal gave: its manifest lines and its messages for stderr.
struct Done {
    lines: Vec<Line>,
    messages: Vec<String>,
    /// Files of the journal that could not be read, whether or not any
    /// summary was due.
    skipped: usize,
}

pub fn run(ctx: &mut Context, args: &ExportArgs) -> Result<()> {
    let plan = plan(ctx, args)?;
    let jobs = jobs(ctx, args, &plan)?;

    // A bar only for a person watching; scripts get nothing on stderr but
    // what went wrong.
    let bar = (std::io::stderr().is_terminal() && !ctx.quiet).then(|| {
        let bar = indicatif::ProgressBar::new(jobs.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} journals")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let mut done: Vec<Done> = jobs
        .par_iter()
        .map(|job| {
            let done = export_journal(job, &plan);
            if let Some(bar) = &bar {
                bar.inc(1);
            }
            done
        })
        .collect();
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }

    // Printed once all is done, in an order that does not depend on which
    // thread finished first.
    let mut lines: Vec<Line> = Vec::new();
    for d in &mut done {
        for message in &d.messages {
            eprintln!("{message}");
        }
        lines.append(&mut d.lines);
    }
    lines.sort_by(|a, b| (&a.journal, a.period, a.format).cmp(&(&b.journal, b.period, b.format)));
    let mut out = std::io::stdout().lock();
    for line in &lines {
        serde_json::to_writer(&mut out, line)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;

    let failed = lines.iter().filter(|l| l.status == Status::Failed).count();
    if failed > 0 {
        let what = if failed == 1 {
            "1 file".to_string()
        } else {
            format!("{failed} files")
        };
        let rest = match lines.len() - failed {
            0 => "no other file was due".to_string(),
            n => format!("the other {n} are in place"),
        };
        return Err(anyhow!(
            "{what} could not be written (named above and in the manifest); {rest}"
        ));
    }
    // Each journal's unreadable files, counted once per journal, also
    // where no summary was due.
    match done.iter().map(|d| d.skipped).sum::<usize>() {
        0 => Ok(()),
        n => Err(Error::Skipped(n).into()),
    }
}

/// Checks the flags that apply to every journal, before any work is done.
fn plan(ctx: &Context, args: &ExportArgs) -> Result<Plan> {
    let usage = |s: &str| -> anyhow::Error { Error::Usage(s.into()).into() };
    if args.since.is_some() || args.until.is_some() {
        return Err(usage(
            "--since and --until do not go with --batch, whose periods come from --by session|week|month|all",
        ));
    }
    let mut formats = args.format.clone();
    if formats.is_empty() {
        formats.push(ExportFormat::Md);
    }
    formats.sort_by_key(|f| ext(*f));
    formats.dedup();
    if args.ascii && formats.iter().any(|f| *f != ExportFormat::Text) {
        return Err(usage(
            "--ascii works only with --format text (arrows and dashes in plain ASCII, for a clinical record)",
        ));
    }
    let template = match &args.template {
        Some(_) if formats.contains(&ExportFormat::Json) => {
            return Err(usage(
                "--template works with --format md, html or text; the JSON document has a fixed shape",
            ));
        }
        Some(path) => Some((
            path.display().to_string(),
            read_limited(path, MAX_TEMPLATE_BYTES, "template")?,
        )),
        None => None,
    };
    let Some(out_dir) = args.out_dir.clone() else {
        return Err(usage("--batch needs --out-dir, the folder to write into"));
    };
    Ok(Plan {
        filter: crate::filter::Filter::from_args(&crate::cli::FilterArgs {
            shared: false,
            ..args.filter.clone()
        })?,
        formats,
        by: args.by,
        out_dir,
        template,
        brief: args.brief,
        pseudonymize: args.pseudonymize,
        ascii: args.ascii,
        today: ctx.now.date_naive(),
        keys: ctx.keys.clone(),
    })
}

/// Every journal to export, once each, with its config and output folder.
fn jobs(ctx: &Context, args: &ExportArgs, plan: &Plan) -> Result<Vec<Job>> {
    let mut dirs: Vec<PathBuf> = ctx.dirs.clone();
    if let Some(list) = &args.dirs_from {
        let text = read_limited(list, 16 * 1024 * 1024, "list of journals")?;
        dirs.extend(
            text.lines()
                .map(|l| l.trim_end_matches('\r'))
                .filter(|l| !l.trim().is_empty())
                .map(PathBuf::from),
        );
    }
    // No folder named at all: the journal mentalog would use anyway, with
    // its config. A list that names none is a mistake, never a reason to
    // export the invoking person's own journal.
    if dirs.is_empty() && args.dirs_from.is_some() {
        return Err(Error::Usage(format!(
            "--dirs-from {} names no folder; write one data folder per line",
            args.dirs_from.as_deref().unwrap_or(Path::new("")).display()
        ))
        .into());
    }
    let own = dirs.is_empty();
    if own {
        dirs.push(ctx.paths.data.clone());
    }
    let given = &ctx.config_given;
    let out = resolved(&plan.out_dir);
    let mut seen = std::collections::BTreeSet::new();
    let mut jobs = Vec::new();
    for dir in dirs {
        let absolute = std::path::absolute(&dir).unwrap_or_else(|_| dir.clone());
        if !seen.insert(owner(&dir)) {
            continue;
        }
        let journal_at = resolved(&dir);
        if out.starts_with(&journal_at) || journal_at.starts_with(&out) {
            return Err(Error::Usage(format!(
                "--out-dir {} and the journal {} are one inside the other; a journal holds entries and a crisis plan: write the summaries somewhere else",
                plan.out_dir.display(),
                dir.display()
            ))
            .into());
        }
        // The config named for all, else the journal's own, else none:
        // never the invoking person's own config for someone else's journal.
        let config = if own {
            Some(ctx.paths.config.clone())
        } else {
            given
                .clone()
                .or_else(|| crate::paths::own_config(&absolute))
        };
        let label = config
            .as_deref()
            .map(Config::load)
            .and_then(|c| c.label)
            .map(|l| safe_name(&l))
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| {
                let name = absolute
                    .file_name()
                    .map(|n| safe_name(&n.to_string_lossy()))
                    .unwrap_or_default();
                if name.is_empty() {
                    "journal".into()
                } else {
                    name
                }
            });
        jobs.push(Job { dir, config, label });
    }
    // Journals that would share a folder each get a short hash of their path.
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for job in &jobs {
        *count.entry(job.label.to_lowercase()).or_default() += 1;
    }
    for job in &mut jobs {
        if count[&job.label.to_lowercase()] > 1 {
            let hash = hex(&Sha256::digest(owner(&job.dir).as_bytes()));
            job.label = format!("{}-{}", job.label, &hash[..8]);
        }
    }
    Ok(jobs)
}

/// The journal's folder as one string whatever way it was typed (a trailing
/// slash, `..`, a link): what its output folder belongs to.
fn owner(dir: &Path) -> String {
    std::fs::canonicalize(dir)
        .or_else(|_| std::path::absolute(dir))
        .unwrap_or_else(|_| dir.to_path_buf())
        .display()
        .to_string()
}

/// The file in each output folder that names the journal it belongs to.
const OWNER_FILE: &str = ".mentalog-journal";

/// Makes sure `folder` holds the summaries of `journal` and nobody else's:
/// a new folder is marked as the journal's; a folder marked for another
/// journal is refused, so one person's summary never replaces another's.
fn claim(folder: &Path, journal: &str) -> Result<()> {
    create_private_dir_all(folder)?;
    let marker = folder.join(OWNER_FILE);
    match read_limited(&marker, 64 * 1024, "output folder's owner") {
        Ok(text) if text.trim_end_matches('\n') == journal => Ok(()),
        Ok(_) => Err(anyhow!(
            "{} holds the summaries of another journal (see {}); give this journal a label of its own in its config.toml, or use another --out-dir",
            folder.display(),
            OWNER_FILE
        )),
        Err(_) if marker.symlink_metadata().is_err() => {
            crate::store::write_new(&marker, format!("{journal}\n").as_bytes())
        }
        Err(e) => Err(e),
    }
}

/// One journal: read it, split it into periods, write every file.
fn export_journal(job: &Job, plan: &Plan) -> Done {
    let journal = job.dir.display().to_string();
    let mut done = Done {
        lines: Vec::new(),
        messages: Vec::new(),
        skipped: 0,
    };
    let line = |period, format, path: Option<&Path>, entries, skipped| Line {
        schema: MANIFEST_SCHEMA,
        journal: journal.clone(),
        label: job.label.clone(),
        period,
        format: ext(format),
        path: path.map(|p| p.display().to_string()),
        entries,
        skipped,
        sha256: None,
        status: Status::Failed,
        error: None,
    };
    let shown = crate::text::OneLine(&journal).to_string();

    let opened = open(job, plan);
    let (store, config, sessions, entries, damaged) = match opened {
        Ok(o) => o,
        Err(e) => {
            let error = format!("{e:#}");
            done.messages.push(format!(
                "mentalog: journal {shown} was not exported: {}",
                crate::text::OneLine(&error)
            ));
            for format in &plan.formats {
                let mut l = line(None, *format, None, 0, 0);
                l.error = Some(error.clone());
                done.lines.push(l);
            }
            return done;
        }
    };
    done.skipped = damaged.len();
    for d in &damaged {
        done.messages.push(format!(
            "mentalog: cannot read {}: {} (skipped and left as it is; restore it from a backup, or move it out of the folder)",
            crate::text::OneLine(&d.path.display().to_string()),
            crate::text::OneLine(&d.reason)
        ));
    }
    for problem in &config.problems {
        done.messages.push(format!(
            "mentalog: warning: journal {shown}: {}",
            crate::text::Shown(problem)
        ));
    }
    // Filters choose among the entries as written, before names are swapped.
    let matched = plan.filter.as_ref().map(|f| super::export::Matched {
        keys: entries
            .iter()
            .filter(|e| f.matches(e))
            .map(|e| (e.id.clone(), e.created))
            .collect(),
        words: f.describe(),
    });
    let view = Journal {
        store: &store,
        config: &config,
        sessions: &sessions,
        entries: &entries,
        incomplete: !damaged.is_empty(),
        today: plan.today,
        slim: false,
        matched: matched.as_ref(),
    };
    let folder = plan.out_dir.join(&job.label);
    let journal_owner = owner(&job.dir);
    for period in periods(&entries, &sessions, plan.by) {
        // The next session as seen from the period's end, not from the
        // clock: an unchanged journal gives unchanged files on any day.
        let view = Journal {
            today: period.until,
            ..view
        };
        let Made {
            summary,
            unreplaced,
            damaged: unreadable,
            ..
        } = summarize(
            &view,
            Period {
                since: Some(period.since),
                until: period.until,
            },
            plan.brief,
            plan.pseudonymize,
        );
        if !unreplaced.is_empty() {
            done.messages.push(format!(
                "Journal {shown}, {} to {}: these look like names and were left as written; add them to [names] in its config to swap them: {}",
                period.since,
                period.until,
                crate::text::Shown(&unreplaced.join(", "))
            ));
        }
        // A reflection that could not be read is named, and counted as skipped.
        for d in &unreadable {
            done.messages.push(format!(
                "mentalog: cannot read {}: {} (skipped and left as it is; restore it from a backup, or move it out of the folder)",
                crate::text::OneLine(&d.path.display().to_string()),
                crate::text::OneLine(&d.reason)
            ));
        }
        done.skipped += unreadable.len();
        let shared = summary::select(&entries, summary.period).shared().len();
        for format in &plan.formats {
            let path = folder.join(format!(
                "{}_{}.{}",
                period.since,
                period.until,
                ext(*format)
            ));
            let mut l = line(Some(period), *format, Some(&path), shared, damaged.len());
            match write_one(&summary, *format, plan, &folder, &journal_owner, &path) {
                Ok((status, sha)) => {
                    l.status = status;
                    l.sha256 = Some(sha);
                }
                Err(e) => {
                    let error = format!("{e:#}");
                    done.messages.push(format!(
                        "mentalog: {} was not written: {}",
                        crate::text::OneLine(&path.display().to_string()),
                        crate::text::OneLine(&error)
                    ));
                    l.error = Some(error);
                }
            }
            done.lines.push(l);
        }
    }
    done
}

type Opened = (
    Store,
    Config,
    Sessions,
    Vec<Entry>,
    Vec<crate::store::Damaged>,
);

fn open(job: &Job, plan: &Plan) -> Result<Opened> {
    let store = Store::new(&job.dir);
    store.require_journal()?;
    // Never asked: a batch runs unattended, with one passphrase file.
    crate::unlock::unlock(&store, &plan.keys, None)?;
    let config = job.config.as_deref().map(Config::load).unwrap_or_default();
    let sessions = store.read_sessions()?;
    let loaded = store.load()?;
    let entries = loaded.entries.into_iter().map(|s| s.entry).collect();
    Ok((store, config, sessions, entries, loaded.damaged))
}

/// Renders one file and writes it unless the same bytes are there already.
fn write_one(
    summary: &summary::Summary,
    format: ExportFormat,
    plan: &Plan,
    folder: &Path,
    journal: &str,
    path: &Path,
) -> Result<(Status, String)> {
    let template = plan
        .template
        .as_ref()
        .map(|(name, source)| (name.as_str(), source.as_str()));
    let rendered = render::render(summary, format_of(format), template, plan.ascii)?;
    let bytes = rendered.document.as_bytes();
    let sha = hex(&Sha256::digest(bytes));
    claim(folder, journal)?;
    // Temp files a killed batch left here go before anything is written.
    crate::store::remove_stale(folder);
    let same = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() => {
            read_limited_bytes(path, bytes.len() as u64 + 1, "summary").is_ok_and(|b| b == bytes)
        }
        Ok(_) => {
            return Err(anyhow!(
                "{} is not a regular file; move it away and run the batch again",
                path.display()
            ));
        }
        Err(_) => false,
    };
    if same {
        return Ok((Status::Unchanged, sha));
    }
    write_replace(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    Ok((Status::Written, sha))
}

/// The periods of a journal that hold at least one entry a summary may
/// show, oldest first. Private entries are left out here too, so that they
/// leave no trace: not even a file for a period of only private entries.
fn periods(entries: &[Entry], sessions: &Sessions, by: BatchBy) -> Vec<Span> {
    let everything = Period {
        since: None,
        until: NaiveDate::MAX,
    };
    let selection = summary::select(entries, everything);
    let mut days: Vec<NaiveDate> = selection.all().map(|e| e.created.date_naive()).collect();
    days.sort_unstable();
    days.dedup();
    let (Some(&first), Some(&last)) = (days.first(), days.last()) else {
        return Vec::new();
    };
    let mut held = sessions.held.clone();
    held.sort_unstable();
    held.dedup();
    let bounds = |day: NaiveDate| -> Span {
        match by {
            BatchBy::All => Span {
                since: first,
                until: last,
            },
            BatchBy::Month => {
                let since = day.with_day(1).unwrap_or(day);
                let until = since
                    .checked_add_months(chrono::Months::new(1))
                    .and_then(|d| d.pred_opt())
                    .unwrap_or(day);
                Span { since, until }
            }
            BatchBy::Week => {
                let since = day - Days::new(u64::from(day.weekday().num_days_from_monday()));
                Span {
                    since,
                    until: since + Days::new(6),
                }
            }
            BatchBy::Session => {
                // From a session to the day before the next; before the first
                // from the first entry, after the last to the last entry.
                let from = held.iter().rev().find(|s| **s <= day).copied();
                let next = held.iter().find(|s| **s > day).copied();
                Span {
                    since: from.unwrap_or(first),
                    until: next.and_then(|n| n.pred_opt()).unwrap_or(last),
                }
            }
        }
    };
    let mut periods: Vec<Span> = days.into_iter().map(bounds).collect();
    periods.dedup();
    periods
}

/// A label as a file name: letters, digits, `-`, `_` and `.`, with any run
/// of other characters as one `_`, never starting with a dot, at most 64
/// characters.
fn safe_name(label: &str) -> String {
    let mut name = String::new();
    for c in label.chars() {
        if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
            name.push(c);
        } else if !name.ends_with('_') {
            name.push('_');
        }
    }
    let name = name.trim_start_matches(['.', '_']).trim_end_matches('_');
    name.chars().take(64).collect()
}

fn ext(format: ExportFormat) -> &'static str {
    match format_of(format) {
        Format::Markdown => "md",
        Format::Html => "html",
        Format::Json => "json",
        Format::Text => "txt",
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// `path` with links resolved, or as an absolute path when it does not exist.
fn resolved(path: &Path) -> PathBuf {
    path.canonicalize()
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_become_safe_file_names() {
        assert_eq!(safe_name("A.B., clinic 4711"), "A.B._clinic_4711");
        assert_eq!(safe_name("../../etc"), "etc");
        assert_eq!(safe_name("  "), "");
        assert_eq!(safe_name("Zoë/ß"), "Zoë_ß");
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn at(s: &str, shared: bool) -> Entry {
        let created = chrono::DateTime::parse_from_rfc3339(&format!("{s}T20:00:00+00:00")).unwrap();
        serde_json::from_value(serde_json::json!({
            "schema": crate::entry::SCHEMA_VERSION,
            "id": format!("{:032x}", created.timestamp()),
            "created": created,
            "pack": { "id": "mbt-core", "version": "1" },
            "shared": shared,
            "safety_shared": shared,
            "safety_lane": false,
            "answers": []
        }))
        .unwrap()
    }

    fn split(entries: &[Entry], held: &[&str], by: BatchBy) -> Vec<(String, String)> {
        let sessions = Sessions {
            held: held.iter().map(|d| day(d)).collect(),
            ..Sessions::default()
        };
        periods(entries, &sessions, by)
            .into_iter()
            .map(|p| (p.since.to_string(), p.until.to_string()))
            .collect()
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter().map(|(a, b)| ((*a).into(), (*b).into())).collect()
    }

    #[test]
    fn periods_hold_shared_entries_only() {
        let entries = [
            at("2026-10-28", false),
            at("2026-11-01", true),
            at("2026-11-02", true),
            at("2026-11-12", true),
            at("2026-12-24", false),
        ];
        assert_eq!(
            split(&entries, &[], BatchBy::All),
            pairs(&[("2026-11-01", "2026-11-12")])
        );
        assert_eq!(
            split(&entries, &[], BatchBy::Month),
            pairs(&[("2026-11-01", "2026-11-30")])
        );
        // ISO weeks, Monday to Sunday: 1 November 2026 is a Sunday.
        assert_eq!(
            split(&entries, &[], BatchBy::Week),
            pairs(&[
                ("2026-10-26", "2026-11-01"),
                ("2026-11-02", "2026-11-08"),
                ("2026-11-09", "2026-11-15"),
            ])
        );
        // From each session to the day before the next; before the first
        // from the first entry, after the last to the last entry.
        assert_eq!(
            split(&entries, &["2026-11-02", "2026-11-09"], BatchBy::Session),
            pairs(&[
                ("2026-11-01", "2026-11-01"),
                ("2026-11-02", "2026-11-08"),
                ("2026-11-09", "2026-11-12"),
            ])
        );
        assert_eq!(
            split(&entries, &[], BatchBy::Session),
            split(&entries, &[], BatchBy::All)
        );
        assert!(split(&entries[..1], &[], BatchBy::All).is_empty());
    }
}
