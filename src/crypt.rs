//! Encryption with age: the journal's own key (an X25519 identity locked
//! with the person's passphrase through age's scrypt recipient), files
//! sealed to it and opened with it, and summaries written for the
//! therapist's key (`export --to`). The only user of the `age` crate.
//!
//! The keys unlocked in this process are kept in one keyring, each for
//! the data folder it belongs to: the store opens a sealed file with the
//! key of the folder it lies in, so readers need no key passed down to
//! them, and a file of one journal is never opened with another's key.
//! Built without the cargo feature `encryption`, nothing can be sealed or
//! opened and every attempt says so.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use anyhow::Result;

use crate::error::Error;

/// How an age file begins (the binary format; armour is never written).
pub const MAGIC: &[u8] = b"age-encryption.org/v1\n";

/// What a file of a locked journal says when something tries to read it.
pub const LOCKED: &str = "it is encrypted and the journal is locked; give the passphrase (in a terminal, or with --passphrase-file)";

/// Whether `bytes` are an age file: a sealed file of an encrypted journal.
pub fn is_sealed(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// The journal keys unlocked in this process, each with its data folder.
static KEYRING: RwLock<Vec<(PathBuf, Arc<Key>)>> = RwLock::new(Vec::new());

/// Keeps `key` for the files under `root` for as long as the process runs.
pub fn register(root: &Path, key: Key) {
    let mut ring = KEYRING
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    ring.retain(|(r, _)| r != root);
    ring.push((root.to_path_buf(), Arc::new(key)));
}

/// Whether a key is unlocked for the data folder `root`.
pub fn is_unlocked(root: &Path) -> bool {
    unlocked(root).is_some()
}

/// The key unlocked for the data folder `root`, if it is.
pub fn unlocked(root: &Path) -> Option<Arc<Key>> {
    key_for(root)
}

fn key_for(path: &Path) -> Option<Arc<Key>> {
    let ring = KEYRING
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    ring.iter()
        .filter(|(root, _)| path.starts_with(root))
        .max_by_key(|(root, _)| root.as_os_str().len())
        .map(|(_, key)| Arc::clone(key))
}

/// The bytes of the file at `path` as written: opened with its journal's
/// key when they are sealed, as they are when not.
pub fn open(path: &Path, bytes: Vec<u8>) -> std::result::Result<Vec<u8>, String> {
    if !is_sealed(&bytes) {
        return Ok(bytes);
    }
    match key_for(path) {
        Some(key) => key.open(&bytes),
        None => Err(LOCKED.to_string()),
    }
}

/// A passphrase as typed, cleared from memory when dropped.
pub struct Passphrase(imp::Secret);

impl Passphrase {
    /// Takes the passphrase; an empty one (only spaces) is refused by callers.
    pub fn new(text: String) -> Passphrase {
        Passphrase(imp::secret(text))
    }
}

/// The journal's key, unlocked.
pub struct Key(imp::Identity);

/// The public half of a journal's key: what files are sealed to.
#[derive(Clone)]
pub struct PublicKey(imp::Recipient);

impl PublicKey {
    /// Reads `age1...`; the error says what it should look like.
    pub fn parse(text: &str) -> std::result::Result<PublicKey, String> {
        imp::parse_recipient(text.trim()).map(PublicKey)
    }

    pub fn to_text(&self) -> String {
        imp::recipient_text(&self.0)
    }

    /// `bytes` sealed to this key.
    pub fn seal(&self, bytes: &[u8]) -> Result<Vec<u8>> {
        imp::seal(&self.0, bytes)
    }
}

/// Why a locked key could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum UnlockError {
    #[error("the passphrase does not open this journal's key")]
    WrongPassphrase,
    #[error("{0}")]
    Other(String),
}

impl Key {
    /// A new random key.
    pub fn generate() -> Result<Key> {
        imp::generate().map(Key)
    }

    pub fn public(&self) -> PublicKey {
        PublicKey(imp::public(&self.0))
    }

    /// The key locked with `passphrase` (an age file `age -d` opens with it).
    pub fn lock(&self, passphrase: &Passphrase) -> Result<Vec<u8>> {
        imp::lock(&self.0, &passphrase.0)
    }

