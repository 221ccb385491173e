//! The summary for the next session: every format over a fixture journal
//! full of hostile and tricky content, privacy, pseudonyms, templates.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;

use chrono::DateTime;
use mentalog::entry::{
    Answer, Entry, Feeling, Kind, LaneShare, NudgeRecord, PackRef, PlanState, Recheck,
    SCHEMA_VERSION, Value, keys,
};
use mentalog::flow::LANE_SHARE_ITEMS;
use mentalog::store::Store;
use pulldown_cmark::{Event, Options, Parser, Tag};
use serde_json::json;

use crate::sandbox::Sandbox;

const FORMATS: [&str; 4] = ["md", "html", "json", "text"];

const SCRIPT: &str = "<script>alert(1)</script>";
const TEXTAREA: &str = "</textarea><b>bold?</b>";
const HEADING: &str = "# not a heading";
const EMPHASIS: &str = "*not emphasis* and __not strong__";
const CODE: &str = "`not code`";
const TABLE: &str = "| a | b |\n|---|---|\n| c | d |";
const LINK: &str = "[not a link](http://example.invalid)";
const EMOJI: &str = "I cried 😢 then laughed 🙂";
const RTL: &str = "مرحبا بالعالم and שלום";
/// Lines that would be Markdown blocks if they were not escaped.
const BLOCKS: [&str; 5] = [
    "- not a list",
    "> not a quote",
    "1. not ordered",
    "---",
    "===",
];
/// A terminal escape and a right-to-left override: both must be dropped.
const INVISIBLE: &str = "clear\u{1b}[2Jscreen and \u{202E}reversed";

const PRIVATE_TEXT: &str = "PRIVATE-ZEBRA-TEXT";
const PRIVATE_SAFETY: &str = "PRIVATE-HERON-NOTE";
/// Everything of the lane entry shared as "only that the safety steps
/// opened" but its date, distress, safety answer and plan.
const STEPS_ONLY_TEXT: &str = "PRIVATE-OTTER-TEXT";
/// The note of the lane entry shared whole, with Markdown and HTML in it.
const LANE_NOTE: &str = "I will ring Tom Baker tomorrow.\n# not a heading <script>x</script>";
/// The sentence for a period with nothing shared about safety.
const NO_SAFETY: &str =
    "No use of the safety steps was shared for this period. Private entries are never shown.";
const GUESS_FRAMING: &str = "No one can see inside someone else's head, so this is a guess.";

fn a(key: &str, kind: Kind, value: Value) -> Answer {
    Answer {
        key: key.into(),
        kind,
        question: format!("Question for {key}?"),
        framing: None,
        value,
    }
}

fn text(key: &str, t: &str) -> Answer {
    a(key, Kind::LongText, Value::Text(t.into()))
}

fn rating(key: &str, r: u8) -> Answer {
    a(key, Kind::Rating, Value::Rating(r))
}

