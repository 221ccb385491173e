//! Faults from outside: `new` killed with SIGKILL at random points. Nothing
//! reported saved may be missing, no entry file may be half written, and no
//! plain-text copy (a temp file) may outlive the next command.

use std::io::Write;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, SystemTime};

use serde_json::json;

use crate::sandbox::{Sandbox, all_files, calm};

/// How many times `new` is killed; the issue asks for at least 50 in CI; a kill lands in the short write itself only now and then.
const KILLS: usize = 200;

/// A small generator, so the test needs no crate; the seed is printed so a
/// failure can be replayed with `MENTALOG_KILL_SEED`.
struct Xorshift(u64);

impl Xorshift {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[test]
fn new_killed_at_random_points_loses_nothing_and_leaves_no_copy() {
    let seed = std::env::var("MENTALOG_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    eprintln!("MENTALOG_KILL_SEED={seed}");
    let mut rng = Xorshift(seed);
    let sb = Sandbox::new();
    // A journal to begin with, and an answers file big enough that the
    // write takes a moment.
    sb.add(&calm());
    let answers = json!({
        "arrival.distress": 3,
        "arrival.safety": "no",
        "moment.what_happened": "private words ".repeat(45_000),
    })
    .to_string();

    // How long one `new` takes here, so the kills spread over all of it.
    let started = std::time::Instant::now();
    sb.add(&serde_json::from_str(&answers).unwrap());
    let span = started.elapsed().as_micros().max(2_000) as u64;

    let mut reported: Vec<PathBuf> = Vec::new();
    for _ in 0..KILLS {
        let mut child = sb
            .cmd()
            .args(["new", "--answers", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        // The write may fail if the kill came first; that is the point.
        let _ = stdin.write_all(answers.as_bytes());
        drop(stdin);
        std::thread::sleep(Duration::from_micros(rng.below(span + span / 5)));
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        let printed = String::from_utf8_lossy(&out.stdout);
        reported.extend(
            printed
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| PathBuf::from(l.trim())),
        );
    }

    for path in &reported {
        assert!(
            path.exists(),
            "reported saved but missing: {}",
            path.display()
        );
    }
    let store = mentalog::store::Store::new(sb.data());
    let loaded = store.load().unwrap();
    assert!(
        loaded.damaged.is_empty(),
        "half-written entries: {:?}",
        loaded.damaged
    );
    let entry_names = sb
        .entry_files()
        .into_iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.ends_with(".json") && !name.starts_with('.')
        })
        .count();
    assert_eq!(loaded.entries.len(), entry_names);

    // The next writing command removes what the killed writers left.
    sb.assert_cmd().args(["session", "add"]).assert().success();
    let stray: Vec<_> = all_files(&sb.data())
        .into_iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            let known = name.ends_with(".json")
                || name == "plan.md"
                || name == ".lock"
                || name == ".encryption-lock";
            !known || name.starts_with(".tmp") || p.starts_with(sb.data().join("tmp"))
        })
        .collect();
    assert!(
        stray.is_empty(),
        "{} stray files after {KILLS} kills (seed {seed}): {stray:?}",
        stray.len()
    );
}
