//! Asking a person things. `Prompter` is what the guided walk talks to; the
//! terminal implementation is the only user of dialoguer, and `Scripted`
//! answers from a list for tests. Prompts and narration go to stderr.

use std::collections::VecDeque;
use std::io;
use std::path::PathBuf;
use std::process::Command;

/// Why a question got no answer.
#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    /// The person pressed Ctrl-C.
    #[error("interrupted")]
    Interrupted,
    /// The editor could not be started or did not finish well; nothing was taken.
    #[error("{0}")]
    Editor(String),
    #[error(transparent)]
    Io(#[from] io::Error),
}

pub type Validator<'a> = &'a dyn Fn(&str) -> Result<(), String>;

/// The questions the guided walk can ask.
pub trait Prompter {
    /// Shows a line of narration (a heading, help, the crisis plan).
    fn say(&mut self, text: &str) -> Result<(), PromptError>;
    /// A line of text. `validate` rejects an answer with a friendly message
    /// and the question is asked again. An empty answer means "skip".
    fn input(&mut self, prompt: &str, validate: Validator) -> Result<String, PromptError>;
    /// One of `items`; none is preselected.
    fn select(&mut self, prompt: &str, items: &[String]) -> Result<usize, PromptError>;
    /// Any number of `items` (space toggles, Enter confirms).
    fn multi_select(&mut self, prompt: &str, items: &[String]) -> Result<Vec<usize>, PromptError>;
    /// Opens the person's editor; `Ok(None)` when they saved nothing.
    fn edit(&mut self) -> Result<Option<String>, PromptError>;
}

/// Asks in the terminal with dialoguer.
pub struct TerminalPrompter {
    theme: Box<dyn dialoguer::theme::Theme>,
    term: console::Term,
    /// A private folder (0700) for the editor's file, inside the data folder.
    editing_dir: PathBuf,
}

impl TerminalPrompter {
    pub fn new(editing_dir: PathBuf) -> Self {
        TerminalPrompter {
            theme: theme(),
            term: console::Term::stderr(),
            editing_dir,
        }
    }
}

fn map_err(err: dialoguer::Error) -> PromptError {
    let dialoguer::Error::IO(err) = err;
    if err.kind() == io::ErrorKind::Interrupted {
        PromptError::Interrupted
    } else {
        PromptError::Io(err)
    }
}

impl Prompter for TerminalPrompter {
    fn say(&mut self, text: &str) -> Result<(), PromptError> {
        self.term.write_line(text)?;
        Ok(())
    }

    fn input(&mut self, prompt: &str, validate: Validator) -> Result<String, PromptError> {
        dialoguer::Input::<String>::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .allow_empty(true)
            .validate_with(|s: &String| validate(s))
            .interact_text_on(&self.term)
            .map_err(map_err)
    }

    fn select(&mut self, prompt: &str, items: &[String]) -> Result<usize, PromptError> {
        dialoguer::Select::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .items(items)
            .interact_on(&self.term)
            .map_err(map_err)
    }

    fn multi_select(&mut self, prompt: &str, items: &[String]) -> Result<Vec<usize>, PromptError> {
        dialoguer::MultiSelect::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .items(items)
            .interact_on(&self.term)
            .map_err(map_err)
    }

    fn edit(&mut self) -> Result<Option<String>, PromptError> {
        run_editor(&editor_command(), &self.editing_dir, "")
    }
}

/// A yes / no question in the terminal, with no answer preselected.
pub fn confirm(question: &str) -> Result<bool, PromptError> {
    dialoguer::Select::with_theme(theme().as_ref())
        .with_prompt(question)
        .items(["yes", "no"])
        .interact_on(&console::Term::stderr())
        .map(|i| i == 0)
        .map_err(map_err)
}

/// Without colour (NO_COLOR, a plain terminal) the colourful theme shows no
/// cursor in a checklist; the simple one marks it with '>'.
fn theme() -> Box<dyn dialoguer::theme::Theme> {
    if console::colors_enabled_stderr() {
        Box::new(dialoguer::theme::ColorfulTheme::default())
    } else {
        Box::new(dialoguer::theme::SimpleTheme)
    }
}

/// The editor the person chose: `$VISUAL`, then `$EDITOR`, then `vi`.
pub fn editor_command() -> String {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string())
}

