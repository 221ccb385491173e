//! The guided walk in a real pseudo-terminal, typed as a person would:
//! digits and arrow keys in lists, a refused rating, `/plan`, `/back`,
//! Ctrl-C and carrying on, several drafts, a gap, the editor, the safety
//! lane and what it lets the therapist see, and plain mode. The helpers at
//! the top are shared with `screen.rs`.
//!
//! Every key is sent only once the prompt it answers is on screen.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use expectrl::process::unix::WaitStatus;
use expectrl::session::OsSession;
use expectrl::{Expect, Session};
use serde_json::{Value, json};

use crate::sandbox::{NOW, Sandbox, answer, later, read_json};

pub const DOWN: &str = "\x1b[B";
pub const UP: &str = "\x1b[A";
pub const ENTER: &str = "\r";
pub const SPACE: &str = " ";
pub const CTRL_C: &str = "\x03";
/// Backspace sent as Ctrl-H, which console reads as Backspace. DEL would do
/// too, but between two keys the terminal is briefly out of raw mode, and
/// there its line discipline would take a DEL as "erase" and drop it.
pub const BACKSPACE: &str = "\x08";
/// What a text or rating question shows before the answer.
pub const ANSWER_MARK: &str = "› ";
/// What `console` writes to show the cursor again.
pub const SHOW_CURSOR: &str = "\x1b[?25h";

// The questions as the built-in pack words them (ratings with their anchors).
pub const DISTRESS: &str =
    "How strong are your feelings right now? (0 = calm, 10 = as intense as it gets)";
pub const SAFETY: &str =
    "Are you having thoughts of hurting yourself or ending your life right now?";
pub const WHAT_HAPPENED: &str = "What happened? Describe it the way a camera would have caught it: where you were, who was there, what was said and done.";
pub const TURNING_POINT: &str =
    "Now rewind to just before things shifted for you. What was happening right at that point?";
pub const FEELINGS: &str = "Which feelings were there for you?";
pub const BODY: &str = "Did you notice these feelings anywhere in your body?";
pub const THOUGHTS: &str = "What was going through your mind?";
pub const NEEDS: &str = "What did you want or need right then?";
pub const ACTIONS: &str = "What did you do next, or what did you feel pulled to do?";
pub const WHO: &str = "Who was the other person? A role or initials is enough.";
pub const OTHER_FEELING: &str = "What might they have been feeling or thinking?";
pub const INTENT: &str = "What might they have wanted, or been trying to do?";
pub const CERTAINTY: &str =
    "How sure are you about that guess? (0 = pure guess, 10 = completely certain)";
pub const ALTERNATIVE: &str =
    "Can you think of one other way to read what they did, even one you don't believe?";
pub const AS_SEEN: &str = "How do you think you came across to them in that moment?";
/// The interpersonal chain and repair, added in mbt-core version 3.
pub const NEXT: &str = "What did they do next, and what happened in you then?";
pub const REPAIR: &str = "Has anything happened between you since? Is there something you'd want them to understand, or to understand about them?";
pub const AFTER: &str =
    "Reading it back now, how strong are your feelings? (0 = calm, 10 = as intense as it gets)";
pub const SHIFT: &str = "Has anything changed in how you see it, even slightly?";
pub const TOPIC: &str = "Is there something here you'd like to explore with your therapist?";
pub const INCLUDE: &str = "Include this entry in what you share with your therapist?";
/// The nudge after a blank guess about the other person.
pub const SMALL_GUESS: &str =
    "It's completely fine not to know. If you had to make one small guess, what would it be?";
pub const LANE_NOTE: &str =
    "If you like, write a line or two about right now. You can come back and reflect later.";
pub const LANE_SHARE: &str = "May your therapist see that today was this hard?";
pub const LANE_WHOLE: &str = "Yes, the whole entry, with what you wrote";
pub const LANE_STEPS: &str = "Only that the safety steps opened today";
pub const LANE_NOTHING: &str = "No, keep it private: nothing of it will be in a summary";
pub const DRAFT_MENU: &str = "What would you like to do?";
pub const FOLLOW_UP: &str = "Would you like to look at that moment now, with some distance?";
pub const INTENSITY_ACK: &str = "That sounds really hard right now.";
pub const THOUGHTS_ACK: &str = "Thank you for answering that honestly. Thoughts like these matter";
pub const REFUSED_RATING: &str = "Please type a whole number from 0 to 10.";
pub const EMERGENCY: &str = "If you are in immediate danger, call your local emergency number.";
pub const NO_CONTACT: &str =
    "This journal doesn't contact anyone. Your therapist sees only what you choose to export.";
pub const READ_BACK: &str = "Here is what you wrote";
pub const THANKS: &str = "Thank you for taking the time";
pub const STOPPED: &str = "Stopped. Your answers so far are kept; run 'mentalog new' to carry on.";

/// The crisis plan used where one is written, and the contact set up.
pub const PLAN: &str = "# My crisis plan\nWarning signs: I stop eating.\n";
pub const CONTACT: &str = "[[contacts]]\nname = \"Sam\"\nphone = \"555 0100\"\n";

/// How the terminal is set up.
#[derive(Debug, Clone, Copy)]
pub struct Term {
    pub cols: u16,
    pub rows: u16,
    /// Colour on (`NO_COLOR` unset), as most people's terminals are.
    pub colour: bool,
    /// The terminal echoes what is typed while not in raw mode, as a real
    /// one does (ptyprocess turns it off); plain mode is read that way.
    pub echo: bool,
}

impl Default for Term {
    fn default() -> Term {
        Term {
            cols: 80,
            rows: 24,
            colour: true,
            echo: false,
        }
    }
}

/// How long to wait for something to be shown.
const TIMEOUT: Duration = Duration::from_secs(30);

/// A program in a pseudo-terminal. Everything read from it is kept, so a
/// failed expectation can show what was really printed and a terminal
/// emulator can be fed every byte.
pub struct Walk {
    p: OsSession,
    /// Read and matched.
    seen: Vec<u8>,
    /// Read, not matched yet.
    pending: Vec<u8>,
    eof: bool,
    pub term: Term,
}

impl Walk {
    /// `mentalog new` in colour at 80×24.
    pub fn new(sb: &Sandbox) -> Walk {
        Walk::at(sb, &["new"], NOW)
    }

    /// `mentalog new` with the clock at `now`.
    pub fn new_at(sb: &Sandbox, now: &str) -> Walk {
        Walk::at(sb, &["new"], now)
    }

    pub fn at(sb: &Sandbox, args: &[&str], now: &str) -> Walk {
        let mut cmd = sb.cmd();
        cmd.args(args).env("MENTALOG_NOW", now);
        Walk::spawn(cmd, Term::default())
    }

    /// Runs `cmd` in a pseudo-terminal set up as `term`.
    pub fn spawn(mut cmd: Command, term: Term) -> Walk {
        cmd.env("TERM", "xterm").env_remove("CLICOLOR_FORCE");
        if term.colour {
            cmd.env_remove("NO_COLOR").env("CLICOLOR", "1");
        } else {
            cmd.env("NO_COLOR", "1");
        }
        let mut p = Session::spawn(cmd).expect("cannot spawn mentalog in a pty");
        // Set before any key is sent, so before anything is measured.
        p.get_process_mut()
            .set_window_size(term.cols, term.rows)
            .expect("cannot set the window size");
        if term.echo {
            p.get_process_mut()
                .set_echo(true, None)
                .expect("cannot turn echo on");
        }
        Walk {
            p,
            seen: Vec::new(),
            pending: Vec::new(),
            eof: false,
            term,
        }
    }

    /// Reads whatever the program has written.
    fn poll(&mut self) {
        let mut buf = [0u8; 8192];
        while !self.eof {
            match self.p.try_read(&mut buf) {
                Ok(0) => self.eof = true,
                Ok(n) => self.pending.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                // EIO: the program has ended and everything was read.
                Err(_) => self.eof = true,
            }
        }
    }

