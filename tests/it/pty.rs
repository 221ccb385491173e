//! The guided walk in a real pseudo-terminal, typed as a person would: arrow
//! keys, a refused rating, Ctrl-C and carrying on, and the safety lane.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use expectrl::process::unix::WaitStatus;
use expectrl::session::OsSession;
use expectrl::{Eof, Expect, Regex, Session};
use serde_json::json;

use crate::sandbox::{NOW, Sandbox, answer, read_json};

const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";
const SPACE: &str = " ";
const CTRL_C: &str = "\x03";
/// What `console` writes to show the cursor again.
const SHOW_CURSOR: &str = "\x1b[?25h";

const DISTRESS: &str =
    "How strong are your feelings right now? (0 = calm, 10 = as intense as it gets)";
const SAFETY: &str = "Are you having thoughts of hurting yourself or ending your life right now?";
const WHAT_HAPPENED: &str = "What happened? Describe it the way a camera would have caught it";
const TURNING_POINT: &str =
    "Now rewind to just before things shifted for you. What was happening right at that point?";
const FEELINGS: &str = "Which feelings were there for you?";
/// The last item of the feelings list, drawn after the others.
const OWN_WORDS: &str = "something else, in my own words";
const SHARE_INCLUDE: &str = "Include this entry in what you share with your therapist?";
const REFUSED_RATING: &str = "Please type a whole number from 0 to 10.";

/// `mentalog new` in a pseudo-terminal. Everything matched so far is kept,
/// so that a failed expectation can show what the program really printed.
struct Walk {
    p: OsSession,
    seen: Vec<u8>,
}

impl Walk {
    fn start(sb: &Sandbox) -> Walk {
        Walk::spawn(sb, &["new"])
    }

    fn spawn(sb: &Sandbox, args: &[&str]) -> Walk {
        let mut cmd = sb.cmd();
        cmd.args(args).env("TERM", "xterm");
        let mut p = Session::spawn(cmd).expect("cannot spawn mentalog in a pty");
        p.set_expect_timeout(Some(Duration::from_secs(20)));
        Walk {
            p,
            seen: Vec::new(),
        }
    }

    /// Waits for `text` and returns what was printed between the previous
    /// match and this one.
    fn expect(&mut self, text: &str) -> String {
        match self.p.expect(text) {
            Ok(cap) => {
                self.seen.extend_from_slice(cap.as_bytes());
                String::from_utf8_lossy(cap.before()).into_owned()
            }
            Err(e) => self.fail(&format!("{text:?}"), e),
        }
    }

    fn send(&mut self, keys: &str) {
        self.p.send(keys).expect("cannot write to the pty");
    }

    /// Types `text` at the input prompt `prompt` and presses Enter.
    fn text(&mut self, prompt: &str, text: &str) {
        self.expect(prompt);
        self.send(text);
        self.send(ENTER);
    }

    /// Presses Down `downs` times at the select `prompt` (nothing is
    /// highlighted at first, so one Down highlights the first item), then Enter.
    fn choose(&mut self, prompt: &str, downs: usize) {
        self.expect(prompt);
        for _ in 0..downs {
            self.send(DOWN);
        }
        self.send(ENTER);
    }

    /// The entry's path, printed on stdout as the last line.
    fn saved_path(&mut self) -> PathBuf {
        match self.p.expect(Regex(r"(/\S+\.json)\r?\n")) {
            Ok(cap) => {
                self.seen.extend_from_slice(cap.as_bytes());
                PathBuf::from(String::from_utf8_lossy(&cap[1]).into_owned())
            }
            Err(e) => self.fail("the saved entry's path", e),
        }
    }

    /// Reads to the end and returns what was printed since the last match,
    /// and how the process ended.
    fn finish(mut self) -> (String, WaitStatus) {
        let rest = match self.p.expect(Eof) {
            Ok(cap) => String::from_utf8_lossy(cap.as_bytes()).into_owned(),
            Err(e) => self.fail("the end of the output", e),
        };
        let status = self
            .p
            .get_process()
            .wait()
            .expect("cannot wait for mentalog");
        (rest, status)
    }

