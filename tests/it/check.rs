//! `mentalog check`: every damaged or odd file in the journal, one line
//! each, sorted by path; exit 0 when clean, 1 when not; nothing changed.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use mentalog::store::Store;
use serde_json::Value;

use crate::sandbox::{Sandbox, calm, mkfifo, run_watched};
use crate::store::entry;

/// Everything under `dir` as it is on disk, links not followed: each
/// path's type, mode, mtime and (regular files) bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (String, u32, SystemTime, Vec<u8>)> {
    fn go(dir: &Path, out: &mut BTreeMap<PathBuf, (String, u32, SystemTime, Vec<u8>)>) {
        for item in std::fs::read_dir(dir).unwrap() {
            let path = item.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let bytes = if meta.is_file() {
                std::fs::read(&path).unwrap()
            } else {
                Vec::new()
            };
            out.insert(
                path.clone(),
                (
                    format!("{:?}", meta.file_type()),
                    meta.permissions().mode(),
                    meta.modified().unwrap(),
                    bytes,
                ),
            );
            if meta.is_dir() {
                go(&path, out);
            }
        }
    }
    let mut out = BTreeMap::new();
    go(dir, &mut out);
    out
}

/// Writes `bytes` at `data/rel` (folders 0700, the file 0600).
fn put(sb: &Sandbox, rel: &str, bytes: &[u8]) -> PathBuf {
    let path = sb.data().join(rel);
    mentalog::store::create_private_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

fn make_old(path: &Path) {
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(SystemTime::now() - Duration::from_secs(2 * 60 * 60))
        .unwrap();
}

/// Runs `check --json` and returns (path, kind) of each line, and each line.
fn json_lines(sb: &Sandbox) -> (Vec<(String, String)>, Vec<Value>) {
    let out = sb.assert_cmd().args(["check", "--json"]).assert().code(1);
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let docs: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let pairs = docs
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (pairs, docs)
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(p, k)| ((*p).to_string(), (*k).to_string()))
        .collect()
}

#[test]
fn a_clean_journal_exits_0_and_prints_nothing_on_stdout() {
    let sb = Sandbox::new();
    sb.add(&calm());
    sb.add(&calm());
    sb.assert_cmd()
        .args(["session", "add", "2026-11-01"])
        .assert()
        .success();
    put(&sb, "plan.md", "Call Sam.\n".as_bytes());
    let before = snapshot(&sb.data());
    let out = sb.assert_cmd().arg("check").assert().success();
    let out = out.get_output();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Checked 2 entries, 0 drafts: every file reads.\n"
    );
    let quiet = sb
        .assert_cmd()
        .args(["check", "--quiet"])
        .assert()
        .success();
    assert!(quiet.get_output().stderr.is_empty());
    let json = sb.assert_cmd().args(["check", "--json"]).assert().success();
    assert!(json.get_output().stdout.is_empty());
    assert_eq!(snapshot(&sb.data()), before);
}

#[test]
fn an_empty_journal_is_clean() {
    let sb = Sandbox::new();
    sb.create_data();
    let out = sb.assert_cmd().arg("check").assert().success();
    assert_eq!(
        String::from_utf8_lossy(&out.get_output().stderr),
        "Checked 0 entries, 0 drafts: every file reads.\n"
    );
}

#[test]
fn a_missing_data_folder_is_an_error_that_names_it() {
    let sb = Sandbox::new();
    let out = sb.assert_cmd().arg("check").assert().code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("no journal at"), "{stderr}");
    assert!(
        stderr.contains(&sb.data().display().to_string()),
        "{stderr}"
    );
    assert!(out.get_output().stdout.is_empty());
    assert!(!sb.data().exists(), "check created the data folder");
}

