use std::io::Write;

use anyhow::{Context as _, Result};

use crate::cli::PlanArgs;
use crate::context::Context;
use crate::error::Error;
use crate::flow::{EMERGENCY_LINE, NO_CONTACT_LINE};
use crate::prompt;
use crate::store::Store;

/// The plan written on first use: the Stanley–Brown headings, no phone numbers.
pub const TEMPLATE: &str = include_str!("../../prompts/plan-template.md");

/// The person's plan, writing the template first if there is none. If it
/// cannot be written, the template is still returned: the plan must always show.
pub(super) fn ensure_plan(store: &Store) -> String {
    match store.read_plan() {
        Ok(Some(plan)) => plan,
        Ok(None) => {
            if let Err(e) = store.write_plan(TEMPLATE) {
                eprintln!("mentalog: warning: {e:#}");
            }
            TEMPLATE.to_string()
        }
        Err(e) => {
            eprintln!("mentalog: warning: {e:#}");
            TEMPLATE.to_string()
        }
    }
}

/// Says on stderr what in the config file could not be read.
pub(super) fn warn_config(ctx: &Context) {
    for problem in &ctx.config.problems {
        eprintln!("mentalog: warning: {problem}");
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

pub fn run(ctx: &Context, args: &PlanArgs) -> Result<()> {
    let store = Store::new(&ctx.paths.data);
    let plan = ensure_plan(&store);
    if args.edit {
        return edit(ctx, &store, &plan);
    }
    let contacts = contact_lines(ctx);
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", plan.trim_end())?;
    writeln!(out)?;
    if contacts.is_empty() {
        writeln!(
            out,
            "No crisis contacts are set up yet. You and your therapist can add them to {}",
            ctx.paths.config.display()
        )?;
    } else {
        writeln!(out, "People and services you can contact:")?;
        for line in contacts {
            writeln!(out, "  {line}")?;
        }
    }
    writeln!(out)?;
    writeln!(out, "{EMERGENCY_LINE}")?;
    writeln!(out, "{NO_CONTACT_LINE}")?;
    out.flush()?;
    Ok(())
}

fn edit(ctx: &Context, store: &Store, plan: &str) -> Result<()> {
    if !ctx.interactive {
        return Err(Error::Usage(format!(
            "editing the plan needs a terminal; edit {} with any editor instead",
            store.plan_path().display()
        ))
        .into());
    }
    match prompt::run_editor(&prompt::editor_command(), &store.editing_dir(), plan) {
        Ok(Some(text)) => {
            store.write_plan(&format!("{text}\n"))?;
            eprintln!(
                "Your crisis plan is saved in {}",
                store.plan_path().display()
            );
        }
        Ok(None) => eprintln!("The plan was left empty in the editor, so the old one was kept."),
        Err(e) => {
            return Err(e).context("your crisis plan was not changed");
        }
    }
    Ok(())
}
