//! Every command-line type. The doc comments are the help text. Imports
//! nothing from the crate and does no I/O.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

/// A journal for the moments between MBT sessions: catch one hard moment in
/// your own words, from your side and the other person's, for your next session.
///
/// Everything stays on this computer. mentalog contacts no one.
#[derive(Debug, Parser)]
#[command(name = "mentalog", version, propagate_version = true)]
pub struct Cli {
    /// The data folder holding your entries [default: your platform's data folder]
    #[arg(long, global = true, env = "MENTALOG_DIR", value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// The config file (crisis contacts, safety threshold, names)
    #[arg(long, global = true, env = "MENTALOG_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a new entry, guided one question at a time
    New(NewArgs),
    /// List your entries, newest first
    List(ListArgs),
    /// Show one entry, question by question
    Show(ShowArgs),
    /// Show your crisis plan, or edit it
    Plan(PlanArgs),
    /// Print where your entries and your config file are
    Paths,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// Write the entry from a JSON file of answers instead of asking ('-' reads standard input)
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,

    /// The prompt pack to use: a built-in pack's id or the path of a pack file
    #[arg(long, value_name = "ID")]
    pub pack: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only entries written on or after this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub since: Option<NaiveDate>,

    /// Only entries written on or before this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub until: Option<NaiveDate>,

    /// Show at most this many entries
    #[arg(short = 'n', long = "limit", value_name = "N")]
    pub limit: Option<usize>,

    /// Print JSON for scripts
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The entry's id; the first few characters are enough when they are unique
    pub id: String,

    /// Print the stored JSON document
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Open the plan in your editor ($VISUAL or $EDITOR)
    #[arg(long)]
    pub edit: bool,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("expected a day as YYYY-MM-DD, such as 2026-11-03, not {s:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}
