//! The commands as scripts use them: no terminal, exit codes, output.

use std::process::Stdio;

use mentalog::store::Store;
use predicates::prelude::*;
use serde_json::json;

use crate::sandbox::{Sandbox, answer, calm, read_json};
use crate::store::entry;

fn stdout(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&out.get_output().stdout).to_string()
}

fn stderr(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&out.get_output().stderr).to_string()
}

#[test]
fn new_without_a_terminal_exits_2_and_names_the_scripted_way() {
    let sb = Sandbox::new();
    let out = sb
        .assert_cmd()
        .arg("new")
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(2);
    assert!(
        stderr(&out).contains("needs a terminal"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("mentalog new --answers FILE"));
    assert!(sb.entry_files().is_empty() && sb.draft_files().is_empty());
}

#[test]
fn answers_out_of_range_name_the_key_and_save_nothing() {
    let sb = Sandbox::new();
    let path = sb.tmp.path().join("answers.json");
    std::fs::write(
        &path,
        json!({"arrival.distress": 11, "arrival.safety": "no"}).to_string(),
    )
    .unwrap();
    let out = sb
        .assert_cmd()
        .args(["new", "--answers"])
        .arg(&path)
        .assert()
        .failure();
    let err = stderr(&out);
    assert!(
        err.contains("arrival.distress") && err.contains("0 to 10"),
        "{err}"
    );
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(sb.entry_files().is_empty());
    assert!(stdout(&out).is_empty());
}

#[test]
fn answers_with_an_unknown_key_a_wrong_type_or_a_missing_arrival_are_refused() {
    let sb = Sandbox::new();
    let cases = [
        (
            json!({"arrival.distress": 3, "arrival.safety": "no", "moment.what": "x"}),
            "moment.what",
        ),
        (
            json!({"arrival.distress": 3, "arrival.safety": "no", "share.include": "yes"}),
            "share.include",
        ),
        (
            json!({"arrival.distress": 3, "arrival.safety": "maybe"}),
            "arrival.safety",
        ),
        (
            json!({"arrival.distress": 3, "arrival.safety": "no", "self.feelings": [{"name": "sad", "intensity": 12}]}),
            "self.feelings",
        ),
        (json!({"arrival.safety": "no"}), "arrival.distress"),
        (json!(["not", "an", "object"]), "JSON object"),
    ];
    for (doc, named) in cases {
        let out = sb
            .assert_cmd()
            .args(["new", "--answers", "-"])
            .write_stdin(doc.to_string())
            .assert()
            .code(1);
        assert!(stderr(&out).contains(named), "{doc}: {}", stderr(&out));
        assert!(stderr(&out).contains("nothing was saved"));
    }
    assert!(sb.entry_files().is_empty());
    let out = sb
        .assert_cmd()
        .args(["new", "--answers", "missing.json"])
        .assert()
        .code(1);
    assert!(stderr(&out).contains("missing.json"));
}

#[test]
fn a_scripted_entry_is_stored_as_documented() {
    let sb = Sandbox::new();
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/answers.json"
    ))
    .unwrap();
    let out = sb
        .assert_cmd()
        .args(["new", "--answers", "-"])
        .write_stdin(example)
        .assert()
        .success();
    let path = std::path::PathBuf::from(stdout(&out).trim());
    let doc = read_json(&path);
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    assert!(
        name.starts_with("2026-11-03T21-40-12-") && name.ends_with(".json"),
        "{name}"
    );
    assert!(path.starts_with(sb.data().join("entries/2026/11")));
    assert_eq!(doc["schema"], 4);
    assert_eq!(doc["created"], "2026-11-03T21:40:12+01:00");
    assert_eq!(doc["pack"], json!({"id": "mbt-core", "version": "3"}));
    assert_eq!(doc["shared"], true);
    assert_eq!(doc["safety_lane"], false);
    assert_eq!(doc["id"].as_str().unwrap().len(), 32);
    assert!(name.contains(&doc["id"].as_str().unwrap()[..8]));
    assert_eq!(
        answer(&doc, "self.feelings"),
        &json!([{"name": "hurt", "intensity": 7}, {"name": "angry", "intensity": 5}])
    );
    assert_eq!(
        doc["answers"][0]["question"],
        "How strong are your feelings right now?"
    );
    // Stored in the pack's order whatever the order of the file.
    let keys: Vec<_> = doc["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys.first(), Some(&"arrival.distress"));
    assert_eq!(keys.last(), Some(&"share.include"));
}

