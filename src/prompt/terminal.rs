//! The terminal prompter: dialoguer for text and ratings, a small list
//! widget of our own on `console` for lists and checklists (dialoguer's drop
//! every key but their own, so the crisis plan and going back could not be
//! reached there). Every question is cleared by the screen rows it took,
//! counted by display width, and replaced by one line saying what was taken.

use std::path::PathBuf;

use console::{Key, Term, style};
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};

use super::width::rows;
use super::{Ask, Got, PromptError, Prompter, Validator, command, run_editor};
use crate::entry::{first_words, one_line};
use crate::signal;

/// Asks in the terminal.
pub struct TerminalPrompter {
    term: Term,
    colour: bool,
    editor: String,
    /// A private folder (0700) for the editor's file, inside the data folder.
    editing_dir: PathBuf,
    /// The longer key hint is shown once per kind of list.
    hinted_list: bool,
    hinted_checklist: bool,
}

impl TerminalPrompter {
    pub fn new(editing_dir: PathBuf, editor: String) -> Self {
        TerminalPrompter {
            term: Term::stderr(),
            colour: console::colors_enabled_stderr(),
            editor,
            editing_dir,
            hinted_list: false,
            hinted_checklist: false,
        }
    }

    fn theme(&self) -> Box<dyn Theme> {
        if self.colour {
            Box::new(ColorfulTheme::default())
        } else {
            Box::new(SimpleTheme)
        }
    }

    fn columns(&self) -> usize {
        usize::from(self.term.size().1).max(10)
    }

    /// The rows `lines` take on screen.
    fn height(&self, lines: &[String]) -> usize {
        let cols = self.columns();
        lines.iter().map(|l| rows(l, cols)).sum()
    }

    /// "✔ question · answer", printed once a question is answered.
    fn echo(&self, prompt: &str, answer: &str) -> Result<(), PromptError> {
        let line = if self.colour {
            format!(
                "{} {} {} {}",
                style("✔").green(),
                style(prompt).bold(),
                style("·").dim(),
                style(answer).green()
            )
        } else {
            format!("{prompt} {answer}")
        };
        self.term.write_line(&line)?;
        Ok(())
    }

    fn error(&self, message: &str) -> Result<String, PromptError> {
        let line = if self.colour {
            format!("{} {}", style("✘").red(), style(message).red())
        } else {
            format!("! {message}")
        };
        self.term.write_line(&line)?;
        Ok(line)
    }

