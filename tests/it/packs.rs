//! Every built-in pack walked end to end in a pseudo-terminal, through the
//! real binary with `new --pack <id>`, as a person would answer it: arrow
//! keys and Enter in lists, ticks in the feelings checklist, typed text and
//! numbers, and one question skipped. The saved entry must name the pack
//! and its version and keep each question as the pack words it, next to
//! what was typed.
//!
//! The walk is driven by the pack itself (its resolved steps), so a pack's
//! rewording or a new step is followed without editing this file; a new
//! built-in pack fails `every_built_in_pack_has_a_walk` until it has a test
//! here.

use std::collections::BTreeSet;

use mentalog::entry::Kind;
use mentalog::pack::{BUILTIN, Pack, Step};
use serde_json::{Value, json};

use crate::pty::{DOWN, ENTER, READ_BACK, Walk};
use crate::sandbox::{NOW, Sandbox, read_json};

/// The packs walked below, one test each.
const WALKED: &[&str] = &["mbt-core", "mbt-quick", "mbt-better", "mbt-session"];

/// The last item of the feelings checklist.
const OWN_WORDS: &str = "something else, in my own words";
/// The last item of a list that may be skipped.
const SKIP_ITEM: &str = "(skip this one)";

#[test]
fn every_built_in_pack_has_a_walk() {
    let built_in: BTreeSet<&str> = BUILTIN.iter().map(|(id, _)| *id).collect();
    let walked: BTreeSet<&str> = WALKED.iter().copied().collect();
    assert_eq!(
        built_in, walked,
        "each built-in pack needs its own walk in tests/it/packs.rs"
    );
}

/// What a person might write at `key`. None of it holds a nudge's words,
/// and every guess is given, so no nudge is due.
fn words_for(key: &str) -> String {
    match key {
        "moment.what_happened" => "My sister cancelled dinner at the last minute",
        "moment.turning_point" => "Her text came while I was cooking",
        "self.body" => "tight chest",
        "self.thoughts" => "She does not want to see me",
        "self.needs" => "To feel wanted",
        "self.actions" => "I put my phone away",
        "moment.next" => "She sent a heart and I felt a bit lighter",
        "other.who" => "my sister",
        "other.feeling" => "Tired after work, maybe stressed",
        "other.intent" => "To rest and not let me down later",
        "other.alternative" => "Something came up at home",
        "self.as_seen" => "Short with her",
        "repair.since" => "We talked on Sunday and I told her I was hurt",
        "after.shift" => "A little",
        "share.topic" => "Feeling let down",
        "better.noticed" => "I took a breath before I answered",
        "better.curious" => "I remembered she had a long week",
        "better.keep" => "Asking before I decide what she meant",
        "session.stayed" => "When the group went quiet after I spoke",
        "session.between" => "I felt my therapist did not get it, and I said so",
        other => return format!("A few words at {other}"),
    }
    .to_string()
}

/// Walks the built-in pack `id` from the arrival check to the close,
/// skipping the question at `skip`, and returns the saved entry after
/// checking that every answer keeps its question and what was typed.
fn walk(id: &str, skip: &str) -> Value {
    let source = BUILTIN
        .iter()
        .find(|(b, _)| *b == id)
        .map(|(_, s)| *s)
        .unwrap_or_else(|| panic!("{id} is not a built-in pack"));
    let written = Pack::parse(source).unwrap();
    let pack = written.resolve(None, &|_| true);
    assert!(
        pack.steps.iter().any(|s| s.key == skip && s.skippable),
        "{id} has no step {skip} to skip"
    );

    let sb = Sandbox::new();
    let mut w = Walk::at(&sb, &["new", "--pack", id], NOW);
    // (step, what the saved entry must hold), in the order answered.
    let mut expected: Vec<(&Step, Value)> = Vec::new();
    let mut answered: BTreeSet<&str> = BTreeSet::new();
    for step in &pack.steps {
        let q = step.question.as_str();
        if !step.needs_any.is_empty()
            && !step.needs_any.iter().any(|k| answered.contains(k.as_str()))
        {
            continue;
        }
        if step.key == skip {
            if step.kind == Kind::Feelings {
                w.expect(q);
                w.expect(OWN_WORDS);
                w.send(ENTER);
                let echo = w.echo(q, "(none)");
                w.expect(&echo);
            } else {
                w.skip(&shown_question(step));
            }
            continue;
        }
        // What was written is read back before the re-rating.
        if step.key == "after.distress" {
            w.expect(READ_BACK);
        }
        if let Some(framing) = &step.framing {
            w.expect(framing);
        }
        let value = match step.kind {
            Kind::ShortText | Kind::LongText => {
                let typed = words_for(&step.key);
                w.answer(q, &typed);
                json!(typed)
            }
            Kind::Rating => {
                let typed = match step.key.as_str() {
                    "arrival.distress" => 4,
                    "after.distress" => 2,
                    _ => 3,
                };
                w.answer(&shown_question(step), &typed.to_string());
                json!(typed)
            }
            Kind::Scale => {
                let min = step.scale.as_ref().expect("a measure item has a scale").min;
                w.answer(&shown_question(step), &min.to_string());
                json!(min)
            }
            // Lists open with nothing chosen: the first ↓ marks the first item.
            Kind::YesNoUnsure => {
                choose(&mut w, step, &["yes", "no", "not sure"], 1);
                json!("no")
            }
            Kind::YesNo => {
                choose(&mut w, step, &["yes", "no"], 0);
                json!(true)
            }
            Kind::Choice => {
                let options: Vec<&str> = step.options.iter().map(String::as_str).collect();
                let i = 1.min(options.len() - 1);
                choose(&mut w, step, &options, i);
                json!(options[i])
            }
            Kind::Feelings => {
                let (a, b) = (&pack.feelings[2], &pack.feelings[5]);
                w.expect(q);
                w.expect(OWN_WORDS);
                w.tick(3, a);
                w.tick(6, b);
                w.send(ENTER);
                let echo = w.echo(q, &format!("{a}, {b}"));
                w.expect(&echo);
                w.answer(
                    &format!("How strong was \"{a}\" at the time? (0 to 10)"),
                    "6",
                );
                w.answer(
                    &format!("How strong was \"{b}\" at the time? (0 to 10)"),
                    "8",
                );
                json!([{"name": a, "intensity": 6}, {"name": b, "intensity": 8}])
            }
        };
        answered.insert(step.key.as_str());
        expected.push((step, value));
    }
    w.expect("Saved. It will be part of what you export for your therapist.");
    let path = w.saved_path();
    w.exits(0);

    assert_eq!(sb.entry_files(), vec![path.clone()]);
    let doc = read_json(&path);
    assert_eq!(doc["pack"]["id"], id);
    assert_eq!(doc["pack"]["version"], written.version.to_string());
    assert_eq!(doc.get("nudge"), None, "{id}: no nudge was due");
    let answers = doc["answers"].as_array().unwrap();
    let keys: Vec<&str> = answers.iter().map(|a| a["key"].as_str().unwrap()).collect();
    let wanted: Vec<&str> = expected.iter().map(|(s, _)| s.key.as_str()).collect();
    assert_eq!(keys, wanted, "{id}: the answers saved");
    for ((step, value), saved) in expected.iter().zip(answers) {
        assert_eq!(
            saved["question"],
            step.question.as_str(),
            "{id}: {}",
            step.key
        );
        assert_eq!(&saved["value"], value, "{id}: {}", step.key);
        let framing = step.framing.as_deref().map_or(Value::Null, |f| json!(f));
        assert_eq!(
            saved.get("framing").cloned().unwrap_or(Value::Null),
            framing,
            "{id}: {}",
            step.key
        );
    }
    doc
}

