//! The journal on disk: privacy, atomicity, concurrency, damaged files.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::DateTime;
use mentalog::entry::{Answer, Entry, Kind, PackRef, SCHEMA_VERSION, Value, keys};
use mentalog::store::Store;
use serde_json::json;

use crate::sandbox::{Sandbox, calm, read_json};

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

pub fn entry(id: &str, created: &str, what: &str) -> Entry {
    Entry {
        schema: SCHEMA_VERSION,
        id: id.to_string(),
        created: DateTime::parse_from_rfc3339(created).unwrap(),
        pack: PackRef {
            id: "mbt-core".into(),
            version: "1".into(),
        },
        shared: false,
        safety_lane: false,
        answers: vec![Answer {
            key: keys::WHAT_HAPPENED.into(),
            kind: Kind::LongText,
            question: "What happened?".into(),
            framing: None,
            value: Value::Text(what.into()),
        }],
        nudge: None,
        safety_shared: false,
        plan: None,
        rechecks: Vec::new(),
        follows: None,
        distress_rose: false,
        plan_opened: None,
    }
}

#[test]
fn folders_are_0700_and_files_0600_under_a_permissive_umask() {
    let sb = Sandbox::new();
    for args in [&["new", "--answers", "-"][..], &["plan"][..]] {
        let cmd = sb.cmd();
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg("umask 000; exec \"$0\" \"$@\"")
            .arg(cmd.get_program())
            .args(args)
            .envs(cmd.get_envs().filter_map(|(k, v)| Some((k, v?))))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .and_then(|mut c| {
                use std::io::Write;
                c.stdin
                    .take()
                    .unwrap()
                    .write_all(calm().to_string().as_bytes())?;
                c.wait()
            })
            .unwrap();
        assert!(status.success());
    }
    let file = &sb.entry_files()[0];
    assert_eq!(mode(file), 0o600);
    for dir in [
        file.parent().unwrap(),
        file.parent().unwrap().parent().unwrap(),
        &sb.data().join("entries"),
        &sb.data(),
    ] {
        assert_eq!(mode(dir), 0o700, "{}", dir.display());
    }
    assert_eq!(mode(&sb.data().join("plan.md")), 0o600);
}

#[test]
fn folders_above_the_data_folder_are_not_made_private() {
    let sb = Sandbox::new();
    let data = sb.tmp.path().join("share/deeper/mentalog");
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg("umask 022; exec \"$0\" plan")
        .arg(crate::sandbox::BIN)
        .env("MENTALOG_DIR", &data)
        .env("MENTALOG_CONFIG", sb.config())
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(data.parent().unwrap()), 0o755, "not mentalog's folder");
}

#[test]
fn an_entry_is_never_replaced() {
    let sb = Sandbox::new();
    let store = Store::new(sb.data());
    let first = entry("aaaaaaaa0000", "2026-11-03T21:40:12+01:00", "first words");
    let path = store.save_entry(&first).unwrap();
    let before = std::fs::read(&path).unwrap();
    let second = entry("aaaaaaaa0000", "2026-11-03T21:40:12+01:00", "second words");
    let err = format!("{:#}", store.save_entry(&second).unwrap_err());
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn no_partial_file_is_ever_visible() {
    let sb = Sandbox::new();
    let store = Arc::new(Store::new(sb.data()));
    store
        .save_entry(&entry("00000000", "2026-11-01T09:00:00+00:00", "seed"))
        .unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let (store, done) = (store.clone(), done.clone());
        std::thread::spawn(move || {
            let mut reads = 0;
            while !done.load(Ordering::Relaxed) {
                let loaded = store.load().unwrap();
                assert!(
                    loaded.damaged.is_empty(),
                    "a reader saw {:?}",
                    loaded.damaged
                );
                reads += 1;
            }
            reads
        })
    };
    let big = "x".repeat(256 * 1024);
    for i in 0..40 {
        let e = entry(&format!("{i:08x}1"), "2026-11-03T21:40:12+01:00", &big);
        store.save_entry(&e).unwrap();
    }
    done.store(true, Ordering::Relaxed);
    assert!(reader.join().unwrap() > 0);
    let leftovers: Vec<_> = std::fs::read_dir(sb.data().join("entries/2026/11"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
    assert_eq!(store.load().unwrap().entries.len(), 41);
}

#[test]
fn two_writers_in_the_same_second_both_land() {
    let sb = Sandbox::new();
    // Two processes, same clock second.
    let children: Vec<_> = (0..2)
        .map(|_| {
            let mut c = sb.cmd();
            c.args(["new", "--answers", "-"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped());
            let mut child = c.spawn().unwrap();
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(calm().to_string().as_bytes())
                .unwrap();
            child
        })
        .collect();
    for c in children {
        assert!(c.wait_with_output().unwrap().status.success());
    }
    // And eight threads of one process.
    let store = Arc::new(Store::new(sb.data()));
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let store = store.clone();
            std::thread::spawn(move || {
                let e = entry(
                    &format!("{i:08x}"),
                    "2026-11-03T21:40:12+01:00",
                    "same second",
                );
                store.save_entry(&e).unwrap()
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let files = sb.entry_files();
    assert_eq!(files.len(), 10, "{files:?}");
    assert!(
        files
            .iter()
            .all(|f| f.to_string_lossy().contains("2026-11-03T21-40-12-"))
    );
}

#[test]
fn a_damaged_file_is_named_skipped_and_left_alone() {
    let sb = Sandbox::new();
    let good = sb.add(&json!({"arrival.distress": 2, "arrival.safety": "no", "moment.what_happened": "the good one"}));
    let dir = good.parent().unwrap();
    let truncated = dir.join("2026-11-03T21-40-13-bad00000.json");
    std::fs::write(&truncated, &std::fs::read(&good).unwrap()[..40]).unwrap();
    let mut newer = read_json(&good);
    newer["schema"] = json!(99);
    newer["id"] = json!("feed0000");
    let future = dir.join("2026-11-03T21-40-14-feed0000.json");
    std::fs::write(&future, serde_json::to_vec(&newer).unwrap()).unwrap();
    let before = (
        std::fs::read(&truncated).unwrap(),
        std::fs::read(&future).unwrap(),
    );

    let out = sb.assert_cmd().arg("list").assert().code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stdout.contains("the good one"), "{stdout}");
    assert!(
        stderr.contains(&truncated.display().to_string()),
        "{stderr}"
    );
    assert!(stderr.contains("newer mentalog"), "{stderr}");
    assert!(stderr.contains("2 files could not be read"), "{stderr}");
    assert_eq!(
        before,
        (
            std::fs::read(&truncated).unwrap(),
            std::fs::read(&future).unwrap()
        )
    );

    // `show` of the good one still works; a prefix that only matches a damaged file fails, naming it.
    let id = read_json(&good)["id"].as_str().unwrap().to_string();
    sb.assert_cmd().args(["show", &id[..6]]).assert().success();
    let out = sb.assert_cmd().args(["show", "bad0"]).assert().code(1);
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("bad00000.json"));
}

#[test]
fn a_data_folder_that_cannot_be_written_is_named_and_nothing_is_half_saved() {
    let sb = Sandbox::new();
    // A file where the data folder should be: even root cannot write there.
    std::fs::write(sb.tmp.path().join("blocker"), "").unwrap();
    let data = sb.tmp.path().join("blocker/data");
    let out = sb
        .assert_cmd()
        .env("MENTALOG_DIR", &data)
        .args(["new", "--answers", "-"])
        .write_stdin(calm().to_string())
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains(&data.display().to_string()), "{stderr}");
    assert!(out.get_output().stdout.is_empty());
}
