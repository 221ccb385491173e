//! The one reading of a day typed after `--since` or `--until`, shared by
//! every command that takes them (`list`, `export`). Turning it into a
//! period needs the sessions and the clock: see `sessions::resolve_since`.

use chrono::NaiveDate;

use crate::error::Error;
use crate::sessions::Since;

const FORMS: &str = "YYYY-MM-DD, a span such as 7d or 2w, today, yesterday, last-session or all";

/// `value` as typed after `flag`, or a usage error that names the flag.
pub fn parse(flag: &str, value: Option<&str>) -> Result<Option<Since>, Error> {
    value
        .map(|v| when(v).map_err(|e| Error::Usage(format!("{flag}: {e}"))))
        .transpose()
}

/// YYYY-MM-DD, a span back from today (7d, 2w), today, yesterday,
/// last-session or all.
pub fn when(typed: &str) -> Result<Since, String> {
    let s = typed.trim();
    match s {
        "today" => return Ok(Since::DaysAgo(0)),
        "yesterday" => return Ok(Since::DaysAgo(1)),
        _ => {}
    }
    // Written as a day but not one on the calendar: say so, not that the
    // form is wrong.
    if shaped_like_a_day(s) && NaiveDate::parse_from_str(s, "%Y-%m-%d").is_err() {
        return Err(format!(
            "{s} is not a real date: check the month (01 to 12) and the day in that month"
        ));
    }
    s.parse::<Since>()
        .map_err(|_| format!("expected {FORMS}, not {s:?}"))
}

fn shaped_like_a_day(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_every_form_and_says_when_a_day_is_not_real() {
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(when("2026-11-03"), Ok(Since::Day(day("2026-11-03"))));
        assert_eq!(when("2w"), Ok(Since::DaysAgo(14)));
        assert_eq!(when("today"), Ok(Since::DaysAgo(0)));
        assert_eq!(when("yesterday"), Ok(Since::DaysAgo(1)));
        assert_eq!(when("last-session"), Ok(Since::LastSession));
        assert_eq!(when("all"), Ok(Since::All));
        let err = when("2026-02-30").unwrap_err();
        assert!(err.contains("not a real date"), "{err}");
        assert!(!err.contains("expected"), "{err}");
        let err = when("3 Nov").unwrap_err();
        assert!(err.starts_with("expected YYYY-MM-DD"), "{err}");
    }
}
