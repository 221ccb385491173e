//! Checking a pack: every problem at once, each with its place in the file
//! and what to write instead, and the rustc-style report `pack check` and
//! `pack add` print. The rules themselves live in `validate.rs`. Pure: the
//! report is a string; printing it is the caller's.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::Pack;
pub use super::validate::is_pack_id;

/// How much a problem matters: an error stops a pack from being used, a
/// warning does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in a pack, at a place in its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    /// Byte offsets into the source.
    pub span: Range<usize>,
    /// What is wrong, in a sentence.
    pub message: String,
    /// What to write instead.
    pub help: String,
}

impl Problem {
    pub fn error(
        span: Range<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Problem {
        Problem {
            severity: Severity::Error,
            span,
            message: message.into(),
            help: help.into(),
        }
    }

    pub fn warning(
        span: Range<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Problem {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(span, message, help)
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The line and column (from 1, in characters) where it starts.
    pub fn line_col(&self, source: &str) -> (usize, usize) {
        line_col(source, self.span.start)
    }
}

/// The line and column (from 1; the column in characters) of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let at = floor_boundary(source, offset);
    let before = &source[..at];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

fn floor_boundary(s: &str, offset: usize) -> usize {
    let mut at = offset.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// A pack checked: the problems found, in the order of the file, and the
/// pack itself when there is no error.
#[derive(Debug)]
pub struct Checked {
    pub pack: Option<Pack>,
    pub problems: Vec<Problem>,
}

impl Checked {
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.is_error())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| !p.is_error())
    }
}

/// Checks a pack's TOML source against every rule.
pub fn check(source: &str) -> Checked {
    let mut problems = super::validate::problems(source);
    if problems.iter().any(Problem::is_error) {
        return Checked {
            pack: None,
            problems,
        };
    }
    // The rules above cover everything the model reads; should they ever
    // miss something, the model's own error still says where.
    match toml::from_str::<Pack>(source) {
        Ok(mut pack) => {
            // The arrival check is never skippable, whatever the file says.
            for step in &mut pack.steps {
                if step.key == crate::entry::keys::ARRIVAL_DISTRESS
                    || step.key == crate::entry::keys::ARRIVAL_SAFETY
                {
                    step.skippable = false;
                }
            }
            Checked {
                pack: Some(pack),
                problems,
            }
        }
        Err(e) => {
            problems.push(Problem::error(
                e.span().unwrap_or(0..0),
                e.message().trim().to_string(),
                "compare this part with prompts/README.md, which describes every key",
            ));
            Checked {
                pack: None,
                problems,
            }
        }
    }
}

/// The first errors on one line each, as `line 3, column 7: what; help`,
/// with how many more there are: for an error message that has no room for
/// the whole report. `path`, when given, goes before each place.
pub fn first_errors(source: &str, problems: &[Problem], path: Option<&str>) -> String {
    const SHOWN: usize = 3;
    let errors: Vec<&Problem> = problems.iter().filter(|p| p.is_error()).collect();
    let mut out = String::new();
    for (i, p) in errors.iter().take(SHOWN).enumerate() {
        let (line, col) = p.line_col(source);
        if i > 0 {
            out.push_str("; ");
        }
        let (message, help) = (shorten(&p.message), shorten(&p.help));
        match path {
            Some(path) => {
                let _ = write!(out, "{path}:{line}:{col}: {message} ({help})");
            }
            None => {
                let _ = write!(out, "line {line}, column {col}: {message} ({help})");
            }
        }
    }
    if errors.len() > SHOWN {
        let more = errors.len() - SHOWN;
        let file = path.unwrap_or("FILE");
        let _ = write!(
            out,
            "; and {more} more problem{} ('mentalog pack check {file}' shows them)",
            if more == 1 { "" } else { "s" }
        );
    }
    out
}

/// How many problems of one file `render` shows; the rest are counted in
/// one line. A hostile or badly broken file must not flood the terminal,
/// and the first problems are the ones to fix first.
pub const SHOWN_PER_FILE: usize = 50;

/// A line longer than this (in bytes) is shown as a window around the
/// place: so many characters before it, the place itself up to `SPAN_SHOWN`
/// characters, and so many after it, with `...` where it was cut.
const LONG_LINE: usize = 160;
const AROUND: usize = 60;
const SPAN_SHOWN: usize = 80;
/// The longest message or help shown, in characters.
const MAX_MESSAGE: usize = 500;

/// Every problem as rustc shows one: `path:line:column: error: what`, the
/// line with a caret under the place, and `help:` with what to write
/// instead; past [`SHOWN_PER_FILE`], one line says how many more there are.
/// The result is plain text (no colour) that has passed the sanitiser: the
/// pack and its path are untrusted. Each snippet is cut from the lines
/// around its place, so the cost does not grow with the file.
pub fn render(path: &str, source: &str, problems: &[Problem]) -> String {
    let lines = Lines::new(source);
    let renderer = Renderer::plain();
    let mut out = String::new();
    for p in problems.iter().take(SHOWN_PER_FILE) {
        let (level, word) = match p.severity {
            Severity::Error => (Level::ERROR, "error"),
            Severity::Warning => (Level::WARNING, "warning"),
        };
        let window = lines.window(&p.span);
        let title = format!(
            "{path}:{}:{}: {word}: {}",
            window.line,
            window.column,
            shorten(&p.message)
        );
        let report = [
            level.no_name().primary_title(&title).element(
                Snippet::source(&window.text)
                    .line_start(window.line)
                    .annotation(AnnotationKind::Primary.span(window.span.clone())),
            ),
            Group::with_title(Level::HELP.secondary_title(shorten(&p.help))),
        ];
        out.push_str(&renderer.render(&report));
        out.push_str("\n\n");
    }
    if problems.len() > SHOWN_PER_FILE {
        let more = problems.len() - SHOWN_PER_FILE;
        let _ = writeln!(
            out,
            "... and {more} more problem{} in {path} (fix these first)\n",
            if more == 1 { "" } else { "s" }
        );
    }
    crate::text::clean(&out)
}

/// A message or help cut to [`MAX_MESSAGE`] characters: they quote the
/// pack, and a key or text can be as long as the file.
fn shorten(s: &str) -> Cow<'_, str> {
    match s.char_indices().nth(MAX_MESSAGE) {
        Some((i, _)) => Cow::Owned(format!("{}...", &s[..i])),
        None => Cow::Borrowed(s),
    }
}

