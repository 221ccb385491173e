use std::io::Write;

use anyhow::Result;

use crate::cli::ListArgs;
use crate::context::Context;
use crate::error::Error;
use crate::render::journal;
use crate::sessions::{self, Since};
use crate::store::Store;

pub fn run(ctx: &Context, args: &ListArgs) -> Result<()> {
    let filter = crate::filter::Filter::from_args(&args.filter)?;
    let since = super::dates::parse("--since", args.since.as_deref())?;
    let until = super::dates::parse("--until", args.until.as_deref())?;
    let store = Store::new(&ctx.paths.data);
    // The sessions are read only when a day is counted from the last one.
    let sessions = if [since, until].contains(&Some(Since::LastSession)) {
        store.read_sessions()?
    } else {
        sessions::Sessions::default()
    };
    let today = ctx.now.date_naive();
    // Unlike an export's, the list's period is open at both ends by default.
    let since = match since {
        None => None,
        some => sessions::resolve_since(some, &sessions, today)
            .map_err(|e| Error::Usage(format!("--since: {e}")))?,
    };
    let until = match until {
        None => None,
        some => Some(
            sessions::resolve_until(some, &sessions, today)
                .map_err(|e| Error::Usage(format!("--until: {e}")))?,
        ),
    };
    if let (Some(since), Some(until)) = (since, until)
        && since > until
    {
        return Err(Error::Usage(format!(
            "--since {since} is after --until {until}; swap them"
        ))
        .into());
    }
    // Only the files that can hold the entries asked for are read, and of
    // each only what the list shows is kept.
    let row = |path, e: &crate::entry::Entry| journal::ListRow::new(path, e, args.json);
    let (rows, damaged, any) = match args.limit {
        // The newest N of all entries: only the newest files are read.
        Some(limit) if filter.is_none() => {
            let window = store.load_window(since, until, Some(limit))?;
            let rows: Vec<_> = window
                .loaded
                .entries
                .into_iter()
                .map(|s| row(s.path, &s.entry))
                .collect();
            (rows, window.loaded.damaged, window.any)
        }
        // Every entry of the period, or those the filters choose.
        _ => {
            let wanted = |e: &crate::entry::Entry| {
                let day = e.created.date_naive();
                since.is_none_or(|s| day >= s)
                    && until.is_none_or(|u| day <= u)
                    && filter.as_ref().is_none_or(|f| f.matches(e))
            };
            let (mut rows, damaged) = store.scan_window(since, until, |s| {
                wanted(&s.entry).then(|| row(s.path, &s.entry))
            })?;
            // Newest first; the id settles ties, as everywhere.
            rows.sort_by(|a, b| (b.created, &b.id).cmp(&(a.created, &a.id)));
            if let Some(limit) = args.limit {
                rows.truncate(limit);
            }
            let any = !rows.is_empty() || !damaged.is_empty() || store.has_entry_files()?;
            (rows, damaged, any)
        }
    };
    super::report_damaged(&damaged);
    // One write at the end, not one per line.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        journal::list_json(&mut out, &rows)?;
    } else {
        let filtered =
            since.is_some() || until.is_some() || args.limit.is_some() || filter.is_some();
        journal::list(&mut out, &rows, filtered && any)?;
    }
    out.flush()?;
    super::skipped(&damaged)
}
