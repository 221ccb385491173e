//! `mentalog check`: reads the whole journal and reports every file that is
//! not a readable entry.

use anyhow::Result;

use crate::cli::CheckArgs;
use crate::context::Context;

pub fn run(_ctx: &mut Context, _args: &CheckArgs) -> Result<()> {
    anyhow::bail!("mentalog check is not built yet")
}
