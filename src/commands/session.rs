use std::io::Write;

use anyhow::Result;

use crate::cli::SessionCommand;
use crate::context::Context;
use crate::error::Error;
use crate::sessions::Since;
use crate::store::Store;

/// The version of `session list --json`, raised when its shape changes. It
/// is not the version of the sessions file, which may change on its own.
pub const LIST_SCHEMA: &str = "mentalog.sessions/1";

/// `session list --json`: the days sessions took place, oldest first, and
/// the next appointment or null.
#[derive(serde::Serialize)]
struct Listing<'a> {
    schema: &'static str,
    held: &'a [chrono::NaiveDate],
    next: Option<chrono::NaiveDate>,
}

pub fn run(ctx: &Context, command: &SessionCommand) -> Result<()> {
    let store = Store::new(&ctx.paths.data);
    let today = ctx.now.date_naive();
    // Each change reads, changes and writes back under the journal's lock,
    // so two sessions recorded at once both stay.
    match command {
        SessionCommand::Add { date } => {
            let day = match date.as_deref().map(super::dates::when) {
                None => today,
                Some(Ok(Since::Day(day))) => day,
                Some(Ok(Since::DaysAgo(n))) => today - chrono::Duration::days(n),
                Some(Ok(_)) => {
                    return Err(Error::Usage(
                        "session add: give the day of the session: YYYY-MM-DD, today, yesterday or a span back such as 3d".into(),
                    )
                    .into());
                }
                Some(Err(e)) => return Err(Error::Usage(format!("session add: {e}")).into()),
            };
            store.record_session(crate::sessions::Event::Held(day), ctx.now)?;
            ctx.note(&format!(
                "Recorded a session on {}. The next export starts from there.",
                day.format("%a %-d %b %Y")
            ));
        }
        SessionCommand::Next { date } => {
            // The same reading of a day as every command; only a single
            // day (not a span back, not all) can be a next session.
            let date = &match super::dates::when(date) {
                Ok(Since::Day(day)) => day,
                Ok(Since::DaysAgo(0)) => today,
                Ok(_) => {
                    return Err(Error::Usage(
                        "session next: give the day of your next session: YYYY-MM-DD or today"
                            .into(),
                    )
                    .into());
                }
                Err(e) => return Err(Error::Usage(format!("session next: {e}")).into()),
            };
            store.record_session(crate::sessions::Event::Next(*date), ctx.now)?;
            ctx.note(&format!(
                "Your next session is on {}.",
                date.format("%a %-d %b %Y")
            ));
        }
        SessionCommand::List { json } => {
            let sessions = store.read_sessions()?;
            let mut out = std::io::stdout().lock();
            if *json {
                let listing = Listing {
                    schema: LIST_SCHEMA,
                    held: &sessions.held,
                    next: sessions.next,
                };
                serde_json::to_writer_pretty(&mut out, &listing)?;
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
