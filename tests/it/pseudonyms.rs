//! `--pseudonymize`: names come only from what is shared and the config,
//! are found in any case and either Unicode normal form, pronouns are never
//! names, a label that starts a sentence is capitalised, and the words that
//! look like names but were left alone can be listed.

use std::collections::BTreeMap;

use chrono::DateTime;
use mentalog::entry::{Answer, Entry, Feeling, Kind, NudgeRecord, PackRef, Value, keys};
use mentalog::pseudonym::Pseudonyms;
use mentalog::store::Store;

use crate::sandbox::Sandbox;

const FORMATS: [&str; 4] = ["md", "html", "json", "text"];

fn answer(key: &str, kind: Kind, t: &str) -> Answer {
    Answer {
        key: key.into(),
        kind,
        question: format!("Question for {key}?"),
        framing: None,
        value: Value::Text(t.into()),
    }
}

/// An entry with `who` as its `other.who` answer and `text` as what happened.
fn entry(id: &str, shared: bool, who: &str, text: &str) -> Entry {
    Entry {
        schema: 1,
        id: id.into(),
        created: DateTime::parse_from_rfc3339("2026-03-10T12:00:00+00:00").unwrap(),
        pack: PackRef {
            id: "mbt-core".into(),
            version: "1".into(),
        },
        shared,
        safety_lane: false,
        answers: vec![
            answer(keys::ARRIVAL_SAFETY, Kind::YesNoUnsure, "no"),
            answer(keys::WHAT_HAPPENED, Kind::LongText, text),
            answer(keys::OTHER_WHO, Kind::ShortText, who),
        ],
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

fn names(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// What happened, once names are swapped, for one shared entry.
fn swapped(who: &str, text: &str, config: &[(&str, &str)]) -> (String, String) {
    let shared = vec![entry("a", true, who, text)];
    let ps = Pseudonyms::new(&shared, &names(config));
    let e = ps.entry(&shared[0]);
    (
        e.text(keys::OTHER_WHO).unwrap().to_string(),
        e.text(keys::WHAT_HAPPENED).unwrap().to_string(),
    )
}

fn export(sb: &Sandbox, format: &str) -> Vec<u8> {
    sb.assert_cmd()
        .args(["export", "--since", "2026-03-01", "--until", "2026-03-31"])
        .args(["--format", format, "--pseudonymize"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone()
}

#[test]
fn a_private_entry_changes_not_one_byte_of_a_pseudonymised_export() {
    let sb = Sandbox::new();
    let store = Store::new(sb.data());
    store
        .save_entry(&entry(
            "a1a1a1a1000000000000000000000001",
            true,
            "my sister",
            "Jo was there, and Karl. My sister said jo was tired.",
        ))
        .unwrap();
    let private = entry(
        "b2b2b2b2000000000000000000000002",
        false,
        "Jo",
        "Jo and Karl again.",
    );
    let mut private2 = entry("c3c3c3c3000000000000000000000003", false, "Karl", "Karl.");
    private2.created = DateTime::parse_from_rfc3339("2026-03-11T12:00:00+00:00").unwrap();
    store.save_entry(&private).unwrap();
    store.save_entry(&private2).unwrap();
    sb.write_config("[names]\n\"Mira\" = \"a colleague\"\n");
    let with: Vec<Vec<u8>> = FORMATS.iter().map(|f| export(&sb, f)).collect();
    for file in sb.entry_files() {
        let name = file.to_string_lossy().to_string();
        if name.contains("b2b2") || name.contains("c3c3") {
            std::fs::remove_file(file).unwrap();
        }
    }
    assert_eq!(sb.entry_files().len(), 1);
    let without: Vec<Vec<u8>> = FORMATS.iter().map(|f| export(&sb, f)).collect();
    for ((format, a), b) in FORMATS.iter().zip(&with).zip(&without) {
        assert!(
            a == b,
            "{format}: a private entry changed the pseudonymised export:\nwith:\n{}\nwithout:\n{}",
            String::from_utf8_lossy(a),
            String::from_utf8_lossy(b)
        );
    }
}

#[test]
fn a_name_goes_in_every_case_as_a_whole_word() {
    assert_eq!(
        swapped(
            "my sister anna",
            "anna said no. Then ANNA left, not Annabel.",
            &[]
        ),
        (
            "my sister A.".to_string(),
            "A. said no. Then A. left, not Annabel.".to_string()
        )
    );
    assert_eq!(
        swapped("Tom Baker", "tom baker, TOM and baker", &[]).1,
        "T. B., T. B. and T. B."
    );
    // A name that is also a word keeps the word where it is written small.
    assert_eq!(
        swapped(
            "Will",
            "Will said he will call. I will wait for Will today.",
            &[]
        )
        .1,
        "W. said he will call. I will wait for W. today."
    );
    // Unless the person wrote the name small themselves.
    assert_eq!(
        swapped("will", "will said he would call.", &[]).1,
        "W. said he would call."
    );
}

#[test]
fn a_name_goes_in_either_normal_form() {
    let nfc = "Zo\u{eb}";
    let nfd = "Zoe\u{308}";
    // Written NFD in `who`, NFC in the text, and the other way round.
    assert_eq!(
        swapped(nfd, &format!("{nfc} came; later {nfd} left."), &[]),
        ("Z.".to_string(), "Z. came; later Z. left.".to_string())
    );
    assert_eq!(
        swapped(nfc, &format!("{nfd} came; later {nfc} left."), &[]).1,
        "Z. came; later Z. left."
    );
    // From the config, in the other form from the text.
    assert_eq!(
        swapped("my friend", &format!("I saw {nfd}."), &[(nfc, "my friend")]).1,
        "I saw my friend."
    );
    // Not inside a longer word.
    assert_eq!(swapped(nfc, "Zoëy came.", &[]).1, "Zoëy came.");
}

#[test]
fn pronouns_and_i_are_never_names() {
    for who in [
        "I", "i", "me", "Me", "you", "he", "She", "they", "we", "it", "him", "her", "them", "us",
        "Their",
    ] {
        let text = "I think I was hurt. Me too, said he; she, they and we and it. His, her and their words; him, them, us, you.";
        let (w, t) = swapped(who, text, &[]);
        assert_eq!(w, who, "{who:?} is not a name");
        assert_eq!(t, text, "{who:?} is not a name");
    }
    // Not from the config either.
    let text = "I think I was hurt.";
    assert_eq!(swapped("my mum", text, &[("I", "the writer")]).1, text);
    // A name beside a pronoun still goes.
    assert_eq!(
        swapped("me and Tom", "I think Tom and I were hurt.", &[]).1,
        "I think T. and I were hurt."
    );
}

#[test]
fn a_label_that_starts_a_sentence_is_capitalised() {
    let config = [("Sam", "my partner")];
    assert_eq!(
        swapped(
            "Sam",
            "Sam and me. sam said hi! I saw Sam.\nSam left? \"Sam, wait.\"",
            &config
        ),
        (
            "My partner".to_string(),
            "My partner and me. My partner said hi! I saw my partner.\nMy partner left? \"My partner, wait.\""
                .to_string()
        )
    );
}

#[test]
fn unreplaced_lists_capitalised_words_that_look_like_names() {
    let mut e = entry(
        "a",
        true,
        "Tom",
        "We met Karl, Jo and Tom on Monday. I told Mum and O'Brien, but Karl's bag stayed \
         with TOM. Then I said OK to Dr Singh in May.\nAnna was not there.",
    );
    e.answers.push(Answer {
        value: Value::Feelings(vec![Feeling {
            name: "scared of Vera".into(),
            intensity: Some(5),
        }]),
        ..answer("self.feelings", Kind::Feelings, "")
    });
    e.nudge = Some(NudgeRecord {
        id: "n".into(),
        text: "A nudge From Mentalog".into(),
        answer: Some("maybe Bea knows".into()),
        after: None,
        shown_after: None,
    });
    let shared = vec![e];
    let ps = Pseudonyms::new(&shared, &BTreeMap::new());
    let expected = ["Bea", "Jo", "Karl", "O'Brien", "Singh", "Vera"];
    assert_eq!(ps.unreplaced(&shared), expected);
    // The same list from the text once names are swapped: a label is never
    // taken for a name.
    let swapped: Vec<Entry> = shared.iter().map(|e| ps.entry(e)).collect();
    assert_eq!(ps.unreplaced(&swapped), expected);
    // A name from the config is replaced, so not listed; nor is its label.
    let ps = Pseudonyms::new(
        &shared,
        &names(&[("Karl", "Uncle Bob"), ("jo", "a friend")]),
    );
    let swapped: Vec<Entry> = shared.iter().map(|e| ps.entry(e)).collect();
    assert_eq!(ps.unreplaced(&shared), ["Bea", "O'Brien", "Singh", "Vera"]);
    assert_eq!(ps.unreplaced(&swapped), ["Bea", "O'Brien", "Singh", "Vera"]);
    // Nothing shared, nothing listed.
    assert!(ps.unreplaced(&[]).is_empty());
}
