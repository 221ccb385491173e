//! `mentalog backup`, `backup --check` and `restore`: a journal restored
//! reads byte for byte as the original, and a damaged or crafted archive is
//! refused, naming its bad member, before anything is written.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::sandbox::{Sandbox, calm, later};

fn answers() -> serde_json::Value {
    serde_json::from_str(include_str!("../../examples/answers.json")).unwrap()
}

/// A journal of three entries (one private), a plan and a draft-free folder.
fn journal() -> Sandbox {
    let sb = Sandbox::new();
    sb.add(&answers());
    sb.assert_cmd()
        .env("MENTALOG_NOW", later(-60 * 24 * 3))
        .args(["new", "--answers", "-"])
        .write_stdin(calm().to_string())
        .assert()
        .success();
    let mut private = answers();
    private["share.include"] = false.into();
    sb.assert_cmd()
        .env("MENTALOG_NOW", later(-60 * 24 * 10))
        .args(["new", "--answers", "-"])
        .write_stdin(private.to_string())
        .assert()
        .success();
    sb.write_plan("# My plan\n\nCall Sam.\n");
    sb
}

fn backup(sb: &Sandbox, name: &str) -> PathBuf {
    let file = sb.tmp.path().join(name);
    sb.assert_cmd()
        .args(["backup"])
        .arg(&file)
        .assert()
        .success();
    file
}

fn stdout(sb: &Sandbox, args: &[&str]) -> Vec<u8> {
    sb.assert_cmd()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone()
}

fn first_id(sb: &Sandbox) -> String {
    let name = sb.entry_files()[0]
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    name.rsplit('-').next().unwrap().to_string()
}

#[test]
fn a_restored_journal_reads_byte_identical() {
    let sb = journal();
    let file = backup(&sb, "journal.tar.gz");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the archive is private");
    sb.assert_cmd()
        .args(["backup", "--check"])
        .arg(&file)
        .assert()
        .success()
        .stderr(predicates::str::contains("The archive is whole: 4 files."));

    let other = Sandbox::new();
    other
        .assert_cmd()
        .arg("restore")
        .arg(&file)
        .assert()
        .success()
        .stderr(predicates::str::contains("Restored 3 entries"));
    assert_eq!(
        std::fs::read(other.data().join("plan.md")).unwrap(),
        std::fs::read(sb.data().join("plan.md")).unwrap()
    );
    let id = first_id(&sb);
    for args in [
        vec!["list"],
        vec!["list", "--json"],
        vec!["show", id.as_str()],
        vec!["export", "--since", "all", "--format", "md"],
        vec!["export", "--since", "all", "--format", "json"],
    ] {
        let before = stdout(&sb, &args);
        let after = stdout(&other, &args);
        assert!(!before.is_empty(), "{args:?} printed nothing");
        if args == ["list", "--json"] {
            // Each names its entries' files, in its own data folder.
            let placed = |out: &[u8], sb: &Sandbox| {
                String::from_utf8_lossy(out).replace(&*sb.data().to_string_lossy(), "DATA")
            };
            assert_eq!(placed(&before, &sb), placed(&after, &other));
        } else {
            assert!(
                before == after,
                "{args:?} differs:\n{}\n---\n{}",
                String::from_utf8_lossy(&before),
                String::from_utf8_lossy(&after)
            );
        }
    }
    // Restored files are private too.
    for f in other.entry_files() {
        let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", f.display());
    }
}

#[test]
fn the_same_journal_gives_the_same_bytes() {
    let sb = journal();
    let a = backup(&sb, "a.tar.gz");
    let b = backup(&sb, "b.tar.gz");
    assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
}

#[test]
fn backup_never_replaces_a_file_nor_writes_into_the_journal() {
    let sb = journal();
    let file = sb.tmp.path().join("there.tar.gz");
    std::fs::write(&file, "keep me").unwrap();
    sb.assert_cmd()
        .arg("backup")
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("already exists"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    sb.assert_cmd()
        .arg("backup")
        .arg(sb.data().join("inside.tar.gz"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("inside the data folder"));
    assert!(!sb.data().join("inside.tar.gz").exists());
}

#[test]
fn backup_refuses_a_link_in_the_journal() {
    let sb = journal();
    std::os::unix::fs::symlink("/etc/passwd", sb.data().join("notes.md")).unwrap();
    let file = sb.tmp.path().join("a.tar.gz");
    sb.assert_cmd()
        .arg("backup")
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("notes.md"))
        .stderr(predicates::str::contains("symbolic link"));
    assert!(!file.exists());
}

#[test]
fn restore_refuses_a_journal_that_is_not_empty() {
    let sb = journal();
    let file = backup(&sb, "a.tar.gz");
    let before = sb.entry_files();
    sb.assert_cmd()
        .arg("restore")
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("is not empty"))
        .stderr(predicates::str::contains("--merge"));
    assert_eq!(sb.entry_files(), before);
}

