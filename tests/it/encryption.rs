//! Encryption at rest (issue 13): `encrypt`, `decrypt`, `passphrase`; a
//! locked journal is written without the passphrase and read with it; a
//! wrong passphrase changes nothing; an interrupted conversion finishes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::sandbox::{Sandbox, all_files, calm, read_json};

/// Words written in the journal, looked for in every file afterwards.
const MARKER: &str = "Zephyrine-7731-words";
const PASS: &str = "blue kettle on a quiet morning";

fn secret_file(sb: &Sandbox, name: &str, text: &str) -> PathBuf {
    let path = sb.data().parent().unwrap().join(name);
    std::fs::write(&path, format!("{text}\n")).unwrap();
    path
}

fn with_marker(shared: bool) -> Value {
    let mut a = calm();
    a["moment.what_happened"] = json!(format!("At lunch {MARKER} happened"));
    a["share.include"] = json!(shared);
    a
}

/// What the data folder holds: every file's bytes, by path.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    all_files(dir)
        .into_iter()
        .filter(|p| !p.ends_with(".lock"))
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap_or_default();
            (p, bytes)
        })
        .collect()
}

fn id_of(path: &Path) -> String {
    let stem = path.file_stem().unwrap().to_str().unwrap();
    stem.rsplit('-').next().unwrap().to_string()
}

/// A journal with one of every kind of file: a shared and a private entry,
/// a reflection, a draft, sessions and a plan. Returns the shared entry's id.
fn full_journal(sb: &Sandbox) -> String {
    let shared = sb.add(&with_marker(true));
    sb.add(&with_marker(false));
    let id = id_of(&shared);
    sb.assert_cmd()
        .args(["reflect", &id, "--answers", "-"])
        .write_stdin(
            json!({"reflect.now": format!("Later {MARKER}"), "reflect.distress": 2}).to_string(),
        )
        .assert()
        .success();
    sb.assert_cmd()
        .args(["session", "add", "2026-11-10"])
        .assert()
        .success();
    sb.assert_cmd()
        .args(["session", "next", "2026-12-01"])
        .assert()
        .success();
    sb.write_plan(&format!("# My plan\nCall {MARKER} first.\n"));
    // A draft holding the same answers as the entry.
    let entry = read_json(&shared);
    let draft = json!({
        "schema": 2,
        "id": "0b7c2d1e-5f00-4000-8000-000000000001",
        "created": "2026-11-26T09:00:00+00:00",
        "pack": entry["pack"],
        "answers": entry["answers"],
        "visited": ["arrival.distress"],
        "safety_lane": false,
        "nudge": null
    });
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(sb.data().join("drafts"))
            .unwrap();
    }
    std::fs::write(
        sb.data()
            .join("drafts/0b7c2d1e-5f00-4000-8000-000000000001.json"),
        serde_json::to_string_pretty(&draft).unwrap(),
    )
    .unwrap();
    id
}