fn entry(id: &str, created: &str, shared: bool, answers: Vec<Answer>) -> Entry {
    Entry {
        schema: SCHEMA_VERSION,
        id: id.into(),
        created: DateTime::parse_from_rfc3339(created).unwrap(),
        pack: PackRef {
            id: "mbt-core".into(),
            version: "1".into(),
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

fn safety(answer: &str) -> Answer {
    a(
        keys::ARRIVAL_SAFETY,
        Kind::YesNoUnsure,
        Value::Text(answer.into()),
    )
}

fn plan(plan_written: bool, contacts: bool) -> Option<PlanState> {
    Some(PlanState {
        plan_written,
        contacts,
    })
}

/// A safety-lane entry as the lane saves it after the person chose `share`.
fn lane_entry(id: &str, created: &str, distress: u8, note: &str, share: LaneShare) -> Entry {
    let mut e = entry(
        id,
        created,
        share == LaneShare::Whole,
        vec![
            rating(keys::ARRIVAL_DISTRESS, distress),
            safety("not sure"),
            text(keys::SAFETY_NOTE, note),
            a(
                keys::SAFETY_SHARE,
                Kind::Choice,
                Value::Text(format!("{share:?}")),
            ),
        ],
    );
    e.safety_lane = true;
    e.safety_shared = share != LaneShare::Nothing;
    e.plan = plan(false, false);
    e
}

/// A sandbox holding `entries`.
fn journal(entries: &[Entry]) -> Sandbox {
    let sb = Sandbox::new();
    let store = Store::new(sb.data());
    for e in entries {
        store.save_entry(e).unwrap();
    }
    sb
}

fn feelings(list: &[(&str, u8)]) -> Answer {
    a(
        keys::SELF_FEELINGS,
        Kind::Feelings,
        Value::Feelings(
            list.iter()
                .map(|(n, i)| Feeling {
                    name: n.to_string(),
                    intensity: Some(*i),
                })
                .collect(),
        ),
    )
}

/// Shared entries across a DST change (New York, 8 March 2026) and in two
/// other offsets, one from an older pack with a custom question, plus a
/// private entry and a private safety-lane entry that must leave no trace.
fn fixture() -> Sandbox {
    let sb = Sandbox::new();
    let store = Store::new(sb.data());
    let hostile = [
        SCRIPT, TEXTAREA, HEADING, EMPHASIS, CODE, TABLE, LINK, EMOJI, RTL,
    ]
    .into_iter()
    .chain(BLOCKS)
    .chain(["    not code", INVISIBLE])
    .collect::<Vec<_>>()
    .join("\n");
    let mut e1 = entry(
        "a1a1a1a1000000000000000000000001",
        "2026-03-07T20:15:00-05:00",
        true,
        vec![
            rating(keys::ARRIVAL_DISTRESS, 7),
            a(
                keys::ARRIVAL_SAFETY,
                Kind::YesNoUnsure,
                Value::Text("no".into()),
            ),
            text(keys::WHAT_HAPPENED, &hostile),
            feelings(&[("hurt", 8), ("angry", 5)]),
            a(
                keys::OTHER_WHO,
                Kind::ShortText,
                Value::Text("Tom Baker".into()),
            ),
            Answer {
                framing: Some(GUESS_FRAMING.into()),
                ..text(keys::OTHER_FEELING, "Tom Baker was probably stressed.")
            },
            rating(keys::OTHER_CERTAINTY, 9),
            text(keys::OTHER_ALTERNATIVE, "Maybe tom was just tired."),
            rating(keys::AFTER_DISTRESS, 4),
            text(
                keys::SHARE_TOPIC,
                &format!("Why I shut down. {HEADING} {SCRIPT}"),
            ),
            a(keys::SHARE_INCLUDE, Kind::YesNo, Value::Bool(true)),
        ],
    );
    e1.nudge = Some(NudgeRecord {
        id: "a-little-less-sure".into(),
        text: "What would you need to see or hear to feel a little less sure?".into(),
        answer: Some("If Tom told me himself.".into()),
        after: Some(keys::OTHER_CERTAINTY.into()),
        shown_after: None,
    });
    e1.plan_opened = Some(2);
    let long = "I kept going over it. ".repeat(455);
    assert!(long.len() >= 10_000);
    let mut e2 = entry(
        "b2b2b2b2000000000000000000000002",
        "2026-03-09T08:30:00-04:00",
        true,
        vec![
            rating(keys::ARRIVAL_DISTRESS, 6),
            a(
                keys::ARRIVAL_SAFETY,
                Kind::YesNoUnsure,
                Value::Text("not sure".into()),
            ),
            text(keys::WHAT_HAPPENED, &long),
            feelings(&[("hurt", 6), ("lonely", 7)]),
            a(
                keys::OTHER_WHO,
                Kind::ShortText,
                Value::Text("tom baker".into()),
            ),
            text(keys::OTHER_INTENT, "To get through his day."),
            rating(keys::OTHER_CERTAINTY, 5),
            rating(keys::AFTER_DISTRESS, 9),
        ],
    );
    e2.distress_rose = true;
    e2.plan = plan(true, false);
    let mut e3 = entry(
        "c3c3c3c3000000000000000000000003",
        "2026-03-10T12:00:00+01:00",
        true,
        vec![
            rating(keys::ARRIVAL_DISTRESS, 5),
            a(
                keys::ARRIVAL_SAFETY,
                Kind::YesNoUnsure,
                Value::Text("no".into()),
            ),
            text(keys::WHAT_HAPPENED, "Mira did not answer my message."),
            a(keys::OTHER_WHO, Kind::ShortText, Value::Text("Mira".into())),
            text(keys::OTHER_FEELING, "Mira might be busy."),
            text(
                "extra.gratitude",
                "One small good thing: the bus was on time.",
            ),
            rating(keys::AFTER_DISTRESS, 2),
        ],
    );
    // Written by an older mentalog: its nudge does not say where it was shown.
    e3.schema = 1;
    e3.pack.version = "0".into();
    e3.nudge = Some(NudgeRecord {
        id: "one-small-guess".into(),
        text: "If you had to make one small guess, what would it be?".into(),
        answer: None,
        after: None,
        shown_after: None,
    });
    let private = entry(
        "d4d4d4d4000000000000000000000004",
        "2026-03-08T10:00:00+00:00",
        false,
        vec![
            rating(keys::ARRIVAL_DISTRESS, 1),
            a(
                keys::ARRIVAL_SAFETY,
                Kind::YesNoUnsure,
                Value::Text("no".into()),
            ),
            text(keys::WHAT_HAPPENED, PRIVATE_TEXT),
            a(keys::OTHER_WHO, Kind::ShortText, Value::Text("Zed".into())),
            text(keys::SHARE_TOPIC, PRIVATE_TEXT),
            rating(keys::AFTER_DISTRESS, 10),
        ],
    );
    let mut lane = entry(
        "e5e5e5e5000000000000000000000005",
        "2026-03-08T23:00:00+00:00",
        false,
        vec![
            rating(keys::ARRIVAL_DISTRESS, 10),
            a(
                keys::ARRIVAL_SAFETY,
                Kind::YesNoUnsure,
                Value::Text("yes".into()),
            ),
            text(keys::SAFETY_NOTE, PRIVATE_SAFETY),
        ],
    );
    lane.safety_lane = true;
    lane.plan_opened = Some(6);
    let whole = lane_entry(
        "f6f6f6f6000000000000000000000006",
        "2026-03-12T22:10:00+00:00",
        9,
        LANE_NOTE,
        LaneShare::Whole,
    );
    // Resumed after a gap, the arrival check asked again opened the lane;
    // the moment written before it stays private with the note.
    let mut steps = lane_entry(
        "b7b7b7b7000000000000000000000007",
        "2026-03-14T23:30:00+00:00",
        8,
        STEPS_ONLY_TEXT,
        LaneShare::StepsOnly,
    );
    steps.plan = plan(true, true);
    steps.rechecks = vec![Recheck {
        at: DateTime::parse_from_rfc3339("2026-03-15T09:00:00+00:00").unwrap(),
        distress: 10,
        safety: "yes".into(),
        urge: None,
        urge_acted: None,
    }];
    steps.plan_opened = Some(5);
    steps.answers.extend([
        text(keys::WHAT_HAPPENED, STEPS_ONLY_TEXT),
        feelings(&[(STEPS_ONLY_TEXT, 9)]),
        a(
            keys::OTHER_WHO,
            Kind::ShortText,
            Value::Text("Quinn".into()),
        ),
        text(keys::SHARE_TOPIC, STEPS_ONLY_TEXT),
    ]);
    for e in [e1, e2, e3, private, lane, whole, steps] {
        store.save_entry(&e).unwrap();
    }
    // The person shares how often they open their plan, so the fixture
    // shows the count.
    sb.write_config("share_plan_openings = true\n");
    sb
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

#[test]
fn snapshots_of_every_format() {
    let sb = fixture();
    for format in FORMATS {
        let out = export(&sb, &["--format", format]);
        insta::assert_snapshot!(format!("summary_{format}"), out);
    }
}

#[test]
fn the_same_journal_gives_the_same_bytes_whenever_it_is_exported() {
    let sb = fixture();
    // Both lengths, and the ASCII text for a record.
    let mut cases: Vec<Vec<&str>> = Vec::new();
    for format in FORMATS {
        cases.push(vec!["--format", format]);
        cases.push(vec!["--format", format, "--brief"]);
    }
    cases.push(vec!["--format", "text", "--ascii"]);
    cases.push(vec!["--format", "text", "--ascii", "--brief"]);
    for args in cases {
        let first = export(&sb, &args);
        let later = sb
            .assert_cmd()
            .env("MENTALOG_NOW", "2027-01-01T09:00:00+09:00")
            .args(["export", "--since", "2026-03-01", "--until", "2026-03-31"])
            .args(&args)
            .assert()
            .success();
        assert_eq!(
            first.as_bytes(),
            later.get_output().stdout.as_slice(),
            "{args:?}"
        );
        if args.contains(&"--ascii") {
            assert!(first.is_ascii(), "{args:?}: not ASCII");
        }
    }
}

#[test]
fn markdown_shows_the_patients_words_as_text_never_as_markup() {
    let sb = fixture();
    let md = export(&sb, &["--format", "md"]);
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut texts = String::new();
    let mut headings = Vec::new();
    let mut in_heading = false;
    for event in Parser::new_ext(&md, options) {
        match event {
            Event::Html(h) | Event::InlineHtml(h) => panic!("raw HTML came through: {h:?}"),
            Event::Code(c) => panic!("inline code came through: {c:?}"),
            Event::Start(Tag::Heading { .. }) => {
                in_heading = true;
                headings.push(String::new());
            }
            Event::End(pulldown_cmark::TagEnd::Heading(_)) => in_heading = false,
            Event::Start(
                tag @ (Tag::Emphasis
                | Tag::Strong
                | Tag::Table(_)
                | Tag::CodeBlock(_)
                | Tag::Link { .. }
                | Tag::Image { .. }
                | Tag::Strikethrough
                | Tag::HtmlBlock),
            ) => panic!("the patient's text became {tag:?}"),
            Event::Text(t) => {
                if in_heading {
                    headings.last_mut().unwrap().push_str(&t);
                }
                texts.push_str(&t);
            }
            Event::SoftBreak | Event::HardBreak | Event::End(_) => texts.push('\n'),
            _ => {}
        }
    }
    for h in &headings {
        assert!(!h.contains("not a heading"), "{h:?}");
    }
    assert!(headings.iter().any(|h| h == "Safety"));
    for hostile in [
        SCRIPT,
        TEXTAREA,
        HEADING,
        EMPHASIS,
        CODE,
        LINK,
        EMOJI,
        RTL,
        "| a | b |",
        "|---|---|",
    ]
    .into_iter()
    .chain(BLOCKS)
    {
        assert!(
            texts.contains(hostile),
            "{hostile:?} is not shown as written"
        );
    }
}

#[test]
fn html_escapes_every_piece_of_entry_text() {
    let sb = fixture();
    let html = export(&sb, &["--format", "html"]);
    assert!(!html.contains("<script"), "a script element");
    assert!(!html.contains("</textarea>") && !html.contains("<b>bold"));
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"),
        "escaped script text"
    );
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "no external assets"
    );
    assert!(
        html.contains("<svg") && html.contains("<desc id=\"chart-desc\">"),
        "the chart with its text"
    );
    assert!(html.contains("@media print"));
    assert!(html.contains("name=\"viewport\""));
}

#[test]
fn the_json_summary_validates_against_the_shipped_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../schemas/summary.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let sb = fixture();
    for args in [
        &["--format", "json"][..],
        &["--format", "json", "--pseudonymize"][..],
    ] {
        let doc: serde_json::Value = serde_json::from_str(&export(&sb, args)).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        assert_eq!(doc["schema"], "mentalog.summary/5");
        assert_eq!(doc["glance"]["entries"], 4);
    }
    // An empty period.
    let out = sb
        .assert_cmd()
        .args([
            "export",
            "--since",
            "2025-01-01",
            "--until",
            "2025-01-31",
            "--format",
            "json",
        ])
        .assert()
        .success();
    let doc: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert!(validator.is_valid(&doc), "{doc}");
    assert_eq!(doc["glance"]["entries"], 0);
    // The schema the binary prints is the one in the repository.
    let printed = sb
        .assert_cmd()
        .args(["schema", "summary"])
        .assert()
        .success();
    assert_eq!(
        printed.get_output().stdout,
        include_bytes!("../../schemas/summary.schema.json")
    );
}

#[test]
fn every_entry_file_validates_against_the_entry_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../schemas/entry.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let sb = fixture();
    sb.add(&serde_json::from_str(include_str!("../../examples/answers.json")).unwrap());
    for path in sb.entry_files() {
        let doc = crate::sandbox::read_json(&path);
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }
    let printed = sb.assert_cmd().args(["schema", "entry"]).assert().success();
    assert_eq!(
        printed.get_output().stdout,
        include_bytes!("../../schemas/entry.schema.json")
    );
}

#[test]
fn a_private_entry_leaves_no_trace_in_any_format() {
    let sb = fixture();
    for format in FORMATS {
        let out = export(&sb, &["--format", format]);
        for trace in [
            PRIVATE_TEXT,
            PRIVATE_SAFETY,
            "d4d4d4d4",
            "e5e5e5e5",
            "Zed",
            "8 Mar",
            "1 → 10",
            "1 -> 10",
            "10 → –",
            "10 -> –",
            // Of the lane entry shared as "only that the safety steps opened".
            STEPS_ONLY_TEXT,
            "Quinn",
        ] {
            assert!(!out.contains(trace), "{format} shows {trace:?}");
        }
        if format == "json" {
            let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
            let pairs: Vec<_> = doc["glance"]["distress"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| (d["start"].clone(), d["end"].clone()))
                .collect();
            assert_eq!(
                pairs,
                [
                    (json!(7), json!(4)),
                    (json!(6), json!(9)),
                    (json!(5), json!(2)),
                    (json!(9), json!(null))
                ]
            );
            assert_eq!(
                doc["safety"]["lane"],
                json!([
                    {
                        "id": "f6f6f6f6", "created": "2026-03-12T22:10:00+00:00",
                        "distress": 9, "safety_answer": "not sure",
                        "plan": {"plan_written": false, "contacts": false},
                        "whole": true, "note": LANE_NOTE
                    },
                    {
                        "id": "b7b7b7b7", "created": "2026-03-14T23:30:00+00:00",
                        "distress": 10, "safety_answer": "yes",
                        "plan": {"plan_written": true, "contacts": true},
                        "whole": false, "note": null
                    }
                ])
            );
            let ids: Vec<&str> = doc["entries"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_str().unwrap())
                .collect();
            assert!(!ids.iter().any(|id| id.starts_with("b7b7")), "{ids:?}");
            assert_eq!(
                doc["safety"]["plan_opened"],
                json!({"times": 2, "entries": 1})
            );
            assert_eq!(
                doc["safety"]["answers"].as_array().unwrap().len(),
                1,
                "only the shared 'not sure'"
            );
        }
    }
}

