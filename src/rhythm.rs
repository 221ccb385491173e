//! A rhythm: how often a person and their therapist agreed to write, or how
//! often a measure is asked. Written by people, so several forms are read:
//! "daily", "weekly", "every 3 days", "every 2 weeks", "2 per week",
//! "twice a week", "3 times a week". From twice a day to once a year. Pure.

use std::fmt;
use std::str::FromStr;

use chrono::Duration;

/// A rhythm, kept as its interval in hours so that "twice a week" is
/// every 84 hours rather than a rounded three or four days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rhythm {
    hours: u32,
}

/// What a rhythm may look like, for error messages.
pub const FORMS: &str = "\"daily\", \"weekly\", \"every 3 days\", \"every 2 weeks\", \"2 per week\" or \"twice a week\"";

impl Rhythm {
    /// The time between entries.
    pub fn interval(self) -> Duration {
        Duration::hours(i64::from(self.hours))
    }
}

impl FromStr for Rhythm {
    type Err = String;

    fn from_str(text: &str) -> Result<Rhythm, String> {
        let lower = text.trim().to_lowercase().replace('/', " per ");
        let words: Vec<&str> = lower.split_whitespace().collect();
        let number = |w: &str| -> Option<u32> {
            match w {
                "once" | "one" => Some(1),
                "twice" | "two" => Some(2),
                "three" | "thrice" => Some(3),
                "four" => Some(4),
                "five" => Some(5),
                "six" => Some(6),
                "seven" => Some(7),
                _ => w.parse().ok().filter(|n| *n > 0),
            }
        };
        // Hours only after "every", so that every interval printed reads back.
        let unit = |w: &str, hours: bool| -> Option<u32> {
            match w.strip_suffix('s').unwrap_or(w) {
                "hour" if hours => Some(1),
                "day" => Some(24),
                "week" => Some(24 * 7),
                "month" => Some(24 * 30),
                _ => None,
            }
        };
        let per = |w: &str| matches!(w, "per" | "a" | "an" | "each" | "every");
        let hours = match words.as_slice() {
            ["daily"] => Some(24),
            ["weekly"] => Some(24 * 7),
            ["fortnightly"] => Some(24 * 14),
            ["monthly"] => Some(24 * 30),
            ["every", u] => unit(u, false),
            ["every", n, u] => number(n)
                .zip(unit(u, true))
                .and_then(|(n, u)| n.checked_mul(u)),
            // "2 per week", "2/week", "twice a week", "3 times a week": a
            // frequency needs its "per" ("2 weeks" is not one).
            [n, p, u] | [n, "times" | "time", p, u] if per(p) => number(n)
                .zip(unit(u, false))
                .filter(|(n, u)| n <= u)
                .map(|(n, u)| u / n),
            _ => None,
        };
        match hours {
            Some(h) if (12..=24 * 366).contains(&h) => Ok(Rhythm { hours: h }),
            _ => Err(format!(
                "{text:?} is not a rhythm mentalog reads; write it as {FORMS}"
            )),
        }
    }
}

impl fmt::Display for Rhythm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let h = self.hours;
        if h.is_multiple_of(24 * 7) {
            match h / (24 * 7) {
                1 => write!(f, "weekly"),
                n => write!(f, "every {n} weeks"),
            }
        } else if h.is_multiple_of(24) {
            match h / 24 {
                1 => write!(f, "daily"),
                n => write!(f, "every {n} days"),
            }
        } else if (24 * 7_u32).is_multiple_of(h) {
            write!(f, "{} per week", 24 * 7 / h)
        } else {
            write!(f, "every {h} hours")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(s: &str) -> i64 {
        s.parse::<Rhythm>().unwrap().interval().num_hours()
    }

    #[test]
    fn reads_the_forms_people_write() {
        assert_eq!(hours("daily"), 24);
        assert_eq!(hours("Weekly"), 168);
        assert_eq!(hours("every 3 days"), 72);
        assert_eq!(hours("every day"), 24);
        assert_eq!(hours("every 2 weeks"), 336);
        assert_eq!(hours("2 per week"), 84);
        assert_eq!(hours("2/week"), 84);
        assert_eq!(hours("twice a week"), 84);
        assert_eq!(hours("3 times a week"), 56);
        assert_eq!(hours("once a week"), 168);
    }

    #[test]
    fn refuses_what_it_cannot_read_and_says_how_to_write_it() {
        for bad in [
            "",
            "often",
            "0 per week",
            "every 0 days",
            "twice a fortnight",
            "7 per day",
            "2 weeks",
            "2 months",
            "every 200000000 days",
            "every 4294967295 weeks",
            "every 3 hours",
        ] {
            let err = bad.parse::<Rhythm>().unwrap_err();
            assert!(err.contains("every 3 days"), "{bad}: {err}");
        }
    }

    #[test]
    fn prints_back_in_a_form_it_reads() {
        for s in [
            "daily",
            "weekly",
            "every 3 days",
            "2 per week",
            "every 2 weeks",
            "5 per week",
            "every 36 hours",
        ] {
            let r: Rhythm = s.parse().unwrap();
            assert_eq!(r.to_string().parse::<Rhythm>().unwrap(), r);
        }
    }
}
