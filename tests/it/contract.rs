//! The machine contract (docs/cli.md): the JSON Schemas and their `$id`s,
//! the versions every `--json` output carries, `new --at`, and the global
//! flags `--color` and `--quiet`.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::pty::{CTRL_C, DISTRESS, Term, Walk};
use crate::sandbox::{NOW, Sandbox, calm, read_json};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn docs() -> String {
    std::fs::read_to_string(root().join("docs/cli.md")).expect("docs/cli.md is missing")
}

fn stdout(sb: &Sandbox, args: &[&str]) -> String {
    let out = sb.assert_cmd().args(args).assert().success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

const SCHEMAS: [(&str, &str); 4] = [
    ("entry", "schemas/entry.schema.json"),
    ("summary", "schemas/summary.schema.json"),
    ("manifest", "schemas/manifest.schema.json"),
    ("answers", "schemas/answers.schema.json"),
];

#[test]
fn each_schema_command_prints_its_file_and_the_file_is_a_valid_schema() {
    let sb = Sandbox::new();
    let docs = docs();
    for (which, file) in SCHEMAS {
        let printed = stdout(&sb, &["schema", which]);
        let written = std::fs::read_to_string(root().join(file)).unwrap();
        assert_eq!(printed, written, "mentalog schema {which} is not {file}");
        let schema: Value = serde_json::from_str(&written).unwrap();
        if let Err(e) = jsonschema::meta::validate(&schema) {
            panic!("{file} is not a valid JSON Schema: {e}");
        }
        jsonschema::validator_for(&schema)
            .unwrap_or_else(|e| panic!("{file} does not compile: {e}"));
        let id = schema["$id"].as_str().unwrap();
        assert_eq!(
            id,
            format!("https://mentalog.invalid/{file}"),
            "{file}: $id must be a URI under the reserved .invalid domain"
        );
        assert!(docs.contains(id), "docs/cli.md does not name {id}");
        assert!(
            docs.contains(&format!("mentalog schema {which}")),
            "docs/cli.md does not show 'mentalog schema {which}'"
        );
    }
}

#[test]
fn short_ids_are_described() {
    let summary: Value =
        serde_json::from_str(include_str!("../../schemas/summary.schema.json")).unwrap();
    let short = summary["$defs"]["short_id"]["description"]
        .as_str()
        .unwrap_or_default();
    assert!(short.contains("first 8 characters"), "{short:?}");
    assert!(short.contains("show"), "{short:?}");
    let entry: Value =
        serde_json::from_str(include_str!("../../schemas/entry.schema.json")).unwrap();
    let id = entry["properties"]["id"]["description"]
        .as_str()
        .unwrap_or_default();
    assert!(id.contains("first 8 characters"), "{id:?}");
}

#[test]
fn the_example_answers_file_fits_the_answers_schema_and_wrong_shapes_do_not() {
    let schema: Value =
        serde_json::from_str(include_str!("../../schemas/answers.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let example = read_json(&root().join("examples/answers.json"));
    let problems: Vec<String> = validator
        .iter_errors(&example)
        .map(|e| e.to_string())
        .collect();
    assert!(problems.is_empty(), "examples/answers.json: {problems:?}");
    assert!(validator.is_valid(&calm()));
    assert!(validator.is_valid(&json!({
        "arrival.distress": 9,
        "arrival.safety": "not sure",
        "safety.note": "A bad night.",
        "safety.share": "steps_only",
        "self.feelings": [{"name": "scared"}, {"name": "alone", "intensity": null}],
        "measure.phq-9.q1": 2,
        "share.include": false,
        "other.who": null
    })));
    for wrong in [
        json!([]),
        json!({"distress": 3}),
        json!({"arrival.distress": 3.5}),
        json!({"arrival.distress": -1}),
        json!({"safety.share": "everything"}),
        json!({"self.feelings": [{"name": "sad", "intensity": 11}]}),
        json!({"self.feelings": [{"intensity": 4}]}),
        json!({"self.feelings": [{"name": "sad", "why": "x"}]}),
        json!({"moment.what_happened": {"text": "x"}}),
    ] {
        assert!(!validator.is_valid(&wrong), "accepted {wrong}");
    }
}

/// The `schema` value of every `--json` output, each named in docs/cli.md.
#[test]
fn every_json_output_is_versioned_and_its_version_documented() {
    let sb = Sandbox::new();
    let path = sb.add(&calm());
    sb.assert_cmd()
        .args(["session", "add", "2026-11-01"])
        .assert()
        .success();
    let id = read_json(&path)["id"].as_str().unwrap().to_string();
    let docs = docs();
    let outputs: [(&[&str], Value); 4] = [
        (&["list", "--json"], json!("mentalog.list/1")),
        (&["show", &id[..8], "--json"], json!(4)),
        (&["session", "list", "--json"], json!("mentalog.sessions/1")),
        (&["pack", "list", "--json"], json!("mentalog.packs/1")),
    ];
    for (args, expected) in outputs {
        let doc: Value = serde_json::from_str(&stdout(&sb, args)).unwrap();
        let schema = &doc["schema"];
        assert_eq!(schema, &expected, "mentalog {}", args.join(" "));
        let named = format!("\"schema\": {schema}");
        assert!(
            docs.contains(&named),
            "docs/cli.md does not give `{named}` (mentalog {})",
            args.join(" ")
        );
    }
    // The session list keeps its fields beside its version.
    let sessions: Value =
        serde_json::from_str(&stdout(&sb, &["session", "list", "--json"])).unwrap();
    assert_eq!(
        sessions,
        json!({"schema": "mentalog.sessions/1", "held": ["2026-11-01"], "next": null})
    );
    for version in ["mentalog.summary/5", "mentalog.manifest/1"] {
        assert!(
            docs.contains(version),
            "docs/cli.md does not name {version}"
        );
    }
}

#[test]
fn every_global_flag_and_environment_variable_in_the_help_is_documented() {
    let sb = Sandbox::new();
    let help = stdout(&sb, &["--help"]);
    let docs = docs();
    let mut named = Vec::new();
    for line in help.lines() {
        // A flag's own line in "Options:", not a flag mentioned in a description.
        let flag_line = line.trim_start().starts_with('-');
        for word in line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')) {
            let flag = flag_line && word.starts_with("--") && word.len() > 2;
            let env = (word.starts_with("MENTALOG_") && word.len() > 9) || word == "NO_COLOR";
            if flag || env {
                named.push(word.to_string());
            }
        }
    }
    for must in [
        "--dir",
        "--config",
        "--plain",
        "--no-input",
        "--color",
        "--quiet",
    ] {
        assert!(
            named.iter().any(|n| n == must),
            "--help no longer names {must}"
        );
    }
    for must in ["MENTALOG_DIR", "MENTALOG_CONFIG", "NO_COLOR"] {
        assert!(
            named.iter().any(|n| n == must),
            "--help no longer names {must}"
        );
    }
    for name in named {
        assert!(
            docs.contains(&format!("`{name}")),
            "docs/cli.md does not document {name}"
        );
    }
    for name in ["MENTALOG_NOW", "MENTALOG_NO_INPUT", "MENTALOG_PLAIN"] {
        assert!(docs.contains(name), "docs/cli.md does not document {name}");
    }
    for code in ["`0`", "`1`", "`2`", "`3`", "`130`"] {
        assert!(
            docs.contains(code),
            "docs/cli.md does not give exit code {code}"
        );
    }
}

#[test]
fn new_at_sets_the_time_of_a_scripted_entry() {
    let sb = Sandbox::new();
    let out = sb
        .assert_cmd()
        .args([
            "new",
            "--answers",
            "-",
            "--at",
            "2026-10-01T08:15:30.75+02:00",
        ])
        .write_stdin(calm().to_string())
        .assert()
        .success();
    let path = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let path = Path::new(path.trim());
    let name = path.file_name().unwrap().to_str().unwrap();
    assert!(name.starts_with("2026-10-01T08-15-30-"), "{name}");
    assert!(
        path.parent().unwrap().ends_with("2026/10"),
        "{}",
        path.display()
    );
    assert_eq!(read_json(path)["created"], "2026-10-01T08:15:30+02:00");

    // Without --at, the clock: MENTALOG_NOW in the sandbox.
    let now = read_json(&sb.add(&calm()))["created"].clone();
    assert_eq!(now, NOW);
    assert_eq!(sb.entry_files().len(), 2);
}

#[test]
fn a_time_new_at_cannot_read_is_a_usage_error_naming_the_flag() {
    let sb = Sandbox::new();
    for bad in [
        "yesterday",
        "2026-10-01",
        "2026-10-01T08:15:00",
        "2026-13-01T08:15:00Z",
    ] {
        let out = sb
            .assert_cmd()
            .args(["new", "--answers", "-", "--at", bad])
            .write_stdin(calm().to_string())
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(err.contains("--at"), "{bad}: {err}");
        assert!(err.contains("RFC 3339"), "{bad}: {err}");
        assert!(err.contains("2026-11-03T21:40:12+01:00"), "{bad}: {err}");
    }
    assert!(sb.entry_files().is_empty());
    // Only with --answers.
    sb.assert_cmd()
        .args(["new", "--at", "2026-10-01T08:15:00Z"])
        .assert()
        .code(2);
}

#[test]
fn quiet_leaves_out_notes_but_not_the_output() {
    let sb = Sandbox::new();
    let noted = sb
        .assert_cmd()
        .args(["session", "add", "2026-11-01"])
        .assert()
        .success();
    assert!(
        String::from_utf8_lossy(&noted.get_output().stderr).contains("Recorded a session"),
        "the note is missing without --quiet"
    );
    for quiet in ["--quiet", "-q"] {
        let out = sb
            .assert_cmd()
            .args(["session", "add", "2026-11-02", quiet])
            .assert()
            .success();
        assert_eq!(
            String::from_utf8_lossy(&out.get_output().stderr),
            "",
            "{quiet}"
        );
    }
    let out = sb
        .assert_cmd()
        .args(["--quiet", "session", "next", "2026-11-20"])
        .assert()
        .success();
    assert!(out.get_output().stderr.is_empty());
    let path = sb.add(&calm());
    let id = read_json(&path)["id"].as_str().unwrap()[..8].to_string();
    let out = sb
        .assert_cmd()
        .args(["share", &id, "-q"])
        .assert()
        .success();
    assert!(out.get_output().stderr.is_empty());
    assert_eq!(read_json(&path)["shared"], true);
    // The output itself is kept, and so are errors.
    assert_eq!(stdout(&sb, &["-q", "session", "list"]).lines().count(), 3);
    let out = sb
        .assert_cmd()
        .args(["-q", "show", "ffffffff"])
        .assert()
        .code(1);
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("no entry"));
}

/// SGR sequences (`ESC [ … m`): colour and style, not cursor movement.
fn has_colour(bytes: &[u8]) -> bool {
    bytes.windows(2).enumerate().any(|(i, w)| {
        w == b"\x1b["
            && bytes[i + 2..]
                .iter()
                .find(|b| !(b.is_ascii_digit() || **b == b';'))
                .is_some_and(|b| *b == b'm')
    })
}

/// The first question of the walk in a pty, with `colour` as the terminal's
/// own setting (NO_COLOR unset or set) and `flags` before `new`.
fn first_question(colour: bool, flags: &[&str]) -> Vec<u8> {
    let sb = Sandbox::new();
    let mut cmd: Command = sb.cmd();
    cmd.args(flags).arg("new");
    let mut w = Walk::spawn(
        cmd,
        Term {
            colour,
            ..Term::default()
        },
    );
    w.expect(DISTRESS);
    w.send(CTRL_C);
    w.exits(130);
    w.bytes().to_vec()
}

#[test]
fn color_never_and_always_override_the_terminal() {
    assert!(
        has_colour(&first_question(true, &[])),
        "a colour terminal shows no colour at all: the check below proves nothing"
    );
    assert!(!has_colour(&first_question(true, &["--color", "never"])));
    assert!(!has_colour(&first_question(false, &[])));
    assert!(has_colour(&first_question(false, &["--color", "always"])));
    assert!(has_colour(&first_question(true, &["--color", "auto"])));
}

/// A weekly timer's export with --quiet prints nothing, so cron mails nothing.
#[test]
fn a_quiet_export_to_a_file_prints_nothing() {
    let sb = Sandbox::new();
    sb.add(&crate::sandbox::calm());
    let out = sb.data().with_file_name("summary.md");
    let run = sb
        .assert_cmd()
        .args(["--quiet", "export", "--yes", "--out"])
        .arg(&out)
        .assert()
        .success();
    assert!(run.get_output().stderr.is_empty() && run.get_output().stdout.is_empty());
    assert!(out.is_file());
    let loud = sb
        .assert_cmd()
        .args(["export", "--yes", "--out"])
        .arg(&out)
        .assert()
        .success();
    assert!(String::from_utf8_lossy(&loud.get_output().stderr).starts_with("Wrote "));
}
