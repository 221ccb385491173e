//! The summary for the next session: every format over a fixture journal
//! full of hostile and tricky content, privacy, pseudonyms, templates.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;

use chrono::DateTime;
use mentalog::entry::{Answer, Entry, Feeling, Kind, NudgeRecord, PackRef, Value, keys};
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

fn a(key: &str, kind: Kind, value: Value) -> Answer {
    Answer {
        key: key.into(),
        kind,
        question: format!("Question for {key}?"),
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
        schema: 1,
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
    }
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
            text(keys::OTHER_FEELING, "Tom Baker was probably stressed."),
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
    });
    let long = "I kept going over it. ".repeat(455);
    assert!(long.len() >= 10_000);
    let e2 = entry(
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
            rating(keys::AFTER_DISTRESS, 6),
        ],
    );
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
    e3.pack.version = "0".into();
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
    for e in [e1, e2, e3, private, lane] {
        store.save_entry(&e).unwrap();
    }
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
    for format in FORMATS {
        let first = export(&sb, &["--format", format]);
        let later = sb
            .assert_cmd()
            .env("MENTALOG_NOW", "2027-01-01T09:00:00+09:00")
            .args([
                "export",
                "--since",
                "2026-03-01",
                "--until",
                "2026-03-31",
                "--format",
                format,
            ])
            .assert()
            .success();
        assert_eq!(
            first.as_bytes(),
            later.get_output().stdout.as_slice(),
            "{format}"
        );
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
        assert_eq!(doc["schema"], "mentalog.summary/1");
        assert_eq!(doc["glance"]["entries"], 3);
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
                    (json!(6), json!(6)),
                    (json!(5), json!(2))
                ]
            );
            assert!(doc["safety"]["lane"].as_array().unwrap().is_empty());
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
    sb.write_config("[names]\n\"Mira\" = \"a colleague\"\n");
    for format in FORMATS {
        let out = export(&sb, &["--format", format, "--pseudonymize"]).to_lowercase();
        // As words: the HTML's stylesheet says "border-bottom".
        let words: Vec<&str> = out.split(|c: char| !c.is_alphanumeric()).collect();
        for name in ["tom", "baker", "mira"] {
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
    assert!(out.starts_with("Entries: 3\n"), "{out}");
    assert!(
        out.contains(r"\# not a heading \<script\>"),
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
    assert_eq!(doc["glance"]["entries"], 2, "the entries of 9 and 10 March");
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
    assert_eq!(map["glance"]["entries"], 3);
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
            out.contains("2Jscreen and reversed"),
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
