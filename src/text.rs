//! The one gate between text mentalog did not write (answers, packs,
//! configs, templates, file names, keys, ids) and a terminal or an export.
//! It removes whatever could drive a terminal or hide, reorder or forge
//! text: C0 and C1 controls but newline and tab, whole escape sequences
//! (so no stray `[8m` is left behind), and every Unicode format character
//! (general category Cf) but the joiners that emoji and some scripts need.
//! Line and paragraph separators become newlines. Pure: no I/O.

use std::fmt::{self, Display, Write as _};

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// Untrusted text as it may be shown: `format!("{}", Shown(text))`.
/// Writing the wrapper rather than the string is the one habit asked of
/// every place that prints something it did not write.
#[derive(Debug, Clone, Copy)]
pub struct Shown<'a>(pub &'a str);

/// [`Shown`], on one line: runs of whitespace (newlines included) become
/// one space and the ends are trimmed. For names and labels in a sentence.
#[derive(Debug, Clone, Copy)]
pub struct OneLine<'a>(pub &'a str);

/// `s` sanitised, as an owned string.
pub fn clean(s: &str) -> String {
    // Most text is printable ASCII and lines: nothing to take out.
    if s.bytes().all(|b| matches!(b, b' '..=b'~' | b'\n')) {
        return s.to_owned();
    }
    Shown(s).to_string()
}

/// `s` sanitised and on one line.
pub fn one_line(s: &str) -> String {
    OneLine(s).to_string()
}

impl Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        sanitise(self.0, |c| f.write_char(c))
    }
}

impl Display for OneLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A space is held back until a word follows it, so nothing trails.
        let mut started = false;
        let mut gap = false;
        sanitise(self.0, |c| {
            if c.is_whitespace() {
                gap = started;
                return Ok(());
            }
            if gap {
                f.write_char(' ')?;
                gap = false;
            }
            started = true;
            f.write_char(c)
        })
    }
}

const ESC: char = '\u{1b}';
const BEL: char = '\u{7}';
/// The 8-bit forms of the introducers and of the string terminator.
const C1_DCS: char = '\u{90}';
const C1_SOS: char = '\u{98}';
const C1_CSI: char = '\u{9b}';
const C1_ST: char = '\u{9c}';
const C1_OSC: char = '\u{9d}';
const C1_PM: char = '\u{9e}';
const C1_APC: char = '\u{9f}';

/// What kind of string a sequence opens, and so what ends it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Str {
    /// OSC: ended by BEL or ST.
    Osc,
    /// DCS, SOS, PM, APC: ended by ST.
    Other,
}

/// Feeds every character of `s` that may be shown to `emit`.
fn sanitise(s: &str, mut emit: impl FnMut(char) -> fmt::Result) -> fmt::Result {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ESC => match chars.peek().copied() {
                Some('[') => {
                    chars.next();
                    skip_csi(&mut chars);
                }
                Some(']') => {
                    chars.next();
                    skip_string(&mut chars, Str::Osc);
                }
                Some('P' | 'X' | '^' | '_') => {
                    chars.next();
                    skip_string(&mut chars, Str::Other);
                }
                // nF: intermediates (`ESC ( B`, `ESC # 8`), then a final.
                Some('\u{20}'..='\u{2f}') => {
                    while chars
                        .next_if(|c| ('\u{20}'..='\u{2f}').contains(c))
                        .is_some()
                    {}
                    chars.next_if(|c| ('\u{30}'..='\u{7e}').contains(c));
                }
                // Two-character sequences: `ESC 7`, `ESC c`, `ESC M`, `ESC \`.
                Some('\u{30}'..='\u{7e}') => {
                    chars.next();
                }
                // A lone ESC: dropped, and what follows is read as usual.
                _ => {}
            },
            C1_CSI => skip_csi(&mut chars),
            C1_OSC => skip_string(&mut chars, Str::Osc),
            C1_DCS | C1_SOS | C1_PM | C1_APC => skip_string(&mut chars, Str::Other),
            '\n' => emit(c)?,
            // A tab is a control too; four spaces keep a pasted table readable.
            '\t' => {
                for _ in 0..4 {
                    emit(' ')?;
                }
            }
            '\u{2028}' | '\u{2029}' => emit('\n')?,
            c if hidden(c) => {}
            c => emit(c)?,
        }
    }
    Ok(())
}

