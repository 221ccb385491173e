//! The summary model of issue 9 through the binary: the brief form, the
//! label, provenance, the threshold and session days for the chart,
//! certainty with its day and person, `--ascii` only with text, and the
//! schema for both lengths.

use chrono::{DateTime, NaiveDate};
use mentalog::entry::{
    Answer, Entry, Kind, MeasureResult, PackRef, SCHEMA_VERSION, SubscaleResult, Value, keys,
};
use mentalog::sessions::Sessions;
use mentalog::store::Store;
use serde_json::json;

use crate::sandbox::Sandbox;

const FORMATS: [&str; 4] = ["md", "html", "json", "text"];
const HUMAN: [&str; 3] = ["md", "html", "text"];
/// Written only in the appendix (the shared entries in full).
const APPENDIX_ONLY: &str = "APPENDIX-ONLY-WORDS";
const PRIVATE_TOPIC: &str = "PRIVATE-TOPIC-WALRUS";

fn answer(key: &str, kind: Kind, value: Value) -> Answer {
    Answer {
        key: key.into(),
        kind,
        question: format!("Question for {key}?"),
        framing: None,
        value,
    }
}

fn text(key: &str, t: &str) -> Answer {
    answer(key, Kind::LongText, Value::Text(t.into()))
}

fn rating(key: &str, r: u8) -> Answer {
    answer(key, Kind::Rating, Value::Rating(r))
}

