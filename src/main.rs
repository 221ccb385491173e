use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = mentalog::cli::Cli::parse();
    match mentalog::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if mentalog::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) if mentalog::error::cancelled(&err).is_some() => {
            let _ = console::Term::stderr().show_cursor();
            eprintln!(
                "\n\n{}",
                mentalog::error::cancelled(&err).unwrap_or_default()
            );
            ExitCode::from(mentalog::error::code::CANCELLED)
        }
        // The work was done; what was skipped is a warning, not an error.
        Err(err) if mentalog::error::is_incomplete(&err) => {
            eprintln!(
                "mentalog: warning: {}",
                mentalog::text::Shown(&format!("{err:#}"))
            );
            ExitCode::from(mentalog::error::code::INCOMPLETE)
        }
        Err(err) => {
            eprintln!(
                "mentalog: error: {}",
                mentalog::text::Shown(&format!("{err:#}"))
            );
            ExitCode::from(mentalog::exit_code(&err))
        }
    }
}
