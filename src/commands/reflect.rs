//! `mentalog reflect`: a later reflection on an entry, in a file of its own.

use anyhow::Result;

use crate::cli::ReflectArgs;
use crate::context::Context;

pub fn run(_ctx: &mut Context, _args: &ReflectArgs) -> Result<()> {
    anyhow::bail!("mentalog reflect is not built yet")
}
