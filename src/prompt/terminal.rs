//! The terminal prompter: dialoguer for text and ratings, a small list
//! widget of our own on `console` for lists and checklists (dialoguer's drop
//! every key but their own, so the crisis plan and going back could not be
//! reached there). Every question is cleared by the screen rows it took,
//! counted by display width, and replaced by one line saying what was taken.
//! Every string printed passes [`crate::text`] first: pack, config and
//! answer text reach the terminal only through it, our styling after.

use std::path::PathBuf;

use console::{Key, Term, style};
use dialoguer::theme::Theme;

use super::width::{rows, wrap};
use super::{Ask, Got, PromptError, Prompter, Validator, command, run_editor};
use crate::entry::first_words;
use crate::signal;
use crate::text::{Shown, clean, one_line};

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

    /// Writes `text`, sanitised and word-wrapped to the terminal's width,
    /// each line styled by `paint`; returns the rows written. Every line of
    /// text but a list's goes out through here.
    fn print(
        &self,
        text: &str,
        indent: usize,
        paint: impl Fn(&str) -> String,
    ) -> Result<usize, PromptError> {
        let mut n = 0;
        let cols = self.columns();
        for line in clean(text).split('\n') {
            for part in wrap(line, cols, indent) {
                self.term.write_line(&paint(&part))?;
                n += rows(&part, cols);
            }
        }
        Ok(n)
    }

    /// The question, "? " and its words, wrapped with a hanging indent.
    fn question(&self, prompt: &str) -> Result<usize, PromptError> {
        let colour = self.colour;
        self.print(&format!("? {prompt}"), 2, |l| {
            if !colour {
                l.to_string()
            } else if let Some(rest) = l.strip_prefix("? ") {
                format!("{} {}", style("?").yellow(), style(rest).bold())
            } else {
                style(l).bold().to_string()
            }
        })
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
        let colour = self.colour;
        self.print(&format!("✔ {prompt} · {answer}"), 2, |l| {
            match l.strip_prefix("✔") {
                Some(rest) if colour => format!("{}{rest}", style("✔").green()),
                _ => l.to_string(),
            }
        })?;
        Ok(())
    }

    /// A message under a question; returns the rows it took.
    fn error(&self, message: &str) -> Result<usize, PromptError> {
        let colour = self.colour;
        self.print(&format!("✘ {message}"), 2, |l| {
            if colour {
                style(l).red().to_string()
            } else {
                l.to_string()
            }
        })
    }

    /// A list or checklist of our own; `multi` for a checklist.
    fn list(
        &mut self,
        ask: &Ask,
        items: &[String],
        multi: bool,
        initial: Option<usize>,
        checked: &mut Vec<usize>,
    ) -> Result<Got<Vec<usize>>, PromptError> {
        let mut current = initial;
        let mut picked: Vec<bool> = (0..items.len()).map(|i| checked.contains(&i)).collect();
        // Whatever happens, the picks so far go back to the caller.
        let sync = |picked: &[bool], checked: &mut Vec<usize>| {
            *checked = (0..picked.len()).filter(|&i| picked[i]).collect();
        };
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
        let prompt = clean(ask.prompt);
        let mut drawn = 0;
        let mut top = 0;
        let _cursor = HiddenCursor::new(&self.term);
        loop {
            let cols = self.columns();
            let colour = self.colour;
            let mut lines: Vec<String> = Vec::with_capacity(items.len() + 4);
            for l in wrap(&format!("? {prompt}"), cols, 2) {
                lines.push(match l.strip_prefix("? ") {
                    Some(rest) if colour => {
                        format!("{} {}", style("?").yellow(), style(rest).bold())
                    }
                    _ if colour => style(&l).bold().to_string(),
                    _ => l,
                });
            }
            let hint_text = if colour {
                hint.clone()
            } else {
                format!("({hint})")
            };
            for l in wrap(&format!("  {hint_text}"), cols, 0) {
                lines.push(if colour {
                    style(l).dim().to_string()
                } else {
                    l
                });
            }
            let mut blocks: Vec<Vec<String>> = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let here = current == Some(i);
                let mark = match (here, colour) {
                    (true, true) => "❯",
                    (true, false) => ">",
                    (false, _) => " ",
                };
                let boxed = match (multi, picked[i]) {
                    (false, _) => "",
                    (true, true) => "[x] ",
                    (true, false) => "[ ] ",
                };
                let indent = 2 + boxed.len();
                let block = wrap(&format!("{mark} {boxed}{item}"), cols, indent)
                    .into_iter()
                    .enumerate()
                    .map(|(k, l)| match (here && colour, k) {
                        (true, 0) => format!(
                            "{}{}",
                            style("❯").cyan().bold(),
                            style(&l["❯".len()..]).cyan()
                        ),
                        (true, _) => style(l).cyan().to_string(),
                        (false, _) => l,
                    })
                    .collect();
                blocks.push(block);
            }
            // A list taller than the screen shows a window around the
            // current item, so nothing scrolls away and is drawn twice.
            let room = usize::from(self.term.size().0)
                .saturating_sub(lines.len() + 3 + usize::from(message.is_some()))
                .max(3);
            let (first, last) = window(&blocks, current.unwrap_or(0), &mut top, room);
            if first > 0 {
                lines.push(dim(colour, "  ↑ more above"));
            }
            for block in &blocks[first..last] {
                lines.extend(block.iter().cloned());
            }
            if last < blocks.len() {
                lines.push(dim(colour, "  ↓ more below"));
            }
            if let Some(m) = &message {
                for l in wrap(&format!("  {m}"), cols, 0) {
                    lines.push(if colour {
                        style(l).yellow().to_string()
                    } else {
                        l
                    });
                }
            }
            self.term.clear_last_lines(drawn)?;
            for l in &lines {
                self.term.write_line(l)?;
            }
            self.term.flush()?;
            drawn = self.height(&lines);
            message = None;

            let raw = signal::RawRead::start();
            let key = match self.term.read_key() {
                Ok(k) => k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                    // Seen before the raw mark ends, so the handler waits for it.
                    signal::seen_interrupt();
                    drop(raw);
                    self.term.clear_last_lines(drawn)?;
                    return Err(PromptError::Interrupted);
                }
                Err(e) => return Err(e.into()),
            };
            drop(raw);
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
                    Some(c) => {
                        picked[c] = !picked[c];
                        sync(&picked, checked);
                    }
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
                    self.echo(&prompt, &shown)?;
                    return Ok(Got::Answer(chosen));
                }
                _ => {}
            }
        }
    }
}

