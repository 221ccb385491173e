//! Writing the crisis plan in the person's editor, shared by `plan --edit`
//! and `setup`. A plan changed elsewhere while the editor was open is never
//! replaced, and words written in the editor are never lost: they are kept
//! aside in the private editing folder. Says nothing itself; the caller
//! tells the person what happened.

use anyhow::{Context as _, Result};
use chrono::{DateTime, FixedOffset};

use crate::error::Error;
use crate::prompt::{PromptError, Prompter};
use crate::store::{self, Store};

/// The plan written on first use: the Stanley–Brown headings, no phone numbers.
pub const TEMPLATE: &str = include_str!("../prompts/plan-template.md");

/// What came of an edit that did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edited {
    /// The new plan was saved.
    Saved,
    /// The editor was left empty: the plan stays as it was.
    LeftEmpty,
}

/// Opens the editor on `before` (the plan as it is, or [`TEMPLATE`]) and
/// saves what comes back, unless the plan on disk is no longer `before`.
/// Ctrl-C in the editor is [`Error::Cancelled`], with its words kept aside.
pub fn edit(
    store: &Store,
    prompter: &mut dyn Prompter,
    clock: &dyn Fn() -> DateTime<FixedOffset>,
    before: &str,
) -> Result<Edited> {
    store.create_editing_dir()?;
    let keep_aside = |text: &str| -> Result<std::path::PathBuf> {
        let stamp = clock().format("%Y-%m-%dT%H-%M-%S");
        let path = store.editing_dir().join(format!("plan-{stamp}.md"));
        // Sealed, as the plan itself is, when the plan is locked.
        let text = format!("{text}\n");
        let (_sealing, bytes) = store.sealed_plan(text.as_bytes())?;
        store::write_new(&path, &bytes)?;
        Ok(path)
    };
    match prompter.edit("Your crisis plan", before) {
        Ok(Some(text)) => {
            // The plan is read, edited for as long as it takes, and written
            // back: if it changed meanwhile (another terminal), neither
            // version is lost.
            let _lock = store.lock()?;
            let now = store.read_plan()?.unwrap_or_else(|| TEMPLATE.to_string());
            if now != before {
                let path = keep_aside(&text)?;
                anyhow::bail!(
                    "your crisis plan was changed elsewhere while you edited it, so it was not replaced; what you wrote is kept in {}",
                    path.display()
                );
            }
            store.write_plan(&format!("{text}\n"))?;
            Ok(Edited::Saved)
        }
        Ok(None) => Ok(Edited::LeftEmpty),
        Err(PromptError::EditorInterrupted(text)) => {
            // Stopping is not saving: the plan stays, the new words are kept aside.
            let kept = match text {
                Some(t) if t.trim() != before.trim() => format!(
                    "your crisis plan was not changed; what the editor held is kept in {}",
                    keep_aside(&t)?.display()
                ),
                _ => "your crisis plan was not changed".to_string(),
            };
            Err(Error::Cancelled(format!("Stopped; {kept}.")).into())
        }
        Err(e) => Err(e).context("your crisis plan was not changed"),
    }
}
