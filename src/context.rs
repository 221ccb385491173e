//! Everything resolved once before a command runs: paths, config, the
//! clock, the store and the prompter. Commands get it as a parameter, so a
//! test can run any of them in-process with a fixed clock and a scripted
//! prompter.

use std::io::IsTerminal;

use anyhow::{Context as _, Result};
use chrono::{DateTime, FixedOffset, Local, SubsecRound};

use crate::cli::Cli;
use crate::config::Config;
use crate::paths::Paths;
use crate::prompt::{self, NoTerminal, PlainPrompter, Prompter, TerminalPrompter};
use crate::store::Store;

pub struct Context {
    pub paths: Paths,
    /// The config file, read leniently: its problems are listed in it.
    pub config: Config,
    /// Now, in the local offset, to the whole second: when the command started.
    pub now: DateTime<FixedOffset>,
    /// The time as it goes on (fixed when `now` is).
    pub clock: Box<dyn Fn() -> DateTime<FixedOffset>>,
    /// Whether stdin and stderr are terminals, so prompts can be shown.
    pub interactive: bool,
    pub store: Store,
    /// Asks the person things; fails at once when there is no terminal.
    pub prompter: Box<dyn Prompter>,
    /// `--quiet`: notes on stderr are left out ([`Context::note`]); errors
    /// and warnings still show.
    pub quiet: bool,
    /// Every `--dir` given, in order (more than one only for
    /// `export --batch`); `paths.data` is the first, or the default.
    pub dirs: Vec<std::path::PathBuf>,
    /// The config named by `--config` or `MENTALOG_CONFIG`, if one was:
    /// a batch export uses it for every journal, and otherwise each
    /// journal's own.
    pub config_given: Option<std::path::PathBuf>,
    /// Where an encrypted journal's key may come from besides the terminal.
    pub keys: crate::unlock::Sources,
}

impl Context {
    pub fn resolve(cli: &Cli) -> Result<Context> {
        // More than one --dir is for 'export --batch', which resolves each itself.
        let paths = Paths::resolve(
            cli.dir.first().map(std::path::PathBuf::as_path),
            cli.config.as_deref(),
        )?;
        // MENTALOG_NOW fixes the clock (RFC 3339), for tests and reproducible examples.
        let fixed = match std::env::var("MENTALOG_NOW") {
            Ok(s) if !s.is_empty() => Some(
                DateTime::parse_from_rfc3339(&s)
                    .with_context(|| format!("MENTALOG_NOW must be an RFC 3339 time, not {s:?}"))?
                    .trunc_subsecs(0),
            ),
            _ => None,
        };
        let clock: Box<dyn Fn() -> DateTime<FixedOffset>> = match fixed {
            Some(t) => Box::new(move || t),
            None => Box::new(|| Local::now().fixed_offset().trunc_subsecs(0)),
        };
        let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        // `due` runs in shell start-up files: it asks nothing and warns of
        // nothing there, every time a terminal opens.
        let quiet = matches!(cli.command, crate::cli::Command::Due(_));
        // `--no-input` (or MENTALOG_NO_INPUT=1): as if there were no terminal
        // to ask in, so every question becomes an error naming its flag.
        let no_input = cli.no_input
            || std::env::var("MENTALOG_NO_INPUT").is_ok_and(|v| v == "1" || v == "true");
        let interactive = interactive && !quiet && !no_input;
        for warning in paths.exposure_warnings().into_iter().filter(|_| !quiet) {
            eprintln!("mentalog: warning: {}", crate::text::Shown(&warning));
        }
        let config = Config::load(&paths.config);
        let store = Store::new(&paths.data);
        // Before the prompter is made: it takes its colours from `console`.
        // Auto leaves `console` to decide (a terminal, unless NO_COLOR or
        // CLICOLOR=0 says otherwise).
        match cli.color {
            crate::cli::ColorChoice::Auto => {}
            crate::cli::ColorChoice::Always => {
                console::set_colors_enabled(true);
                console::set_colors_enabled_stderr(true);
            }
            crate::cli::ColorChoice::Never => {
                console::set_colors_enabled(false);
                console::set_colors_enabled_stderr(false);
            }
        }
        let plain = cli.plain
            || std::env::var("MENTALOG_PLAIN").is_ok_and(|v| v == "1" || v == "true")
            || config.plain;
        let editor = prompt::editor_command();
        let prompter: Box<dyn Prompter> = if !interactive {
            Box::new(NoTerminal)
        } else if plain {
            Box::new(PlainPrompter::new(store.editing_dir(), editor))
        } else {
            Box::new(TerminalPrompter::new(store.editing_dir(), editor))
        };
        if interactive {
            crate::signal::install()?;
        }
        let paths_config = paths.config.clone();
        Ok(Context {
            now: clock(),
            clock,
            config,
            paths,
            interactive,
            store,
            prompter,
            dirs: cli.dir.clone(),
            config_given: (cli.config.is_some()
                || std::env::var_os("MENTALOG_CONFIG").is_some_and(|v| !v.is_empty()))
            .then(|| paths_config.clone()),
            quiet: cli.quiet,
            keys: crate::unlock::Sources::resolve(
                cli.passphrase_file.as_deref(),
                cli.identity_file.as_deref(),
            ),
        })
    }

    /// A context with a fixed time and the given prompter, as if in a terminal.
    pub fn new(
        paths: Paths,
        config: Config,
        now: DateTime<FixedOffset>,
        prompter: Box<dyn Prompter>,
    ) -> Context {
        Context {
            store: Store::new(&paths.data),
            paths,
            config,
            now,
            clock: Box::new(move || now),
            interactive: true,
            prompter,
            dirs: Vec::new(),
            config_given: None,
            quiet: false,
            keys: crate::unlock::Sources::default(),
        }
    }

    /// Unlocks the journal's key when it is encrypted (asked in a terminal,
    /// or read from the passphrase file): for commands that read entries.
    /// Does nothing for a journal that is not encrypted.
    pub fn unlock(&mut self) -> Result<()> {
        let prompter: Option<&mut dyn Prompter> = if self.interactive {
            Some(&mut *self.prompter)
        } else {
            None
        };
        crate::unlock::unlock(&self.store, &self.keys, prompter)
    }

    /// Prints a note for the person on stderr ("Recorded a session …"),
    /// unless `--quiet` asked for none. Not for errors or warnings.
    pub fn note(&self, text: &str) {
        if !self.quiet {
            eprintln!("{text}");
        }
    }
}