    /// A list or checklist of our own; `multi` for a checklist.
    fn list(
        &mut self,
        ask: &Ask,
        items: &[String],
        multi: bool,
        initial: Option<usize>,
        checked: &[usize],
    ) -> Result<Got<Vec<usize>>, PromptError> {
        let mut current = initial;
        let mut picked: Vec<bool> = (0..items.len()).map(|i| checked.contains(&i)).collect();
        let mut message: Option<String> = None;
        let first_time = if multi {
            !std::mem::replace(&mut self.hinted_checklist, true)
        } else {
            !std::mem::replace(&mut self.hinted_list, true)
        };
        let back = if ask.back { ", b: go back" } else { "" };
        let hint = match (multi, first_time) {
            (true, true) => format!(
                "↑ ↓ move, Space picks or unpicks, Enter goes on (pick none to skip). p: your crisis plan{back}"
            ),
            (false, true) => {
                format!("↑ ↓ move, Enter chooses. p: your crisis plan{back}")
            }
            _ => format!("p: your crisis plan{back}"),
        };
        let items: Vec<String> = items.iter().map(|i| one_line(i)).collect();
        let mut drawn = 0;
        let _cursor = HiddenCursor::new(&self.term);
        loop {
            let mut lines = Vec::with_capacity(items.len() + 3);
            lines.push(if self.colour {
                format!("{} {}", style("?").yellow(), style(ask.prompt).bold())
            } else {
                format!("? {}", ask.prompt)
            });
            lines.push(if self.colour {
                format!("  {}", style(&hint).dim())
            } else {
                format!("  ({hint})")
            });
            for (i, item) in items.iter().enumerate() {
                let here = current == Some(i);
                let mark = match (here, self.colour) {
                    (true, true) => style("❯").cyan().bold().to_string(),
                    (true, false) => ">".to_string(),
                    (false, _) => " ".to_string(),
                };
                let boxed = match (multi, picked[i]) {
                    (false, _) => String::new(),
                    (true, true) => "[x] ".to_string(),
                    (true, false) => "[ ] ".to_string(),
                };
                let text = if here && self.colour {
                    style(item).cyan().to_string()
                } else {
                    item.clone()
                };
                lines.push(format!("{mark} {boxed}{text}"));
            }
            if let Some(m) = &message {
                lines.push(if self.colour {
                    format!("  {}", style(m).yellow())
                } else {
                    format!("  {m}")
                });
            }
            self.term.clear_last_lines(drawn)?;
            for l in &lines {
                self.term.write_line(l)?;
            }
            self.term.flush()?;
            drawn = self.height(&lines);
            message = None;

            let key = {
                let _raw = signal::RawRead::start();
                self.term.read_key()
            };
            let key = match key {
                Ok(k) => k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                    signal::seen_interrupt();
                    self.term.clear_last_lines(drawn)?;
                    return Err(PromptError::Interrupted);
                }
                Err(e) => return Err(e.into()),
            };
            let n = items.len();
            match key {
                Key::ArrowDown | Key::Tab | Key::Char('j') => {
                    current = Some(current.map_or(0, |c| (c + 1) % n));
                }
                Key::ArrowUp | Key::BackTab | Key::Char('k') => {
                    current = Some(current.map_or(n - 1, |c| (c + n - 1) % n));
                }
                Key::Char(d @ '1'..='9') => {
                    let i = d as usize - '1' as usize;
                    if i < n {
                        current = Some(i);
                    }
                }
                Key::Char(' ') if multi => match current {
                    Some(c) => picked[c] = !picked[c],
                    None => {
                        message =
                            Some("Use ↓ to move to one first, then Space picks it.".to_string())
                    }
                },
                Key::Char('p' | 'P') => {
                    self.term.clear_last_lines(drawn)?;
                    return Ok(Got::Plan);
                }
                Key::Char('b' | 'B') | Key::Backspace | Key::ArrowLeft => {
                    if ask.back {
                        self.term.clear_last_lines(drawn)?;
                        return Ok(Got::Back);
                    }
                    message = Some("There is no earlier question to go back to from here.".into());
                }
                Key::Enter => {
                    let chosen: Vec<usize> = if multi {
                        (0..n).filter(|&i| picked[i]).collect()
                    } else if let Some(c) = current {
                        vec![c]
                    } else {
                        message = Some(
                            "Nothing is chosen yet: use ↓ to move to an answer, then press Enter."
                                .to_string(),
                        );
                        continue;
                    };
                    self.term.clear_last_lines(drawn)?;
                    let shown: Vec<&str> = chosen.iter().map(|&i| items[i].as_str()).collect();
                    let shown = if shown.is_empty() {
                        "(none)".to_string()
                    } else {
                        shown.join(", ")
                    };
                    self.echo(ask.prompt, &shown)?;
                    return Ok(Got::Answer(chosen));
                }
                _ => {}
            }
        }
    }
}

/// Hides the cursor while a list is drawn and shows it again however the
/// list is left.
struct HiddenCursor<'a>(&'a Term);

impl<'a> HiddenCursor<'a> {
    fn new(term: &'a Term) -> Self {
        let _ = term.hide_cursor();
        HiddenCursor(term)
    }
}

impl Drop for HiddenCursor<'_> {
    fn drop(&mut self) {
        let _ = self.0.show_cursor();
    }
}

impl Prompter for TerminalPrompter {
    fn say(&mut self, text: &str) -> Result<(), PromptError> {
        self.term.write_line(text)?;
        Ok(())
    }

