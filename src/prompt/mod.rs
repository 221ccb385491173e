//! Asking a person things. `Prompter` is what the guided walk and the
//! commands talk to. Three implementations: the terminal one (dialoguer for
//! text, a small list widget of our own on `console`), a plain one for
//! screen readers and simple terminals (one printed line per question,
//! nothing redrawn), and `Scripted`, which answers from a list for tests.
//! Prompts and narration go to stderr. This module is the only importer of
//! dialoguer.

mod editor;
mod plain;
mod scripted;
mod terminal;
mod width;

use std::io;

pub use editor::{editor_command, run_editor};
pub use plain::PlainPrompter;
pub use scripted::{Reply, Scripted};
pub use terminal::TerminalPrompter;

/// Why a question got no answer.
#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    /// The person pressed Ctrl-C (or the terminal closed).
    #[error("interrupted")]
    Interrupted,
    /// The editor could not be started or did not finish well; nothing was taken.
    #[error("{0}")]
    Editor(String),
    /// Ctrl-C came while the editor was open; what it held, if anything.
    #[error("interrupted while the editor was open")]
    EditorInterrupted(Option<String>),
    /// There is no terminal to ask in.
    #[error("this needs a terminal to ask in")]
    NoTerminal,
    #[error(transparent)]
    Io(#[from] io::Error),
}

pub type Validator<'a> = &'a dyn Fn(&str) -> Result<(), String>;

/// One question as the prompter shows it.
#[derive(Debug, Clone, Copy)]
pub struct Ask<'a> {
    pub prompt: &'a str,
    /// An earlier answer, filled in to change (text questions).
    pub initial: &'a str,
    /// Whether going back to the previous question is possible here.
    pub back: bool,
    /// What an empty answer means, as echoed: "(skipped)", or "(kept as it
    /// was)" when Enter keeps an earlier answer.
    pub blank: &'a str,
}

impl<'a> Ask<'a> {
    /// A question with nothing filled in and no way back.
    pub fn new(prompt: &'a str) -> Ask<'a> {
        Ask {
            prompt,
            initial: "",
            back: false,
            blank: "(skipped)",
        }
    }
}

/// What a person did at a question: answered it, or asked for the crisis
/// plan, the previous question or the editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Got<T> {
    Answer(T),
    Plan,
    Back,
    Edit,
}

/// What a person types at a text question to write the answer in their editor.
pub const EDIT_COMMAND: &str = "/edit";
/// What a person types at any question to see their crisis plan.
pub const PLAN_COMMAND: &str = "/plan";
/// What a person types to go back to the previous question.
pub const BACK_COMMAND: &str = "/back";

/// The command typed, if the text is one (in any case, spaces around allowed).
pub fn command<T>(typed: &str) -> Option<Got<T>> {
    let t = typed.trim().to_lowercase();
    match t.as_str() {
        EDIT_COMMAND => Some(Got::Edit),
        PLAN_COMMAND => Some(Got::Plan),
        BACK_COMMAND => Some(Got::Back),
        _ => None,
    }
}

/// The questions the walk and the commands can ask. Text comes in as it is
/// (pack, config and answer text included): an implementation that shows it
/// sanitises it with [`crate::text`] on the way out.
pub trait Prompter {
    /// Shows a line of narration (the crisis plan, an acknowledgement).
    fn say(&mut self, text: &str) -> Result<(), PromptError>;
    /// A quieter line: help under a question, a file's path.
    fn hint(&mut self, text: &str) -> Result<(), PromptError> {
        self.say(text)
    }
    /// A heading that opens a part of the walk.
    fn heading(&mut self, text: &str) -> Result<(), PromptError> {
        self.say(text)
    }
    /// A line of text. `validate` rejects an answer with a friendly message
    /// and the question is asked again. An empty answer means "skip".
    /// `/plan`, `/back` and `/edit` come back as commands, never as answers.
    fn input(&mut self, ask: &Ask, validate: Validator) -> Result<Got<String>, PromptError>;
    /// One of `items`; `initial` is highlighted (none when `None`).
    fn select(
        &mut self,
        ask: &Ask,
        items: &[String],
        initial: Option<usize>,
    ) -> Result<Got<usize>, PromptError>;
    /// Any number of `items`. `picked` comes in with what is already
    /// picked and goes out with what was picked when the list was left, so
    /// that looking at the crisis plan loses no pick.
    fn multi_select(
        &mut self,
        ask: &Ask,
        items: &[String],
        picked: &mut Vec<usize>,
    ) -> Result<Got<Vec<usize>>, PromptError>;
    /// Opens the person's editor on `initial`; `Ok(None)` when they saved nothing.
    fn edit(&mut self, prompt: &str, initial: &str) -> Result<Option<String>, PromptError>;
    /// A yes / no question with no answer preselected.
    fn confirm(&mut self, question: &str) -> Result<bool, PromptError>;
    /// A passphrase, typed without being shown; empty when only Enter was pressed.
    fn password(&mut self, _prompt: &str) -> Result<String, PromptError> {
        Err(PromptError::NoTerminal)
    }
}

/// For commands run without a terminal: narration goes to stderr, and any
/// question fails with [`PromptError::NoTerminal`] instead of waiting for
/// input that cannot come.
pub struct NoTerminal;

impl Prompter for NoTerminal {
    fn say(&mut self, text: &str) -> Result<(), PromptError> {
        eprintln!("{}", crate::text::Shown(text));
        Ok(())
    }

    fn input(&mut self, _: &Ask, _: Validator) -> Result<Got<String>, PromptError> {
        Err(PromptError::NoTerminal)
    }

    fn select(
        &mut self,
        _: &Ask,
        _: &[String],
        _: Option<usize>,
    ) -> Result<Got<usize>, PromptError> {
        Err(PromptError::NoTerminal)
    }

    fn multi_select(
        &mut self,
        _: &Ask,
        _: &[String],
        _: &mut Vec<usize>,
    ) -> Result<Got<Vec<usize>>, PromptError> {
        Err(PromptError::NoTerminal)
    }

    fn edit(&mut self, _: &str, _: &str) -> Result<Option<String>, PromptError> {
        Err(PromptError::NoTerminal)
    }

    fn confirm(&mut self, _: &str) -> Result<bool, PromptError> {
        Err(PromptError::NoTerminal)
    }
}
