//! Checking a pack: every problem at once, each with its place in the file
//! and what to write instead, and the rustc-style report `pack check` and
//! `pack add` print. The rules themselves live in `validate.rs`. Pure: the
//! report is a string; printing it is the caller's.

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
        match path {
            Some(path) => {
                let _ = write!(out, "{path}:{line}:{col}: {} ({})", p.message, p.help);
            }
            None => {
                let _ = write!(out, "line {line}, column {col}: {} ({})", p.message, p.help);
            }
        }
    }
    if errors.len() > SHOWN {
        let more = errors.len() - SHOWN;
        let file = path.unwrap_or("FILE");
        let _ = write!(
            out,
            "; and {more} more problem{} ('mentalog pack check {file}' lists them all)",
            if more == 1 { "" } else { "s" }
        );
    }
    out
}

/// Every problem as rustc shows one: `path:line:column: error: what`, the
/// line with a caret under the place, and `help:` with what to write
/// instead. The result is plain text (no colour) that has passed the
/// sanitiser: the pack and its path are untrusted.
pub fn render(path: &str, source: &str, problems: &[Problem]) -> String {
    let shown = neutralise(source);
    let renderer = Renderer::plain();
    let mut out = String::new();
    for p in problems {
        let (line, col) = p.line_col(source);
        let (level, word) = match p.severity {
            Severity::Error => (Level::ERROR, "error"),
            Severity::Warning => (Level::WARNING, "warning"),
        };
        let start = floor_boundary(&shown, p.span.start);
        let end = floor_boundary(&shown, p.span.end.max(start));
        // A place on one line is shown whole; a long one by its start.
        let end = shown[start..end].find('\n').map_or(end, |i| start + i);
        let title = format!("{path}:{line}:{col}: {word}: {}", p.message);
        let report = [
            level.no_name().primary_title(&title).element(
                Snippet::source(&shown).annotation(AnnotationKind::Primary.span(start..end)),
            ),
            Group::with_title(Level::HELP.secondary_title(&p.help)),
        ];
        out.push_str(&renderer.render(&report));
        out.push_str("\n\n");
    }
    crate::text::clean(&out)
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
    fn hidden_characters_keep_their_offsets() {
        let s = "a\u{1b}[8m\u{202e}b";
        let n = neutralise(s);
        assert_eq!(n.len(), s.len());
        assert!(n.starts_with("a?[8m???b"), "{n}");
    }
}