#[test]
fn scripted_high_distress_is_marked_as_a_safety_lane_entry_and_stays_private() {
    let sb = Sandbox::new();
    let out = sb
        .assert_cmd()
        .args(["new", "--answers", "-"])
        .write_stdin(json!({"arrival.distress": 9, "arrival.safety": "no", "safety.note": "Bad night.", "share.include": true}).to_string())
        .assert()
        .success();
    assert!(
        stderr(&out).contains("call your local emergency number"),
        "{}",
        stderr(&out)
    );
    let doc = read_json(std::path::Path::new(stdout(&out).trim()));
    assert_eq!(doc["safety_lane"], true);
    assert_eq!(doc["shared"], false);
    // A note outside the lane is refused; an empty text is a skip.
    let out = sb
        .assert_cmd()
        .args(["new", "--answers", "-"])
        .write_stdin(
            json!({"arrival.distress": 2, "arrival.safety": "no", "safety.note": "x"}).to_string(),
        )
        .assert()
        .code(1);
    assert!(stderr(&out).contains("safety.note"));
    let doc = read_json(
        &sb.add(&json!({"arrival.distress": 2, "arrival.safety": "no", "self.body": "  "})),
    );
    assert_eq!(doc["answers"].as_array().unwrap().len(), 2);
    // The person's own threshold from the config counts too.
    sb.write_config("safety_threshold = 5\n");
    let doc = read_json(&sb.add(&json!({"arrival.distress": 5, "arrival.safety": "no"})));
    assert_eq!(doc["safety_lane"], true);
}

#[test]
fn list_is_newest_first_and_filters_by_day_and_count() {
    let sb = Sandbox::new();
    let store = Store::new(sb.data());
    for (id, when, what) in [
        ("11111111", "2026-10-01T08:00:00+02:00", "October morning"),
        ("22222222", "2026-11-02T23:30:00-05:00", "Late in New York"),
        ("33333333", "2026-11-03T07:15:00+01:00", "Tuesday breakfast"),
    ] {
        store.save_entry(&entry(id, when, what)).unwrap();
    }
    let out = sb.assert_cmd().arg("list").assert().success();
    let text = stdout(&out);
    let lines: Vec<_> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(
        lines[0].starts_with("2026-11-03 07:15  33333333  Tuesday breakfast"),
        "{text}"
    );
    assert!(lines[1].contains("22222222") && lines[2].contains("11111111"));
    assert!(lines[0].ends_with("private"));

    // The day is the one the entry was written on, in its own offset.
    let out = sb
        .assert_cmd()
        .args(["list", "--since", "2026-11-02", "--until", "2026-11-02"])
        .assert()
        .success();
    assert_eq!(stdout(&out).lines().count(), 1);
    assert!(stdout(&out).contains("22222222"));
    let out = sb
        .assert_cmd()
        .args(["list", "-n", "1", "--json"])
        .assert()
        .success();
    let list: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(list["schema"], "mentalog.list/1");
    let items = &list["entries"];
    assert_eq!(items.as_array().unwrap().len(), 1);
    assert_eq!(items[0]["id"], "33333333");
    assert_eq!(items[0]["what_happened"], "Tuesday breakfast");

    let out = sb
        .assert_cmd()
        .args(["list", "--since", "3 Nov"])
        .assert()
        .code(2);
    assert!(stderr(&out).contains("--since") && stderr(&out).contains("YYYY-MM-DD"));
}

#[test]
fn list_of_an_empty_journal_says_so() {
    let sb = Sandbox::new();
    sb.create_data();
    sb.assert_cmd()
        .arg("list")
        .assert()
        .success()
        .stdout(predicate::str::contains("No entries yet"));
    sb.assert_cmd()
        .args(["list", "--json"])
        .assert()
        .success()
        .stdout("{\n  \"schema\": \"mentalog.list/1\",\n  \"entries\": []\n}\n");
}

