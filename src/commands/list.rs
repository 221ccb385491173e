use std::io::Write;

use anyhow::Result;

use crate::cli::ListArgs;
use crate::context::Context;
use crate::render::journal;
use crate::store::Store;

pub fn run(ctx: &Context, args: &ListArgs) -> Result<()> {
    if let (Some(since), Some(until)) = (args.since, args.until)
        && since > until
    {
        return Err(crate::error::Error::Usage(format!(
            "--since {since} is after --until {until}; swap them"
        ))
        .into());
    }
    let loaded = Store::new(&ctx.paths.data).load()?;
    super::report_damaged(&loaded.damaged);
    let chosen: Vec<_> = loaded
        .entries
        .iter()
        .filter(|s| {
            let day = s.entry.created.date_naive();
            args.since.is_none_or(|d| day >= d) && args.until.is_none_or(|d| day <= d)
        })
        .take(args.limit.unwrap_or(usize::MAX))
        .collect();
    let mut out = std::io::stdout().lock();
    if args.json {
        journal::list_json(&mut out, &chosen)?;
    } else {
        let filtered = args.since.is_some() || args.until.is_some() || args.limit.is_some();
        journal::list(&mut out, &chosen, filtered && !loaded.entries.is_empty())?;
    }
    out.flush()?;
    super::skipped(&loaded.damaged)
}
