//! Therapy sessions: the days they took place and the next appointment. The
//! default period of an export starts at the last one. Pure.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sessions {
    pub schema: u32,
    /// Days a session took place, oldest first, each once.
    pub held: Vec<NaiveDate>,
    pub next: Option<NaiveDate>,
}

impl Default for Sessions {
    fn default() -> Self {
        Sessions {
            schema: SCHEMA_VERSION,
            held: Vec::new(),
            next: None,
        }
    }
}

impl Sessions {
    pub fn add(&mut self, day: NaiveDate) {
        if let Err(i) = self.held.binary_search(&day) {
            self.held.insert(i, day);
        }
        // The appointment that was next has now taken place.
        if self.next.is_some_and(|n| n <= day) {
            self.next = None;
        }
    }

    /// The last session on or before `today`.
    pub fn last(&self, today: NaiveDate) -> Option<NaiveDate> {
        self.held.iter().rev().find(|d| **d <= today).copied()
    }

    /// The next appointment, if it is still ahead of (or on) `today`.
    pub fn upcoming(&self, today: NaiveDate) -> Option<NaiveDate> {
        self.next.filter(|n| *n >= today)
    }
}

/// One change to the sessions, as `session add` and `session next` make it.
/// An encrypted journal keeps each as a small sealed record of its own, so
/// recording one never needs to read the others (nor the passphrase).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum Event {
    Held(NaiveDate),
    Next(NaiveDate),
}

/// A session record on disk: `{"schema": 1, "event": {"held": "2026-11-19"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub schema: u32,
    pub event: Event,
}

impl Sessions {
    pub fn apply(&mut self, event: Event) {
        match event {
            Event::Held(day) => self.add(day),
            Event::Next(day) => self.next = Some(day),
        }
    }
}

/// Where an export's period starts, as typed after `--since`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    Day(NaiveDate),
    DaysAgo(i64),
    LastSession,
    All,
}

impl std::str::FromStr for Since {
    type Err = String;

    fn from_str(s: &str) -> Result<Since, String> {
        let s = s.trim();
        match s {
            "all" => return Ok(Since::All),
            "last-session" => return Ok(Since::LastSession),
            _ => {}
        }
        if let Ok(day) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return Ok(Since::Day(day));
        }
        let span = |unit: char, days: i64| {
            s.strip_suffix(unit)
                .and_then(|n| n.parse::<i64>().ok())
                .filter(|n| (1..=100_000).contains(n))
                .map(|n| Since::DaysAgo(n * days))
        };
        span('d', 1).or_else(|| span('w', 7)).ok_or_else(|| {
            format!("expected YYYY-MM-DD, a span such as 7d or 2w, last-session or all, not {s:?}")
        })
    }
}

/// The first day of the period, or `None` for everything. `Err` when
/// `last-session` is asked for and none is recorded.
pub fn resolve_since(
    since: Option<Since>,
    sessions: &Sessions,
    today: NaiveDate,
) -> Result<Option<NaiveDate>, String> {
    Ok(match since {
        Some(Since::All) => None,
        Some(Since::Day(d)) => Some(d),
        Some(Since::DaysAgo(n)) => Some(today - Duration::days(n)),
        Some(Since::LastSession) => Some(sessions.last(today).ok_or(
            "no session is recorded yet; record one with 'mentalog session add [YYYY-MM-DD]'",
        )?),
        // Since the last session, or the last 14 days when there is none.
        None => Some(sessions.last(today).unwrap_or(today - Duration::days(14))),
    })
}

/// The last day of the period, included: `today` when not given. `all`
/// makes no sense here; `Err` says so, or that no session is recorded.
pub fn resolve_until(
    until: Option<Since>,
    sessions: &Sessions,
    today: NaiveDate,
) -> Result<NaiveDate, String> {
    match until {
        None => Ok(today),
        Some(Since::All) => Err(
            "`all` is for --since; --until takes YYYY-MM-DD, a span such as 7d, or last-session"
                .into(),
        ),
        Some(other) => Ok(resolve_since(Some(other), sessions, today)?.unwrap_or(today)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn since_takes_days_spans_and_words() {
        assert_eq!("2026-11-03".parse(), Ok(Since::Day(day("2026-11-03"))));
        assert_eq!("7d".parse(), Ok(Since::DaysAgo(7)));
        assert_eq!("2w".parse(), Ok(Since::DaysAgo(14)));
        assert_eq!("all".parse(), Ok(Since::All));
        assert!("3 Nov".parse::<Since>().is_err());
        assert!("0d".parse::<Since>().is_err());
    }

    #[test]
    fn the_default_period_starts_at_the_last_session_or_two_weeks_ago() {
        let today = day("2026-11-26");
        let mut s = Sessions::default();
        assert_eq!(resolve_since(None, &s, today), Ok(Some(day("2026-11-12"))));
        assert!(resolve_since(Some(Since::LastSession), &s, today).is_err());
        s.next = Some(day("2026-11-19"));
        s.add(day("2026-11-19"));
        s.add(day("2026-11-05"));
        assert_eq!(s.held, vec![day("2026-11-05"), day("2026-11-19")]);
        assert_eq!(s.next, None, "the next session took place");
        assert_eq!(resolve_since(None, &s, today), Ok(Some(day("2026-11-19"))));
        assert_eq!(
            resolve_until(Some(Since::LastSession), &s, today),
            Ok(day("2026-11-19"))
        );
        assert_eq!(
            resolve_until(Some(Since::DaysAgo(7)), &s, today),
            Ok(day("2026-11-19"))
        );
        assert_eq!(resolve_until(None, &s, today), Ok(today));
        assert!(resolve_until(Some(Since::All), &s, today).is_err());
    }
}
