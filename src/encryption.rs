//! Turning a journal's files sealed and back, one file at a time (each
//! written atomically and read back before it takes the old one's place,
//! so an interrupted run is finished by running it again), and changing
//! the passphrase by locking the key anew (no entry is rewritten). Used by
//! `encrypt`, `decrypt` and `passphrase`, and by `setup`, which offers it.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use crate::cli::{EncryptArgs, PassphraseArgs};
use crate::context::Context;
use crate::crypt::{self, Key};
use crate::error::Error;
use crate::prompt::{Ask, Got, PromptError, Prompter};
use crate::store::sealed::{Direction, write_settings};
use crate::store::{self, Store, create_private_dir_all};

/// Said before anything changes, in a terminal and in a script alike.
const WARNING: &str = "Your journal will be locked with a passphrase. Writing an entry never asks for it; reading them does (list, show, export). If you lose the passphrase, and the recovery copy of the key, no one can open your entries again: not you, not your therapist, not the makers of mentalog.";

/// The first lines of a recovery copy.
const RECOVERY_NOTE: &str = "mentalog recovery key. Anyone with this file can read your journal.
Keep it somewhere safe and away from this computer (a USB stick in a drawer).
To use it: mentalog --identity-file THIS-FILE list   (or: age -d -i THIS-FILE FILE)";

/// `mentalog encrypt`: sets encryption up (or finishes it).
pub fn encrypt(ctx: &mut Context, args: &EncryptArgs) -> Result<()> {
    if ctx.store.encryption()?.is_some() {
        return finish_encrypting(ctx, args);
    }
    refuse_leftovers(&ctx.store)?;
    let interactive = ctx.interactive;
    let p = &mut *ctx.prompter;
    p.say(WARNING)?;
    if interactive
        && !p
            .confirm("Lock your journal with a passphrase now?")
            .map_err(cancelled)?
    {
        ctx.note("Nothing was changed.");
        return Ok(());
    }
    let passphrase = crate::unlock::new_passphrase(args.new_passphrase_file.as_deref(), p)?;
    let plan_readable = if args.lock_plan {
        false
    } else if interactive {
        p.say("Your crisis plan can stay readable without the passphrase, so that it is there at the worst moment, when a passphrase is hard to type. Only the plan stays readable; your entries are locked.")?;
        p.confirm("Keep your crisis plan readable without the passphrase? (recommended)")
            .map_err(cancelled)?
    } else {
        true
    };
    let recovery = match &args.recovery_file {
        Some(path) => Some(path.clone()),
        None if interactive => ask_recovery(p)?,
        None => None,
    };

    // From here on things change: the key, then the recovery copy, then
    // the settings that make every later write sealed, then the files; all
    // while no other write is half way.
    let root = ctx.store.root().to_path_buf();
    create_private_dir_all(&root.join("tmp"))?;
    let _journal = ctx.store.lock()?;
    let _sealing = ctx.store.seal_lock(true)?;
    // Looked at again, now that nothing else can change it.
    let fresh = Store::new(&root);
    if fresh.encryption()?.is_some() {
        bail!("another 'mentalog encrypt' encrypted this journal meanwhile; nothing was changed");
    }
    refuse_leftovers(&fresh)?;
    // A key left by a run stopped before it began is used again when this
    // passphrase opens it, so a recovery copy that run wrote still works.
    let earlier = store::read_limited_bytes(&ctx.store.key_path(), 64 * 1024, "key file")
        .ok()
        .and_then(|locked| Key::unlock(&locked, &passphrase).ok());
    let key = match earlier {
        Some(key) => key,
        None => Key::generate()?,
    };
    let locked = key.lock(&passphrase)?;
    store::write_replace_checked(&root.join("tmp"), &ctx.store.key_path(), &locked, &|back| {
        Key::unlock(back, &passphrase)
            .map(drop)
            .map_err(|e| anyhow::anyhow!("the key written does not open with the passphrase: {e}"))
    })?;
    if let Some(path) = &recovery {
        write_recovery(path, &key).with_context(|| {
            "nothing of your journal was changed; run 'mentalog encrypt' again with another file"
        })?;
    }
    write_settings(&root, &key.public(), plan_readable)?;
    let store = Store::new(&root);
    let changed = convert_all(&store, Direction::Seal, &key)?;
    crypt::register(&root, key);
    if let Some(path) = &recovery {
        ctx.note(&wrote_recovery(path));
    }
    ctx.note(&format!(
        "Your journal is encrypted ({} sealed). Writing never asks for the passphrase; reading does.{}",
        files(changed),
        if plan_readable {
            " Your crisis plan stays readable."
        } else {
            ""
        }
    ));
    Ok(())
}

