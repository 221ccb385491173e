//! `mentalog due`: not built yet.

use anyhow::Result;

use crate::cli::DueArgs;
use crate::context::Context;

pub fn run(_ctx: &mut Context, _args: &DueArgs) -> Result<()> {
    anyhow::bail!("`mentalog due` is not built yet")
}