#[test]
fn show_takes_a_unique_prefix() {
    let sb = Sandbox::new();
    let path = sb.add(&json!({"arrival.distress": 4, "arrival.safety": "no", "moment.what_happened": "line one\nline two"}));
    let id = read_json(&path)["id"].as_str().unwrap().to_string();
    let out = sb.assert_cmd().args(["show", &id[..5]]).assert().success();
    let text = stdout(&out);
    assert!(text.contains(&format!("Entry {id}")));
    assert!(
        text.contains("what was said and done.\n  line one\n  line two\n"),
        "{text}"
    );
    let out = sb
        .assert_cmd()
        .args(["show", &id, "--json"])
        .assert()
        .success();
    assert_eq!(out.get_output().stdout, std::fs::read(&path).unwrap());

    let store = Store::new(sb.data());
    store
        .save_entry(&entry("abcd0001", "2026-11-01T10:00:00+00:00", "a"))
        .unwrap();
    store
        .save_entry(&entry("abcd0002", "2026-11-01T10:00:00+00:00", "b"))
        .unwrap();
    let out = sb.assert_cmd().args(["show", "abcd"]).assert().code(1);
    assert!(stderr(&out).contains("abcd0001") && stderr(&out).contains("abcd0002"));
    let out = sb.assert_cmd().args(["show", "ffff"]).assert().code(1);
    assert!(stderr(&out).contains("no entry"));
    sb.assert_cmd().args(["show", "../etc"]).assert().code(2);
}

#[test]
fn plan_shows_words_for_now_contacts_and_the_emergency_line_without_a_terminal() {
    let sb = Sandbox::new();
    sb.write_config("[[contacts]]\nname = \"Sam\"\nphone = \"555 0100\"\n");
    let out = sb.assert_cmd().arg("plan").assert().success();
    let text = stdout(&out);
    // No plan written yet: words for now, never the empty template.
    for want in [
        "For now, if you can, reach out to someone you trust",
        "Sam: 555 0100",
        "If you are in immediate danger, call your local emergency number.",
        "This journal doesn't contact anyone.",
        "mentalog plan --edit",
    ] {
        assert!(text.contains(want), "{want:?} missing:\n{text}");
    }
    assert!(!text.contains("## 1. Warning signs"), "{text}");
    // The template is there to be filled in.
    let plan = std::fs::read_to_string(sb.data().join("plan.md")).unwrap();
    assert!(plan.contains("## 1. Warning signs"));
    let plan = std::fs::read_to_string(sb.data().join("plan.md")).unwrap();
    let longest_digit_run = plan
        .split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0);
    assert!(
        longest_digit_run < 3,
        "the template holds no phone numbers:\n{plan}"
    );

    // A plan of the person's own is shown as written, even with a broken config.
    std::fs::write(sb.data().join("plan.md"), "Call Sam. Walk to the park.\n").unwrap();
    sb.write_config("contacts = 3\n");
    let out = sb.assert_cmd().arg("plan").assert().success();
    // Once written, the plan itself is shown, and no task is set.
    assert!(stdout(&out).starts_with("Your crisis plan:\nCall Sam. Walk to the park.\n"));
    assert!(!stdout(&out).contains("--edit") && !stdout(&out).contains("For now"));
    assert!(
        stdout(&out).contains("Some contacts may be missing"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains(&sb.config().display().to_string()));
    assert!(!stdout(&out).contains("No crisis contacts are set up yet"));

    // A typo in one contact keeps the others.
    sb.write_config("[[contacts]]\nname = \"Sam\"\nnotes = \"x\"\n[[contacts]]\nname = \"Ali\"\nphone = \"556\"\n");
    let out = sb.assert_cmd().arg("plan").assert().success();
    assert!(stdout(&out).contains("Ali: 556"), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("contact 1 was left out"),
        "{}",
        stdout(&out)
    );

    let out = sb.assert_cmd().args(["plan", "--edit"]).assert().code(2);
    assert!(stderr(&out).contains("plan.md"));
}

