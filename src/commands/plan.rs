use std::io::Write;

use anyhow::Result;

use crate::cli::PlanArgs;
use crate::context::Context;
use crate::error::Error;
use crate::plan_edit::{self, Edited};
use crate::render::plan::{self, CrisisPlan};
use crate::store::Store;
use crate::text::Shown;

pub use crate::plan_edit::TEMPLATE;

/// The plan file's text, writing the template first if there is none (so
/// there is something to fill in). `None` from a plan that could not be
/// read is said on stderr: the rest of the plan lines must still show.
pub(super) fn read_plan(store: &Store) -> Option<String> {
    match store.read_plan() {
        Ok(Some(plan)) => Some(plan),
        Ok(None) => {
            if let Err(e) = store.write_plan(TEMPLATE) {
                eprintln!("mentalog: warning: {}", Shown(&format!("{e:#}")));
            }
            None
        }
        // Locked with the passphrase, as the person chose: said in the plan
        // itself, with the contacts (always readable) below it.
        Err(e) if format!("{e:#}").contains(crate::crypt::LOCKED) => Some(LOCKED_PLAN.to_string()),
        Err(e) => {
            eprintln!("mentalog: warning: {}", Shown(&format!("{e:#}")));
            None
        }
    }
}

/// What stands for a plan kept locked with the passphrase, when it is not given.
pub(super) const LOCKED_PLAN: &str = "Your written plan is locked with your passphrase. To read it: mentalog plan (it asks for the passphrase).";

/// Says on stderr what in the config file could not be read (a problem
/// may quote the file's own text, so it is shown sanitised).
pub(super) fn warn_config(ctx: &Context) {
    for problem in &ctx.config.problems {
        eprintln!("mentalog: warning: {}", Shown(problem));
    }
}

/// The contacts as lines, followed by a line for each problem in the config,
/// so that a typo can never make the contacts silently disappear.
pub(super) fn contact_lines(ctx: &Context) -> Vec<String> {
    let mut lines = ctx.config.contact_lines();
    for problem in &ctx.config.problems {
        lines.push(format!("(Some contacts may be missing: {problem})"));
    }
    lines
}

pub fn run(ctx: &mut Context, args: &PlanArgs) -> Result<()> {
    let text = read_plan(&ctx.store);
    if args.edit {
        let current = text.clone().unwrap_or_else(|| TEMPLATE.to_string());
        return edit(ctx, &current);
    }
    let contacts = contact_lines(ctx);
    let shown = CrisisPlan {
        text: plan::written(text.as_deref(), TEMPLATE),
        contacts: &contacts,
    };
    let mut out = std::io::stdout().lock();
    for line in shown.lines() {
        writeln!(out, "{line}")?;
    }
    // Outside a crisis, say where each part can be filled in.
    if shown.text.is_none() || contacts.is_empty() {
        writeln!(out)?;
    }
    if shown.text.is_none() {
        writeln!(
            out,
            "When you're ready, you and your therapist can write your plan together: mentalog plan --edit"
        )?;
    }
    if contacts.is_empty() {
        writeln!(
            out,
            "Contacts can be added to your config file: {}",
            Shown(&ctx.paths.config.display().to_string())
        )?;
    }
    out.flush()?;
    Ok(())
}

fn edit(ctx: &mut Context, plan: &str) -> Result<()> {
    if !ctx.interactive {
        return Err(Error::Usage(format!(
            "editing the plan needs a terminal; edit {} with any editor instead",
            ctx.store.plan_path().display()
        ))
        .into());
    }
    match plan_edit::edit(&ctx.store, ctx.prompter.as_mut(), &*ctx.clock, plan)? {
        Edited::Saved => ctx.note(&format!(
            "Your crisis plan is saved in {}",
            ctx.store.plan_path().display()
        )),
        Edited::LeftEmpty => {
            eprintln!("The plan was left empty in the editor, so the old one was kept.");
        }
    }
    Ok(())
}
