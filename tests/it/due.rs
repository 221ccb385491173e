//! `mentalog due` through the binary, with the clock fixed: off until
//! turned on, one neutral line when an entry is due by the rhythm and at
//! most once a day, silent otherwise; any finished entry counts (lane
//! entries too), a draft does not; never waits on stdin; exit 0 always, a
//! problem shown only at a terminal.

use std::io::Read;
use std::process::{Command, Stdio};

use chrono::DateTime;
use mentalog::cli::{Command as Cmd, NewArgs};
use mentalog::config::Config;
use mentalog::context::Context;
use mentalog::paths::Paths;
use mentalog::prompt::{Reply, Scripted};
use mentalog::store::Store;
use serde_json::json;

use crate::pty::Walk;
use crate::sandbox::{NOW, Sandbox, Watched, calm, later, read_json, run_watched};

const LINE: &str = "A few quiet minutes to write, if you like.\n";
const ON_DAILY: &str = "rhythm = \"daily\"\n[due]\nenabled = true\n";

const HOUR: i64 = 60;
const DAY: i64 = 24 * HOUR;

/// `mentalog due` at `now`, stdin closed; fails if it hangs.
fn due_at(sb: &Sandbox, now: &str) -> Watched {
    let mut cmd = sb.cmd();
    cmd.arg("due").env("MENTALOG_NOW", now);
    let run = run_watched(cmd, 30);
    assert!(!run.killed, "`mentalog due` hung");
    run
}

/// Checks that `due` exited 0 with exactly `stdout` and nothing on stderr
/// (which is not a terminal here).
fn assert_due(sb: &Sandbox, now: &str, stdout: &str) {
    let run = due_at(sb, now);
    assert_eq!(run.output.status.code(), Some(0), "{}", run.stderr());
    assert_eq!(run.stdout(), stdout, "at {now}");
    assert_eq!(run.stderr(), "", "at {now}");
}

/// Writes an entry through `new --answers` at `now`; returns its document.
fn add_at(sb: &Sandbox, now: &str, answers: &serde_json::Value) -> serde_json::Value {
    let out = sb
        .assert_cmd()
        .env("MENTALOG_NOW", now)
        .args(["new", "--answers", "-"])
        .write_stdin(answers.to_string())
        .assert()
        .success();
    let path = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    read_json(std::path::Path::new(path.trim()))
}

fn state(sb: &Sandbox) -> serde_json::Value {
    read_json(&sb.data().join("state.json"))
}

#[test]
fn silent_until_turned_on() {
    let sb = Sandbox::new();
    // No config at all, and not even a journal: nothing, and nothing made.
    assert_due(&sb, NOW, "");
    assert!(!sb.data().exists());
    // A journal long quiet, a rhythm, but `due` turned off.
    add_at(&sb, NOW, &calm());
    sb.write_config("rhythm = \"daily\"\n[due]\nenabled = false\nwords = \"Write now\"\n");
    assert_due(&sb, &later(30 * DAY), "");
    sb.write_config("rhythm = \"daily\"\n");
    assert_due(&sb, &later(30 * DAY), "");
    assert!(!sb.data().join("state.json").exists());
}

#[test]
fn one_line_when_due_then_silent_for_the_rest_of_the_day_and_again_the_next() {
    let sb = Sandbox::new();
    sb.write_config(ON_DAILY);
    add_at(&sb, NOW, &calm());
    // Within the rhythm.
    assert_due(&sb, NOW, "");
    assert_due(&sb, &later(HOUR), "");
    assert_due(&sb, &later(DAY - 1), "");
    // One day on: once, then not again that day.
    assert_due(&sb, &later(DAY), LINE);
    assert_eq!(state(&sb)["due_shown"], "2026-11-04");
    assert_due(&sb, &later(DAY + 1), "");
    assert_due(&sb, &later(DAY + 2 * HOUR), "");
    // Still no entry the next day: the same line, no count, no more.
    assert_due(&sb, &later(2 * DAY), LINE);
    assert_due(&sb, &later(2 * DAY + HOUR), "");
    assert_eq!(state(&sb)["due_shown"], "2026-11-05");
    // Writing puts it to rest until the rhythm comes round again.
    add_at(&sb, &later(3 * DAY - HOUR), &calm());
    assert_due(&sb, &later(3 * DAY), "");
    assert_due(&sb, &later(4 * DAY - HOUR), LINE);
}

