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
            ExitCode::from(130)
        }
        Err(err) => {
            eprintln!("mentalog: error: {err:#}");
            ExitCode::from(mentalog::exit_code(&err))
        }
    }
}
