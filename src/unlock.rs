//! Unlocking an encrypted journal: where the passphrase comes from (a
//! file named by a flag or the environment, the recovery copy of the key,
//! or the terminal, never an argument) and what a wrong one does (exit 1,
//! nothing changed, nothing of the journal named).

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use crate::crypt::{self, Key, Passphrase, UnlockError};
use crate::error::Error;
use crate::prompt::{PromptError, Prompter};
use crate::store::Store;

/// Where the key of an encrypted journal may come from, besides the terminal.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// `--passphrase-file` or `MENTALOG_PASSPHRASE_FILE`.
    pub passphrase_file: Option<PathBuf>,
    /// `--identity-file` or `MENTALOG_IDENTITY_FILE`: the recovery copy.
    pub identity_file: Option<PathBuf>,
}

impl Sources {
    /// The flags, or else the environment.
    pub fn resolve(passphrase_file: Option<&Path>, identity_file: Option<&Path>) -> Sources {
        let env = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        Sources {
            passphrase_file: passphrase_file
                .map(Path::to_path_buf)
                .or_else(|| env("MENTALOG_PASSPHRASE_FILE")),
            identity_file: identity_file
                .map(Path::to_path_buf)
                .or_else(|| env("MENTALOG_IDENTITY_FILE")),
        }
    }
}

/// The most a passphrase or recovery file may hold.
const MAX_SECRET_BYTES: u64 = 64 * 1024;

/// How many times a passphrase is asked in a terminal before giving up.
const TRIES: usize = 3;

/// Reads a passphrase from the first line of `file` (a flag's value is
/// named in errors as `flag`); an empty one is refused.
pub fn passphrase_from_file(file: &Path, flag: &str) -> Result<Passphrase> {
    let text = crate::store::read_limited(file, MAX_SECRET_BYTES, "passphrase file")
        .with_context(|| format!("{flag} {}", file.display()))?;
    let line = text.lines().next().unwrap_or("");
    if line.trim().is_empty() {
        return Err(Error::Usage(format!(
            "{flag} {}: its first line is empty; write the passphrase on it",
            file.display()
        ))
        .into());
    }
    Ok(Passphrase::new(line.to_string()))
}

/// Unlocks `store`'s key for this process when the journal is encrypted
/// and it is not unlocked yet. Nothing is changed on disk either way.
pub fn unlock(store: &Store, sources: &Sources, p: Option<&mut dyn Prompter>) -> Result<()> {
    if !store.is_encrypted() || crypt::is_unlocked(store.root()) {
        return Ok(());
    }
    let key = open_key(store, sources, p)?;
    crypt::register(store.root(), key);
    Ok(())
}

/// The key of the encrypted journal `store`, from the recovery copy, the
/// passphrase file or the terminal (asked up to three times).
pub fn open_key(store: &Store, sources: &Sources, p: Option<&mut dyn Prompter>) -> Result<Key> {
    let Some(encryption) = store.encryption()? else {
        bail!("{} is not encrypted", store.root().display());
    };
    let key = open_key_unchecked(store, sources, p)?;
    if key.public().to_text() != encryption.public.to_text() {
        bail!(
            "that key is not the key of the journal in {} (its public half differs from {}); nothing was changed",
            store.root().display(),
            store.encryption_path().display()
        );
    }
    Ok(key)
}

/// The key as [`open_key`] gets it, without checking it against the
/// journal's settings (for a `decrypt` stopped after they were removed).
pub fn open_key_unchecked(
    store: &Store,
    sources: &Sources,
    p: Option<&mut dyn Prompter>,
) -> Result<Key> {
    let key = if let Some(file) = &sources.identity_file {
        let text = crate::store::read_limited(file, MAX_SECRET_BYTES, "recovery copy of the key")?;
        Key::from_recovery_text(&text)
            .map_err(|e| Error::Usage(format!("--identity-file {}: {e}", file.display())))?
    } else {
        let locked = crate::store::read_limited_bytes(&store.key_path(), MAX_SECRET_BYTES, "key file")
            .context("this journal is encrypted but its key cannot be read; use your recovery copy with --identity-file")?;
        if let Some(file) = &sources.passphrase_file {
            let passphrase = passphrase_from_file(file, "--passphrase-file")?;
            // One scrypt at a time (hundreds of MiB each): a batch unlocks
            // its journals on every core.
            static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
            let _turn = ONE_AT_A_TIME
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            Key::unlock(&locked, &passphrase).map_err(|e| refused(&e, store))?
        } else if let Some(p) = p {
            ask(&locked, p, store)?
        } else {
            return Err(needs_passphrase(store));
        }
    };
    Ok(key)
}