#[test]
fn paths_prints_the_data_folder_and_the_config_file() {
    let sb = Sandbox::new();
    let out = sb.assert_cmd().arg("paths").assert().success();
    assert_eq!(
        stdout(&out),
        format!(
            "data    {}\nconfig  {}\n",
            sb.data().display(),
            sb.config().display()
        )
    );
    let out = sb
        .assert_cmd()
        .args(["--dir", "elsewhere", "paths"])
        .current_dir(sb.tmp.path())
        .assert()
        .success();
    assert!(stdout(&out).starts_with(&format!(
        "data    {}\n",
        sb.tmp.path().join("elsewhere").display()
    )));
}

/// A journal's own `config.toml`, inside its data folder, is used when no
/// --config or MENTALOG_CONFIG names one: never the invoking user's own.
#[test]
fn a_journals_own_config_comes_before_the_users_but_after_the_flag() {
    let sb = Sandbox::new();
    sb.create_data();
    let own = sb.data().join("config.toml");
    std::fs::write(
        &own,
        "[[contacts]]\nname = \"Clinic line\"\nphone = \"555 0199\"\n",
    )
    .unwrap();
    let shown = |cmd: &mut assert_cmd::Command| stdout(&cmd.assert().success());
    let mut paths = sb.assert_cmd();
    paths.env_remove("MENTALOG_CONFIG").arg("paths");
    assert!(shown(&mut paths).contains(&format!("config  {}\n", own.display())));
    let mut plan = sb.assert_cmd();
    plan.env_remove("MENTALOG_CONFIG").arg("plan");
    assert!(shown(&mut plan).contains("Clinic line: 555 0199"));
    // MENTALOG_CONFIG (and --config) still win.
    let mut named = sb.assert_cmd();
    named.arg("paths");
    assert!(shown(&mut named).contains(&format!("config  {}\n", sb.config().display())));
}

#[test]
fn an_unknown_pack_is_a_usage_error() {
    let sb = Sandbox::new();
    // A pack file may not pass itself off as a built-in pack.
    let copy = sb.tmp.path().join("copy.toml");
    std::fs::write(&copy, include_str!("../../prompts/mbt-core.toml")).unwrap();
    let out = sb
        .assert_cmd()
        .args(["new", "--pack"])
        .arg(&copy)
        .args(["--answers", "-"])
        .write_stdin(calm().to_string())
        .assert()
        .code(1);
    assert!(
        stderr(&out).contains("built-in pack") && stderr(&out).contains("copy.toml"),
        "{}",
        stderr(&out)
    );
    let own = sb.tmp.path().join("own.toml");
    std::fs::write(
        &own,
        include_str!("../../prompts/mbt-core.toml")
            .replace("id = \"mbt-core\"", "id = \"clinic-a\""),
    )
    .unwrap();
    let path = sb
        .assert_cmd()
        .args(["new", "--pack"])
        .arg(&own)
        .args(["--answers", "-"])
        .write_stdin(calm().to_string())
        .assert()
        .success();
    assert_eq!(
        read_json(std::path::Path::new(stdout(&path).trim()))["pack"]["id"],
        "clinic-a"
    );
    let out = sb
        .assert_cmd()
        .args(["new", "--pack", "nope", "--answers", "-"])
        .write_stdin(calm().to_string())
        .assert()
        .code(2);
    assert!(stderr(&out).contains("mbt-core"));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let sb = Sandbox::new();
    let store = Store::new(sb.data());
    for i in 0..3000 {
        store
            .save_entry(&entry(
                &format!("{i:08x}"),
                "2026-11-01T10:00:00+00:00",
                "words",
            ))
            .unwrap();
    }
    let mut child = sb
        .cmd()
        .arg("list")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty());
}