#[test]
fn every_kind_of_problem_has_its_line_and_nothing_is_changed() {
    let sb = Sandbox::new();
    let store = Store::new(sb.data());
    let good = store
        .save_entry(&entry(
            "aaaa1111000000000000000000000001",
            "2026-11-03T21:40:12+01:00",
            "fine",
        ))
        .unwrap();
    // Another entry, then a copy of it under another name: both files hold
    // the same entry, and the copy's name is not the entry's.
    let original = store
        .save_entry(&entry(
            "bbbb2222000000000000000000000002",
            "2026-11-04T08:00:00+01:00",
            "twice",
        ))
        .unwrap();
    let bytes = std::fs::read(&original).unwrap();
    put(
        &sb,
        "entries/2026/11/2026-11-04T09-00-00-bbbb2222.json",
        &bytes,
    );
    // An entry kept in the wrong month.
    let moved = entry(
        "cccc3333000000000000000000000003",
        "2026-11-05T10:00:00+00:00",
        "moved",
    );
    let moved_json = serde_json::to_vec_pretty(&moved).unwrap();
    put(
        &sb,
        "entries/2026/10/2026-11-05T10-00-00-cccc3333.json",
        &moved_json,
    );
    put(
        &sb,
        "entries/2026/11/2026-11-01T10-00-00-dddd4444.json",
        b"{ not json",
    );
    put(&sb, "entries/notes.txt", b"a note");
    mentalog::store::create_private_dir_all(&sb.data().join("entries/2026/13")).unwrap();
    put(&sb, "entries/2026/11/readme.md", b"hi");
    let old_tmp = put(&sb, "entries/2026/11/.tmp-old123", b"half");
    make_old(&old_tmp);
    put(&sb, "entries/2026/11/.tmp-young1", b"at work");
    put(&sb, "drafts/0123.json", b"[1, 2");
    put(&sb, "sessions.json", b"{\"schema\": ");
    put(&sb, "state.json", b"not state");
    put(&sb, "plan.md", b"caf\xe9\n");
    std::fs::set_permissions(&good, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(
        sb.data().join("drafts"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    mkfifo(&sb.data().join("entries/2026/11/fifo.json"));

    let before = snapshot(&sb.data());
    let (found, docs) = json_lines(&sb);
    let good_rel = good.strip_prefix(sb.data()).unwrap().display().to_string();
    let original_rel = original
        .strip_prefix(sb.data())
        .unwrap()
        .display()
        .to_string();
    let mut expected = pairs(&[
        ("drafts", "permissions"),
        ("drafts/0123.json", "damaged"),
        (
            "entries/2026/10/2026-11-05T10-00-00-cccc3333.json",
            "misnamed",
        ),
        ("entries/2026/11/.tmp-old123", "leftover"),
        (
            "entries/2026/11/2026-11-01T10-00-00-dddd4444.json",
            "damaged",
        ),
        (
            "entries/2026/11/2026-11-04T09-00-00-bbbb2222.json",
            "misnamed",
        ),
        (
            "entries/2026/11/2026-11-04T09-00-00-bbbb2222.json",
            "duplicate",
        ),
        ("entries/2026/11/fifo.json", "not-a-file"),
        ("entries/2026/11/readme.md", "stray"),
        ("entries/2026/13", "stray"),
        ("entries/notes.txt", "stray"),
        ("plan.md", "damaged"),
        ("sessions.json", "damaged"),
        ("state.json", "damaged"),
    ]);
    expected.push((good_rel.clone(), "permissions".into()));
    expected.push((original_rel.clone(), "duplicate".into()));
    let mut sorted = found.clone();
    sorted.sort_by(|a, b| Path::new(&a.0).cmp(Path::new(&b.0)));
    assert_eq!(found, sorted, "not sorted by path");
    let mut want = expected.clone();
    want.sort();
    let mut got = found.clone();
    got.sort();
    assert_eq!(got, want);
    for d in &docs {
        let keys: Vec<&String> = d.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 3, "{d}");
        assert!(!d["problem"].as_str().unwrap().is_empty());
    }

    // The same problems as text, one line each, with the fix where there is one.
    let out = sb.assert_cmd().arg("check").assert().code(1);
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), found.len(), "{stdout}");
    for (line, (path, _)) in lines.iter().zip(&found) {
        assert!(line.starts_with(&format!("{path}: ")), "{line}");
    }
    let chmod = format!(
        "{good_rel}: others can read it (mode 0644); keep the file private with: chmod 600 {}",
        good.display()
    );
    assert!(lines.contains(&chmod.as_str()), "{stdout}");
    assert!(stdout.contains("fifo.json: a FIFO, not a file"), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "holds the same entry (id bbbb2222) as {original_rel}"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "which mentalog would keep as entries/2026/11/2026-11-05T10-00-00-cccc3333.json"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("plan.md: cannot be read:"), "{stdout}");
    assert!(!stdout.contains("tmp-young"), "{stdout}");
    assert!(
        stderr.contains(&format!("mentalog: error: {} problems", found.len())),
        "{stderr}"
    );
    assert!(stderr.contains("mentalog never changes them"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");

    assert_eq!(snapshot(&sb.data()), before, "check changed the journal");
}

#[test]
fn a_symbolic_link_is_reported_and_never_followed() {
    let sb = Sandbox::new();
    sb.add(&calm());
    // A valid entry outside the data folder, linked in among the entries:
    // following it would read it as an entry (and find it misnamed).
    let outside = sb.tmp.path().join("outside.json");
    let other = entry(
        "eeee5555000000000000000000000005",
        "2026-11-03T10:00:00+00:00",
        "outside",
    );
    std::fs::write(&outside, serde_json::to_vec_pretty(&other).unwrap()).unwrap();
    let month = sb.entry_files()[0].parent().unwrap().to_path_buf();
    std::os::unix::fs::symlink(&outside, month.join("link.json")).unwrap();
    std::os::unix::fs::symlink(&month, sb.data().join("entries/2026/12")).unwrap();
    put(
        &sb,
        "entries/2026/11/2026-11-01T10-00-00-dddd4444.json",
        b"{}",
    );
    let (found, _) = json_lines(&sb);
    assert_eq!(
        found,
        pairs(&[
            (
                "entries/2026/11/2026-11-01T10-00-00-dddd4444.json",
                "damaged"
            ),
            ("entries/2026/11/link.json", "not-a-file"),
            ("entries/2026/12", "not-a-file"),
        ])
    );
    let out = sb.assert_cmd().arg("check").assert().code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        stdout.contains(&format!(
            "entries/2026/11/link.json: a symbolic link to {}; mentalog keeps only files and folders here and does not follow it",
            outside.display()
        )),
        "{stdout}"
    );
}

#[test]
fn a_fifo_named_like_an_entry_does_not_hang() {
    let sb = Sandbox::new();
    sb.add(&calm());
    let month = sb.entry_files()[0].parent().unwrap().to_path_buf();
    mkfifo(&month.join("2026-11-03T21-40-12-ffff0000.json"));
    mkfifo(&sb.data().join("sessions.json"));
    // `new` wrote a plan: a FIFO takes its place.
    std::fs::remove_file(sb.data().join("plan.md")).unwrap();
    mkfifo(&sb.data().join("plan.md"));
    let before = snapshot(&sb.data());
    let mut cmd = sb.cmd();
    cmd.arg("check");
    let run = run_watched(cmd, 30);
    assert!(!run.killed, "check hung on a FIFO");
    assert_eq!(run.output.status.code(), Some(1), "{}", run.stderr());
    assert_eq!(
        run.stdout(),
        "entries/2026/11/2026-11-03T21-40-12-ffff0000.json: a FIFO, not a file; mentalog keeps only files and folders here\n\
         plan.md: a FIFO, not a file; mentalog keeps only files and folders here\n\
         sessions.json: a FIFO, not a file; mentalog keeps only files and folders here\n"
    );
    assert_eq!(snapshot(&sb.data()), before);
}

#[test]
fn untrusted_names_are_shown_sanitised() {
    let sb = Sandbox::new();
    sb.create_data();
    put(&sb, "entries/evil\x1b[31m\nname.txt", b"x");
    let out = sb.assert_cmd().arg("check").assert().code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(!stdout.contains('\x1b'), "{stdout:?}");
    assert_eq!(stdout.lines().count(), 1, "{stdout:?}");
    assert!(stdout.starts_with("entries/evil"), "{stdout:?}");
}

#[test]
fn a_link_inside_a_stray_folder_among_the_entries_is_not_followed() {
    let sb = Sandbox::new();
    sb.add(&calm());
    // A folder of entries outside the journal, linked in from a stray folder.
    let outside = sb.tmp.path().join("elsewhere");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("x.json"), b"not an entry").unwrap();
    std::fs::create_dir_all(sb.data().join("entries/misc")).unwrap();
    std::os::unix::fs::symlink(&outside, sb.data().join("entries/misc/sub")).unwrap();
    let (found, _) = json_lines(&sb);
    assert!(
        found.iter().all(|(path, _)| !path.contains("x.json")),
        "the file behind the link was read: {found:?}"
    );
    assert!(
        found.contains(&("entries/misc/sub".to_string(), "not-a-file".to_string())),
        "{found:?}"
    );
}