/// Tries `typed` on the key of the encrypted journal `store`, and keeps
/// the key unlocked for this process when it opens it. For a question
/// that offers to unlock (a locked draft), never requires it.
pub fn try_passphrase(store: &Store, typed: String) -> Result<bool> {
    let locked = crate::store::read_limited_bytes(&store.key_path(), MAX_SECRET_BYTES, "key file")?;
    match Key::unlock(&locked, &Passphrase::new(typed)) {
        Ok(key) => {
            crypt::register(store.root(), key);
            Ok(true)
        }
        Err(UnlockError::WrongPassphrase) => Ok(false),
        Err(e) => Err(refused(&e, store)),
    }
}

fn ask(locked: &[u8], p: &mut dyn Prompter, store: &Store) -> Result<Key> {
    // Ctrl-C at the hidden prompt arrives as a signal (it is not read as a key).
    let _said = crate::signal::message_while("Stopped. Nothing was changed.");
    for attempt in 1..=TRIES {
        let typed = match p.password("Your journal's passphrase") {
            Ok(t) => t,
            Err(PromptError::NoTerminal) => return Err(needs_passphrase(store)),
            Err(PromptError::Interrupted) => {
                return Err(Error::Cancelled("Cancelled; nothing was changed.".into()).into());
            }
            Err(e) => return Err(e.into()),
        };
        match Key::unlock(locked, &Passphrase::new(typed)) {
            Ok(key) => return Ok(key),
            Err(UnlockError::WrongPassphrase) if attempt < TRIES => {
                let _ = p.say("That passphrase does not open your journal. Please try again.");
            }
            Err(e) => return Err(refused(&e, store)),
        }
    }
    Err(refused(&UnlockError::WrongPassphrase, store))
}

fn refused(e: &UnlockError, store: &Store) -> anyhow::Error {
    match e {
        UnlockError::WrongPassphrase => anyhow::anyhow!(
            "the passphrase does not open this journal's key ({}); nothing was changed. If it is lost, use your recovery copy with --identity-file",
            store.key_path().display()
        ),
        UnlockError::Other(why) => anyhow::anyhow!("{why}; nothing was changed"),
    }
}

fn needs_passphrase(store: &Store) -> anyhow::Error {
    Error::Usage(format!(
        "the journal in {} is encrypted: give its passphrase with --passphrase-file FILE (or MENTALOG_PASSPHRASE_FILE), or run this in a terminal",
        store.root().display()
    ))
    .into()
}

/// A new passphrase: from `file`, or typed twice in the terminal.
pub fn new_passphrase(file: Option<&Path>, p: &mut dyn Prompter) -> Result<Passphrase> {
    if let Some(file) = file {
        return passphrase_from_file(file, "--new-passphrase-file");
    }
    let no_terminal = || -> anyhow::Error {
        Error::Usage(
            "a new passphrase is needed: give it with --new-passphrase-file FILE, or run this in a terminal"
                .into(),
        )
        .into()
    };
    let cancelled =
        || -> anyhow::Error { Error::Cancelled("Cancelled; nothing was changed.".into()).into() };
    let _said = crate::signal::message_while("Stopped. Nothing was changed.");
    loop {
        let first = match p.password("A new passphrase") {
            Ok(t) => t,
            Err(PromptError::NoTerminal) => return Err(no_terminal()),
            Err(PromptError::Interrupted) => return Err(cancelled()),
            Err(e) => return Err(e.into()),
        };
        if first.trim().is_empty() {
            p.say("The passphrase cannot be empty. A few words you will remember work well.")?;
            continue;
        }
        let second = match p.password("The same passphrase again") {
            Ok(t) => t,
            Err(PromptError::Interrupted) => return Err(cancelled()),
            Err(e) => return Err(e.into()),
        };
        if first == second {
            return Ok(Passphrase::new(first));
        }
        p.say("The two did not match. Let's try again.")?;
    }
}
