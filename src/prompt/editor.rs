//! The person's own editor, for answers longer than a line and for the
//! crisis plan. Its file lives in a private folder the caller hands in.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Command;

use super::PromptError;
use crate::signal;

/// `answer-XXXX.open` beside the answer file, locked while the editor is
/// open and removed when it closes; `Store::leftover_edits` passes over an
/// answer file whose mark is held.
struct OpenMark {
    path: std::path::PathBuf,
    _file: Option<std::fs::File>,
}

impl OpenMark {
    fn new(answer: &Path) -> OpenMark {
        let path = answer.with_extension("open");
        let file = std::fs::File::create(&path)
            .ok()
            .filter(|f| f.lock().is_ok());
        OpenMark { path, _file: file }
    }
}

impl Drop for OpenMark {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The number of SIGINT on every Unix mentalog runs on.
const SIGINT: i32 = 2;

/// The editor the person chose: `$VISUAL`, then `$EDITOR`, then `vi`.
pub fn editor_command() -> String {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string())
}

/// Runs the editor `command` (split like a shell would) on a private file
/// inside `dir` (which must exist, 0700) holding `initial`, and returns what
/// was saved (`None` when it was left empty). The file is removed
/// afterwards. An editor that cannot start or exits with an error is
/// reported and its text is not taken as an answer, but the file is kept
/// and named so no word is lost. Ctrl-C while it is open is held until it
/// exits, and its text comes back in [`PromptError::EditorInterrupted`].
pub fn run_editor(command: &str, dir: &Path, initial: &str) -> Result<Option<String>, PromptError> {
    let words = shell_words::split(command).map_err(|e| {
        PromptError::Editor(format!("cannot read the editor command {command:?}: {e}"))
    })?;
    let (program, args) = words
        .split_first()
        .ok_or_else(|| PromptError::Editor("the editor command is empty; set $EDITOR".into()))?;
    let file = tempfile::Builder::new()
        .prefix("answer-")
        .suffix(".txt")
        .tempfile_in(dir)
        .map_err(|e| {
            PromptError::Editor(format!("cannot create a file in {}: {e}", dir.display()))
        })?;
    std::fs::write(file.path(), initial)?;
    // A lock held while the editor is open, so that another mentalog never
    // takes this file for one left behind. It is on a file of its own:
    // editors that save by writing a new file and renaming it over the old
    // one would drop a lock held on the answer file itself.
    let _open = OpenMark::new(file.path());
    signal::child_started();
    let status = Command::new(program).args(args).arg(file.path()).status();
    // Ctrl-C reaches the editor and us alike; the handler may run late.
    let killed = status.as_ref().is_ok_and(|s| s.signal() == Some(SIGINT));
    let interrupted = signal::child_finished(killed);
    let status = status
        .map_err(|e| PromptError::Editor(format!("cannot start your editor ({command}): {e}")))?;
    let written = match std::fs::read_to_string(file.path()) {
        Ok(w) => w,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(PromptError::Editor(format!(
                "the file your editor was writing in ({}) is gone, so nothing was taken",
                file.path().display()
            )));
        }
        Err(e) => return Err(e.into()),
    };
    let written = written.trim_end();
    if interrupted {
        // The file goes with `file`; its words go into the draft.
        let text = (!written.trim().is_empty()).then(|| written.to_string());
        return Err(PromptError::EditorInterrupted(text));
    }
    if !status.success() {
        // Whatever was written is kept, never deleted with the failure.
        let kept = if written.trim().is_empty() || written == initial.trim_end() {
            String::new()
        } else {
            match file.keep() {
                Ok((_, path)) => format!("; what you wrote is kept in {}", path.display()),
                Err(e) => format!("; what you wrote could not be kept: {e}"),
            }
        };
        return Err(PromptError::Editor(format!(
            "your editor ({command}) did not finish well ({status}), so its text was not taken{kept}"
        )));
    }
    Ok((!written.trim().is_empty()).then(|| written.to_string()))
}