    fn fail(&mut self, wanted: &str, err: expectrl::Error) -> ! {
        let mut pending = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = self.p.try_read(&mut buf) {
            pending.extend_from_slice(&buf[..n]);
        }
        let seen = String::from_utf8_lossy(&self.seen);
        let tail: String = {
            let chars: Vec<char> = seen.chars().collect();
            chars[chars.len().saturating_sub(1500)..].iter().collect()
        };
        panic!(
            "waiting for {wanted}: {err}\n--- matched so far (tail) ---\n{tail:?}\n--- not matched ---\n{:?}",
            String::from_utf8_lossy(&pending)
        );
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// The steps from self.body to share.topic, answered so that no nudge is due:
/// a low certainty and a real guess about the other person.
fn middle_and_end(w: &mut Walk) {
    w.text("Did you notice it anywhere in your body?", "tight chest");
    w.text(
        "What was going through your mind?",
        "She does not want to see me",
    );
    w.text("What did you want or need right then?", "To feel wanted");
    w.text(
        "What did you do next, or what did you feel pulled to do?",
        "I put my phone away",
    );
    w.text(
        "Who was the other person? A role or initials is enough.",
        "my sister",
    );
    w.text(
        "What might they have been feeling or thinking?",
        "Tired after work, maybe stressed",
    );
    w.text(
        "What might they have wanted, or been trying to do?",
        "To rest and not let me down later",
    );
    w.text(
        "How sure are you about that guess? (0 = pure guess, 10 = completely certain)",
        "3",
    );
    w.text(
        "Can you think of one other way to read what they did, even one you don't believe?",
        "Something came up at home",
    );
    w.text(
        "How do you think you came across to them in that moment?",
        "Short with her",
    );
    w.text(
        "Reading it back now, how strong are your feelings? (0 = calm, 10 = as intense as it gets)",
        "2",
    );
    w.text(
        "Has anything changed in how you see it, even slightly?",
        "A little",
    );
    w.text(
        "Is there something here you'd like to explore with your therapist?",
        "Feeling let down",
    );
}

/// Picks "sad" (item 2) and "hurt" (item 5) in the feelings list, whose
/// cursor starts on the first item, and gives their intensities. The list's
/// question has been seen already.
fn sad_and_hurt(w: &mut Walk) {
    w.expect(OWN_WORDS);
    w.send(DOWN);
    w.send(DOWN);
    // The cursor shows even without colour (the sandbox sets NO_COLOR).
    w.expect("> [ ] sad");
    for key in [SPACE, DOWN, DOWN, DOWN, SPACE, ENTER] {
        w.send(key);
    }
    w.text("How strong was \"sad\" at the time? (0 to 10)", "6");
    w.text("How strong was \"hurt\" at the time? (0 to 10)", "8");
}

#[test]
fn a_full_entry_typed_with_arrow_keys() {
    let sb = Sandbox::new();
    let mut w = Walk::start(&sb);

    w.expect("Welcome to mentalog.");
    w.text(DISTRESS, "11");
    w.expect(REFUSED_RATING);
    w.text(DISTRESS, "4");
    w.choose(SAFETY, 2); // yes, no
    w.text(
        WHAT_HAPPENED,
        "My sister cancelled dinner at the last minute",
    );
    w.text(TURNING_POINT, "Her text came while I was cooking");
    w.expect(FEELINGS);
    sad_and_hurt(&mut w);
    middle_and_end(&mut w);
    w.choose(SHARE_INCLUDE, 1); // yes
    w.expect("Saved. This entry will be part of what you export for your therapist.");
    let path = w.saved_path();
    let (rest, status) = w.finish();

    assert!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "{status:?}, then {rest:?}"
    );
    assert_eq!(rest.trim(), "", "nothing is printed after the path");
    assert_eq!(sb.entry_files(), vec![path.clone()]);
    assert_eq!(sb.draft_files(), Vec::<PathBuf>::new());
    assert_eq!(mode(&path), 0o600);

    let doc = read_json(&path);
    assert_eq!(doc["created"], NOW);
    assert_eq!(doc["pack"]["id"], "mbt-core");
    assert_eq!(doc["shared"], true);
    assert_eq!(doc["safety_lane"], false);
    assert_eq!(doc.get("nudge"), None, "no nudge was due");
    assert_eq!(answer(&doc, "arrival.distress"), &json!(4));
    assert_eq!(answer(&doc, "arrival.safety"), &json!("no"));
    assert_eq!(
        answer(&doc, "moment.what_happened"),
        &json!("My sister cancelled dinner at the last minute")
    );
    assert_eq!(
        answer(&doc, "self.feelings"),
        &json!([{"name": "sad", "intensity": 6}, {"name": "hurt", "intensity": 8}])
    );
    assert_eq!(answer(&doc, "self.body"), &json!("tight chest"));
    assert_eq!(answer(&doc, "other.who"), &json!("my sister"));
    assert_eq!(answer(&doc, "other.certainty"), &json!(3));
    assert_eq!(answer(&doc, "after.distress"), &json!(2));
    assert_eq!(answer(&doc, "share.topic"), &json!("Feeling let down"));
    assert_eq!(answer(&doc, "share.include"), &json!(true));
    assert_eq!(doc["answers"].as_array().unwrap().len(), 19);
}

#[test]
fn ctrl_c_keeps_a_draft_and_the_next_walk_carries_on() {
    let sb = Sandbox::new();

    // First half: four answers, then Ctrl-C in the feelings list.
    let mut w = Walk::start(&sb);
    w.text(DISTRESS, "5");
    w.choose(SAFETY, 2); // yes, no
    w.text(
        WHAT_HAPPENED,
        "My sister cancelled dinner at the last minute",
    );
    w.text(TURNING_POINT, "Her text came while I was cooking");
    w.expect(FEELINGS);
    w.expect(OWN_WORDS);
    w.send(CTRL_C);
    let before_stop = w.expect("Stopped. Your answers so far are kept");
    assert!(
        before_stop.contains(SHOW_CURSOR),
        "the cursor, hidden by the list, is not shown again after Ctrl-C: {before_stop:?}"
    );
    let (_, status) = w.finish();
    assert!(
        matches!(status, WaitStatus::Exited(_, 130)),
        "Ctrl-C ended mentalog with {status:?}"
    );

    assert_eq!(sb.entry_files(), Vec::<PathBuf>::new());
    let drafts = sb.draft_files();
    assert_eq!(drafts.len(), 1, "{drafts:?}");
    let draft = read_json(&drafts[0]);
    assert_eq!(answer(&draft, "arrival.distress"), &json!(5));
    assert_eq!(
        answer(&draft, "moment.turning_point"),
        &json!("Her text came while I was cooking")
    );
    assert_eq!(answer(&draft, "self.feelings"), &json!(null));

    // Second half: carry on from the feelings.
    let mut w = Walk::start(&sb);
    let said = w.expect("You have an unfinished entry");
    assert!(!said.contains("Welcome"), "greeted again: {said:?}");
    w.expect("4 answers so far: \"My sister cancelled dinner at the last…\")");
    w.choose("What would you like to do?", 1); // Carry on where you left off
    let asked = w.expect(FEELINGS);
    for earlier in [DISTRESS, SAFETY, WHAT_HAPPENED, TURNING_POINT] {
        assert!(!asked.contains(earlier), "asked again: {earlier:?}");
    }
    sad_and_hurt(&mut w);
    middle_and_end(&mut w);
    w.choose(SHARE_INCLUDE, 2); // yes, no
    w.expect("Saved. This entry stays private.");
    let path = w.saved_path();
    let (rest, status) = w.finish();
    assert!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "{status:?}, then {rest:?}"
    );

