//! `mentalog reflect`: its questions in-process through a scripted
//! Prompter, and the command end to end with `--answers`.

use mentalog::entry::Value;
use mentalog::flow::{self, ReflectSettings};
use mentalog::prompt::{Reply, Scripted};
use mentalog::reflection::keys;
use serde_json::json;

use crate::sandbox::Sandbox;

fn t(s: &str) -> Reply {
    Reply::Text(s.to_string())
}

const ACK: &str = "Thank you for staying with something this hard.";

fn settings(plan: &[String]) -> ReflectSettings<'_> {
    ReflectSettings {
        threshold: 8,
        plan,
        acknowledgement: ACK,
    }
}

#[test]
fn the_questions_can_be_skipped_gone_back_over_and_ask_again_after_a_wrong_rating() {
    let plan = vec!["Call Sam: 555 0100".to_string()];
    let mut p = Scripted::new([
        t("/plan"),
        t("I see now that she was tired."),
        t(""),
        t("/back"),
        t("We talked about asking instead of guessing."),
        t("eleven"),
        t("4"),
    ]);
    let mut answers = Vec::new();
    flow::reflect(
        &mut p,
        &["You wrote this:".into()],
        &settings(&plan),
        &mut answers,
    )
    .unwrap();
    assert_eq!(p.remaining(), 0);
    let text = p.text();
    assert!(
        text.contains("Call Sam: 555 0100"),
        "/plan shows the plan: {text}"
    );
    assert!(!p.refusals().is_empty(), "a wrong rating is refused");
    let got: Vec<(&str, &Value)> = answers.iter().map(|a| (a.key.as_str(), &a.value)).collect();
    assert_eq!(
        got,
        [
            (
                keys::NOW,
                &Value::Text("I see now that she was tired.".into())
            ),
            (
                keys::SESSION,
                &Value::Text("We talked about asking instead of guessing.".into())
            ),
            (keys::DISTRESS, &Value::Rating(4)),
        ]
    );
    assert!(!text.contains(ACK), "no closing below the threshold");
}

#[test]
fn a_re_rating_at_the_threshold_shows_the_closing_and_ctrl_c_keeps_what_was_written() {
    let plan = vec!["Call Sam: 555 0100".to_string()];
    let mut p = Scripted::new([t(""), t(""), t("9")]);
    let mut answers = Vec::new();
    flow::reflect(&mut p, &[], &settings(&plan), &mut answers).unwrap();
    let text = p.text();
    let ack = text.find(ACK).expect("the acknowledgement");
    assert!(text[ack..].contains("Call Sam: 555 0100"), "{text}");

    let mut p = Scripted::new([t("The words so far."), Reply::Interrupt]);
    let mut answers = Vec::new();
    let err = flow::reflect(&mut p, &[], &settings(&plan), &mut answers).unwrap_err();
    assert!(matches!(err, mentalog::prompt::PromptError::Interrupted));
    assert_eq!(
        answers.len(),
        1,
        "what was written before Ctrl-C is there to keep"
    );
}

fn shared_entry(sb: &Sandbox) -> std::path::PathBuf {
    let answers = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/answers.json"
    ))
    .unwrap();
    sb.add(&serde_json::from_str(&answers).unwrap())
}

#[test]
fn a_reflection_is_a_file_of_its_own_and_shows_and_exports_with_its_entry() {
    let sb = Sandbox::new();
    let entry = shared_entry(&sb);
    let before = std::fs::read(&entry).unwrap();
    let id = entry
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .rsplit('-')
        .next()
        .unwrap()
        .to_string();
    let out = sb
        .assert_cmd()
        .args(["reflect", &id, "--answers", "-"])
        .write_stdin(
            json!({"reflect.now": "REFLECTION-NOW-WORDS", "reflect.session": "We spoke of it.", "reflect.distress": 3})
                .to_string(),
        )
        .assert()
        .success();
    let path = std::path::PathBuf::from(String::from_utf8_lossy(&out.get_output().stdout).trim());
    assert_eq!(path.parent().unwrap(), entry.with_extension("reflections"));
    assert_eq!(
        std::fs::read(&entry).unwrap(),
        before,
        "the entry's bytes never change"
    );
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(doc["entry"].as_str().unwrap()[..8], id);

    let show = sb.assert_cmd().args(["show", &id]).assert().success();
    let shown = String::from_utf8_lossy(&show.get_output().stdout).to_string();
    assert!(
        shown.contains("Later reflection") && shown.contains("REFLECTION-NOW-WORDS"),
        "{shown}"
    );

    for format in ["md", "html", "text"] {
        let out = sb
            .assert_cmd()
            .args(["export", "--since", "all", "--format", format])
            .assert()
            .success();
        let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
        assert!(text.contains("REFLECTION-NOW-WORDS"), "{format}: {text}");
    }
    let out = sb
        .assert_cmd()
        .args(["export", "--since", "all", "--format", "json"])
        .assert()
        .success();
    let doc: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let later = &doc["entries"][0]["reflections"];
    assert_eq!(later[0]["answers"][0]["text"], "REFLECTION-NOW-WORDS");
    assert_eq!(later[0]["answers"][2]["value"], 3);
    // Private with its entry: made private, the reflection leaves no trace.
    sb.assert_cmd()
        .args(["unshare", &id])
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "Its later reflection goes with it.",
        ));
    let out = sb
        .assert_cmd()
        .args(["export", "--since", "all", "--format", "json"])
        .assert()
        .success();
    assert!(!String::from_utf8_lossy(&out.get_output().stdout).contains("REFLECTION-NOW-WORDS"));
    // check knows the folder.
    sb.assert_cmd().arg("check").assert().success();
    // delete takes it with the entry.
    sb.assert_cmd()
        .args(["delete", &id, "--yes"])
        .assert()
        .success();
    assert!(!entry.with_extension("reflections").exists());
}

#[test]
fn scripted_reflections_are_checked_and_a_high_re_rating_says_where_help_is() {
    let sb = Sandbox::new();
    let entry = shared_entry(&sb);
    let id = entry
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .rsplit('-')
        .next()
        .unwrap()
        .to_string();
    for bad in [
        json!({"reflect.later": "x"}),
        json!({"reflect.distress": 11}),
        json!({"reflect.distress": "high"}),
        json!({}),
        json!(["reflect.now"]),
    ] {
        let out = sb
            .cmd()
            .args(["reflect", &id, "--answers", "-"])
            .write_stdin_str(&bad.to_string());
        assert_eq!(
            out.status.code(),
            Some(1),
            "{bad}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("nothing was saved"),
            "{bad}"
        );
    }
    assert!(
        !entry.with_extension("reflections").exists(),
        "nothing was saved"
    );
    let out = sb
        .cmd()
        .args(["reflect", &id, "--answers", "-"])
        .write_stdin_str(&json!({"reflect.distress": 9}).to_string());
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("very strong") && err.contains("mentalog plan"),
        "{err}"
    );
    // Without a terminal and without answers: exit 2, naming the flag.
    let out = sb.cmd().args(["reflect", &id]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--answers"));
}

trait WriteStdin {
    fn write_stdin_str(&mut self, input: &str) -> std::process::Output;
}

impl WriteStdin for std::process::Command {
    fn write_stdin_str(&mut self, input: &str) -> std::process::Output {
        use std::io::Write;
        let mut child = self
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }
}
