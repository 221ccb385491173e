//! Every parser of a file a person may be handed, or that may be damaged on
//! disk, returns an error and never panics, whatever the bytes: answers
//! files, entries, drafts, packs, configs and the sessions file. Arbitrary
//! input, and valid files with bytes changed, as a fuzzer would try.

use mentalog::answers::answers_from_json;
use mentalog::config::Config;
use mentalog::draft::Draft;
use mentalog::entry::Entry;
use mentalog::pack::Pack;
use mentalog::sessions::Sessions;
use proptest::prelude::*;

const ENTRY: &str = r#"{
  "schema": 2,
  "id": "7c1e09ab00000000000000000000000a",
  "created": "2026-11-03T21:40:12+01:00",
  "pack": { "id": "mbt-core", "version": "2" },
  "shared": true,
  "safety_lane": false,
  "answers": [
    { "key": "arrival.distress", "kind": "rating", "question": "How strong?", "value": 6 },
    { "key": "arrival.safety", "kind": "yes_no_unsure", "question": "Safe?", "value": "no" },
    { "key": "self.feelings", "kind": "feelings", "question": "Which feelings?",
      "value": [{ "name": "hurt", "intensity": 7 }, { "name": "angry" }] },
    { "key": "other.feeling", "kind": "long_text", "question": "What might they feel?",
      "framing": "This is a guess.", "value": "Tired." },
    { "key": "share.include", "kind": "yes_no", "question": "Share?", "value": true }
  ],
  "nudge": { "id": "n", "text": "Why?", "answer": null, "after": "other.feeling" },
  "safety_shared": true,
  "plan": { "plan_written": true, "contacts": false },
  "rechecks": [{ "at": "2026-11-03T23:40:12+01:00", "distress": 4, "safety": "no" }],
  "distress_rose": true,
  "plan_opened": 2
}"#;
const ANSWERS: &str = include_str!("../../examples/answers.json");
const PACK: &str = include_str!("../../prompts/mbt-core.toml");
const CONFIG: &str = include_str!("../../examples/config.toml");
const SESSIONS: &str = include_str!("../../examples/sample/journal/sessions.json");

/// Runs every parser on `bytes`; a panic fails the property.
fn parse_all(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let pack = Pack::builtin();
    let _ = answers_from_json(&pack, &text);
    if let Ok(e) = serde_json::from_slice::<Entry>(bytes) {
        let _ = e.check();
    }
    let _ = serde_json::from_slice::<Draft>(bytes);
    let _ = serde_json::from_slice::<Sessions>(bytes);
    let _ = Pack::parse(&text);
    let _ = Config::parse(&text, "config.toml");
}

/// A valid file with some bytes replaced, inserted or cut.
fn mutated(source: &'static str) -> impl Strategy<Value = Vec<u8>> {
    let len = source.len();
    prop::collection::vec((0..len, any::<u8>(), 0..3u8), 1..8).prop_map(move |edits| {
        let mut bytes = source.as_bytes().to_vec();
        for (at, byte, how) in edits {
            if bytes.is_empty() {
                bytes.push(byte);
                continue;
            }
            let at = at.min(bytes.len() - 1);
            match how {
                0 => bytes[at] = byte,
                1 => bytes.insert(at, byte),
                _ => {
                    bytes.truncate(at);
                }
            }
        }
        bytes
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic_a_parser(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        parse_all(&bytes);
    }

    #[test]
    fn arbitrary_text_never_panics_a_parser(text in any::<String>()) {
        parse_all(text.as_bytes());
    }

    #[test]
    fn a_changed_entry_never_panics_a_parser(bytes in mutated(ENTRY)) {
        parse_all(&bytes);
    }

    #[test]
    fn a_changed_answers_file_never_panics_a_parser(bytes in mutated(ANSWERS)) {
        parse_all(&bytes);
    }

    #[test]
    fn a_changed_pack_never_panics_a_parser(bytes in mutated(PACK)) {
        parse_all(&bytes);
    }

    #[test]
    fn a_changed_config_never_panics_a_parser(bytes in mutated(CONFIG)) {
        parse_all(&bytes);
    }

    #[test]
    fn a_changed_sessions_file_never_panics_a_parser(bytes in mutated(SESSIONS)) {
        parse_all(&bytes);
    }
}

/// The fixtures above are real, valid files: the mutations start from
/// something every parser accepts, so they explore near-valid input.
#[test]
fn the_fixtures_parse() {
    let e: Entry = serde_json::from_str(ENTRY).unwrap();
    e.check().unwrap();
    answers_from_json(&Pack::builtin(), ANSWERS).unwrap();
    Pack::parse(PACK).unwrap();
    assert!(Config::parse(CONFIG, "config.toml").problems.is_empty());
    serde_json::from_str::<Sessions>(SESSIONS).unwrap();
}
