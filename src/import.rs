//! Reading another journal's entries: jrnl's JSON export (`jrnl --export
//! json`) and its plain-text journal file, read as jrnl 4.x reads them.
//! Pure: the caller reads the file, chooses the local offset and saves.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::entry::{Answer, Entry, Imported, Kind, PackRef, SCHEMA_VERSION, Value};

/// The pack an imported entry names: one free text, no guided steps.
pub const FREE_TEXT_PACK: &str = "free-text";
/// The answer holding a jrnl entry's title.
pub const TITLE_KEY: &str = "free.title";
/// The answer holding a jrnl entry's body.
pub const BODY_KEY: &str = "free.body";
/// The tag given to an entry jrnl had starred.
pub const STARRED_TAG: &str = "starred";

/// One jrnl entry, as jrnl itself reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JrnlEntry {
    /// jrnl keeps no offset: a wall-clock time, to the minute.
    pub at: NaiveDateTime,
    pub title: String,
    pub body: String,
    /// jrnl's `@tags`, lowercased as jrnl does, in the order first written,
    /// without duplicates.
    pub tags: Vec<String>,
    pub starred: bool,
}

/// Which of jrnl's formats a file was in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Text,
}

/// Why a file could not be read as a jrnl journal; `line` when it is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

fn fail<T>(line: Option<usize>, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError {
        line,
        message: message.into(),
    })
}

/// Reads `text` as jrnl's JSON export when it starts with `{`, else as its
/// plain-text journal.
pub fn parse(text: &str) -> Result<(Format, Vec<JrnlEntry>), ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with('{') {
        parse_json(text).map(|e| (Format::Json, e))
    } else {
        parse_text(text).map(|e| (Format::Text, e))
    }
}

/// jrnl 4.x's `--export json`: `{"tags": {...}, "entries": [{"title",
/// "body", "date", "time", "tags", "starred", ...}]}`; other keys (`uuid`,
/// `creator`) are left aside.
pub fn parse_json(text: &str) -> Result<Vec<JrnlEntry>, ParseError> {
    #[derive(Deserialize)]
    struct Export {
        entries: Vec<JsonEntry>,
    }
    #[derive(Deserialize)]
    struct JsonEntry {
        title: String,
        body: String,
        date: String,
        time: String,
        #[serde(default)]
        tags: Vec<String>,
        #[serde(default)]
        starred: bool,
    }
    let export: Export = serde_json::from_str(text).map_err(|e| ParseError {
        line: None,
        message: format!("it is not a jrnl JSON export ({e})"),
    })?;
    export
        .entries
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let Ok(date) = NaiveDate::parse_from_str(&e.date, "%Y-%m-%d") else {
                return fail(
                    None,
                    format!(
                        "entry {} has the date {:?}, not YYYY-MM-DD as jrnl writes it",
                        i + 1,
                        e.date
                    ),
                );
            };
            let Ok(time) = NaiveTime::parse_from_str(&e.time, "%H:%M") else {
                return fail(
                    None,
                    format!(
                        "entry {} has the time {:?}, not HH:MM as jrnl writes it",
                        i + 1,
                        e.time
                    ),
                );
            };
            let title = normalise(&e.title);
            let body = normalise(&e.body);
            let listed = e.tags.iter().map(|t| t.to_lowercase()).collect();
            let tags = order_tags(listed, &title, &body);
            Ok(JrnlEntry {
                at: date.and_time(time),
                title,
                body,
                tags,
                starred: e.starred,
            })
        })
        .collect()
}

