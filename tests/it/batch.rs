//! `export --batch`: many journals, one file per journal, period and
//! format, a manifest that says what happened to each, and exit codes a
//! script can act on.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Duration};
use mentalog::entry::{Answer, Entry, Kind, PackRef, SCHEMA_VERSION, Value, keys};
use mentalog::store::Store;
use serde_json::Value as Json;

use crate::sandbox::{BIN, NOW, all_files};

fn entry(n: usize, created: &str, shared: bool) -> Entry {
    Entry {
        schema: SCHEMA_VERSION,
        id: format!("{n:08x}{:024x}", n * 7919),
        created: DateTime::parse_from_rfc3339(created).unwrap(),
        pack: PackRef {
            id: "mbt-core".into(),
            version: "1".into(),
        },
        shared,
        safety_shared: shared,
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
            Answer {
                key: keys::ARRIVAL_DISTRESS.into(),
                kind: Kind::Rating,
                question: "How strong is the feeling?".into(),
                framing: None,
                value: Value::Rating(4),
            },
            Answer {
                key: keys::WHAT_HAPPENED.into(),
                kind: Kind::LongText,
                question: "What happened?".into(),
                framing: None,
                value: Value::Text(format!("Something happened, number {n}.")),
            },
        ],
        nudge: None,
    }
}

/// A journal at `dir` with the given entries (creation time, shared).
fn journal(dir: &Path, entries: &[(&str, bool)]) -> Store {
    let store = Store::new(dir);
    for (i, (created, shared)) in entries.iter().enumerate() {
        store.save_entry(&entry(i, created, *shared)).unwrap();
    }
    store
}

fn private_file(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// The binary with a fixed clock and a home folder of its own, whose config
/// (the invoking person's) must never be used for the journals.
fn cmd(home: &Path) -> Command {
    let own = home.join(".config/mentalog");
    std::fs::create_dir_all(&own).unwrap();
    private_file(
        &own.join("config.toml"),
        "label = \"INVOKER\"\n[names]\n\"Sam\" = \"S.\"\n",
    );
    let mut cmd = Command::new(BIN);
    cmd.env("MENTALOG_NOW", NOW)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .env_remove("MENTALOG_DIR")
        .env_remove("MENTALOG_CONFIG")
        .env_remove("VISUAL")
        .env_remove("EDITOR")
        .stdin(std::process::Stdio::null());
    cmd
}

fn validator() -> jsonschema::Validator {
    let schema: Json =
        serde_json::from_str(include_str!("../../schemas/manifest.schema.json")).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

/// The manifest, each line checked against its schema.
fn manifest(stdout: &[u8]) -> Vec<Json> {
    let validator = validator();
    let text = String::from_utf8(stdout.to_vec()).unwrap();
    text.lines()
        .map(|line| {
            let doc: Json = serde_json::from_str(line).unwrap();
            let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{line}: {errors:#?}");
            doc
        })
        .collect()
}

fn sha256(path: &Path) -> String {
    let out = Command::new("sha256sum").arg(path).output().unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Whether this user can read a folder whatever its mode (root can).
fn reads_anything(tmp: &Path) -> bool {
    let probe = tmp.join("probe");
    std::fs::create_dir(&probe).unwrap();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o000)).unwrap();
    let readable = std::fs::read_dir(&probe).is_ok();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o700)).unwrap();
    readable
}

struct Three {
    tmp: tempfile::TempDir,
    normal: PathBuf,
    damaged: PathBuf,
    missing: PathBuf,
    /// A folder that cannot be read (a file in its place when this user
    /// reads any folder).
    locked: Option<PathBuf>,
}

