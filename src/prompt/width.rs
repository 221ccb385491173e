//! How many screen rows a line takes, by display width: what dialoguer gets
//! wrong (its issue #295), so that a wrapped question or answer can be
//! cleared whole and never left on the screen twice.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The text in the pieces a terminal draws as one: a character with the
/// marks, joiners, variation selectors and skin tones that follow it (so
/// "❤️", "👍🏻" and a family joined with ZWJ each count once, at the width
/// Unicode gives the whole sequence).
fn clusters(text: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let mut start = 0;
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        let joins = i > 0
            && (c.width() == Some(0)
                || prev == Some('\u{200D}')
                || matches!(c, '\u{1F3FB}'..='\u{1F3FF}')
                || (is_regional(c) && prev.is_some_and(is_regional) && {
                    // A flag is two regional indicators; a third starts anew.
                    let run = text[start..i].chars().filter(|&r| is_regional(r)).count();
                    run % 2 == 1
                }));
        if !joins && i > 0 {
            out.push(&text[start..i]);
            start = i;
        }
        prev = Some(c);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

fn is_regional(c: char) -> bool {
    matches!(c, '\u{1F1E6}'..='\u{1F1FF}')
}

/// The rows `text` (one line, colour codes allowed) takes in a terminal
/// `columns` wide, written from the first column. A wide character that
/// does not fit at the end of a row moves to the next, as terminals do;
/// text that exactly fills a row leaves the cursor on it.
pub fn rows(text: &str, columns: usize) -> usize {
    let columns = columns.max(1);
    let plain = console::strip_ansi_codes(text);
    let mut row = 0;
    let mut col = 0;
    for cluster in clusters(&plain) {
        let w = cluster.width();
        if w == 0 {
            continue;
        }
        if col + w > columns {
            row += 1;
            col = 0;
        }
        col += w;
    }
    row + 1
}

/// Display width of `text` without colour codes.
pub fn width(text: &str) -> usize {
    console::measure_text_width(text)
}

/// Breaks `text` (plain, one line) into lines at most `columns` wide, at
/// spaces; a word wider than a line is never split (see [`rows`] for the
/// rows such a line takes). Leading spaces are kept, and continuation lines are indented by
/// them plus `indent`, so a wrapped item still reads as one item.
pub fn wrap(text: &str, columns: usize, indent: usize) -> Vec<String> {
    let lead: String = text.chars().take_while(|c| *c == ' ').collect();
    let hang = " ".repeat(lead.len() + indent);
    let columns = columns.max(hang.len() + 8);
    let mut lines = Vec::new();
    let mut line = lead.clone();
    let mut line_width = line.len();
    let mut fresh = true;
    for word in text[lead.len()..].split(' ') {
        let w = width(word);
        let gap = usize::from(!fresh);
        if !fresh && line_width + gap + w > columns {
            lines.push(std::mem::replace(&mut line, hang.clone()));
            line_width = hang.len();
            fresh = true;
        }
        if !fresh {
            line.push(' ');
            line_width += 1;
        }
        // A word wider than a line (a path, a web address) stays whole on
        // its own line: the terminal wraps it softly, so it can be copied.
        line.push_str(word);
        line_width += w;
        fresh = false;
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {
    use super::{rows, wrap};

    #[test]
    fn wrapping_breaks_at_spaces_and_keeps_every_character() {
        let lines = wrap("? How strong are your feelings right now?", 20, 2);
        assert_eq!(
            lines,
            ["? How strong are", "  your feelings", "  right now?"]
        );
        // A path wider than the line is never broken with a newline.
        let path = format!("/{}/2026-11-03T21-40-12-7c1e09ab.json", "data".repeat(10));
        let lines = wrap(&format!("Saved in {path}"), 20, 0);
        assert_eq!(lines, ["Saved in", path.as_str()]);
        assert_eq!(rows(&lines[1], 20), 4);
        assert_eq!(
            wrap("  Sam: 555 0100, evenings", 12, 0),
            ["  Sam: 555", "  0100,", "  evenings"]
        );
        assert_eq!(wrap("", 20, 2), [""]);
        // Between words, a sequence is one character of its width.
        let family = "👨\u{200d}👩\u{200d}👧";
        let text = [family; 12].join(" ");
        let lines = wrap(&text, 20, 0);
        assert!(lines.iter().all(|l| super::width(l) <= 20), "{lines:?}");
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn rows_count_display_width_not_characters() {
        assert_eq!(rows("", 80), 1);
        assert_eq!(rows(&"a".repeat(80), 80), 1);
        assert_eq!(rows(&"a".repeat(81), 80), 2);
        // Forty emoji are eighty columns wide.
        assert_eq!(rows(&"😊".repeat(40), 80), 1);
        assert_eq!(rows(&"😊".repeat(41), 80), 2);
        // A wide character at the last column moves to the next row.
        assert_eq!(rows(&format!("{}😊", "a".repeat(79)), 80), 2);
        assert_eq!(rows("\u{1b}[1mbold\u{1b}[0m", 4), 1);
        // Sequences count once, at their whole width.
        assert_eq!(rows(&"❤️".repeat(40), 80), 1);
        assert_eq!(rows(&"❤️".repeat(41), 80), 2);
        assert_eq!(rows(&"👨\u{200d}👩\u{200d}👧".repeat(40), 80), 1);
        assert_eq!(rows(&"👍🏻".repeat(41), 80), 2);
        assert_eq!(rows(&"🇳🇱".repeat(40), 80), 1);
        assert_eq!(rows(&"e\u{301}".repeat(80), 80), 1);
    }
}