    /// Waits until `find` finds a stretch `(start, end)` of what is shown
    /// (style codes removed) since the last match; returns what was shown
    /// before it and the stretch.
    fn wait(
        &mut self,
        wanted: &str,
        find: impl Fn(&[u8]) -> Option<(usize, usize)>,
    ) -> (String, String) {
        let start = Instant::now();
        loop {
            self.poll();
            let (plain, at) = normalise(&self.pending);
            if let Some((i, j)) = find(&plain) {
                let end = if j > i {
                    at[j - 1] + 1
                } else {
                    at.get(i).copied().unwrap_or(self.pending.len())
                };
                let before = String::from_utf8_lossy(&plain[..i]).into_owned();
                let matched = String::from_utf8_lossy(&plain[i..j]).into_owned();
                self.seen.extend(self.pending.drain(..end));
                return (before, matched);
            }
            if self.eof {
                self.fail(wanted, "mentalog ended first");
            }
            if start.elapsed() > TIMEOUT {
                self.fail(wanted, "timed out");
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Waits for `text` as shown (style codes inside it are skipped) and
    /// returns what was shown between the previous match and this one.
    pub fn expect(&mut self, text: &str) -> String {
        let needle = normalise(text.as_bytes()).0;
        self.wait(&format!("{text:?}"), move |plain| {
            plain
                .windows(needle.len())
                .position(|w| w == needle.as_slice())
                .map(|i| (i, i + needle.len()))
        })
        .0
    }

    pub fn send(&mut self, keys: &str) {
        self.p.send(keys).expect("cannot write to the pty");
    }

    /// The line a question leaves once answered.
    pub fn echo(&self, question: &str, answer: &str) -> String {
        format!("✔ {question} · {answer}")
    }

    /// The mark on the list's current row.
    pub fn mark(&self) -> &'static str {
        if self.term.colour { "❯" } else { ">" }
    }

    /// Types `typed` at the text or rating question `question`, presses
    /// Enter, and waits until the question is replaced by its echo.
    pub fn answer(&mut self, question: &str, typed: &str) {
        self.expect(question);
        self.retype(question, typed);
    }

    /// Types `typed` at the answer line of `question`, already on screen
    /// (asked again after a refused answer), presses Enter and waits for
    /// the echo.
    pub fn retype(&mut self, question: &str, typed: &str) {
        self.expect(ANSWER_MARK);
        self.send(typed);
        self.send(ENTER);
        let echo = self.echo(question, typed.trim());
        self.expect(&echo);
    }

    /// Presses Enter at a question without writing anything.
    pub fn skip(&mut self, question: &str) {
        self.expect(question);
        self.skip_here(question);
    }

    /// Presses Enter at `question`, already on screen.
    pub fn skip_here(&mut self, question: &str) {
        self.expect(ANSWER_MARK);
        self.send(ENTER);
        let echo = self.echo(question, "(skipped)");
        self.expect(&echo);
    }

    /// Types `typed` at a question and presses Enter, expecting no echo (a
    /// command such as `/plan`, or a refused answer).
    pub fn type_at(&mut self, question: &str, typed: &str) {
        self.expect(question);
        self.expect(ANSWER_MARK);
        self.send(typed);
        self.send(ENTER);
    }

    /// Moves to item `n` (from 1) of the list `question` with its digit, waits
    /// for the mark on it, presses Enter and waits for the echo.
    pub fn pick(&mut self, question: &str, n: usize, item: &str) {
        self.expect(question);
        self.pick_here(question, n, item);
    }

    /// [`Walk::pick`] at the list `question`, already on screen.
    pub fn pick_here(&mut self, question: &str, n: usize, item: &str) {
        self.highlight(n, item);
        self.send(ENTER);
        let echo = self.echo(question, item);
        self.expect(&echo);
    }

    /// Moves to item `n` (from 1) of the list on screen with its digit and
    /// waits until the mark is on `item` (the start of its text).
    pub fn highlight(&mut self, n: usize, item: &str) {
        assert!((1..=9).contains(&n));
        self.send(&n.to_string());
        let row = format!("{} {item}", self.mark());
        self.expect(&row);
    }

    /// Ticks item `n` (from 1) of the checklist on screen.
    pub fn tick(&mut self, n: usize, item: &str) {
        self.highlight(n, &format!("[ ] {item}"));
        self.send(SPACE);
        let row = format!("{} [x] {item}", self.mark());
        self.expect(&row);
    }

    /// The saved entry's path, shown on its own line at the close.
    pub fn saved_path(&mut self) -> PathBuf {
        let (_, path) = self.wait("the saved entry's path", |plain| {
            let mut from = 0;
            while let Some(k) = plain[from..]
                .windows(5)
                .position(|w| w == b".json")
                .map(|k| k + from)
            {
                let start = plain[..k]
                    .iter()
                    .rposition(|b| b.is_ascii_whitespace() || *b == 0x1b)
                    .map_or(0, |s| s + 1);
                if plain.get(start) == Some(&b'/') {
                    return Some((start, k + 5));
                }
                from = k + 5;
            }
            None
        });
        PathBuf::from(path)
    }

    /// Reads to the end and returns what was shown since the last match,
    /// and how the process ended.
    pub fn finish(&mut self) -> (String, WaitStatus) {
        let start = Instant::now();
        while !self.eof {
            self.poll();
            if start.elapsed() > TIMEOUT {
                self.fail("the end of the output", "timed out");
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let rest = shown(&self.pending);
        self.seen.append(&mut self.pending);
        let status = self
            .p
            .get_process()
            .wait()
            .expect("cannot wait for mentalog");
        (rest, status)
    }

    /// Reads to the end and checks the exit status; returns what was shown
    /// since the last match.
    pub fn exits(&mut self, code: i32) -> String {
        let (rest, status) = self.finish();
        assert!(
            matches!(status, WaitStatus::Exited(_, c) if c == code),
            "mentalog ended with {status:?}, not {code}; its last words: {rest:?}"
        );
        rest
    }

    /// Every byte read and matched so far (all of them after `finish`).
    pub fn bytes(&self) -> &[u8] {
        &self.seen
    }

    /// Everything shown so far, style codes removed.
    pub fn shown(&self) -> String {
        shown(&self.seen)
    }

    /// The terminal as a person would see it now: every byte matched so
    /// far, fed to an emulator of the pty's size.
    pub fn screen(&self) -> vt100::Parser {
        let mut parser = vt100::Parser::new(
            std::num::NonZeroU16::new(self.term.rows).unwrap(),
            std::num::NonZeroU16::new(self.term.cols).unwrap(),
            0,
        );
        parser.process(&self.seen);
        parser
    }

    fn fail(&mut self, wanted: &str, why: &str) -> ! {
        self.poll();
        let seen = String::from_utf8_lossy(&self.seen);
        let tail: String = {
            let chars: Vec<char> = seen.chars().collect();
            chars[chars.len().saturating_sub(2000)..].iter().collect()
        };
        panic!(
            "waiting for {wanted}: {why}\n--- matched so far (tail) ---\n{tail:?}\n--- not matched ---\n{:?}",
            String::from_utf8_lossy(&self.pending)
        );
    }
}

/// `bytes` as read: without style codes (`ESC [ … m`) and with every
/// run of spaces and line ends as one space, since the program wraps its
/// lines at word boundaries to the terminal's width. Returns where each
/// byte left was in `bytes`.
fn normalise(bytes: &[u8]) -> (Vec<u8>, Vec<usize>) {
    let mut plain = Vec::with_capacity(bytes.len());
    let mut at = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0x1b && bytes.get(i + 1) == Some(&b'[') {
            let mut j = i + 2;
            while j < bytes.len() && (bytes[j].is_ascii_digit() || bytes[j] == b';') {
                j += 1;
            }
            if bytes.get(j) == Some(&b'm') {
                i = j + 1;
                continue;
            }
        }
        let space = matches!(bytes[i], b' ' | b'\r' | b'\n');
        if !(space && plain.last() == Some(&b' ')) {
            plain.push(if space { b' ' } else { bytes[i] });
            at.push(i);
        }
        i += 1;
    }
    (plain, at)
}

/// `bytes` as text, normalised as [`normalise`] does (other escape
/// sequences are kept).
pub fn shown(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&normalise(bytes).0).into_owned()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// The one entry saved in the sandbox.
fn only_entry(sb: &Sandbox) -> Value {
    let files = sb.entry_files();
    assert_eq!(files.len(), 1, "{files:?}");
    read_json(&files[0])
}

/// A yes / no field of an entry (left out when false).
fn flag(doc: &Value, key: &str) -> bool {
    doc.get(key).is_some_and(|v| v.as_bool().expect(key))
}

/// The keys of an entry's or draft's answers, in order.
fn keys(doc: &Value) -> Vec<String> {
    doc["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["key"].as_str().unwrap().to_string())
        .collect()
}

/// The arrival check, with `distress` and the safety answer `n` (1 yes,
/// 2 no, 3 not sure).
pub fn arrive(w: &mut Walk, distress: &str, n: usize) {
    let item = ["yes", "no", "not sure"][n - 1];
    w.answer(DISTRESS, distress);
    w.pick(SAFETY, n, item);
}

/// Picks "sad" (3) and "hurt" (6) in the feelings checklist, whose question
/// has been seen, and gives their intensities.
pub fn sad_and_hurt(w: &mut Walk) {
    w.expect("something else, in my own words");
    w.tick(3, "sad");
    w.tick(6, "hurt");
    w.send(ENTER);
    let echo = w.echo(FEELINGS, "sad, hurt");
    w.expect(&echo);
    w.answer("How strong was \"sad\" at the time? (0 to 10)", "6");
    w.answer("How strong was \"hurt\" at the time? (0 to 10)", "8");
}

/// The steps from self.body to self.as_seen, answered so that no nudge is
/// due: a low certainty and a real guess about the other person.
pub fn middle(w: &mut Walk) {
    w.answer(BODY, "tight chest");
    w.answer(THOUGHTS, "She does not want to see me");
    w.answer(NEEDS, "To feel wanted");
    w.answer(ACTIONS, "I put my phone away");
    w.answer(NEXT, "She kept talking to her friend; I went quiet");
    w.answer(WHO, "my sister");
    w.answer(OTHER_FEELING, "Tired after work, maybe stressed");
    w.answer(INTENT, "To rest and not let me down later");
    w.answer(CERTAINTY, "3");
    w.answer(ALTERNATIVE, "Something came up at home");
    w.answer(AS_SEEN, "Short with her");
    w.answer(REPAIR, "We have not talked since");
}

/// From the feelings to the end, skipping everything that may be skipped,
/// `after` typed at the re-rating, and the entry kept private.
pub fn skip_to_the_end(w: &mut Walk, after: &str) {
    w.expect(FEELINGS);
    w.expect("something else, in my own words");
    w.send(ENTER);
    let echo = w.echo(FEELINGS, "(none)");
    w.expect(&echo);
    for q in [
        BODY,
        THOUGHTS,
        NEEDS,
        ACTIONS,
        NEXT,
        WHO,
        OTHER_FEELING,
        SMALL_GUESS,
        INTENT,
    ] {
        w.skip(q);
    }
    // No guess was given, so no certainty is asked.
    let asked = w.expect(ALTERNATIVE);
    assert!(!asked.contains("How sure are you"), "{asked:?}");
    w.skip_here(ALTERNATIVE);
    w.skip(AS_SEEN);
    w.skip(REPAIR);
    if after.is_empty() {
        w.skip(AFTER);
    } else {
        w.answer(AFTER, after);
    }
    w.skip(SHIFT);
    w.skip(TOPIC);
    w.pick(INCLUDE, 2, "no");
}

/// A safety-lane walk from the arrival check to the close: `note` at the
/// note question (empty to skip), then item `share` (from 1) of the share
/// question. Returns the shown text of the lane, up to the share question.
pub fn lane(w: &mut Walk, distress: &str, safety: usize, note: &str, share: usize) -> String {
    arrive(w, distress, safety);
    let lane = w.expect(LANE_NOTE);
    if note.is_empty() {
        w.send(ENTER);
        let echo = w.echo(LANE_NOTE, "(skipped)");
        w.expect(&echo);
    } else {
        w.send(note);
        w.send(ENTER);
        let echo = w.echo(LANE_NOTE, note);
        w.expect(&echo);
    }
    let asked = w.expect(LANE_SHARE);
    assert!(
        asked.contains("Nothing is sent now"),
        "the share question does not say what happens: {asked:?}"
    );
    let item = [LANE_WHOLE, LANE_STEPS, LANE_NOTHING][share - 1];
    w.highlight(share, item);
    w.send(ENTER);
    let echo = w.echo(LANE_SHARE, item);
    w.expect(&echo);
    lane
}

/// Starts a walk at `now`, answers the arrival check (`distress`, no) and
/// what happened, and stops with Ctrl-C at the turning point: a draft with
/// three answers.
fn draft_with(sb: &Sandbox, now: &str, distress: &str, what: &str) {
    let mut w = Walk::new_at(sb, now);
    if !sb.draft_files().is_empty() {
        let n = sb.draft_files().len();
        let item = if n == 1 {
            "Start a new entry and keep this one for later"
        } else {
            "Start a new entry and keep these for later"
        };
        w.pick(DRAFT_MENU, n + 1, item);
    }
    arrive(&mut w, distress, 2);
    w.answer(WHAT_HAPPENED, what);
    w.expect(TURNING_POINT);
    w.send(CTRL_C);
    w.expect(STOPPED);
    w.exits(130);
}

/// The safety section of a summary in Markdown.
fn safety_section(summary: &str) -> &str {
    let start = summary
        .find("## Safety")
        .unwrap_or_else(|| panic!("no safety section: {summary}"));
    let rest = &summary[start..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    &rest[..end]
}

fn export(sb: &Sandbox) -> String {
    let out = sb
        .assert_cmd()
        .args(["export", "--since", "all", "--until", "2026-11-04"])
        .assert()
        .success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

// --- The ordinary path ---------------------------------------------------

#[test]
fn a_full_entry_typed_with_digits_arrow_keys_and_a_refused_rating() {
    let sb = Sandbox::new();
    let mut w = Walk::new(&sb);

    w.expect("Welcome to mentalog.");
    w.type_at(DISTRESS, "11");
    w.expect(REFUSED_RATING);
    w.retype(DISTRESS, "4");
    // The safety question: nothing is highlighted at first, and Enter says so.
    w.expect(SAFETY);
    let list = w.expect("not sure");
    assert!(!list.contains('❯'), "{list:?}");
    w.send(ENTER);
    w.expect("Nothing is chosen yet: use ↓");
    w.send(DOWN);
    w.expect("❯ yes");
    w.send(UP);
    w.expect("❯ not sure");
    w.send(DOWN);
    w.expect("❯ yes");
    w.send("j");
    w.expect("❯ no");
    w.send(ENTER);
    let echo = w.echo(SAFETY, "no");
    w.expect(&echo);
    w.answer(
        WHAT_HAPPENED,
        "My sister cancelled dinner at the last minute",
    );
    w.answer(TURNING_POINT, "Her text came while I was cooking");
    w.expect(FEELINGS);
    sad_and_hurt(&mut w);
    middle(&mut w);
    // The read-back before the re-rating.
    let before = w.expect(AFTER);
    assert!(before.contains(READ_BACK), "no read-back: {before:?}");
    assert!(
        before.contains("My sister cancelled dinner") && before.contains("sad (6), hurt (8)"),
        "{before:?}"
    );
    w.retype(AFTER, "2");
    w.answer(SHIFT, "A little");
    w.answer(TOPIC, "Feeling let down");
    w.pick(INCLUDE, 1, "yes");
    let close = w.expect("Saved. It will be part of what you export for your therapist.");
    assert!(close.contains(THANKS), "{close:?}");
    assert!(!close.contains(INTENSITY_ACK), "{close:?}");
    let path = w.saved_path();
    let rest = w.exits(0);
    assert_eq!(rest.trim(), "", "nothing is shown after the path");

    assert_eq!(sb.entry_files(), vec![path.clone()]);
    assert!(sb.draft_files().is_empty());
    assert_eq!(mode(&path), 0o600);
    let doc = read_json(&path);
    assert_eq!(doc["created"], NOW);
    assert_eq!(doc["pack"]["id"], "mbt-core");
    assert!(flag(&doc, "shared"), "{doc}");
    assert!(!flag(&doc, "safety_lane"), "{doc}");
    assert!(!flag(&doc, "distress_rose"), "{doc}");
    assert_eq!(doc.get("nudge"), None, "no nudge was due");
    assert_eq!(answer(&doc, "arrival.distress"), &json!(4));
    assert_eq!(answer(&doc, "arrival.safety"), &json!("no"));
    assert_eq!(
        answer(&doc, "self.feelings"),
        &json!([{"name": "sad", "intensity": 6}, {"name": "hurt", "intensity": 8}])
    );
    assert_eq!(answer(&doc, "other.certainty"), &json!(3));
    assert_eq!(answer(&doc, "after.distress"), &json!(2));
    assert_eq!(answer(&doc, "share.include"), &json!(true));
    assert_eq!(keys(&doc).len(), 21, "{:?}", keys(&doc));
}

#[test]
fn ctrl_c_in_a_list_keeps_a_draft_and_the_next_walk_carries_on() {
    let sb = Sandbox::new();

    let mut w = Walk::new(&sb);
    // Nothing is written before the first answer.
    w.expect(DISTRESS);
    assert!(sb.draft_files().is_empty());
    w.retype(DISTRESS, "5");
    w.pick(SAFETY, 2, "no");
    w.answer(
        WHAT_HAPPENED,
        "My sister cancelled dinner at the last minute",
    );
    w.answer(TURNING_POINT, "Her text came while I was cooking");
    w.expect(FEELINGS);
    w.expect("something else, in my own words");
    w.send(CTRL_C);
    let before_stop = w.expect(STOPPED);
    assert!(
        before_stop.contains(SHOW_CURSOR),
        "the cursor, hidden by the list, is not shown again: {before_stop:?}"
    );
    w.exits(130);

    assert!(sb.entry_files().is_empty());
    let drafts = sb.drafts();
    assert_eq!(drafts.len(), 1);
    assert_eq!(
        keys(&drafts[0]),
        [
            "arrival.distress",
            "arrival.safety",
            "moment.what_happened",
            "moment.turning_point"
        ]
    );

    let mut w = Walk::new(&sb);
    let said = w.expect("You have an unfinished entry");
    assert!(!said.contains("Welcome"), "greeted again: {said:?}");
    w.expect("4 answers so far: \"My sister cancelled dinner at the last…\"");
    w.pick(DRAFT_MENU, 1, "Carry on where you left off");
    let asked = w.expect(FEELINGS);
    for earlier in [DISTRESS, SAFETY, WHAT_HAPPENED, TURNING_POINT] {
        assert!(!asked.contains(earlier), "asked again: {earlier:?}");
    }
    sad_and_hurt(&mut w);
    middle(&mut w);
    w.answer(AFTER, "2");
    w.answer(SHIFT, "A little");
    w.skip(TOPIC);
    w.pick(INCLUDE, 2, "no");
    w.expect("Saved. This entry stays private.");
    let path = w.saved_path();
    w.exits(0);

    assert_eq!(sb.entry_files(), vec![path.clone()]);
    assert!(sb.draft_files().is_empty());
    let doc = read_json(&path);
    assert_eq!(
        doc["id"], drafts[0]["id"],
        "the entry is the draft, finished"
    );
    assert!(!flag(&doc, "shared"), "{doc}");
    assert_eq!(
        answer(&doc, "moment.turning_point"),
        &json!("Her text came while I was cooking")
    );
    assert_eq!(answer(&doc, "other.certainty"), &json!(3));
    let mut unique = keys(&doc);
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), keys(&doc).len(), "{:?}", keys(&doc));
}

// --- 1. Rising distress ---------------------------------------------------

#[test]
fn arrival_5_then_10_at_the_end_shows_the_lane_closing_before_saving() {
    let sb = Sandbox::new();
    let mut w = Walk::new(&sb);
    arrive(&mut w, "5", 2);
    w.answer(
        WHAT_HAPPENED,
        "My sister cancelled dinner at the last minute",
    );
    w.answer(TURNING_POINT, "Her text came while I was cooking");
    w.expect(FEELINGS);
    sad_and_hurt(&mut w);
    middle(&mut w);
    w.answer(AFTER, "10");
    // Right after the re-rating, before the last questions and the saving.
    let closing = w.expect(SHIFT);
    assert!(sb.entry_files().is_empty(), "saved before the closing");
    let at = |s: &str| {
        closing
            .find(s)
            .unwrap_or_else(|| panic!("{s:?} is not shown after the re-rating: {closing:?}"))
    };
    let order = [
        at(INTENSITY_ACK),
        // Nothing is set up: words for now, not a task.
        at("For now, if you can, reach out to someone you trust"),
        at("No crisis contacts are set up in mentalog yet."),
        at(EMERGENCY),
        at(NO_CONTACT),
    ];
    assert!(order.is_sorted(), "{closing:?}");
    assert!(!closing.contains("--edit"), "{closing:?}");
    assert!(!closing.contains(THOUGHTS_ACK), "{closing:?}");
    w.retype(SHIFT, "It feels worse now. I want to disappear.");
    w.skip(TOPIC);
    w.pick(INCLUDE, 2, "no");
    let close = w.expect("Saved. This entry stays private.");
    assert!(close.contains(THANKS), "{close:?}");
    assert!(
        close.contains("You can come back to this whenever you're ready."),
        "the close after rising distress is only 'Saved.': {close:?}"
    );
    assert!(
        !close.contains("mentalog plan"),
        "the close points to an empty plan: {close:?}"
    );
    let path = w.saved_path();
    w.exits(0);

    let doc = read_json(&path);
    assert!(!flag(&doc, "safety_lane"), "{doc}");
    assert!(flag(&doc, "distress_rose"), "{doc}");
    assert_eq!(
        doc["plan"],
        json!({"plan_written": false, "contacts": false})
    );
    assert_eq!(answer(&doc, "arrival.distress"), &json!(5));
    assert_eq!(answer(&doc, "after.distress"), &json!(10));
    assert_eq!(
        answer(&doc, "after.shift"),
        &json!("It feels worse now. I want to disappear.")
    );
}

#[test]
fn a_rise_of_three_below_the_threshold_shows_the_closing_with_the_written_plan() {
    let sb = Sandbox::new();
    sb.write_plan(PLAN);
    sb.write_config(CONTACT);
    let mut w = Walk::new(&sb);
    arrive(&mut w, "2", 2);
    w.skip(WHAT_HAPPENED);
    w.skip(TURNING_POINT);
    w.expect(FEELINGS);
    w.expect("something else, in my own words");
    w.send(ENTER);
    for q in [
        BODY,
        THOUGHTS,
        NEEDS,
        ACTIONS,
        NEXT,
        WHO,
        OTHER_FEELING,
        SMALL_GUESS,
        INTENT,
    ] {
        w.skip(q);
    }
    w.skip(ALTERNATIVE);
    w.skip(AS_SEEN);
    w.skip(REPAIR);
    w.answer(AFTER, "5");
    let closing = w.expect(SHIFT);
    for line in [
        INTENSITY_ACK,
        "Your crisis plan:",
        "Warning signs: I stop eating.",
        "People and services you can contact:",
        "Sam: 555 0100",
        EMERGENCY,
    ] {
        assert!(closing.contains(line), "{line:?} missing: {closing:?}");
    }
    w.skip_here(SHIFT);
    w.skip(TOPIC);
    w.pick(INCLUDE, 1, "yes");
    let close = w.expect("Saved.");
    assert!(close.contains("mentalog plan"), "{close:?}");
    let path = w.saved_path();
    w.exits(0);
    let doc = read_json(&path);
    assert!(flag(&doc, "distress_rose"), "{doc}");
    assert_eq!(doc["plan"], json!({"plan_written": true, "contacts": true}));
}

// --- 2. Going back -----------------------------------------------------

#[test]
fn back_changes_an_earlier_answer_and_is_never_echoed() {
    let sb = Sandbox::new();
    let mut w = Walk::new(&sb);
    arrive(&mut w, "4", 2);
    w.answer(WHAT_HAPPENED, "First version");
    // Typed at a text question, in any case.
    w.type_at(TURNING_POINT, "/BACK");
    // The earlier answer is filled in to change.
    w.expect(WHAT_HAPPENED);
    w.expect("First version");
    for _ in "version".chars() {
        w.send(BACKSPACE);
    }
    w.send("draft, changed");
    w.send(ENTER);
    let echo = w.echo(WHAT_HAPPENED, "First draft, changed");
    w.expect(&echo);
    w.answer(TURNING_POINT, "Her text came");
    // `b` at the checklist goes back to the turning point, filled in.
    w.expect(FEELINGS);
    w.expect("b: go back");
    w.expect("something else, in my own words");
    w.send("b");
    w.expect(TURNING_POINT);
    w.expect("Her text came");
    w.send(" while I was cooking");
    w.send(ENTER);
    let echo = w.echo(TURNING_POINT, "Her text came while I was cooking");
    w.expect(&echo);
    skip_to_the_end(&mut w, "");
    w.expect("Saved. This entry stays private.");
    let path = w.saved_path();
    w.exits(0);

    let shown = w.shown();
    assert!(
        !shown.to_lowercase().contains("· /back"),
        "/back was echoed as an answer: {shown:?}"
    );
    let doc = read_json(&path);
    assert_eq!(
        answer(&doc, "moment.what_happened"),
        &json!("First draft, changed")
    );
    assert_eq!(
        answer(&doc, "moment.turning_point"),
        &json!("Her text came while I was cooking")
    );
    let mut unique = keys(&doc);
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), keys(&doc).len(), "{:?}", keys(&doc));
}

#[test]
fn back_never_crosses_the_arrival_check() {
    let sb = Sandbox::new();
    let mut w = Walk::new(&sb);
    arrive(&mut w, "4", 2);
    w.type_at(WHAT_HAPPENED, "/back");
    w.expect("There is no earlier question to go back to from here.");
    w.answer(WHAT_HAPPENED, "Still here");
    w.expect(TURNING_POINT);
    w.send(CTRL_C);
    w.exits(130);
    let drafts = sb.drafts();
    assert_eq!(answer(&drafts[0], "arrival.safety"), &json!("no"));
    assert_eq!(
        answer(&drafts[0], "moment.what_happened"),
        &json!("Still here")
    );
}

// --- 3. Drafts ------------------------------------------------------------

#[test]
fn two_drafts_are_both_offered_newest_first_and_a_discard_asks_again() {
    let sb = Sandbox::new();
    draft_with(&sb, NOW, "5", "The older one");
    draft_with(&sb, &later(10), "5", "The newer one");
    assert_eq!(sb.draft_files().len(), 2);

    let mut w = Walk::new_at(&sb, &later(20));
    w.expect("You have 2 unfinished entries.");
    let menu = w.expect("Discard one of them");
    let newer = menu
        .find("Carry on with the one started Tue 3 Nov, 21:50: \"The newer one\"")
        .unwrap_or_else(|| panic!("the newer draft is not offered: {menu:?}"));
    let older = menu
        .find("Carry on with the one started Tue 3 Nov, 21:40: \"The older one\"")
        .unwrap_or_else(|| panic!("the older draft is not offered: {menu:?}"));
    assert!(newer < older, "not newest first: {menu:?}");
    assert!(menu.contains("Start a new entry and keep these for later"));
    // The plan at the draft menu, then the menu again.
    w.send("p");
    w.expect(EMERGENCY);
    w.expect(DRAFT_MENU);
    w.expect("Discard one of them");

    // Discard the older one, then say no when asked again: both are kept.
    w.highlight(4, "Discard one of them");
    w.send(ENTER);
    w.pick(
        "Which one would you like to discard?",
        2,
        "the one started Tue 3 Nov, 21:40: \"The older one\"",
    );
    w.pick(
        "Discard the unfinished entry? Its answers will be gone.",
        1,
        "No, keep it",
    );
    assert_eq!(sb.draft_files().len(), 2);
    // The menu again, with both.
    let menu = w.expect("Discard one of them");
    assert!(
        menu.contains("\"The newer one\"") && menu.contains("\"The older one\""),
        "{menu:?}"
    );
    w.highlight(4, "Discard one of them");
    w.send(ENTER);
    w.pick(
        "Which one would you like to discard?",
        2,
        "the one started Tue 3 Nov, 21:40: \"The older one\"",
    );
    w.pick(
        "Discard the unfinished entry? Its answers will be gone.",
        2,
        "Yes, discard it for good",
    );
    w.expect("The unfinished entry is discarded.");
    // The one left is offered on its own.
    w.expect("You have an unfinished entry (started Tue 3 Nov, 21:50");
    w.expect(DRAFT_MENU);
    w.expect("Discard it");
    w.send(CTRL_C);
    w.exits(130);

    let drafts = sb.drafts();
    assert_eq!(drafts.len(), 1);
    assert_eq!(
        answer(&drafts[0], "moment.what_happened"),
        &json!("The newer one")
    );
}

// --- 4. The follow-up after a lane entry ---------------------------------

#[test]
fn the_next_walk_after_a_lane_entry_offers_to_look_at_it_and_records_what_it_follows() {
    let sb = Sandbox::new();
    let mut w = Walk::new(&sb);
    lane(&mut w, "9", 2, "Going to call Sam", 3);
    w.expect("The next time you open mentalog new, it will offer to look at this moment");
    let lane_path = w.saved_path();
    w.exits(0);
    let lane_id = read_json(&lane_path)["id"].clone();

    let mut w = Walk::new_at(&sb, &later(24 * 60));
    w.expect("Last time you wrote here (Tue 3 Nov), things were very hard");
    // The plan is one key away here too, and the offer comes back after it.
    w.expect(FOLLOW_UP);
    w.expect("Not now");
    w.send("p");
    w.expect(EMERGENCY);
    w.pick(FOLLOW_UP, 1, "Yes, look at that moment now");
    arrive(&mut w, "4", 2);
    let before = w.expect(WHAT_HAPPENED);
    assert!(
        before.contains("Last time, in the safety steps, you wrote: Going to call Sam"),
        "the lane note is not the starting point: {before:?}"
    );
    w.retype(WHAT_HAPPENED, "The evening before I called Sam");
    w.skip(TURNING_POINT);
    skip_to_the_end(&mut w, "3");
    let path = w.saved_path();
    w.exits(0);
    let doc = read_json(&path);
    assert_eq!(doc["follows"], lane_id);
    assert!(!flag(&doc, "safety_lane"), "{doc}");

    // The newest entry now follows the lane entry: nothing is offered.
    let mut w = Walk::new_at(&sb, &later(25 * 60));
    let before = w.expect(DISTRESS);
    assert!(!before.contains(FOLLOW_UP), "offered twice: {before:?}");
    w.send(CTRL_C);
    w.exits(130);
    assert!(
        sb.draft_files().is_empty(),
        "a draft with no answer was kept"
    );
}

#[test]
fn the_follow_up_can_be_put_off_and_is_offered_only_once() {
    let sb = Sandbox::new();
    let mut w = Walk::new(&sb);
    lane(&mut w, "3", 1, "", 3);
    w.saved_path();
    w.exits(0);

    let mut w = Walk::new_at(&sb, &later(60));
    w.pick(FOLLOW_UP, 2, "Not now: start a new entry");
    arrive(&mut w, "3", 2);
    let before = w.expect(WHAT_HAPPENED);
    assert!(
        !before.contains("Last time, in the safety steps"),
        "{before:?}"
    );
    w.send(CTRL_C);
    w.exits(130);
    let drafts = sb.drafts();
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].get("follows"), None);

