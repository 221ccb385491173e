//! `mentalog pack`: not built yet.

use anyhow::Result;

use crate::cli::PackCommand;
use crate::context::Context;

pub fn run(_ctx: &mut Context, _command: &PackCommand) -> Result<()> {
    anyhow::bail!("`mentalog pack` is not built yet")
}
