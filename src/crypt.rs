//! Encryption with age: a summary written for the therapist's key
//! (`export --to`), which only that key opens (`age -d`, `rage -d`).
//! The only user of the `age` crate.

use std::io::Write;
use std::path::Path;

use anyhow::{Context as _, Result, anyhow};

use crate::error::Error;

/// The recipients of an encrypted export, checked.
pub struct Recipients(Vec<age::x25519::Recipient>);

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
    pub fn encrypt(
        &self,
        out: &mut dyn Write,
        fill: impl FnOnce(&mut dyn Write) -> Result<()>,
    ) -> Result<()> {
        let recipients = self.0.iter().map(|r| r as &dyn age::Recipient);
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

fn parse(key: &str) -> std::result::Result<age::x25519::Recipient, String> {
    key.trim().parse::<age::x25519::Recipient>().map_err(|_| {
        "this is not an age public key; it looks like age1 followed by 58 letters and digits (the therapist's 'age-keygen -y' prints it)".to_string()
    })
}