    let mut w = Walk::new_at(&sb, &later(70));
    w.pick(
        DRAFT_MENU,
        2,
        "Start a new entry and keep this one for later",
    );
    let before = w.expect(DISTRESS);
    assert!(!before.contains(FOLLOW_UP), "offered twice: {before:?}");
    w.send(CTRL_C);
    w.exits(130);
}

// --- 5. The two acknowledgements ------------------------------------------

#[test]
fn distress_2_with_not_sure_gets_the_thoughts_acknowledgement() {
    let sb = Sandbox::new();
    let mut w = Walk::new(&sb);
    let shown = lane(&mut w, "2", 3, "", 3);
    assert!(shown.contains(THOUGHTS_ACK), "{shown:?}");
    assert!(!shown.contains(INTENSITY_ACK), "{shown:?}");
    assert!(
        shown.contains(EMERGENCY) && shown.contains(NO_CONTACT),
        "{shown:?}"
    );
    assert!(
        !shown.contains(WHAT_HAPPENED),
        "the walk went on before the lane: {shown:?}"
    );
    let path = w.saved_path();
    w.exits(0);
    let doc = read_json(&path);
    assert!(flag(&doc, "safety_lane"), "{doc}");
    assert_eq!(answer(&doc, "arrival.safety"), &json!("not sure"));
    assert_eq!(
        keys(&doc),
        ["arrival.distress", "arrival.safety", "safety.share"]
    );
}