    /// The key from what [`Key::lock`] wrote.
    pub fn unlock(locked: &[u8], passphrase: &Passphrase) -> std::result::Result<Key, UnlockError> {
        imp::unlock(locked, &passphrase.0).map(Key)
    }

    /// The key as an age identity file (`AGE-SECRET-KEY-1...`), with
    /// `comment` lines first: a recovery copy that `age -d -i` reads.
    pub fn recovery_text(&self, comment: &str) -> String {
        let mut text = String::new();
        for line in comment.lines() {
            text.push_str("# ");
            text.push_str(line);
            text.push('\n');
        }
        text.push_str(&imp::identity_text(&self.0));
        text.push('\n');
        text
    }

    /// The key from a recovery copy (the first `AGE-SECRET-KEY-1` line).
    pub fn from_recovery_text(text: &str) -> std::result::Result<Key, String> {
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .ok_or("it holds no key (a line starting AGE-SECRET-KEY-1)")?;
        imp::parse_identity(line).map(Key)
    }

    /// The bytes sealed in `bytes`.
    pub fn open(&self, bytes: &[u8]) -> std::result::Result<Vec<u8>, String> {
        imp::open(&self.0, bytes)
    }
}

#[cfg(feature = "encryption")]
mod imp {
    use std::io::{Read, Write};

    use age::secrecy::{ExposeSecret, SecretString};
    use anyhow::{Context, Result, anyhow};

    use super::UnlockError;

    pub type Secret = SecretString;
    pub type Identity = age::x25519::Identity;
    pub type Recipient = age::x25519::Recipient;

    pub fn secret(text: String) -> Secret {
        SecretString::from(text)
    }

    pub fn parse_recipient(text: &str) -> std::result::Result<Recipient, String> {
        text.parse::<Recipient>().map_err(|_| {
            "this is not an age public key; it looks like age1 followed by 58 letters and digits"
                .to_string()
        })
    }

    pub fn recipient_text(r: &Recipient) -> String {
        r.to_string()
    }

    pub fn parse_identity(text: &str) -> std::result::Result<Identity, String> {
        text.parse::<Identity>()
            .map_err(|_| "it is not an age key (a line starting AGE-SECRET-KEY-1)".to_string())
    }

    pub fn identity_text(i: &Identity) -> String {
        i.to_string().expose_secret().to_string()
    }

    pub fn generate() -> Result<Identity> {
        Ok(Identity::generate())
    }

    pub fn public(i: &Identity) -> Recipient {
        i.to_public()
    }

    pub fn seal(to: &Recipient, bytes: &[u8]) -> Result<Vec<u8>> {
        age::encrypt(to, bytes).map_err(|e| anyhow!("cannot encrypt: {e}"))
    }

    pub fn open(key: &Identity, bytes: &[u8]) -> std::result::Result<Vec<u8>, String> {
        let decryptor = age::Decryptor::new_buffered(bytes)
            .map_err(|e| format!("it cannot be decrypted: {e}"))?;
        let mut reader = decryptor
            .decrypt(std::iter::once(key as &dyn age::Identity))
            .map_err(|e| format!("it cannot be decrypted with this journal's key: {e}"))?;
        let mut out = Vec::with_capacity(bytes.len());
        reader
            .read_to_end(&mut out)
            .map_err(|e| format!("it cannot be decrypted (damaged): {e}"))?;
        Ok(out)
    }

    /// The scrypt work factor: age's own choice (about a second on this
    /// machine). A debug build (the tests) may lower it with
    /// `MENTALOG_TEST_SCRYPT_LOG_N`; a release build never reads it.
    fn work_factor() -> Option<u8> {
        #[cfg(debug_assertions)]
        {
            std::env::var("MENTALOG_TEST_SCRYPT_LOG_N")
                .ok()
                .and_then(|v| v.parse::<u8>().ok())
                .filter(|n| (1..=30).contains(n))
        }
        #[cfg(not(debug_assertions))]
        {
            None
        }
    }

    pub fn lock(key: &Identity, passphrase: &Secret) -> Result<Vec<u8>> {
        let mut recipient = age::scrypt::Recipient::new(passphrase.clone());
        if let Some(n) = work_factor() {
            recipient.set_work_factor(n);
        }
        let encryptor =
            age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
                .map_err(|e| anyhow!("cannot lock the key: {e}"))?;
        let mut out = Vec::new();
        let mut writer = encryptor
            .wrap_output(&mut out)
            .context("cannot lock the key")?;
        writer.write_all(identity_text(key).as_bytes())?;
        writer.write_all(b"\n")?;
        writer.finish().context("cannot lock the key")?;
        Ok(out)
    }