fn encrypt(sb: &Sandbox, extra: &[&str]) -> std::process::Output {
    let pass = secret_file(sb, "new-pass", PASS);
    let out = sb
        .cmd()
        .args(["encrypt", "--new-passphrase-file"])
        .arg(&pass)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn with_pass(sb: &Sandbox, args: &[&str]) -> std::process::Output {
    let pass = secret_file(sb, "pass", PASS);
    sb.cmd()
        .args(args)
        .arg("--passphrase-file")
        .arg(pass)
        .output()
        .unwrap()
}

fn holds_marker(path: &Path) -> bool {
    let bytes = std::fs::read(path).unwrap_or_default();
    bytes.windows(MARKER.len()).any(|w| w == MARKER.as_bytes())
}

#[test]
fn encrypt_seals_every_kind_of_file_and_decrypt_gives_back_the_same_bytes() {
    let sb = Sandbox::new();
    let id = full_journal(&sb);
    let before = snapshot(&sb.data());
    let plain_with_marker: Vec<_> = before.keys().filter(|p| holds_marker(p)).cloned().collect();
    // Entries (2), reflection, draft, plan.
    assert!(plain_with_marker.len() >= 5, "{plain_with_marker:?}");

    encrypt(&sb, &["--lock-plan"]);
    let found: Vec<_> = all_files(&sb.data())
        .into_iter()
        .filter(|p| holds_marker(p))
        .collect();
    assert!(
        found.is_empty(),
        "the marker is still readable in {found:?}"
    );
    for kind in [
        "entries",
        "drafts",
        "sessions.json",
        "plan.md",
        ".reflections",
    ] {
        let sealed = all_files(&sb.data()).into_iter().any(|p| {
            p.to_string_lossy().contains(kind)
                && std::fs::read(&p)
                    .unwrap()
                    .starts_with(b"age-encryption.org/v1\n")
        });
        assert!(sealed, "no sealed file of kind {kind}");
    }

    // Read back with the passphrase: every kind.
    let show = with_pass(&sb, &["show", &id]);
    assert!(
        show.status.success(),
        "{}",
        String::from_utf8_lossy(&show.stderr)
    );
    let shown = String::from_utf8_lossy(&show.stdout);
    assert!(shown.contains(MARKER), "{shown}");
    assert!(
        shown.contains(&format!("Later {MARKER}")),
        "the reflection: {shown}"
    );
    let json = with_pass(&sb, &["show", &id, "--json"]);
    let doc: Value =
        serde_json::from_slice(&json.stdout).expect("show --json gives the entry's JSON");
    assert_eq!(doc["id"].as_str().map(|s| &s[..8]), Some(id.as_str()));
    let check = with_pass(&sb, &["check"]);
    assert!(
        check.status.success(),
        "check: {}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let sessions = with_pass(&sb, &["session", "list", "--json"]);
    let listing: Value = serde_json::from_slice(&sessions.stdout).unwrap();
    assert_eq!(listing["held"], json!(["2026-11-10"]));
    assert_eq!(listing["next"], json!("2026-12-01"));
    let plan = with_pass(&sb, &["plan"]);
    assert!(String::from_utf8_lossy(&plan.stdout).contains(MARKER));
    let export = with_pass(&sb, &["export", "--since", "all", "--format", "json"]);
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    assert!(String::from_utf8_lossy(&export.stdout).contains(MARKER));

    let out = with_pass(&sb, &["decrypt"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = snapshot(&sb.data());
    for (path, bytes) in &before {
        assert_eq!(after.get(path), Some(bytes), "{} changed", path.display());
    }
    assert!(!sb.data().join("key.age").exists());
    assert!(!sb.data().join("encryption.json").exists());
    sb.assert_cmd().args(["list"]).assert().success();
}

#[test]
fn a_locked_journal_is_written_without_the_passphrase_and_read_with_it() {
    let sb = Sandbox::new();
    sb.add(&calm());
    encrypt(&sb, &[]);

    // Writing asks nothing: an entry, a session, the plan stays readable.
    let path = sb.add(&with_marker(true));
    assert!(
        std::fs::read(&path)
            .unwrap()
            .starts_with(b"age-encryption.org/v1\n")
    );
    assert!(!holds_marker(&path));
    sb.assert_cmd()
        .args(["session", "add", "2026-11-20"])
        .assert()
        .success();
    sb.write_plan("# Plan\nBreathe, then call Sam.\n");
    sb.assert_cmd()
        .args(["plan"])
        .assert()
        .success()
        .stdout(predicates::str::contains("Breathe, then call Sam."));

    // Reading without a terminal and without a passphrase: exit 2, naming the flag.
    let list = sb.cmd().args(["list"]).output().unwrap();
    assert_eq!(list.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&list.stderr).contains("--passphrase-file"));

    // With it (also from the environment), every entry and the session record.
    let pass = secret_file(&sb, "pass", PASS);
    let list = sb
        .cmd()
        .args(["list", "--json"])
        .env("MENTALOG_PASSPHRASE_FILE", &pass)
        .output()
        .unwrap();
    assert!(
        list.status.success(),
        "{}",
        String::from_utf8_lossy(&list.stderr)
    );
    let listed: Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(
        listed["entries"].as_array().map(Vec::len),
        Some(2),
        "{listed}"
    );
    let sessions = with_pass(&sb, &["session", "list", "--json"]);
    let listing: Value = serde_json::from_slice(&sessions.stdout).unwrap();
    assert_eq!(listing["held"], json!(["2026-11-20"]));

    // Decrypting folds the session record into the sessions file.
    assert!(with_pass(&sb, &["decrypt"]).status.success());
    assert!(!sb.data().join("sessions").exists());
    let listing: Value = serde_json::from_slice(
        &sb.cmd()
            .args(["session", "list", "--json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(listing["held"], json!(["2026-11-20"]));
}

#[test]
fn a_wrong_passphrase_changes_nothing_in_any_reading_command() {
    let sb = Sandbox::new();
    let id = full_journal(&sb);
    encrypt(&sb, &["--lock-plan"]);
    let wrong = secret_file(&sb, "wrong", "not the passphrase");
    let new = secret_file(&sb, "newer", "another passphrase");
    let out = sb.data().parent().unwrap().join("summary.md");
    let batch_out = sb.data().parent().unwrap().join("batch");
    let before = snapshot(&sb.data());
    let out_s = out.to_str().unwrap().to_string();
    let new_s = new.to_str().unwrap().to_string();
    let data_s = sb.data().to_str().unwrap().to_string();
    let batch_s = batch_out.to_str().unwrap().to_string();
    let commands: Vec<Vec<&str>> = vec![
        vec!["list"],
        vec!["list", "--contains", "lunch"],
        vec!["show", &id],
        vec!["export", "--since", "all"],
        vec![
            "export", "--since", "all", "--format", "json", "--out", &out_s,
        ],
        vec!["plan"],
        vec!["check"],
        vec!["reflect", &id, "--answers", "-"],
        vec!["share", &id],
        vec!["unshare", &id],
        vec!["delete", &id, "--yes"],
        vec!["session", "list"],
        vec!["decrypt"],
        vec!["encrypt"],
        vec!["passphrase", "--new-passphrase-file", &new_s],
    ];
    for args in &commands {
        let run = sb
            .cmd()
            .args(args)
            .arg("--passphrase-file")
            .arg(&wrong)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("passphrase does not open"), "{args:?}: {err}");
        assert!(
            !err.contains(MARKER) && !err.contains(&id),
            "{args:?} names the journal: {err}"
        );
        assert!(
            run.stdout.is_empty(),
            "{args:?} printed {:?}",
            String::from_utf8_lossy(&run.stdout)
        );
        assert_eq!(snapshot(&sb.data()), before, "{args:?} changed the journal");
        assert!(!out.exists(), "{args:?} wrote a summary");
    }
    // A batch reports the journal it cannot unlock as a failure.
    let run = sb
        .cmd()
        .args([
            "export",
            "--batch",
            "--by",
            "all",
            "--dir",
            &data_s,
            "--out-dir",
            &batch_s,
        ])
        .arg("--passphrase-file")
        .arg(&wrong)
        .output()
        .unwrap();
    let manifest = String::from_utf8_lossy(&run.stdout);
    assert_ne!(run.status.code(), Some(0), "{manifest}");
    assert!(manifest.contains("\"failed\""), "{manifest}");
    assert!(!manifest.contains(MARKER), "{manifest}");
    assert_eq!(
        snapshot(&sb.data()),
        before,
        "the batch changed the journal"
    );
}

#[test]
fn a_batch_unlocks_each_journal_with_the_one_passphrase_file() {
    let a = Sandbox::new();
    a.add(&with_marker(true));
    encrypt(&a, &[]);
    let b = Sandbox::new();
    b.add(&with_marker(true));
    encrypt(&b, &[]);
    let out = a.data().parent().unwrap().join("batch");
    let run = with_pass(
        &a,
        &[
            "export",
            "--batch",
            "--by",
            "all",
            "--dir",
            a.data().to_str().unwrap(),
            "--dir",
            b.data().to_str().unwrap(),
            "--out-dir",
            out.to_str().unwrap(),
        ],
    );
    let manifest = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{manifest}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(
        manifest.matches("\"written\"").count() + manifest.matches("\"unchanged\"").count(),
        2,
        "{manifest}"
    );
    let summaries: Vec<_> = all_files(&out)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    assert_eq!(summaries.len(), 2);
    for s in summaries {
        assert!(holds_marker(&s), "{}", s.display());
    }
}

#[test]
fn a_new_passphrase_rewraps_the_key_only_and_a_recovery_copy_opens_the_journal() {
    let sb = Sandbox::new();
    sb.add(&with_marker(true));
    let recovery = sb.data().parent().unwrap().join("recovery.txt");
    encrypt(&sb, &["--recovery-file", recovery.to_str().unwrap()]);
    let text = std::fs::read_to_string(&recovery).unwrap();
    assert!(
        text.contains("Anyone with this file can read your journal"),
        "{text}"
    );
    assert!(text.lines().any(|l| l.starts_with("AGE-SECRET-KEY-1")));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&recovery).unwrap().permissions().mode() & 0o777,
        0o600
    );

    let entries_before: BTreeMap<_, _> = snapshot(&sb.data().join("entries"));
    let new = secret_file(&sb, "newer", "a different passphrase");
    let run = with_pass(
        &sb,
        &["passphrase", "--new-passphrase-file", new.to_str().unwrap()],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(snapshot(&sb.data().join("entries")), entries_before);
    // The old one no longer opens it; the new one and the recovery copy do.
    assert_eq!(with_pass(&sb, &["list"]).status.code(), Some(1));
    let listed = sb
        .cmd()
        .args(["list", "--passphrase-file"])
        .arg(&new)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&listed.stdout).contains("At lunch"));
    let listed = sb
        .cmd()
        .args(["list", "--identity-file"])
        .arg(&recovery)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&listed.stdout).contains("At lunch"),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    // The age tool opens an entry with the recovery copy, where it is installed.
    if std::process::Command::new("age")
        .arg("--version")
        .output()
        .is_ok()
    {
        let entry = &sb.entry_files()[0];
        let plain = std::process::Command::new("age")
            .args(["-d", "-i"])
            .arg(&recovery)
            .arg(entry)
            .output()
            .unwrap();
        assert!(
            plain.status.success(),
            "{}",
            String::from_utf8_lossy(&plain.stderr)
        );
        assert!(String::from_utf8_lossy(&plain.stdout).contains(MARKER));
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "the age tool is missing under CI"
        );
    }
}