#[test]
fn distress_9_with_no_gets_the_intensity_acknowledgement_and_the_written_plan() {
    let sb = Sandbox::new();
    sb.write_plan(PLAN);
    sb.write_config(CONTACT);
    let mut w = Walk::new(&sb);
    let shown = lane(&mut w, "9", 2, "Going to call Sam", 1);
    let at = |s: &str| {
        shown
            .find(s)
            .unwrap_or_else(|| panic!("{s:?} is not shown in the lane: {shown:?}"))
    };
    let order = [
        at(INTENSITY_ACK),
        at("Your crisis plan:"),
        at("Warning signs: I stop eating."),
        at("People and services you can contact:"),
        at("Sam: 555 0100"),
        at(EMERGENCY),
        at(NO_CONTACT),
    ];
    assert!(order.is_sorted(), "{shown:?}");
    assert!(!shown.contains(THOUGHTS_ACK), "{shown:?}");
    let close = w.expect("Saved. It will be part of what you export for your therapist.");
    assert!(close.contains("mentalog plan"), "{close:?}");
    let path = w.saved_path();
    w.exits(0);
    let doc = read_json(&path);
    assert!(flag(&doc, "safety_lane"), "{doc}");
    assert_eq!(doc["plan"], json!({"plan_written": true, "contacts": true}));
    assert_eq!(answer(&doc, "safety.note"), &json!("Going to call Sam"));
}