impl Three {
    fn new() -> Three {
        let tmp = tempfile::tempdir().unwrap();
        let normal = tmp.path().join("normal");
        journal(
            &normal,
            &[
                ("2026-10-02T20:00:00+00:00", false),
                ("2026-11-01T20:00:00+00:00", true),
                ("2026-11-02T20:00:00+00:00", true),
                ("2026-11-03T08:00:00+00:00", true),
            ],
        );
        private_file(
            &normal.join("config.toml"),
            "label = \"A.B., clinic 4711\"\n",
        );
        let damaged = tmp.path().join("damaged");
        journal(
            &damaged,
            &[
                ("2026-09-10T20:00:00+00:00", true),
                ("2026-11-02T20:00:00+00:00", true),
            ],
        );
        private_file(
            &damaged.join("entries/2026/11/2026-11-03T09-00-00-deadbeef.json"),
            "{ this is not an entry",
        );
        let missing = tmp.path().join("missing");
        let locked = tmp.path().join("locked");
        if reads_anything(tmp.path()) {
            // Root reads a folder whatever its mode: a file where the
            // folder should be cannot be read as a journal either.
            eprintln!(
                "running as a user who reads any folder: a file stands in for the unreadable folder"
            );
            std::fs::write(&locked, "not a folder").unwrap();
        } else {
            journal(&locked, &[("2026-11-02T20:00:00+00:00", true)]);
            std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        }
        let locked = Some(locked);
        Three {
            tmp,
            normal,
            damaged,
            missing,
            locked,
        }
    }

    fn out(&self) -> PathBuf {
        self.tmp.path().join("out")
    }

    fn run(&self, dirs: &[&Path], extra: &[&str]) -> std::process::Output {
        let mut cmd = cmd(&self.tmp.path().join("home"));
        for dir in dirs {
            cmd.arg("--dir").arg(dir);
        }
        cmd.args(["export", "--batch", "--out-dir"])
            .arg(self.out())
            .args(extra);
        cmd.output().unwrap()
    }
}

impl Drop for Three {
    fn drop(&mut self) {
        if let Some(locked) = self.locked.as_ref().filter(|l| l.is_dir()) {
            let _ = std::fs::set_permissions(locked, std::fs::Permissions::from_mode(0o700));
        }
    }
}

fn mtimes(dir: &Path) -> BTreeMap<PathBuf, std::time::SystemTime> {
    all_files(dir)
        .into_iter()
        .map(|p| {
            let t = std::fs::metadata(&p).unwrap().modified().unwrap();
            (p, t)
        })
        .collect()
}