#[test]
fn merge_adds_what_is_missing_and_touches_nothing_else() {
    // B starts as a copy of A's first entry.
    let a = Sandbox::new();
    a.add(&answers());
    let first = backup(&a, "first.tar.gz");
    let b = Sandbox::new();
    b.assert_cmd().arg("restore").arg(&first).assert().success();
    // B's copy of it, the same entry in other bytes: it must stay as it is.
    let b_entry = b.entry_files()[0].clone();
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&b_entry).unwrap()).unwrap();
    let b_bytes = serde_json::to_vec(&doc).unwrap();
    std::fs::write(&b_entry, &b_bytes).unwrap();
    b.write_plan("B's plan\n");

    // A goes on: a second entry, a reflection, its own plan and sessions.
    a.assert_cmd()
        .env("MENTALOG_NOW", later(-60 * 24))
        .args(["new", "--answers", "-"])
        .write_stdin(calm().to_string())
        .assert()
        .success();
    a.write_plan("A's plan\n");
    std::fs::write(a.data().join("sessions.json"), "{\"sessions\": []}\n").unwrap();
    let a_first = a.entry_files().last().unwrap().clone();
    let refl_dir = a_first.with_extension("reflections");
    std::fs::create_dir(&refl_dir).unwrap();
    std::fs::write(refl_dir.join("2026-11-04T10-00-00.json"), "{}\n").unwrap();
    let second = backup(&a, "second.tar.gz");

    b.assert_cmd()
        .args(["restore", "--merge"])
        .arg(&second)
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "Restored 1 entry (1 already here) and 1 reflection (0 already here)",
        ));
    assert_eq!(
        std::fs::read(&b_entry).unwrap(),
        b_bytes,
        "left byte-identical"
    );
    let files = b.entry_files();
    let names = |files: &[PathBuf]| -> Vec<PathBuf> {
        files
            .iter()
            .map(|f| {
                f.strip_prefix(f.ancestors().nth(4).unwrap())
                    .unwrap()
                    .to_path_buf()
            })
            .collect()
    };
    assert_eq!(names(&files), names(&a.entry_files()));
    for (x, y) in files.iter().zip(a.entry_files()) {
        if *x != b_entry && !x.to_string_lossy().contains(".reflections") {
            assert_eq!(std::fs::read(x).unwrap(), std::fs::read(y).unwrap());
        }
    }
    assert_eq!(
        std::fs::read_to_string(b.data().join("plan.md")).unwrap(),
        "B's plan\n"
    );
    assert!(!b.data().join("sessions.json").exists());
}

#[test]
fn restore_brings_the_config_as_the_journals_own_and_never_over_another() {
    let sb = journal();
    sb.write_config("[export]\n");
    let file = sb.tmp.path().join("c.tar.gz");
    sb.assert_cmd()
        .args(["backup", "--with-config"])
        .arg(&file)
        .assert()
        .success();
    // Restored as the journal's own config, inside its data folder: the
    // config of the person restoring (which other journals read) is never
    // written or replaced.
    let other = Sandbox::new();
    other.write_config("# mine\n");
    other
        .assert_cmd()
        .arg("restore")
        .arg(&file)
        .assert()
        .success();
    let own = other.data().join("config.toml");
    assert_eq!(std::fs::read_to_string(&own).unwrap(), "[export]\n");
    let mode = std::fs::metadata(&own).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert_eq!(std::fs::read_to_string(other.config()).unwrap(), "# mine\n");
}

// ------------------------------------------------------- crafted archives

fn sha(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A manifest listing `files` (paths relative to mentalog-backup/).
fn manifest(files: &[(&str, &[u8])]) -> Vec<u8> {
    let files: Vec<serde_json::Value> = files
        .iter()
        .map(|(p, b)| serde_json::json!({"path": p, "size": b.len(), "sha256": sha(b)}))
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "schema": "mentalog.backup/1", "mentalog": "0.1.0", "files": files
    }))
    .unwrap()
}

