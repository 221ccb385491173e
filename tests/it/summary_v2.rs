//! The summary for pack format 2: the focus after the safety section, urge
//! tracking inside it, measures with their citation (only when the pack
//! lets the export show scores), custom questions in the appendix, and
//! periods that mix packs and versions.

use std::path::{Path, PathBuf};

use chrono::DateTime;
use mentalog::entry::{
    Answer, Entry, Kind, LaneShare, MeasureResult, PackRef, PlanState, SCHEMA_VERSION, Value, keys,
};
use mentalog::pack::Pack;
use mentalog::store::Store;
use serde_json::json;

use crate::sandbox::Sandbox;

const FORMATS: [&str; 4] = ["md", "html", "json", "text"];
const HUMAN: [&str; 3] = ["md", "text", "html"];

const NO_SAFETY: &str =
    "No use of the safety steps was shared for this period. Private entries are never shown.";
const FOCUS: &str = "Moments when I feel left out";
const OLD_FOCUS: &str = "Times I felt judged at work";

/// A made-up pack (no published instrument) with a custom question, urge
/// tracking, a focus and a measure with a reversed and a recoded item.
/// `SHOW` is replaced by `true` or `false`.
const CLOSENESS_PACK: &str = r#"
format = 2
id = "test-closeness"
version = 3
title = "Closeness, made up for tests"
focus = "Moments when I feel left out"
show_scores = SHOW

[urges]
enabled = true

[safety]
acknowledgement = "That sounds really hard right now."
thoughts_acknowledgement = "Thank you for answering that honestly."
note_question = "If you like, write a line or two about right now."
closing = "You can come back to this whenever you're ready."

[[steps]]
key = "arrival.distress"
kind = "rating"
question = "How strong are your feelings right now?"
anchors = ["calm", "as intense as it gets"]
skippable = false

[[steps]]
key = "arrival.safety"
kind = "yes_no_unsure"
question = "Are you having thoughts of hurting yourself or ending your life right now?"
skippable = false

[[steps]]
key = "moment.what_happened"
kind = "long_text"
question = "Tell me about one moment, as a camera would have seen it."

[[steps]]
key = "my.sleep"
kind = "choice"
question = "How did you sleep last night?"
options = ["well", "so-so", "badly"]

[[steps]]
key = "after.distress"
kind = "rating"
question = "And now, how strong are your feelings?"
anchors = ["calm", "as intense as it gets"]

[[steps]]
key = "share.include"
kind = "yes_no"
question = "Include this entry in what you share with your therapist?"

[[measures]]
id = "closeness"
title = "Closeness check (made up for tests)"
citation = "Made up for mentalog's tests; not a published instrument."
permission = "No permission needed: written for these tests."
scale = { min = 1, max = 5, anchors = ["not at all", "very much"] }
items = [
  { id = "q1", text = "I could tell what I was feeling." },
  { id = "q2", text = "I was sure I knew what they meant.", reverse = true },
  { id = "q3", text = "I wondered what was on their mind." },
  { id = "q4", text = "Their reasons felt obvious to me.", reverse = true },
  { id = "q5", text = "I could hold more than one reading of it.", recode = { "1" = 0, "2" = 0, "3" = 1, "4" = 2, "5" = 2 } },
]
subscales = [
  { id = "self", title = "Noticing yourself", items = ["q1", "q2"], score = "sum" },
  { id = "other", title = "Wondering about them", items = ["q3", "q4", "q5"], score = "mean", min_answered = 2 },
]
"#;

/// Words that appear only where the measure's scores are shown.
const SCORE_WORDS: [&str; 7] = [
    "Closeness check",
    "Made up for mentalog",
    "No permission needed",
    "Noticing yourself",
    "Wondering about them",
    "2.33",
    "Measures",
];

fn closeness_pack(show_scores: bool) -> String {
    CLOSENESS_PACK.replace("SHOW", if show_scores { "true" } else { "false" })
}

fn write_pack(sb: &Sandbox, show_scores: bool) -> PathBuf {
    let path = sb.tmp.path().join("closeness.toml");
    std::fs::write(&path, closeness_pack(show_scores)).unwrap();
    path
}

/// Writes an entry through `new --pack FILE --answers -` at `when`.
fn add(sb: &Sandbox, pack: &Path, when: &str, answers: &serde_json::Value) -> PathBuf {
    let out = sb
        .assert_cmd()
        .env("MENTALOG_NOW", when)
        .args(["new", "--pack"])
        .arg(pack)
        .args(["--answers", "-"])
        .write_stdin(answers.to_string())
        .assert()
        .success();
    PathBuf::from(
        String::from_utf8(out.get_output().stdout.clone())
            .unwrap()
            .trim(),
    )
}

/// The answers of one entry of the closeness pack: `items` are q1 to q5,
/// `None` where skipped.
fn closeness_answers(items: [Option<u8>; 5], shared: bool) -> serde_json::Value {
    let mut doc = json!({
        "arrival.distress": 3,
        "arrival.safety": "no",
        "arrival.urge": 1,
        "arrival.urge_acted": false,
        "moment.what_happened": "My friends made plans without me.",
        "my.sleep": "badly",
        "after.distress": 2,
        "focus.about": true,
        "share.include": shared,
    });
    for (i, value) in items.iter().enumerate() {
        if let Some(v) = value {
            doc[format!("measure.closeness.q{}", i + 1)] = json!(v);
        }
    }
    doc
}

