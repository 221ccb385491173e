//! Everything resolved once before a command runs: paths, the clock and
//! whether we may prompt. Commands get it as a parameter.

use std::io::IsTerminal;

use anyhow::{Context as _, Result};
use chrono::{DateTime, FixedOffset, Local, SubsecRound};

use crate::cli::Cli;
use crate::config::Config;
use crate::paths::Paths;

pub struct Context {
    pub paths: Paths,
    /// The config file, read leniently: its problems are listed in it.
    pub config: Config,
    /// Now, in the local offset, to the whole second.
    pub now: DateTime<FixedOffset>,
    /// Whether stdin and stderr are terminals, so prompts can be shown.
    pub interactive: bool,
}

impl Context {
    pub fn resolve(cli: &Cli) -> Result<Context> {
        let paths = Paths::resolve(cli.dir.as_deref(), cli.config.as_deref())?;
        // MENTALOG_NOW fixes the clock (RFC 3339), for tests and reproducible examples.
        let now = match std::env::var("MENTALOG_NOW") {
            Ok(s) if !s.is_empty() => DateTime::parse_from_rfc3339(&s)
                .with_context(|| format!("MENTALOG_NOW must be an RFC 3339 time, not {s:?}"))?,
            _ => Local::now().fixed_offset(),
        }
        .trunc_subsecs(0);
        let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        let config = Config::load(&paths.config);
        Ok(Context {
            config,
            paths,
            now,
            interactive,
        })
    }
}