fn dim(colour: bool, text: &str) -> String {
    if colour {
        style(text).dim().to_string()
    } else {
        text.to_string()
    }
}

/// The items `[first, last)` to draw: all when they fit in `room` rows,
/// else a window that holds `current`, moved as little as possible from
/// the one that started at `top`.
fn window(blocks: &[Vec<String>], current: usize, top: &mut usize, room: usize) -> (usize, usize) {
    let total: usize = blocks.iter().map(Vec::len).sum();
    if total <= room + 2 {
        return (0, blocks.len());
    }
    let current = current.min(blocks.len().saturating_sub(1));
    *top = (*top).min(current);
    let fits = |first: usize| {
        let mut used = 0;
        let mut last = first;
        while last < blocks.len() && used + blocks[last].len() <= room {
            used += blocks[last].len();
            last += 1;
        }
        last.max(first + 1)
    };
    while fits(*top) <= current {
        *top += 1;
    }
    (*top, fits(*top))
}

/// Rows made free below a question for its answer before it is asked.
const ANSWER_ROOM: usize = 8;
/// Save and restore the cursor (DEC), and clear from the cursor to the end
/// of the screen.
const SAVE_CURSOR: &str = "\u{1b}7";
const RESTORE_CURSOR: &str = "\u{1b}8";
const CLEAR_BELOW: &str = "\u{1b}[J";

/// What dialoguer draws before the answer.
const ANSWER_MARK: &str = "› ";

/// dialoguer's look for the answer line only: the question is printed above it.
struct AnswerLine {
    colour: bool,
}

