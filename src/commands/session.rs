use std::io::Write;

use anyhow::Result;

use crate::cli::SessionCommand;
use crate::context::Context;
use crate::store::Store;

pub fn run(ctx: &Context, command: &SessionCommand) -> Result<()> {
    let store = Store::new(&ctx.paths.data);
    let today = ctx.now.date_naive();
    // Each change reads, changes and writes back under the journal's lock,
    // so two sessions recorded at once both stay.
    match command {
        SessionCommand::Add { date } => {
            let day = date.unwrap_or(today);
            store.update_sessions(|s| s.add(day))?;
            eprintln!(
                "Recorded a session on {}. The next export starts from there.",
                day.format("%a %-d %b %Y")
            );
        }
        SessionCommand::Next { date } => {
            store.update_sessions(|s| s.next = Some(*date))?;
            eprintln!("Your next session is on {}.", date.format("%a %-d %b %Y"));
        }
        SessionCommand::List { json } => {
            let sessions = store.read_sessions()?;
            let mut out = std::io::stdout().lock();
            if *json {
                serde_json::to_writer_pretty(&mut out, &sessions)?;
                writeln!(out)?;
            } else {
                if sessions.held.is_empty() {
                    writeln!(
                        out,
                        "No sessions recorded yet. Record one with: mentalog session add"
                    )?;
                }
                for day in &sessions.held {
                    writeln!(out, "{}  session", day.format("%Y-%m-%d"))?;
                }
                if let Some(next) = sessions.next {
                    writeln!(out, "{}  next session", next.format("%Y-%m-%d"))?;
                }
            }
            out.flush()?;
        }
    }
    Ok(())
}