#[test]
fn three_journals_file_by_file_line_by_line_and_by_exit_code() {
    let t = Three::new();
    let mut dirs = vec![t.normal.as_path(), t.damaged.as_path(), t.missing.as_path()];
    if let Some(locked) = &t.locked {
        dirs.push(locked);
    }
    let args = ["--by", "month", "--format", "md", "--format", "json"];
    let out = t.run(&dirs, &args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    // One journal failed: exit 1, and the rest was written.
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let lines = manifest(&out.stdout);

    let normal = t.normal.display().to_string();
    let damaged = t.damaged.display().to_string();
    let missing = t.missing.display().to_string();
    let label = "A.B._clinic_4711";
    let mut expected = vec![
        // The damaged journal: September and November, its garbage counted.
        (
            damaged.clone(),
            "damaged",
            Some(("2026-09-01", "2026-09-30")),
            "json",
            1,
            1,
            "written",
        ),
        (
            damaged.clone(),
            "damaged",
            Some(("2026-09-01", "2026-09-30")),
            "md",
            1,
            1,
            "written",
        ),
        (
            damaged.clone(),
            "damaged",
            Some(("2026-11-01", "2026-11-30")),
            "json",
            1,
            1,
            "written",
        ),
        (
            damaged.clone(),
            "damaged",
            Some(("2026-11-01", "2026-11-30")),
            "md",
            1,
            1,
            "written",
        ),
    ];
    if let Some(locked) = &t.locked {
        let locked = locked.display().to_string();
        expected.push((locked.clone(), "locked", None, "json", 0, 0, "failed"));
        expected.push((locked, "locked", None, "md", 0, 0, "failed"));
    }
    expected.extend([
        (missing.clone(), "missing", None, "json", 0, 0, "failed"),
        (missing.clone(), "missing", None, "md", 0, 0, "failed"),
        // October held only a private entry: no file says it was there.
        (
            normal.clone(),
            label,
            Some(("2026-11-01", "2026-11-30")),
            "json",
            3,
            0,
            "written",
        ),
        (
            normal.clone(),
            label,
            Some(("2026-11-01", "2026-11-30")),
            "md",
            3,
            0,
            "written",
        ),
    ]);
    assert_eq!(lines.len(), expected.len(), "{lines:#?}");
    for (line, (journal, label, period, format, entries, skipped, status)) in
        lines.iter().zip(&expected)
    {
        assert_eq!(line["schema"], "mentalog.manifest/1");
        assert_eq!(line["journal"], journal.as_str(), "{line}");
        assert_eq!(line["label"], *label, "{line}");
        assert_eq!(line["format"], *format, "{line}");
        assert_eq!(line["entries"], *entries, "{line}");
        assert_eq!(line["skipped"], *skipped, "{line}");
        assert_eq!(line["status"], *status, "{line}");
        match period {
            Some((since, until)) => {
                assert_eq!(line["period"]["since"], *since, "{line}");
                assert_eq!(line["period"]["until"], *until, "{line}");
                let path = t
                    .out()
                    .join(label)
                    .join(format!("{since}_{until}.{format}"));
                assert_eq!(line["path"], path.display().to_string().as_str());
                assert_eq!(line["sha256"], sha256(&path).as_str(), "{line}");
                assert_eq!(mode(&path), 0o600, "{}", path.display());
                assert_eq!(mode(path.parent().unwrap()), 0o700);
                assert!(line.get("error").is_none());
            }
            None => {
                assert!(line["period"].is_null() && line["path"].is_null());
                assert!(!line["error"].as_str().unwrap().is_empty());
            }
        }
    }
    // Nothing else was written: no October, no folder for a failed journal,
    // nothing from the invoking person's config.
    // Each output folder names the journal it belongs to.
    let (markers, files): (Vec<PathBuf>, Vec<PathBuf>) = all_files(&t.out())
        .into_iter()
        .partition(|p| p.ends_with(".mentalog-journal"));
    assert_eq!(markers.len(), 2, "{markers:#?}");
    for marker in &markers {
        let journal = std::fs::read_to_string(marker).unwrap();
        assert!(Path::new(journal.trim_end()).is_dir(), "{journal}");
    }
    assert_eq!(files.len(), 6, "{files:#?}");
    assert!(
        !stderr.contains("INVOKER") && !String::from_utf8_lossy(&out.stdout).contains("INVOKER")
    );
    // The damaged file, the missing journal and the failure are on stderr.
    assert!(stderr.contains("deadbeef.json"), "{stderr}");
    assert!(stderr.contains(&missing), "{stderr}");
    // The summaries of the damaged journal say they may be incomplete.
    let doc: Json = serde_json::from_slice(
        &std::fs::read(t.out().join("damaged/2026-11-01_2026-11-30.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(doc["incomplete"], true, "{doc}");

    // A second run writes nothing: every file unchanged, times as they were.
    let before = mtimes(&t.out());
    std::thread::sleep(std::time::Duration::from_millis(20));
    let again = t.run(&dirs, &args);
    assert_eq!(again.status.code(), Some(1));
    let second = manifest(&again.stdout);
    assert_eq!(second.len(), lines.len());
    for (a, b) in lines.iter().zip(&second) {
        let mut a = a.clone();
        if a["status"] == "written" {
            a["status"] = "unchanged".into();
        }
        assert_eq!(&a, b);
    }
    assert_eq!(mtimes(&t.out()), before);
}

#[test]
fn exit_codes_say_what_happened() {
    let t = Three::new();
    // All written: 0, and nothing on stderr.
    let out = t.run(&[&t.normal], &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = manifest(&out.stdout);
    assert_eq!(lines.len(), 1);
    // --by all: from the first shared entry to the last.
    assert_eq!(lines[0]["period"]["since"], "2026-11-01");
    assert_eq!(lines[0]["period"]["until"], "2026-11-03");
    // Written but incomplete: 3.
    let out = t.run(&[&t.normal, &t.damaged], &[]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(manifest(&out.stdout).len(), 2);
    // A usage error writes nothing: 2.
    let out = t.run(&[&t.normal], &["--since", "2026-01-01"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[test]
fn journals_from_a_file_colliding_names_and_one_config_for_all() {
    let t = Three::new();
    let one = t.tmp.path().join("a/journal");
    let two = t.tmp.path().join("b/journal");
    journal(&one, &[("2026-11-02T20:00:00+00:00", true)]);
    journal(&two, &[("2026-11-02T20:00:00+00:00", true)]);
    let list = t.tmp.path().join("list.txt");
    std::fs::write(&list, format!("{}\n\n{}\n", one.display(), two.display())).unwrap();
    let out = t.run(&[], &["--dirs-from", list.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = manifest(&out.stdout);
    let labels: Vec<&str> = lines.iter().map(|l| l["label"].as_str().unwrap()).collect();
    assert_eq!(labels.len(), 2);
    assert_ne!(labels[0], labels[1]);
    for label in &labels {
        assert!(label.starts_with("journal-") && label.len() == "journal-".len() + 8);
    }

    // --config names the config for every journal.
    let shared = t.tmp.path().join("clinic.toml");
    private_file(&shared, "label = \"Study 7\"\n");
    let mut cmd = cmd(&t.tmp.path().join("home"));
    cmd.arg("--config")
        .arg(&shared)
        .args(["export", "--batch", "--format", "json", "--dirs-from"])
        .arg(&list)
        .arg("--out-dir")
        .arg(t.out());
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for line in manifest(&out.stdout) {
        assert!(
            line["label"].as_str().unwrap().starts_with("Study_7-"),
            "{line}"
        );
        let doc: Json =
            serde_json::from_slice(&std::fs::read(line["path"].as_str().unwrap()).unwrap())
                .unwrap();
        assert_eq!(doc["label"], "Study 7");
    }
}

#[test]
fn a_killed_batch_leaves_only_whole_files() {
    let tmp = tempfile::tempdir().unwrap();
    let start = DateTime::parse_from_rfc3339("2026-01-05T20:00:00+00:00").unwrap();
    let mut list = String::new();
    for j in 0..50 {
        let dir = tmp.path().join(format!("j{j:02}"));
        let store = Store::new(&dir);
        for i in 0..30 {
            let created = (start + Duration::days(3 * i)).to_rfc3339();
            store
                .save_entry(&entry(i as usize, &created, true))
                .unwrap();
        }
        list.push_str(&format!("{}\n", dir.display()));
    }
    let list_path = tmp.path().join("list");
    std::fs::write(&list_path, list).unwrap();
    let batch = |out: &Path| {
        let mut c = cmd(&tmp.path().join("home"));
        c.args(["export", "--batch", "--by", "week"])
            .args([
                "--format", "md", "--format", "html", "--format", "json", "--format", "text",
            ])
            .arg("--dirs-from")
            .arg(&list_path)
            .arg("--out-dir")
            .arg(out);
        c
    };
    // The whole batch, for what each file must be.
    let whole = tmp.path().join("whole");
    let out = batch(&whole).output().unwrap();
    assert_eq!(out.status.code(), Some(0));

    let killed = tmp.path().join("killed");
    let mut child = batch(&killed)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Killed as soon as the first file is there (or when it finished first,
    // which only makes this test weaker, never wrong).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while all_files(&killed).is_empty()
        && child.try_wait().unwrap().is_none()
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    Command::new("kill")
        .args(["-KILL", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    let left = all_files(&killed);
    let total = all_files(&whole).len();
    eprintln!(
        "killed: {:?}; {} of {total} files there",
        status.code(),
        left.len()
    );
    for path in left {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // A write cut short stays in its hidden temp file, never under a
        // summary's name.
        if name.starts_with(".tmp-") {
            continue;
        }
        let same = whole.join(path.strip_prefix(&killed).unwrap());
        assert_eq!(
            std::fs::read(&path).unwrap(),
            std::fs::read(&same).unwrap(),
            "{} is not whole",
            path.display()
        );
    }
}

#[test]
fn the_manifest_schema_refuses_what_is_not_a_manifest_line() {
    let validator = validator();
    let good = serde_json::json!({
        "schema": "mentalog.manifest/1", "journal": "/j", "label": "j",
        "period": { "since": "2026-11-01", "until": "2026-11-30" },
        "format": "md", "path": "/out/j/2026-11-01_2026-11-30.md",
        "entries": 3, "skipped": 0, "sha256": "0".repeat(64), "status": "written"
    });
    assert!(validator.is_valid(&good));
    let failed = serde_json::json!({
        "schema": "mentalog.manifest/1", "journal": "/j", "label": "j", "period": null,
        "format": "md", "path": null, "entries": 0, "skipped": 0, "sha256": null,
        "status": "failed", "error": "no journal at /j"
    });
    assert!(validator.is_valid(&failed));
    let change = |key: &str, value: Json| {
        let mut doc = good.clone();
        doc[key] = value;
        doc
    };
    for bad in [
        change("status", "done".into()),
        change("format", "pdf".into()),
        change("sha256", "xyz".into()),
        change("error", "written lines carry no error".into()),
        change("path", Json::Null),
        change("extra", 1.into()),
    ] {
        assert!(!validator.is_valid(&bad), "{bad}");
    }
    let mut no_error = failed.clone();
    no_error.as_object_mut().unwrap().remove("error");
    assert!(!validator.is_valid(&no_error));
}

/// Review fixes: a list naming no folder never exports the invoking
/// person's own journal; one journal's folder of summaries is never taken
/// over by another journal of the same name in a later run; a journal's
/// `config.toml` that is a link (to anyone's config) is not used.
#[test]
fn no_own_journal_by_accident_no_summary_over_anothers_and_no_linked_config() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let out = tmp.path().join("out");
    // An empty list: exit 2, nothing written.
    let list = tmp.path().join("list.txt");
    private_file(&list, "\n\n");
    let run = cmd(&home)
        .args(["export", "--batch", "--dirs-from"])
        .arg(&list)
        .arg("--out-dir")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(!out.exists());
    // Two journals both called "pat", exported one at a time.
    let first = tmp.path().join("c1/pat");
    let second = tmp.path().join("c2/pat");
    journal(&first, &[("2026-11-01T10:00:00+00:00", true)]);
    journal(&second, &[("2026-11-02T10:00:00+00:00", true)]);
    // The second's config is a link to the invoking person's: not used.
    std::os::unix::fs::symlink(
        home.join(".config/mentalog/config.toml"),
        second.join("config.toml"),
    )
    .ok();
    let export = |dir: &Path| {
        cmd(&home)
            .args(["export", "--batch", "--dir"])
            .arg(dir)
            .arg("--out-dir")
            .arg(&out)
            .output()
            .unwrap()
    };
    assert_eq!(export(&first).status.code(), Some(0));
    let summary = out.join("pat/2026-11-01_2026-11-01.md");
    let before = std::fs::read(&summary).unwrap();
    let run = export(&second);
    assert_eq!(
        run.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let lines = manifest(&run.stdout);
    assert!(lines.iter().all(|l| l["status"] == "failed"), "{lines:?}");
    assert!(String::from_utf8_lossy(&run.stderr).contains("another journal"));
    assert_eq!(
        std::fs::read(&summary).unwrap(),
        before,
        "the first journal's summary is kept"
    );
    assert!(!String::from_utf8_lossy(&run.stdout).contains("INVOKER"));
}

#[test]
fn a_batch_carries_reflections_and_names_one_it_cannot_read() {
    let t = Three::new();
    let store = Store::new(&t.normal);
    let loaded = store.load().unwrap();
    let shared: Vec<_> = loaded.entries.iter().filter(|s| s.entry.shared).collect();
    // A reflection on one shared entry, and an unreadable one on another.
    let good = mentalog::reflection::Reflection {
        schema: mentalog::reflection::SCHEMA_VERSION,
        id: "0123456789abcdef0123456789abcdef".into(),
        entry: shared[0].entry.id.clone(),
        created: shared[0].entry.created,
        answers: vec![
            mentalog::reflection::answer(
                mentalog::reflection::keys::NOW,
                mentalog::entry::Value::Text("BATCH-REFLECTION-WORDS".into()),
            )
            .unwrap(),
        ],
    };
    store.save_reflection(&shared[0].path, &good).unwrap();
    let folder = mentalog::store::reflections::reflections_dir(&shared[1].path);
    std::fs::create_dir_all(&folder).unwrap();
    private_file(
        &folder.join("2026-11-05T10-00-00-badbadba.json"),
        "{ not a reflection",
    );

    let out = t.run(&[&t.normal], &["--format", "md"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("2026-11-05T10-00-00-badbadba.json"),
        "{stderr}"
    );
    let lines = manifest(&out.stdout);
    let file = lines[0]["path"].as_str().unwrap();
    let summary = std::fs::read_to_string(file).unwrap();
    assert!(summary.contains("BATCH-REFLECTION-WORDS"), "{summary}");
    assert!(
        summary.contains("This summary may be incomplete"),
        "{summary}"
    );
}