    pub fn unlock(
        locked: &[u8],
        passphrase: &Secret,
    ) -> std::result::Result<Identity, UnlockError> {
        let damaged = |e: &dyn std::fmt::Display| {
            UnlockError::Other(format!(
                "the key file is damaged ({e}); use your recovery copy with --identity-file"
            ))
        };
        let decryptor = age::Decryptor::new_buffered(locked).map_err(|e| damaged(&e))?;
        if !decryptor.is_scrypt() {
            return Err(damaged(&"it is not locked with a passphrase"));
        }
        // age's own bound: up to 16 times the work it targets on this
        // machine, so a key locked on a machine up to 16 times faster opens.
        let identity = age::scrypt::Identity::new(passphrase.clone());
        let reader = match decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity)) {
            Ok(r) => r,
            Err(age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys) => {
                return Err(UnlockError::WrongPassphrase);
            }
            Err(e) => return Err(damaged(&e)),
        };
        let mut text = String::new();
        reader
            .take(4096)
            .read_to_string(&mut text)
            .map_err(|e| damaged(&e))?;
        let key = parse_identity(text.trim()).map_err(|e| damaged(&e));
        // The text held the secret key: cleared before it goes.
        let mut bytes = text.into_bytes();
        bytes.iter_mut().for_each(|b| *b = 0);
        std::hint::black_box(&bytes);
        key
    }
}

#[cfg(not(feature = "encryption"))]
mod imp {
    //! Built without encryption: nothing is ever made, and every attempt
    //! says how to get it.
    use anyhow::{Result, bail};

    use super::UnlockError;

    pub struct Secret;
    pub enum Identity {}
    #[derive(Clone)]
    pub enum Recipient {}

    const WHY: &str = "this mentalog was built without encryption (the cargo feature `encryption`)";

    pub fn secret(_: String) -> Secret {
        Secret
    }
    pub fn parse_recipient(_: &str) -> std::result::Result<Recipient, String> {
        Err(WHY.into())
    }
    pub fn recipient_text(r: &Recipient) -> String {
        match *r {}
    }
    pub fn parse_identity(_: &str) -> std::result::Result<Identity, String> {
        Err(WHY.into())
    }
    pub fn identity_text(i: &Identity) -> String {
        match *i {}
    }
    pub fn generate() -> Result<Identity> {
        bail!(WHY)
    }
    pub fn public(i: &Identity) -> Recipient {
        match *i {}
    }
    pub fn seal(r: &Recipient, _: &[u8]) -> Result<Vec<u8>> {
        match *r {}
    }
    pub fn open(i: &Identity, _: &[u8]) -> std::result::Result<Vec<u8>, String> {
        match *i {}
    }
    pub fn lock(i: &Identity, _: &Secret) -> Result<Vec<u8>> {
        match *i {}
    }
    pub fn unlock(_: &[u8], _: &Secret) -> std::result::Result<Identity, UnlockError> {
        Err(UnlockError::Other(WHY.into()))
    }
}

/// The recipients of an encrypted export, checked.
pub struct Recipients(Vec<PublicKey>);

/// The largest recipients file read (1 MiB: thousands of keys).
const MAX_RECIPIENTS_BYTES: u64 = 1024 * 1024;

impl Recipients {
    /// The keys of `--to` and of `--to-file`, or `None` when there are none.
    /// A key that is not an age public key is a usage error naming it.
    pub fn from_args(to: &[String], to_file: Option<&Path>) -> Result<Option<Recipients>> {
        let mut keys = Vec::new();
        for key in to {
            keys.push(parse(key).map_err(|why| {
                Error::Usage(format!("--to {}: {why}", crate::text::one_line(key)))
            })?);
        }
        if let Some(file) = to_file {
            let text = crate::store::read_limited(file, MAX_RECIPIENTS_BYTES, "recipients file")?;
            for (n, line) in text.lines().enumerate() {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                keys.push(parse(line).map_err(|why| {
                    Error::Usage(format!(
                        "--to-file {}, line {}: {why}",
                        file.display(),
                        n + 1
                    ))
                })?);
            }
            if keys.is_empty() {
                return Err(Error::Usage(format!(
                    "--to-file {}: it names no recipient (one age1... key per line)",
                    file.display()
                ))
                .into());
            }
        }
        Ok((!keys.is_empty()).then_some(Recipients(keys)))
    }

