//! Whole-process timings of the commands people and scripts run, on
//! generated journals of 1,000, 10,000 and 100,000 entries (about 3.8 KB
//! each, spread over thirty years; see `support/generate.rs`): start-up,
//! `list -n 20`, a full `list`, `list --contains`, `show`, an export of the
//! last two weeks and of everything in each format, and `new --answers`;
//! and, on encrypted journals of 1,000 and 10,000 entries, `list -n 20`
//! (with the recovery copy of the key, and with the passphrase) and
//! `new --answers`.
//!
//! `cargo bench --bench commands`. The journals are generated once, through
//! the real store, into `target/bench-journals/` and reused (100,000
//! entries take about 40 s and 550 MB). `MENTALOG_BENCH_MAX=10000` leaves
//! out the larger sizes. docs/performance.md has the figures and what
//! limits each.

#[path = "support/generate.rs"]
mod generate;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use divan::Bencher;

fn main() {
    divan::main();
}

const SIZES: &[usize] = &[1_000, 10_000, 100_000];
const BIN: &str = env!("CARGO_BIN_EXE_mentalog");

/// Whether `n` is within `MENTALOG_BENCH_MAX` (all sizes when unset).
fn wanted(n: usize) -> bool {
    std::env::var("MENTALOG_BENCH_MAX")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .is_none_or(|max| n <= max)
}

/// The generated journal of `n` entries (seed 1), made once.
fn journal(n: usize) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench-journals")
        .join(format!("{n}-seed1"));
    let done = root.join(".complete");
    if !done.exists() {
        let _ = std::fs::remove_dir_all(&root);
        let store = mentalog::store::Store::new(root.join("data"));
        generate::write_journal(&store, n, 1).expect("generate the journal");
        std::fs::write(&done, b"").unwrap();
    }
    root.join("data")
}

