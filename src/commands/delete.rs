//! `mentalog delete`: an entry and everything of it, gone for good.

use anyhow::Result;

use crate::cli::DeleteArgs;
use crate::context::Context;

pub fn run(_ctx: &mut Context, _args: &DeleteArgs) -> Result<()> {
    anyhow::bail!("mentalog delete is not built yet")
}
