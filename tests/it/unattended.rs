//! Every command unattended: with standard input closed and no terminal,
//! each finishes (a watchdog kills any that waits) with its documented exit
//! code; and `--no-input` makes a terminal behave the same.

use crate::pty::Walk;
use crate::sandbox::{NOW, Sandbox, run_watched};

/// How long any command may take before it counts as waiting for input.
const PATIENCE: u64 = 20;

#[test]
fn every_command_finishes_unattended_with_its_documented_exit_code() {
    let sb = Sandbox::new();
    let entry = sb.add(&crate::sandbox::calm());
    let name = entry.file_name().unwrap().to_string_lossy().to_string();
    let id = name
        .trim_end_matches(".json")
        .rsplit('-')
        .next()
        .unwrap()
        .to_string();
    let tmp = sb.data().with_file_name("out");
    std::fs::create_dir_all(&tmp).unwrap();
    let file = |n: &str| tmp.join(n).display().to_string();
    let pack = format!("{}/prompts/mbt-core.toml", env!("CARGO_MANIFEST_DIR"));
    // (arguments, exit code): 0 done; 1 failed; 2 needs a terminal, a flag
    // or a file, named in the message.
    let cases: Vec<(Vec<String>, i32)> = vec![
        (vec!["new".into()], 2),
        // Told to read standard input, which is closed: nothing to read.
        (vec!["new".into(), "--answers".into(), "-".into()], 1),
        (vec!["list".into()], 0),
        (vec!["list".into(), "--json".into()], 0),
        (vec!["show".into(), id.clone()], 0),
        (vec!["show".into(), id.clone(), "--json".into()], 0),
        (vec!["plan".into()], 0),
        (vec!["plan".into(), "--edit".into()], 2),
        (vec!["export".into()], 0),
        (vec!["export".into(), "--format".into(), "json".into()], 0),
        (vec!["export".into(), "--out".into(), file("s.md")], 0),
        (vec!["session".into(), "add".into()], 0),
        (
            vec!["session".into(), "next".into(), "2026-12-01".into()],
            0,
        ),
        (vec!["session".into(), "list".into(), "--json".into()], 0),
        (vec!["unshare".into(), id.clone()], 0),
        (vec!["share".into(), id.clone()], 0),
        (vec!["schema".into(), "entry".into()], 0),
        (vec!["schema".into(), "summary".into()], 0),
        (vec!["paths".into()], 0),
        (vec!["pack".into(), "list".into(), "--json".into()], 0),
        (vec!["pack".into(), "show".into(), "mbt-core".into()], 0),
        (vec!["pack".into(), "check".into(), pack.clone()], 0),
        (vec!["pack".into(), "new".into(), file("p.toml")], 0),
        (vec!["pack".into(), "add".into(), file("p.toml")], 0),
        (vec!["pack".into(), "use".into(), "mbt-quick".into()], 0),
        (vec!["pack".into(), "remove".into(), "my-pack".into()], 2),
        (vec!["setup".into()], 2),
        (vec!["setup".into(), "contacts".into()], 2),
        (vec!["due".into()], 0),
        (vec!["completions".into(), "bash".into()], 0),
        (vec!["man".into()], 0),
        (
            vec![
                "export".into(),
                "--batch".into(),
                "--out-dir".into(),
                file("batch"),
            ],
            0,
        ),
        // A time ahead of now is refused, naming --at.
        (
            vec![
                "new".into(),
                "--answers".into(),
                "-".into(),
                "--at".into(),
                "2099-01-01T00:00:00Z".into(),
            ],
            2,
        ),
    ];
    for (args, code) in cases {
        let mut cmd = sb.cmd();
        cmd.args(&args);
        let run = run_watched(cmd, PATIENCE);
        assert!(!run.killed, "{args:?} waited for input that cannot come");
        assert_eq!(
            run.output.status.code(),
            Some(code),
            "{args:?}: {}",
            run.stderr()
        );
        if code == 2 {
            // The message names what to use instead.
            let err = run.stderr();
            assert!(
                ["--answers", "--yes", "--from", "editor", "--at"]
                    .iter()
                    .any(|f| err.contains(f)),
                "{args:?}: {err}"
            );
        }
    }
}

/// In a terminal, `--no-input` (or MENTALOG_NO_INPUT=1) fails as if there
/// were none, with exit 2, instead of asking.
#[test]
fn no_input_in_a_terminal_fails_with_exit_2_instead_of_asking() {
    let sb = Sandbox::new();
    sb.add(&crate::sandbox::calm());
    for args in [
        &["--no-input", "new"][..],
        &["setup", "--no-input"],
        &["plan", "--edit", "--no-input"],
    ] {
        let mut w = Walk::at(&sb, args, NOW);
        let out = w.exits(2);
        assert!(out.contains("mentalog: error:"), "{args:?}: {out}");
    }
    let mut cmd = sb.cmd();
    cmd.args(["new"]).env("MENTALOG_NO_INPUT", "1");
    let mut w = Walk::spawn(cmd, crate::pty::Term::default());
    w.exits(2);
}

#[test]
fn more_than_one_data_folder_is_only_for_a_batch_export() {
    let sb = Sandbox::new();
    let out = sb
        .assert_cmd()
        .args(["--dir", "a", "--dir", "b", "list"])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("--batch"), "{err}");
}