// --- 6. The crisis plan at a rating and at a list -------------------------

#[test]
fn plan_at_the_first_rating_and_p_at_a_list_show_the_crisis_plan() {
    let sb = Sandbox::new();
    sb.write_plan(PLAN);
    sb.write_config(CONTACT);
    let mut w = Walk::new(&sb);

    // At the very first question, in any case.
    w.type_at(DISTRESS, "/Plan");
    let plan = w.expect(DISTRESS);
    for line in ["Warning signs: I stop eating.", "Sam: 555 0100", EMERGENCY] {
        assert!(plan.contains(line), "{line:?} missing: {plan:?}");
    }
    assert!(!plan.contains(REFUSED_RATING), "{plan:?}");
    w.retype(DISTRESS, "5");

    // `p` at the safety question, then the list again, nothing chosen.
    w.expect(SAFETY);
    w.expect("p: your crisis plan");
    w.expect("not sure");
    w.send("p");
    let plan = w.expect(SAFETY);
    assert!(plan.contains("Warning signs: I stop eating."), "{plan:?}");
    let list = w.expect("not sure");
    assert!(!list.contains('❯'), "an answer is preselected: {list:?}");
    w.highlight(2, "no");
    w.send(ENTER);
    let echo = w.echo(SAFETY, "no");
    w.expect(&echo);

    // And in the checklist.
    w.skip(WHAT_HAPPENED);
    w.skip(TURNING_POINT);
    w.expect(FEELINGS);
    w.expect("something else, in my own words");
    w.send("P");
    let plan = w.expect(FEELINGS);
    assert!(plan.contains("Warning signs: I stop eating."), "{plan:?}");
    w.expect("something else, in my own words");
    w.send(CTRL_C);
    w.exits(130);

    let shown = w.shown();
    assert!(
        !shown.to_lowercase().contains("· /plan"),
        "/plan echoed: {shown:?}"
    );
    let draft = &sb.drafts()[0];
    assert_eq!(answer(draft, "arrival.distress"), &json!(5));
    // Openings are not recorded while counting them is off.
    assert_eq!(draft.get("plan_opened"), None, "{draft}");
}