fn export(sb: &Sandbox, args: &[&str]) -> String {
    let out = sb
        .assert_cmd()
        .args(["export", "--since", "2026-03-01", "--until", "2026-03-31"])
        .args(args)
        .assert()
        .success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

fn json_export(sb: &Sandbox, args: &[&str]) -> serde_json::Value {
    let out = export(sb, &[&["--format", "json"], args].concat());
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../schemas/summary.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(doc["schema"], "mentalog.summary/5");
    doc
}

/// A human format as plain text: HTML without its tags and entities,
/// Markdown without its escapes, typographic quotes made plain.
fn plain(out: &str, format: &str) -> String {
    let text = match format {
        "html" => {
            let mut plain = String::new();
            let mut in_tag = false;
            for c in out.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' if in_tag => in_tag = false,
                    c if !in_tag => plain.push(c),
                    _ => {}
                }
            }
            plain
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#x27;", "'")
                .replace("&#x2f;", "/")
                .replace("&amp;", "&")
        }
        "md" => {
            let mut plain = String::new();
            let mut chars = out.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '\\' && chars.peek().is_some_and(char::is_ascii_punctuation) {
                    continue;
                }
                plain.push(c);
            }
            plain
        }
        _ => out.to_string(),
    };
    text.replace(['“', '”'], "\"")
}

/// The plain lines of the section headed `name` (as Markdown writes it:
/// "Safety", "Focus"), up to the next section, without list marks.
fn section(out: &str, format: &str, name: &str) -> Vec<String> {
    let text = plain(out, format);
    let lines: Vec<&str> = text.lines().collect();
    let heading = |l: &str| match format {
        "md" => l.starts_with("## "),
        "text" => !l.is_empty() && !l.starts_with(' ') && l == l.to_uppercase(),
        // Without tags, an <h2> is a line of its own; the sections are
        // known by name.
        _ => [
            "Safety",
            "Focus",
            "What the patient wants to talk about",
            "At a glance",
            "Episodes",
            "Measures",
            "The shared entries",
        ]
        .contains(&l.trim()),
    };
    let is_it = |l: &str| match format {
        "md" => l == format!("## {name}"),
        "text" => l == name.to_uppercase(),
        _ => l.trim() == name,
    };
    let Some(start) = lines.iter().position(|l| is_it(l)) else {
        return Vec::new();
    };
    lines[start + 1..]
        .iter()
        .take_while(|l| !heading(l))
        .map(|l| {
            let l = l.trim();
            let l = l.strip_prefix("- ").unwrap_or(l);
            // A Markdown heading inside the section (a measure's title).
            let l = l.strip_prefix("### ").unwrap_or(l);
            l.strip_prefix('>').map_or(l, str::trim_start).to_string()
        })
        .filter(|l| !l.is_empty())
        .collect()
}

// --- Entries made in code -------------------------------------------------------

fn a(key: &str, kind: Kind, question: &str, value: Value) -> Answer {
    Answer {
        key: key.into(),
        kind,
        question: question.into(),
        framing: None,
        value,
    }
}

fn text(key: &str, t: &str) -> Answer {
    a(
        key,
        Kind::LongText,
        &format!("Question for {key}?"),
        Value::Text(t.into()),
    )
}

fn rating(key: &str, r: u8) -> Answer {
    a(
        key,
        Kind::Rating,
        &format!("Question for {key}?"),
        Value::Rating(r),
    )
}

fn yes_no(key: &str, b: bool) -> Answer {
    a(
        key,
        Kind::YesNo,
        &format!("Question for {key}?"),
        Value::Bool(b),
    )
}

fn safety(answer: &str) -> Answer {
    a(
        keys::ARRIVAL_SAFETY,
        Kind::YesNoUnsure,
        "Are you having thoughts of hurting yourself or ending your life right now?",
        Value::Text(answer.into()),
    )
}

fn urges(urge: u8, acted: bool) -> [Answer; 2] {
    [
        rating(keys::ARRIVAL_URGE, urge),
        yes_no(keys::ARRIVAL_URGE_ACTED, acted),
    ]
}

fn entry(id: &str, created: &str, shared: bool, answers: Vec<Answer>) -> Entry {
    Entry {
        schema: SCHEMA_VERSION,
        id: id.into(),
        created: DateTime::parse_from_rfc3339(created).unwrap(),
        pack: PackRef {
            id: "mbt-core".into(),
            version: "2".into(),
        },
        shared,
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
        tags: Vec::new(),
        imported: None,
    }
}

/// A safety-lane entry as the lane saves it after the person chose `share`.
fn lane_entry(id: &str, created: &str, share: LaneShare, extra: Vec<Answer>) -> Entry {
    let mut answers = vec![rating(keys::ARRIVAL_DISTRESS, 9), safety("not sure")];
    answers.extend(extra);
    answers.push(text(keys::SAFETY_NOTE, "LANE-NOTE-WORDS"));
    let mut e = entry(id, created, share == LaneShare::Whole, answers);
    e.safety_lane = true;
    e.safety_shared = share != LaneShare::Nothing;
    e.plan = Some(PlanState {
        plan_written: true,
        contacts: false,
    });
    e
}