/// jrnl's journal file: entries begin `[YYYY-MM-DD HH:MM] ` at the start of
/// a line (jrnl's default time format); the title is the first line when
/// there is more than one, else the first sentence; a first line ending in
/// `*` marks the entry starred.
pub fn parse_text(text: &str) -> Result<Vec<JrnlEntry>, ParseError> {
    // (where the match begins, where the entry's text begins, the time)
    let mut starts: Vec<(usize, usize, NaiveDateTime)> = Vec::new();
    let mut from = 0;
    let mut close_seen = 0;
    while let Some(found) = next_blob(text, from, &mut close_seen) {
        let Blob {
            start,
            open,
            close,
            end,
        } = found;
        from = end;
        let blob = &text[open + 1..close];
        match NaiveDateTime::parse_from_str(blob, "%Y-%m-%d %H:%M") {
            Ok(at) => starts.push((start, end, at)),
            // Shaped like a date but not one: a damaged journal, not text.
            Err(_) if looks_like_date(blob) => {
                return fail(
                    Some(line_of(text, open)),
                    format!(
                        "[{}] is not a date and time as jrnl writes them ([YYYY-MM-DD HH:MM])",
                        blob.replace('\n', " ")
                    ),
                );
            }
            Err(_) => {}
        }
    }
    let Some(&(first, _, _)) = starts.first() else {
        return fail(
            None,
            "it holds no jrnl entries: each begins with its date and time, as in [2024-03-08 21:40] (an encrypted jrnl journal must be exported first: jrnl --export json)",
        );
    };
    if let Some(offset) = text[..first].find(|c: char| !c.is_whitespace()) {
        return fail(
            Some(line_of(text, offset)),
            "text before the first entry; a jrnl entry begins with its date and time, as in [2024-03-08 21:40]",
        );
    }
    let mut entries = Vec::with_capacity(starts.len());
    for (i, &(_, begin, at)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(text.len(), |s| s.0);
        entries.push(entry_from_text(at, &text[begin..end]));
    }
    Ok(entries)
}

struct Blob {
    /// Where jrnl's match begins: the newline before `[`, or 0.
    start: usize,
    open: usize,
    close: usize,
    /// Just after the `] `.
    end: usize,
}

/// The next match of jrnl's `(?:^|\n)\[([^\]]+)\] ` at or after `from`.
/// `close_seen` keeps the last `]` found, so that a text of many `[` and
/// one late `]` is searched once, not once for every `[`.
fn next_blob(text: &str, from: usize, close_seen: &mut usize) -> Option<Blob> {
    let bytes = text.as_bytes();
    let mut at = from;
    while at < bytes.len() {
        let open = if at == 0 && bytes[0] == b'[' {
            0
        } else {
            let nl = at + text[at..].find("\n[")?;
            nl + 1
        };
        let start = open.saturating_sub(1);
        // With no `]` left, no later `[` can match either.
        let close = if *close_seen > open {
            *close_seen
        } else {
            open + 1 + text[open + 1..].find(']')?
        };
        *close_seen = close;
        match close {
            close if close > open + 1 && bytes.get(close + 1) == Some(&b' ') => {
                return Some(Blob {
                    start,
                    open,
                    close,
                    end: close + 2,
                });
            }
            _ => at = open + 1,
        }
    }
    None
}