// --- 7. What the therapist may see after the lane --------------------------

/// A lane entry with `note`, the share question answered with item `n`;
/// returns the entry and the safety section of the summary.
fn lane_shared(n: usize) -> (Value, String, String) {
    let sb = Sandbox::new();
    let mut w = Walk::new(&sb);
    lane(&mut w, "9", 2, "Called Sam, sitting outside", n);
    w.saved_path();
    w.exits(0);
    let doc = only_entry(&sb);
    let summary = export(&sb);
    let safety = safety_section(&summary).to_string();
    (doc, safety, summary)
}

#[test]
fn the_lane_shared_whole_quotes_the_note_in_the_summary() {
    let (doc, safety, _) = lane_shared(1);
    assert_eq!(
        (flag(&doc, "shared"), flag(&doc, "safety_shared")),
        (true, true)
    );
    assert_eq!(
        answer(&doc, "safety.share"),
        &json!("Yes, the whole entry, with what you wrote")
    );
    assert!(
        safety.contains("Tue 3 Nov 2026, 21:40: the safety steps opened; distress 9"),
        "{safety}"
    );
    assert!(safety.contains("> Called Sam, sitting outside"), "{safety}");
}

#[test]
fn the_lane_shared_as_steps_only_shows_the_day_and_distress_but_not_the_note() {
    let (doc, safety, summary) = lane_shared(2);
    assert_eq!(
        (flag(&doc, "shared"), flag(&doc, "safety_shared")),
        (false, true)
    );
    assert!(
        safety.contains("Tue 3 Nov 2026, 21:40: the safety steps opened; distress 9"),
        "{safety}"
    );
    assert!(
        safety.contains("answered \"no\" to the safety question"),
        "{safety}"
    );
    assert!(!summary.contains("Called Sam"), "{summary}");
}

#[test]
fn the_lane_kept_private_leaves_the_summary_saying_nothing_was_shared() {
    let (doc, safety, summary) = lane_shared(3);
    assert_eq!(
        (flag(&doc, "shared"), flag(&doc, "safety_shared")),
        (false, false)
    );
    assert!(
        safety.contains(
            "No use of the safety steps was shared for this period. Private entries are never shown."
        ),
        "{safety}"
    );
    assert!(
        !summary.contains("Called Sam") && !summary.contains("distress 9"),
        "{summary}"
    );
}

#[test]
fn the_lane_share_question_has_nothing_preselected_and_the_summary_never_holds_the_private_note() {
    let sb = Sandbox::new();
    let mut w = Walk::new(&sb);
    arrive(&mut w, "9", 2);
    w.answer(LANE_NOTE, "A private line");
    w.expect(LANE_SHARE);
    w.expect(LANE_NOTHING);
    w.send(ENTER);
    w.expect("Nothing is chosen yet");
    // No way back into the lane.
    w.send("b");
    w.expect("There is no earlier question to go back to from here.");
    w.pick_here(LANE_SHARE, 3, LANE_NOTHING);
    w.saved_path();
    w.exits(0);
    let summary = export(&sb);
    assert!(!summary.contains("A private line"), "{summary}");
}

// --- 8. A resume after a gap ------------------------------------------------

