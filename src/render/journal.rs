//! The person's own view of their journal: `list` and `show`. Everything
//! read from an entry file is shown through [`crate::text`].

use std::io::{self, Write};

use serde::Serialize;

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};

use crate::entry::{Entry, NudgeRecord, first_words, keys, rfc3339_seconds, short_id};
use crate::text::{OneLine, Shown, clean, one_line};

/// What `mentalog list` shows of one entry, made as the entry is read so
/// that a list of years of entries holds little of each.
#[derive(Debug, Clone)]
pub struct ListRow {
    pub id: String,
    pub created: DateTime<FixedOffset>,
    /// The words listed: for the text list, the first of what happened (or
    /// of the safety note) cut to fit; for `--json`, what happened whole.
    pub what: Option<String>,
    pub distress_start: Option<u8>,
    pub distress_end: Option<u8>,
    pub shared: bool,
    pub safety_lane: bool,
    pub path: PathBuf,
}

impl ListRow {
    pub fn new(path: PathBuf, e: &Entry, json: bool) -> ListRow {
        let what = if json {
            e.text(keys::WHAT_HAPPENED).map(str::to_owned)
        } else {
            e.text(keys::WHAT_HAPPENED)
                .or_else(|| e.text(keys::SAFETY_NOTE))
                // An entry brought in from another journal: its title, or its words.
                .or_else(|| e.text(crate::import::TITLE_KEY))
                .or_else(|| e.text(crate::import::BODY_KEY))
                .map(|t| first_words(&clean(t), WHAT_WIDTH))
        };
        ListRow {
            id: e.id.clone(),
            created: e.created,
            what,
            distress_start: e.rating(keys::ARRIVAL_DISTRESS),
            distress_end: e.rating(keys::AFTER_DISTRESS),
            shared: e.shared,
            safety_lane: e.safety_lane,
            path,
        }
    }
}

/// One line of `mentalog list --json`.
#[derive(Debug, Serialize)]
struct ListItem<'a> {
    id: &'a str,
    created: String,
    what_happened: Option<&'a str>,
    distress_start: Option<u8>,
    distress_end: Option<u8>,
    shared: bool,
    safety_lane: bool,
    path: &'a std::path::Path,
}

impl<'a> ListItem<'a> {
    fn new(r: &'a ListRow) -> Self {
        ListItem {
            id: &r.id,
            created: rfc3339_seconds::format(&r.created),
            what_happened: r.what.as_deref(),
            distress_start: r.distress_start,
            distress_end: r.distress_end,
            shared: r.shared,
            safety_lane: r.safety_lane,
            path: &r.path,
        }
    }
}

const WHAT_WIDTH: usize = 44;

/// `2026-11-03 21:40  7c1e09ab  At dinner, my sister said…  7 → 4  private`
/// `filtered` says whether --since, --until or -n chose among the entries,
/// so that an empty list is not mistaken for an empty journal.
pub fn list(out: &mut impl Write, rows: &[ListRow], filtered: bool) -> io::Result<()> {
    if rows.is_empty() {
        return if filtered {
            writeln!(out, "No entries match; 'mentalog list' shows them all.")
        } else {
            writeln!(out, "No entries yet. Write one with: mentalog new")
        };
    }
    for r in rows {
        let what = r.what.as_deref().unwrap_or("-");
        let pad = WHAT_WIDTH.saturating_sub(what.chars().count());
        let rating = |r: Option<u8>| r.map_or("-".to_string(), |r| r.to_string());
        writeln!(
            out,
            "{}  {}  {what}{:pad$}  {:>2} → {:<2}  {}",
            r.created.format("%Y-%m-%d %H:%M"),
            OneLine(short_id(&r.id)),
            "",
            rating(r.distress_start),
            rating(r.distress_end),
            if r.shared { "shared" } else { "private" },
        )?;
    }
    Ok(())
}

/// The version of `mentalog list --json`.
pub const LIST_SCHEMA: &str = "mentalog.list/1";

/// `{"schema": "mentalog.list/1", "entries": [...]}`, newest first.
pub fn list_json(out: &mut impl Write, rows: &[ListRow]) -> io::Result<()> {
    #[derive(Serialize)]
    struct List<'a> {
        schema: &'static str,
        entries: Vec<ListItem<'a>>,
    }
    let list = List {
        schema: LIST_SCHEMA,
        entries: rows.iter().map(ListItem::new).collect(),
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
    if let Some(imported) = &e.imported {
        about.push_str(&format!(" · brought in from {}", OneLine(&imported.from)));
    }
    writeln!(out, "{about}")?;
    if !e.tags.is_empty() {
        writeln!(out, "Tags: {}", OneLine(&e.tags.join(", ")))?;
    }
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

/// The later reflections on an entry, oldest first, after the entry.
pub fn reflections(out: &mut impl Write, list: &[crate::reflection::Reflection]) -> io::Result<()> {
    for r in list {
        writeln!(out)?;
        writeln!(
            out,
            "Later reflection, {}",
            r.created.format("%a %-d %b %Y, %H:%M (%:z)")
        )?;
        for a in &r.answers {
            writeln!(out, "  {}", Shown(&a.question))?;
            for line in clean(&a.value.plain_text()).lines() {
                writeln!(out, "    {line}")?;
            }
        }
    }
    Ok(())
}