/// An entry marked as about the focus, written under `focus`.
fn about(id: &str, created: &str, shared: bool, moment: &str, focus: &str, yes: bool) -> Entry {
    let mut about = a(
        keys::FOCUS_ABOUT,
        Kind::YesNo,
        "Was this moment about the focus you agreed on?",
        Value::Bool(yes),
    );
    about.framing = Some(format!("Your focus for now: \u{201c}{focus}\u{201d}"));
    let mut e = entry(
        id,
        created,
        shared,
        vec![
            rating(keys::ARRIVAL_DISTRESS, 4),
            safety("no"),
            text(keys::WHAT_HAPPENED, moment),
            about,
        ],
    );
    e.focus = Some(focus.into());
    e
}

fn journal(entries: &[Entry]) -> Sandbox {
    let sb = Sandbox::new();
    let store = Store::new(sb.data());
    for e in entries {
        store.save_entry(e).unwrap();
    }
    sb
}

/// The closeness measure's scores for `items` (q1 to q5), as `new` stores them.
fn closeness_scores(items: [Option<u8>; 5], show_scores: bool) -> Vec<MeasureResult> {
    let pack = Pack::parse(&closeness_pack(show_scores)).unwrap();
    let answers: Vec<Answer> = items
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            Some(a(
                &format!("measure.closeness.q{}", i + 1),
                Kind::Scale,
                &format!("Item {}?", i + 1),
                Value::Rating((*v)?),
            ))
        })
        .collect();
    pack.measures
        .iter()
        .filter_map(|m| m.score(&answers, pack.show_scores))
        .collect()
}

// --- Measures ----------------------------------------------------------------------

/// The entries of the hand-computed fixture. Scale 1 to 5; q2 and q4 are
/// reversed (6 - answer); q5 is recoded 1,2 → 0, 3 → 1, 4,5 → 2.
/// "Noticing yourself" is the sum of q1 and q2 (both needed);
/// "Wondering about them" the mean of q3, q4 and q5 (two needed).
const FIXTURE_ENTRIES: [(&str, [Option<u8>; 5]); 4] = [
    // self 4 + (6-2) = 8; other (3 + (6-4) + 2) / 3 = 7/3 = 2.33
    (
        "2026-03-02T19:00:00+00:00",
        [Some(4), Some(2), Some(3), Some(4), Some(4)],
    ),
    // self 5 + (6-5) = 6; other (2 + 2) / 2 = 2, q4 skipped
    (
        "2026-03-05T19:00:00+00:00",
        [Some(5), Some(5), Some(2), None, Some(5)],
    ),
    // self: q2 skipped, no score; other (4 + (6-2)) / 2 = 4, q5 skipped
    (
        "2026-03-09T19:00:00+00:00",
        [Some(2), None, Some(4), Some(2), None],
    ),
    // self 3 + (6-3) = 6; other (5 + (6-2) + 0) / 3 = 3
    (
        "2026-03-12T19:00:00+00:00",
        [Some(3), Some(3), Some(5), Some(2), Some(1)],
    ),
];
// Over the period: self 8, 6, 6 → mean 20/3 = 6.67, min 6, max 8;
// other 2.33, 2, 4, 3 → mean 11.33/4 = 2.83, min 2, max 4.

/// The fixture's entries, written through `new` with the closeness pack,
/// and a private one that must not count.
fn closeness_journal(show_scores: bool) -> Sandbox {
    let sb = Sandbox::new();
    let pack = write_pack(&sb, show_scores);
    for (when, items) in FIXTURE_ENTRIES {
        add(&sb, &pack, when, &closeness_answers(items, true));
    }
    add(
        &sb,
        &pack,
        "2026-03-10T19:00:00+00:00",
        &closeness_answers([Some(1), Some(5), Some(1), Some(5), Some(1)], false),
    );
    sb
}

#[test]
fn measure_scores_in_the_json_summary_equal_a_hand_computed_fixture() {
    let sb = closeness_journal(true);
    let mut doc = json_export(&sb, &[]);
    // Entry ids are random: each must be the entry written at that time,
    // and is then left out of the comparison.
    let files: Vec<String> = sb
        .entry_files()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for e in doc["measures"][0]["entries"].as_array_mut().unwrap() {
        let created = DateTime::parse_from_rfc3339(e["created"].as_str().unwrap()).unwrap();
        let file = format!(
            "{}-{}.json",
            created.format("%Y-%m-%dT%H-%M-%S"),
            e["id"].as_str().unwrap()
        );
        assert!(files.contains(&file), "{file} is not among {files:?}");
        e.as_object_mut().unwrap().remove("id");
    }
    let fixture: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/measure-summary.json")).unwrap();
    assert_eq!(doc["measures"], fixture);
}

