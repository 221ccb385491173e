//! `mentalog due`: one quiet line on stdout when an entry is due by the
//! rhythm the person agreed, at most once a calendar day, and nothing
//! otherwise. Made for a shell start-up file and a desktop timer, so it
//! - is off until the person turns it on (`[due] enabled = true`);
//! - reads folder and file names, never an entry, and no `stat` per file;
//! - never prompts, never reads stdin, and always exits 0;
//! - says a problem (a rhythm it cannot read, a pack it cannot load) in at
//!   most one short line, on stderr, and only when stderr is a terminal: a
//!   timer's log or a script gets nothing;
//! - never counts missed days, keeps no streak, and names neither therapy
//!   nor the journal's subject by default, since the screen may be shared
//!   (domain §6).

use std::ffi::OsStr;
use std::io::{self, IsTerminal, Write};
use std::path::Path;

use anyhow::Result;
use chrono::NaiveDateTime;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::cli::DueArgs;
use crate::context::Context;
use crate::rhythm::Rhythm;
use crate::store::Store;
use crate::text::one_line;

/// The line shown unless the person chose their own words.
pub const DEFAULT_WORDS: &str = "A few quiet minutes to write, if you like.";

/// The widest line shown, in terminal columns: the person's words are cut
/// there, and so is untrusted text quoted in a problem.
const MAX_WIDTH: usize = 120;

pub fn run(ctx: &mut Context, _args: &DueArgs) -> Result<()> {
    if let Some(problem) = check(ctx) {
        // The person's shell start-up must never fill up: one line, at a
        // terminal only, and the command still succeeds.
        if io::stderr().is_terminal() {
            eprintln!("mentalog due: {problem}");
        }
    }
    Ok(())
}

/// Does the work, printing the line if it is due; returns the problem to
/// mention, if any.
fn check(ctx: &Context) -> Option<String> {
    if !ctx.config.due.enabled {
        return None;
    }
    let today = ctx.now.date_naive();
    // Shown today already: nothing else needs reading.
    if ctx.store.read_state().due_shown == Some(today) {
        return None;
    }
    let rhythm = match rhythm(ctx) {
        Ok(Some(r)) => r,
        Ok(None) => return None,
        Err(problem) => return Some(problem),
    };
    let newest = match newest_entry_time(&ctx.store.entries_dir()) {
        Ok(t) => t,
        Err(e) => {
            return Some(format!(
                "cannot look in {} ({e}), so nothing is shown",
                shown(&ctx.store.entries_dir().display().to_string())
            ));
        }
    };
    if !is_due(newest, ctx.now.naive_local(), rhythm) {
        return None;
    }
    let problem = match remember_shown(&ctx.store, today) {
        Ok(true) => None,
        // Another start-up (a second pane opening) showed it meanwhile.
        Ok(false) => return None,
        Err(e) => Some(format!(
            "cannot note that this was shown today, so it may be shown again ({})",
            shown(&format!("{e:#}"))
        )),
    };
    // A closed stdout is not the person's problem.
    let _ = writeln!(
        io::stdout().lock(),
        "{}",
        line(ctx.config.due.words.as_deref())
    );
    problem
}

/// The agreed rhythm: the config's, else the pack's in use.
fn rhythm(ctx: &Context) -> Result<Option<Rhythm>, String> {
    let (text, whose) = match &ctx.config.rhythm {
        Some(text) => (text.clone(), "the rhythm in your config"),
        None => match crate::store::packs::load_pack(&ctx.store, &ctx.config, None) {
            Ok(pack) => match pack.rhythm {
                Some(text) => (text, "the pack's rhythm"),
                // No rhythm agreed yet: quiet, as setup promises.
                None => return Ok(None),
            },
            Err(_) => {
                return Err(
                    "the pack in use cannot be read, so nothing is shown; 'mentalog pack list' says more"
                        .into(),
                );
            }
        },
    };
    text.parse().map(Some).map_err(|_| {
        format!(
            "{whose} \"{}\" cannot be read, so nothing is shown; set it again with 'mentalog setup rhythm'",
            shown(&text)
        )
    })
}

