//! A therapist's own pack (examples/therapist-pack.toml): steps reordered,
//! reworded and turned off, a question of their own, urge tracking, a focus
//! and a measure with reversed items. Walked in-process through the
//! scripted prompter and end to end in a pseudo-terminal; the saved entry
//! keeps the questions as they were asked and the scores as computed by hand.

use chrono::DateTime;
use mentalog::cli::{Command, NewArgs};
use mentalog::config::Config;
use mentalog::context::Context;
use mentalog::entry::{Entry, Value, keys};
use mentalog::paths::Paths;
use mentalog::prompt::{Reply, Scripted};
use mentalog::store::Store;
use serde_json::json;

use crate::pty::{ENTER, Walk};
use crate::sandbox::{NOW, Sandbox, answer, later, read_json};
use Reply::{Multi, Select, Text};

const PACK: &str = include_str!("../../examples/therapist-pack.toml");

fn pack_path() -> String {
    format!(
        "{}/examples/therapist-pack.toml",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn t(s: &str) -> Reply {
    Text(s.to_string())
}

/// Runs `new --pack <the example>` in-process at `now`; returns the
/// prompter and the exit code.
fn new_at(sb: &Sandbox, now: &str, replies: Vec<Reply>) -> (Scripted, u8) {
    let p = Scripted::new(replies);
    let paths = Paths {
        data: sb.data(),
        config: sb.config(),
    };
    let config = Config::load(&sb.config());
    let now = DateTime::parse_from_rfc3339(now).unwrap();
    let mut ctx = Context::new(paths, config, now, Box::new(p.clone()));
    let command = Command::New(NewArgs {
        answers: None,
        pack: Some(pack_path()),
        at: None,
    });
    let code = match mentalog::run_in(&mut ctx, &command) {
        Ok(()) => 0,
        Err(e) => mentalog::exit_code(&e),
    };
    assert_eq!(p.remaining(), 0, "replies left over:\n{}", p.text());
    (p, code)
}

fn entries(sb: &Sandbox) -> Vec<Entry> {
    let mut all: Vec<Entry> = Store::new(sb.data())
        .load()
        .unwrap()
        .entries
        .into_iter()
        .map(|s| s.entry)
        .collect();
    all.sort_by_key(|e| e.created);
    all
}

/// The arrival check with urges: distress, safety, urge, acted on.
fn arrival(distress: &str, urge: &str, acted: usize) -> Vec<Reply> {
    vec![t(distress), Select(1), t(urge), Select(acted)]
}

/// The rest of a calm walk, the four measure items given as `items`.
fn the_rest(items: &[&str]) -> Vec<Reply> {
    let mut r = vec![
        t("They went to lunch without me."),
        t("J"),
        t("Busy, maybe."),
        t("5"),            // other.certainty
        Multi(vec![0]),    // hurt
        t("6"),            // its intensity
        t("To be asked."), // the therapist's own question
        t("3"),            // after.distress
    ];
    r.extend(items.iter().map(|i| t(i)));
    r.push(Select(0)); // focus.about: yes
    r.push(Select(0)); // share.include: yes
    r
}

#[test]
fn the_example_pack_resolves_into_the_walk_its_therapist_wrote() {
    let pack = mentalog::pack::Pack::parse(PACK).unwrap();
    assert_eq!(pack.format, 2);
    assert_eq!(pack.version, 1);
    let walk = pack.resolve(pack.focus.as_deref(), &|_| true);
    let keys: Vec<&str> = walk.steps.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "arrival.distress",
            "arrival.safety",
            "arrival.urge",
            "arrival.urge_acted",
            "moment.what_happened",
            "other.who",
            "other.feeling",
            "other.certainty",
            "self.feelings",
            "self.hoped",
            "after.distress",
            "measure.curiosity.wondered",
            "measure.curiosity.sure",
            "measure.curiosity.named",
            "measure.curiosity.facts",
            "focus.about",
            "share.include",
        ],
        "self.body is turned off; urges follow the arrival check; the focus comes before sharing"
    );
    assert!(!walk.steps[0].skippable && !walk.steps[1].skippable);
    assert!(walk.steps[2..].iter().all(|s| s.skippable));
    // Without a focus there is no question about it; without the measure
    // being due, no items.
    let bare = pack.resolve(None, &|_| false);
    assert!(bare.step(keys::FOCUS_ABOUT).is_none());
    assert!(!bare.steps.iter().any(|s| s.key.starts_with("measure.")));
}

