//! A dev tool: writes a realistic generated journal of N entries through the
//! real store, and optionally the same words as a jrnl plain-text journal.
//!
//! cargo run --release --example gen_journal -- --entries N --seed S --dir DATA_DIR [--jrnl FILE]
//!
//! It refuses a data folder that already holds entries, so it never mixes
//! generated entries into a real journal.

#[path = "../benches/support/generate.rs"]
mod generate;

use std::io::BufWriter;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Parser;
use mentalog::store::Store;

/// Writes a generated journal for benchmarks and the side-by-side script with jrnl.
#[derive(Parser)]
struct Args {
    /// How many entries to write.
    #[arg(long, default_value_t = 1000)]
    entries: usize,
    /// The seed: the same seed and number give the same files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The data folder to write into; it must hold no entries yet.
    #[arg(long)]
    dir: PathBuf,
    /// Also write the same words as a jrnl plain-text journal to this file.
    #[arg(long)]
    jrnl: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("gen_journal: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> anyhow::Result<()> {
    let store = Store::new(&args.dir);
    let entries = store.entries_dir();
    if entries.exists()
        && std::fs::read_dir(&entries)
            .with_context(|| format!("cannot read {}", entries.display()))?
            .next()
            .is_some()
    {
        bail!(
            "{} already holds entries; give an empty or new folder with --dir",
            entries.display()
        );
    }
    let start = Instant::now();
    let written = match &args.jrnl {
        Some(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create the folder {}", dir.display()))?;
            }
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot create the jrnl journal {}", path.display()))?;
            let mut out = BufWriter::new(file);
            generate::write_both(&store, args.entries, args.seed, Some(&mut out))?
        }
        None => generate::write_journal(&store, args.entries, args.seed)?,
    };
    let span = match (written.oldest, written.newest) {
        (Some(a), Some(b)) => format!(", from {} to {}", a.to_rfc3339(), b.to_rfc3339()),
        _ => String::new(),
    };
    eprintln!(
        "wrote {} entries ({} bytes, {} bytes each on average{span}) to {} in {:.2?}",
        written.paths.len(),
        written.bytes,
        written.bytes / written.paths.len().max(1) as u64,
        entries.display(),
        start.elapsed()
    );
    if let Some(path) = &args.jrnl {
        let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        eprintln!("wrote the jrnl journal {} ({len} bytes)", path.display());
    }
    Ok(())
}