#[test]
fn encrypt_is_said_before_anything_changes_and_refuses_without_a_passphrase() {
    let sb = Sandbox::new();
    sb.add(&calm());
    let before = snapshot(&sb.data());
    let run = sb.cmd().args(["encrypt"]).output().unwrap();
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("If you lose the passphrase"), "{err}");
    assert!(err.contains("--new-passphrase-file"), "{err}");
    assert_eq!(snapshot(&sb.data()), before);
    // An empty passphrase file is refused too.
    let empty = secret_file(&sb, "empty", "");
    let run = sb
        .cmd()
        .args(["encrypt", "--new-passphrase-file"])
        .arg(&empty)
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(snapshot(&sb.data()), before);
}

/// A small deterministic sequence for where to stop each run.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

/// Every entry of the journal, as the plain bytes of its file, by file name:
/// read with the library and the journal's key (when it has one).
fn words(sb: &Sandbox) -> BTreeMap<String, Vec<u8>> {
    let store = mentalog::store::Store::new(sb.data());
    let root = sb.data();
    // Each time: a conversion run again after a finished decrypt makes a new key.
    if root.join("key.age").exists() {
        let locked = std::fs::read(root.join("key.age")).unwrap();
        let key =
            mentalog::crypt::Key::unlock(&locked, &mentalog::crypt::Passphrase::new(PASS.into()))
                .unwrap_or_else(|e| panic!("the key does not open: {e}"));
        mentalog::crypt::register(&root, key);
    }
    let mut out = BTreeMap::new();
    for path in store.private_files().unwrap() {
        let bytes = std::fs::read(&path).unwrap();
        let plain = mentalog::crypt::open(&path, bytes)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(out.insert(name.clone(), plain).is_none(), "{name} twice");
    }
    out
}

