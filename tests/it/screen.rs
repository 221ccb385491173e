//! What a person sees once a walk is over: every byte it wrote in a
//! pseudo-terminal, fed to a terminal emulator (vt100) of the same size, and
//! the final screen read. Raw bytes hide what a redraw leaves behind; the
//! screen does not. The screen is tall enough that nothing scrolls away, so
//! every row the walk left is there to be counted.

use crate::pty::*;
use crate::sandbox::{Sandbox, answer, read_json};

/// Rows of the pty and of the emulator: a whole walk fits at 40 columns.
const ROWS: u16 = 400;

/// 300 characters, emoji among them, no stretch of which repeats: numbered
/// words, so that a row left behind twice would be counted twice.
fn long_answer() -> String {
    let mut words = Vec::new();
    for i in 0.. {
        words.push(format!("w{i}"));
        if i % 4 == 3 {
            words.push("😊".to_string());
        }
        if words.join(" ").chars().count() >= 300 {
            break;
        }
    }
    let text: String = words.join(" ").chars().take(299).collect();
    let text = format!("{}.", text.trim_end());
    assert!(text.chars().count() >= 298 && text.contains('😊'), "{text}");
    text
}

/// One word of wide characters after an odd number of narrow ones, so that
/// at some row end a wide character does not fit and moves to the next row.
fn emoji_answer() -> String {
    format!("ab{}.", "😊".repeat(149))
}