#[test]
fn measures_are_shown_with_their_citation_after_the_episodes_in_every_human_format() {
    let sb = closeness_journal(true);
    for format in HUMAN {
        let out = export(&sb, &["--format", format]);
        let lines = section(&out, format, "Measures");
        let expected = [
            "Closeness check (made up for tests)",
            "Source: Made up for mentalog's tests; not a published instrument.",
            "Permission: No permission needed: written for these tests.",
            "Over the period:",
            "Noticing yourself (sum): 3 scores; mean 6.67, min 6, max 8",
            "Wondering about them (mean): 4 scores; mean 2.83, min 2, max 4",
            "Per entry:",
            "Mon 2 Mar 2026, 19:00: Noticing yourself 8 (sum); Wondering about them 2.33 (mean)",
            "Thu 5 Mar 2026, 19:00: Noticing yourself 6 (sum); Wondering about them 2 (mean, answered 2 of 3)",
            "Mon 9 Mar 2026, 19:00: Noticing yourself no score: too few items answered (1 of 2); Wondering about them 4 (mean, answered 2 of 3)",
            "Thu 12 Mar 2026, 19:00: Noticing yourself 6 (sum); Wondering about them 3 (mean)",
        ];
        // HTML's captions carry no colon.
        let lines: Vec<String> = lines
            .into_iter()
            .map(|l| match l.as_str() {
                "Over the period" | "Per entry" => format!("{l}:"),
                _ => l,
            })
            .collect();
        assert_eq!(lines, expected, "{format}");
        // After the episodes, before the shared entries.
        let text = plain(&out, format);
        let at = |what: &str| {
            text.find(what)
                .unwrap_or_else(|| panic!("{format}: no {what:?} in\n{text}"))
        };
        assert!(at("Closeness check") > at(&heading(format, "Episodes")));
        assert!(at("Closeness check") < at(&heading(format, "The shared entries")));
    }
}

fn heading(format: &str, name: &str) -> String {
    match format {
        "md" => format!("## {name}"),
        "text" => name.to_uppercase(),
        _ => format!("\n{name}\n"),
    }
}

#[test]
fn with_show_scores_off_no_score_leaves_in_any_format() {
    let sb = closeness_journal(false);
    // The scores are stored with the entry, marked as not to be shown.
    let stored = crate::sandbox::read_json(&sb.entry_files()[0]);
    assert_eq!(stored["measures"][0]["show_scores"], false);
    assert!(stored["measures"][0]["subscales"][0]["score"].is_number());
    for format in FORMATS {
        let out = export(&sb, &["--format", format]);
        for word in SCORE_WORDS {
            assert!(!out.contains(word), "{format} shows {word:?}");
        }
        assert!(!out.to_lowercase().contains("score"), "{format}: {out}");
    }
    let doc = json_export(&sb, &[]);
    assert_eq!(doc["measures"], json!([]));
    // The answers themselves are the person's, shown with their questions.
    assert!(export(&sb, &["--format", "md"]).contains("I could tell what I was feeling."));
}

