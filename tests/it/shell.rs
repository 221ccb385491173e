//! How mentalog fits its shell: completion scripts, the man page, and the
//! help of every command (examples, every argument described).

use std::process::{Command, Stdio};

use crate::sandbox::Sandbox;

/// Runs `mentalog ARGS` in a fresh sandbox and returns its stdout; checks
/// that it succeeded and created no data folder.
fn run_ok(args: &[&str]) -> String {
    let sb = Sandbox::new();
    let out = sb.cmd().args(args).stdin(Stdio::null()).output().unwrap();
    assert!(
        out.status.success(),
        "mentalog {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !sb.data().exists(),
        "mentalog {args:?} created the data folder"
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn bash_completions_parse_and_name_every_command() {
    let script = run_ok(&["completions", "bash"]);
    let sb = Sandbox::new();
    let path = sb.tmp.path().join("mentalog.bash");
    std::fs::write(&path, &script).unwrap();
    let check = Command::new("bash").arg("-n").arg(&path).output().unwrap();
    assert!(
        check.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    for name in [
        "new",
        "list",
        "show",
        "plan",
        "export",
        "session",
        "share",
        "unshare",
        "schema",
        "paths",
        "pack",
        "setup",
        "due",
        "completions",
        "man",
    ] {
        assert!(
            script.contains(&format!("mentalog__subcmd__{name}")),
            "the bash script does not complete {name}"
        );
    }
    assert!(script.contains("complete -F"), "{script}");
}

#[test]
fn zsh_fish_powershell_and_elvish_completions_know_export() {
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let script = run_ok(&["completions", shell]);
        assert!(!script.trim().is_empty(), "{shell}: empty script");
        assert!(script.contains("export"), "{shell}: no 'export' in it");
        assert!(script.contains("since"), "{shell}: no option since in it");
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let sb = Sandbox::new();
    let out = sb.cmd().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bash"));
}

/// `mandoc -T lint` over the page; `None` when mandoc is not installed
/// and this is not CI (where `.ci/run` installs it, so missing is a failure).
fn lint(page: &str) -> Option<(i32, String)> {
    let child = Command::new("mandoc")
        .args(["-T", "lint"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            assert!(
                std::env::var_os("CI").is_none(),
                "mandoc is missing under CI; .ci/run installs it"
            );
            eprintln!("skipped: mandoc is not installed (apt-get install mandoc)");
            return None;
        }
        Err(e) => panic!("cannot run mandoc: {e}"),
    };
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(page.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let report =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    Some((out.status.code().unwrap_or(-1), report))
}

#[test]
fn the_man_pages_render_without_errors() {
    for path in [&["man"][..], &["man", "export"], &["man", "session", "add"]] {
        let page = run_ok(path);
        assert!(page.contains(".TH mentalog"), "{page}");
        assert!(
            page.contains(".SH \"EXAMPLES\"\n.nf\n  mentalog "),
            "{path:?}: no examples\n{page}"
        );
        let Some((code, report)) = lint(&page) else {
            return;
        };
        // mandoc exits 2 for warnings (the page has no date, on purpose:
        // the same version gives the same bytes), 3 and up for errors.
        assert!(
            code <= 2 && !report.contains("ERROR") && !report.contains("UNSUPP"),
            "{path:?}: mandoc -T lint exited {code}:\n{report}"
        );
    }
}

#[test]
fn man_for_an_unknown_command_names_the_commands() {
    let sb = Sandbox::new();
    let out = sb.cmd().args(["man", "exprot"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("\"exprot\"") && err.contains("export"),
        "{err}"
    );
}

/// Every command and subcommand, as the words typed after `mentalog`.
fn command_paths() -> Vec<(Vec<String>, clap::Command)> {
    fn walk(prefix: &[String], cmd: &clap::Command, into: &mut Vec<(Vec<String>, clap::Command)>) {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut path = prefix.to_vec();
            path.push(sub.get_name().to_string());
            into.push((path.clone(), sub.clone()));
            walk(&path, sub, into);
        }
    }
    let mut all = Vec::new();
    walk(
        &[],
        &<mentalog::cli::Cli as clap::CommandFactory>::command(),
        &mut all,
    );
    all
}

#[test]
fn every_command_has_examples_in_its_long_help() {
    let paths = command_paths();
    assert!(paths.len() >= 15 + 3 + 7, "{} commands", paths.len());
    let mut missing = Vec::new();
    for (path, _) in std::iter::once((Vec::new(), clap::Command::new("mentalog"))).chain(paths) {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let help = run_ok(&args);
        if !help.contains("\nExamples:\n  mentalog ") {
            missing.push(path.join(" "));
        }
    }
    assert!(missing.is_empty(), "no examples in --help of: {missing:?}");
}

#[test]
fn every_argument_and_option_is_described() {
    let top = <mentalog::cli::Cli as clap::CommandFactory>::command();
    let mut bare = Vec::new();
    for (path, cmd) in
        std::iter::once((vec!["mentalog".to_string()], top.clone())).chain(command_paths())
    {
        for arg in cmd.get_arguments() {
            let described = arg
                .get_help()
                .or_else(|| arg.get_long_help())
                .is_some_and(|h| !h.to_string().trim().is_empty());
            if !described {
                bare.push(format!("{} {}", path.join(" "), arg.get_id()));
            }
        }
    }
    assert!(bare.is_empty(), "arguments without a description: {bare:?}");
}

#[test]
fn session_dates_say_what_they_are() {
    let help = run_ok(&["session", "add", "--help"]);
    assert!(
        help.contains("The day of the session: YYYY-MM-DD, today, yesterday"),
        "{help}"
    );
    assert!(help.contains("default: today"), "{help}");
    let help = run_ok(&["session", "next", "--help"]);
    assert!(help.contains("The day of the next session"), "{help}");
}

/// A journal of three entries: a month back, yesterday and today (the
/// sandbox's clock is 2026-11-03).
fn three_entries() -> Sandbox {
    let sb = Sandbox::new();
    let store = mentalog::store::Store::new(sb.data());
    for (id, when, what) in [
        ("11111111", "2026-10-01T08:00:00+02:00", "October morning"),
        ("22222222", "2026-11-02T20:30:00+01:00", "Yesterday evening"),
        ("33333333", "2026-11-03T07:15:00+01:00", "Tuesday breakfast"),
    ] {
        store
            .save_entry(&crate::store::entry(id, when, what))
            .unwrap();
    }
    sb
}

fn listed(sb: &Sandbox, args: &[&str]) -> Vec<String> {
    let out = sb.cmd().arg("list").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "list {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split_whitespace().nth(2).unwrap_or_default().to_string())
        .collect()
}

#[test]
fn list_takes_the_same_days_and_spans_as_export() {
    let sb = three_entries();
    assert_eq!(listed(&sb, &["--since", "2w"]), ["33333333", "22222222"]);
    assert_eq!(listed(&sb, &["--since", "today"]), ["33333333"]);
    assert_eq!(
        listed(&sb, &["--until", "yesterday"]),
        ["22222222", "11111111"]
    );
    assert_eq!(listed(&sb, &["--since", "all"]).len(), 3);
    assert_eq!(
        listed(&sb, &["--since", "2026-10-01", "--until", "1d"]).len(),
        2
    );
    // last-session counts from the sessions recorded.
    let out = sb
        .cmd()
        .args(["list", "--since", "last-session"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no session is recorded yet"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    sb.assert_cmd()
        .args(["session", "add", "2026-11-02"])
        .assert()
        .success();
    assert_eq!(
        listed(&sb, &["--since", "last-session"]),
        ["33333333", "22222222"]
    );
}

#[test]
fn a_day_not_on_the_calendar_is_called_invalid_not_misformatted() {
    let sb = three_entries();
    for args in [
        &["list", "--since", "2026-02-30"][..],
        &["list", "--until", "2026-13-01"],
        &["export", "--since", "2026-02-30"],
    ] {
        let out = sb.cmd().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("is not a real date"), "{args:?}: {err}");
        assert!(err.contains(args[1]), "{args:?}: names the flag: {err}");
        assert!(!err.contains("expected YYYY-MM-DD"), "{args:?}: {err}");
        assert!(out.stdout.is_empty());
    }
}
