use std::io::Write;

use anyhow::{Context as _, Result, bail};

use crate::cli::ShowArgs;
use crate::context::Context;
use crate::error::Error;
use crate::render::journal;
use crate::store::Store;

pub fn run(ctx: &Context, args: &ShowArgs) -> Result<()> {
    let id = args.id.trim();
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return Err(Error::Usage(format!(
            "{id:?} is not an entry id; ids look like 7c1e09ab (see 'mentalog list')"
        ))
        .into());
    }
    let found = Store::new(&ctx.paths.data).find(id)?;
    super::report_damaged(&found.damaged);
    let stored = match found.entries.as_slice() {
        [one] => one,
        [] if found.damaged.is_empty() => {
            bail!("no entry has an id starting with {id} (see 'mentalog list')")
        }
        [] => return super::skipped(&found.damaged),
        many => bail!(
            "{id} is the start of {} ids ({}); type more of the id",
            many.len(),
            many.iter()
                .map(|s| s.entry.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        let bytes = std::fs::read(&stored.path)
            .with_context(|| format!("cannot read {}", stored.path.display()))?;
        out.write_all(&bytes)?;
    } else {
        journal::show(&mut out, &stored.entry)?;
    }
    out.flush()?;
    super::skipped(&found.damaged)
}
