use std::io::Write;

use anyhow::Result;

use crate::cli::ListArgs;
use crate::context::Context;
use crate::error::Error;
use crate::render::journal;
use crate::sessions::{self, Since};
use crate::store::Store;

pub fn run(ctx: &Context, args: &ListArgs) -> Result<()> {
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
    // Only the files that can hold the entries asked for are read.
    let window = store.load_window(since, until, args.limit)?;
    let loaded = &window.loaded;
    super::report_damaged(&loaded.damaged);
    let chosen: Vec<_> = loaded.entries.iter().collect();
    // One write at the end, not one per line.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        journal::list_json(&mut out, &chosen)?;
    } else {
        let filtered = since.is_some() || until.is_some() || args.limit.is_some();
        journal::list(&mut out, &chosen, filtered && window.any)?;
    }
    out.flush()?;
    super::skipped(&loaded.damaged)
}