    assert_eq!(sb.entry_files(), vec![path.clone()]);
    assert_eq!(sb.draft_files(), Vec::<PathBuf>::new());
    let doc = read_json(&path);
    assert_eq!(doc["id"], draft["id"], "the entry is the draft, finished");
    assert_eq!(doc["created"], NOW);
    assert_eq!(doc["shared"], false);
    assert_eq!(doc["safety_lane"], false);
    // From the first half...
    assert_eq!(answer(&doc, "arrival.distress"), &json!(5));
    assert_eq!(answer(&doc, "arrival.safety"), &json!("no"));
    assert_eq!(
        answer(&doc, "moment.what_happened"),
        &json!("My sister cancelled dinner at the last minute")
    );
    assert_eq!(
        answer(&doc, "moment.turning_point"),
        &json!("Her text came while I was cooking")
    );
    // ...and from the second.
    assert_eq!(
        answer(&doc, "self.feelings"),
        &json!([{"name": "sad", "intensity": 6}, {"name": "hurt", "intensity": 8}])
    );
    assert_eq!(answer(&doc, "other.certainty"), &json!(3));
    assert_eq!(answer(&doc, "share.include"), &json!(false));
    let keys: Vec<&str> = doc["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["key"].as_str().unwrap())
        .collect();
    let mut unique = keys.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((keys.len(), unique.len()), (19, 19), "{keys:?}");
}

#[test]
fn a_distress_of_nine_leads_to_the_safety_lane() {
    let sb = Sandbox::new();
    sb.write_config("[[contacts]]\nname = \"Sam\"\nphone = \"555 0100\"\n");
    // The plan the person wrote with their therapist.
    std::fs::create_dir_all(sb.data()).unwrap();
    std::fs::write(
        sb.data().join("plan.md"),
        "# My crisis plan\nWarning signs: I stop eating.\n",
    )
    .unwrap();
    let mut w = Walk::start(&sb);

    w.text(DISTRESS, "9");
    w.choose(SAFETY, 2); // yes, no
    w.expect("That sounds really hard right now.");
    w.expect("Your crisis plan:");
    w.expect("# My crisis plan");
    w.expect("Warning signs: I stop eating.");
    w.expect("People and services you can contact:");
    w.expect("Sam: 555 0100");
    w.expect("If you are in immediate danger, call your local emergency number.");
    w.expect("This journal doesn't contact anyone.");
    let lane = w.expect("If you like, write a line or two about right now.");
    assert!(
        !lane.contains("What happened?"),
        "the walk went on before the note: {lane:?}"
    );
    w.send("Going to call Sam");
    w.send(ENTER);
    let closing = w.expect("You can come back to this whenever you're ready.");
    assert!(!closing.contains("What happened?"), "{closing:?}");
    let path = w.saved_path();
    let (rest, status) = w.finish();
    assert!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "{status:?}, then {rest:?}"
    );