fn entry(id: &str, day: u32, shared: bool, answers: Vec<Answer>) -> Entry {
    Entry {
        schema: SCHEMA_VERSION,
        id: id.into(),
        created: DateTime::parse_from_rfc3339(&format!("2026-03-{day:02}T19:00:00+00:00")).unwrap(),
        pack: PackRef {
            id: "mbt-core".into(),
            version: "3".into(),
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

/// A shared entry with a topic, a moment, a certainty rating about Tom
/// Baker, words only the appendix shows and a measure whose pack shows scores.
fn with_topic(id: &str, day: u32, topic: &str) -> Entry {
    let mut e = entry(
        id,
        day,
        true,
        vec![
            rating(keys::ARRIVAL_DISTRESS, 6),
            answer(
                keys::ARRIVAL_SAFETY,
                Kind::YesNoUnsure,
                Value::Text("no".into()),
            ),
            text(keys::WHAT_HAPPENED, &format!("The moment of {id}.")),
            text(keys::OTHER_WHO, "Tom Baker"),
            rating(keys::OTHER_CERTAINTY, 7),
            text("self.body", APPENDIX_ONLY),
            rating(keys::AFTER_DISTRESS, 4),
            text(keys::SHARE_TOPIC, topic),
        ],
    );
    e.measures = vec![MeasureResult {
        id: "closeness".into(),
        title: "Closeness".into(),
        citation: "Cited.".into(),
        permission: "Allowed.".into(),
        show_scores: true,
        subscales: vec![SubscaleResult {
            id: "all".into(),
            title: "All".into(),
            method: "sum".into(),
            score: Some(8.0),
            answered: 2,
            items: 2,
        }],
    }];
    e
}

/// Eight shared entries with topics, two of them the same again.
fn topics_journal() -> Vec<Entry> {
    let mut older_pack = with_topic("a1000000", 2, "Work");
    older_pack.pack.version = "2".into();
    vec![
        older_pack,
        with_topic("a2000000", 3, "the exam"),
        with_topic("a3000000", 4, "sleep"),
        with_topic("a4000000", 5, "my sister"),
        with_topic("a5000000", 6, "  My   Sister "),
        with_topic("a6000000", 7, "money"),
        with_topic("a7000000", 8, "WORK"),
        with_topic("a8000000", 9, "the flat"),
    ]
}

/// A private entry with a topic, another pack, a safety answer and
/// distress: nothing of it may show.
fn private_entry() -> Entry {
    let mut e = entry(
        "p9000000",
        10,
        false,
        vec![
            rating(keys::ARRIVAL_DISTRESS, 10),
            answer(
                keys::ARRIVAL_SAFETY,
                Kind::YesNoUnsure,
                Value::Text("yes".into()),
            ),
            text(keys::OTHER_WHO, "Tom Baker"),
            rating(keys::OTHER_CERTAINTY, 10),
            text(keys::SHARE_TOPIC, PRIVATE_TOPIC),
        ],
    );
    e.pack = PackRef {
        id: "secret-pack".into(),
        version: "9".into(),
    };
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

fn run(sb: &Sandbox, args: &[&str]) -> std::process::Output {
    sb.cmd()
        .args(["export", "--since", "2026-03-01", "--until", "2026-03-31"])
        .args(args)
        .output()
        .unwrap()
}

fn export(sb: &Sandbox, args: &[&str]) -> String {
    let out = run(sb, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The JSON summary, checked against the shipped schema.
fn json_export(sb: &Sandbox, args: &[&str]) -> serde_json::Value {
    let doc: serde_json::Value =
        serde_json::from_str(&export(sb, &[&["--format", "json"], args].concat())).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../schemas/summary.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{args:?}: {errors:#?}");
    assert_eq!(doc["schema"], "mentalog.summary/5");
    doc
}

fn topic_texts(doc: &serde_json::Value) -> Vec<&str> {
    doc["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["text"].as_str().unwrap())
        .collect()
}

#[test]
fn the_brief_json_has_no_appendix_no_measures_and_counts_the_topics_left_out() {
    let sb = journal(&topics_journal());
    let full = json_export(&sb, &[]);
    assert_eq!(full["brief"], false);
    assert_eq!(full["topics_more"], 0);
    assert_eq!(topic_texts(&full).len(), 8, "every topic, duplicates too");
    assert_eq!(full["entries"].as_array().unwrap().len(), 8);
    assert_eq!(full["measures"].as_array().unwrap().len(), 1);

    let brief = json_export(&sb, &["--brief"]);
    assert_eq!(brief["brief"], true);
    assert_eq!(brief["entries"], json!([]));
    assert_eq!(brief["measures"], json!([]));
    // The newest five that differ, in date order, each as last written:
    // "my sister" is "  My   Sister " again.
    assert_eq!(
        topic_texts(&brief),
        ["sleep", "  My   Sister ", "money", "WORK", "the flat"]
    );
    // "and 3 more in the full summary": the full form lists 8.
    assert_eq!(brief["topics_more"], 3);
    // The rest is the full form's.
    for part in [
        "safety",
        "focus",
        "glance",
        "episodes",
        "threshold",
        "sessions",
        "label",
        "provenance",
        "period",
    ] {
        assert_eq!(brief[part], full[part], "{part}");
    }

    // The schema holds the two lengths to this.
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../schemas/summary.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for (part, value) in [
        ("entries", full["entries"].clone()),
        ("measures", full["measures"].clone()),
        ("topics", full["topics"].clone()),
    ] {
        let mut wrong = brief.clone();
        wrong[part] = value;
        assert!(
            !validator.is_valid(&wrong),
            "a brief form with {part} in full"
        );
    }
    let mut wrong = full.clone();
    wrong["topics_more"] = json!(1);
    assert!(
        !validator.is_valid(&wrong),
        "topics left out of the full form"
    );

    // The human formats hold nothing of the appendix either.
    for format in HUMAN {
        let whole = export(&sb, &["--format", format]);
        assert!(whole.contains(APPENDIX_ONLY), "{format}");
        let short = export(&sb, &["--format", format, "--brief"]);
        assert!(!short.contains(APPENDIX_ONLY), "{format}: {short}");
        assert!(short.len() < whole.len(), "{format}");
    }

    // A period with nothing in it validates in both lengths too.
    let empty = Sandbox::new();
    empty.create_data();
    for args in [&[][..], &["--brief"][..]] {
        let doc = json_export(&empty, args);
        assert_eq!(
            (doc["topics"].clone(), doc["topics_more"].clone()),
            (json!([]), json!(0))
        );
    }
}

#[test]
fn a_private_entry_with_a_topic_changes_no_byte_of_the_brief_form() {
    let shared = topics_journal();
    let mut with_private = shared.clone();
    with_private.push(private_entry());
    let (without, with) = (journal(&shared), journal(&with_private));
    for format in FORMATS {
        for brief in [true, false] {
            let args: &[&str] = if brief {
                &["--format", format, "--brief"]
            } else {
                &["--format", format]
            };
            let (a, b) = (export(&without, args), export(&with, args));
            assert_eq!(a, b, "{args:?}");
            for trace in [PRIVATE_TOPIC, "p9000000", "secret-pack"] {
                assert!(!b.contains(trace), "{args:?} shows {trace:?}");
            }
        }
    }
    let doc = json_export(&with, &["--brief"]);
    assert_eq!(doc["topics_more"], 3, "the private topic is not counted");
    assert_eq!(
        doc["provenance"]["packs"],
        json!([{"id": "mbt-core", "version": "2"}, {"id": "mbt-core", "version": "3"}])
    );
    assert_eq!(doc["provenance"]["mentalog"], env!("CARGO_PKG_VERSION"));
}

#[test]
fn the_label_is_in_the_json_clean_and_on_one_line() {
    let sb = journal(&topics_journal());
    assert_eq!(
        json_export(&sb, &[])["label"],
        json!(null),
        "never required"
    );
    sb.write_config("label = \"A.B.\\n\\u001b[31m clinic 4711 \"\n");
    for args in [&[][..], &["--brief"][..], &["--pseudonymize"][..]] {
        assert_eq!(
            json_export(&sb, args)["label"],
            "A.B. clinic 4711",
            "{args:?}"
        );
    }
    // Untrusted config text: cut to one line of 80 columns.
    sb.write_config(&format!("label = \"{}\"\n", "label ".repeat(40)));
    let label = json_export(&sb, &[])["label"].as_str().unwrap().to_string();
    assert_eq!(label.chars().count(), 80, "{label}");
    assert!(
        label.starts_with("label label") && label.ends_with('…'),
        "{label}"
    );
}

#[test]
fn ascii_is_for_the_text_format_only() {
    let sb = journal(&topics_journal());
    for args in [
        &["--ascii"][..],
        &["--ascii", "--format", "md"][..],
        &["--format", "html", "--ascii"][..],
        &["--format", "json", "--ascii", "--brief"][..],
    ] {
        let out = run(&sb, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--ascii") && err.contains("--format text"),
            "{args:?}: {err}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    let out = run(&sb, &["--format", "text", "--ascii"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_threshold_is_the_configs_else_the_packs() {
    let sb = journal(&topics_journal());
    assert_eq!(json_export(&sb, &[])["threshold"], 8, "the built-in pack's");
    // A pack of the person's own with another threshold.
    let core = include_str!("../../prompts/mbt-core.toml")
        .replace("id = \"mbt-core\"", "id = \"clinic-six\"")
        .replace("safety_threshold = 8", "safety_threshold = 6");
    let packs = sb.data().join("packs");
    std::fs::create_dir_all(&packs).unwrap();
    std::fs::write(packs.join("clinic-six.toml"), core).unwrap();
    sb.write_config("pack = \"clinic-six\"\n");
    assert_eq!(json_export(&sb, &[])["threshold"], 6, "the pack in use");
    sb.write_config("pack = \"clinic-six\"\nsafety_threshold = 9\n");
    assert_eq!(
        json_export(&sb, &["--brief"])["threshold"],
        9,
        "the config's"
    );
    // A pack that cannot be read: the default, and the summary still written.
    sb.write_config("pack = \"no-such-pack\"\n");
    assert_eq!(json_export(&sb, &[])["threshold"], 8);
}

#[test]
fn session_days_are_those_within_the_period() {
    let sb = journal(&topics_journal());
    let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    Store::new(sb.data())
        .write_sessions(&Sessions {
            held: vec![day(2, 27), day(3, 1), day(3, 12), day(3, 31), day(4, 2)],
            ..Sessions::default()
        })
        .unwrap();
    for args in [&[][..], &["--brief"][..]] {
        assert_eq!(
            json_export(&sb, args)["sessions"],
            json!(["2026-03-01", "2026-03-12", "2026-03-31"]),
            "{args:?}"
        );
    }
}

#[test]
fn certainty_names_its_day_and_person_as_shared_or_swapped() {
    let mut entries = topics_journal();
    entries.truncate(2);
    entries[1].answers.retain(|a| a.key != keys::OTHER_WHO);
    let sb = journal(&entries);
    let doc = json_export(&sb, &["--brief"]);
    assert_eq!(
        doc["glance"]["certainty"],
        json!([
            {"id": "a1000000", "created": "2026-03-02T19:00:00+00:00", "value": 7, "who": "Tom Baker"},
            {"id": "a2000000", "created": "2026-03-03T19:00:00+00:00", "value": 7, "who": null}
        ])
    );
    sb.write_config("[names]\n\"Tom Baker\" = \"my colleague\"\n");
    let doc = json_export(&sb, &["--pseudonymize"]);
    // Swapped as every other answer is (a capital at the start of a sentence).
    assert_eq!(doc["glance"]["certainty"][0]["who"], "My colleague");
    assert!(!doc.to_string().contains("Tom"), "{doc}");
}
