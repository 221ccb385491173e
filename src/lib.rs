//! mentalog: a private, local journal for the moments between MBT sessions.
//!
//! The binary is a thin shell over [`run`]. The pure parts (entries, packs,
//! the guided walk over a [`prompt::Prompter`]) can be used on their own.

pub mod answers;
pub mod archive;
pub mod cli;
mod commands;
pub mod config;
pub mod config_edit;
pub mod context;
pub mod crypt;
pub mod draft;
pub mod encryption;
pub mod entry;
pub mod error;
pub mod filter;
pub mod flow;
pub mod import;
pub mod pack;
pub mod paths;
pub mod plan_edit;
pub mod prompt;
pub mod pseudonym;
pub mod reflection;
pub mod render;
pub mod rhythm;
pub mod sessions;
pub mod signal;
pub mod store;
pub mod summary;
pub mod text;
pub mod unlock;

pub use error::{Error, exit_code, is_broken_pipe};

/// Runs one command line.
pub fn run(cli: cli::Cli) -> anyhow::Result<()> {
    // Completions, the man page and the schemas need nothing resolved: they
    // work with no home folder, and print no warnings about one.
    if let Some(done) = commands::without_context(&cli.command) {
        return done;
    }
    let batch = matches!(&cli.command, cli::Command::Export(args) if args.batch);
    if cli.dir.len() > 1 && !batch {
        return Err(Error::Usage(
            "--dir can be given once; more than one data folder is for 'mentalog export --batch'"
                .into(),
        )
        .into());
    }
    let mut ctx = match context::Context::resolve(&cli) {
        Ok(ctx) => ctx,
        // `due` in a shell start-up file stays silent whatever goes wrong.
        Err(_) if matches!(cli.command, cli::Command::Due(_)) => return Ok(()),
        Err(e) => return Err(e),
    };
    commands::dispatch(&mut ctx, &cli.command)
}

/// Runs one command in a context made elsewhere: a test's, with a fixed
/// clock and a scripted prompter.
pub fn run_in(ctx: &mut context::Context, command: &cli::Command) -> anyhow::Result<()> {
    commands::dispatch(ctx, command)
}