#[test]
fn a_walk_keeps_the_reworded_questions_and_the_scores_computed_by_hand() {
    let sb = Sandbox::new();
    let mut replies = arrival("4", "2", 1);
    // A 5 on a scale of 0 to 4 is refused and asked again; facts is skipped.
    replies.extend(the_rest(&["5", "3", "1", "4", ""]));
    let (p, code) = new_at(&sb, NOW, replies);
    assert_eq!(code, 0, "{}", p.text());
    assert_eq!(p.refusals(), ["Please type a whole number from 0 to 4."]);
    let said = p.text();
    assert!(
        said.contains("Your focus for now, as you agreed in a session: \u{201c}moments when I feel left out\u{201d}"),
        "{said}"
    );
    assert!(
        !said.contains("Curious about them"),
        "no score or subscale is shown in the walk"
    );
    let e = &entries(&sb)[0];
    assert_eq!(e.pack.id, "left-out");
    assert_eq!(e.pack.version, "1");
    assert_eq!(
        e.answer(keys::WHAT_HAPPENED).unwrap().question,
        "When did you feel left out? Say what happened, as a camera would have seen it."
    );
    assert_eq!(e.text("self.hoped"), Some("To be asked."));
    assert_eq!(
        e.answer("self.hoped").unwrap().question,
        "What were you hoping would happen?"
    );
    assert!(e.answer(keys::SELF_BODY).is_none());
    assert_eq!(e.rating(keys::ARRIVAL_URGE), Some(2));
    assert_eq!(
        e.answer(keys::ARRIVAL_URGE_ACTED).unwrap().value,
        Value::Bool(false)
    );
    assert_eq!(
        e.answer(keys::FOCUS_ABOUT).unwrap().value,
        Value::Bool(true)
    );
    assert_eq!(e.focus.as_deref(), Some("moments when I feel left out"));
    assert!(!e.safety_lane && e.shared);
    // By hand: wondered 3; sure 1, reversed on 0-4: 3; mean of the two: 3.
    // named 4; facts skipped; min_answered 1: the mean 4 times 2 items: 8.
    let m = &e.measures[0];
    assert_eq!((m.id.as_str(), m.show_scores), ("curiosity", true));
    let scores: Vec<_> = m
        .subscales
        .iter()
        .map(|s| (s.id.as_str(), s.score, s.answered, s.items))
        .collect();
    assert_eq!(
        scores,
        [("other", Some(3.0), 2, 2), ("self", Some(8.0), 1, 2)]
    );
}

#[test]
fn an_urge_at_the_threshold_or_acted_on_opens_the_lane() {
    // An urge of 6 (the pack's threshold) opens the lane at once; an urge
    // acted on opens it after that answer; an urge of 5 not acted on does not.
    let lane = |mut arrival: Vec<Reply>| {
        arrival.extend([t("A hard day."), Select(2)]);
        arrival
    };
    let cases = [
        (lane(vec![t("3"), Select(1), t("6")]), true),
        (lane(vec![t("3"), Select(1), t("2"), Select(0)]), true),
        (
            {
                let mut r = arrival("3", "5", 1);
                r.extend(the_rest(&["", "", "", ""]));
                r
            },
            false,
        ),
    ];
    for (replies, lane) in cases {
        let sb = Sandbox::new();
        let (p, code) = new_at(&sb, NOW, replies);
        assert_eq!(code, 0, "{}", p.text());
        let e = &entries(&sb)[0];
        assert_eq!(e.safety_lane, lane, "{}", p.text());
        if lane {
            assert!(
                p.text()
                    .contains("Urges like these matter, whether or not you acted on them"),
                "{}",
                p.text()
            );
            assert!(p.text().contains("If you are in immediate danger"));
            assert!(e.answer(keys::WHAT_HAPPENED).is_none());
        } else {
            assert!(e.measures.is_empty(), "no item answered: no score");
        }
    }
}

#[test]
fn a_measure_with_a_rhythm_is_asked_only_when_due() {
    let sb = Sandbox::new();
    assert_eq!(weekly_measure_asked(&sb), [true, false, true]);
}

