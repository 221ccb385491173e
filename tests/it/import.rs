//! `mentalog import jrnl`: jrnl 4.x's JSON export and its plain-text journal
//! give the same entries, private and marked imported; importing again adds
//! nothing; a damaged file writes nothing.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::sandbox::{Sandbox, answer, read_json};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/jrnl")
        .join(name)
}

/// Runs `import jrnl FILE`; returns (stdout, stderr).
fn import(sb: &Sandbox, file: &Path) -> (String, String) {
    let out = sb
        .assert_cmd()
        .args(["import", "jrnl"])
        .arg(file)
        .assert()
        .success();
    let o = out.get_output();
    (
        String::from_utf8(o.stdout.clone()).unwrap(),
        String::from_utf8(o.stderr.clone()).unwrap(),
    )
}

/// Every entry file: its path below the data folder, and its bytes.
fn files(sb: &Sandbox) -> Vec<(PathBuf, Vec<u8>)> {
    sb.entry_files()
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p.strip_prefix(sb.data()).unwrap().to_path_buf(), bytes)
        })
        .collect()
}

fn by_created<'a>(docs: &'a [Value], created: &str) -> &'a Value {
    docs.iter()
        .find(|d| d["created"] == created)
        .unwrap_or_else(|| panic!("no entry created {created}"))
}