fn mentalog(data: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env("MENTALOG_DIR", data)
        .env("MENTALOG_CONFIG", data.join("no-config.toml"))
        .env("MENTALOG_NO_INPUT", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

fn run(bencher: Bencher, n: usize, args: &[&str]) {
    if !wanted(n) {
        return;
    }
    let data = journal(n);
    let status = mentalog(&data).args(args).status().unwrap();
    assert!(status.success(), "mentalog {args:?}: {status}");
    bencher.bench(|| mentalog(&data).args(args).status().unwrap());
}

/// The first day of the last two weeks of the generated journal, and its last.
fn last_two_weeks(data: &Path) -> (String, String) {
    let out = Command::new(BIN)
        .env("MENTALOG_DIR", data)
        .env("MENTALOG_CONFIG", data.join("no-config.toml"))
        .args(["list", "-n", "1", "--json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let newest = doc["entries"][0]["created"].as_str().unwrap()[..10].to_string();
    let until = chrono::NaiveDate::parse_from_str(&newest, "%Y-%m-%d").unwrap();
    ((until - chrono::Duration::days(13)).to_string(), newest)
}

#[divan::bench]
fn startup(bencher: Bencher) {
    bencher.bench(|| Command::new(BIN).arg("--version").output().unwrap());
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn list_newest_20(bencher: Bencher, n: usize) {
    run(bencher, n, &["list", "-n", "20"]);
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn list_all(bencher: Bencher, n: usize) {
    run(bencher, n, &["list"]);
}

/// A search through every entry's words (case and accents set aside).
#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn list_contains(bencher: Bencher, n: usize) {
    run(bencher, n, &["list", "--contains", "phone"]);
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn show_one(bencher: Bencher, n: usize) {
    if !wanted(n) {
        return;
    }
    let data = journal(n);
    let out = mentalog(&data)
        .args(["list", "-n", "1", "--json"])
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = doc["entries"][0]["id"].as_str().unwrap()[..8].to_string();
    run(bencher, n, &["show", &id]);
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn export_two_weeks(bencher: Bencher, n: usize) {
    if !wanted(n) {
        return;
    }
    let (since, until) = last_two_weeks(&journal(n));
    run(
        bencher,
        n,
        &["export", "--since", &since, "--until", &until],
    );
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn export_all_md(bencher: Bencher, n: usize) {
    run(bencher, n, &["export", "--since", "all", "--format", "md"]);
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn export_all_html(bencher: Bencher, n: usize) {
    run(
        bencher,
        n,
        &["export", "--since", "all", "--format", "html"],
    );
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn export_all_json(bencher: Bencher, n: usize) {
    run(
        bencher,
        n,
        &["export", "--since", "all", "--format", "json"],
    );
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn export_all_text(bencher: Bencher, n: usize) {
    run(
        bencher,
        n,
        &["export", "--since", "all", "--format", "text"],
    );
}

/// Each run adds an entry (dated now); they are removed afterwards, so the
/// journal stays the generated one.
#[divan::bench(args = SIZES, sample_count = 20)]
fn new_answers(bencher: Bencher, n: usize) {
    if !wanted(n) {
        return;
    }
    add_entries(bencher, &journal(n));
}

/// The sizes encrypted journals are measured at (encrypting 100,000 entries
/// once is left out to keep a first `cargo bench` short).
const ENCRYPTED: &[usize] = &[1_000, 10_000];

/// The generated journal of `n` entries, encrypted by `mentalog encrypt`
/// once, with its recovery copy of the key beside it: `(data, key, pass)`.
fn encrypted_journal(n: usize) -> (PathBuf, PathBuf, PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench-journals")
        .join(format!("{n}-seed1-encrypted"));
    let (data, key, pass) = (
        root.join("data"),
        root.join("key.txt"),
        root.join("pass.txt"),
    );
    if !root.join(".complete").exists() {
        let _ = std::fs::remove_dir_all(&root);
        let store = mentalog::store::Store::new(&data);
        generate::write_journal(&store, n, 1).expect("generate the journal");
        std::fs::write(&pass, "a bench passphrase\n").unwrap();
        let status = mentalog(&data)
            .args(["encrypt", "--new-passphrase-file"])
            .arg(&pass)
            .arg("--recovery-file")
            .arg(&key)
            .status()
            .unwrap();
        assert!(status.success(), "mentalog encrypt: {status}");
        std::fs::write(root.join(".complete"), b"").unwrap();
    }
    (data, key, pass)
}

/// `list -n 20` of an encrypted journal, opened with the recovery copy of
/// the key: what reading costs apart from the one scrypt unwrap.
#[divan::bench(args = ENCRYPTED, sample_count = 20)]
fn encrypted_list_newest_20(bencher: Bencher, n: usize) {
    if !wanted(n) {
        return;
    }
    let (data, key, _) = encrypted_journal(n);
    let args = ["list", "-n", "20", "--identity-file", key.to_str().unwrap()];
    let status = mentalog(&data).args(args).status().unwrap();
    assert!(status.success(), "mentalog {args:?}: {status}");
    bencher.bench(|| mentalog(&data).args(args).status().unwrap());
}

/// The same with the passphrase: the scrypt unwrap of the key at the work
/// factor age chose on this machine when the journal was encrypted.
#[divan::bench(args = ENCRYPTED, sample_count = 5, sample_size = 1)]
fn encrypted_list_newest_20_with_passphrase(bencher: Bencher, n: usize) {
    if !wanted(n) {
        return;
    }
    let (data, _, pass) = encrypted_journal(n);
    let args = [
        "list",
        "-n",
        "20",
        "--passphrase-file",
        pass.to_str().unwrap(),
    ];
    bencher.bench(|| mentalog(&data).args(args).status().unwrap());
}

/// `new --answers` on an encrypted journal: sealed to the public key, no
/// passphrase. The entries added are removed afterwards.
#[divan::bench(args = ENCRYPTED, sample_count = 20)]
fn encrypted_new_answers(bencher: Bencher, n: usize) {
    if !wanted(n) {
        return;
    }
    add_entries(bencher, &encrypted_journal(n).0);
}

/// `new --answers` into `data`, timed; the entries added are removed.
fn add_entries(bencher: Bencher, data: &Path) {
    let answers = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/answers.json");
    let before = files(data);
    bencher.bench(|| {
        let status = mentalog(data)
            .arg("--quiet")
            .arg("new")
            .arg("--answers")
            .arg(&answers)
            .status()
            .unwrap();
        assert!(status.success());
    });
    for added in files(data).difference(&before) {
        std::fs::remove_file(added).unwrap();
    }
}

/// The entry files of the current month folder and the one before (where
/// `new` writes).
fn files(data: &Path) -> std::collections::BTreeSet<PathBuf> {
    let now = chrono::Local::now();
    let mut set = std::collections::BTreeSet::new();
    for day in [now, now - chrono::Duration::days(31)] {
        let dir = data
            .join("entries")
            .join(day.format("%Y").to_string())
            .join(day.format("%m").to_string());
        if let Ok(rd) = std::fs::read_dir(dir) {
            set.extend(rd.map(|e| e.unwrap().path()));
        }
    }
    set
}