    assert_eq!(sb.entry_files(), vec![path.clone()]);
    assert_eq!(sb.draft_files(), Vec::<PathBuf>::new());
    assert_eq!(mode(&path), 0o600);
    let doc = read_json(&path);
    assert_eq!(doc["safety_lane"], true);
    assert_eq!(doc["shared"], false);
    assert_eq!(doc["created"], NOW);
    assert_eq!(answer(&doc, "arrival.distress"), &json!(9));
    assert_eq!(answer(&doc, "arrival.safety"), &json!("no"));
    assert_eq!(answer(&doc, "safety.note"), &json!("Going to call Sam"));
    let keys: Vec<&str> = doc["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        ["arrival.distress", "arrival.safety", "safety.note"],
        "nothing but the arrival check and the note"
    );
}

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
    let question = "Write this to";

    // Saying no writes nothing.
    let mut w = Walk::spawn(&sb, &["export", "--since", "all", "--out", out]);
    w.expect("The words that would leave the machine.");
    w.choose(question, 2);
    let (rest, status) = w.finish();
    assert!(rest.contains("Nothing was written."), "{rest:?}");
    assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");
    assert!(!file.exists());

    // Ctrl-C at the question writes nothing and gives the cursor back.
    let mut w = Walk::spawn(&sb, &["export", "--since", "all", "--out", out]);
    w.expect(question);
    w.send(CTRL_C);
    let (rest, status) = w.finish();
    assert!(
        rest.contains(SHOW_CURSOR) && rest.contains("Nothing was written."),
        "{rest:?}"
    );
    assert!(matches!(status, WaitStatus::Exited(_, 130)), "{status:?}");
    assert!(!file.exists());

    // Saying yes writes it, private.
    let mut w = Walk::spawn(&sb, &["export", "--since", "all", "--out", out]);
    w.expect("The words that would leave the machine.");
    w.choose(question, 1);
    let (rest, status) = w.finish();
    assert!(rest.contains("Wrote"), "{rest:?}");
    assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");
    assert_eq!(mode(&file), 0o600);
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("The words that would leave the machine.")
    );
}