/// A member with its name written as is (the tar crate's own setters refuse
/// `..` and absolute names).
struct Member {
    name: String,
    kind: tar::EntryType,
    data: Vec<u8>,
}

fn file(name: &str, data: &[u8]) -> Member {
    Member {
        name: name.into(),
        kind: tar::EntryType::Regular,
        data: data.to_vec(),
    }
}

fn pack(path: &Path, members: &[Member]) {
    let gz = flate2::write::GzEncoder::new(
        std::fs::File::create(path).unwrap(),
        flate2::Compression::fast(),
    );
    let mut tar = tar::Builder::new(gz);
    for m in members {
        let mut header = tar::Header::new_gnu();
        let name = &mut header.as_gnu_mut().unwrap().name;
        name[..m.name.len()].copy_from_slice(m.name.as_bytes());
        header.set_entry_type(m.kind);
        header.set_size(m.data.len() as u64);
        header.set_mode(0o600);
        if m.kind == tar::EntryType::Symlink {
            header.set_link_name("/etc/passwd").unwrap();
        }
        header.set_cksum();
        tar.append(&header, m.data.as_slice()).unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap();
}

const PLAN: &[u8] = b"# plan\n";

/// Checks that `backup --check` and `restore` refuse the archive made of
/// `members`, naming `bad` and saying `why`, and that restore wrote nothing.
fn refused(members: &[Member], bad: &str, why: &str) {
    let sb = Sandbox::new();
    let path = sb.tmp.path().join("bad.tar.gz");
    pack(&path, members);
    let expected = format!("member {bad}: ");
    for args in [vec!["backup", "--check"], vec!["restore"]] {
        let out = sb
            .assert_cmd()
            .args(&args)
            .arg(&path)
            .assert()
            .code(1)
            .get_output()
            .stderr
            .clone();
        let err = String::from_utf8_lossy(&out);
        assert!(err.contains(&expected), "{args:?}: {err}");
        assert!(err.contains(why), "{args:?}: {err}");
    }
    assert!(!sb.data().exists(), "restore wrote nothing");
}

fn good_manifest() -> Member {
    file(
        "mentalog-backup/manifest.json",
        &manifest(&[("data/plan.md", PLAN)]),
    )
}

#[test]
fn a_good_crafted_archive_passes() {
    let sb = Sandbox::new();
    let path = sb.tmp.path().join("good.tar.gz");
    pack(
        &path,
        &[good_manifest(), file("mentalog-backup/data/plan.md", PLAN)],
    );
    sb.assert_cmd()
        .args(["backup", "--check"])
        .arg(&path)
        .assert()
        .success()
        .stderr(predicates::str::contains("The archive is whole: 1 file."));
}

#[test]
fn a_member_leaving_the_archive_is_refused() {
    refused(
        &[
            good_manifest(),
            file("mentalog-backup/data/plan.md", PLAN),
            file("mentalog-backup/../evil", b"x"),
        ],
        "mentalog-backup/../evil",
        "'..'",
    );
    refused(&[good_manifest(), file("../evil", b"x")], "../evil", "'..'");
}

#[test]
fn an_absolute_member_is_refused() {
    refused(
        &[good_manifest(), file("/tmp/mentalog-evil", b"x")],
        "/tmp/mentalog-evil",
        "absolute path",
    );
}

#[test]
fn a_link_member_is_refused() {
    refused(
        &[
            good_manifest(),
            Member {
                name: "mentalog-backup/data/plan.md".into(),
                kind: tar::EntryType::Symlink,
                data: Vec::new(),
            },
        ],
        "mentalog-backup/data/plan.md",
        "symbolic link",
    );
}

#[test]
fn a_member_not_in_the_manifest_is_refused() {
    refused(
        &[
            good_manifest(),
            file("mentalog-backup/data/plan.md", PLAN),
            file("mentalog-backup/data/entries/2026/11/x.json", b"{}"),
        ],
        "mentalog-backup/data/entries/2026/11/x.json",
        "not listed in the manifest",
    );
}

#[test]
fn a_checksum_mismatch_is_refused() {
    refused(
        &[
            good_manifest(),
            file("mentalog-backup/data/plan.md", b"# PLAN\n"),
        ],
        "mentalog-backup/data/plan.md",
        "checksum",
    );
}

#[test]
fn an_oversized_member_is_refused() {
    // Larger than an entry may be, even sealed (age's overhead included).
    let limit = mentalog::store::sealed_limit(mentalog::store::MAX_ENTRY_BYTES);
    let big = vec![b'x'; usize::try_from(limit).unwrap() + 1];
    refused(
        &[good_manifest(), file("mentalog-backup/data/plan.md", &big)],
        "mentalog-backup/data/plan.md",
        "larger than the limit",
    );
}

#[test]
fn a_member_missing_from_the_archive_is_refused() {
    refused(
        &[good_manifest()],
        "mentalog-backup/data/plan.md",
        "missing from the archive",
    );
}

#[test]
fn the_manifest_must_come_first() {
    refused(
        &[file("mentalog-backup/data/plan.md", PLAN), good_manifest()],
        "mentalog-backup/data/plan.md",
        "must come first",
    );
}

#[test]
fn merge_refuses_an_entry_it_cannot_read_and_writes_nothing() {
    let entry = "data/entries/2026/11/2026-11-03T21-40-12-0badf00d.json";
    let sb = Sandbox::new();
    sb.add(&calm());
    let before = sb.entry_files();
    let path = sb.tmp.path().join("bad.tar.gz");
    pack(
        &path,
        &[
            file(
                "mentalog-backup/manifest.json",
                &manifest(&[(entry, b"{}"), ("data/plan.md", PLAN)]),
            ),
            file(&format!("mentalog-backup/{entry}"), b"{}"),
            file("mentalog-backup/data/plan.md", PLAN),
        ],
    );
    sb.assert_cmd()
        .args(["restore", "--merge"])
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(format!(
            "member mentalog-backup/{entry}"
        )))
        .stderr(predicates::str::contains("not an entry"));
    assert_eq!(sb.entry_files(), before);
}