#[test]
fn measures_of_another_pack_version_or_hidden_ones_stay_apart() {
    let with = |id: &str, day: u32, items, show: bool, pack: (&str, &str)| {
        let mut e = entry(
            id,
            &format!("2026-03-{day:02}T10:00:00+00:00"),
            true,
            vec![rating(keys::ARRIVAL_DISTRESS, 3), safety("no")],
        );
        e.measures = closeness_scores(items, show);
        e.pack = PackRef {
            id: pack.0.into(),
            version: pack.1.into(),
        };
        e
    };
    let mut renamed = with(
        "a3000000",
        4,
        [Some(1), Some(1), Some(1), Some(1), Some(1)],
        true,
        ("test-closeness", "4"),
    );
    renamed.measures[0].citation = "A newer citation.".into();
    let sb = journal(&[
        with(
            "a1000000",
            2,
            [Some(4), Some(2), Some(3), Some(4), Some(4)],
            true,
            ("test-closeness", "3"),
        ),
        // The same measure in a pack that hides scores: nothing of it.
        with(
            "a2000000",
            3,
            [Some(5), Some(1), Some(5), Some(1), Some(5)],
            false,
            ("other-pack", "1"),
        ),
        renamed,
    ]);
    let doc = json_export(&sb, &[]);
    let measures = doc["measures"].as_array().unwrap();
    let shown: Vec<(&str, Vec<&str>)> = measures
        .iter()
        .map(|m| {
            (
                m["citation"].as_str().unwrap(),
                m["entries"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["id"].as_str().unwrap())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            (
                "Made up for mentalog's tests; not a published instrument.",
                vec!["a1000000"]
            ),
            ("A newer citation.", vec!["a3000000"])
        ]
    );
    // The hidden entry's scores (self 5 + 5 = 10) are nowhere.
    assert_eq!(measures[0]["period"][0]["max"], json!(8.0));
    assert!(!doc["measures"].to_string().contains("a2000000"));
}

// --- Urges --------------------------------------------------------------------------

#[test]
fn urges_are_in_the_safety_section_from_shared_and_steps_only_entries() {
    let mut shared = entry(
        "a1000000",
        "2026-03-02T19:00:00+00:00",
        true,
        vec![rating(keys::ARRIVAL_DISTRESS, 4), safety("no")],
    );
    shared.answers.extend(urges(6, true));
    let only_urge = entry(
        "a2000000",
        "2026-03-03T19:00:00+00:00",
        true,
        vec![
            rating(keys::ARRIVAL_DISTRESS, 2),
            safety("no"),
            rating(keys::ARRIVAL_URGE, 0),
        ],
    );
    let steps = lane_entry(
        "a3000000",
        "2026-03-04T19:00:00+00:00",
        LaneShare::StepsOnly,
        urges(9, true).to_vec(),
    );
    let mut private = entry(
        "a4000000",
        "2026-03-05T19:00:00+00:00",
        false,
        vec![rating(keys::ARRIVAL_DISTRESS, 1), safety("no")],
    );
    private.answers.extend(urges(10, true));
    let nothing = lane_entry(
        "a5000000",
        "2026-03-06T19:00:00+00:00",
        LaneShare::Nothing,
        urges(8, false).to_vec(),
    );
    let sb = journal(&[shared, only_urge, steps, private, nothing]);
    let expected = [
        "Wed 4 Mar 2026, 19:00: the safety steps opened; distress 9; answered \"not sure\" to the safety question; crisis plan shown; no contacts set up yet",
        "Mon 2 Mar 2026, 19:00: urge 6 (0 to 10); acted on the urge: yes",
        "Tue 3 Mar 2026, 19:00: urge 0 (0 to 10)",
        "Wed 4 Mar 2026, 19:00: urge 9 (0 to 10); acted on the urge: yes",
    ];
    for format in HUMAN {
        let out = export(&sb, &["--format", format]);
        assert_eq!(section(&out, format, "Safety"), expected, "{format}");
        // The chart's date axis names days that had no entry; the private
        // entries' days must not appear anywhere else.
        let words = match out.find("<svg") {
            Some(start) => {
                let end = out[start..]
                    .find("</svg>")
                    .map_or(out.len(), |e| start + e + 6);
                format!("{}{}", &out[..start], &out[end..])
            }
            None => out.clone(),
        };
        for trace in ["5 Mar", "6 Mar", "urge 10", "urge 8", "LANE-NOTE-WORDS"] {
            assert!(!words.contains(trace), "{format} shows {trace:?}");
        }
        // The chart draws only what the safety section lists: no mark at
        // the private entries' days (5 and 6 March).
        assert!(
            !out.contains(" 5 Mar: ")
                && !out.contains(" 6 Mar: ")
                && !out.contains("6 Mar (distress"),
            "{format}"
        );
    }
    let doc = json_export(&sb, &[]);
    assert_eq!(
        doc["safety"]["urges"],
        json!([
            {"id": "a1000000", "created": "2026-03-02T19:00:00+00:00", "urge": 6, "acted": true, "whole": true},
            {"id": "a2000000", "created": "2026-03-03T19:00:00+00:00", "urge": 0, "acted": null, "whole": true},
            {"id": "a3000000", "created": "2026-03-04T19:00:00+00:00", "urge": 9, "acted": true, "whole": false}
        ])
    );
    // The steps-only entry is in the safety section alone.
    let ids: Vec<&str> = doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["a1000000", "a2000000"]);
}

#[test]
fn urges_alone_are_safety_content_and_private_urges_are_nothing() {
    let mut calm = entry(
        "a1000000",
        "2026-03-02T19:00:00+00:00",
        true,
        vec![rating(keys::ARRIVAL_DISTRESS, 1), safety("no")],
    );
    calm.answers.extend(urges(0, false));
    let sb = journal(&[calm.clone()]);
    for format in HUMAN {
        let out = export(&sb, &["--format", format]);
        assert_eq!(
            section(&out, format, "Safety"),
            ["Mon 2 Mar 2026, 19:00: urge 0 (0 to 10); acted on the urge: no"],
            "{format}"
        );
        assert!(!out.contains(NO_SAFETY), "{format}");
    }
    calm.shared = false;
    let sb = journal(&[calm]);
    for format in HUMAN {
        let out = export(&sb, &["--format", format]);
        assert_eq!(section(&out, format, "Safety"), [NO_SAFETY], "{format}");
    }
    assert_eq!(json_export(&sb, &[])["safety"]["urges"], json!([]));
}

// --- Privacy -------------------------------------------------------------------------