#[test]
fn encrypt_and_decrypt_killed_at_random_points_finish_with_every_word_once() {
    let sb = Sandbox::new();
    for i in 0..24 {
        let mut a = with_marker(i % 2 == 0);
        a["moment.what_happened"] = json!(format!("Moment {i}: {MARKER}"));
        sb.assert_cmd()
            .args(["new", "--answers", "-"])
            .env("MENTALOG_NOW", crate::sandbox::later(i * 60 * 24 * 9))
            .write_stdin(a.to_string())
            .assert()
            .success();
    }
    sb.write_plan("# Plan\nCall Sam.\n");
    let original = words(&sb);
    assert!(original.len() >= 25, "{}", original.len());
    let pass = secret_file(&sb, "pass", PASS);
    let run = |sealing: bool| -> std::process::Command {
        let mut cmd = sb.cmd();
        if !sealing {
            cmd.arg("decrypt").arg("--passphrase-file").arg(&pass);
        } else if sb.data().join("encryption.json").exists() {
            cmd.arg("encrypt").arg("--passphrase-file").arg(&pass);
        } else {
            cmd.arg("encrypt").arg("--new-passphrase-file").arg(&pass);
        }
        cmd.stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        cmd
    };
    // How long a whole run takes here, to stop the others somewhere inside it.
    let start = std::time::Instant::now();
    assert!(run(true).status().unwrap().success());
    assert!(run(false).status().unwrap().success());
    let span = (start.elapsed().as_micros() as u64 / 2).max(1);
    assert_eq!(words(&sb), original);

    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut kills = 0;
    let mut sealing = true;
    let mut round = 0;
    // Runs stopped with some files converted and some not.
    let mut halfway = 0;
    // Each round: start the conversion, kill it (SIGKILL) after a random
    // delay, check nothing is lost or doubled, then finish it and check again.
    while kills < 30 {
        round += 1;
        assert!(
            round < 400,
            "only {kills} of {round} runs could be killed before they finished"
        );
        let mut child = run(sealing).spawn().unwrap();
        let delay = next(&mut seed) % span;
        std::thread::sleep(std::time::Duration::from_micros(delay));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            kills += 1;
        }
        child.wait().unwrap();
        assert_eq!(
            words(&sb),
            original,
            "round {round}: after the kill at {delay} µs"
        );
        let now_sealed = store_sealed(&sb);
        if now_sealed > 0 && now_sealed < original.len() - 1 {
            halfway += 1;
        }
        let finish = run(sealing).output().unwrap();
        assert!(
            finish.status.success(),
            "round {round}: {}",
            String::from_utf8_lossy(&finish.stderr)
        );
        assert_eq!(words(&sb), original, "round {round}: after finishing");
        let sealed = store_sealed(&sb);
        if sealing {
            assert_eq!(
                sealed,
                original.len() - 1,
                "round {round}: all but the readable plan sealed"
            );
        } else {
            assert_eq!(sealed, 0, "round {round}");
            assert!(!sb.data().join("key.age").exists(), "round {round}");
        }
        sealing = !sealing;
    }
    eprintln!("{kills} runs killed in {round} rounds, {halfway} half way through the files");
    assert!(
        halfway >= 3,
        "only {halfway} of {kills} kills came half way through"
    );
}