/// Runs the editor `command` (split like a shell would) on a private file
/// inside `dir` holding `initial`, and returns what was saved (`None` when it
/// was left empty). The file is removed afterwards. An editor that cannot
/// start or exits with an error is reported and its text is not taken as
/// an answer, but the file is kept and named so no word is lost.
pub fn run_editor(
    command: &str,
    dir: &std::path::Path,
    initial: &str,
) -> Result<Option<String>, PromptError> {
    let words = shell_words::split(command).map_err(|e| {
        PromptError::Editor(format!("cannot read the editor command {command:?}: {e}"))
    })?;
    let (program, args) = words
        .split_first()
        .ok_or_else(|| PromptError::Editor("the editor command is empty; set $EDITOR".into()))?;
    crate::store::create_private_dir_all(dir).map_err(|e| PromptError::Editor(format!("{e:#}")))?;
    let file = tempfile::Builder::new()
        .prefix("answer-")
        .suffix(".txt")
        .tempfile_in(dir)
        .map_err(|e| {
            PromptError::Editor(format!("cannot create a file in {}: {e}", dir.display()))
        })?;
    std::fs::write(file.path(), initial)?;
    let status = Command::new(program)
        .args(args)
        .arg(file.path())
        .status()
        .map_err(|e| PromptError::Editor(format!("cannot start your editor ({command}): {e}")))?;
    if !status.success() {
        // Whatever was written is kept, never deleted with the failure.
        let written = std::fs::read_to_string(file.path()).unwrap_or_default();
        let kept = if written.trim().is_empty() || written == initial {
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
    let text = std::fs::read_to_string(file.path())?;
    let text = text.trim_end();
    Ok((!text.trim().is_empty()).then(|| text.to_string()))
}

/// One scripted reply, in the order the walk asks.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Typed text; a reply that the validator refuses is recorded and the
    /// next reply is tried, as a person would type again.
    Text(String),
    Select(usize),
    Multi(Vec<usize>),
    /// What the editor gives back.
    Edited(Option<String>),
    EditorFails(String),
    /// Ctrl-C at this question.
    Interrupt,
}

/// A prompter that answers from a script and keeps a transcript.
#[derive(Debug, Default)]
pub struct Scripted {
    replies: VecDeque<Reply>,
    /// Every prompt asked and line said, in order.
    pub transcript: Vec<String>,
    /// Every message a validator gave.
    pub refusals: Vec<String>,
}

impl Scripted {
    pub fn new(replies: impl IntoIterator<Item = Reply>) -> Self {
        Scripted {
            replies: replies.into_iter().collect(),
            ..Default::default()
        }
    }

    /// Replies not used yet.
    pub fn remaining(&self) -> usize {
        self.replies.len()
    }

    fn next(&mut self, prompt: &str) -> Result<Reply, PromptError> {
        self.transcript.push(prompt.to_string());
        match self.replies.pop_front() {
            Some(Reply::Interrupt) => Err(PromptError::Interrupted),
            Some(reply) => Ok(reply),
            None => panic!("the script ran out of replies at {prompt:?}"),
        }
    }
}

impl Prompter for Scripted {
    fn say(&mut self, text: &str) -> Result<(), PromptError> {
        self.transcript.push(text.to_string());
        Ok(())
    }

    fn input(&mut self, prompt: &str, validate: Validator) -> Result<String, PromptError> {
        loop {
            match self.next(prompt)? {
                Reply::Text(t) => match validate(&t) {
                    Ok(()) => return Ok(t),
                    Err(msg) => self.refusals.push(msg),
                },
                other => panic!("{prompt:?} wants text, the script gave {other:?}"),
            }
        }
    }

    fn select(&mut self, prompt: &str, items: &[String]) -> Result<usize, PromptError> {
        match self.next(prompt)? {
            Reply::Select(i) if i < items.len() => Ok(i),
            other => panic!("{prompt:?} offers {items:?}, the script gave {other:?}"),
        }
    }

    fn multi_select(&mut self, prompt: &str, items: &[String]) -> Result<Vec<usize>, PromptError> {
        match self.next(prompt)? {
            Reply::Multi(v) if v.iter().all(|i| *i < items.len()) => Ok(v),
            other => panic!("{prompt:?} offers {items:?}, the script gave {other:?}"),
        }
    }

    fn edit(&mut self) -> Result<Option<String>, PromptError> {
        match self.next("(editor)")? {
            Reply::Edited(t) => Ok(t),
            Reply::EditorFails(msg) => Err(PromptError::Editor(msg)),
            other => panic!("the editor was opened, the script gave {other:?}"),
        }
    }
}
