//! `mentalog schema`: prints the JSON Schema of a document mentalog writes
//! or reads, exactly as it is in `schemas/`. Needs no journal.

use std::io::Write;

use anyhow::Result;

use crate::cli::SchemaKind;

pub const SUMMARY: &str = include_str!("../../schemas/summary.schema.json");
pub const ENTRY: &str = include_str!("../../schemas/entry.schema.json");
pub const MANIFEST: &str = include_str!("../../schemas/manifest.schema.json");
pub const ANSWERS: &str = include_str!("../../schemas/answers.schema.json");

pub fn run(which: SchemaKind) -> Result<()> {
    let text = match which {
        SchemaKind::Summary => SUMMARY,
        SchemaKind::Entry => ENTRY,
        SchemaKind::Manifest => MANIFEST,
        SchemaKind::Answers => ANSWERS,
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}