#[test]
fn pseudonymized_exports_name_no_one() {
    let sb = fixture();
    sb.write_config("share_plan_openings = true\n[names]\n\"Mira\" = \"a colleague\"\n");
    for format in FORMATS {
        let out = export(&sb, &["--format", format, "--pseudonymize"]).to_lowercase();
        // As words: the HTML's stylesheet says "border-bottom".
        let words: Vec<&str> = out.split(|c: char| !c.is_alphanumeric()).collect();
        for name in ["tom", "baker", "mira", "quinn"] {
            assert!(!words.contains(&name), "{format} still says {name:?}");
        }
        assert!(
            out.contains("a colleague"),
            "{format}: the role from the config"
        );
        assert!(out.contains("t. b."), "{format}: initials");
    }
}

#[test]
fn nothing_in_the_period_is_success_and_says_so() {
    let sb = Sandbox::new();
    sb.create_data();
    for (format, says) in [
        ("md", "No shared entries in this period."),
        ("text", "No shared entries in this period."),
        ("html", "No shared entries in this period."),
    ] {
        let out = sb
            .assert_cmd()
            .args(["export", "--format", format])
            .assert()
            .success();
        assert!(
            String::from_utf8_lossy(&out.get_output().stdout).contains(says),
            "{format}"
        );
    }
}

#[test]
fn out_writes_a_private_file_and_preview_writes_nothing() {
    let sb = fixture();
    let file = sb.tmp.path().join("summary.html");
    sb.assert_cmd()
        .args([
            "export",
            "--since",
            "all",
            "--format",
            "html",
            "--preview",
            "--out",
        ])
        .arg(&file)
        .assert()
        .success()
        .stdout(predicates::str::contains("<!DOCTYPE html>"));
    assert!(!file.exists(), "--preview wrote the file");
    // No terminal: nothing to ask, it is written.
    sb.assert_cmd()
        .args(["export", "--since", "all", "--format", "html", "--out"])
        .arg(&file)
        .assert()
        .success();
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.contains("For the next session"));
}

#[test]
fn templates_of_a_clinic_are_used_and_a_broken_one_names_its_line() {
    let sb = fixture();
    let good = sb.tmp.path().join("mine.md");
    std::fs::write(
        &good,
        "Entries: {{ s.glance.entries }}\n{% for t in s.topics %}- {{ t.text }}\n{% endfor %}",
    )
    .unwrap();
    let out = export(&sb, &["--template", good.to_str().unwrap()]);
    // After the built-in safety section, which mentalog puts first.
    assert!(out.starts_with("## Safety\n"), "{out}");
    assert!(out.contains("\n\nEntries: 4\n"), "{out}");
    assert!(
        out.contains(r"- Why I shut down. # not a heading \<script>alert(1)\</script>"),
        "values are escaped in a clinic's Markdown too: {out}"
    );

    let broken = sb.tmp.path().join("broken.html");
    std::fs::write(&broken, "<p>one</p>\n<p>two</p>\n{% if %}\n").unwrap();
    let out = sb
        .assert_cmd()
        .args(["export", "--format", "html", "--template"])
        .arg(&broken)
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(
        err.contains("broken.html") && err.contains("line 3"),
        "{err}"
    );
    sb.assert_cmd()
        .args(["export", "--format", "json", "--template"])
        .arg(&good)
        .assert()
        .code(2);
}

#[test]
fn sessions_set_the_default_period_and_the_header() {
    let sb = fixture();
    // 2026-03-31 is "today"; the last session was on 9 March.
    let now = "2026-03-31T12:00:00+00:00";
    sb.assert_cmd()
        .env("MENTALOG_NOW", now)
        .args(["export", "--since", "last-session"])
        .assert()
        .code(2);
    sb.assert_cmd()
        .env("MENTALOG_NOW", now)
        .args(["session", "add", "2026-03-09"])
        .assert()
        .success();
    sb.assert_cmd()
        .env("MENTALOG_NOW", now)
        .args(["session", "next", "2026-04-02"])
        .assert()
        .success();
    let out = sb
        .assert_cmd()
        .env("MENTALOG_NOW", now)
        .args(["export", "--format", "json"])
        .assert()
        .success();
    let doc: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(
        doc["period"],
        json!({"since": "2026-03-09", "until": "2026-03-31"})
    );
    assert_eq!(doc["next_session"], "2026-04-02");
    assert_eq!(
        doc["glance"]["entries"], 3,
        "the entries of 9, 10 and 12 March"
    );
    let out = sb
        .assert_cmd()
        .env("MENTALOG_NOW", now)
        .args(["export"])
        .assert()
        .success();
    assert!(
        String::from_utf8_lossy(&out.get_output().stdout)
            .contains("Covers Mon 9 Mar 2026 to Tue 31 Mar 2026. Next session: Thu 2 Apr 2026.")
    );
    let out = sb
        .assert_cmd()
        .args(["session", "list", "--json"])
        .assert()
        .success();
    let sessions: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(sessions["held"], json!(["2026-03-09"]));
    sb.assert_cmd()
        .args(["export", "--since", "fortnight"])
        .assert()
        .code(2);
}

#[test]
fn unsharing_takes_an_entry_out_and_sharing_puts_it_in() {
    let sb = fixture();
    sb.assert_cmd().args(["unshare", "c3c3"]).assert().success();
    let out = export(&sb, &["--format", "json"]);
    assert!(!out.contains("c3c3c3c3") && !out.contains("Mira"));
    sb.assert_cmd().args(["share", "d4d4"]).assert().success();
    let out = export(&sb, &["--format", "json"]);
    assert!(out.contains(PRIVATE_TEXT));
    let map: BTreeMap<String, serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(map["glance"]["entries"], 4);
}

#[test]
fn nothing_invisible_or_terminal_driving_gets_through() {
    let sb = fixture();
    for format in FORMATS {
        let out = export(&sb, &["--format", format]);
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{202E}'),
            "{format}"
        );
        assert!(
            out.contains("screen and reversed"),
            "{format}: the words stay"
        );
    }
}

#[test]
fn private_entries_change_not_one_byte_of_any_export() {
    let sb = fixture();
    let with: Vec<String> = FORMATS
        .iter()
        .flat_map(|f| {
            [
                export(&sb, &["--format", f]),
                export(&sb, &["--format", f, "--pseudonymize"]),
            ]
        })
        .collect();
    for id in ["d4d4d4d4", "e5e5e5e5"] {
        let file = sb
            .entry_files()
            .into_iter()
            .find(|p| p.to_string_lossy().contains(id))
            .unwrap();
        std::fs::remove_file(file).unwrap();
    }
    let without: Vec<String> = FORMATS
        .iter()
        .flat_map(|f| {
            [
                export(&sb, &["--format", f]),
                export(&sb, &["--format", f, "--pseudonymize"]),
            ]
        })
        .collect();
    for (a, b) in with.iter().zip(&without) {
        assert!(
            a == b,
            "a private entry changed an export:\n{}",
            first_difference(a, b)
        );
    }
}

fn first_difference(a: &str, b: &str) -> String {
    a.lines()
        .zip(b.lines())
        .find(|(x, y)| x != y)
        .map(|(x, y)| format!("with:    {x}\nwithout: {y}"))
        .unwrap_or_else(|| "one is longer".into())
}

#[test]
fn a_clinic_html_template_escapes_blockquoted_text_too() {
    let sb = fixture();
    let tmpl = sb.tmp.path().join("clinic.html");
    std::fs::write(
        &tmpl,
        "<div>{% for t in s.topics %}{{ t.text | blockquote }}{% endfor %}</div>\n",
    )
    .unwrap();
    let out = export(
        &sb,
        &["--format", "html", "--template", tmpl.to_str().unwrap()],
    );
    assert!(!out.contains("<script"), "{out}");
    assert!(out.contains("&lt;script&gt;"), "{out}");
}