#[test]
fn a_resume_after_a_gap_asks_the_arrival_check_again_then_recaps() {
    let sb = Sandbox::new();
    draft_with(&sb, NOW, "2", "The bus was late again");

    let mut w = Walk::new_at(&sb, &later(61));
    w.pick(DRAFT_MENU, 1, "Carry on where you left off");
    w.expect("It's been a while since you last wrote in this entry.");
    w.answer(DISTRESS, "6");
    w.pick(SAFETY, 2, "no");
    w.expect("So far you have written 3 answers, starting with \"The bus was late again\".");
    let before = w.expect(TURNING_POINT);
    assert!(!before.contains(WHAT_HAPPENED), "{before:?}");
    w.skip_here(TURNING_POINT);
    // A rise is counted from the latest arrival check (6), not the first (2).
    skip_to_the_end(&mut w, "5");
    let rest = w.expect("Saved. This entry stays private.");
    assert!(!rest.contains(INTENSITY_ACK), "{rest:?}");
    let path = w.saved_path();
    w.exits(0);
    let doc = read_json(&path);
    assert_eq!(answer(&doc, "arrival.distress"), &json!(2));
    let rechecks = doc["rechecks"].as_array().expect("no recheck recorded");
    assert_eq!(rechecks.len(), 1, "{doc}");
    assert_eq!(rechecks[0]["distress"], 6);
    assert_eq!(rechecks[0]["safety"], "no");
    assert!(!flag(&doc, "distress_rose"), "{doc}");
}

#[test]
fn a_resume_within_the_hour_carries_straight_on() {
    let sb = Sandbox::new();
    draft_with(&sb, NOW, "5", "The bus was late again");
    let mut w = Walk::new_at(&sb, &later(59));
    w.pick(DRAFT_MENU, 1, "Carry on where you left off");
    let before = w.expect(TURNING_POINT);
    assert!(!before.contains("It's been a while"), "{before:?}");
    assert!(!before.contains(DISTRESS), "{before:?}");
    w.send(CTRL_C);
    w.exits(130);
}

#[test]
fn a_recheck_that_opens_the_lane_keeps_the_unfinished_entry_whole() {
    let sb = Sandbox::new();
    draft_with(&sb, NOW, "5", "The bus was late again");
    let before = sb.drafts();

    let mut w = Walk::new_at(&sb, &later(180));
    w.pick(DRAFT_MENU, 1, "Carry on where you left off");
    w.expect("It's been a while since you last wrote in this entry.");
    w.answer(DISTRESS, "3");
    w.pick(SAFETY, 1, "yes");
    let lane = w.expect(LANE_NOTE);
    assert!(lane.contains(THOUGHTS_ACK), "{lane:?}");
    w.skip_here(LANE_NOTE);
    w.pick(LANE_SHARE, 2, LANE_STEPS);
    w.saved_path();
    w.exits(0);

    assert_eq!(sb.drafts(), before, "the unfinished entry changed");
    let doc = only_entry(&sb);
    assert!(flag(&doc, "safety_lane"), "{doc}");
    assert!(flag(&doc, "safety_shared"), "{doc}");
    assert_eq!(answer(&doc, "arrival.safety"), &json!("yes"));
}

// --- 9. Ctrl-C while the editor is open ------------------------------------

#[test]
fn ctrl_c_with_the_editor_open_keeps_its_text_for_the_next_walk() {
    let sb = Sandbox::new();
    let editor = sb.tmp.path().join("slow-editor");
    std::fs::write(
        &editor,
        "#!/bin/sh\nprintf 'Written in my editor\\nand a second line\\n' > \"$1\"\necho EDITOR-HAS-WRITTEN\nsleep 5\n",
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let with_editor = |now: &str| {
        let mut cmd = sb.cmd();
        cmd.arg("new")
            .env("MENTALOG_NOW", now)
            // Through sh: a script just written can be "busy" while
            // another test thread forks.
            .env("EDITOR", format!("sh '{}'", editor.display()));
        Walk::spawn(cmd, Term::default())
    };

    let mut w = with_editor(NOW);
    arrive(&mut w, "4", 2);
    w.type_at(WHAT_HAPPENED, "/edit");
    w.expect("EDITOR-HAS-WRITTEN");
    // The terminal sends SIGINT to the whole group: mentalog and the editor.
    w.send(CTRL_C);
    w.expect(STOPPED);
    w.exits(130);
    let drafts = sb.drafts();
    assert_eq!(drafts.len(), 1);
    assert_eq!(
        drafts[0]["pending_edit"],
        json!({"key": "moment.what_happened", "text": "Written in my editor\nand a second line"}),
        "the editor's text is not in the draft; left in editing/: {:?}; shown: {:?}",
        sb.editing_files(),
        w.shown()
    );
    assert!(sb.editing_files().is_empty(), "{:?}", sb.editing_files());

    let mut w = with_editor(&later(5));
    w.pick(DRAFT_MENU, 1, "Carry on where you left off");
    let offered = w.expect(WHAT_HAPPENED);
    assert!(
        offered.contains("When you stopped last time, your editor held this"),
        "{offered:?}"
    );
    assert!(
        offered.contains(" Written in my editor and a second line"),
        "{offered:?}"
    );
    // Enter keeps it, and the echo does not call it skipped.
    w.expect(ANSWER_MARK);
    w.send(ENTER);
    let kept = w.expect(TURNING_POINT);
    assert!(kept.contains(&w.echo(WHAT_HAPPENED, "")), "{kept:?}");
    assert!(!kept.contains("(skipped)"), "{kept:?}");
    w.send(CTRL_C);
    w.exits(130);
    let drafts = sb.drafts();
    assert_eq!(
        answer(&drafts[0], "moment.what_happened"),
        &json!("Written in my editor\nand a second line")
    );
    assert_eq!(drafts[0].get("pending_edit"), None);
    assert!(sb.editing_files().is_empty(), "{:?}", sb.editing_files());
}

// --- 11. Plain mode ----------------------------------------------------------

/// Byte sequences that move the cursor or erase: none may appear in plain mode.
fn moves_or_erases(bytes: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0x1b {
            let mut j = i + 1;
            if bytes.get(j) == Some(&b'[') {
                j += 1;
                while j < bytes.len() && (0x30..=0x3f).contains(&bytes[j]) {
                    j += 1;
                }
            }
            let end = (j + 1).min(bytes.len());
            found.push(String::from_utf8_lossy(&bytes[i..end]).into_owned());
            i = end;
        } else if bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            found.push("a carriage return alone".into());
            i += 1;
        } else if bytes[i] == 0x08 {
            found.push("a backspace".into());
            i += 1;
        } else {
            i += 1;
        }
    }
    found
}

/// Plain mode in a terminal that echoes what is typed, as a real one does.
fn plain(sb: &Sandbox, now: &str) -> Walk {
    let mut cmd = sb.cmd();
    cmd.args(["new", "--plain"]).env("MENTALOG_NOW", now);
    Walk::spawn(
        cmd,
        Term {
            rows: 500,
            echo: true,
            ..Term::default()
        },
    )
}

/// Types a line at `question` in plain mode (`"> "`: at the mark asking
/// again, after a refused answer).
fn line(w: &mut Walk, question: &str, typed: &str) {
    w.expect(question);
    if question != "> " {
        w.expect("> ");
    }
    w.send(typed);
    w.send(ENTER);
    // The terminal echoes the line typed after the mark.
    w.expect(&format!("{typed}\r\n"));
}

