//! The sample in examples/sample: its summaries are what the binary writes
//! today from the committed journal, and the journal is a fair sample.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The same clock and period as examples/sample/export.sh.
const NOW: &str = "2026-11-25T20:00:00+01:00";
const UNTIL: &str = "2026-11-25";

/// Each format and the committed file it must match.
const SUMMARIES: [(&str, &str); 4] = [
    ("md", "summary.md"),
    ("html", "summary.html"),
    ("json", "summary.json"),
    ("text", "summary.txt"),
];

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/sample")
}

/// Copies the folder `from` into `to`, recursively.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for item in std::fs::read_dir(from).unwrap() {
        let item = item.unwrap();
        let target = to.join(item.file_name());
        if item.file_type().unwrap().is_dir() {
            copy_dir(&item.path(), &target);
        } else {
            std::fs::copy(item.path(), &target).unwrap();
        }
    }
}

/// Where two texts first differ, as line number and the two lines.
fn first_difference(expected: &str, actual: &str) -> String {
    let (mut e, mut a) = (expected.lines(), actual.lines());
    for n in 1.. {
        match (e.next(), a.next()) {
            (None, None) => break,
            (x, y) if x == y => continue,
            (x, y) => {
                let show =
                    |l: Option<&str>| l.map_or("(end of file)".to_string(), |l| format!("{l:?}"));
                return format!(
                    "first difference at line {n}:\n  committed: {}\n  now:       {}",
                    show(x),
                    show(y)
                );
            }
        }
    }
    "the lines match; the difference is in line endings or the final newline".to_string()
}

#[test]
fn sample_summaries_match_what_the_binary_writes() {
    let sample = sample();
    // A copy, so that nothing the binary does can touch the repository.
    let tmp = tempfile::tempdir().unwrap();
    let journal = tmp.path().join("journal");
    copy_dir(&sample.join("journal"), &journal);

    let mut stale = Vec::new();
    for (format, file) in SUMMARIES {
        let out = Command::new(env!("CARGO_BIN_EXE_mentalog"))
            .args([
                "export", "--since", "all", "--until", UNTIL, "--format", format,
            ])
            .env("MENTALOG_DIR", &journal)
            .env("MENTALOG_CONFIG", sample.join("config.toml"))
            .env("MENTALOG_NOW", NOW)
            .env("HOME", tmp.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "export --format {format} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let committed = std::fs::read(sample.join(file))
            .unwrap_or_else(|e| panic!("cannot read examples/sample/{file}: {e}"));
        if out.stdout != committed {
            stale.push(format!(
                "examples/sample/{file} is stale ({})",
                first_difference(
                    &String::from_utf8_lossy(&committed),
                    &String::from_utf8_lossy(&out.stdout)
                )
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "{}\n\nRegenerate the sample summaries with:\n    cargo build --release && examples/sample/export.sh\n\
         (or: cargo build && examples/sample/export.sh target/debug/mentalog), then review and commit them.",
        stale.join("\n\n")
    );
}

#[test]
fn sample_journal_is_a_fair_sample() {
    let journal = sample().join("journal");
    let loaded = mentalog::store::Store::new(&journal).load().unwrap();
    assert!(loaded.damaged.is_empty(), "{:?}", loaded.damaged);
    let entries: Vec<mentalog::entry::Entry> =
        loaded.entries.into_iter().map(|s| s.entry).collect();
    let shared = |e: &&mentalog::entry::Entry| e.shared;
    let count_shared = entries.iter().filter(shared).count();
    let count_private = entries.len() - count_shared;
    assert!(
        entries.len() >= 12,
        "the sample journal should hold at least 12 entries, it has {}; rebuild it with examples/sample/make.sh",
        entries.len()
    );
    assert!(count_shared >= 1, "no shared entry in the sample journal");
    assert!(count_private >= 1, "no private entry in the sample journal");
    assert!(
        entries.iter().filter(shared).any(|e| e.safety_lane),
        "the sample journal should hold a shared safety-lane entry, so the summary's safety section has content"
    );

    let sessions: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(journal.join("sessions.json"))
            .expect("the sample journal should record a session (sessions.json)"),
    )
    .unwrap();
    assert!(
        sessions["held"].as_array().is_some_and(|h| !h.is_empty()),
        "no session recorded in the sample journal: {sessions}"
    );
}