#[test]
fn sharing_rewrites_the_entry_privately_and_keeps_its_answer_in_step() {
    let sb = fixture();
    sb.assert_cmd().args(["unshare", "a1a1"]).assert().success();
    let file = sb
        .entry_files()
        .into_iter()
        .find(|p| p.to_string_lossy().contains("a1a1a1a1"))
        .unwrap();
    let doc = crate::sandbox::read_json(&file);
    assert_eq!(doc["shared"], false);
    assert_eq!(crate::sandbox::answer(&doc, "share.include"), &json!(false));
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    sb.assert_cmd().args(["share", "a1a1"]).assert().success();
    let doc = crate::sandbox::read_json(&file);
    assert_eq!(doc["shared"], true);
    assert_eq!(crate::sandbox::answer(&doc, "share.include"), &json!(true));
}

#[test]
fn out_into_a_missing_folder_says_so_and_writes_nothing() {
    let sb = fixture();
    let out = sb
        .assert_cmd()
        .args(["export", "--out"])
        .arg(sb.tmp.path().join("nope/summary.md"))
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(
        err.contains("nope") && err.contains("create it first"),
        "{err}"
    );
}

/// The safety section of a summary in `format` (md, text or html) as plain
/// lines: without markup, escapes, list marks and indentation, with
/// typographic quotes made plain, so the formats can be compared line by line.
fn safety_section(out: &str, format: &str) -> Vec<String> {
    // It ends where the next section starts: the focus, if there is one.
    let (start, ends): (&str, &[&str]) = match format {
        "md" => ("## Safety", &["## Focus", "## What the patient"]),
        "text" => ("SAFETY", &["\nFOCUS\n", "\nWHAT THE PATIENT"]),
        "html" => ("<h2 id=\"safety\">Safety</h2>", &["</section>"]),
        other => panic!("no safety section in {other}"),
    };
    let from = out.find(start).unwrap_or_else(|| panic!("{format}: {out}")) + start.len();
    let to = from
        + ends
            .iter()
            .filter_map(|end| out[from..].find(end))
            .min()
            .unwrap();
    let section = &out[from..to];
    let plain = match format {
        "html" => {
            let mut plain = String::new();
            let mut in_tag = false;
            for c in section.replace("<blockquote", "\n<blockquote").chars() {
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
        _ => section.to_string(),
    };
    plain
        .lines()
        .map(|l| {
            let l = l.trim();
            let l = l.strip_prefix("- ").unwrap_or(l);
            let l = l.strip_prefix('>').map(str::trim_start).unwrap_or(l);
            let mut line = String::new();
            let mut chars = l.chars().peekable();
            while let Some(c) = chars.next() {
                // A Markdown escape, or a hard line break at the end.
                if format == "md" && c == '\\' {
                    match chars.peek() {
                        Some(n) if n.is_ascii_punctuation() => continue,
                        None => continue,
                        _ => {}
                    }
                }
                line.push(c);
            }
            line.replace(['“', '”'], "\"")
        })
        .filter(|l| !l.is_empty())
        .collect()
}

const HUMAN: [&str; 3] = ["md", "text", "html"];

#[test]
fn the_safety_section_holds_every_shared_use_of_the_safety_steps_in_every_format() {
    let sb = fixture();
    let expected = [
        "Thu 12 Mar 2026, 22:10: the safety steps opened; distress 9; answered \"not sure\" to the safety question; no crisis plan written yet; no contacts set up yet",
        // The note, word for word, under its line.
        "I will ring Tom Baker tomorrow.",
        "# not a heading <script>x</script>",
        // Shared as "only that the safety steps opened"; the check asked
        // again on resuming opened the lane.
        "Sat 14 Mar 2026, 23:30: the safety steps opened; distress 10; answered \"yes\" to the safety question; crisis plan and contacts shown",
        "Mon 9 Mar 2026, 08:30: answered \"not sure\" to \"Are you having thoughts of hurting yourself or ending your life right now?\"",
        "Mon 9 Mar 2026, 08:30: distress went from 6 to 9 while writing, so the safety steps were shown before saving; crisis plan shown; no contacts set up yet",
        // Not the private entries' 6 and 5.
        "The crisis plan was opened 2 times while writing, in the 1 shared entry that kept count",
    ];
    for format in HUMAN {
        let out = export(&sb, &["--format", format]);
        assert_eq!(safety_section(&out, format), expected, "{format}");
        assert!(!out.contains(NO_SAFETY), "{format}");
    }
}

#[test]
fn each_lane_share_choice_shows_what_it_promises() {
    const NOTE: &str = "Going to see my sister tonight.";
    let line = "Fri 20 Mar 2026, 21:05: the safety steps opened; distress 9; answered \"not sure\" to the safety question; no crisis plan written yet; no contacts set up yet";
    for (share, expected) in [
        (LaneShare::Whole, vec![line, NOTE]),
        (LaneShare::StepsOnly, vec![line]),
        (LaneShare::Nothing, vec![NO_SAFETY]),
    ] {
        let e = lane_entry(
            "c0c0c0c0000000000000000000000001",
            "2026-03-20T21:05:00+00:00",
            9,
            NOTE,
            share,
        );
        let sb = journal(&[e]);
        for format in HUMAN {
            let out = export(&sb, &["--format", format]);
            assert_eq!(safety_section(&out, format), expected, "{share:?} {format}");
            // The note is in the summary only with the whole entry, which
            // then is among the shared entries; else the entry leaves no
            // other trace.
            let whole = share == LaneShare::Whole;
            assert_eq!(out.contains(NOTE), whole, "{share:?} {format}");
            assert_eq!(
                out.contains("No shared entries in this period."),
                !whole,
                "{share:?} {format}"
            );
            assert_eq!(out.contains("(safety lane)"), whole, "{share:?} {format}");
        }
        let doc: serde_json::Value =
            serde_json::from_str(&export(&sb, &["--format", "json"])).unwrap();
        let lane = doc["safety"]["lane"].as_array().unwrap();
        match share {
            LaneShare::Whole => {
                assert_eq!(lane[0]["whole"], true);
                assert_eq!(lane[0]["note"], NOTE);
                assert_eq!(doc["entries"].as_array().unwrap().len(), 1);
                assert_eq!(doc["glance"]["entries"], 1);
            }
            LaneShare::StepsOnly => {
                assert_eq!(lane[0]["whole"], false);
                assert_eq!(lane[0]["note"], json!(null));
                assert_eq!(lane[0]["distress"], 9);
                assert_eq!(lane[0]["safety_answer"], "not sure");
                assert_eq!(doc["entries"], json!([]));
                assert_eq!(doc["glance"]["entries"], 0);
            }
            LaneShare::Nothing => {
                assert_eq!(doc["safety"]["lane"], json!([]));
                assert!(!doc.to_string().contains("c0c0c0c0"));
            }
        }
    }
}

#[test]
fn a_missing_crisis_plan_is_never_said_to_be_shown() {
    let mut entries = Vec::new();
    let mut expected = Vec::new();
    for (i, (state, says)) in [
        (
            plan(false, false),
            "; no crisis plan written yet; no contacts set up yet",
        ),
        (
            plan(false, true),
            "; no crisis plan written yet; contacts shown",
        ),
        (
            plan(true, false),
            "; crisis plan shown; no contacts set up yet",
        ),
        (plan(true, true), "; crisis plan and contacts shown"),
        // Written before mentalog recorded it: nothing is claimed. (And
        // opened for the intensity alone: the lane says "no" too.)
        (None, ""),
    ]
    .into_iter()
    .enumerate()
    {
        let mut e = lane_entry(
            &format!("a{i}a{i}a{i}a{i}000000000000000000000000"),
            &format!("2026-03-2{i}T10:00:00+00:00"),
            9,
            "",
            LaneShare::Whole,
        );
        e.plan = state;
        let answer = if state.is_none() { "no" } else { "not sure" };
        e.answers[1] = safety(answer);
        entries.push(e);
        expected.push(format!(
            "{} 2{i} Mar 2026, 10:00: the safety steps opened; distress 9; answered \"{answer}\" to the safety question{says}",
            ["Fri", "Sat", "Sun", "Mon", "Tue"][i]
        ));
    }
    let sb = journal(&entries);
    for format in HUMAN {
        let out = export(&sb, &["--format", format]);
        assert_eq!(safety_section(&out, format), expected, "{format}");
    }
    let doc: serde_json::Value = serde_json::from_str(&export(&sb, &["--format", "json"])).unwrap();
    assert_eq!(
        doc["safety"]["lane"][1]["plan"],
        json!({"plan_written": false, "contacts": true})
    );
    assert_eq!(doc["safety"]["lane"][4]["plan"], json!(null));
}

#[test]
fn distress_that_rose_while_writing_is_in_the_safety_section() {
    let walk = |id: &str, day: u32, shared: bool, start: u8, end: u8, rose: bool| {
        let mut e = entry(
            id,
            &format!("2026-03-{day:02}T19:00:00+00:00"),
            shared,
            vec![
                rating(keys::ARRIVAL_DISTRESS, start),
                safety("no"),
                rating(keys::AFTER_DISTRESS, end),
            ],
        );
        e.distress_rose = rose;
        e
    };
    let mut rose = walk("a1000000", 2, true, 3, 9, true);
    rose.plan = plan(true, false);
    let entries = [
        rose,
        // Already at the threshold at the start: still shown, as it was.
        walk("a2000000", 3, true, 8, 8, true),
        // The entry's own record decides, not a threshold guessed here.
        walk("a3000000", 4, true, 2, 9, false),
        walk("a4000000", 5, false, 1, 10, true),
    ];
    let sb = journal(&entries);
    let expected = [
        "Mon 2 Mar 2026, 19:00: distress went from 3 to 9 while writing, so the safety steps were shown before saving; crisis plan shown; no contacts set up yet",
        "Tue 3 Mar 2026, 19:00: distress went from 8 to 8 while writing, so the safety steps were shown before saving",
    ];
    for format in HUMAN {
        let out = export(&sb, &["--format", format]);
        assert_eq!(safety_section(&out, format), expected, "{format}");
    }
    let doc: serde_json::Value = serde_json::from_str(&export(&sb, &["--format", "json"])).unwrap();
    assert_eq!(
        doc["safety"]["distress_rose"][0],
        json!({"id": "a1000000", "created": "2026-03-02T19:00:00+00:00", "start": 3, "end": 9,
               "plan": {"plan_written": true, "contacts": false}})
    );
}

#[test]
fn plan_openings_are_a_total_over_the_shared_entries_that_kept_count() {
    let counted = |id: &str, day: u32, shared: bool, opened: Option<u32>| {
        let mut e = entry(
            id,
            &format!("2026-03-{day:02}T19:00:00+00:00"),
            shared,
            vec![rating(keys::ARRIVAL_DISTRESS, 4), safety("no")],
        );
        e.plan_opened = opened;
        e
    };
    let mut steps_only = lane_entry(
        "a5000000",
        "2026-03-06T19:00:00+00:00",
        9,
        "",
        LaneShare::StepsOnly,
    );
    steps_only.plan_opened = Some(4);
    let steps_line = "Fri 6 Mar 2026, 19:00: the safety steps opened; distress 9; answered \"not sure\" to the safety question; no crisis plan written yet; no contacts set up yet";
    for (entries, expected) in [
        (
            vec![
                counted("a1000000", 2, true, Some(2)),
                counted("a2000000", 3, true, Some(1)),
                counted("a3000000", 4, true, None),
                counted("a4000000", 5, false, Some(7)),
                steps_only.clone(),
            ],
            vec![
                steps_line,
                "The crisis plan was opened 3 times while writing, in the 2 shared entries that kept count",
            ],
        ),
        (
            vec![counted("a1000000", 2, true, Some(1))],
            vec![
                "The crisis plan was opened 1 time while writing, in the 1 shared entry that kept count",
            ],
        ),
        (
            vec![counted("a1000000", 2, true, Some(0))],
            vec![
                "The crisis plan was opened 0 times while writing, in the 1 shared entry that kept count",
            ],
        ),
        (
            vec![
                counted("a1000000", 2, true, None),
                counted("a4000000", 5, false, Some(7)),
            ],
            vec![NO_SAFETY],
        ),
    ] {
        let sb = journal(&entries);
        // Counts recorded while the setting was on leave only while it is on.
        let json = export(&sb, &["--format", "json"]);
        assert!(
            !json.contains("plan_opened\": {") && !json.contains("was opened"),
            "{json}"
        );
        sb.write_config("share_plan_openings = true\n");
        for format in HUMAN {
            let out = export(&sb, &["--format", format]);
            assert_eq!(safety_section(&out, format), expected, "{format}");
        }
        let doc: serde_json::Value =
            serde_json::from_str(&export(&sb, &["--format", "json"])).unwrap();
        assert_eq!(
            doc["safety"]["plan_opened"].is_null(),
            expected.last() == Some(&NO_SAFETY)
        );
    }
}

#[test]
fn no_use_of_the_safety_steps_is_said_the_same_way_in_every_format_and_template() {
    let mut private_yes = entry(
        "a4000000",
        "2026-03-05T19:00:00+00:00",
        false,
        vec![safety("yes"), rating(keys::AFTER_DISTRESS, 10)],
    );
    private_yes.distress_rose = true;
    private_yes.plan_opened = Some(3);
    let quiet = journal(&[
        entry(
            "a1000000",
            "2026-03-02T19:00:00+00:00",
            true,
            vec![rating(keys::ARRIVAL_DISTRESS, 2), safety("no")],
        ),
        lane_entry(
            "a2000000",
            "2026-03-03T19:00:00+00:00",
            10,
            PRIVATE_SAFETY,
            LaneShare::Nothing,
        ),
        private_yes,
    ]);
    let empty = Sandbox::new();
    empty.create_data();
    for sb in [&quiet, &empty] {
        for format in HUMAN {
            let out = export(sb, &["--format", format]);
            assert_eq!(safety_section(&out, format), [NO_SAFETY], "{format}");
            assert!(!out.to_lowercase().contains("nothing about safety"));
        }
        let doc: serde_json::Value =
            serde_json::from_str(&export(sb, &["--format", "json"])).unwrap();
        assert_eq!(
            doc["safety"],
            json!({"lane": [], "answers": [], "distress_rose": [], "urges": [], "plan_opened": null})
        );
    }
    // Every built-in template and the schema say it in these words, and
    // none says the old "nothing about safety".
    for (name, source) in [
        ("summary.md", include_str!("../../templates/summary.md")),
        ("summary.html", include_str!("../../templates/summary.html")),
        ("summary.txt", include_str!("../../templates/summary.txt")),
        (
            "summary.schema.json",
            include_str!("../../schemas/summary.schema.json"),
        ),
    ] {
        assert!(source.contains(NO_SAFETY), "{name}");
        assert!(
            !source.to_lowercase().contains("nothing about safety"),
            "{name}"
        );
    }
}

#[test]
fn shared_entries_show_framing_with_its_question_and_each_nudge_after_its_answer() {
    let sb = fixture();
    let nudge = "What would you need to see or hear to feel a little less sure?";
    let old_nudge = "If you had to make one small guess, what would it be?";
    for format in HUMAN {
        let out = export(&sb, &["--format", format]);
        let heading = if format == "text" {
            "THE SHARED ENTRIES"
        } else {
            "The shared entries"
        };
        let appendix = &out[out.rfind(heading).unwrap()..];
        let at = |needle: &str| {
            appendix
                .find(needle)
                .unwrap_or_else(|| panic!("{format}: no {needle:?} in {appendix}"))
        };
        let quote = if format == "html" { "&#x27;" } else { "'" };
        assert!(
            appendix.contains(&format!(
                "{} Question for other.feeling?",
                GUESS_FRAMING.replace('\'', quote)
            )),
            "{format}: the framing goes with its question"
        );
        // After the certainty rating that drew it, before the next question.
        assert!(at("Question for other.certainty?") < at(nudge), "{format}");
        assert!(
            at(nudge) < at("Question for other.alternative?"),
            "{format}"
        );
        // An older entry's nudge, which does not say where: at the end.
        assert!(
            at("Question for extra.gratitude?") < at(old_nudge),
            "{format}"
        );
        assert_eq!(appendix.matches(nudge).count(), 1, "{format}");
        assert_eq!(appendix.matches(old_nudge).count(), 1, "{format}");
    }
}

#[test]
fn show_puts_framing_with_its_question_and_the_nudge_after_its_answer() {
    let sb = fixture();
    let show = |id: &str| {
        let out = sb.assert_cmd().args(["show", id]).assert().success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    };
    let out = show("a1a1");
    assert!(
        out.contains(&format!("\n{GUESS_FRAMING} Question for other.feeling?\n")),
        "{out}"
    );
    let at = |needle: &str| {
        out.find(needle)
            .unwrap_or_else(|| panic!("{needle:?}: {out}"))
    };
    let nudge = "What would you need to see or hear to feel a little less sure?";
    assert!(at("Question for other.certainty?") < at(nudge));
    assert!(at(nudge) < at("Question for other.alternative?"));
    let old = show("c3c3");
    let end = "If you had to make one small guess, what would it be?\n  (skipped)\n";
    assert!(old.ends_with(end), "{old}");
    assert!(
        show("b7b7").contains("private, but your therapist may see that the safety steps opened"),
    );
}

#[test]
fn share_shares_a_lane_entry_whole_and_unshare_takes_back_all_of_it() {
    let sb = fixture();
    let lane_ids = |sb: &Sandbox| -> Vec<(String, bool)> {
        let doc: serde_json::Value =
            serde_json::from_str(&export(sb, &["--format", "json"])).unwrap();
        doc["safety"]["lane"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (m["id"].as_str().unwrap().to_string(), m["whole"] == true))
            .collect()
    };
    let file = sb
        .entry_files()
        .into_iter()
        .find(|p| p.to_string_lossy().contains("b7b7b7b7"))
        .unwrap();
    assert_eq!(
        lane_ids(&sb),
        [
            ("f6f6f6f6".to_string(), true),
            ("b7b7b7b7".to_string(), false)
        ]
    );

    sb.assert_cmd().args(["share", "b7b7"]).assert().success();
    let doc = crate::sandbox::read_json(&file);
    assert_eq!(
        (&doc["shared"], &doc["safety_shared"]),
        (&json!(true), &json!(true))
    );
    // The lane's sharing answer follows, as "Include this entry?" does.
    assert_eq!(
        crate::sandbox::answer(&doc, keys::SAFETY_SHARE),
        &json!(LANE_SHARE_ITEMS[0])
    );
    assert_eq!(
        lane_ids(&sb),
        [
            ("f6f6f6f6".to_string(), true),
            ("b7b7b7b7".to_string(), true)
        ]
    );
    assert!(export(&sb, &["--format", "md"]).contains(STEPS_ONLY_TEXT));

    sb.assert_cmd().args(["unshare", "b7b7"]).assert().success();
    let doc = crate::sandbox::read_json(&file);
    assert_eq!(doc["shared"], false);
    assert!(doc.get("safety_shared").is_none(), "{doc}");
    assert_eq!(
        crate::sandbox::answer(&doc, keys::SAFETY_SHARE),
        &json!(LANE_SHARE_ITEMS[2])
    );
    assert_eq!(lane_ids(&sb), [("f6f6f6f6".to_string(), true)]);
    sb.assert_cmd().args(["unshare", "f6f6"]).assert().success();
    assert_eq!(lane_ids(&sb), []);
    for format in HUMAN {
        let out = export(&sb, &["--format", format]);
        assert!(
            !out.contains(STEPS_ONLY_TEXT) && !out.contains("ring Tom"),
            "{format}"
        );
    }
}

// --- Where --out may write -----------------------------------------------------

/// Runs `export --out <target>` with no terminal; returns the exit code and stderr.
fn export_to(sb: &Sandbox, target: &std::path::Path) -> (i32, String) {
    let out = sb
        .cmd()
        .args(["export", "--since", "all", "--out"])
        .arg(target)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn out_refuses_the_data_folder_the_config_and_anything_that_is_not_a_file() {
    let sb = fixture();
    sb.write_plan("Ring Sam on 0123.\n");
    let plan = sb.data().join("plan.md");
    let entry = sb.entry_files()[0].clone();
    let entry_before = std::fs::read(&entry).unwrap();

    // Into the data folder: the crisis plan, an entry, a new file there, and
    // the same through a symbolic link to the folder.
    let link = sb.tmp.path().join("journal-link");
    std::os::unix::fs::symlink(sb.data(), &link).unwrap();
    for target in [
        plan.clone(),
        entry.clone(),
        sb.data().join("summary.md"),
        link.join("plan.md"),
        link.join("summary.md"),
    ] {
        let (code, err) = export_to(&sb, &target);
        assert_eq!(code, 2, "{}: {err}", target.display());
        assert!(
            err.contains("data folder") && err.contains(&target.display().to_string()),
            "{}: {err}",
            target.display()
        );
    }
    assert_eq!(
        std::fs::read_to_string(&plan).unwrap(),
        "Ring Sam on 0123.\n"
    );
    assert_eq!(std::fs::read(&entry).unwrap(), entry_before);
    assert!(!sb.data().join("summary.md").exists());

    // The config file.
    let config_before = std::fs::read(sb.config()).unwrap();
    let (code, err) = export_to(&sb, &sb.config());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("config"), "{err}");
    assert_eq!(std::fs::read(sb.config()).unwrap(), config_before);

    // A symbolic link (even to a file that may be written), a folder, a FIFO.
    let elsewhere = sb.tmp.path().join("elsewhere.md");
    std::fs::write(&elsewhere, "keep me").unwrap();
    let symlink = sb.tmp.path().join("summary-link.md");
    std::os::unix::fs::symlink(&elsewhere, &symlink).unwrap();
    let folder = sb.tmp.path().join("a-folder");
    std::fs::create_dir(&folder).unwrap();
    let fifo = sb.tmp.path().join("a-fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for (target, why) in [
        (&symlink, "symbolic link"),
        (&folder, "folder"),
        (&fifo, "FIFO"),
    ] {
        let (code, err) = export_to(&sb, target);
        assert_eq!(code, 2, "{}: {err}", target.display());
        assert!(
            err.contains(why) && err.contains(&target.display().to_string()),
            "{}: {err}",
            target.display()
        );
    }
    assert!(
        std::fs::symlink_metadata(&symlink)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "keep me");
    assert!(folder.is_dir());
    {
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    }

    // An ordinary file outside is replaced.
    let (code, err) = export_to(&sb, &elsewhere);
    assert_eq!(code, 0, "{err}");
    assert!(
        std::fs::read_to_string(&elsewhere)
            .unwrap()
            .contains("For the next session")
    );
}

/// Runs `export --out` in-process as in a terminal, answering the question
/// with `yes`; returns the question asked.
fn asked(sb: &Sandbox, target: &std::path::Path, yes: bool) -> String {
    use mentalog::cli::{Command, ExportArgs, ExportFormat};
    use mentalog::prompt::{Reply, Scripted};
    let p = Scripted::new([Reply::Confirm(yes)]);
    let paths = mentalog::paths::Paths {
        data: sb.data(),
        config: sb.config(),
    };
    let config = mentalog::config::Config::load(&sb.config());
    let now = DateTime::parse_from_rfc3339(crate::sandbox::NOW).unwrap();
    let mut ctx = mentalog::context::Context::new(paths, config, now, Box::new(p.clone()));
    let command = Command::Export(ExportArgs {
        format: vec![ExportFormat::Md],
        out: Some(target.to_path_buf()),
        since: Some("all".into()),
        until: None,
        preview: false,
        yes: false,
        pseudonymize: false,
        template: None,
        brief: false,
        ascii: false,
        batch: false,
        dirs_from: None,
        by: mentalog::cli::BatchBy::All,
        out_dir: None,
        filter: Default::default(),
        to: Vec::new(),
        to_file: None,
    });
    mentalog::run_in(&mut ctx, &command).unwrap();
    assert_eq!(p.remaining(), 0);
    p.text()
}

#[test]
fn the_question_says_when_it_replaces_an_existing_file() {
    let sb = fixture();
    let file = sb.tmp.path().join("for-my-therapist.md");
    let question = asked(&sb, &file, false);
    assert!(
        question.contains(&format!("Write this to {}?", file.display())),
        "{question}"
    );
    assert!(!file.exists());

    std::fs::write(&file, "last month's summary").unwrap();
    let question = asked(&sb, &file, false);
    assert!(
        question.contains(&format!(
            "Replace the existing file {} with this summary?",
            file.display()
        )),
        "{question}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "last month's summary"
    );
    asked(&sb, &file, true);
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("For the next session")
    );
}

#[test]
fn a_write_that_fails_halfway_leaves_the_old_summary_whole() {
    let sb = fixture();
    let file = sb.tmp.path().join("summary.md");
    std::fs::write(&file, "the old summary").unwrap();
    // A file size limit of 1 KiB: the summary cannot be written whole. The
    // signal that would kill the writer is ignored, so the write fails instead.
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 2; exec \"$@\"")
        .arg("sh")
        .arg(crate::sandbox::BIN)
        .args(["export", "--since", "all", "--out"])
        .arg(&file)
        .envs(
            sb.cmd()
                .get_envs()
                .filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))),
        )
        .env("MENTALOG_DIR", sb.data())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&file.display().to_string()), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "the old summary");
    let left: Vec<_> = std::fs::read_dir(sb.tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

// --- Templates with a budget ------------------------------------------------------

#[test]
fn a_runaway_template_fails_naming_the_template() {
    let sb = fixture();
    for (name, source) in [
        ("list.md", "{{ [0] * 100000000 }}"),
        ("indent.txt", "{{ ' ' | indent(1000000000) }}"),
        ("repeat.md", "{{ 'x' * 1000000000 }}"),
        ("quote.md", "{{ \"a\\nb\\nc\" | blockquote(1000000000) }}"),
        (
            "loops.md",
            "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
        ),
        (
            "output.txt",
            "{% for a in range(100000) %}{% for b in range(1000) %}xxxxxxxxxxxxxxxx{% endfor %}{% endfor %}",
        ),
    ] {
        let path = sb.tmp.path().join(name);
        std::fs::write(&path, source).unwrap();
        let format = if name.ends_with(".txt") { "text" } else { "md" };
        let out = sb
            .cmd()
            .args(["export", "--since", "all", "--format", format, "--template"])
            .arg(&path)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(
            err.contains(&path.display().to_string()) && err.contains("budget"),
            "{name}: {err}"
        );
        assert!(out.stdout.is_empty(), "{name}");
    }
}

/// `n` shared entries with every part of the summary filled in, a day apart.
fn long_journal(n: usize) -> Sandbox {
    let words = "A few sentences about what happened, who was there and what was said. ".repeat(6);
    let start = DateTime::parse_from_rfc3339("2025-01-01T20:00:00+01:00").unwrap();
    let entries: Vec<Entry> = (0..n)
        .map(|i| {
            let created = (start + chrono::Duration::days(i as i64)).to_rfc3339();
            let mut e = entry(
                &format!("{i:08x}{:024x}", i * 7919),
                &created,
                true,
                vec![
                    rating(keys::ARRIVAL_DISTRESS, (i % 9) as u8),
                    safety(if i % 50 == 0 { "not sure" } else { "no" }),
                    text(keys::WHAT_HAPPENED, &words),
                    feelings(&[("hurt", 6), ("lonely", 7), ("angry", 3)]),
                    a(
                        keys::OTHER_WHO,
                        Kind::ShortText,
                        Value::Text(format!("Person {}", i % 7)),
                    ),
                    text(keys::OTHER_FEELING, &words),
                    rating(keys::OTHER_CERTAINTY, 6),
                    text(keys::OTHER_ALTERNATIVE, &words),
                    rating(keys::AFTER_DISTRESS, 3),
                    text(keys::SHARE_TOPIC, "Something to talk about."),
                ],
            );
            e.nudge = Some(NudgeRecord {
                id: "a-little-less-sure".into(),
                text: "What would you need to see or hear to feel a little less sure?".into(),
                answer: Some(words.clone()),
                after: Some(keys::OTHER_CERTAINTY.into()),
                shown_after: None,
            });
            e.plan_opened = Some(1);
            e
        })
        .collect();
    journal(&entries)
}

#[test]
fn a_long_journal_renders_through_a_copy_of_each_built_in_template() {
    let sb = long_journal(500);
    for (format, file) in [
        ("md", "summary.md"),
        ("html", "summary.html"),
        ("text", "summary.txt"),
    ] {
        let copy = sb.tmp.path().join(file);
        std::fs::copy(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("templates")
                .join(file),
            &copy,
        )
        .unwrap();
        let args = ["--since", "all", "--format", format];
        let built_in = sb.assert_cmd().arg("export").args(args).assert().success();
        let own = sb
            .assert_cmd()
            .arg("export")
            .args(args)
            .arg("--template")
            .arg(&copy)
            .assert()
            .success();
        assert_eq!(
            own.get_output().stdout,
            built_in.get_output().stdout,
            "{format}"
        );
    }
}

// --- A summary with files skipped says so ------------------------------------------

const INCOMPLETE: &str =
    "This summary may be incomplete: some files in the journal could not be read.";

#[test]
fn a_summary_with_files_skipped_says_it_may_be_incomplete_in_every_format() {
    let sb = fixture();
    let mine = sb.tmp.path().join("mine.txt");
    std::fs::write(
        &mine,
        "{{ safety() }}{% if s.incomplete %}INCOMPLETE{% else %}WHOLE{% endif %}\n",
    )
    .unwrap();
    let run = |sb: &Sandbox, args: &[&str]| {
        let out = sb
            .cmd()
            .args(["export", "--since", "2026-03-01", "--until", "2026-03-31"])
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let whole: Vec<String> = FORMATS
        .iter()
        .map(|f| run(&sb, &["--format", f]).1)
        .collect();
    for (format, out) in FORMATS.iter().zip(&whole) {
        assert!(!out.contains(INCOMPLETE), "{format}: {out}");
    }
    let out = run(
        &sb,
        &["--format", "text", "--template", mine.to_str().unwrap()],
    )
    .1;
    assert!(
        out.starts_with("SAFETY\n") && out.ends_with("\nWHOLE\n"),
        "{out}"
    );

    // A damaged file named for a day of the period: it could be anything.
    // (One named outside the period is not read: `mentalog check` finds it.)
    let dir = sb.entry_files()[0].parent().unwrap().to_path_buf();
    assert!(dir.ends_with("2026/03"), "{}", dir.display());
    std::fs::write(dir.join("2026-03-15T10-00-00-bad00000.json"), "{ not json").unwrap();
    for (format, before) in FORMATS.iter().zip(&whole) {
        let (code, out, err) = run(&sb, &["--format", format]);
        assert_eq!(code, Some(3), "{format}: {err}");
        assert!(
            err.contains("bad00000.json") && err.contains("1 file"),
            "{err}"
        );
        if *format == "json" {
            let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(doc["incomplete"], true);
            let schema: serde_json::Value =
                serde_json::from_str(include_str!("../../schemas/summary.schema.json")).unwrap();
            assert!(jsonschema::validator_for(&schema).unwrap().is_valid(&doc));
        } else {
            assert_eq!(out.matches(INCOMPLETE).count(), 1, "{format}: {out}");
        }
        // One line more and nothing else: no count, no name.
        let extra: Vec<&str> = out
            .lines()
            .filter(|l| !before.lines().any(|b| b == *l))
            .collect();
        assert!(extra.len() <= 1 || *format == "json", "{format}: {extra:?}");
        assert!(
            !out.contains("bad00000") && !out.contains("1 file"),
            "{format}"
        );
    }
    // A clinic's template gets `s.incomplete`; the notice itself goes first
    // unless the template writes it, so no template can leave it out.
    let (code, out, _) = run(
        &sb,
        &["--format", "text", "--template", mine.to_str().unwrap()],
    );
    assert_eq!(code, Some(3));
    assert!(
        out.starts_with(&format!("{INCOMPLETE}\n\nSAFETY\n")) && out.ends_with("\nINCOMPLETE\n"),
        "{out}"
    );
    let silent = sb.tmp.path().join("silent.txt");
    std::fs::write(&silent, "Entries: {{ s.glance.entries }}\n").unwrap();
    let (_, out, _) = run(
        &sb,
        &["--format", "md", "--template", silent.to_str().unwrap()],
    );
    assert_eq!(out.matches(INCOMPLETE).count(), 1, "{out}");
    let own = sb.tmp.path().join("own.txt");
    std::fs::write(
        &own,
        "{% if s.incomplete %}This summary may be incomplete: some files in the journal could not be read.{% endif %}\n",
    )
    .unwrap();
    let (_, out, _) = run(
        &sb,
        &["--format", "md", "--template", own.to_str().unwrap()],
    );
    assert_eq!(out.matches(INCOMPLETE).count(), 1, "written once: {out}");
}

#[test]
fn a_feeling_named_without_its_strength_is_exported_in_every_format() {
    let sb = Sandbox::new();
    let mut answers: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/answers.json"
        ))
        .unwrap(),
    )
    .unwrap();
    answers["self.feelings"] = json!([{"name": "wistful"}, {"name": "hurt", "intensity": 7}]);
    sb.assert_cmd()
        .args(["new", "--answers", "-"])
        .write_stdin(answers.to_string())
        .assert()
        .success();
    for format in ["md", "html", "text", "json"] {
        let out = sb
            .cmd()
            .args(["export", "--since", "all", "--format", format])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            text.contains("wistful") && text.contains("hurt"),
            "{format}: {text}"
        );
    }
}