    fn hint(&mut self, text: &str) -> Result<(), PromptError> {
        let line = if self.colour {
            style(text).dim().to_string()
        } else {
            text.to_string()
        };
        self.term.write_line(&line)?;
        Ok(())
    }

    fn heading(&mut self, text: &str) -> Result<(), PromptError> {
        let line = if self.colour {
            style(text).bold().underlined().to_string()
        } else {
            text.to_string()
        };
        self.term.write_line(&line)?;
        Ok(())
    }

    fn input(&mut self, ask: &Ask, validate: Validator) -> Result<Got<String>, PromptError> {
        let theme = self.theme();
        let mut shown = String::new();
        theme
            .format_input_prompt(&mut shown, ask.prompt, None)
            .map_err(|e| PromptError::Io(std::io::Error::other(e)))?;
        // Rows above the prompt that belong to this question (error lines).
        let mut above = 0;
        let mut initial = ask.initial.to_string();
        loop {
            let typed = {
                let _raw = signal::RawRead::start();
                dialoguer::Input::<String>::with_theme(theme.as_ref())
                    .with_prompt(ask.prompt)
                    .allow_empty(true)
                    .report(false)
                    .with_initial_text(initial.clone())
                    .interact_text_on(&self.term)
            };
            let typed = match typed {
                Ok(t) => t,
                Err(dialoguer::Error::IO(e)) if e.kind() == std::io::ErrorKind::Interrupted => {
                    signal::seen_interrupt();
                    return Err(PromptError::Interrupted);
                }
                Err(dialoguer::Error::IO(e)) => return Err(e.into()),
            };
            // dialoguer has cleared the row the cursor is on; the rows the
            // wrapped prompt and answer took above it are ours to clear.
            let taken = rows(&format!("{shown}{typed}"), self.columns());
            self.term.clear_last_lines(taken - 1 + above)?;
            if let Some(cmd) = command(&typed) {
                return Ok(cmd);
            }
            match validate(&typed) {
                Ok(()) => {
                    if !typed.trim().is_empty() {
                        self.echo(ask.prompt, typed.trim())?;
                    } else {
                        self.echo(ask.prompt, "(skipped)")?;
                    }
                    return Ok(Got::Answer(typed));
                }
                Err(message) => {
                    let line = self.error(&message)?;
                    above = rows(&line, self.columns());
                    initial = String::new();
                }
            }
        }
    }

    fn select(
        &mut self,
        ask: &Ask,
        items: &[String],
        initial: Option<usize>,
    ) -> Result<Got<usize>, PromptError> {
        Ok(match self.list(ask, items, false, initial, &[])? {
            Got::Answer(v) => Got::Answer(v[0]),
            Got::Plan => Got::Plan,
            Got::Back => Got::Back,
            Got::Edit => Got::Edit,
        })
    }

    fn multi_select(
        &mut self,
        ask: &Ask,
        items: &[String],
        initial: &[usize],
    ) -> Result<Got<Vec<usize>>, PromptError> {
        self.list(ask, items, true, None, initial)
    }

    fn edit(&mut self, prompt: &str, initial: &str) -> Result<Option<String>, PromptError> {
        let text = run_editor(&self.editor, &self.editing_dir, initial)?;
        if let Some(t) = &text {
            let lines = t.lines().count();
            let plural = if lines == 1 { "" } else { "s" };
            self.echo(
                prompt,
                &format!(
                    "{} ({lines} line{plural}, written in your editor)",
                    first_words(t, 40)
                ),
            )?;
        }
        Ok(text)
    }

    fn confirm(&mut self, question: &str) -> Result<bool, PromptError> {
        let ask = Ask {
            prompt: question,
            initial: "",
            back: false,
        };
        let items = ["yes".to_string(), "no".to_string()];
        loop {
            match self.select(&ask, &items, None)? {
                Got::Answer(i) => return Ok(i == 0),
                _ => self.say("Your crisis plan: mentalog plan")?,
            }
        }
    }
}
