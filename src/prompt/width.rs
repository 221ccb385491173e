//! How many screen rows a line takes, by display width: what dialoguer gets
//! wrong (its issue #295), so that a wrapped question or answer can be
//! cleared whole and never left on the screen twice.

use unicode_width::UnicodeWidthChar;

/// The rows `text` (one line, colour codes allowed) takes in a terminal
/// `columns` wide, written from the first column. A wide character that
/// does not fit at the end of a row moves to the next, as terminals do;
/// text that exactly fills a row leaves the cursor on it.
pub fn rows(text: &str, columns: usize) -> usize {
    let columns = columns.max(1);
    let plain = console::strip_ansi_codes(text);
    let mut row = 0;
    let mut col = 0;
    for c in plain.chars() {
        let w = c.width().unwrap_or(0);
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

#[cfg(test)]
mod tests {
    use super::rows;

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
    }
}
