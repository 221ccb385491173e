//! `mentalog setup`: not built yet.

use anyhow::Result;

use crate::cli::SetupArgs;
use crate::context::Context;

pub fn run(_ctx: &mut Context, _args: &SetupArgs) -> Result<()> {
    anyhow::bail!("`mentalog setup` is not built yet")
}
