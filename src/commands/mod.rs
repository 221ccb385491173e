//! One file per subcommand: each ties the context, the store, the domain and
//! the renderers together and formats nothing itself.

mod backup;
mod batch;
mod check;
mod completions;
mod dates;
mod delete;
mod due;
mod export;
mod forget;
mod import;
mod list;
mod new;
mod pack;
mod paths;
mod plan;
mod reflect;
mod restore;
mod schema;
mod session;
mod setup;
mod share;
mod show;

use anyhow::Result;

use crate::cli::Command;
use crate::context::Context;
use crate::error::Error;
use crate::store::Damaged;

/// Runs a command that needs no journal, config or clock (completions, the
/// man page, a schema), or returns `None` for the others.
pub fn without_context(command: &Command) -> Option<Result<()>> {
    Some(match command {
        Command::Schema(args) => schema::run(args.which),
        Command::Completions(args) => completions::completions(args.shell),
        Command::Man(args) => completions::man(&args.command),
        _ => return None,
    })
}

/// Whether `command` reads what an encrypted journal keeps sealed, so
/// that the key is unlocked (asked once) before it starts. Writing never
/// needs it: `new`, `session add`, `import`, `backup` and the rest work on
/// a locked journal.
fn reads_sealed(ctx: &Context, command: &Command) -> bool {
    use crate::cli::SessionCommand;
    match command {
        Command::List(_)
        | Command::Show(_)
        | Command::Check(_)
        | Command::Reflect(_)
        | Command::Delete(_)
        | Command::Share(_)
        | Command::Unshare(_)
        | Command::Session(SessionCommand::List { .. }) => true,
        // A merge reads this journal's entries to add only those it lacks.
        Command::Restore(args) => args.merge,
        // A batch unlocks each journal itself, with the one passphrase file.
        Command::Export(args) => !args.batch,
        Command::Plan(_) | Command::Setup(_) => !ctx.store.plan_readable(),
        _ => false,
    }
}

pub fn dispatch(ctx: &mut Context, command: &Command) -> Result<()> {
    if reads_sealed(ctx, command) {
        ctx.unlock()?;
    }
    match command {
        Command::New(args) => new::run(ctx, args),
        Command::List(args) => list::run(ctx, args),
        Command::Show(args) => show::run(ctx, args),
        Command::Plan(args) => plan::run(ctx, args),
        Command::Paths => paths::run(ctx),
        Command::Export(args) => export::run(ctx, args),
        Command::Check(args) => check::run(ctx, args),
        Command::Reflect(args) => reflect::run(ctx, args),
        Command::Delete(args) => delete::run(ctx, args),
        Command::Backup(args) => backup::run(ctx, args),
        Command::Restore(args) => restore::run(ctx, args),
        Command::Forget(args) => forget::run(ctx, args),
        Command::Encrypt(args) => crate::encryption::encrypt(ctx, args),
        Command::Decrypt => crate::encryption::decrypt(ctx),
        Command::Passphrase(args) => crate::encryption::passphrase(ctx, args),
        Command::Import(command) => import::run(ctx, command),
        Command::Session(command) => session::run(ctx, command),
        Command::Share(arg) => share::run(ctx, &arg.id, true),
        Command::Unshare(arg) => share::run(ctx, &arg.id, false),
        Command::Schema(args) => schema::run(args.which),
        Command::Pack(command) => pack::run(ctx, command),
        Command::Setup(args) => setup::run(ctx, args),
        Command::Due(args) => due::run(ctx, args),
        Command::Completions(args) => completions::completions(args.shell),
        Command::Man(args) => completions::man(&args.command),
    }
}

/// Names each damaged file on stderr. The caller goes on with the rest and
/// then fails with [`Error::Skipped`] through [`skipped`]. A file's name
/// and the reason (which may quote a key from it) are shown sanitised.
fn report_damaged(damaged: &[Damaged]) {
    use crate::text::OneLine;
    for d in damaged {
        eprintln!(
            "mentalog: cannot read {}: {} (skipped and left as it is; restore it from a backup, or move it out of the folder)",
            OneLine(&d.path.display().to_string()),
            OneLine(&d.reason)
        );
    }
}

fn skipped(damaged: &[Damaged]) -> Result<()> {
    if damaged.is_empty() {
        Ok(())
    } else {
        Err(Error::Skipped(damaged.len()).into())
    }
}
