//! `mentalog forget --everything`: the whole journal, gone for good.

use anyhow::Result;

use crate::cli::ForgetArgs;
use crate::context::Context;

pub fn run(_ctx: &mut Context, _args: &ForgetArgs) -> Result<()> {
    anyhow::bail!("mentalog forget is not built yet")
}
