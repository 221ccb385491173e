//! `mentalog restore`: a backup into an empty data folder, or merged.

use anyhow::Result;

use crate::cli::RestoreArgs;
use crate::context::Context;

pub fn run(_ctx: &mut Context, _args: &RestoreArgs) -> Result<()> {
    anyhow::bail!("mentalog restore is not built yet")
}
