//! Plain mode, for screen readers, braille displays, Emacs shells and
//! anyone who finds moving widgets hard: every question is printed as a
//! line and answered on a line of its own; lists are numbered and answered
//! by number. Nothing is redrawn or erased and the cursor is never moved.
//! Every line passes [`crate::text`] on its way out.

use std::io::Write;
use std::path::PathBuf;

use super::{Ask, Got, PromptError, Prompter, Validator, command, run_editor};
use crate::signal;
use crate::text::{Shown, one_line};

pub struct PlainPrompter {
    editor: String,
    editing_dir: PathBuf,
}

impl PlainPrompter {
    pub fn new(editing_dir: PathBuf, editor: String) -> Self {
        PlainPrompter {
            editor,
            editing_dir,
        }
    }

    /// Prints `text`, sanitised, as a line of its own: the only way out.
    fn line(&self, text: &str) -> Result<(), PromptError> {
        let mut err = std::io::stderr().lock();
        writeln!(err, "{}", Shown(text))?;
        err.flush()?;
        Ok(())
    }

    /// Reads one line after a "> " mark; Ctrl-C and the end of input stop.
    fn read(&self) -> Result<String, PromptError> {
        {
            let mut err = std::io::stderr().lock();
            write!(err, "> ")?;
            err.flush()?;
        }
        match signal::read_line() {
            Ok(Some(line)) => Ok(line),
            Ok(None) => Err(PromptError::Io(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the input ended",
            ))),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Err(PromptError::Interrupted),
            Err(e) => Err(e.into()),
        }
    }

    fn commands_line(&self, back: bool) -> String {
        if back {
            "(Type /plan for your crisis plan, /back for the previous question.)".to_string()
        } else {
            "(Type /plan for your crisis plan.)".to_string()
        }
    }

    fn numbered(&self, ask: &Ask, items: &[String], multi: bool) -> Result<(), PromptError> {
        self.line(ask.prompt)?;
        for (i, item) in items.iter().enumerate() {
            self.line(&format!("  {}. {}", i + 1, one_line(item)))?;
        }
        self.line(if multi {
            "Type the numbers of all that fit, separated by spaces or commas, then Enter. Enter on its own picks none."
        } else {
            "Type a number, then Enter."
        })?;
        self.line(&self.commands_line(ask.back))
    }
}

/// The numbers typed, each from 1 to `n`, as indexes; `None` if any is not.
fn numbers(typed: &str, n: usize) -> Option<Vec<usize>> {
    typed
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .map(|w| match w.parse::<usize>() {
            Ok(k) if (1..=n).contains(&k) => Some(k - 1),
            _ => None,
        })
        .collect()
}

impl Prompter for PlainPrompter {
    fn say(&mut self, text: &str) -> Result<(), PromptError> {
        self.line(text)
    }

    fn input(&mut self, ask: &Ask, validate: Validator) -> Result<Got<String>, PromptError> {
        self.line(ask.prompt)?;
        if !ask.initial.is_empty() {
            self.line(&format!(
                "Your earlier answer was \"{}\". Press Enter to keep it, type a new one, or type /skip to leave it empty.",
                ask.initial
            ))?;
        }
        loop {
            let typed = self.read()?;
            if let Some(cmd) = command(&typed) {
                return Ok(cmd);
            }
            let typed = if typed.trim().eq_ignore_ascii_case("/skip") {
                String::new()
            } else if typed.trim().is_empty() && !ask.initial.is_empty() {
                ask.initial.to_string()
            } else {
                typed
            };
            match validate(&typed) {
                Ok(()) => return Ok(Got::Answer(typed)),
                Err(message) => self.line(&message)?,
            }
        }
    }

    fn select(
        &mut self,
        ask: &Ask,
        items: &[String],
        initial: Option<usize>,
    ) -> Result<Got<usize>, PromptError> {
        self.numbered(ask, items, false)?;
        if let Some(i) = initial {
            self.line(&format!(
                "Your earlier answer was {}. Press Enter to keep it.",
                i + 1
            ))?;
        }
        loop {
            let typed = self.read()?;
            if let Some(cmd) = command(&typed) {
                return Ok(cmd);
            }
            if typed.trim().is_empty()
                && let Some(i) = initial
            {
                return Ok(Got::Answer(i));
            }
            match numbers(&typed, items.len()).as_deref() {
                Some([i]) => return Ok(Got::Answer(*i)),
                _ => self.line(&format!(
                    "Please type one number from 1 to {}, or /plan.",
                    items.len()
                ))?,
            }
        }
    }

    fn multi_select(
        &mut self,
        ask: &Ask,
        items: &[String],
        picked: &mut Vec<usize>,
    ) -> Result<Got<Vec<usize>>, PromptError> {
        let initial = picked.clone();
        self.numbered(ask, items, true)?;
        if !initial.is_empty() {
            let earlier: Vec<String> = initial.iter().map(|i| (i + 1).to_string()).collect();
            self.line(&format!(
                "Your earlier answer was {}. Press Enter to keep it.",
                earlier.join(" ")
            ))?;
        }
        loop {
            let typed = self.read()?;
            if let Some(cmd) = command(&typed) {
                return Ok(cmd);
            }
            if typed.trim().is_empty() && !initial.is_empty() {
                return Ok(Got::Answer(initial));
            }
            match numbers(&typed, items.len()) {
                Some(v) => {
                    picked.clone_from(&v);
                    return Ok(Got::Answer(v));
                }
                None => self.line(&format!(
                    "Please type numbers from 1 to {}, separated by spaces.",
                    items.len()
                ))?,
            }
        }
    }

    fn edit(&mut self, _prompt: &str, initial: &str) -> Result<Option<String>, PromptError> {
        self.line("Opening your editor. Save and close it to go on.")?;
        let text = run_editor(&self.editor, &self.editing_dir, initial)?;
        if let Some(t) = &text {
            self.line(&format!(
                "Taken from your editor ({} lines).",
                t.lines().count()
            ))?;
        }
        Ok(text)
    }

    fn password(&mut self, prompt: &str) -> Result<String, PromptError> {
        super::terminal::read_password(&console::Term::stderr(), prompt)
    }

    fn confirm(&mut self, question: &str) -> Result<bool, PromptError> {
        let ask = Ask::new(question);
        let items = ["yes".to_string(), "no".to_string()];
        loop {
            if let Got::Answer(i) = self.select(&ask, &items, None)? {
                return Ok(i == 0);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::numbers;

    #[test]
    fn numbers_are_read_from_one_to_n() {
        assert_eq!(numbers("1 3,2", 3), Some(vec![0, 2, 1]));
        assert_eq!(numbers("", 3), Some(vec![]));
        assert_eq!(numbers("4", 3), None);
        assert_eq!(numbers("0", 3), None);
        assert_eq!(numbers("two", 3), None);
    }
}