    /// How many keys it is encrypted to.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Writes what `fill` writes to `out`, encrypted to every recipient.
    #[cfg(feature = "encryption")]
    pub fn encrypt(
        &self,
        out: &mut dyn std::io::Write,
        fill: impl FnOnce(&mut dyn std::io::Write) -> Result<()>,
    ) -> Result<()> {
        use anyhow::{Context as _, anyhow};
        let recipients = self.0.iter().map(|r| &r.0 as &dyn age::Recipient);
        let encryptor = age::Encryptor::with_recipients(recipients)
            .map_err(|e| anyhow!("cannot encrypt the summary: {e}"))?;
        let mut writer = encryptor
            .wrap_output(out)
            .context("cannot encrypt the summary")?;
        fill(&mut writer)?;
        writer.finish().context("cannot encrypt the summary")?;
        Ok(())
    }
}

fn parse(key: &str) -> std::result::Result<PublicKey, String> {
    PublicKey::parse(key).map_err(|_| {
        "this is not an age public key; it looks like age1 followed by 58 letters and digits (the therapist's 'age-keygen -y' prints it)".to_string()
    })
}

#[cfg(all(test, feature = "encryption"))]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_file_opens_with_its_journal_key_only() {
        let key = Key::generate().unwrap();
        let sealed = key.public().seal(b"{\"x\":1}\n").unwrap();
        assert!(is_sealed(&sealed));
        assert_eq!(key.open(&sealed).unwrap(), b"{\"x\":1}\n");
        let other = Key::generate().unwrap();
        assert!(other.open(&sealed).is_err());
        // Through the keyring: only under the folder the key was given for.
        let root = Path::new("/journal-a-for-this-test");
        assert_eq!(
            open(&root.join("entries/x.json"), sealed.clone()),
            Err(LOCKED.to_string())
        );
        register(root, key);
        assert_eq!(
            open(&root.join("entries/x.json"), sealed.clone()).unwrap(),
            b"{\"x\":1}\n"
        );
        assert!(open(Path::new("/journal-b-for-this-test/x.json"), sealed).is_err());
        // Plain bytes pass as they are.
        assert_eq!(
            open(Path::new("/any"), b"plain".to_vec()).unwrap(),
            b"plain"
        );
    }

    #[test]
    fn a_locked_key_opens_with_its_passphrase_only() {
        let key = Key::generate().unwrap();
        let locked_with = |p: &str| {
            let mut r = age::scrypt::Recipient::new(imp::secret(p.to_string()));
            r.set_work_factor(4);
            let enc = age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient))
                .unwrap();
            let mut out = Vec::new();
            let mut w = enc.wrap_output(&mut out).unwrap();
            std::io::Write::write_all(&mut w, imp::identity_text(&key.0).as_bytes()).unwrap();
            w.finish().unwrap();
            out
        };
        let locked = locked_with("correct horse");
        let back = Key::unlock(&locked, &Passphrase::new("correct horse".into())).unwrap();
        assert_eq!(back.public().to_text(), key.public().to_text());
        assert!(matches!(
            Key::unlock(&locked, &Passphrase::new("wrong".into())),
            Err(UnlockError::WrongPassphrase)
        ));
        assert!(matches!(
            Key::unlock(b"not a key", &Passphrase::new("x".into())),
            Err(UnlockError::Other(_))
        ));
    }

    #[test]
    fn a_recovery_copy_gives_the_same_key() {
        let key = Key::generate().unwrap();
        let text = key.recovery_text("anyone with this file\ncan read the journal");
        assert!(
            text.starts_with("# anyone with this file\n# can read the journal\nAGE-SECRET-KEY-1")
        );
        let back = Key::from_recovery_text(&text).unwrap();
        assert_eq!(back.public().to_text(), key.public().to_text());
        assert!(Key::from_recovery_text("# nothing\n").is_err());
    }
}
