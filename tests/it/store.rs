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
        focus: None,
        measures: Vec::new(),
        tags: Vec::new(),
        imported: None,
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
                // `plan` reads no input and may be gone already: a broken pipe is fine.
                let _ = c
                    .stdin
                    .take()
                    .unwrap()
                    .write_all(calm().to_string().as_bytes());
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
fn every_folder_mentalog_creates_is_private_even_above_the_data_folder() {
    let sb = Sandbox::new();
    let data = sb.tmp.path().join("share/deeper/mentalog");
    let existing = mode(sb.tmp.path());
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg("umask 000; exec \"$0\" plan")
        .arg(crate::sandbox::BIN)
        .env("MENTALOG_DIR", &data)
        .env("MENTALOG_CONFIG", sb.config())
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    for dir in [&data, data.parent().unwrap(), &sb.tmp.path().join("share")] {
        assert_eq!(mode(dir), 0o700, "{}", dir.display());
    }
    assert_eq!(
        mode(sb.tmp.path()),
        existing,
        "an existing folder is left as it is"
    );
}

#[test]
fn a_data_folder_or_config_others_can_read_is_warned_about_once() {
    let sb = Sandbox::new();
    sb.write_config("plain = true\n");
    std::fs::create_dir(sb.data()).unwrap();
    let set =
        |p: &Path, m| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
    set(&sb.data(), 0o777);
    set(&sb.config(), 0o644);
    let out = sb.assert_cmd().arg("list").assert().success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    let data_fix = format!("chmod 700 {}", sb.data().display());
    let config_fix = format!("chmod 600 {}", sb.config().display());
    assert_eq!(stderr.matches(&data_fix).count(), 1, "{stderr}");
    assert_eq!(stderr.matches(&config_fix).count(), 1, "{stderr}");
    // Nothing is changed behind the person's back; once private, no warning.
    assert_eq!(mode(&sb.data()), 0o777);
    set(&sb.data(), 0o700);
    set(&sb.config(), 0o600);
    let out = sb.assert_cmd().arg("list").assert().success();
    assert!(out.get_output().stderr.is_empty());
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

    // Exit 3: the listing was written, but is incomplete.
    let out = sb.assert_cmd().arg("list").assert().code(3);
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

#[test]
fn sixteen_concurrent_session_adds_keep_every_date() {
    for round in 0..3 {
        let sb = Sandbox::new();
        sb.create_data();
        let days: Vec<String> = (1..=16).map(|d| format!("2026-10-{d:02}")).collect();
        let children: Vec<_> = days
            .iter()
            .map(|day| {
                sb.cmd()
                    .args(["session", "add", day])
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for mut c in children {
            assert!(c.wait().unwrap().success());
        }
        let out = sb
            .assert_cmd()
            .args(["session", "list", "--json"])
            .assert()
            .success();
        let list: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        let held: Vec<&str> = list["held"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_str().unwrap())
            .collect();
        assert_eq!(held, days, "round {round}: sessions were lost");
    }
}

#[test]
fn session_add_racing_session_next_keeps_both() {
    for round in 0..10 {
        let sb = Sandbox::new();
        sb.create_data();
        let spawn = |args: &[&str]| sb.cmd().args(args).stderr(Stdio::null()).spawn().unwrap();
        let mut add = spawn(&["session", "add", "2026-11-01"]);
        let mut next = spawn(&["session", "next", "2026-11-20"]);
        assert!(add.wait().unwrap().success());
        assert!(next.wait().unwrap().success());
        let s = read_json(&sb.data().join("sessions.json"));
        assert_eq!(s["held"], json!(["2026-11-01"]), "round {round}: {s}");
        assert_eq!(s["next"], json!("2026-11-20"), "round {round}: {s}");
    }
}

/// Holds the journal's lock as another mentalog would.
fn hold_journal_lock(data: &Path) -> std::fs::File {
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(data.join(".lock"))
        .unwrap();
    f.lock().unwrap();
    f
}

#[test]
fn share_waits_for_the_journal_lock() {
    let sb = Sandbox::new();
    let path = sb.add(&calm());
    let id = read_json(&path)["id"].as_str().unwrap().to_string();
    let before = std::fs::read(&path).unwrap();
    let lock = hold_journal_lock(&sb.data());
    let mut share = sb
        .cmd()
        .args(["share", &id])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(400));
    assert!(
        share.try_wait().unwrap().is_none(),
        "share did not wait for the lock"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
    drop(lock);
    assert!(share.wait().unwrap().success());
    assert_eq!(read_json(&path)["shared"], json!(true));
}

#[test]
fn stale_temp_files_are_removed_by_the_next_write_and_live_ones_kept() {
    let sb = Sandbox::new();
    let first = sb.add(&calm());
    let month = first.parent().unwrap().to_path_buf();
    let tmp = sb.data().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    // A writer that was killed: nobody holds its file.
    let dead = tmp.join(".tmp-dead01");
    std::fs::write(&dead, "private words").unwrap();
    // One left beside the entries by an older mentalog, long ago.
    let legacy = month.join(".tmp-legacy");
    let f = std::fs::File::create(&legacy).unwrap();
    f.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 3600))
        .unwrap();
    drop(f);
    // A writer still at work holds its file.
    let live = tmp.join(".tmp-live01");
    let held = std::fs::File::create(&live).unwrap();
    held.lock().unwrap();

    sb.assert_cmd().args(["session", "add"]).assert().success();
    assert!(!dead.exists(), "a dead writer's temp file was kept");
    assert!(live.exists(), "a live writer's temp file was removed");
    // Beside the entries, the next entry written into that month folder
    // removes it (a journal of years is not walked for every write).
    assert!(legacy.exists());
    let second = sb.add(&calm());
    assert_eq!(second.parent().unwrap(), month);
    assert!(
        !legacy.exists(),
        "an old temp file beside the entries was kept"
    );
    assert_eq!(mode(&tmp), 0o700);
    drop(held);
}

#[test]
fn odd_files_named_like_entries_are_reported_and_never_block() {
    let sb = Sandbox::new();
    let good = sb.add(&json!({"arrival.distress": 2, "arrival.safety": "no", "moment.what_happened": "the good one"}));
    let dir = good.parent().unwrap();
    let name = |id: &str| dir.join(format!("2026-11-03T21-40-13-{id}.json"));
    let dangling = name("dang0000");
    std::os::unix::fs::symlink(dir.join("nowhere"), &dangling).unwrap();
    let fifo = name("f1f00000");
    crate::sandbox::mkfifo(&fifo);
    let folder = name("d1r00000");
    std::fs::create_dir(&folder).unwrap();
    let looped = name("100p0000");
    std::os::unix::fs::symlink(&looped, &looped).unwrap();
    let huge = name("b1900000");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(5 * 1024 * 1024)
        .unwrap();

    let mut cmd = sb.cmd();
    cmd.arg("list");
    let run = crate::sandbox::run_watched(cmd, 20);
    assert!(!run.killed, "list blocked on a file");
    // Not success: 1, or 3 (written but incomplete).
    assert!(
        matches!(run.output.status.code(), Some(1 | 3)),
        "{:?}: {}",
        run.output.status,
        run.stderr()
    );
    assert!(run.stdout().contains("the good one"), "{}", run.stdout());
    let stderr = run.stderr();
    for odd in [&dangling, &fifo, &folder, &looped, &huge] {
        assert!(
            stderr.contains(&odd.display().to_string()),
            "{} not named: {stderr}",
            odd.display()
        );
    }
    assert!(stderr.contains("is a FIFO, not a file"), "{stderr}");
    assert!(stderr.contains("is a folder, not a file"), "{stderr}");
    assert!(stderr.contains("leads nowhere"), "{stderr}");
    assert!(stderr.contains("limit of 4 MiB"), "{stderr}");
    assert!(stderr.contains("5 files could not be read"), "{stderr}");
}

#[test]
fn an_entry_too_large_to_read_back_is_refused_saying_why() {
    let sb = Sandbox::new();
    let store = Store::new(sb.data());
    let big = entry(
        "bbbbbbbb0000",
        "2026-11-03T21:40:12+01:00",
        &"x".repeat(4 * 1024 * 1024 + 1),
    );
    let err = format!("{:#}", store.save_entry(&big).unwrap_err());
    assert!(err.contains("too large"), "{err}");
    assert!(err.contains("4 MiB"), "{err}");
    assert!(sb.entry_files().is_empty());
}

#[test]
fn a_config_that_is_a_fifo_never_blocks() {
    let sb = Sandbox::new();
    crate::sandbox::mkfifo(&sb.config());
    let mut cmd = sb.cmd();
    cmd.arg("plan");
    let run = crate::sandbox::run_watched(cmd, 20);
    assert!(!run.killed, "mentalog hung reading a FIFO as its config");
    assert!(run.output.status.success(), "{}", run.stderr());
    let all = format!("{}{}", run.stdout(), run.stderr());
    assert!(all.contains("is a FIFO, not a file"), "{all}");
    assert!(all.contains(&sb.config().display().to_string()), "{all}");
}

#[test]
fn a_missing_journal_is_an_error_for_every_reading_command() {
    let sb = Sandbox::new();
    let missing = sb.tmp.path().join("misspelt");
    for args in [
        &["list"][..],
        &["show", "abcd"],
        &["export"],
        &["export", "--format", "json"],
        &["session", "list"],
        &["share", "abcd"],
        &["unshare", "abcd"],
    ] {
        let out = sb
            .assert_cmd()
            .env("MENTALOG_DIR", &missing)
            .args(args)
            .assert()
            .code(1);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(
            stderr.contains(&format!("no journal at {}", missing.display())),
            "{args:?}: {stderr}"
        );
        assert!(out.get_output().stdout.is_empty(), "{args:?}");
        assert!(!missing.exists(), "{args:?} created the folder");
    }
    let out = sb
        .assert_cmd()
        .env("MENTALOG_DIR", &missing)
        .arg("paths")
        .assert()
        .success();
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("does not exist"));
    // Writing creates it.
    sb.assert_cmd()
        .env("MENTALOG_DIR", &missing)
        .args(["session", "add"])
        .assert()
        .success();
    assert_eq!(mode(&missing), 0o700);
}