/// `encrypt` on an encrypted journal: seals what is left (a run stopped
/// half way), and writes a recovery copy or locks the plan when asked.
fn finish_encrypting(ctx: &mut Context, args: &EncryptArgs) -> Result<()> {
    // The same command run again after an interruption finishes the job:
    // its new passphrase is the journal's now.
    if let Some(file) = &args.new_passphrase_file
        && ctx.keys.passphrase_file.is_none()
        && ctx.keys.identity_file.is_none()
    {
        ctx.keys.passphrase_file = Some(file.clone());
    }
    ctx.unlock()?;
    let key = unlocked(&ctx.store)?;
    let root = ctx.store.root().to_path_buf();
    let _journal = ctx.store.lock()?;
    let _sealing = ctx.store.seal_lock(true)?;
    require_key_of(&Store::new(&root), &key)?;
    if let Some(path) = &args.recovery_file {
        write_recovery(path, &key)?;
        ctx.note(&wrote_recovery(path));
    }
    if args.lock_plan && ctx.store.plan_readable() {
        write_settings(&root, &key.public(), false)?;
    }
    let changed = convert_all(&Store::new(&root), Direction::Seal, &key)?;
    ctx.note(&if changed == 0 {
        "Your journal is encrypted; every file was sealed already.".to_string()
    } else {
        format!(
            "Finished encrypting your journal: {} more sealed.",
            files(changed)
        )
    });
    Ok(())
}

/// `mentalog decrypt`: back to plain files (or finishes it).
pub fn decrypt(ctx: &mut Context) -> Result<()> {
    let root = ctx.store.root().to_path_buf();
    let settings = ctx.store.encryption()?.is_some();
    let key = if settings {
        ctx.unlock()?;
        unlocked(&ctx.store)?
    } else if let Leftover::Sealed(_) = leftover_sealed(&ctx.store)? {
        // A decrypt stopped after the settings went: the key is still there.
        let prompter = asker(ctx.interactive, &mut ctx.prompter);
        std::sync::Arc::new(crate::unlock::open_key_unchecked(
            &ctx.store, &ctx.keys, prompter,
        )?)
    } else {
        return forget_unused_key(ctx);
    };
    // No other write is half way while this runs; one that starts waits,
    // then finds the journal plain. What was decided above is checked again.
    let _journal = ctx.store.lock()?;
    let _sealing = ctx.store.seal_lock(true)?;
    let fresh = Store::new(&root);
    if settings {
        require_key_of(&fresh, &key)?;
    } else if fresh.encryption()?.is_some() {
        bail!(
            "the journal was encrypted again meanwhile; nothing was changed (run 'mentalog decrypt' again)"
        );
    }
    let changed = convert_all(&ctx.store, Direction::Open, &key)?;
    fold_session_records(&ctx.store)?;
    remove_if_there(&ctx.store.encryption_path())?;
    // The key goes only when no sealed (or unreadable) file is left.
    if let Leftover::Sealed(path) | Leftover::Unreadable(path) =
        leftover_sealed(&Store::new(&root))?
    {
        bail!(
            "{} is still sealed or cannot be read, so the key was kept; run 'mentalog decrypt' again",
            path.display()
        );
    }
    remove_if_there(&ctx.store.key_path())?;
    ctx.note(&format!(
        "Your journal is no longer encrypted ({} turned back into plain files). Its files are private to your user account, as before.",
        files(changed)
    ));
    Ok(())
}