impl Theme for AnswerLine {
    fn format_input_prompt(
        &self,
        f: &mut dyn std::fmt::Write,
        _prompt: &str,
        _default: Option<&str>,
    ) -> std::fmt::Result {
        if self.colour {
            write!(f, "{} ", style("›").cyan())
        } else {
            write!(f, "{ANSWER_MARK}")
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
        self.print(text, 0, str::to_string)?;
        Ok(())
    }

    fn hint(&mut self, text: &str) -> Result<(), PromptError> {
        let colour = self.colour;
        self.print(text, 0, |l| {
            if colour {
                style(l).dim().to_string()
            } else {
                l.to_string()
            }
        })?;
        Ok(())
    }

    fn heading(&mut self, text: &str) -> Result<(), PromptError> {
        let colour = self.colour;
        self.print(text, 0, |l| {
            if colour {
                style(l).bold().underlined().to_string()
            } else {
                l.to_string()
            }
        })?;
        Ok(())
    }

    fn password(&mut self, prompt: &str) -> Result<String, PromptError> {
        read_password(&self.term, prompt)
    }

    fn input(&mut self, ask: &Ask, validate: Validator) -> Result<Got<String>, PromptError> {
        // The question is ours to print, word-wrapped; dialoguer reads the
        // answer on the line below it, after a "› ". Room for the answer is
        // made below first and the cursor saved at the question, so that
        // however the answer wraps, and wherever the cursor is in it when
        // Enter is pressed, the question is cleared from where it began.
        let theme = AnswerLine {
            colour: self.colour,
        };
        let prompt = clean(ask.prompt);
        let mut initial = clean(ask.initial);
        let mut error: Option<String> = None;
        loop {
            let screen = usize::from(self.term.size().0);
            let cols = self.columns();
            let height =
                |text: &str| -> usize { wrap(text, cols, 2).iter().map(|l| rows(l, cols)).sum() };
            let question = height(&format!("? {prompt}"))
                + error
                    .as_deref()
                    .map_or(0, |e| height(&format!("✘ {}", Shown(e))));
            let room = ANSWER_ROOM.min(screen.saturating_sub(question + 2));
            self.term.write_str(&"\n".repeat(question + room))?;
            self.term.move_cursor_up(question + room)?;
            self.term.write_str(SAVE_CURSOR)?;
            let mut above = self.question(&prompt)?;
            if let Some(e) = &error {
                above += self.error(e)?;
            }
            let raw = signal::RawRead::start();
            let typed = dialoguer::Input::<String>::with_theme(&theme)
                .allow_empty(true)
                .report(false)
                .with_initial_text(initial.clone())
                .interact_text_on(&self.term);
            let typed = match typed {
                Ok(t) => t,
                Err(dialoguer::Error::IO(e)) if e.kind() == std::io::ErrorKind::Interrupted => {
                    // Seen before the raw mark ends, so the handler waits for it.
                    signal::seen_interrupt();
                    return Err(PromptError::Interrupted);
                }
                Err(dialoguer::Error::IO(e)) => return Err(e.into()),
            };
            drop(raw);
            let taken = rows(&format!("{ANSWER_MARK}{typed}"), self.columns());
            if taken <= room + 1 {
                // Nothing scrolled: back to the question's first row, and clear below.
                self.term.write_str(RESTORE_CURSOR)?;
                self.term.write_str(CLEAR_BELOW)?;
            } else {
                // The answer outgrew the room and the screen scrolled: count
                // the rows up from the answer's end, where the cursor is
                // unless it was moved back into the answer.
                self.term.clear_last_lines(taken - 1 + above)?;
            }
            if let Some(cmd) = command(&typed) {
                return Ok(cmd);
            }
            match validate(&typed) {
                Ok(()) => {
                    let shown = if typed.trim().is_empty() {
                        ask.blank
                    } else {
                        typed.trim()
                    };
                    self.echo(&prompt, shown)?;
                    return Ok(Got::Answer(typed));
                }
                Err(message) => {
                    error = Some(message);
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
        Ok(
            match self.list(ask, items, false, initial, &mut Vec::new())? {
                Got::Answer(v) => Got::Answer(v[0]),
                Got::Plan => Got::Plan,
                Got::Back => Got::Back,
                Got::Edit => Got::Edit,
            },
        )
    }

    fn multi_select(
        &mut self,
        ask: &Ask,
        items: &[String],
        picked: &mut Vec<usize>,
    ) -> Result<Got<Vec<usize>>, PromptError> {
        self.list(ask, items, true, None, picked)
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
        let ask = Ask::new(question);
        let items = ["yes".to_string(), "no".to_string()];
        loop {
            match self.select(&ask, &items, None)? {
                Got::Answer(i) => return Ok(i == 0),
                _ => self.say("Your crisis plan: mentalog plan")?,
            }
        }
    }
}

/// A passphrase typed at `term`, shown as nothing; Ctrl-C is [`PromptError::Interrupted`].
pub(super) fn read_password(term: &Term, prompt: &str) -> Result<String, PromptError> {
    let raw = signal::RawRead::start();
    let typed = dialoguer::Password::new()
        .with_prompt(clean(prompt))
        .allow_empty_password(true)
        .report(false)
        .interact_on(term);
    match typed {
        Ok(t) => {
            drop(raw);
            Ok(t)
        }
        Err(dialoguer::Error::IO(e)) if e.kind() == std::io::ErrorKind::Interrupted => {
            signal::seen_interrupt();
            Err(PromptError::Interrupted)
        }
        Err(dialoguer::Error::IO(e)) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::window;

    #[test]
    fn a_long_list_shows_a_window_that_follows_the_current_item() {
        let blocks: Vec<Vec<String>> = (0..16).map(|i| vec![i.to_string()]).collect();
        let mut top = 0;
        assert_eq!(window(&blocks, 0, &mut top, 20), (0, 16));
        assert_eq!(window(&blocks, 0, &mut top, 5), (0, 5));
        assert_eq!(window(&blocks, 7, &mut top, 5), (3, 8));
        assert_eq!(
            window(&blocks, 4, &mut top, 5),
            (3, 8),
            "stays while in view"
        );
        assert_eq!(window(&blocks, 1, &mut top, 5), (1, 6));
        assert_eq!(window(&blocks, 15, &mut top, 5), (11, 16));
    }
}