/// Due when there is no entry at all, or the newest is at least one
/// interval old. Times are compared as written (each entry's own local
/// time), so an entry made in another time zone is off by at most the
/// difference; one from the future (a clock put back) is not old.
fn is_due(newest: Option<NaiveDateTime>, now: NaiveDateTime, rhythm: Rhythm) -> bool {
    newest.is_none_or(|t| now - t >= rhythm.interval())
}

/// Notes today as the day shown, under the journal's lock so two shells
/// starting at once print it once. `false` when it was noted meanwhile.
fn remember_shown(store: &Store, today: chrono::NaiveDate) -> Result<bool> {
    // Never wait in a shell's start-up: if the journal is busy (an entry
    // being saved, another shell starting), leave the line to that one.
    let Some(_lock) = store.try_lock()? else {
        return Ok(false);
    };
    let mut state = store.read_state();
    if state.due_shown == Some(today) {
        return Ok(false);
    }
    state.due_shown = Some(today);
    store.write_state(&state)?;
    Ok(true)
}

/// The time in the name of the newest entry file under `entries`
/// (`YYYY/MM/YYYY-MM-DDTHH-MM-SS-<id>.json`), `None` when there is none.
/// Walks the year and month folders from the newest down and stops at the
/// first month holding an entry: a few folder listings, whatever the size
/// of the journal. Only names are read; any file named like an entry
/// counts, lane entries included (drafts live elsewhere).
fn newest_entry_time(entries: &Path) -> io::Result<Option<NaiveDateTime>> {
    for year in numbered(entries, 4)? {
        let year = entries.join(year);
        for month in numbered(&year, 2)? {
            // Names are compared as text (their times are written the
            // same width) and only the largest is parsed: a month of
            // thousands of entries costs little more than its listing.
            let mut stamps = Vec::new();
            for item in listing(&year.join(month))? {
                if let Some(stamp) = entry_stamp(&item?.file_name()) {
                    stamps.push(stamp);
                }
            }
            while let Some((i, largest)) = stamps.iter().enumerate().max_by_key(|(_, s)| *s) {
                match NaiveDateTime::parse_from_str(largest, "%Y-%m-%dT%H-%M-%S") {
                    Ok(time) => return Ok(Some(time)),
                    // Shaped like a time but none ("2026-13-40..."): the next.
                    Err(_) => {
                        stamps.swap_remove(i);
                    }
                }
            }
        }
    }
    Ok(None)
}

/// The names in `dir` made of `digits` ASCII digits, largest first. A
/// folder that is missing, or is not a folder, has none.
fn numbered(dir: &Path, digits: usize) -> io::Result<Vec<String>> {
    let mut names = Vec::new();
    for item in listing(dir)? {
        if let Some(name) = item?.file_name().to_str()
            && name.len() == digits
            && name.bytes().all(|b| b.is_ascii_digit())
        {
            names.push(name.to_string());
        }
    }
    names.sort_unstable_by(|a, b| b.cmp(a));
    Ok(names)
}

/// The items of `dir`; none when it is missing or not a folder.
fn listing(dir: &Path) -> io::Result<Box<dyn Iterator<Item = io::Result<std::fs::DirEntry>>>> {
    match std::fs::read_dir(dir) {
        Ok(read) => Ok(Box::new(read)),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            Ok(Box::new(std::iter::empty()))
        }
        Err(e) => Err(e),
    }
}

/// The time stamp (`YYYY-MM-DDTHH-MM-SS`) at the start of an entry file's
/// name, if it is named like one: checked by shape only, digits and
/// separators in their places. Hidden names are temp files of unfinished
/// writes.
fn entry_stamp(name: &OsStr) -> Option<String> {
    const SHAPE: &[u8; 20] = b"0000-00-00T00-00-00-";
    let name = name.to_str()?;
    let stem = name.strip_suffix(".json")?.as_bytes();
    let shaped = stem.len() > SHAPE.len()
        && stem.iter().zip(SHAPE).all(|(b, s)| match s {
            b'0' => b.is_ascii_digit(),
            _ => b == s,
        });
    shaped.then(|| name[..19].to_string())
}