#[test]
fn a_private_entry_with_urges_focus_and_measures_changes_not_one_byte() {
    let mut shared = about(
        "a1000000",
        "2026-03-02T19:00:00+00:00",
        true,
        "Tom Baker left early.",
        FOCUS,
        true,
    );
    shared.answers.push(a(
        keys::OTHER_WHO,
        Kind::ShortText,
        "Who?",
        Value::Text("Tom Baker".into()),
    ));
    shared.measures = closeness_scores([Some(4), Some(2), Some(3), Some(4), Some(4)], true);
    let mut private = about(
        "b2000000",
        "2026-03-03T19:00:00+00:00",
        false,
        "PRIVATE-WOMBAT with Zed Quill",
        OLD_FOCUS,
        true,
    );
    private.answers.extend(urges(10, true));
    private.answers.push(a(
        keys::OTHER_WHO,
        Kind::ShortText,
        "Who?",
        Value::Text("Zed Quill".into()),
    ));
    private.measures = closeness_scores([Some(1), Some(5), Some(1), Some(5), Some(1)], true);
    let mut lane = lane_entry(
        "c3000000",
        "2026-03-04T19:00:00+00:00",
        LaneShare::Nothing,
        urges(9, true).to_vec(),
    );
    lane.measures = closeness_scores([Some(2); 5], true);
    let exports = |sb: &Sandbox| -> Vec<String> {
        FORMATS
            .iter()
            .flat_map(|f| {
                [
                    export(sb, &["--format", f]),
                    export(sb, &["--format", f, "--pseudonymize"]),
                ]
            })
            .collect()
    };
    let config = format!("focus = \"{FOCUS}\"\n");
    let with = journal(&[shared.clone(), private, lane]);
    with.write_config(&config);
    let without = journal(&[shared]);
    without.write_config(&config);
    let (with, without) = (exports(&with), exports(&without));
    for (a, b) in with.iter().zip(&without) {
        assert_eq!(a, b, "a private entry changed an export");
        for trace in [
            "PRIVATE-WOMBAT",
            "Zed",
            "b2000000",
            "c3000000",
            OLD_FOCUS,
            "urge 10",
            "urge 9",
            "acted on the urge",
            "\"urge\": 1",
        ] {
            assert!(!a.contains(trace), "{trace:?} in\n{a}");
        }
    }
}

// --- The focus -----------------------------------------------------------------------

#[test]
fn the_focus_section_lists_only_shared_entries_marked_about_the_focus() {
    let steps = lane_entry(
        "e5000000",
        "2026-03-07T19:00:00+00:00",
        LaneShare::StepsOnly,
        vec![yes_no(keys::FOCUS_ABOUT, true)],
    );
    let sb = journal(&[
        about(
            "a1000000",
            "2026-03-02T19:00:00+00:00",
            true,
            "At lunch the others went out without asking me, and I sat at my desk.",
            FOCUS,
            true,
        ),
        about(
            "b2000000",
            "2026-03-03T19:00:00+00:00",
            true,
            "My manager read my report aloud.",
            OLD_FOCUS,
            true,
        ),
        about(
            "c3000000",
            "2026-03-04T19:00:00+00:00",
            true,
            "NOT-ABOUT-IT: a quiet walk.",
            FOCUS,
            false,
        ),
        about(
            "d4000000",
            "2026-03-05T19:00:00+00:00",
            false,
            "PRIVATE-ABOUT-IT",
            FOCUS,
            true,
        ),
        steps,
    ]);
    sb.write_config(&format!("focus = \"{FOCUS}\"\n"));
    let expected = [
        "The focus agreed for now:".to_string(),
        FOCUS.to_string(),
        "Shared entries marked as about the focus:".to_string(),
        "Mon 2 Mar 2026, 19:00: \"At lunch the others went out without asking me, and I sat a…\" (entry a1000000 in the shared entries below)".to_string(),
        "Tue 3 Mar 2026, 19:00: \"My manager read my report aloud.\" (entry b2000000 in the shared entries below)".to_string(),
        format!("Written under the focus \"{OLD_FOCUS}\""),
    ];
    for format in HUMAN {
        let out = export(&sb, &["--format", format]);
        let mut lines = section(&out, format, "Focus");
        if format == "html" {
            // The captions carry no colon.
            lines = lines
                .into_iter()
                .map(|l| match l.as_str() {
                    "The focus agreed for now" | "Shared entries marked as about the focus" => {
                        format!("{l}:")
                    }
                    _ => l,
                })
                .collect();
        }
        assert_eq!(lines, expected, "{format}");
        // Directly after the safety section.
        let text = plain(&out, format);
        let safety = text.find(&heading(format, "Safety")).unwrap();
        let focus = text.find(&heading(format, "Focus")).unwrap();
        let topics = text
            .find(&heading(format, "What the patient wants to talk about"))
            .unwrap();
        assert!(safety < focus && focus < topics, "{format}");
        assert!(!out.contains("PRIVATE-ABOUT-IT") && !out.contains("d4000000"));
    }
    let doc = json_export(&sb, &[]);
    assert_eq!(doc["focus"]["text"], FOCUS);
    let marked: Vec<(&str, Option<&str>)> = doc["focus"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["id"].as_str().unwrap(), e["written_under"].as_str()))
        .collect();
    assert_eq!(marked, [("a1000000", None), ("b2000000", Some(OLD_FOCUS))]);
}

#[test]
fn no_focus_and_nothing_marked_is_no_section_and_a_focus_alone_is_one() {
    let sb = journal(&[about(
        "c3000000",
        "2026-03-04T19:00:00+00:00",
        true,
        "A quiet walk.",
        FOCUS,
        false,
    )]);
    for format in HUMAN {
        let out = export(&sb, &["--format", format]);
        assert!(section(&out, format, "Focus").is_empty(), "{format}");
        assert!(
            !plain(&out, format).contains(&heading(format, "Focus")),
            "{format}"
        );
    }
    assert_eq!(json_export(&sb, &[])["focus"], json!(null));

    sb.write_config(&format!("focus = \"{FOCUS}\"\n"));
    for format in HUMAN {
        let out = export(&sb, &["--format", format]);
        let lines = section(&out, format, "Focus");
        assert_eq!(lines.len(), 3, "{format}: {lines:?}");
        assert_eq!(lines[1], FOCUS, "{format}");
        assert_eq!(
            lines[2], "No shared entry was marked as about the focus this time.",
            "{format}"
        );
    }
    assert_eq!(
        json_export(&sb, &[])["focus"],
        json!({"text": FOCUS, "entries": []})
    );
}