/// The screen's text with every space and row end removed: the program
/// wraps its lines at word boundaries (and inside words wider than a row)
/// with a hanging indent, so this is how a phrase is found at any width.
fn dense(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// How often `phrase` is on the screen whose dense text is `screen`.
fn count(screen: &str, phrase: &str) -> usize {
    screen.matches(&dense(phrase)).count()
}

/// The whole walk at `cols` columns, with the crisis plan asked for at the
/// first rating and at a list, a refused rating, a long answer at a
/// question that wraps, a row of emoji, the feelings checklist, going back,
/// and the rest skipped; then the final screen is read.
fn walk(cols: u16, colour: bool) {
    let sb = Sandbox::new();
    let mut cmd = sb.cmd();
    cmd.arg("new");
    let mut w = Walk::spawn(
        cmd,
        Term {
            cols,
            rows: ROWS,
            colour,
            echo: false,
        },
    );
    let long = long_answer();
    let emoji = emoji_answer();

    w.expect("Welcome to mentalog.");
    // The first rating: the plan, then a refused rating, then an answer.
    w.type_at(DISTRESS, "/plan");
    w.expect(EMERGENCY);
    w.expect(DISTRESS);
    w.expect(ANSWER_MARK);
    w.send("11");
    w.send(ENTER);
    w.expect(REFUSED_RATING);
    w.retype(DISTRESS, "4");
    // A list: the plan, then the list again.
    w.expect(SAFETY);
    w.expect("not sure");
    w.send("p");
    w.expect(EMERGENCY);
    w.pick(SAFETY, 2, "no");
    // A 300-character answer at a question that wraps even at 80 columns.
    w.answer(WHAT_HAPPENED, &long);
    // A row of emoji; its echo is cut inside the word, so wait for the next
    // question instead.
    w.expect(TURNING_POINT);
    w.expect(ANSWER_MARK);
    w.send(&emoji);
    w.send(ENTER);
    // Back from the checklist, then on again with the answer kept.
    w.expect(FEELINGS);
    w.expect("something else, in my own words");
    w.send("b");
    w.expect(TURNING_POINT);
    w.expect(ANSWER_MARK);
    w.send(ENTER);
    w.expect(FEELINGS);
    w.expect("something else, in my own words");
    w.tick(3, "sad");
    w.send(ENTER);
    let echo = w.echo(FEELINGS, "sad");
    w.expect(&echo);
    w.answer("How strong was \"sad\" at the time? (0 to 10)", "6");
    w.answer(BODY, "A tight chest, and my hands were cold 🥶");
    for q in [THOUGHTS, NEEDS, ACTIONS, NEXT, WHO] {
        w.skip(q);
    }
    w.answer(OTHER_FEELING, "Tired after work");
    for q in [INTENT, CERTAINTY, ALTERNATIVE, AS_SEEN, REPAIR] {
        w.skip(q);
    }
    w.expect(READ_BACK);
    w.answer(AFTER, "3");
    w.skip(SHIFT);
    w.skip(TOPIC);
    w.pick(INCLUDE, 2, "no");
    w.expect("Saved. This entry stays private.");
    w.exits(0);

    let files = sb.entry_files();
    assert_eq!(files.len(), 1, "{files:?}");
    let doc = read_json(&files[0]);
    assert_eq!(
        answer(&doc, "moment.what_happened"),
        &serde_json::json!(long)
    );
    assert_eq!(
        answer(&doc, "moment.turning_point"),
        &serde_json::json!(emoji)
    );

    let parser = w.screen();
    let screen = parser.screen();
    let rows: Vec<String> = screen.rows(0, cols).collect();
    let last = rows.iter().rposition(|r| !r.trim().is_empty()).unwrap_or(0);
    let shown = rows[..=last].join("\n");
    let all = dense(&screen.contents());
    let context = format!("the final screen at {cols} columns:\n{shown}");

    // Every question is on the screen as often as it was answered, as the
    // line saying what was taken: never a row of it left behind. The turning
    // point was answered twice (again after going back), and both answers
    // stay as a record.
    let answered = |q: &str| if q == TURNING_POINT { 2 } else { 1 };
    for q in [
        DISTRESS,
        SAFETY,
        WHAT_HAPPENED,
        TURNING_POINT,
        FEELINGS,
        BODY,
        THOUGHTS,
        NEEDS,
        ACTIONS,
        NEXT,
        WHO,
        OTHER_FEELING,
        INTENT,
        CERTAINTY,
        ALTERNATIVE,
        AS_SEEN,
        REPAIR,
        AFTER,
        SHIFT,
        TOPIC,
        INCLUDE,
    ] {
        assert_eq!(count(&all, q), answered(q), "{q:?} in {context}");
        let start: String = q.chars().take(24).collect();
        assert_eq!(count(&all, &start), answered(q), "{start:?} in {context}");
    }
    // The long answer once, whole, in its echo.
    assert_eq!(
        count(&all, &format!("✔ {WHAT_HAPPENED} · {long}")),
        1,
        "{context}"
    );
    // Its start is also in the read-back, which quotes the first words.
    let chars: Vec<char> = long.chars().collect();
    let head: String = chars[..40].iter().collect();
    assert_eq!(count(&all, &format!("· {head}")), 1, "{context}");
    assert_eq!(count(&all, &format!("The moment: {head}")), 1, "{context}");
    for part in [
        &chars[70..110],
        &chars[150..190],
        &chars[chars.len() - 40..],
    ] {
        let part: String = part.iter().collect();
        assert_eq!(count(&all, &part), 1, "{part:?} in {context}");
    }
    assert_eq!(
        count(&all, &format!("✔ {TURNING_POINT} · {emoji}")),
        2,
        "{context}"
    );
    assert_eq!(count(&all, "ab😊"), 2, "{context}");
    assert_eq!(count(&all, "cold 🥶"), 1, "{context}");
    // The plan, asked for twice, stays; what belonged to a question goes.
    assert_eq!(count(&all, EMERGENCY), 2, "{context}");
    for gone in [
        REFUSED_RATING,
        "· /plan",
        "↑ ↓ move",
        "p: your crisis plan",
        "not sure",
        "something else, in my own words",
        ANSWER_MARK,
    ] {
        assert_eq!(count(&all, gone), 0, "{gone:?} is left in {context}");
    }
    for row in &rows {
        assert!(
            !row.starts_with("? "),
            "a question is still open: {row:?} in {context}"
        );
    }
    assert!(!screen.hide_cursor(), "the cursor is left hidden");
}

#[test]
fn a_wrapped_question_and_a_long_answer_are_on_the_screen_once_at_80_columns() {
    walk(80, true);
}

#[test]
fn a_wrapped_question_and_a_long_answer_are_on_the_screen_once_at_40_columns() {
    walk(40, true);
}

#[test]
fn the_same_without_colour_at_40_columns() {
    walk(40, false);
}

/// Every row the terminal holds, the scrolled-off ones first.
fn every_row(parser: &mut vt100::Parser) -> Vec<String> {
    let cols = parser.screen().size().1.get();
    parser.screen_mut().set_scrollback(usize::MAX);
    let back = parser.screen().scrollback();
    let mut rows = Vec::new();
    for k in (1..=back).rev() {
        parser.screen_mut().set_scrollback(k);
        rows.extend(parser.screen().rows(0, cols).next());
    }
    parser.screen_mut().set_scrollback(0);
    rows.extend(parser.screen().rows(0, cols));
    rows
}

#[test]
fn a_list_taller_than_the_screen_leaves_no_copies_in_the_scrollback() {
    let sb = Sandbox::new();
    let mut cmd = sb.cmd();
    cmd.arg("new");
    // The feelings checklist needs 19 rows at 80 columns.
    let term = Term {
        cols: 80,
        rows: 14,
        colour: true,
        echo: false,
    };
    let mut w = Walk::spawn(cmd, term);
    arrive(&mut w, "4", 2);
    w.skip(WHAT_HAPPENED);
    w.skip(TURNING_POINT);
    w.expect(FEELINGS);
    // Down through the whole list and round to the top, ticking on the way.
    for _ in 0..3 {
        w.send(DOWN);
    }
    w.expect("❯ [ ] sad");
    w.send(SPACE);
    w.expect("❯ [x] sad");
    for _ in 0..14 {
        w.send("j");
    }
    w.expect("❯ [ ] something else, in my own words");
    w.send(DOWN);
    w.expect("❯ [ ] angry");
    w.send(ENTER);
    let echo = w.echo(FEELINGS, "sad");
    w.expect(&echo);
    w.expect("How strong was \"sad\" at the time?");
    w.send(CTRL_C);
    w.exits(130);

    let mut parser = vt100::Parser::new(
        std::num::NonZeroU16::new(term.rows).unwrap(),
        std::num::NonZeroU16::new(term.cols).unwrap(),
        10_000,
    );
    parser.process(w.bytes());
    let rows = every_row(&mut parser);
    let shown = rows.join("\n");
    let all = dense(&shown);
    assert_eq!(count(&all, FEELINGS), 1, "{shown}");
    for gone in [
        "[ ] angry",
        "[x] sad",
        "something else, in my own words",
        "p: your crisis plan",
    ] {
        assert_eq!(count(&all, gone), 0, "{gone:?} is left in:\n{shown}");
    }
}

/// Moving the cursor back into an earlier row of a wrapped answer, then
/// pressing Enter: the question is cleared from where it began, and
/// nothing above it is erased.
#[test]
fn enter_with_the_cursor_inside_a_wrapped_answer_clears_only_that_question() {
    let sb = Sandbox::new();
    let mut cmd = sb.cmd();
    cmd.arg("new");
    let term = Term {
        cols: 40,
        rows: ROWS,
        colour: true,
        echo: false,
    };
    let mut w = Walk::spawn(cmd, term);
    arrive(&mut w, "4", 2);
    let typed =
        "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr";
    w.expect(WHAT_HAPPENED);
    w.expect(ANSWER_MARK);
    w.send(typed);
    w.expect("qqqq rrrr");
    // Back 50 characters: one row up.
    for _ in 0..50 {
        w.send("\x1b[D");
    }
    w.send(ENTER);
    w.expect(TURNING_POINT);
    w.send(CTRL_C);
    w.exits(130);
    let parser = w.screen();
    let shown = parser.screen().contents();
    let all = dense(&shown);
    assert_eq!(
        count(
            &all,
            "Pick one moment from the last few days; a small one is fine."
        ),
        1,
        "{shown}"
    );
    assert_eq!(
        count(&all, &format!("✔ {WHAT_HAPPENED} · {typed}")),
        1,
        "{shown}"
    );
    assert_eq!(count(&all, "rrrr"), 1, "{shown}");
}