/// Three shared entries (Karl; Zoë with "hurt"; Karl in a lane), a private
/// one about Karl, all in March 2026.
fn filter_journal() -> Sandbox {
    let karl = |id: &str, day: u32, what: &str, feeling: &str| {
        entry(
            id,
            &format!("2026-03-{day:02}T20:00:00+01:00"),
            true,
            vec![
                rating(keys::ARRIVAL_DISTRESS, 5),
                safety("no"),
                text(keys::WHAT_HAPPENED, what),
                feelings(&[(feeling, 6)]),
                a(keys::OTHER_WHO, Kind::ShortText, Value::Text("Karl".into())),
                text(keys::SHARE_TOPIC, &format!("Topic of {id}")),
            ],
        )
    };
    let mut zoe = karl(
        "b2b2b2b2000000000000000000000002",
        5,
        "Zoë rang late. Crème brûlée.",
        "Hurt",
    );
    zoe.answers[4].value = Value::Text("Zoë".into());
    let mut private = karl(
        "c3c3c3c3000000000000000000000003",
        6,
        "PRIVATE-FILTER-TEXT",
        "sad",
    );
    private.shared = false;
    let lane = lane_entry(
        "d4d4d4d4000000000000000000000004",
        "2026-03-07T23:00:00+01:00",
        9,
        "LANE-NOTE-KEPT",
        LaneShare::Whole,
    );
    journal(&[
        karl(
            "a1a1a1a1000000000000000000000001",
            4,
            "Karl laughed at the phone.",
            "angry",
        ),
        zoe,
        private,
        lane,
    ])
}