/// `mentalog passphrase`: the key locked with a new passphrase.
pub fn passphrase(ctx: &mut Context, args: &PassphraseArgs) -> Result<()> {
    if ctx.store.encryption()?.is_none() {
        return Err(Error::Usage(
            "this journal is not encrypted, so it has no passphrase; to lock it with one, run: mentalog encrypt".into(),
        )
        .into());
    }
    let prompter = asker(ctx.interactive, &mut ctx.prompter);
    let key = crate::unlock::open_key(&ctx.store, &ctx.keys, prompter)?;
    let new =
        crate::unlock::new_passphrase(args.new_passphrase_file.as_deref(), &mut *ctx.prompter)?;
    let locked = key.lock(&new)?;
    create_private_dir_all(&ctx.store.tmp_dir())?;
    store::write_replace_checked(
        &ctx.store.tmp_dir(),
        &ctx.store.key_path(),
        &locked,
        &|back| {
            Key::unlock(back, &new).map(drop).map_err(|e| {
                anyhow::anyhow!("the key written does not open with the new passphrase: {e}")
            })
        },
    )?;
    ctx.note("Changed your passphrase. Your entries were not rewritten: only the key is locked anew. A recovery copy made earlier still opens them.");
    Ok(())
}

/// Turns every private file of `store` the given way, under the journal's
/// lock; returns how many were changed. A file that cannot be turned is
/// named and left as it is, and the command fails after the rest.
/// The caller holds the journal's lock and the exclusive seal lock.
fn convert_all(store: &Store, direction: Direction, key: &Key) -> Result<usize> {
    let plan = store.plan_path();
    let keep_plan = direction == Direction::Seal && store.plan_readable();
    let mut changed = 0;
    let mut failed = 0;
    for path in store.private_files()? {
        if keep_plan && path == plan {
            continue;
        }
        match store.convert(&path, direction, key) {
            Ok(true) => changed += 1,
            Ok(false) => {}
            Err(e) => {
                eprintln!("mentalog: {}", crate::text::Shown(&format!("{e:#}")));
                failed += 1;
            }
        }
    }
    if failed > 0 {
        bail!(
            "{} could not be converted (named above, and left as they are); run the command again once they are fixed",
            files(failed)
        );
    }
    Ok(changed)
}

/// What a journal without encryption settings still holds of one.
enum Leftover {
    None,
    /// A sealed file: its key must stay.
    Sealed(PathBuf),
    /// A file that cannot be read, which may be sealed.
    Unreadable(PathBuf),
}

/// The first sealed file of `store`, else the first it cannot read.
fn leftover_sealed(store: &Store) -> Result<Leftover> {
    let mut unreadable = None;
    for path in store.private_files()? {
        match store::sealed::is_sealed_file(&path) {
            Ok(true) => return Ok(Leftover::Sealed(path)),
            Ok(false) => {}
            Err(_) => {
                unreadable.get_or_insert(path);
            }
        }
    }
    Ok(unreadable.map_or(Leftover::None, Leftover::Unreadable))
}

/// `encrypt` on a journal without settings goes on only when it holds no
/// sealed file (a `decrypt` stopped half way) and every file reads.
fn refuse_leftovers(store: &Store) -> Result<()> {
    match leftover_sealed(store)? {
        Leftover::None => Ok(()),
        Leftover::Sealed(path) => bail!(
            "{} is sealed but this journal has no encryption settings: a 'mentalog decrypt' was stopped half way. Run 'mentalog decrypt' to finish it; nothing was changed",
            path.display()
        ),
        Leftover::Unreadable(path) => bail!(
            "cannot read {}, so it cannot be sealed; make it readable (or move it out of the data folder) and run 'mentalog encrypt' again; nothing was changed",
            path.display()
        ),
    }
}

/// Fails unless `store` is encrypted to `key` (it may have changed while
/// the passphrase was asked).
fn require_key_of(store: &Store, key: &Key) -> Result<()> {
    match store.encryption()? {
        Some(e) if e.public.to_text() == key.public().to_text() => Ok(()),
        _ => bail!(
            "the journal's encryption changed meanwhile (another 'mentalog encrypt' or 'decrypt'); nothing was changed, run the command again"
        ),
    }
}