#[test]
fn the_example_config_is_valid() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/config.toml");
    let config = mentalog::config::Config::load(std::path::Path::new(path));
    assert!(config.problems.is_empty(), "{:?}", config.problems);
    assert_eq!(config.contacts.len(), 2);
    // Every setting shown commented out reads clean once turned on.
    let text = std::fs::read_to_string(path).unwrap();
    let on: String = text
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest) if rest.starts_with('[') || rest.contains(" = ") => rest,
            _ => l,
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let all = mentalog::config::Config::parse(&on, "config.toml");
    assert!(all.problems.is_empty(), "{:?}\n{on}", all.problems);
    assert_eq!(all.pack.as_deref(), Some("mbt-core"));
    assert_eq!(all.rhythm.as_deref(), Some("2 per week"));
    assert!(all.due.enabled && all.plain && all.share_plan_openings);
    assert!(all.focus.is_some() && all.due.words.is_some());
}

#[test]
fn help_documents_the_exit_codes() {
    let out = Sandbox::new().assert_cmd().arg("--help").assert().success();
    let help = stdout(&out);
    for line in [
        "0  success",
        "1  failure",
        "2  usage",
        "3  written but incomplete",
        "130  cancelled",
    ] {
        assert!(
            help.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .contains(&line.split_whitespace().collect::<Vec<_>>().join(" ")),
            "{line:?} in:\n{help}"
        );
    }
}

#[test]
fn a_damaged_file_makes_list_show_and_export_exit_3_after_printing_the_rest() {
    let sb = Sandbox::new();
    let good = sb.add(&json!({"arrival.distress": 2, "arrival.safety": "no", "moment.what_happened": "the good one", "share.include": true}));
    let id = read_json(&good)["id"].as_str().unwrap().to_string();
    // Its id starts as the good one's does, so `show` meets it too.
    let damaged = format!("2026-11-03T21-40-13-{}ff.json", &id[..6]);
    std::fs::write(good.parent().unwrap().join(&damaged), "{ not json").unwrap();
    for args in [
        vec!["list"],
        vec!["list", "--json"],
        vec!["show", &id[..6]],
        vec!["export", "--since", "all"],
        vec!["export", "--since", "all", "--format", "json"],
    ] {
        let out = sb.assert_cmd().args(&args).assert().code(3);
        assert!(stdout(&out).contains("the good one"), "{args:?}");
        assert!(
            stderr(&out).contains(&damaged) && stderr(&out).contains("1 file could not be read"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    // Written to a file: still 3, and the file is there.
    let file = sb.tmp.path().join("summary.md");
    sb.assert_cmd()
        .args(["export", "--since", "all", "--out"])
        .arg(&file)
        .assert()
        .code(3);
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("the good one")
    );
}

#[test]
fn answers_may_come_from_a_pipe_the_person_made() {
    let sb = Sandbox::new();
    let mut cmd = sb.cmd();
    cmd.args([
        "-c",
        &format!(
            "exec '{}' new --answers <(cat examples/answers.json)",
            crate::sandbox::BIN
        ),
    ]);
    let shell = std::process::Command::new("bash")
        .args(cmd.get_args())
        .envs(cmd.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .output()
        .unwrap();
    assert!(
        shell.status.success(),
        "{}",
        String::from_utf8_lossy(&shell.stderr)
    );
    assert_eq!(sb.entry_files().len(), 1);
}

/// `session add` takes the day forms every command takes (but for the
/// ones that name no single day), and a date that is not real says so.
#[test]
fn session_add_takes_today_yesterday_and_spans_and_refuses_a_date_that_is_not_real() {
    let sb = Sandbox::new();
    for (day, recorded) in [
        ("yesterday", "Mon 2 Nov 2026"),
        ("3d", "Sat 31 Oct 2026"),
        ("2026-10-01", "Thu 1 Oct 2026"),
    ] {
        let out = sb
            .assert_cmd()
            .args(["session", "add", day])
            .assert()
            .success();
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(err.contains(recorded), "{day}: {err}");
    }
    for (args, said) in [
        (&["session", "add", "2026-02-30"][..], "is not a real date"),
        (&["session", "add", "all"], "give the day of the session"),
        (&["session", "next", "2026-02-30"], "is not a real date"),
    ] {
        let out = sb.assert_cmd().args(args).assert().code(2);
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(err.contains(said), "{args:?}: {err}");
    }
}