fn store_sealed(sb: &Sandbox) -> usize {
    mentalog::store::Store::new(sb.data())
        .private_files()
        .unwrap()
        .iter()
        .filter(|p| {
            std::fs::read(p)
                .unwrap()
                .starts_with(b"age-encryption.org/v1\n")
        })
        .count()
}

// --- In a terminal: the walk on a locked journal --------------------------

use crate::pty::{
    CONTACT, CTRL_C, DRAFT_MENU, ENTER, PLAN, STOPPED, TURNING_POINT, WHAT_HAPPENED, Walk, arrive,
    lane,
};

#[test]
fn the_lane_of_a_locked_journal_shows_the_plan_and_contacts_and_never_asks_a_passphrase() {
    let sb = Sandbox::new();
    sb.write_plan(PLAN);
    sb.write_config(CONTACT);
    sb.add(&calm());
    encrypt(&sb, &[]);

    let mut w = Walk::new(&sb);
    let shown = lane(&mut w, "9", 2, "Going to call Sam", 1);
    for line in ["Warning signs: I stop eating.", "Sam: 555 0100"] {
        assert!(
            shown.contains(line),
            "{line:?} is not shown in the lane: {shown:?}"
        );
    }
    let close = w.expect("Saved. It will be part of what you export for your therapist.");
    let path = w.saved_path();
    let all = w.exits(0);
    assert!(
        !shown.to_lowercase().contains("passphrase")
            && !close.to_lowercase().contains("passphrase")
            && !all.to_lowercase().contains("passphrase"),
        "a passphrase was mentioned: {shown:?} {close:?} {all:?}"
    );
    let bytes = std::fs::read(&path).unwrap();
    assert!(
        bytes.starts_with(b"age-encryption.org/v1\n"),
        "the lane entry is not sealed"
    );
    assert!(!bytes.windows(14).any(|w| w == b"Going to call "));
}

