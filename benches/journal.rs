//! How long reading a journal takes: listing 1,000 and 5,000 generated
//! entries (about five and twenty-five years of an entry every two days), and
//! exporting 1,000 in each format. Run with `cargo bench`.

use chrono::{DateTime, Duration};
use mentalog::entry::{Answer, Entry, Feeling, Kind, PackRef, SCHEMA_VERSION, Value, keys};
use mentalog::render::journal::ListRow;
use mentalog::render::summary::{Format, render};
use mentalog::store::Store;
use mentalog::summary::{Period, build, select};

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

/// A journal of `n` full entries, two days apart.
fn journal(n: usize) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path().join("data"));
    let start = DateTime::parse_from_rfc3339("2020-01-01T20:00:00+01:00").unwrap();
    let text = "A few sentences about what happened, who was there and what was said. ".repeat(4);
    for i in 0..n {
        let entry = Entry {
            schema: SCHEMA_VERSION,
            id: format!("{i:08x}{:024x}", i * 7919),
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
                    keys::ARRIVAL_SAFETY,
                    Kind::YesNoUnsure,
                    Value::Text("no".into()),
                ),
                answer(
                    keys::WHAT_HAPPENED,
                    Kind::LongText,
                    Value::Text(text.clone()),
                ),
                answer(
                    keys::SELF_THOUGHTS,
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
    (dir, store)
}

#[divan::bench(args = [1_000, 5_000], sample_count = 20)]
fn list(bencher: divan::Bencher, n: usize) {
    let (_dir, store) = journal(n);
    bencher.bench_local(|| {
        let loaded = store.load().unwrap();
        let rows: Vec<_> = loaded
            .entries
            .iter()
            .map(|s| ListRow::new(s.path.clone(), &s.entry, false))
            .collect();
        let mut out = Vec::with_capacity(1 << 20);
        mentalog::render::journal::list(&mut out, &rows, false).unwrap();
        out
    });
}

/// `list -n 20`: only the newest files are read, whatever the journal's size.
#[divan::bench(args = [1_000, 10_000], sample_count = 20)]
fn list_newest_20(bencher: divan::Bencher, n: usize) {
    let (_dir, store) = journal(n);
    bencher.bench_local(|| {
        let window = store.load_window(None, None, Some(20)).unwrap();
        let rows: Vec<_> = window
            .loaded
            .entries
            .iter()
            .map(|s| ListRow::new(s.path.clone(), &s.entry, false))
            .collect();
        let mut out = Vec::with_capacity(1 << 16);
        mentalog::render::journal::list(&mut out, &rows, true).unwrap();
        out
    });
}

#[divan::bench(args = ["md", "html", "json", "text"], sample_count = 20)]
fn export_1000(bencher: divan::Bencher, format: &str) {
    let (_dir, store) = journal(1_000);
    let format = match format {
        "md" => Format::Markdown,
        "html" => Format::Html,
        "json" => Format::Json,
        _ => Format::Text,
    };
    let period = Period {
        since: None,
        until: chrono::NaiveDate::from_ymd_opt(2030, 1, 1).unwrap(),
    };
    bencher.bench_local(|| {
        let loaded = store.load().unwrap();
        let entries: Vec<Entry> = loaded.entries.into_iter().map(|s| s.entry).collect();
        let summary = build(&select(&entries, period), period, None, false);
        render(&summary, format, None, false).unwrap()
    });
}
