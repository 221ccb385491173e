//! A prompter that answers from a script and keeps a transcript, for
//! running the walk and the commands in-process in tests. It is a handle:
//! a clone shares the script and the transcript, so a test can keep one
//! while the context owns the other.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use super::{Ask, Got, PromptError, Prompter, Validator, command};

/// One scripted reply, in the order things are asked.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Typed text (`/plan`, `/back` and `/edit` count as typed); a reply
    /// that the validator refuses is recorded and the next one is tried,
    /// as a person would type again.
    Text(String),
    Select(usize),
    Multi(Vec<usize>),
    /// The plan key at a list.
    Plan,
    /// The back key at a list.
    Back,
    Confirm(bool),
    /// What the editor gives back.
    Edited(Option<String>),
    EditorFails(String),
    /// Ctrl-C while the editor was open, with what it held.
    EditorInterrupted(Option<String>),
    /// Ctrl-C at this question.
    Interrupt,
}

#[derive(Debug, Default)]
struct Inner {
    replies: VecDeque<Reply>,
    transcript: Vec<String>,
    refusals: Vec<String>,
    /// The `initial` of every question, in order.
    initials: Vec<(String, String)>,
}

#[derive(Debug, Default, Clone)]
pub struct Scripted(Rc<RefCell<Inner>>);

impl Scripted {
    pub fn new(replies: impl IntoIterator<Item = Reply>) -> Self {
        Scripted(Rc::new(RefCell::new(Inner {
            replies: replies.into_iter().collect(),
            ..Default::default()
        })))
    }

    /// Adds replies at the end of the script.
    pub fn push(&self, replies: impl IntoIterator<Item = Reply>) {
        self.0.borrow_mut().replies.extend(replies);
    }

    /// Replies not used yet.
    pub fn remaining(&self) -> usize {
        self.0.borrow().replies.len()
    }

    /// Every prompt asked and line said, in order.
    pub fn transcript(&self) -> Vec<String> {
        self.0.borrow().transcript.clone()
    }

    /// The transcript as one text, for `contains` checks.
    pub fn text(&self) -> String {
        self.0.borrow().transcript.join("\n")
    }

    /// Every message a validator gave.
    pub fn refusals(&self) -> Vec<String> {
        self.0.borrow().refusals.clone()
    }

    /// (prompt, filled-in text) of every question that had an earlier answer.
    pub fn initials(&self) -> Vec<(String, String)> {
        self.0.borrow().initials.clone()
    }

    fn next(&mut self, prompt: &str) -> Result<Reply, PromptError> {
        let mut inner = self.0.borrow_mut();
        inner.transcript.push(prompt.to_string());
        match inner.replies.pop_front() {
            Some(Reply::Interrupt) => Err(PromptError::Interrupted),
            Some(reply) => Ok(reply),
            None => panic!("the script ran out of replies at {prompt:?}"),
        }
    }

    fn note_initial(&self, ask: &Ask, initial: String) {
        if !initial.is_empty() {
            self.0
                .borrow_mut()
                .initials
                .push((ask.prompt.to_string(), initial));
        }
    }

    fn list<T>(
        &mut self,
        ask: &Ask,
        items: &[String],
        pick: impl Fn(Reply) -> Option<T>,
    ) -> Result<Got<T>, PromptError> {
        match self.next(ask.prompt)? {
            Reply::Plan => Ok(Got::Plan),
            Reply::Back => Ok(Got::Back),
            reply => match pick(reply.clone()) {
                Some(v) => Ok(Got::Answer(v)),
                None => panic!(
                    "{:?} offers {items:?}, the script gave {reply:?}",
                    ask.prompt
                ),
            },
        }
    }
}

impl Prompter for Scripted {
    fn say(&mut self, text: &str) -> Result<(), PromptError> {
        self.0.borrow_mut().transcript.push(text.to_string());
        Ok(())
    }

    fn input(&mut self, ask: &Ask, validate: Validator) -> Result<Got<String>, PromptError> {
        self.note_initial(ask, ask.initial.to_string());
        loop {
            match self.next(ask.prompt)? {
                Reply::Text(t) => {
                    if let Some(cmd) = command(&t) {
                        return Ok(cmd);
                    }
                    match validate(&t) {
                        Ok(()) => return Ok(Got::Answer(t)),
                        Err(msg) => self.0.borrow_mut().refusals.push(msg),
                    }
                }
                other => panic!("{:?} wants text, the script gave {other:?}", ask.prompt),
            }
        }
    }

    fn select(
        &mut self,
        ask: &Ask,
        items: &[String],
        initial: Option<usize>,
    ) -> Result<Got<usize>, PromptError> {
        self.note_initial(ask, initial.map(|i| items[i].clone()).unwrap_or_default());
        let n = items.len();
        self.list(ask, items, |r| match r {
            Reply::Select(i) if i < n => Some(i),
            _ => None,
        })
    }

    fn multi_select(
        &mut self,
        ask: &Ask,
        items: &[String],
        picked: &mut Vec<usize>,
    ) -> Result<Got<Vec<usize>>, PromptError> {
        let shown: Vec<&str> = picked.iter().map(|&i| items[i].as_str()).collect();
        self.note_initial(ask, shown.join(", "));
        let n = items.len();
        let got = self.list(ask, items, |r| match r {
            Reply::Multi(v) if v.iter().all(|i| *i < n) => Some(v),
            _ => None,
        })?;
        if let Got::Answer(v) = &got {
            picked.clone_from(v);
        }
        Ok(got)
    }

    fn edit(&mut self, _prompt: &str, _initial: &str) -> Result<Option<String>, PromptError> {
        match self.next("(editor)")? {
            Reply::Edited(t) => Ok(t),
            Reply::EditorFails(msg) => Err(PromptError::Editor(msg)),
            Reply::EditorInterrupted(t) => Err(PromptError::EditorInterrupted(t)),
            other => panic!("the editor was opened, the script gave {other:?}"),
        }
    }

    fn confirm(&mut self, question: &str) -> Result<bool, PromptError> {
        match self.next(question)? {
            Reply::Confirm(b) => Ok(b),
            other => panic!("{question:?} asks yes or no, the script gave {other:?}"),
        }
    }

    fn password(&mut self, prompt: &str) -> Result<String, PromptError> {
        match self.next(prompt)? {
            Reply::Text(t) => Ok(t),
            other => panic!("{prompt:?} asks a passphrase, the script gave {other:?}"),
        }
    }
}