fn looks_like_date(blob: &str) -> bool {
    let b = blob.as_bytes();
    b.len() >= 5 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-'
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

/// jrnl's `Entry._parse_text`: the star, the title and the body, the tags.
fn entry_from_text(at: NaiveDateTime, raw: &str) -> JrnlEntry {
    let raw = raw.replace("\r\n", "\n");
    let lines: Vec<&str> = raw.lines().collect();
    let starred = lines.first().is_some_and(|l| l.trim().ends_with('*'));
    let text = if starred {
        let first = lines[0].trim_matches(|c| c == '\n' || c == ' ' || c == '*');
        format!("{first}\n{}", lines[1..].join("\n"))
    } else {
        raw.clone()
    };
    let (title, body) = split_title(&text);
    let title = normalise(&title);
    let body = normalise(&body);
    let tags = order_tags(find_tags(&raw), &title, &body);
    JrnlEntry {
        at,
        title,
        body,
        tags,
        starred,
    }
}

/// jrnl's `split_title`: the first line when there is a newline (found in
/// the text with its leading blanks removed, then cut at that many
/// characters of the text as it is, as jrnl does), else the first sentence.
fn split_title(text: &str) -> (String, String) {
    let trimmed = text.trim_start();
    let cut = match trimmed.find('\n') {
        Some(nl) => Some(trimmed[..=nl].chars().count()),
        None => sentence_end(text),
    };
    match cut {
        Some(n) => {
            let at = text.char_indices().nth(n).map_or(text.len(), |(i, _)| i);
            (text[..at].trim().to_string(), text[at..].trim().to_string())
        }
        None => (text.to_string(), String::new()),
    }
}

/// The end, in characters, of jrnl's `SENTENCE_SPLITTER` first match: a
/// sentence terminal, an optional closing quote, closing brackets, then
/// spaces; or a CJK full stop on its own.
fn sentence_end(text: &str) -> Option<usize> {
    const TERMINALS: &[char] = &[
        '.', '!', '?', '\u{2026}', '\u{203C}', '\u{203D}', '\u{2047}', '\u{2048}', '\u{2049}',
        '\u{22EF}', '\u{FE52}', '\u{FE57}',
    ];
    const QUOTES: &[char] = &['\'', '\u{2019}', '"', '\u{201D}'];
    const CJK: &[char] = &['\u{FF01}', '\u{FF0E}', '\u{FF1F}', '\u{FF61}', '\u{3002}'];
    let chars: Vec<char> = text.chars().collect();
    for i in 0..chars.len() {
        if CJK.contains(&chars[i]) {
            return Some(i + 1);
        }
        if !TERMINALS.contains(&chars[i]) {
            continue;
        }
        let mut j = i + 1;
        if chars.get(j).is_some_and(|c| QUOTES.contains(c)) {
            j += 1;
        }
        while chars.get(j).is_some_and(|c| *c == ']' || *c == ')') {
            j += 1;
        }
        let spaces = chars[j..].iter().take_while(|c| c.is_whitespace()).count();
        if spaces > 0 {
            return Some(j + spaces);
        }
    }
    None
}

/// jrnl's tags: `@` and word characters (or `-+*#/`), at the start of the
/// text or after a blank; lowercased; each once, in the order first written.
pub fn find_tags(text: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut before: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '@' && before.is_none_or(char::is_whitespace) {
            let mut end = i + 1;
            while let Some(&(j, d)) = chars.peek() {
                if d.is_alphanumeric() || d == '_' || "-+*#/".contains(d) {
                    end = j + d.len_utf8();
                    before = Some(d);
                    chars.next();
                } else {
                    break;
                }
            }
            if end > i + 1 {
                let tag = text[i..end].to_lowercase();
                if seen.insert(tag.clone()) {
                    tags.push(tag);
                }
                continue;
            }
        }
        before = Some(c);
    }
    tags
}

/// `tags` in the order they are first written in the title and body, then
/// any not found there in sorted order, each once: jrnl's JSON export lists
/// them in no fixed order, and both formats must give the same entry.
fn order_tags(mut tags: Vec<String>, title: &str, body: &str) -> Vec<String> {
    tags.sort();
    tags.dedup();
    let listed: std::collections::HashSet<&String> = tags.iter().collect();
    let mut ordered: Vec<String> = find_tags(&format!("{title}\n{body}"))
        .into_iter()
        .filter(|t| listed.contains(t))
        .collect();
    let placed: std::collections::HashSet<String> = ordered.iter().cloned().collect();
    ordered.extend(tags.iter().filter(|t| !placed.contains(*t)).cloned());
    ordered
}

/// Line endings as `\n` and no blanks around, as jrnl strips its title and body.
fn normalise(text: &str) -> String {
    text.replace("\r\n", "\n").trim().to_string()
}