#[test]
fn leftover_editor_files_are_listed_unless_an_editor_holds_them() {
    let sb = Sandbox::new();
    let store = Store::new(sb.data());
    assert!(store.leftover_edits().is_empty(), "no folder, nothing left");
    let editing = store.create_editing_dir().unwrap();
    std::fs::write(editing.join("answer-left.txt"), "words from /edit").unwrap();
    std::fs::write(editing.join("plan-2026.md"), "not an answer").unwrap();
    let open = editing.join("answer-open.txt");
    std::fs::write(&open, "still being written").unwrap();
    let held = std::fs::File::open(&open).unwrap();
    held.lock().unwrap();

    let left = store.leftover_edits();
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0].0, editing.join("answer-left.txt"));
    assert_eq!(left[0].1, "words from /edit");
    assert!(store.remove_leftover(&sb.data().join("plan.md")).is_err());
    store.remove_leftover(&left[0].0).unwrap();
    assert!(!left[0].0.exists());
    assert!(store.leftover_edits().is_empty());
    drop(held);
}

#[test]
fn drafts_of_a_missing_journal_are_none() {
    let sb = Sandbox::new();
    let (drafts, damaged) = Store::new(sb.data()).drafts().unwrap();
    assert!(drafts.is_empty() && damaged.is_empty());
    assert!(Store::new(sb.data()).load().is_err());
}

