//! How long `mentalog export --batch` takes over 200 generated journals of
//! 50 entries each (a clinic's study at its end), as Markdown, through the
//! real binary: written into an empty folder, and again over its own
//! output, where every file is unchanged. Run with `cargo bench --bench batch`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use chrono::{DateTime, Duration};
use mentalog::entry::{Answer, Entry, Feeling, Kind, PackRef, SCHEMA_VERSION, Value, keys};
use mentalog::store::Store;

const JOURNALS: usize = 200;
const ENTRIES: usize = 50;

fn main() {
    divan::main();
}

fn answer(key: &str, kind: Kind, value: Value) -> Answer {
    Answer {
        key: key.into(),
        kind,
        question: format!("The question asked at {key}?"),
        framing: None,
        value,
    }
}

/// `JOURNALS` journals of `ENTRIES` full entries each, two days apart,
/// every third one shared; and the list of their folders.
fn journals(root: &Path) -> PathBuf {
    let start = DateTime::parse_from_rfc3339("2026-01-01T20:00:00+01:00").unwrap();
    let text = "A few sentences about what happened, who was there and what was said. ".repeat(4);
    let mut list = String::new();
    for j in 0..JOURNALS {
        let dir = root.join(format!("journal-{j:03}"));
        let store = Store::new(&dir);
        for i in 0..ENTRIES {
            let entry = Entry {
                schema: SCHEMA_VERSION,
                id: format!("{i:08x}{:024x}", j * 7919 + i),
                created: start + Duration::days(2 * i as i64),
                pack: PackRef {
                    id: "mbt-core".into(),
                    version: "1".into(),
                },
                shared: i % 3 == 0,
                safety_shared: i % 3 == 0,
                safety_lane: false,
                plan: None,
                rechecks: Vec::new(),
                follows: None,
                distress_rose: false,
                plan_opened: None,
                focus: None,
                measures: Vec::new(),
                tags: Vec::new(),
                imported: None,
                answers: vec![
                    answer(
                        keys::ARRIVAL_DISTRESS,
                        Kind::Rating,
                        Value::Rating((i % 8) as u8),
                    ),
                    answer(
                        keys::WHAT_HAPPENED,
                        Kind::LongText,
                        Value::Text(text.clone()),
                    ),
                    answer(
                        keys::SELF_FEELINGS,
                        Kind::Feelings,
                        Value::Feelings(vec![Feeling {
                            name: "hurt".into(),
                            intensity: Some(6),
                        }]),
                    ),
                    answer(
                        keys::OTHER_FEELING,
                        Kind::LongText,
                        Value::Text(text.clone()),
                    ),
                    answer(keys::AFTER_DISTRESS, Kind::Rating, Value::Rating(3)),
                ],
                nudge: None,
            };
            store.save_entry(&entry).unwrap();
        }
        list.push_str(&format!("{}\n", dir.display()));
    }
    let path = root.join("journals.txt");
    std::fs::write(&path, list).unwrap();
    path
}

fn batch(root: &Path, list: &Path, out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_mentalog"))
        .args(["export", "--batch", "--by", "month", "--format", "md"])
        .arg("--dirs-from")
        .arg(list)
        .arg("--out-dir")
        .arg(out)
        .env("MENTALOG_NOW", "2026-12-01T12:00:00+01:00")
        .env("HOME", root)
        .env("XDG_CONFIG_HOME", root.join("config"))
        .env("XDG_DATA_HOME", root.join("data"))
        .env_remove("MENTALOG_DIR")
        .env_remove("MENTALOG_CONFIG")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "{status}");
}

#[divan::bench(sample_count = 5)]
fn written_200x50(bencher: divan::Bencher) {
    let root = tempfile::tempdir().unwrap();
    let list = journals(root.path());
    let mut n = 0;
    bencher
        .with_inputs(|| {
            n += 1;
            root.path().join(format!("out-{n}"))
        })
        .bench_local_values(|out| batch(root.path(), &list, &out));
}

#[divan::bench(sample_count = 5)]
fn unchanged_200x50(bencher: divan::Bencher) {
    let root = tempfile::tempdir().unwrap();
    let list = journals(root.path());
    let out = root.path().join("out");
    batch(root.path(), &list, &out);
    bencher.bench_local(|| batch(root.path(), &list, &out));
}