impl JrnlEntry {
    /// The SHA-256 (lowercase hex) of `"YYYY-MM-DD HH:MM\n<title>\n<body>"`:
    /// what the entry is, whichever format it came in.
    pub fn digest(&self) -> String {
        let text = format!(
            "{}\n{}\n{}",
            self.at.format("%Y-%m-%d %H:%M"),
            self.title,
            self.body
        );
        Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The mentalog entry: private, of the free-text pack, its id the first
    /// 32 characters of [`JrnlEntry::digest`] so that importing again finds
    /// it. `created` is [`JrnlEntry::at`] in the offset the caller chose.
    pub fn to_entry(&self, created: DateTime<FixedOffset>) -> Entry {
        let source = self.digest();
        let mut answers = Vec::new();
        for (key, kind, question, text) in [
            (TITLE_KEY, Kind::ShortText, "Title", &self.title),
            (BODY_KEY, Kind::LongText, "What you wrote", &self.body),
        ] {
            if !text.is_empty() {
                answers.push(Answer {
                    key: key.into(),
                    kind,
                    question: question.into(),
                    framing: None,
                    value: Value::Text(text.clone()),
                });
            }
        }
        let mut tags = self.tags.clone();
        if self.starred && !tags.iter().any(|t| t == STARRED_TAG) {
            tags.push(STARRED_TAG.into());
        }
        Entry {
            schema: SCHEMA_VERSION,
            id: source[..32].to_string(),
            created,
            pack: PackRef {
                id: FREE_TEXT_PACK.into(),
                version: "1".into(),
            },
            shared: false,
            safety_lane: false,
            answers,
            nudge: None,
            safety_shared: false,
            plan: None,
            rechecks: Vec::new(),
            follows: None,
            distress_rose: false,
            plan_opened: None,
            focus: None,
            measures: Vec::new(),
            tags,
            imported: Some(Imported {
                from: "jrnl".into(),
                source,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn the_title_is_the_first_line_else_the_first_sentence() {
        let e = parse_text("[2024-03-08 21:40] Went out. Had fun @Friends.\n").unwrap();
        assert_eq!(e[0].title, "Went out. Had fun @Friends.");
        assert_eq!(e[0].body, "");
        let e = parse_text("[2024-03-08 21:40] Went out. Had fun.").unwrap();
        assert_eq!(
            (e[0].title.as_str(), e[0].body.as_str()),
            ("Went out.", "Had fun.")
        );
        let e = parse_text("[2024-03-08 21:40] Just this").unwrap();
        assert_eq!((e[0].title.as_str(), e[0].body.as_str()), ("Just this", ""));
        let e = parse_text("[2024-03-08 21:40] A day *\nLong.\n\nAnd more.\n\n").unwrap();
        assert!(e[0].starred);
        assert_eq!(
            (e[0].title.as_str(), e[0].body.as_str()),
            ("A day", "Long.\n\nAnd more.")
        );
    }

    #[test]
    fn entries_split_only_at_a_date_starting_a_line() {
        let text =
            "[2024-03-08 21:40] One\nsee [note] here\n[link] text\n\n[2024-03-09 08:00] Two\n";
        let e = parse_text(text).unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].body, "see [note] here\n[link] text");
        assert_eq!(e[1].at, at("2024-03-09 08:00"));
        let bad = parse_text("[2024-03-08 21:40] One\n\n[2024-13-09 08:00] Two\n").unwrap_err();
        assert_eq!(bad.line, Some(3));
        assert_eq!(
            parse_text("notes\n[2024-03-08 21:40] x").unwrap_err().line,
            Some(1)
        );
        assert!(parse_text("").is_err());
    }

    #[test]
    fn tags_are_read_as_jrnl_reads_them() {
        assert_eq!(
            find_tags("@Work and @home, e@mail @ @work @café-1 (@no)"),
            ["@work", "@home", "@café-1"]
        );
    }

    #[test]
    fn json_and_text_agree() {
        let json = r#"{"tags": {"@b": 1, "@a": 1}, "entries": [
          {"title": "T @a.", "body": "x @b", "date": "2024-03-08", "time": "21:40",
           "tags": ["@b", "@a"], "starred": true, "uuid": "u"}]}"#;
        let text = "[2024-03-08 21:40] T @a. *\nx @b\n";
        let (f1, a) = parse(json).unwrap();
        let (f2, b) = parse(text).unwrap();
        assert_eq!((f1, f2), (Format::Json, Format::Text));
        assert_eq!(a, b);
        assert_eq!(a[0].tags, ["@a", "@b"]);
        assert_eq!(a[0].digest().len(), 64);
    }
}