/// `decrypt` on a journal that is not encrypted: the key an `encrypt`
/// stopped before it began left is removed, when nothing is sealed to it.
fn forget_unused_key(ctx: &mut Context) -> Result<()> {
    let _journal = ctx.store.lock()?;
    let _sealing = ctx.store.seal_lock(true)?;
    let fresh = Store::new(ctx.store.root());
    if fresh.encryption()?.is_some() {
        bail!(
            "the journal was encrypted meanwhile; nothing was changed (run 'mentalog decrypt' again)"
        );
    }
    match leftover_sealed(&fresh)? {
        Leftover::None => {}
        Leftover::Sealed(path) | Leftover::Unreadable(path) => bail!(
            "{} is sealed or cannot be read, so the key was kept; run 'mentalog decrypt' again",
            path.display()
        ),
    }
    let had_key = ctx.store.key_path().exists();
    remove_if_there(&ctx.store.key_path())?;
    ctx.note(if had_key {
        "Your journal is not encrypted; the key left by an unfinished 'mentalog encrypt' was removed."
    } else {
        "Your journal is not encrypted; nothing was changed."
    });
    Ok(())
}

/// Session records kept one per event become the one sessions file again.
fn fold_session_records(store: &Store) -> Result<()> {
    let dir = store.session_records_dir();
    if !dir.is_dir() {
        return Ok(());
    }
    // Only the records read are removed (a record is applied twice harmlessly).
    let mut read = Vec::new();
    for item in std::fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let path = item?.path();
        if path.extension().is_some_and(|e| e == "json") {
            read.push(path);
        }
    }
    let sessions = store.read_sessions()?;
    store.write_sessions_plain(&sessions)?;
    for path in read {
        remove_if_there(&path)?;
    }
    let _ = std::fs::remove_dir(&dir);
    Ok(())
}

/// Writes the recovery copy of `key` to the new file `path` (0600).
fn write_recovery(path: &Path, key: &Key) -> Result<()> {
    store::write_new(path, key.recovery_text(RECOVERY_NOTE).as_bytes())
        .with_context(|| format!("cannot write the recovery copy {}", path.display()))
}

fn wrote_recovery(path: &Path) -> String {
    format!(
        "Wrote a recovery copy of your key to {}. Anyone with it can read your journal: keep it safe, away from this computer.",
        crate::text::one_line(&path.display().to_string())
    )
}

/// The prompter, when there is a terminal to ask in.
fn asker(interactive: bool, p: &mut Box<dyn Prompter>) -> Option<&mut dyn Prompter> {
    if interactive { Some(p.as_mut()) } else { None }
}

fn unlocked(store: &Store) -> Result<std::sync::Arc<Key>> {
    crypt::unlocked(store.root()).context("the journal's key is not unlocked")
}

fn remove_if_there(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => {
            if let Some(dir) = path.parent() {
                let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).with_context(|| format!("cannot remove {}", path.display())),
    }
}

fn ask_recovery(p: &mut dyn Prompter) -> Result<Option<PathBuf>> {
    p.say("A recovery copy of your key opens your journal if the passphrase is ever forgotten. Anyone who finds it can read your entries, so keep it away from this computer.")?;
    if !p
        .confirm("Write a recovery copy to a file?")
        .map_err(cancelled)?
    {
        return Ok(None);
    }
    let not_there = |s: &str| -> std::result::Result<(), String> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(());
        }
        if Path::new(s).exists() {
            return Err("Something is already there; choose a new file name.".into());
        }
        Ok(())
    };
    match p
        .input(
            &Ask::new(
                "Where should it go? (a new file, for example on a USB stick; Enter for none)",
            ),
            &not_there,
        )
        .map_err(cancelled)?
    {
        Got::Answer(s) if !s.trim().is_empty() => Ok(Some(PathBuf::from(s.trim()))),
        _ => Ok(None),
    }
}

fn cancelled(e: PromptError) -> anyhow::Error {
    match e {
        PromptError::Interrupted => {
            Error::Cancelled("Cancelled; nothing was changed.".into()).into()
        }
        other => other.into(),
    }
}

fn files(n: usize) -> String {
    if n == 1 {
        "1 file".into()
    } else {
        format!("{n} files")
    }
}