#[test]
fn ctrl_c_keeps_a_sealed_draft_that_the_passphrase_opens_and_enter_passes_by() {
    let sb = Sandbox::new();
    sb.add(&calm());
    encrypt(&sb, &[]);

    let mut w = Walk::new(&sb);
    arrive(&mut w, "5", 2);
    w.answer(WHAT_HAPPENED, "The bus left without me");
    w.expect(TURNING_POINT);
    w.send(CTRL_C);
    w.expect(STOPPED);
    w.exits(130);
    let drafts = sb.draft_files();
    assert_eq!(drafts.len(), 1);
    let bytes = std::fs::read(&drafts[0]).unwrap();
    assert!(
        bytes.starts_with(b"age-encryption.org/v1\n"),
        "the draft is not sealed"
    );
    assert!(!bytes.windows(8).any(|w| w == b"The bus "));

    // Enter alone: a new entry, the locked one kept.
    let mut w = Walk::new(&sb);
    w.expect("It is locked with your passphrase");
    w.expect("Passphrase (or Enter for a new entry)");
    w.send(ENTER);
    w.expect(crate::pty::DISTRESS);
    w.send(CTRL_C);
    w.exits(130);
    assert_eq!(sb.draft_files(), drafts);

    // A wrong passphrase, then the right one: the draft is offered whole.
    let mut w = Walk::new(&sb);
    w.expect("Passphrase (or Enter for a new entry)");
    w.send("not it");
    w.send(ENTER);
    w.expect("That passphrase does not open your journal.");
    w.send(PASS);
    w.send(ENTER);
    w.expect("\"The bus left without me\"");
    w.pick(DRAFT_MENU, 1, "Carry on where you left off");
    w.expect(TURNING_POINT);
    w.send(CTRL_C);
    w.exits(130);
}

#[test]
fn after_a_sealed_lane_entry_the_next_walk_offers_its_follow_up_with_the_passphrase() {
    let sb = Sandbox::new();
    sb.write_plan(PLAN);
    sb.add(&calm());
    encrypt(&sb, &[]);
    let mut w = Walk::new_at(&sb, &crate::sandbox::later(10));
    lane(&mut w, "9", 2, "", 3);
    w.saved_path();
    w.exits(0);

    // Enter goes on without it, and it is asked again next time.
    let mut w = Walk::new_at(&sb, &crate::sandbox::later(20));
    w.expect("Last time you wrote here, things were very hard.");
    w.expect("Passphrase (or Enter to go on)");
    w.send(ENTER);
    w.expect(crate::pty::DISTRESS);
    w.send(CTRL_C);
    w.exits(130);

    let mut w = Walk::new_at(&sb, &crate::sandbox::later(20));
    w.expect("Passphrase (or Enter to go on)");
    w.send(PASS);
    w.send(ENTER);
    w.expect(crate::pty::FOLLOW_UP);
    w.send(CTRL_C);
    w.exits(130);
}