#[test]
fn the_focus_is_the_packs_in_use_when_the_config_has_none_and_a_broken_pack_is_none() {
    let sb = journal(&[about(
        "a1000000",
        "2026-03-02T19:00:00+00:00",
        true,
        "Left out again.",
        FOCUS,
        true,
    )]);
    std::fs::create_dir_all(sb.data().join("packs")).unwrap();
    std::fs::write(
        sb.data().join("packs/test-closeness.toml"),
        closeness_pack(false),
    )
    .unwrap();
    sb.write_config("pack = \"test-closeness\"\n");
    let doc = json_export(&sb, &[]);
    assert_eq!(doc["focus"]["text"], FOCUS);
    assert_eq!(doc["focus"]["entries"][0]["written_under"], json!(null));

    // The config's focus comes first.
    sb.write_config("pack = \"test-closeness\"\nfocus = \"Something new\"\n");
    let doc = json_export(&sb, &[]);
    assert_eq!(doc["focus"]["text"], "Something new");
    assert_eq!(doc["focus"]["entries"][0]["written_under"], FOCUS);

    // A pack that cannot be read: no focus now, and the export still works.
    std::fs::write(sb.data().join("packs/test-closeness.toml"), "id = [").unwrap();
    sb.write_config("pack = \"test-closeness\"\n");
    let doc = json_export(&sb, &[]);
    assert_eq!(doc["focus"]["text"], json!(null));
    assert_eq!(doc["focus"]["entries"][0]["written_under"], FOCUS);
    let md = export(&sb, &["--format", "md"]);
    assert!(md.contains("No focus is set in mentalog now; each entry below names the focus it was written under."), "{md}");
}

#[test]
fn pseudonyms_reach_the_focus_and_its_first_words() {
    let named = "Moments when Mira leaves me out";
    let mut e = about(
        "a1000000",
        "2026-03-02T19:00:00+00:00",
        true,
        "Mira went to lunch with Tom Baker again.",
        "Times Tom Baker is short with me",
        true,
    );
    e.answers.push(a(
        keys::OTHER_WHO,
        Kind::ShortText,
        "Who?",
        Value::Text("Tom Baker".into()),
    ));
    let sb = journal(&[e]);
    sb.write_config(&format!(
        "focus = \"{named}\"\n[names]\n\"Mira\" = \"a colleague\"\n"
    ));
    for format in FORMATS {
        let out = export(&sb, &["--format", format, "--pseudonymize"]);
        let words: Vec<&str> = out.split(|c: char| !c.is_alphanumeric()).collect();
        for name in ["Mira", "Tom", "Baker"] {
            assert!(!words.contains(&name), "{format} still says {name:?}");
        }
        let text = plain(&out, format);
        assert!(
            text.contains("Moments when a colleague leaves me out"),
            "{format}"
        );
        assert!(
            text.contains("A colleague went to lunch with T. B. again"),
            "{format}"
        );
        assert!(text.contains("Times T. B. is short with me"), "{format}");
    }
    let doc = json_export(&sb, &["--pseudonymize"]);
    assert_eq!(
        doc["focus"]["entries"][0]["words"],
        "A colleague went to lunch with T. B. again."
    );
}

// --- The appendix ------------------------------------------------------------------

/// An entry of a clinic's own pack with custom questions of every kind.
fn custom_entry() -> Entry {
    let mut e = entry(
        "c0c0c0c0",
        "2026-03-03T19:00:00+00:00",
        true,
        vec![
            rating(keys::ARRIVAL_DISTRESS, 5),
            safety("no"),
            rating(keys::ARRIVAL_URGE, 3),
            yes_no(keys::ARRIVAL_URGE_ACTED, false),
            a(
                "my.sleep",
                Kind::Choice,
                "How did you sleep last night?",
                Value::Text("badly".into()),
            ),
            a(
                "my.energy",
                Kind::Rating,
                "How much energy did you have today?",
                Value::Rating(6),
            ),
            a(
                "my.letter",
                Kind::LongText,
                "What would you write to them if you could?",
                Value::Text("That I missed them.".into()),
            ),
            a(
                "measure.closeness.q1",
                Kind::Scale,
                "I could tell what I was feeling.",
                Value::Rating(4),
            ),
            a(
                keys::FOCUS_ABOUT,
                Kind::YesNo,
                "Was this moment about the focus you agreed on?",
                Value::Bool(false),
            ),
            yes_no(keys::SHARE_INCLUDE, true),
        ],
    );
    e.pack = PackRef {
        id: "clinic-west".into(),
        version: "7".into(),
    };
    e
}

