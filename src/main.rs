use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = mentalog::cli::Cli::parse();
    match mentalog::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if mentalog::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("mentalog: error: {err:#}");
            ExitCode::from(mentalog::exit_code(&err))
        }
    }
}
