//! `mentalog delete` and `mentalog forget --everything`: delete means delete.

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::sandbox::{Sandbox, read_json};

fn stderr(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&out.get_output().stderr).to_string()
}

fn stdout(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&out.get_output().stdout).to_string()
}

/// Writes a shared entry (so an export would show it) and returns its path and id.
fn shared_entry(sb: &Sandbox, what: &str) -> (PathBuf, String) {
    let path = sb.add(&json!({
        "arrival.distress": 4,
        "arrival.safety": "no",
        "moment.what_happened": what
    }));
    let id = read_json(&path)["id"].as_str().unwrap().to_string();
    sb.assert_cmd().args(["share", &id]).assert().success();
    (path, id)
}

/// Every file under `dir` (links not followed), with its bytes.
fn every_file(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let path = e.path();
        if e.file_type().unwrap().is_dir() {
            every_file(&path, out);
        } else {
            let bytes = std::fs::read(&path).unwrap_or_default();
            out.push((path, bytes));
        }
    }
}

fn naming(dir: &Path, id: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    every_file(dir, &mut files);
    let short = &id[..8];
    files
        .into_iter()
        .filter(|(p, bytes)| {
            p.to_string_lossy().contains(short)
                || bytes.windows(id.len()).any(|w| w == id.as_bytes())
        })
        .map(|(p, _)| p)
        .collect()
}

fn export_json(sb: &Sandbox) -> String {
    let out = sb
        .assert_cmd()
        .args(["export", "--since", "all", "--format", "json"])
        .assert()
        .success();
    stdout(&out)
}

#[test]
fn delete_leaves_nothing_naming_the_entry_and_it_is_gone_everywhere() {
    let sb = Sandbox::new();
    let (path, id) = shared_entry(&sb, "the argument about the keys");
    let (kept_path, kept_id) = shared_entry(&sb, "a quiet walk by the river");
    let data = sb.data();

    // A reflection beside it (through `reflect`), its draft, leftovers of
    // unfinished writes, and the state remembering it (made by hand).
    let reflections = path.with_extension("reflections");
    sb.assert_cmd()
        .args(["reflect", &id[..8], "--answers", "-"])
        .write_stdin(json!({"reflect.now": "I see it differently"}).to_string())
        .assert()
        .success();
    assert!(reflections.is_dir());
    std::fs::create_dir_all(data.join("drafts")).unwrap();
    std::fs::write(
        data.join("drafts").join(format!("{id}.json")),
        json!({"id": id}).to_string(),
    )
    .unwrap();
    std::fs::create_dir_all(data.join("tmp")).unwrap();
    std::fs::write(
        data.join("tmp").join(".tmp-abc123"),
        format!("{{\"id\": \"{id}\""),
    )
    .unwrap();
    std::fs::write(
        path.parent().unwrap().join(".tmp-def456"),
        format!("half of {id}"),
    )
    .unwrap();
    // A temp file of another write stays. Both are held, as a live
    // writer holds its temp file, so that the store's cleaning of stale
    // temp files takes neither: the one naming the entry goes because it
    // names it.
    std::fs::write(data.join("tmp").join(".tmp-other"), "not this one").unwrap();
    let held: Vec<std::fs::File> = [".tmp-abc123", ".tmp-other"]
        .iter()
        .map(|n| {
            let f = std::fs::File::open(data.join("tmp").join(n)).unwrap();
            f.lock().unwrap();
            f
        })
        .collect();
    std::fs::write(
        data.join("state.json"),
        json!({"follow_up_offered": id}).to_string(),
    )
    .unwrap();
    assert!(naming(&data, &id).len() >= 6, "{:?}", naming(&data, &id));
    assert!(export_json(&sb).contains(&id));

    let out = sb
        .assert_cmd()
        .args(["delete", &id[..6], "--yes"])
        .assert()
        .success();
    let err = stderr(&out);
    assert!(err.contains("Deleted 1 entry."), "{err}");
    assert!(err.contains("the argument about the keys"), "{err}");
    assert!(err.contains("1 later reflection"), "{err}");
    assert!(err.contains("mentalog backup"), "{err}");
    assert!(err.contains("Backups and exports you made"), "{err}");

    drop(held);
    let left = naming(&data, &id);
    assert!(left.is_empty(), "still naming the entry: {left:?}");
    assert!(!path.exists() && !reflections.exists());
    // The rest of the journal is as it was.
    assert!(kept_path.exists());
    assert!(data.join("tmp").join(".tmp-other").exists());
    assert_eq!(read_json(&kept_path)["id"], kept_id.as_str());

    let list = stdout(&sb.assert_cmd().args(["list"]).assert().success());
    assert!(!list.contains(&id[..8]), "{list}");
    assert!(list.contains(&kept_id[..8]), "{list}");
    let json = stdout(&sb.assert_cmd().args(["list", "--json"]).assert().success());
    assert!(!json.contains(&id) && json.contains(&kept_id), "{json}");
    sb.assert_cmd().args(["show", &id]).assert().code(1);
    let export = export_json(&sb);
    assert!(
        !export.contains(&id) && export.contains(&kept_id),
        "{export}"
    );
    let md = stdout(
        &sb.assert_cmd()
            .args(["export", "--since", "all"])
            .assert()
            .success(),
    );
    assert!(
        !md.contains("the argument about the keys") && md.contains("a quiet walk"),
        "{md}"
    );
}