/// Where each line of a source starts, to find a place's line without
/// reading the file from the top each time.
struct Lines<'s> {
    source: &'s str,
    starts: Vec<usize>,
}

/// What a snippet shows: one line (or a window of a long one), made safe to
/// show, with the place inside it.
struct Window {
    /// The line and column (from 1) of the place in the whole source.
    line: usize,
    column: usize,
    text: String,
    span: Range<usize>,
}

impl<'s> Lines<'s> {
    fn new(source: &'s str) -> Lines<'s> {
        let mut starts = vec![0];
        starts.extend(
            source
                .bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Lines { source, starts }
    }

    /// The line of `span`'s start, cut around it when long. A place over
    /// several lines is shown by its first.
    fn window(&self, span: &Range<usize>) -> Window {
        let s = self.source;
        let start = floor_boundary(s, span.start);
        let index = self.starts.partition_point(|&l| l <= start) - 1;
        let line_start = self.starts[index];
        let mut line_end = self.starts.get(index + 1).map_or(s.len(), |next| next - 1);
        if s[line_start..line_end].ends_with('\r') {
            line_end -= 1;
        }
        // Characters, not bytes: counting UTF-8 lead bytes is quick on a
        // long line.
        let column = s.as_bytes()[line_start..start]
            .iter()
            .filter(|b| (**b & 0xC0) != 0x80)
            .count()
            + 1;
        let start = start.min(line_end);
        let end = floor_boundary(s, span.end).clamp(start, line_end);
        let (from, to, end) = if line_end - line_start <= LONG_LINE {
            (line_start, line_end, end)
        } else {
            let from = s[line_start..start]
                .char_indices()
                .rev()
                .take(AROUND)
                .last()
                .map_or(start, |(i, _)| line_start + i);
            let end = s[start..end]
                .char_indices()
                .nth(SPAN_SHOWN)
                .map_or(end, |(i, _)| start + i);
            let to = s[end..line_end]
                .char_indices()
                .nth(AROUND)
                .map_or(line_end, |(i, _)| end + i);
            (from, to, end)
        };
        let before = if from > line_start { "..." } else { "" };
        let after = if to < line_end { "..." } else { "" };
        let text = format!("{before}{}{after}", neutralise(&s[from..to]));
        let span = (start - from + before.len())..(end - from + before.len());
        Window {
            line: index + 1,
            column,
            text,
            span,
        }
    }
}

/// The source with every character the sanitiser would drop or change
/// replaced, byte for byte, by `?`: the places keep their offsets and the
/// carets line up with what is shown.
fn neutralise(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        let keep = match c {
            '\n' | '\t' => true,
            '\r' => chars.peek() == Some(&'\n'),
            _ => {
                let mut buf = [0; 4];
                let s: &str = c.encode_utf8(&mut buf);
                crate::text::clean(s) == s
            }
        };
        if keep {
            out.push(c);
        } else {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_count_lines_and_characters_from_one() {
        let s = "a = 1\nbé = \"x\"\n";
        assert_eq!(line_col(s, 0), (1, 1));
        assert_eq!(line_col(s, 6), (2, 1));
        // "bé = " is 6 bytes, 5 characters.
        assert_eq!(line_col(s, 12), (2, 6));
        assert_eq!(line_col(s, 999), (3, 1));
    }

    #[test]
    fn a_window_is_the_line_of_the_place_without_its_line_ending() {
        let s = "a = 1\r\ntitel = 2\r\n";
        let lines = Lines::new(s);
        let w = lines.window(&(7..12));
        assert_eq!((w.line, w.column), (2, 1));
        assert_eq!(w.text, "titel = 2");
        assert_eq!(w.span, 0..5);
        // At the line ending, past the end, in an empty file: still a place.
        let w = lines.window(&(5..7));
        assert_eq!(
            (w.line, w.column, w.text.as_str(), w.span),
            (1, 6, "a = 1", 5..5)
        );
        let w = lines.window(&(99..120));
        assert_eq!((w.line, w.column, w.text.as_str()), (3, 1, ""));
        let w = Lines::new("").window(&(0..0));
        assert_eq!((w.line, w.column, w.text.as_str()), (1, 1, ""));
        let p = Problem::error(0..0, "no steps", "add them");
        assert!(render("p.toml", "", &[p]).starts_with("p.toml:1:1: error: no steps"));
    }

    #[test]
    fn at_most_fifty_problems_are_shown_and_the_rest_counted() {
        let s = "x = 1\n";
        let problems = vec![Problem::error(0..1, "what", "fix"); SHOWN_PER_FILE + 1];
        let report = render("p.toml", s, &problems);
        assert_eq!(
            report.matches("p.toml:1:1: error: what").count(),
            SHOWN_PER_FILE
        );
        assert!(
            report.ends_with("... and 1 more problem in p.toml (fix these first)\n\n"),
            "{report}"
        );
        let report = render("p.toml", s, &problems[..SHOWN_PER_FILE]);
        assert!(!report.contains("more problem"), "{report}");
    }

    #[test]
    fn hidden_characters_keep_their_offsets() {
        let s = "a\u{1b}[8m\u{202e}b";
        let n = neutralise(s);
        assert_eq!(n.len(), s.len());
        assert!(n.starts_with("a?[8m???b"), "{n}");
    }
}