/// The same in an encrypted journal, written without the passphrase: the
/// walk cannot read when the measure was last answered, and still knows.
#[cfg(feature = "encryption")]
#[test]
fn in_an_encrypted_journal_a_measure_with_a_rhythm_is_still_asked_only_when_due() {
    let sb = Sandbox::new();
    let pass = sb.data().with_file_name("pass.txt");
    std::fs::write(&pass, "measure pass\n").unwrap();
    sb.assert_cmd()
        .args(["encrypt", "--new-passphrase-file"])
        .arg(&pass)
        .assert()
        .success();
    let locked = std::fs::read(sb.data().join("key.age")).unwrap();
    let key = mentalog::crypt::Key::unlock(
        &locked,
        &mentalog::crypt::Passphrase::new("measure pass".into()),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // The walks run in this process: its keyring must not hold the key
    // while they do, so it is opened only to count afterwards.
    let asked = weekly_measure_asked_then(&sb, || mentalog::crypt::register(&sb.data(), key));
    assert_eq!(asked, [true, false, true]);
}

fn weekly_measure_asked(sb: &Sandbox) -> Vec<bool> {
    weekly_measure_asked_then(sb, || {})
}

/// Three walks with a weekly measure: now, three days later and eight days
/// later; then `before_reading`, then whether each entry holds the measure.
fn weekly_measure_asked_then(sb: &Sandbox, before_reading: impl FnOnce()) -> Vec<bool> {
    let rhythmic = PACK.replace("at = \"end\"", "at = \"end\"\nevery = \"weekly\"");
    let path = sb.data().with_file_name("weekly.toml");
    std::fs::write(&path, rhythmic).unwrap();
    let run = |now: &str, with_items: bool| {
        let mut replies = arrival("3", "1", 1);
        let mut rest = the_rest(&["1", "2", "3", "4"]);
        if !with_items {
            rest.drain(8..12);
        }
        replies.extend(rest);
        let p = Scripted::new(replies);
        let paths = Paths {
            data: sb.data(),
            config: sb.config(),
        };
        let now = DateTime::parse_from_rfc3339(now).unwrap();
        let mut ctx = Context::new(paths, Config::default(), now, Box::new(p.clone()));
        let command = Command::New(NewArgs {
            answers: None,
            pack: Some(path.display().to_string()),
            at: None,
        });
        mentalog::run_in(&mut ctx, &command).unwrap();
        assert_eq!(p.remaining(), 0, "{}", p.text());
    };
    run(NOW, true);
    run(&later(60 * 24 * 3), false); // three days later: answered this week
    run(&later(60 * 24 * 8), true); // eight days later: due again
    before_reading();
    entries(sb).iter().map(|e| !e.measures.is_empty()).collect()
}

#[test]
fn an_answers_file_is_checked_against_the_pack_it_names() {
    let sb = Sandbox::new();
    let answers = json!({
        "arrival.distress": 4, "arrival.safety": "no", "arrival.urge": 1, "arrival.urge_acted": false,
        "moment.what_happened": "Lunch.", "self.hoped": "To be asked.",
        "measure.curiosity.wondered": 3, "measure.curiosity.sure": 1,
        "measure.curiosity.named": 4, "measure.curiosity.facts": 0,
        "focus.about": true, "share.include": true
    });
    let out = sb
        .assert_cmd()
        .args(["new", "--pack", &pack_path(), "--answers", "-"])
        .write_stdin(answers.to_string())
        .assert()
        .success();
    let path = String::from_utf8_lossy(&out.get_output().stdout)
        .trim()
        .to_string();
    let doc = read_json(std::path::Path::new(&path));
    let hoped = doc["answers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["key"] == "self.hoped")
        .unwrap();
    assert_eq!(hoped["question"], "What were you hoping would happen?");
    assert_eq!(doc["focus"], "moments when I feel left out");
    // facts 0 reversed: 4; named 4: sum 8.
    assert_eq!(doc["measures"][0]["subscales"][1]["score"], 8.0);

    // A step of another pack, a point off the scale, and a missing arrival
    // check are each refused, naming the key, and nothing is saved.
    for (change, said) in [
        (json!({"self.thoughts": "x"}), "self.thoughts"),
        (json!({"measure.curiosity.sure": 5}), "from 0 to 4"),
        (json!({"arrival.urge": 11}), "arrival.urge"),
    ] {
        let mut bad = answers.clone();
        bad.as_object_mut()
            .unwrap()
            .extend(change.as_object().unwrap().clone());
        let out = sb
            .assert_cmd()
            .args(["new", "--pack", &pack_path(), "--answers", "-"])
            .write_stdin(bad.to_string())
            .assert()
            .failure();
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(
            err.contains(said) && err.contains("nothing was saved"),
            "{err}"
        );
    }
    assert_eq!(sb.entry_files().len(), 1);
}

#[test]
fn every_built_in_pack_takes_an_answers_file_of_its_own_steps() {
    for (id, source) in mentalog::pack::BUILTIN {
        let sb = Sandbox::new();
        let pack = mentalog::pack::Pack::parse(source)
            .unwrap()
            .resolve(None, &|_| true);
        let mut answers = serde_json::Map::new();
        for step in &pack.steps {
            use mentalog::entry::Kind;
            let v = match step.kind {
                Kind::ShortText | Kind::LongText => json!(format!("an answer to {}", step.key)),
                Kind::Rating => json!(2),
                Kind::Choice => json!(step.options[0]),
                Kind::Feelings => json!([{"name": "sad", "intensity": 3}]),
                Kind::YesNoUnsure => json!("no"),
                Kind::YesNo => json!(true),
                Kind::Scale => json!(step.scale.as_ref().unwrap().min),
            };
            answers.insert(step.key.clone(), v);
        }
        let out = sb
            .assert_cmd()
            .args(["new", "--pack", id, "--answers", "-"])
            .write_stdin(serde_json::Value::Object(answers.clone()).to_string())
            .assert()
            .success();
        let path = String::from_utf8_lossy(&out.get_output().stdout)
            .trim()
            .to_string();
        let doc = read_json(std::path::Path::new(&path));
        assert_eq!(doc["pack"]["id"], *id);
        assert_eq!(
            doc["answers"].as_array().unwrap().len(),
            pack.steps.len(),
            "{id}"
        );
    }
}

/// The same pack typed in a real terminal: the reworded questions on
/// screen, the therapist's own question, urges, a refused point on the
/// measure's scale, the focus, and the entry as saved.
#[test]
fn the_example_pack_walked_in_a_terminal() {
    let sb = Sandbox::new();
    let mut w = Walk::at(&sb, &["new", "--pack", &pack_path()], NOW);
    w.expect("Your focus for now, as you agreed in a session");
    w.answer(
        "How strong are your feelings right now? (0 = calm, 10 = as intense as it gets)",
        "3",
    );
    w.pick(
        "Are you having thoughts of hurting yourself or ending your life right now?",
        2,
        "no",
    );
    w.answer(
        "How strong is any urge to hurt yourself right now? (0 = no urge, 10 = as strong as it gets)",
        "1",
    );
    w.pick(
        "Since you last wrote, have you acted on an urge to hurt yourself?",
        2,
        "no",
    );
    w.answer(
        "When did you feel left out? Say what happened, as a camera would have seen it.",
        "They went to lunch without me.",
    );
    w.answer("Who was it? A role or initials is enough.", "J");
    w.answer("What might have been going on for them?", "Busy, maybe.");
    w.answer(
        "How sure are you about that guess? (0 = pure guess, 10 = completely certain)",
        "5",
    );
    w.expect("Which feelings were there for you?");
    w.tick(1, "hurt");
    w.send(ENTER);
    w.answer("How strong was \"hurt\" at the time? (0 to 10)", "6");
    w.answer("What were you hoping would happen?", "To be asked.");
    w.answer(
        "Now that it is written down, how strong are your feelings? (0 = calm, 10 = as intense as it gets)",
        "3",
    );
    w.expect("A few quick questions");
    let scale = "(0 = not at all, 1 = a little, 2 = somewhat, 3 = quite a lot, 4 = very much)";
    let wondered = format!("I wondered what they might be feeling. {scale}");
    w.type_at(&wondered, "7");
    w.expect("Please type a whole number from 0 to 4.");
    w.send("\x08");
    w.retype(&wondered, "3");
    w.answer(
        &format!("I was sure I knew exactly why they did it. {scale}"),
        "1",
    );
    w.answer(&format!("I could put a name to what I felt. {scale}"), "4");
    w.skip(&format!(
        "My feelings seemed like facts about what happened. {scale}"
    ));
    w.pick("Was this moment about the focus you agreed on?", 1, "yes");
    w.pick(
        "Include this entry in what you share with your therapist?",
        1,
        "yes",
    );
    let path = w.saved_path();
    w.exits(0);
    let doc = read_json(&path);
    assert_eq!(doc["pack"], json!({"id": "left-out", "version": "1"}));
    assert_eq!(answer(&doc, "self.hoped"), "To be asked.");
    assert_eq!(answer(&doc, "arrival.urge"), 1);
    assert_eq!(answer(&doc, "measure.curiosity.sure"), 1);
    assert_eq!(
        doc["measures"][0]["subscales"],
        json!([
            {"id": "other", "title": "Curious about them", "method": "mean", "score": 3.0, "answered": 2, "items": 2},
            {"id": "self", "title": "In touch with myself", "method": "sum", "score": 8.0, "answered": 1, "items": 2}
        ])
    );

    // A second entry the next day, then the summary's measures against
    // figures worked out by hand (tests/fixtures/therapist-pack-measures.json):
    // wondered 1; sure 4, reversed 0: mean 0.5. named 2; facts 3, reversed
    // 1: sum 3. Over the two entries: mean of 3 and 0.5 is 1.75; of 8 and 3, 5.5.
    let next_day = json!({
        "arrival.distress": 2, "arrival.safety": "no",
        "measure.curiosity.wondered": 1, "measure.curiosity.sure": 4,
        "measure.curiosity.named": 2, "measure.curiosity.facts": 3,
        "share.include": true
    });
    sb.assert_cmd()
        .args(["new", "--pack", &pack_path(), "--answers", "-"])
        .env("MENTALOG_NOW", later(60 * 24))
        .write_stdin(next_day.to_string())
        .assert()
        .success();
    let out = sb
        .assert_cmd()
        .args(["export", "--format", "json", "--since", "2026-11-01"])
        .env("MENTALOG_NOW", later(60 * 24 * 2))
        .assert()
        .success();
    let mut summary: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    // Entry ids are random: everything else is compared.
    for e in summary["measures"][0]["entries"].as_array_mut().unwrap() {
        assert!(e.as_object_mut().unwrap().remove("id").is_some());
    }
    let expected: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/therapist-pack-measures.json")).unwrap();
    assert_eq!(summary["measures"], expected);
}

/// A format 1 pack (mbt-core version "2", as it shipped) still loads, walks
/// and takes an answers file: packs written before format 2 keep working.
#[test]
fn a_format_1_pack_still_loads_and_writes_entries() {
    let old = format!(
        "{}/tests/fixtures/mbt-core-v2-format1.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let source = std::fs::read_to_string(&old).unwrap();
    let pack = mentalog::pack::Pack::parse(&source.replace("mbt-core", "old-core")).unwrap();
    assert_eq!((pack.format, pack.version), (1, 2));
    let sb = Sandbox::new();
    let copy = sb.data().with_file_name("old-core.toml");
    std::fs::write(
        &copy,
        source.replace("id = \"mbt-core\"", "id = \"old-core\""),
    )
    .unwrap();
    sb.assert_cmd()
        .args(["pack", "check"])
        .arg(&copy)
        .assert()
        .success();
    let out = sb
        .assert_cmd()
        .args(["new", "--pack"])
        .arg(&copy)
        .args(["--answers", "-"])
        .write_stdin(crate::sandbox::calm().to_string())
        .assert()
        .success();
    let path = String::from_utf8_lossy(&out.get_output().stdout)
        .trim()
        .to_string();
    let doc = read_json(std::path::Path::new(&path));
    assert_eq!(doc["pack"], json!({"id": "old-core", "version": "2"}));
}

/// A pack chosen in the config that is gone, or broken, never keeps a
/// person from writing: the entry uses the built-in pack, with a warning.
#[test]
fn a_missing_or_broken_configured_pack_falls_back_to_the_built_in_one() {
    let sb = Sandbox::new();
    sb.create_data();
    std::fs::create_dir_all(sb.data().join("packs")).unwrap();
    std::fs::write(sb.data().join("packs/broken.toml"), "id = [").unwrap();
    for choice in ["gone", "broken"] {
        sb.write_config(&format!("pack = \"{choice}\"\n"));
        let out = sb
            .assert_cmd()
            .args(["new", "--answers", "-"])
            .write_stdin(crate::sandbox::calm().to_string())
            .assert()
            .success();
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(
            err.contains(choice) && err.contains("this entry uses the built-in pack mbt-core"),
            "{err}"
        );
    }
    // Named on the command line, a missing pack is still an error.
    sb.assert_cmd()
        .args(["new", "--pack", "gone", "--answers", "-"])
        .write_stdin(crate::sandbox::calm().to_string())
        .assert()
        .code(2);
    assert_eq!(sb.entry_files().len(), 2);
}