#[test]
fn a_jrnl_json_export_becomes_private_free_text_entries() {
    let sb = Sandbox::new();
    let (stdout, stderr) = import(&sb, &fixture("export.json"));
    let printed: Vec<PathBuf> = stdout.lines().map(PathBuf::from).collect();
    assert_eq!(printed.len(), 4, "{stdout}");
    let mut sorted = printed.clone();
    sorted.sort();
    assert_eq!(sorted, sb.entry_files());
    assert!(
        stderr.contains("Imported 4 entries from the jrnl export")
            && stderr.contains("export.json")
            && stderr.contains("private"),
        "{stderr}"
    );

    let schema: Value =
        serde_json::from_str(include_str!("../../schemas/entry.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let docs: Vec<Value> = sb.entry_files().iter().map(|p| read_json(p)).collect();
    for (path, doc) in sb.entry_files().iter().zip(&docs) {
        let errors: Vec<String> = validator.iter_errors(doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        assert_eq!(doc["schema"], 4);
        assert_eq!(doc["pack"], json!({"id": "free-text", "version": "1"}));
        assert_eq!(doc["shared"], false);
        assert_eq!(doc["safety_lane"], false);
        assert_eq!(doc["imported"]["from"], "jrnl");
        let source = doc["imported"]["source"].as_str().unwrap();
        assert_eq!(doc["id"].as_str().unwrap(), &source[..32]);
        let id8 = &source[..8];
        assert!(path.to_string_lossy().ends_with(&format!("-{id8}.json")));
    }

    // TZ=UTC in the sandbox: jrnl's wall-clock times in that offset.
    let dinner = by_created(&docs, "2024-03-08T21:40:00+00:00");
    assert_eq!(
        answer(dinner, "free.title"),
        "Dinner with my sister @family."
    );
    let body = answer(dinner, "free.body").as_str().unwrap();
    assert!(body.starts_with("She said I never listen"), "{body}");
    assert!(body.contains("table.\n\n[aside] She had worked a double shift.\n\nLater"));
    // In the order written, whatever order the export listed them in.
    assert_eq!(dinner["tags"], json!(["@family", "@evening-walk"]));
    let source = format!("2024-03-08 21:40\nDinner with my sister @family.\n{}", body);
    assert_eq!(dinner["imported"]["source"], sha256_hex(source.as_bytes()));

    let slept = by_created(&docs, "2024-03-09T07:15:00+00:00");
    assert_eq!(answer(slept, "free.title"), "Slept badly; woke at four.");
    assert_eq!(answer(slept, "free.body"), &Value::Null, "no empty body");
    assert_eq!(slept["answers"].as_array().unwrap().len(), 1);
    assert_eq!(slept["tags"], json!(["starred"]));

    let cafe = by_created(&docs, "2024-03-10T12:05:00+00:00");
    assert_eq!(answer(cafe, "free.title"), "Café with Zoë — ça va 😊");
    assert_eq!(
        answer(cafe, "free.body"),
        "Über alles: 日本語のテキスト。 I felt calm @zoë\n  indented line kept"
    );
    assert_eq!(cafe["tags"], json!(["@zoë"]));
    let kinds: Vec<(&Value, &Value)> = cafe["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (&a["kind"], &a["question"]))
        .collect();
    assert_eq!(
        kinds,
        [
            (&json!("short_text"), &json!("Title")),
            (&json!("long_text"), &json!("What you wrote"))
        ]
    );
}

/// SHA-256 by the system's `sha256sum`, so the test does not share the
/// program's code for it.
fn sha256_hex(bytes: &[u8]) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("sha256sum");
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

/// journal.txt is export.json's journal as jrnl writes it, but for its last
/// entry, typed on one line with no newline at the end of the file: jrnl then
/// takes the first sentence as the title ("Therapy day.").
#[test]
fn the_plain_text_journal_gives_the_same_entries_byte_for_byte() {
    let from_json = Sandbox::new();
    import(&from_json, &fixture("export.json"));
    let from_text = Sandbox::new();
    let (stdout, stderr) = import(&from_text, &fixture("journal.txt"));
    assert_eq!(stdout.lines().count(), 4);
    assert!(
        stderr.contains("Imported 4 entries from the jrnl journal"),
        "{stderr}"
    );
    let (a, b) = (files(&from_json), files(&from_text));
    assert_eq!(a.len(), 4);
    for ((pa, ba), (pb, bb)) in a.iter().zip(&b) {
        assert_eq!(pa, pb);
        assert_eq!(
            String::from_utf8_lossy(ba),
            String::from_utf8_lossy(bb),
            "{}",
            pa.display()
        );
    }
    assert_eq!(a, b);
}

#[test]
fn importing_again_in_either_format_adds_nothing() {
    let sb = Sandbox::new();
    sb.add(&crate::sandbox::calm());
    import(&sb, &fixture("export.json"));
    let before = files(&sb);
    assert_eq!(before.len(), 5);
    for file in ["export.json", "journal.txt"] {
        let (stdout, stderr) = import(&sb, &fixture(file));
        assert_eq!(stdout, "", "{file}: nothing new to name");
        assert!(
            stderr.contains("Imported 0 entries") && stderr.contains("(4 were already here)"),
            "{file}: {stderr}"
        );
        assert_eq!(files(&sb), before, "{file} changed the journal");
    }
}

#[test]
fn imported_entries_are_listed_shown_and_never_exported() {
    let sb = Sandbox::new();
    let shared = sb.add(&json!({
        "arrival.distress": 3, "arrival.safety": "no",
        "moment.what_happened": "A shared moment", "share.include": true
    }));
    assert!(read_json(&shared)["shared"] == true);
    import(&sb, &fixture("journal.txt"));

    let list = sb.assert_cmd().args(["list", "--json"]).assert().success();
    let list: Value = serde_json::from_slice(&list.get_output().stdout).unwrap();
    let ids: Vec<&str> = list["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 5, "{list}");
    let docs: Vec<Value> = sb.entry_files().iter().map(|p| read_json(p)).collect();
    let cafe = by_created(&docs, "2024-03-10T12:05:00+00:00");
    let cafe_id = cafe["id"].as_str().unwrap();
    assert!(ids.contains(&cafe_id));

    let show = sb
        .assert_cmd()
        .args(["show", &cafe_id[..8]])
        .assert()
        .success();
    let show = String::from_utf8(show.get_output().stdout.clone()).unwrap();
    for want in [
        "pack free-text 1",
        "private",
        "Title\n  Café with Zoë — ça va 😊\n",
        "What you wrote\n  Über alles: 日本語のテキスト。 I felt calm @zoë\n    indented line kept\n",
    ] {
        assert!(show.contains(want), "{want:?} not in:\n{show}");
    }

    let export = sb
        .assert_cmd()
        .args(["export", "--since", "all"])
        .assert()
        .success();
    let export = String::from_utf8(export.get_output().stdout.clone()).unwrap();
    assert!(export.contains("A shared moment"), "{export}");
    for private in [
        "Dinner",
        "sister",
        "Slept",
        "Zoë",
        "Therapy day",
        "@family",
        "free-text",
    ] {
        assert!(!export.contains(private), "{private:?} was exported");
    }
}

#[test]
fn a_damaged_file_is_refused_naming_it_and_nothing_is_written() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let json = std::fs::read_to_string(fixture("export.json")).unwrap();
    let text = std::fs::read_to_string(fixture("journal.txt")).unwrap();
    let cases = [
        // Cut off half way.
        (
            "cut.json",
            json[..json.len() / 2].to_string(),
            "not a jrnl JSON export",
        ),
        (
            "bad-date.json",
            json.replace("2024-03-10", "2024-03-32"),
            "2024-03-32",
        ),
        // A date that is not one, at line 10 (entry 3).
        (
            "journal.txt",
            text.replace("[2024-03-10 12:05]", "[2024-13-10 12:05]"),
            "line 10: [2024-13-10 12:05]",
        ),
        (
            "notes.txt",
            "Just some notes\nno dates\n".to_string(),
            "no jrnl entries",
        ),
        ("empty.txt", String::new(), "no jrnl entries"),
    ];
    for (name, content, why) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        let out = sb
            .assert_cmd()
            .args(["import", "jrnl"])
            .arg(&path)
            .assert()
            .code(1);
        let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert!(
            stderr.contains(&path.display().to_string()) && stderr.contains(why),
            "{name}: {stderr}"
        );
        assert!(stderr.contains("nothing was imported"), "{name}: {stderr}");
        assert_eq!(out.get_output().stdout, b"");
        assert!(sb.entry_files().is_empty(), "{name} wrote entries");
    }
    // Not a file at all, and not text.
    let binary = dir.path().join("journal.enc");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x81]).unwrap();
    for (path, why) in [
        (dir.path().to_path_buf(), "not a file"),
        (binary, "not UTF-8 text"),
    ] {
        let out = sb
            .assert_cmd()
            .args(["import", "jrnl"])
            .arg(&path)
            .assert()
            .code(1);
        let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert!(
            stderr.contains(&path.display().to_string()) && stderr.contains(why),
            "{stderr}"
        );
    }
    assert!(!sb.data().join("entries").exists());
}

#[test]
fn times_take_the_local_offset_of_their_date_and_ids_do_not() {
    let utc = Sandbox::new();
    import(&utc, &fixture("export.json"));
    let berlin = Sandbox::new();
    let out = berlin
        .assert_cmd()
        .env("TZ", "Europe/Berlin")
        .args(["import", "jrnl"])
        .arg(fixture("export.json"))
        .assert()
        .success();
    assert_eq!(
        String::from_utf8_lossy(&out.get_output().stdout)
            .lines()
            .count(),
        4
    );
    let docs: Vec<Value> = berlin.entry_files().iter().map(|p| read_json(p)).collect();
    // Winter time in March 2024 until the 31st: +01:00, the wall clock kept.
    by_created(&docs, "2024-03-08T21:40:00+01:00");
    let names = |sb: &Sandbox| -> Vec<PathBuf> { files(sb).into_iter().map(|f| f.0).collect() };
    assert_eq!(names(&berlin), names(&utc));
}

#[test]
fn imported_entries_are_listed_by_their_title_and_found_by_their_tags() {
    let sb = Sandbox::new();
    import(&sb, &fixture("journal.txt"));
    let out = sb.assert_cmd().arg("list").assert().success();
    let listed = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(
        !listed.lines().any(|l| l.contains("  -  ")),
        "every entry shows words: {listed}"
    );
    let out = sb
        .assert_cmd()
        .args(["list", "--json", "--contains", "@evening-walk"])
        .assert()
        .success();
    let doc: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert!(!doc["entries"].as_array().unwrap().is_empty());
}