#[test]
fn the_day_is_remembered_beside_what_the_walk_remembers() {
    let sb = Sandbox::new();
    sb.write_config(ON_DAILY);
    sb.create_data();
    std::fs::write(
        sb.data().join("state.json"),
        r#"{"follow_up_offered": "0123abcd"}"#,
    )
    .unwrap();
    assert_due(&sb, NOW, LINE);
    let s = state(&sb);
    assert_eq!(s["follow_up_offered"], "0123abcd");
    assert_eq!(s["due_shown"], "2026-11-03");
    assert_due(&sb, NOW, "");
}

#[test]
fn the_persons_own_words_are_shown_clean_on_one_line() {
    let sb = Sandbox::new();
    sb.write_config(
        "rhythm = \"every 2 days\"\n[due]\nenabled = true\nwords = \"Tea, then\\nthe \\u001b[31mnotebook \\u001b]0;owned\\u0007🙂\"\n",
    );
    assert_due(&sb, NOW, "Tea, then the notebook 🙂\n");
    let sb = Sandbox::new();
    sb.write_config(&format!(
        "rhythm = \"daily\"\n[due]\nenabled = true\nwords = \"{}\"\n",
        "a very long reminder ".repeat(50)
    ));
    let run = due_at(&sb, NOW);
    let line = run.stdout();
    assert!(line.ends_with("…\n") && line.lines().count() == 1, "{line}");
    assert!(line.chars().count() < 200, "{line}");
}

#[test]
fn no_entry_at_all_is_due() {
    // No data folder yet: the line, and the day is remembered (the folder
    // is made, private).
    let sb = Sandbox::new();
    sb.write_config(ON_DAILY);
    assert_due(&sb, NOW, LINE);
    assert_due(&sb, NOW, "");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(sb.data()).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700);
    // An empty journal.
    let sb = Sandbox::new();
    sb.write_config(ON_DAILY);
    sb.create_data();
    assert_due(&sb, NOW, LINE);
}

#[test]
fn a_safety_lane_entry_counts_as_an_entry() {
    let sb = Sandbox::new();
    sb.write_config(ON_DAILY);
    add_at(&sb, NOW, &calm());
    let lane = add_at(
        &sb,
        &later(3 * DAY),
        &json!({"arrival.distress": 9, "arrival.safety": "no"}),
    );
    assert_eq!(lane["safety_lane"], true);
    assert_due(&sb, &later(3 * DAY + HOUR), "");
    assert_due(&sb, &later(4 * DAY), LINE);
}

/// Starts a walk at `now` in-process and stops it with Ctrl-C after the
/// first answers: a draft, no entry.
fn leave_a_draft(sb: &Sandbox, now: &str) {
    let p = Scripted::new(vec![
        Reply::Text("3".into()),
        Reply::Select(1),
        Reply::Text("We argued.".into()),
        Reply::Interrupt,
    ]);
    let paths = Paths {
        data: sb.data(),
        config: sb.config(),
    };
    let config = Config::load(&sb.config());
    let now = DateTime::parse_from_rfc3339(now).unwrap();
    let mut ctx = Context::new(paths, config, now, Box::new(p.clone()));
    let command = Cmd::New(NewArgs {
        answers: None,
        pack: None,
        at: None,
    });
    let err = mentalog::run_in(&mut ctx, &command).unwrap_err();
    assert_eq!(mentalog::exit_code(&err), 130);
}

#[test]
fn a_draft_is_not_an_entry() {
    let sb = Sandbox::new();
    sb.write_config(ON_DAILY);
    add_at(&sb, NOW, &calm());
    leave_a_draft(&sb, &later(3 * DAY));
    assert_eq!(Store::new(sb.data()).drafts().unwrap().0.len(), 1);
    assert_eq!(sb.entry_files().len(), 1);
    assert_due(&sb, &later(3 * DAY + HOUR), LINE);
}

/// A pack installed under `<data>/packs` with `rhythm`.
fn install_pack(sb: &Sandbox, id: &str, rhythm: &str) {
    let source = mentalog::pack::BUILTIN[0].1;
    let source = source.replacen(
        "id = \"mbt-core\"",
        &format!("id = \"{id}\"\nrhythm = \"{rhythm}\""),
        1,
    );
    assert!(source.contains(rhythm), "the built-in pack's id line moved");
    std::fs::create_dir_all(sb.data().join("packs")).unwrap();
    std::fs::write(sb.data().join("packs").join(format!("{id}.toml")), source).unwrap();
}