#[test]
fn custom_questions_show_in_the_appendix_in_every_format_in_the_entrys_order() {
    let sb = journal(&[custom_entry()]);
    let pairs = [
        ("Question for arrival.distress?", "5"),
        ("Question for arrival.urge?", "3"),
        ("Question for arrival.urge_acted?", "no"),
        ("How did you sleep last night?", "badly"),
        ("How much energy did you have today?", "6"),
        (
            "What would you write to them if you could?",
            "That I missed them.",
        ),
        ("I could tell what I was feeling.", "4"),
        ("Was this moment about the focus you agreed on?", "no"),
    ];
    for format in HUMAN {
        let out = export(&sb, &["--format", format]);
        let lines = section(&out, format, "The shared entries");
        assert!(
            lines.contains(&"Entry c0c0c0c0, written with the pack clinic-west, version 7.".into()),
            "{format}: {lines:?}"
        );
        let mut after = 0;
        for (question, answer) in pairs {
            let at = lines[after..]
                .iter()
                .position(|l| l == question)
                .unwrap_or_else(|| {
                    panic!("{format}: {question:?} not after line {after}: {lines:#?}")
                })
                + after;
            assert_eq!(lines[at + 1], answer, "{format}: {question}");
            after = at + 1;
        }
        assert!(
            !lines
                .iter()
                .any(|l| l.contains("Question for share.include"))
        );
    }
    let doc = json_export(&sb, &[]);
    let entry = &doc["entries"][0];
    assert_eq!(entry["pack"], json!({"id": "clinic-west", "version": "7"}));
    let keys: Vec<&str> = entry["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "arrival.distress",
            "arrival.safety",
            "arrival.urge",
            "arrival.urge_acted",
            "my.sleep",
            "my.energy",
            "my.letter",
            "measure.closeness.q1",
            "focus.about"
        ]
    );
    assert_eq!(entry["answers"][7]["kind"], "scale");
    assert_eq!(entry["answers"][7]["text"], "4");
    // At a glance reads the keys it knows only.
    assert_eq!(doc["glance"]["entries"], 1);
    assert_eq!(doc["glance"]["certainty"], json!([]));
    assert_eq!(doc["glance"]["feelings"], json!([]));
}

#[test]
fn a_period_mixing_packs_and_versions_renders_in_every_format() {
    let core = |id: &str, day: u32, version: &str| {
        let mut e = entry(
            id,
            &format!("2026-03-{day:02}T19:00:00+00:00"),
            true,
            vec![
                rating(keys::ARRIVAL_DISTRESS, 6),
                safety("no"),
                text(keys::WHAT_HAPPENED, &format!("Moment {id}.")),
                a(
                    keys::OTHER_WHO,
                    Kind::ShortText,
                    "Who?",
                    Value::Text("my sister".into()),
                ),
                rating(keys::OTHER_CERTAINTY, 7),
                rating(keys::AFTER_DISTRESS, 4),
            ],
        );
        e.pack.version = version.into();
        e
    };
    // Written by an older mentalog with the first mbt-core.
    let mut old = core("a1000000", 2, "1");
    old.schema = 1;
    let mut closeness = core("c3000000", 4, "3");
    closeness.pack.id = "test-closeness".into();
    closeness.answers.extend(urges(2, false));
    closeness.measures = closeness_scores([Some(4), Some(2), Some(3), Some(4), Some(4)], true);
    let sb = journal(&[old, core("b2000000", 3, "2"), closeness, custom_entry()]);
    let packs = [
        "Entry a1000000, written with the pack mbt-core, version 1.",
        "Entry b2000000, written with the pack mbt-core, version 2.",
        "Entry c0c0c0c0, written with the pack clinic-west, version 7.",
        "Entry c3000000, written with the pack test-closeness, version 3.",
    ];
    for format in HUMAN {
        let out = export(&sb, &["--format", format]);
        let lines = section(&out, format, "The shared entries");
        let named: Vec<&str> = lines
            .iter()
            .filter(|l| l.starts_with("Entry "))
            .map(String::as_str)
            .collect();
        assert_eq!(named, packs, "{format}");
        let glance = section(&out, format, "At a glance");
        assert!(
            glance
                .iter()
                .any(|l| l.contains("Certainty about the other person")
                    && l.contains("7 (2 Mar, my sister)")
                    && l.contains("7 (4 Mar, my sister)")),
            "{format}: {glance:?}"
        );
        // People: a list line in Markdown and text, a table row in HTML.
        let person = if format == "html" {
            out.contains("<tr><td><bdi>my sister</bdi></td><td class=\"n\">3</td></tr>")
        } else {
            glance.iter().any(|l| l.contains("my sister (3)"))
        };
        assert!(person, "{format}: {glance:?}");
        assert!(
            plain(&out, format).contains("Noticing yourself 8 (sum)"),
            "{format}"
        );
    }
    let doc = json_export(&sb, &[]);
    assert_eq!(doc["glance"]["entries"], 4);
    assert_eq!(doc["measures"].as_array().unwrap().len(), 1);
    assert_eq!(doc["safety"]["urges"].as_array().unwrap().len(), 2);
}