#[test]
fn list_filters_choose_by_person_feeling_words_sharing_pack_and_lane() {
    let sb = filter_journal();
    let ids = |args: &[&str]| -> Vec<String> {
        let out = sb
            .cmd()
            .args(["list", "--json"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap()[..4].to_string())
            .collect()
    };
    assert_eq!(ids(&[]), ["d4d4", "c3c3", "b2b2", "a1a1"]);
    assert_eq!(ids(&["--person", "KARL"]), ["c3c3", "a1a1"]);
    assert_eq!(ids(&["--person", "zoe"]), ["b2b2"], "accents are set aside");
    assert_eq!(ids(&["--feeling", "hurt"]), ["b2b2"], "case is set aside");
    assert_eq!(ids(&["--contains", "creme BRULEE"]), ["b2b2"]);
    assert_eq!(ids(&["--contains", "phone"]), ["a1a1"]);
    assert_eq!(ids(&["--private"]), ["c3c3"]);
    assert_eq!(ids(&["--shared"]), ["d4d4", "b2b2", "a1a1"]);
    assert_eq!(ids(&["--lane"]), ["d4d4"]);
    assert_eq!(
        ids(&["--pack", "mbt-core"]),
        ["d4d4", "c3c3", "b2b2", "a1a1"]
    );
    assert!(ids(&["--pack", "other"]).is_empty());
    assert_eq!(
        ids(&["--person", "karl", "--shared"]),
        ["a1a1"],
        "every filter at once"
    );
    assert_eq!(
        ids(&["--person", "karl", "-n", "1"]),
        ["c3c3"],
        "the newest that match"
    );
    assert_eq!(
        ids(&["--person", "karl", "--since", "2026-03-05"]),
        ["c3c3"]
    );
    // The text list says that nothing matches, not that the journal is empty.
    let out = sb
        .cmd()
        .args(["list", "--person", "nobody"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "No entries match; 'mentalog list' shows them all.\n"
    );
    let out = sb
        .cmd()
        .args(["list", "--contains", "  "])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_filtered_export_says_so_first_and_keeps_every_lane_entry_in_its_safety_section() {
    let sb = filter_journal();
    for format in FORMATS {
        let whole = export(&sb, &["--format", format]);
        let out = export(&sb, &["--format", format, "--person", "zoe"]);
        assert!(!whole.contains("This summary is filtered"), "{format}");
        assert_eq!(
            out.contains("This summary is filtered"),
            format != "json",
            "{format}: {out}"
        );
        assert!(!out.contains("PRIVATE-FILTER-TEXT"), "{format}");
        // Zoë's entry is the one summarised; Karl's is not.
        assert!(out.contains("Topic of b2b2"), "{format}");
        assert!(!out.contains("Topic of a1a1"), "{format}");
        // The lane entry is not about Zoë, and its safety section is whole.
        assert!(out.contains("LANE-NOTE-KEPT"), "{format}: {out}");
        if format != "json" {
            let notice = out.find("This summary is filtered").unwrap();
            let safety = out.find("LANE-NOTE-KEPT").unwrap();
            assert!(notice < safety, "{format}: the notice comes first");
        }
    }
    let doc: serde_json::Value =
        serde_json::from_str(&export(&sb, &["--format", "json", "--person", "zoe"])).unwrap();
    assert_eq!(doc["filter"], "about the person \"zoe\"");
    assert_eq!(doc["glance"]["entries"], 1);
    let ids: Vec<&str> = doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["id"].as_str().unwrap()[..4])
        .collect();
    assert_eq!(ids, ["b2b2"]);
    assert_eq!(doc["safety"]["lane"].as_array().unwrap().len(), 1);
    let whole: serde_json::Value =
        serde_json::from_str(&export(&sb, &["--format", "json"])).unwrap();
    assert!(whole.get("filter").is_none());
    assert_eq!(
        doc["safety"], whole["safety"],
        "filters never narrow the safety section"
    );
    // Private entries never leave, filter or not.
    let out = sb.cmd().args(["export", "--private"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("private entries never leave"));
}

#[test]
fn two_files_holding_one_entry_are_both_reported_and_a_private_copy_never_speaks() {
    let shared = entry(
        "e5e5e5e5000000000000000000000005",
        "2026-03-10T20:00:00+01:00",
        true,
        vec![
            rating(keys::ARRIVAL_DISTRESS, 9),
            safety("no"),
            text(keys::WHAT_HAPPENED, "The shared words."),
            text(keys::SHARE_TOPIC, "A topic"),
        ],
    );
    let sb = journal(std::slice::from_ref(&shared));
    // A copy of it, made private with other words, under another name.
    let mut copy = shared.clone();
    copy.shared = false;
    copy.safety_shared = true;
    copy.answers[2] = text(keys::WHAT_HAPPENED, "PRIVATE-COPY-WORDS");
    let month = sb.entry_files()[0].parent().unwrap().to_path_buf();
    for name in ["0-copy.json", "zz-copy.json"] {
        let path = month.join(name);
        std::fs::write(&path, serde_json::to_vec_pretty(&copy).unwrap()).unwrap();
        for format in FORMATS {
            let out = sb
                .cmd()
                .args([
                    "export",
                    "--since",
                    "2026-03-01",
                    "--until",
                    "2026-03-31",
                    "--format",
                    format,
                ])
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                !stdout.contains("PRIVATE-COPY-WORDS"),
                "{name} {format}: {stdout}"
            );
            assert_eq!(out.status.code(), Some(3), "{name} {format}: {stderr}");
            assert!(
                stderr.contains("another file holds the same entry"),
                "{stderr}"
            );
        }
        std::fs::remove_file(&path).unwrap();
    }
}

#[test]
fn a_summary_written_to_a_file_is_the_one_written_to_standard_output() {
    let sb = fixture();
    for (format, extra) in [
        ("md", None),
        ("html", None),
        ("json", None),
        ("text", None),
        ("text", Some("--ascii")),
    ] {
        let target = sb
            .tmp
            .path()
            .join(format!("summary-{format}-{}", extra.is_some()));
        let mut args = vec!["export", "--since", "all", "--format", format];
        args.extend(extra);
        let piped = sb.assert_cmd().args(&args).assert().success();
        sb.assert_cmd()
            .args(&args)
            .arg("--out")
            .arg(&target)
            .assert()
            .success();
        assert_eq!(
            std::fs::read(&target).unwrap(),
            piped.get_output().stdout,
            "{format} {extra:?}"
        );
    }
}

#[test]
fn a_pseudonymised_filtered_summary_never_names_the_person_it_is_about() {
    let sb = filter_journal();
    for format in FORMATS {
        let out = export(
            &sb,
            &["--format", format, "--person", "karl", "--pseudonymize"],
        );
        assert!(!out.to_lowercase().contains("karl"), "{format}: {out}");
        if format != "json" {
            assert!(out.contains("This summary is filtered"), "{format}");
        }
    }
}

/// An export encrypted to a therapist's key opens with that key, in-process
/// and with the age command-line tool, to the bytes of the plain export.
#[cfg(feature = "encryption")]
#[test]
fn an_export_encrypted_to_the_therapists_key_opens_with_that_key_only() {
    use age::secrecy::ExposeSecret;
    let sb = fixture();
    let therapist = age::x25519::Identity::generate();
    let someone_else = age::x25519::Identity::generate();
    let recipient = therapist.to_public().to_string();
    let plain = sb
        .assert_cmd()
        .args(["export", "--since", "all", "--format", "md"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let file = sb.tmp.path().join("summary.md.age");
    let out = sb
        .assert_cmd()
        .args([
            "export", "--since", "all", "--format", "md", "--to", &recipient, "--out",
        ])
        .arg(&file)
        .assert()
        .success();
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("encrypted"));
    let sealed = std::fs::read(&file).unwrap();
    assert!(sealed.starts_with(b"age-encryption.org/v1"), "an age file");
    assert!(
        !sealed.windows(9).any(|w| w == b"Tom Baker"),
        "no words in the clear"
    );
    assert_eq!(age::decrypt(&therapist, &sealed).unwrap(), plain);
    assert!(age::decrypt(&someone_else, &sealed).is_err());

    // A recipients file with a comment, the key and another's: either opens it.
    let list = sb.tmp.path().join("recipients.txt");
    std::fs::write(
        &list,
        format!(
            "# my therapist\n{recipient}\n\n{}\n",
            someone_else.to_public()
        ),
    )
    .unwrap();
    let both = sb.tmp.path().join("both.age");
    sb.assert_cmd()
        .args(["export", "--since", "all", "--format", "json", "--to-file"])
        .arg(&list)
        .arg("--out")
        .arg(&both)
        .assert()
        .success();
    let sealed = std::fs::read(&both).unwrap();
    assert!(age::decrypt(&therapist, &sealed).is_ok());
    assert!(age::decrypt(&someone_else, &sealed).is_ok());

    // The age tool itself opens it (installed by .ci/run).
    match std::process::Command::new("age").arg("--version").output() {
        Ok(_) => {
            let key = sb.tmp.path().join("therapist.key");
            std::fs::write(&key, therapist.to_string().expose_secret()).unwrap();
            let opened = std::process::Command::new("age")
                .arg("-d")
                .arg("-i")
                .arg(&key)
                .arg(&file)
                .output()
                .unwrap();
            assert!(
                opened.status.success(),
                "{}",
                String::from_utf8_lossy(&opened.stderr)
            );
            assert_eq!(opened.stdout, plain);
        }
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("the age tool is missing: .ci/run installs it (apt-get install age)")
        }
        Err(_) => eprintln!("age is not installed here: its part of this test is skipped"),
    }

    // What is not a key, and what cannot be encrypted, is said before anything is written.
    for args in [
        vec!["--to", "age1notakey", "--out", "x.age"],
        vec!["--to", &recipient, "--out", "x.age", "--preview"],
    ] {
        let out = sb
            .cmd()
            .current_dir(sb.tmp.path())
            .args(["export", "--since", "all"])
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!sb.tmp.path().join("x.age").exists());
    }
    let out = sb
        .cmd()
        .args(["export", "--to", &recipient])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "--to needs --out");
}