/// Whether `c` is never shown: a control (C0, DEL, C1), a format character
/// but the joiners, or a tag character (some of U+E0000–E007F are
/// unassigned rather than Cf, and all of them hide text).
fn hidden(c: char) -> bool {
    // Below U+00AD (the first format character) only controls hide.
    if c < '\u{ad}' {
        return c.is_control();
    }
    c.is_control()
        || ('\u{e0000}'..='\u{e007f}').contains(&c)
        || (c.general_category() == GeneralCategory::Format
            && !matches!(c, '\u{200c}' | '\u{200d}'))
}

/// Skips the rest of a CSI sequence: parameters and intermediates, up to
/// and including the final byte. A character that cannot be part of it
/// ends it and is read as usual.
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while chars
        .next_if(|c| ('\u{20}'..='\u{3f}').contains(c))
        .is_some()
    {}
    chars.next_if(|c| ('\u{40}'..='\u{7e}').contains(c));
}

/// Skips the rest of a control string, its terminator included. An
/// unterminated one ends at the end of its line, which is kept: a stray
/// introducer must not swallow the rest of what a person wrote.
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, kind: Str) {
    while let Some(c) = chars.next_if(|c| !matches!(c, '\n' | '\u{2028}' | '\u{2029}')) {
        match c {
            BEL if kind == Str::Osc => return,
            C1_ST => return,
            ESC if chars.peek() == Some(&'\\') => {
                chars.next();
                return;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_go_whole() {
        assert_eq!(clean("hidden\u{1b}[8mtext"), "hiddentext");
        assert_eq!(clean("a\u{1b}[38;5;196mb\u{1b}[0m"), "ab");
        assert_eq!(clean("\u{1b}]0;title\u{7}after"), "after");
        assert_eq!(
            clean("\u{1b}]8;;http://x\u{1b}\\link\u{1b}]8;;\u{1b}\\"),
            "link"
        );
        assert_eq!(clean("\u{1b}Pq#0;2;0;0;0\u{1b}\\ok"), "ok");
        assert_eq!(clean("\u{1b}_apc\u{9c}ok"), "ok");
        assert_eq!(clean("a\u{1b}7b\u{1b}8c\u{1b}cd"), "abcd");
        assert_eq!(clean("a\u{1b}(Bb\u{1b}#8c"), "abc");
        assert_eq!(clean("a\u{9b}2Jb\u{9d}0;t\u{7}c"), "abc");
        assert_eq!(clean("end\u{1b}"), "end");
        assert_eq!(clean("a\u{1b}]0;never ended\nnext line"), "a\nnext line");
        assert_eq!(clean("a\u{9d}0;x\u{2028}b"), "a\nb");
        assert_eq!(clean("\u{1b}\u{1b}[2J!"), "!");
    }

    #[test]
    fn controls_go_but_newline_and_tab() {
        assert_eq!(clean("a\r\nb\tc\u{7}\u{8}\u{7f}\u{85}d"), "a\nb    cd");
    }

    #[test]
    fn format_characters_go_but_the_joiners() {
        for c in [
            '\u{200b}',
            '\u{200e}',
            '\u{200f}',
            '\u{061c}',
            '\u{2060}',
            '\u{00ad}',
            '\u{feff}',
            '\u{202a}',
            '\u{202e}',
            '\u{2066}',
            '\u{2069}',
            '\u{e0000}',
            '\u{e0001}',
            '\u{e0041}',
            '\u{e007f}',
            '\u{fff9}',
        ] {
            assert_eq!(clean(&format!("a{c}b")), "ab", "U+{:04X}", c as u32);
        }
        // A family emoji and a Persian word with a non-joiner keep theirs.
        let family = "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}";
        assert_eq!(clean(family), family);
        assert_eq!(
            clean("\u{645}\u{6cc}\u{200c}\u{62e}\u{648}\u{627}\u{647}\u{645}"),
            "\u{645}\u{6cc}\u{200c}\u{62e}\u{648}\u{627}\u{647}\u{645}"
        );
    }

    #[test]
    fn separators_become_newlines() {
        assert_eq!(clean("a\u{2028}b\u{2029}c"), "a\nb\nc");
    }

    #[test]
    fn one_line_joins_words_with_one_space() {
        assert_eq!(
            one_line("  Sam:\n 555\u{2028}0100\t\u{1b}[8m "),
            "Sam: 555 0100"
        );
        assert_eq!(one_line(""), "");
        assert_eq!(format!("[{}]", OneLine("\u{1b}[8m")), "[]");
    }

    #[test]
    fn ordinary_text_is_untouched() {
        let s = "Zoë said “no” — 7/10, ok? [x] (ja) 日本語 🙂\nnext line";
        assert_eq!(clean(s), s);
    }
}