#[test]
fn filters_backup_restore_and_import_work_on_an_encrypted_journal() {
    let sb = Sandbox::new();
    sb.add(&with_marker(true));
    sb.add(&calm());
    encrypt(&sb, &[]);

    // Filters, with the passphrase.
    let found = with_pass(&sb, &["list", "--contains", "zephyrine", "--json"]);
    let doc: Value = serde_json::from_slice(&found.stdout).unwrap();
    assert_eq!(doc["entries"].as_array().map(Vec::len), Some(1), "{doc}");

    // Import needs no passphrase, and what it brings in is sealed.
    let jrnl = sb.data().parent().unwrap().join("jrnl.json");
    std::fs::write(
        &jrnl,
        json!({"tags": {}, "entries": [{"title": "Brought over", "body": format!("old {MARKER}"), "date": "2024-03-09", "time": "07:15", "starred": false, "tags": []}]}).to_string(),
    )
    .unwrap();
    let imported = sb
        .cmd()
        .args(["import", "jrnl"])
        .arg(&jrnl)
        .output()
        .unwrap();
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let path = PathBuf::from(String::from_utf8_lossy(&imported.stdout).trim());
    assert!(
        std::fs::read(&path)
            .unwrap()
            .starts_with(b"age-encryption.org/v1\n")
    );

    // A backup needs no passphrase, keeps the files sealed, and restores
    // into a folder the same passphrase opens.
    let archive = sb.data().parent().unwrap().join("backup.tar.gz");
    sb.assert_cmd()
        .arg("backup")
        .arg(&archive)
        .assert()
        .success();
    let other = sb.data().parent().unwrap().join("restored");
    sb.assert_cmd()
        .arg("--dir")
        .arg(&other)
        .arg("restore")
        .arg(&archive)
        .assert()
        .success();
    assert!(all_files(&other).iter().all(|p| !holds_marker(p)));
    let pass = secret_file(&sb, "pass", PASS);
    let listed = sb
        .cmd()
        .arg("--dir")
        .arg(&other)
        .args(["list", "--json", "--passphrase-file"])
        .arg(&pass)
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(doc["entries"].as_array().map(Vec::len), Some(3), "{doc}");

    // A merge of the same journal's archive adds nothing and reads its entries.
    let merged = with_pass(&sb, &["restore", "--merge", archive.to_str().unwrap()]);
    assert!(
        merged.status.success(),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
}

#[test]
fn forget_deletes_an_encrypted_journal_and_check_reads_session_records_alone() {
    let sb = Sandbox::new();
    sb.add(&calm());
    encrypt(&sb, &[]);
    // A session recorded after encrypting, and no sessions file.
    sb.assert_cmd()
        .args(["session", "add", "2026-11-02"])
        .assert()
        .success();
    assert!(!sb.data().join("sessions.json").exists());
    let check = with_pass(&sb, &["check"]);
    assert!(
        check.status.success(),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    // `encrypt` again writes a recovery copy of the key it has.
    let copy = sb.data().parent().unwrap().join("later-copy.txt");
    let again = with_pass(&sb, &["encrypt", "--recovery-file", copy.to_str().unwrap()]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let listed = sb
        .cmd()
        .args(["list", "--identity-file"])
        .arg(&copy)
        .output()
        .unwrap();
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    sb.assert_cmd()
        .args(["forget", "--everything", "--confirm", "forget"])
        .assert()
        .success();
    assert!(
        !sb.data().exists() || all_files(&sb.data()).is_empty(),
        "{:?}",
        all_files(&sb.data())
    );
}

#[test]
fn check_names_a_plain_file_in_an_encrypted_journal_and_encrypt_again_seals_it() {
    let plain = Sandbox::new();
    let stray = plain.add(&with_marker(false));
    let sb = Sandbox::new();
    sb.add(&calm());
    encrypt(&sb, &[]);
    let copied = sb.data().join(stray.strip_prefix(plain.data()).unwrap());
    std::fs::copy(&stray, &copied).unwrap();

    let check = with_pass(&sb, &["check", "--json"]);
    assert_eq!(check.status.code(), Some(1));
    let out = String::from_utf8_lossy(&check.stdout);
    assert!(out.contains("\"kind\":\"unsealed\""), "{out}");
    assert_eq!(out.lines().count(), 1, "{out}");

    let again = with_pass(&sb, &["encrypt"]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(said.contains("1 file more sealed"), "{said}");
    assert!(!holds_marker(&copied));
    assert!(with_pass(&sb, &["check"]).status.success());
}

#[test]
fn in_a_terminal_the_passphrase_is_asked_hidden_a_wrong_one_again_and_ctrl_c_stops() {
    let sb = Sandbox::new();
    sb.add(&with_marker(true));
    encrypt(&sb, &[]);
    let mut w = Walk::at(&sb, &["list"], crate::sandbox::NOW);
    w.expect("Your journal's passphrase");
    w.send("not it");
    w.send(ENTER);
    let said = w.expect("That passphrase does not open your journal. Please try again.");
    assert!(
        !said.contains("not it"),
        "the passphrase was shown: {said:?}"
    );
    w.send(PASS);
    w.send(ENTER);
    let listed = w.exits(0);
    assert!(listed.contains("At lunch"), "{listed:?}");
    assert!(
        !listed.contains(PASS),
        "the passphrase was shown: {listed:?}"
    );

    let before = snapshot(&sb.data());
    let mut w = Walk::at(&sb, &["list"], crate::sandbox::NOW);
    w.expect("Your journal's passphrase");
    w.send(CTRL_C);
    w.expect("Nothing was changed.");
    w.exits(130);
    assert_eq!(snapshot(&sb.data()), before);
}
