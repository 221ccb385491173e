//! `mentalog backup`: one archive of the whole data folder, and `--check`.

use anyhow::Result;

use crate::cli::BackupArgs;
use crate::context::Context;

pub fn run(_ctx: &mut Context, _args: &BackupArgs) -> Result<()> {
    anyhow::bail!("mentalog backup is not built yet")
}