/// A rating or measure item as the walk asks it, with its anchor words.
fn shown_question(step: &Step) -> String {
    let q = &step.question;
    match (step.kind, &step.anchors, &step.scale) {
        (Kind::Rating, Some([low, high]), _) => format!("{q} (0 = {low}, 10 = {high})"),
        (Kind::Rating, None, _) => format!("{q} (0 to 10)"),
        (Kind::Scale, _, Some(scale)) => format!("{q} ({})", scale.key()),
        _ => q.clone(),
    }
}

/// Moves down the list of `step` with ↓ to item `i` (from 0) of `items`
/// and presses Enter.
fn choose(w: &mut Walk, step: &Step, items: &[&str], i: usize) {
    let question = step.question.as_str();
    w.expect(question);
    // The list is drawn once its last row is.
    w.expect(if step.skippable {
        SKIP_ITEM
    } else {
        items[items.len() - 1]
    });
    for item in &items[..=i] {
        w.send(DOWN);
        let row = format!("{} {item}", w.mark());
        w.expect(&row);
    }
    w.send(ENTER);
    let echo = w.echo(question, items[i]);
    w.expect(&echo);
}

/// The answer to `key` in a saved entry.
fn saved<'a>(doc: &'a Value, key: &str) -> Option<&'a Value> {
    doc["answers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["key"] == key)
}

#[test]
fn the_core_walk_asks_about_the_chain_and_repair() {
    let doc = walk("mbt-core", "self.body");
    assert_eq!(doc["pack"]["version"], "3");
    let next = saved(&doc, "moment.next").expect("the interpersonal chain");
    assert_eq!(
        next["question"],
        "What did they do next, and what happened in you then?"
    );
    let repair = saved(&doc, "repair.since").expect("repair");
    assert_eq!(
        repair["question"],
        "Has anything happened between you since? Is there something you'd want them to understand, or to understand about them?"
    );
    assert!(saved(&doc, "self.body").is_none(), "skipped");
}

#[test]
fn the_quick_walk_asks_how_sure_only_after_a_guess() {
    // No guess, so no "how sure are you about that guess".
    let doc = walk("mbt-quick", "other.feeling");
    assert_eq!(doc["pack"]["version"], "1");
    assert!(saved(&doc, "other.feeling").is_none());
    assert!(saved(&doc, "other.certainty").is_none());
    let keys: Vec<&str> = doc["answers"]
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
            "moment.what_happened",
            "self.feelings",
            "after.distress",
            "share.topic",
            "share.include"
        ]
    );
}

#[test]
fn the_better_walk_asks_what_helped() {
    let doc = walk("mbt-better", "share.topic");
    for key in [
        "better.curious",
        "better.noticed",
        "better.keep",
        "other.certainty",
    ] {
        assert!(saved(&doc, key).is_some(), "{key}");
    }
}

#[test]
fn the_session_walk_makes_room_for_what_felt_wrong() {
    let doc = walk("mbt-session", "session.stayed");
    let between = saved(&doc, "session.between").expect("the relationship question");
    assert!(
        between["framing"]
            .as_str()
            .is_some_and(|f| f.contains("something that felt wrong")),
        "{between}"
    );
    assert_eq!(
        saved(&doc, "session.which").unwrap()["value"],
        "a group session"
    );
    assert_eq!(
        saved(&doc, "share.topic").unwrap()["question"],
        "Is there anything you'd like to bring back to the next session?"
    );
}
