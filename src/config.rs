//! The person's config file (TOML): crisis contacts, a safety threshold of
//! their own, and the names they use for people.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Overrides the pack's safety threshold (0-10).
    pub safety_threshold: Option<u8>,
    /// Crisis contacts, shown with the plan and in the safety lane.
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// Names of people mapped to the roles to show instead ("Anna" = "my sister").
    #[serde(default)]
    pub names: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

impl Contact {
    pub fn line(&self) -> String {
        let mut line = self.name.clone();
        if let Some(phone) = &self.phone {
            line.push_str(&format!(": {phone}"));
        }
        if let Some(note) = &self.note {
            line.push_str(&format!(" ({note})"));
        }
        line
    }
}

impl Config {
    /// Reads the config file; a missing file is an empty config.
    pub fn load(path: &Path) -> Result<Config> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("cannot read the config file {}", path.display()));
            }
        };
        Config::parse(&text)
            .with_context(|| format!("cannot read the config file {}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Config> {
        let config: Config = toml::from_str(text)?;
        if let Some(t) = config.safety_threshold.filter(|t| *t > 10) {
            bail!("safety_threshold must be a whole number from 0 to 10, not {t}");
        }
        Ok(config)
    }

    pub fn contact_lines(&self) -> Vec<String> {
        self.contacts.iter().map(Contact::line).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_contacts_and_threshold() {
        let c =
            Config::parse("safety_threshold = 7\n[[contacts]]\nname = \"Sam\"\nphone = \"555\"\n")
                .unwrap();
        assert_eq!(c.safety_threshold, Some(7));
        assert_eq!(c.contact_lines(), vec!["Sam: 555".to_string()]);
        assert!(Config::parse("safety_threshold = 11").is_err());
        let err = format!("{:#}", Config::parse("contacts = 3").unwrap_err());
        assert!(err.contains("line 1"), "{err}");
    }
}
