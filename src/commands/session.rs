use std::io::Write;

use anyhow::Result;

use crate::cli::SessionCommand;
use crate::context::Context;
use crate::store::Store;

pub fn run(ctx: &Context, command: &SessionCommand) -> Result<()> {
    let store = Store::new(&ctx.paths.data);
    let mut sessions = store.read_sessions()?;
    let today = ctx.now.date_naive();
    match command {
        SessionCommand::Add { date } => {
            let day = date.unwrap_or(today);
            sessions.add(day);
            store.write_sessions(&sessions)?;
            eprintln!(
                "Recorded a session on {}. The next export starts from there.",
                day.format("%a %-d %b %Y")
            );
        }
        SessionCommand::Next { date } => {
            sessions.next = Some(*date);
            store.write_sessions(&sessions)?;
            eprintln!("Your next session is on {}.", date.format("%a %-d %b %Y"));
        }
        SessionCommand::List { json } => {
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
