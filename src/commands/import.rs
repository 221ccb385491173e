//! `mentalog import`: entries from another journal.

use anyhow::Result;

use crate::cli::ImportCommand;
use crate::context::Context;

pub fn run(_ctx: &mut Context, _command: &ImportCommand) -> Result<()> {
    anyhow::bail!("mentalog import is not built yet")
}