/// The line to print: the person's words on one line, sanitised and cut to
/// [`MAX_WIDTH`], or the default when they chose none (or nothing of theirs
/// is left to show).
fn line(words: Option<&str>) -> String {
    words
        .map(shown)
        .filter(|w| !w.is_empty())
        .unwrap_or_else(|| DEFAULT_WORDS.to_string())
}

/// Untrusted text on one line, sanitised, at most [`MAX_WIDTH`] columns.
fn shown(text: &str) -> String {
    let clean = one_line(text);
    if clean.width() <= MAX_WIDTH {
        return clean;
    }
    let mut out = String::new();
    let mut width = 0;
    for c in clean.chars() {
        width += c.width().unwrap_or(0);
        if width > MAX_WIDTH - 1 {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(&format!("{s}:00"), "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn the_newest_name_wins_and_only_names_like_entries_count() {
        let tmp = tempfile::tempdir().unwrap();
        let entries = tmp.path().join("entries");
        assert_eq!(newest_entry_time(&entries).unwrap(), None, "no folder");
        for path in [
            "2025/12/2025-12-30T08-00-00-aaaa1111.json",
            "2026/01/2026-01-02T09-15-00-bbbb2222.json",
            "2026/01/2026-01-20T23-59-59-cccc3333.json",
            "2026/01/2026-01-05T10-00-00-dddd4444.json",
            // None of these is an entry, or a month or year of entries: a
            // note, times that are none, no id, a hidden or unfinished
            // write, a later month with nothing in it, a folder that is no
            // month or year, a file named like a year.
            "2026/01/zz-notes.json",
            "2026/01/2026-01-39T00-00-00-gggg7777.json",
            "2026/01/2026-01-2xT00-00-00-hhhh8888.json",
            "2026/01/2026-01-29T00-00-00.json",
            "2026/01/.2026-01-31T00-00-00-eeee5555.json",
            "2026/01/2026-01-31T00-00-00-eeee5555.json.tmp",
            "2026/03/readme.txt",
            "backup/2027-01-01T00-00-00-ffff6666.json",
            "2099",
        ] {
            let path = entries.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        std::fs::create_dir_all(entries.join("2026/02")).unwrap();
        assert_eq!(
            newest_entry_time(&entries).unwrap(),
            Some(at("2026-01-20 23:59") + chrono::Duration::seconds(59)),
        );
    }

    #[test]
    fn due_after_one_interval_or_with_no_entry() {
        let daily: Rhythm = "daily".parse().unwrap();
        let twice: Rhythm = "twice a week".parse().unwrap();
        let then = at("2026-11-03 21:40");
        assert!(is_due(None, then, daily));
        assert!(!is_due(Some(then), at("2026-11-04 21:39"), daily));
        assert!(is_due(Some(then), at("2026-11-04 21:40"), daily));
        assert!(!is_due(Some(then), at("2026-11-07 09:39"), twice));
        assert!(is_due(Some(then), at("2026-11-07 09:40"), twice));
        assert!(
            !is_due(Some(at("2026-12-01 00:00")), then, daily),
            "from the future"
        );
    }

    #[test]
    fn the_persons_words_are_one_clean_line_of_bounded_width() {
        assert_eq!(line(None), DEFAULT_WORDS);
        assert_eq!(line(Some("\u{1b}[31m\u{1b}[0m \n")), DEFAULT_WORDS);
        assert_eq!(
            line(Some("Time for\nthe \u{1b}[1mnotebook")),
            "Time for the notebook"
        );
        let long = line(Some(&"ab ".repeat(200)));
        assert!(long.ends_with('…'), "{long}");
        assert_eq!(long.width(), MAX_WIDTH);
        let fits = "x".repeat(MAX_WIDTH);
        assert_eq!(line(Some(&fits)), fits);
        let wide = line(Some(&"日".repeat(200)));
        assert!(wide.ends_with('…') && wide.width() <= MAX_WIDTH, "{wide}");
    }
}
