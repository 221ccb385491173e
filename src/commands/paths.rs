use std::io::Write;

use anyhow::Result;

use crate::context::Context;

pub fn run(ctx: &Context) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "data    {}", ctx.paths.data.display())?;
    writeln!(out, "config  {}", ctx.paths.config.display())?;
    out.flush()?;
    // On stderr, so that stdout stays two lines a script can read.
    if !ctx.paths.data.exists() {
        ctx.note(
            "The data folder does not exist yet: mentalog creates it when you first write ('mentalog new', 'mentalog plan' or 'mentalog session add').",
        );
    }
    if !ctx.paths.config.exists() {
        ctx.note("The config file does not exist: mentalog uses its defaults.");
    }
    Ok(())
}
