//! The person's own view of their journal: `list` and `show`. Everything
//! read from an entry file is shown through [`crate::text`].

use std::io::{self, Write};

use serde::Serialize;

use crate::entry::{Entry, NudgeRecord, first_words, keys, rfc3339_seconds};
use crate::store::Stored;
use crate::text::{OneLine, Shown, clean, one_line};

/// One line of `mentalog list --json`.
#[derive(Debug, Serialize)]
pub struct ListItem<'a> {
    pub id: &'a str,
    pub created: String,
    pub what_happened: Option<&'a str>,
    pub distress_start: Option<u8>,
    pub distress_end: Option<u8>,
    pub shared: bool,
    pub safety_lane: bool,
    pub path: &'a std::path::Path,
}

impl<'a> ListItem<'a> {
    pub fn new(s: &'a Stored) -> Self {
        let e = &s.entry;
        ListItem {
            id: &e.id,
            created: rfc3339_seconds::format(&e.created),
            what_happened: e.text(keys::WHAT_HAPPENED),
            distress_start: e.rating(keys::ARRIVAL_DISTRESS),
            distress_end: e.rating(keys::AFTER_DISTRESS),
            shared: e.shared,
            safety_lane: e.safety_lane,
            path: &s.path,
        }
    }
}

const WHAT_WIDTH: usize = 44;

/// `2026-11-03 21:40  7c1e09ab  At dinner, my sister said…  7 → 4  private`
/// `filtered` says whether --since, --until or -n chose among the entries,
/// so that an empty list is not mistaken for an empty journal.
pub fn list(out: &mut impl Write, entries: &[&Stored], filtered: bool) -> io::Result<()> {
    if entries.is_empty() {
        return if filtered {
            writeln!(out, "No entries match; 'mentalog list' shows them all.")
        } else {
            writeln!(out, "No entries yet. Write one with: mentalog new")
        };
    }
    for s in entries {
        let e = &s.entry;
        let what = e
            .text(keys::WHAT_HAPPENED)
            .or_else(|| e.text(keys::SAFETY_NOTE))
            .map(|t| first_words(&clean(t), WHAT_WIDTH))
            .unwrap_or_else(|| "-".to_string());
        let pad = WHAT_WIDTH.saturating_sub(what.chars().count());
        let rating = |r: Option<u8>| r.map_or("-".to_string(), |r| r.to_string());
        writeln!(
            out,
            "{}  {}  {what}{:pad$}  {:>2} → {:<2}  {}",
            e.created.format("%Y-%m-%d %H:%M"),
            OneLine(e.short_id()),
            "",
            rating(e.rating(keys::ARRIVAL_DISTRESS)),
            rating(e.rating(keys::AFTER_DISTRESS)),
            if e.shared { "shared" } else { "private" },
        )?;
    }
    Ok(())
}

/// The version of `mentalog list --json`.
pub const LIST_SCHEMA: &str = "mentalog.list/1";

/// `{"schema": "mentalog.list/1", "entries": [...]}`, newest first.
pub fn list_json(out: &mut impl Write, entries: &[&Stored]) -> io::Result<()> {
    #[derive(Serialize)]
    struct List<'a> {
        schema: &'static str,
        entries: Vec<ListItem<'a>>,
    }
    let list = List {
        schema: LIST_SCHEMA,
        entries: entries.iter().map(|s| ListItem::new(s)).collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &list)?;
    writeln!(out)
}

/// The entry as question → answer, as the person wrote it, with the nudge
/// right after the answer that drew it.
pub fn show(out: &mut impl Write, e: &Entry) -> io::Result<()> {
    writeln!(out, "Entry {}", OneLine(&e.id))?;
    let sharing = match (e.shared, e.safety_shared) {
        (true, _) => "shared",
        (false, true) => "private, but your therapist may see that the safety steps opened",
        (false, false) => "private",
    };
    let mut about = format!(
        "Written {} · {sharing} · pack {} {}",
        e.created.format("%a %-d %b %Y, %H:%M (%:z)"),
        OneLine(&e.pack.id),
        OneLine(&e.pack.version)
    );
    if e.safety_lane {
        about.push_str(" · written at a very hard moment, with your crisis plan");
    }
    writeln!(out, "{about}")?;
    // Beneath the step that drew it, or the last answer before it when that
    // step was skipped; at the end when neither is known (older entries).
    let place = e
        .nudge
        .as_ref()
        .and_then(|n| n.place(e.answers.iter().map(|a| a.key.as_str())));
    let after = place.as_deref();
    for a in &e.answers {
        writeln!(out)?;
        // What the person typed is shown, but nothing in it may drive the terminal.
        let question = Shown(&a.question);
        match a.framing.as_deref().map(one_line).filter(|f| !f.is_empty()) {
            Some(framing) => writeln!(out, "{framing} {question}")?,
            None => writeln!(out, "{question}")?,
        }
        for line in clean(&a.value.plain_text()).lines() {
            writeln!(out, "  {line}")?;
        }
        if let Some(n) = &e.nudge
            && after == Some(a.key.as_str())
        {
            nudge(out, n)?;
        }
    }
    if let Some(n) = &e.nudge
        && after.is_none()
    {
        nudge(out, n)?;
    }
    Ok(())
}

fn nudge(out: &mut impl Write, n: &NudgeRecord) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "{}", Shown(&n.text))?;
    let answer = clean(n.answer.as_deref().unwrap_or("(skipped)"));
    for line in answer.lines() {
        writeln!(out, "  {line}")?;
    }
    Ok(())
}