#[test]
fn several_entries_go_together_and_an_empty_month_folder_goes_too() {
    let sb = Sandbox::new();
    let (a, a_id) = shared_entry(&sb, "one");
    let (b, b_id) = shared_entry(&sb, "two");
    let out = sb
        .assert_cmd()
        .args(["delete", &a_id, &b_id[..8], &a_id[..5], "--yes"])
        .assert()
        .success();
    assert!(
        stderr(&out).contains("Deleted 2 entries."),
        "{}",
        stderr(&out)
    );
    assert!(!a.exists() && !b.exists());
    assert!(
        !a.parent().unwrap().exists(),
        "the empty month folder stays"
    );
}

/// A copy of the entry at `path` under another id sharing its first
/// `shared` characters, written beside it.
fn twin(path: &Path, shared: usize) -> PathBuf {
    let mut doc = read_json(path);
    let id = doc["id"].as_str().unwrap().to_string();
    let tail: String = id[shared..]
        .chars()
        .map(|c| if c == 'f' { 'e' } else { 'f' })
        .collect();
    let new_id = format!("{}{tail}", &id[..shared]);
    doc["id"] = json!(new_id);
    let name = path
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .replace(&id[..8], &new_id[..8]);
    let twin = path.with_file_name(name);
    std::fs::write(&twin, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    twin
}

#[test]
fn an_ambiguous_or_unknown_id_removes_nothing() {
    let sb = Sandbox::new();
    let (path, id) = shared_entry(&sb, "one");
    let other = twin(&path, 5);
    let before = sb.entry_files();
    assert_eq!(before.len(), 2);

    let out = sb
        .assert_cmd()
        .args(["delete", &id[..5], "--yes"])
        .assert()
        .code(1);
    assert!(
        stderr(&out).contains("is the start of 2 ids"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sb.entry_files(), before);

    // A good id with an unknown one: the good one stays too.
    let out = sb
        .assert_cmd()
        .args(["delete", &id, "0000dead", "--yes"])
        .assert()
        .code(1);
    assert!(stderr(&out).contains("0000dead"), "{}", stderr(&out));
    assert_eq!(sb.entry_files(), before);

    // Not an id at all: a usage error.
    sb.assert_cmd()
        .args(["delete", &id, "not-an-id!", "--yes"])
        .assert()
        .code(2);
    assert_eq!(sb.entry_files(), before);
    assert!(path.exists() && other.exists());
}

#[test]
fn without_a_terminal_and_without_yes_nothing_is_removed() {
    let sb = Sandbox::new();
    let (path, id) = shared_entry(&sb, "one");
    let out = sb.assert_cmd().args(["delete", &id]).assert().code(2);
    let err = stderr(&out);
    assert!(err.contains("--yes"), "{err}");
    assert!(
        err.contains(&format!("mentalog delete {} --yes", &id[..8])),
        "{err}"
    );
    assert!(path.exists());
    assert!(!err.contains("Deleted"), "{err}");
}

fn journal_with_everything(sb: &Sandbox) {
    shared_entry(sb, "one");
    shared_entry(sb, "two");
    sb.write_plan("Call Sam.\n");
    sb.write_config("plain = true\n");
    let drafts = sb.data().join("drafts");
    std::fs::create_dir_all(&drafts).unwrap();
    std::fs::write(drafts.join("abcdef0123456789.json"), "{}").unwrap();
}

#[test]
fn forget_with_the_wrong_word_or_no_word_removes_nothing() {
    let sb = Sandbox::new();
    journal_with_everything(&sb);
    let mut before = Vec::new();
    every_file(&sb.data(), &mut before);

    let out = sb
        .assert_cmd()
        .args(["forget", "--everything", "--confirm", "yes"])
        .assert()
        .code(1);
    let err = stderr(&out);
    assert!(err.contains("Nothing was deleted."), "{err}");
    assert!(err.contains("2 entries"), "{err}");
    assert!(err.contains("1 unfinished draft"), "{err}");
    assert!(err.contains("crisis plan"), "{err}");

    let out = sb
        .assert_cmd()
        .args(["forget", "--everything"])
        .assert()
        .code(2);
    assert!(
        stderr(&out).contains("--confirm forget"),
        "{}",
        stderr(&out)
    );

    let mut after = Vec::new();
    every_file(&sb.data(), &mut after);
    assert_eq!(before, after);
    assert!(sb.config().exists());
}

#[test]
fn forget_with_the_word_leaves_neither_the_data_folder_nor_the_config() {
    let sb = Sandbox::new();
    journal_with_everything(&sb);
    let out = sb
        .assert_cmd()
        .args(["forget", "--everything", "--confirm", "forget"])
        .assert()
        .success();
    let err = stderr(&out);
    assert!(!sb.data().exists(), "{err}");
    assert!(std::fs::symlink_metadata(sb.config()).is_err(), "{err}");
    assert!(err.contains("Backups (mentalog backup)"), "{err}");
    // Nothing of it is read back.
    sb.assert_cmd().args(["list"]).assert().code(1);
}

#[test]
fn forget_removes_a_linked_config_as_a_link_only() {
    let sb = Sandbox::new();
    shared_entry(&sb, "one");
    let real = sb.tmp.path().join("real-config.toml");
    std::fs::write(&real, "plain = true\n").unwrap();
    std::os::unix::fs::symlink(&real, sb.config()).unwrap();
    sb.assert_cmd()
        .args(["forget", "--everything", "--confirm", "forget"])
        .assert()
        .success();
    assert!(std::fs::symlink_metadata(sb.config()).is_err());
    assert!(real.exists(), "the link's target is not ours");
    assert!(!sb.data().exists());
}

#[test]
fn forget_refuses_a_data_folder_that_is_a_link() {
    let sb = Sandbox::new();
    let (path, _) = shared_entry(&sb, "one");
    sb.write_config("plain = true\n");
    let real = sb.tmp.path().join("elsewhere");
    std::fs::rename(sb.data(), &real).unwrap();
    std::os::unix::fs::symlink(&real, sb.data()).unwrap();
    let out = sb
        .assert_cmd()
        .args(["forget", "--everything", "--confirm", "forget"])
        .assert()
        .code(1);
    let err = stderr(&out);
    assert!(err.contains("is a link to"), "{err}");
    assert!(err.contains(&real.display().to_string()), "{err}");
    assert!(real.join(path.strip_prefix(sb.data()).unwrap()).exists());
    assert!(
        std::fs::symlink_metadata(sb.data())
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(sb.config().exists());
}

#[test]
fn an_entry_that_looked_back_at_it_stays_without_the_look_back() {
    let sb = Sandbox::new();
    let (lane, lane_id) = shared_entry(&sb, "the night it was too much");
    let (later, _) = shared_entry(&sb, "looking back at that night");
    let mut doc = read_json(&later);
    doc["follows"] = json!(lane_id);
    std::fs::write(&later, serde_json::to_string_pretty(&doc).unwrap()).unwrap();

    let out = sb
        .assert_cmd()
        .args(["delete", &lane_id, "--yes"])
        .assert()
        .success();
    assert!(
        stderr(&out).contains("looks back at it"),
        "{}",
        stderr(&out)
    );
    assert!(!lane.exists());
    let mut after = read_json(&later);
    assert_eq!(after.get("follows"), None);
    // Nothing else of it changed.
    after["follows"] = json!(lane_id);
    assert_eq!(after, doc);
    assert!(naming(&sb.data(), &lane_id).is_empty());
}

#[test]
fn forget_never_empties_a_folder_that_is_not_a_journal() {
    let sb = Sandbox::new();
    let documents = sb.tmp.path().join("Documents");
    std::fs::create_dir_all(documents.join("entries")).unwrap();
    std::fs::write(documents.join("thesis.odt"), b"years of work").unwrap();
    let out = sb
        .cmd()
        .env("MENTALOG_DIR", &documents)
        .args(["forget", "--everything", "--confirm", "forget"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("thesis.odt") && err.contains("nothing was deleted"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(documents.join("thesis.odt")).unwrap(),
        b"years of work"
    );
}

#[test]
fn delete_removes_every_copy_of_an_entry() {
    let sb = Sandbox::new();
    let (path, id) = shared_entry(&sb, "the words of the copy");
    // A copy made by a sync, under another name in the same folder.
    let copy = path.with_file_name(format!("2026-11-03T21-40-13-{}.json", &id[..8]));
    std::fs::copy(&path, &copy).unwrap();
    let out = sb.cmd().args(["show", &id[..8]]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("mentalog delete"));
    sb.assert_cmd()
        .args(["delete", &id[..8], "--yes"])
        .assert()
        .success();
    assert!(!path.exists() && !copy.exists());
}
