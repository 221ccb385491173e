use std::io::Write;

use anyhow::Result;

use crate::cli::SchemaKind;

pub const SUMMARY: &str = include_str!("../../schemas/summary.schema.json");
pub const ENTRY: &str = include_str!("../../schemas/entry.schema.json");

pub fn run(which: SchemaKind) -> Result<()> {
    let text = match which {
        SchemaKind::Summary => SUMMARY,
        SchemaKind::Entry => ENTRY,
        SchemaKind::Manifest | SchemaKind::Answers => {
            anyhow::bail!("this schema is not written yet")
        }
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}
