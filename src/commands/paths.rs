use std::io::Write;

use anyhow::Result;

use crate::context::Context;

pub fn run(ctx: &Context) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "data    {}", ctx.paths.data.display())?;
    writeln!(out, "config  {}", ctx.paths.config.display())?;
    Ok(())
}