#[test]
fn a_full_walk_in_plain_mode_is_printed_line_by_line_and_never_redrawn() {
    let sb = Sandbox::new();
    let mut w = plain(&sb, NOW);
    line(&mut w, DISTRESS, "eleven");
    w.expect(REFUSED_RATING);
    line(&mut w, "> ", "/plan");
    w.expect(EMERGENCY);
    line(&mut w, DISTRESS, "4");
    w.expect(SAFETY);
    w.expect(" 1. yes 2. no 3. not sure ");
    line(&mut w, "Type a number, then Enter.", "4");
    w.expect("Please type one number from 1 to 3, or /plan.");
    line(&mut w, "> ", "2");
    line(&mut w, WHAT_HAPPENED, "My sister cancelled dinner");
    line(&mut w, TURNING_POINT, "/back");
    line(
        &mut w,
        WHAT_HAPPENED,
        "My sister cancelled dinner at the last minute",
    );
    line(&mut w, TURNING_POINT, "Her text came while I was cooking");
    w.expect(FEELINGS);
    w.expect("  3. sad");
    line(&mut w, "Type the numbers of all that fit", "3, 6");
    line(&mut w, "How strong was \"sad\" at the time? (0 to 10)", "6");
    line(
        &mut w,
        "How strong was \"hurt\" at the time? (0 to 10)",
        "8",
    );
    for (q, a) in [
        (BODY, "tight chest"),
        (THOUGHTS, "She does not want to see me"),
        (NEEDS, "To feel wanted"),
        (ACTIONS, "I put my phone away"),
        (NEXT, "She kept talking; I went quiet"),
        (WHO, "my sister"),
        (OTHER_FEELING, "Tired after work, maybe stressed"),
        (INTENT, "To rest"),
        (CERTAINTY, "3"),
        (ALTERNATIVE, "Something came up at home"),
        (AS_SEEN, "Short with her"),
        (REPAIR, "Not yet"),
    ] {
        line(&mut w, q, a);
    }
    w.expect(READ_BACK);
    line(&mut w, AFTER, "10");
    w.expect(INTENSITY_ACK);
    w.expect(EMERGENCY);
    line(&mut w, SHIFT, "A little");
    line(&mut w, TOPIC, "");
    w.expect(INCLUDE);
    line(&mut w, "Type a number, then Enter.", "1");
    w.expect(THANKS);
    w.expect("Saved. It will be part of what you export for your therapist.");
    let path = w.saved_path();
    w.exits(0);

    let moves = moves_or_erases(w.bytes());
    assert!(
        moves.is_empty(),
        "plain mode moved the cursor or erased: {moves:?}"
    );
    let screen = w.screen();
    let contents = screen.screen().contents();
    for q in [
        SAFETY,
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
        assert_eq!(contents.matches(q).count(), 1, "{q:?} in {contents}");
    }
    // Printed again after /plan and after /back; every line stays.
    assert_eq!(contents.matches(DISTRESS).count(), 2, "{contents}");
    assert_eq!(contents.matches(TURNING_POINT).count(), 2, "{contents}");
    assert_eq!(contents.matches(WHAT_HAPPENED).count(), 2, "{contents}");
    assert_eq!(contents.matches(REFUSED_RATING).count(), 1, "{contents}");
    for typed in [
        "> eleven",
        "> /plan",
        "> 4",
        "> 3, 6",
        "> /back",
        "> Short with her",
    ] {
        assert!(contents.contains(typed), "{typed:?} is gone: {contents}");
    }

    let doc = read_json(&path);
    assert!(flag(&doc, "distress_rose"), "{doc}");
    assert!(flag(&doc, "shared"), "{doc}");
    assert_eq!(
        answer(&doc, "moment.what_happened"),
        &json!("My sister cancelled dinner at the last minute")
    );
    assert_eq!(
        answer(&doc, "self.feelings"),
        &json!([{"name": "sad", "intensity": 6}, {"name": "hurt", "intensity": 8}])
    );
    assert_eq!(keys(&doc).len(), 20, "{:?}", keys(&doc));
}

#[test]
fn the_lane_in_plain_mode_by_environment() {
    let sb = Sandbox::new();
    let mut cmd = sb.cmd();
    cmd.arg("new").env("MENTALOG_PLAIN", "1");
    let mut w = Walk::spawn(
        cmd,
        Term {
            rows: 200,
            echo: true,
            ..Term::default()
        },
    );
    line(&mut w, DISTRESS, "2");
    w.expect(SAFETY);
    line(&mut w, "Type a number, then Enter.", "3");
    w.expect(THOUGHTS_ACK);
    line(&mut w, LANE_NOTE, "Sitting with my cat");
    w.expect(LANE_SHARE);
    w.expect("  1. Yes, the whole entry");
    line(&mut w, "Type a number, then Enter.", "2");
    w.expect("Saved. Your therapist will see only that the safety steps opened today");
    w.saved_path();
    w.exits(0);
    let moves = moves_or_erases(w.bytes());
    assert!(
        moves.is_empty(),
        "plain mode moved the cursor or erased: {moves:?}"
    );
    let doc = only_entry(&sb);
    assert_eq!(
        (flag(&doc, "shared"), flag(&doc, "safety_shared")),
        (false, true)
    );
    assert_eq!(answer(&doc, "safety.note"), &json!("Sitting with my cat"));
}

// --- Export ---------------------------------------------------------------------

#[test]
fn export_to_a_file_shows_what_will_leave_and_asks_first() {
    let sb = Sandbox::new();
    sb.add(&json!({
        "arrival.distress": 4,
        "arrival.safety": "no",
        "moment.what_happened": "The words that would leave the machine.",
        "share.include": true
    }));
    let file = sb.tmp.path().join("for-my-therapist.md");
    let out = file.to_str().unwrap();
    let args = ["export", "--since", "all", "--out", out];
    let question = "Write this to";

    // Saying no writes nothing.
    let mut w = Walk::at(&sb, &args, NOW);
    w.expect("The words that would leave the machine.");
    w.expect(question);
    w.highlight(2, "no");
    w.send(ENTER);
    let rest = w.exits(0);
    assert!(rest.contains("Nothing was written."), "{rest:?}");
    assert!(!file.exists());

    // Ctrl-C at the question writes nothing and gives the cursor back.
    let mut w = Walk::at(&sb, &args, NOW);
    w.expect(question);
    w.expect("no");
    w.send(CTRL_C);
    let rest = w.exits(130);
    assert!(
        rest.contains(SHOW_CURSOR) && rest.contains("Nothing was written."),
        "{rest:?}"
    );
    assert!(!file.exists());

    // Saying yes writes it, private.
    let mut w = Walk::at(&sb, &args, NOW);
    w.expect(question);
    w.highlight(1, "yes");
    w.send(ENTER);
    let rest = w.exits(0);
    assert!(rest.contains("Wrote"), "{rest:?}");
    assert_eq!(mode(&file), 0o600);
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("The words that would leave the machine.")
    );
}

const REFLECT_NOW: &str = "Looking at this moment now, with some distance: what do you see in it that you did not see then?";
const REFLECT_SESSION: &str = "Did it come up in a session? If so, what came up about it there?";
const REFLECT_DISTRESS: &str = "Thinking of it now, how strong are your feelings about it, from 0 (calm) to 10 (the strongest)?";

/// The short id of the only entry.
fn only_short_id(sb: &Sandbox) -> String {
    only_entry(sb)["id"].as_str().unwrap()[..8].to_string()
}

#[test]
fn a_later_reflection_typed_with_a_refused_rating_and_plan_then_ctrl_c_keeps_what_was_written() {
    let sb = Sandbox::new();
    sb.add(&json!({"arrival.distress": 5, "arrival.safety": "no", "moment.what_happened": "She left early.", "share.include": true}));
    let id = only_short_id(&sb);

    let mut w = Walk::at(&sb, &["reflect", &id], &later(2));
    w.expect("She left early.");
    w.answer(REFLECT_NOW, "She was tired, not angry.");
    w.type_at(REFLECT_SESSION, "/plan");
    w.expect("If you are in immediate danger, call your local emergency number.");
    w.answer(REFLECT_SESSION, "We talked about asking her.");
    w.type_at(REFLECT_DISTRESS, "12");
    w.expect("Please type a whole number from 0 to 10.");
    w.retype(REFLECT_DISTRESS, "3");
    w.exits(0);
    let folder = sb.entry_files()[0].with_extension("reflections");
    let files: Vec<_> = std::fs::read_dir(&folder).unwrap().collect();
    assert_eq!(files.len(), 1);
    let doc = read_json(&files[0].as_ref().unwrap().path());
    let answers: Vec<&str> = doc["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        answers,
        ["reflect.now", "reflect.session", "reflect.distress"]
    );
    assert_eq!(
        doc["answers"][2]["value"], 3,
        "the refused 12 was asked again"
    );

    // Ctrl-C after one answer: that answer is kept, in a reflection of its own.
    let mut w = Walk::at(&sb, &["reflect", &id], &later(3));
    w.answer(REFLECT_NOW, "Words I do not want to lose.");
    w.expect(REFLECT_SESSION);
    w.send(CTRL_C);
    w.expect("What you wrote so far is kept");
    w.exits(130);
    let kept: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|f| std::fs::read_to_string(f.unwrap().path()).unwrap())
        .collect();
    assert_eq!(kept.len(), 2);
    assert!(
        kept.iter()
            .any(|k| k.contains("Words I do not want to lose."))
    );
}