/// `list -n N` and a period read only the files whose names can hold what
/// is asked (a damaged file in an old month is not even opened), and give
/// exactly what reading everything gives, entries in any time zone included.
#[test]
fn list_reads_only_the_files_it_needs_and_gives_what_reading_all_gives() {
    let sb = Sandbox::new();
    let store = mentalog::store::Store::new(sb.data());
    // Forty entries over twenty days, at offsets from -12 to +14 hours,
    // near midnight, so that name order and time order differ.
    let offsets = ["-12:00", "+14:00", "+00:00", "+05:30", "-07:00"];
    for i in 0..40u32 {
        let day = 1 + i / 2;
        let hour = if i % 2 == 0 { "00:30:00" } else { "23:30:00" };
        let when = format!("2026-10-{day:02}T{hour}{}", offsets[(i % 5) as usize]);
        store
            .save_entry(&entry(&format!("{i:08x}"), &when, &format!("entry {i}")))
            .unwrap();
    }
    // A damaged file on the first day, among the others with no gap.
    let old = sb.data().join("entries/2026/10");
    std::fs::write(old.join("2026-10-01T12-00-00-deadbeef.json"), "not json").unwrap();
    let ids = |args: &[&str]| -> (Vec<String>, i32) {
        let out = sb
            .cmd()
            .args(["list", "--json"])
            .args(args)
            .output()
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let ids = doc["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_string())
            .collect();
        (ids, out.status.code().unwrap())
    };
    let (all, code) = ids(&[]);
    assert_eq!(all.len(), 40);
    assert_eq!(code, 3, "reading everything meets the damaged file");
    for n in [1usize, 2, 3, 5, 8, 13] {
        let (some, code) = ids(&["-n", &n.to_string()]);
        assert_eq!(some, all[..n], "-n {n}");
        assert_eq!(code, 0, "-n {n} never opened the damaged file");
    }
    let (window, code) = ids(&["--since", "2026-10-05", "--until", "2026-10-09"]);
    let expected: Vec<String> = all
        .iter()
        .filter(|id| {
            let i = u32::from_str_radix(id, 16).unwrap();
            (5..=9).contains(&(1 + i / 2))
        })
        .cloned()
        .collect();
    assert_eq!(window, expected);
    assert_eq!(code, 0);
}

#[test]
fn an_entry_read_again_must_be_the_file_that_was_scanned() {
    let sb = Sandbox::new();
    let store = mentalog::store::Store::new(sb.data());
    for i in 0..3u32 {
        store
            .save_entry(&entry(
                &format!("{i:08x}"),
                &format!("2026-10-0{}T10:00:00+02:00", i + 1),
                &format!("entry {i}"),
            ))
            .unwrap();
    }
    let (mut read, damaged) = store
        .scan_window(None, None, |s| Some((s.path, s.digest, s.entry.id)))
        .unwrap();
    assert!(damaged.is_empty());
    read.sort_by(|a, b| a.2.cmp(&b.2));
    assert_eq!(read.len(), 3);
    // Unchanged: read again whole.
    for (path, digest, id) in &read {
        assert_eq!(
            &mentalog::store::reread_entry(path, *digest).unwrap().id,
            id
        );
    }
    // Shared meanwhile: one byte differs, and it is not shown as chosen.
    let (path, digest, _) = &read[1];
    let changed = std::fs::read_to_string(path)
        .unwrap()
        .replace("\"shared\": false", "\"shared\": true ");
    assert_ne!(changed, std::fs::read_to_string(path).unwrap());
    std::fs::write(path, changed).unwrap();
    let err = mentalog::store::reread_entry(path, *digest).unwrap_err();
    assert!(err.contains("changed while it was being read"), "{err}");
    // A window leaves out the month folders it cannot hold.
    let (none, _) = store
        .scan_window(chrono::NaiveDate::from_ymd_opt(2026, 12, 1), None, |s| {
            Some(s.entry.id)
        })
        .unwrap();
    assert!(none.is_empty());
}

#[test]
fn a_misnamed_file_never_ends_a_short_list_early_and_odd_folders_are_not_the_newest() {
    let sb = Sandbox::new();
    let store = mentalog::store::Store::new(sb.data());
    store
        .save_entry(&entry("0000000a", "2026-10-20T10:00:00+02:00", "twentieth"))
        .unwrap();
    store
        .save_entry(&entry(
            "0000000b",
            "2026-10-25T10:00:00+02:00",
            "twenty-fifth",
        ))
        .unwrap();
    // A January entry moved by hand into October, under a later name.
    let january = store
        .save_entry(&entry("0000000c", "2026-01-01T10:00:00+01:00", "new year"))
        .unwrap();
    let moved = sb
        .data()
        .join("entries/2026/10/2026-10-30T10-00-00-0000000c.json");
    std::fs::rename(&january, &moved).unwrap();
    let ids = |args: &[&str]| -> Vec<String> {
        let out = sb
            .cmd()
            .args(["list", "--json"])
            .args(args)
            .output()
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_string())
            .collect()
    };
    let all = ids(&[]);
    assert_eq!(all, ["0000000b", "0000000a", "0000000c"]);
    assert_eq!(ids(&["-n", "2"]), all[..2]);
    assert!(ids(&["-n", "0"]).is_empty());
    // A folder that is not a month's holds an old entry with a late name:
    // it is listed, but the newest entry is still the newest by date.
    std::fs::remove_file(&moved).unwrap();
    let odd = sb.data().join("entries/2026/backup");
    std::fs::create_dir_all(&odd).unwrap();
    let twentieth = sb
        .data()
        .join("entries/2026/10/2026-10-20T10-00-00-0000000a.json");
    std::fs::copy(&twentieth, odd.join("2026-12-31T10-00-00-0000000a.json")).unwrap();
    let newest = store.newest_entry().unwrap().unwrap();
    assert_eq!(newest.id, "0000000b");
}