#[test]
fn the_rhythm_is_the_configs_else_the_packs_in_use() {
    let sb = Sandbox::new();
    add_at(&sb, NOW, &calm());
    install_pack(&sb, "paced", "weekly");
    sb.write_config("pack = \"paced\"\n[due]\nenabled = true\n");
    assert_due(&sb, &later(3 * DAY), "");
    assert_due(&sb, &later(7 * DAY - 1), "");
    // The config's own rhythm wins over the pack's.
    sb.write_config("pack = \"paced\"\nrhythm = \"2 per week\"\n[due]\nenabled = true\n");
    assert_due(&sb, &later(3 * DAY + 12 * HOUR - 1), "");
    assert_due(&sb, &later(3 * DAY + 12 * HOUR), LINE);
    sb.write_config("pack = \"paced\"\n[due]\nenabled = true\n");
    assert_due(&sb, &later(7 * DAY), LINE);
}

#[test]
fn problems_leave_stdout_empty_and_exit_0() {
    let sb = Sandbox::new();
    add_at(&sb, NOW, &calm());
    let month_on = later(30 * DAY);
    for config in [
        // A rhythm it cannot read.
        "rhythm = \"often\"\n[due]\nenabled = true\n",
        // No rhythm anywhere (the built-in pack sets none).
        "[due]\nenabled = true\n",
        // A pack that is not there.
        "pack = \"gone\"\n[due]\nenabled = true\n",
        // A config that cannot be read: it may well be off.
        "rhythm = \"daily\"\n[due\nenabled = true\n",
        "rhythm = \"daily\"\ndue = true\n",
    ] {
        sb.write_config(config);
        let run = due_at(&sb, &month_on);
        assert_eq!(run.output.status.code(), Some(0), "{config}");
        assert_eq!(run.stdout(), "", "{config}");
        assert_eq!(run.stderr(), "", "stderr is no terminal here: {config}");
    }
    assert!(!sb.data().join("state.json").exists());
}

#[test]
fn a_day_it_cannot_remember_still_shows_the_line_and_exits_0() {
    let sb = Sandbox::new();
    sb.write_config(ON_DAILY);
    sb.create_data();
    // A folder where the state file goes: it can be neither read nor replaced.
    std::fs::create_dir(sb.data().join("state.json")).unwrap();
    assert_due(&sb, NOW, LINE);
    assert_due(&sb, NOW, LINE);
}

#[test]
fn at_a_terminal_a_problem_is_one_short_line_and_nothing_waits() {
    let sb = Sandbox::new();
    sb.write_config("rhythm = \"often\"\n[due]\nenabled = true\n");
    let mut w = Walk::at(&sb, &["due"], NOW);
    let shown = w.exits(0);
    let lines: Vec<&str> = shown.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{shown:?}");
    assert!(
        lines[0].starts_with("mentalog due: the rhythm in your config \"often\" cannot be read"),
        "{shown:?}"
    );
    assert!(lines[0].contains("mentalog setup rhythm"), "{shown:?}");
    // Due, at a terminal nobody types at: the line, and done.
    sb.write_config(ON_DAILY);
    let mut w = Walk::at(&sb, &["due"], NOW);
    assert_eq!(w.exits(0).trim(), LINE.trim());
}

#[test]
fn never_reads_stdin() {
    let sb = Sandbox::new();
    sb.write_config(ON_DAILY);
    // A pipe that never ends: its writing end stays open until `due` has
    // ended (or been killed after 30 seconds, failing the test).
    let mut child = sb
        .cmd()
        .arg("due")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let open_stdin = child.stdin.take().unwrap();
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let status = child.wait().unwrap();
        let mut out = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        tx.send(()).unwrap();
        (status, out)
    });
    let hung = rx.recv_timeout(std::time::Duration::from_secs(30)).is_err();
    if hung {
        let _ = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
    }
    let (status, out) = waiter.join().unwrap();
    drop(open_stdin);
    assert!(!hung, "`mentalog due` waited on stdin");
    assert_eq!(status.code(), Some(0));
    assert_eq!(out, LINE);
}