#[test]
fn a_file_that_is_not_an_archive_is_refused() {
    let sb = Sandbox::new();
    let path = sb.tmp.path().join("notes.txt");
    std::fs::write(&path, "just some notes\n").unwrap();
    sb.assert_cmd()
        .args(["backup", "--check"])
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "cannot be read as a gzip'd tar archive",
        ));
}

#[test]
fn reflections_with_their_long_paths_come_back_byte_for_byte() {
    let sb = journal();
    let entry = sb.entry_files()[0].clone();
    let short = entry
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .rsplit('-')
        .next()
        .unwrap()
        .to_string();
    let out = sb
        .assert_cmd()
        .args(["reflect", &short, "--answers", "-"])
        .write_stdin(serde_json::json!({"reflect.now": "Seen differently now."}).to_string())
        .assert()
        .success();
    let reflection = PathBuf::from(String::from_utf8_lossy(&out.get_output().stdout).trim());
    let rel = reflection.strip_prefix(sb.data()).unwrap().to_path_buf();
    assert!(
        format!("mentalog-backup/data/{}", rel.display()).len() > 100,
        "a name too long for a plain tar header"
    );
    let file = backup(&sb, "r.tar.gz");
    sb.assert_cmd()
        .args(["backup", "--check"])
        .arg(&file)
        .assert()
        .success();
    let other = Sandbox::new();
    other
        .assert_cmd()
        .arg("restore")
        .arg(&file)
        .assert()
        .success();
    assert_eq!(
        std::fs::read(other.data().join(&rel)).unwrap(),
        std::fs::read(&reflection).unwrap()
    );
    assert_eq!(
        stdout(&other, &["show", &short]),
        stdout(&sb, &["show", &short])
    );
}

#[test]
fn a_member_name_longer_than_any_backup_holds_is_refused_before_it_is_read() {
    // A GNU long-name member claiming 64 MiB: refused from its header.
    let mut tar = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(tar::EntryType::GNULongName);
    header.set_size(64 * 1024 * 1024);
    header.set_path("././@LongLink").unwrap();
    header.set_cksum();
    tar.append(
        &header,
        std::io::Read::take(std::io::repeat(b'a'), 64 * 1024 * 1024),
    )
    .unwrap();
    let bytes = tar.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &bytes).unwrap();
    let sb = Sandbox::new();
    let file = sb.tmp.path().join("long.tar.gz");
    std::fs::write(&file, gz.finish().unwrap()).unwrap();
    let out = sb
        .cmd()
        .args(["backup", "--check"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("longer than 4096 bytes"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
