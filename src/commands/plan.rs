use std::io::Write;

use anyhow::{Context as _, Result};

use crate::cli::PlanArgs;
use crate::context::Context;
use crate::error::Error;
use crate::prompt::PromptError;
use crate::render::plan::{self, CrisisPlan};
use crate::store::Store;
use crate::text::Shown;

/// The plan written on first use: the Stanley–Brown headings, no phone numbers.
pub const TEMPLATE: &str = include_str!("../../prompts/plan-template.md");

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
        Err(e) => {
            eprintln!("mentalog: warning: {}", Shown(&format!("{e:#}")));
            None
        }
    }
}

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
    ctx.store.create_editing_dir()?;
    match ctx.prompter.edit("Your crisis plan", plan) {
        Ok(Some(text)) => {
            // The plan is read, edited for as long as it takes, and written
            // back: if it changed meanwhile (another terminal), neither
            // version is lost.
            let _lock = ctx.store.lock()?;
            let now = ctx
                .store
                .read_plan()?
                .unwrap_or_else(|| TEMPLATE.to_string());
            if now != plan {
                let stamp = (ctx.clock)().format("%Y-%m-%dT%H-%M-%S");
                let path = ctx.store.editing_dir().join(format!("plan-{stamp}.md"));
                crate::store::write_new(&path, format!("{text}\n").as_bytes())?;
                anyhow::bail!(
                    "your crisis plan was changed elsewhere while you edited it, so it was not replaced; what you wrote is kept in {}",
                    path.display()
                );
            }
            ctx.store.write_plan(&format!("{text}\n"))?;
            eprintln!(
                "Your crisis plan is saved in {}",
                ctx.store.plan_path().display()
            );
        }
        Ok(None) => eprintln!("The plan was left empty in the editor, so the old one was kept."),
        Err(PromptError::EditorInterrupted(text)) => {
            // Stopping is not saving: the plan stays, the new words are kept aside.
            let kept = match text {
                Some(t) if t.trim() != plan.trim() => {
                    let stamp = (ctx.clock)().format("%Y-%m-%dT%H-%M-%S");
                    let path = ctx.store.editing_dir().join(format!("plan-{stamp}.md"));
                    crate::store::write_new(&path, format!("{t}\n").as_bytes())?;
                    format!(
                        "your crisis plan was not changed; what the editor held is kept in {}",
                        path.display()
                    )
                }
                _ => "your crisis plan was not changed".to_string(),
            };
            return Err(Error::Cancelled(format!("Stopped; {kept}.")).into());
        }
        Err(e) => {
            return Err(e).context("your crisis plan was not changed");
        }
    }
    Ok(())
}
