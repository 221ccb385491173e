//! The editor for long answers: private file, failures reported, not taken.

use std::os::unix::fs::PermissionsExt;

use mentalog::prompt::{PromptError, run_editor};

/// A shell script editor that runs `body` with the file's path in `$f`.
fn script(dir: &std::path::Path, name: &str, body: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\nf=\"$1\"\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    // Run through sh rather than executed: a script just written can be
    // "busy" (ETXTBSY) while another test thread forks.
    format!("sh '{}'", path.display())
}

#[test]
fn the_text_written_in_the_editor_is_taken_and_its_file_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let editing = tmp.path().join("data/editing");
    // The command creates the private folder and hands it to the prompter.
    mentalog::store::create_private_dir_all(&editing).unwrap();
    let record = tmp.path().join("where");
    let editor = script(
        tmp.path(),
        "ed.sh",
        &format!(
            "echo \"$f\" > '{}'\nprintf 'Dear me,\\nit was hard.\\n\\n' > \"$f\"",
            record.display()
        ),
    );
    let text = run_editor(&editor, &editing, "").unwrap();
    assert_eq!(text.as_deref(), Some("Dear me,\nit was hard."));
    let used = std::fs::read_to_string(&record).unwrap();
    assert!(
        used.trim().starts_with(&editing.display().to_string()),
        "{used}"
    );
    assert_eq!(
        std::fs::metadata(&editing).unwrap().permissions().mode() & 0o777,
        0o700
    );
    assert_eq!(
        std::fs::read_dir(&editing).unwrap().count(),
        0,
        "the file is removed"
    );
}

#[test]
fn an_editor_that_fails_is_reported_and_its_text_not_taken() {
    let tmp = tempfile::tempdir().unwrap();
    let editing = tmp.path().join("editing");
    mentalog::store::create_private_dir_all(&editing).unwrap();
    let editor = script(
        tmp.path(),
        "bad.sh",
        "echo 'half an answer' > \"$f\"\nexit 3",
    );
    match run_editor(&editor, &editing, "") {
        Err(PromptError::Editor(msg)) => {
            assert!(msg.contains("did not finish well"), "{msg}");
            // The words are kept in the private folder, and the message says where.
            let kept = msg.rsplit("kept in ").next().unwrap();
            assert!(kept.starts_with(&editing.display().to_string()), "{msg}");
            assert_eq!(std::fs::read_to_string(kept).unwrap(), "half an answer\n");
        }
        other => panic!("expected an editor error, got {other:?}"),
    }
    match run_editor("no-such-editor-anywhere", &editing, "") {
        Err(PromptError::Editor(msg)) => assert!(msg.contains("cannot start"), "{msg}"),
        other => panic!("expected an editor error, got {other:?}"),
    }
    // Saved empty: nothing to take.
    let empty = script(tmp.path(), "empty.sh", ": > \"$f\"");
    assert_eq!(run_editor(&empty, &editing, "").unwrap(), None);
}

/// An editor that saves by writing a new file and renaming it over the old
/// one (as vim and Emacs do by default) is still open: another mentalog must
/// not take its file for one left behind, and its words come back.
#[test]
fn a_file_open_in_an_editor_that_saves_by_rename_is_never_taken_for_a_leftover() {
    let tmp = tempfile::tempdir().unwrap();
    let store = mentalog::store::Store::new(tmp.path().join("data"));
    let editing = store.create_editing_dir().unwrap();
    let go_on = tmp.path().join("go-on");
    let editor = script(
        tmp.path(),
        "rename.sh",
        &format!(
            "printf 'Written while another mentalog looked.\\n' > \"$f.new\"\nmv \"$f.new\" \"$f\"\nwhile [ ! -e '{}' ]; do sleep 0.05; done",
            go_on.display()
        ),
    );
    // The editor script ends whatever happens to this test.
    struct GoOn(std::path::PathBuf);
    impl Drop for GoOn {
        fn drop(&mut self) {
            let _ = std::fs::write(&self.0, "");
        }
    }
    let finish = GoOn(go_on);
    let dir = editing.clone();
    let run = std::thread::spawn(move || run_editor(&editor, &dir, ""));
    // Wait until the editor has saved, by rename.
    let mut saved = false;
    for _ in 0..400 {
        let texts: Vec<String> = std::fs::read_dir(&editing)
            .unwrap()
            .flatten()
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .collect();
        if texts.iter().any(|t| t.starts_with("Written while")) {
            saved = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    assert!(saved, "the editor script never saved");
    assert!(
        store.leftover_edits().is_empty(),
        "an open editor's file was listed as left over"
    );
    drop(finish);
    let text = run.join().unwrap().unwrap();
    assert_eq!(
        text.as_deref(),
        Some("Written while another mentalog looked.")
    );
    assert_eq!(
        std::fs::read_dir(&editing).unwrap().count(),
        0,
        "nothing left behind"
    );
}
