//! The editor for long answers: private file, failures reported, not taken.

use std::os::unix::fs::PermissionsExt;

use mentalog::prompt::{PromptError, run_editor};

/// A shell script editor that runs `body` with the file's path in `$f`.
fn script(dir: &std::path::Path, name: &str, body: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\nf=\"$1\"\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.display().to_string()
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
