//! Shell completions and the manual page, both made from the clap
//! definition in `cli.rs` (never written by hand). They read no journal and
//! no config, so they work before mentalog is set up.

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::error::Error;

pub fn completions(shell: Shell) -> Result<()> {
    let mut cmd = Cli::command();
    // Into a buffer first: clap_complete panics on a failed write, and a
    // closed pipe (`mentalog completions bash | head`) is not a failure.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "mentalog", &mut script);
    write_stdout(&script)
}

/// The page of the whole program, or of the command `path` names
/// (`["session", "add"]` is the page `mentalog-session-add(1)`).
pub fn man(path: &[String]) -> Result<()> {
    let mut cmd = Cli::command();
    // Built, so that subcommands carry the version, the global options and
    // their display names (mentalog-session-add), which title their pages.
    cmd.build();
    let mut name = String::from("mentalog");
    for word in path {
        let Some(sub) = cmd
            .get_subcommands()
            .find(|s| s.get_name() == word || s.get_all_aliases().any(|a| a == word))
            .cloned()
        else {
            let known: Vec<&str> = cmd.get_subcommands().map(clap::Command::get_name).collect();
            return Err(Error::Usage(format!(
                "there is no command {:?} in '{name}'; the commands are: {}",
                word,
                known.join(", ")
            ))
            .into());
        };
        name = format!("{name}-{}", sub.get_name());
        cmd = sub;
    }
    // The examples and exit codes are laid out by hand in the help; the
    // page keeps their lines apart (no-fill) instead of running them together.
    let after = cmd
        .get_after_long_help()
        .or_else(|| cmd.get_after_help())
        .map(ToString::to_string);
    let cmd = cmd.after_help(None::<&str>).after_long_help(None::<&str>);
    let mut page = Vec::new();
    // No date: the page is the same bytes for the same version.
    clap_mangen::Man::new(cmd)
        .title(name)
        .source(format!("mentalog {}", env!("CARGO_PKG_VERSION")))
        .manual("User Commands")
        .render(&mut page)?;
    let blocks = after.iter().flat_map(|a| a.split("\n\n"));
    for block in blocks.filter(|b| !b.trim().is_empty()) {
        let (heading, body) = block.split_once('\n').unwrap_or((block, ""));
        let heading = heading.trim().trim_end_matches(':').to_uppercase();
        writeln!(page, ".SH \"{}\"\n.nf", roff_escape(&heading))?;
        for line in body.lines() {
            writeln!(page, "{}", roff_escape(line))?;
        }
        writeln!(page, ".fi")?;
    }
    write_stdout(&page)
}

/// A line as roff text: backslashes and hyphens escaped, and never read as
/// a request.
fn roff_escape(line: &str) -> String {
    let text = line.replace('\\', "\\e").replace('-', "\\-");
    if text.starts_with(['.', '\'']) {
        format!("\\&{text}")
    } else {
        text
    }
}

fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(())
}
