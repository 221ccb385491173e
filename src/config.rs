//! The person's config file (TOML): crisis contacts, a safety threshold of
//! their own, and the names they use for people. It is read leniently: one
//! mistake never hides the rest, least of all the crisis contacts.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::store::{MAX_CONFIG_BYTES, read_limited};

#[derive(Debug, Default, Clone)]
pub struct Config {
    /// Overrides the pack's safety threshold (0-10).
    pub safety_threshold: Option<u8>,
    /// Crisis contacts, shown with the plan and in the safety lane.
    pub contacts: Vec<Contact>,
    /// Names of people mapped to the roles to show instead ("Anna" = "my sister").
    pub names: BTreeMap<String, String>,
    /// Plain mode: one printed line per question, nothing redrawn.
    pub plain: bool,
    /// Count how often the crisis plan is opened during an entry, so the
    /// count can be shared. Off by default: while off, nothing is recorded.
    pub share_plan_openings: bool,
    /// The pack for new entries (`mentalog pack use`): a built-in or an
    /// installed pack's id.
    pub pack: Option<String>,
    /// The focus agreed in a session; overrides the pack's.
    pub focus: Option<String>,
    /// How often the person agreed to write ("2 per week"); overrides the pack's.
    pub rhythm: Option<String>,
    /// `mentalog due`: off unless turned on, and the person's own words.
    pub due: Due,
    /// A label printed at the top of every summary (initials, a clinic
    /// number), so printed summaries can be told apart; never required.
    pub label: Option<String>,
    /// What could not be read, each naming the file and the place; the rest
    /// of the file is still used.
    pub problems: Vec<String>,
}

/// The `[due]` table.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Due {
    pub enabled: bool,
    /// The line `due` prints, in the person's words; a neutral default.
    pub words: Option<String>,
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
    /// Reads the config file; a missing file is an empty config. Problems
    /// are collected in [`Config::problems`], never fatal. Anything but a
    /// regular file of at most [`MAX_CONFIG_BYTES`] is refused unread, so a
    /// FIFO or a device never blocks.
    pub fn load(path: &Path) -> Config {
        if matches!(std::fs::symlink_metadata(path), Err(e) if e.kind() == std::io::ErrorKind::NotFound)
        {
            return Config::default();
        }
        match read_limited(path, MAX_CONFIG_BYTES, "config file") {
            Ok(text) => Config::parse(&text, &path.display().to_string()),
            Err(e) => Config {
                problems: vec![format!("{e:#}; it was ignored")],
                ..Config::default()
            },
        }
    }

    /// Parses the config text; `name` is how problems name the file.
    pub fn parse(text: &str, name: &str) -> Config {
        let mut config = Config::default();
        let table: toml::Table = match toml::from_str(text) {
            Ok(t) => t,
            Err(e) => {
                config
                    .problems
                    .push(format!("the config file {name} cannot be read: {e}"));
                return config;
            }
        };
        let mut problem = |what: String| {
            config
                .problems
                .push(format!("in the config file {name}: {what}"))
        };
        let mut threshold = None;
        let mut contacts = Vec::new();
        let mut names = BTreeMap::new();
        let mut plain = false;
        let mut openings = false;
        for (key, value) in table {
            match key.as_str() {
                "pack" | "focus" | "rhythm" | "label" => match value.as_str() {
                    Some(t) if !t.trim().is_empty() => {
                        let t = Some(t.trim().to_string());
                        match key.as_str() {
                            "pack" => config.pack = t,
                            "focus" => config.focus = t,
                            "label" => config.label = t,
                            _ => config.rhythm = t,
                        }
                    }
                    _ => problem(format!(
                        "{key} must be a text that is not empty, not {value}"
                    )),
                },
                "due" => match value {
                    toml::Value::Table(t) => {
                        for (k, v) in t {
                            match (k.as_str(), v) {
                                ("enabled", toml::Value::Boolean(b)) => config.due.enabled = b,
                                ("words", toml::Value::String(w)) if !w.trim().is_empty() => {
                                    config.due.words = Some(w)
                                }
                                (k, v) => problem(format!(
                                    "[due] {k} = {v} was ignored (known: enabled = true or false, words = \"...\")"
                                )),
                            }
                        }
                    }
                    _ => problem("due must be a table such as [due] enabled = true".into()),
                },
                "plain" | "share_plan_openings" => match value.as_bool() {
                    Some(b) if key == "plain" => plain = b,
                    Some(b) => openings = b,
                    None => problem(format!("{key} must be true or false, not {value}")),
                },
                "safety_threshold" => match value.as_integer() {
                    Some(t @ 0..=10) => threshold = Some(t as u8),
                    _ => problem(format!(
                        "safety_threshold must be a whole number from 0 to 10, not {value}"
                    )),
                },
                "contacts" => match value {
                    toml::Value::Array(list) => {
                        for (i, item) in list.into_iter().enumerate() {
                            match item.try_into::<Contact>() {
                                Ok(c) => contacts.push(c),
                                Err(e) => problem(format!(
                                    "contact {} was left out: {e} (a contact has name, phone and note)",
                                    i + 1
                                )),
                            }
                        }
                    }
                    _ => problem("contacts must be a list of [[contacts]] tables".into()),
                },
                "names" => match value {
                    toml::Value::Table(t) => {
                        for (name_key, role) in t {
                            match role.as_str() {
                                Some(r) => {
                                    names.insert(name_key, r.to_string());
                                }
                                None => problem(format!(
                                    "the role for {name_key:?} in [names] must be text"
                                )),
                            }
                        }
                    }
                    _ => problem(
                        "names must be a table such as [names] \"Anna\" = \"my sister\"".into(),
                    ),
                },
                other => problem(format!(
                    "unknown setting `{other}` was ignored (known: safety_threshold, contacts, names, plain, share_plan_openings, pack, focus, rhythm, due, label)"
                )),
            }
        }
        config.safety_threshold = threshold;
        config.contacts = contacts;
        config.names = names;
        config.plain = plain;
        config.share_plan_openings = openings;
        config
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
        let c = Config::parse(
            "safety_threshold = 7\n[[contacts]]\nname = \"Sam\"\nphone = \"555\"\n",
            "c.toml",
        );
        assert_eq!(c.safety_threshold, Some(7));
        assert_eq!(c.contact_lines(), vec!["Sam: 555".to_string()]);
        assert!(c.problems.is_empty());
    }

    #[test]
    fn reads_a_label_and_refuses_a_blank_one() {
        let c = Config::parse("label = \"  A.B., clinic 4711 \"\n", "c.toml");
        assert_eq!(c.label.as_deref(), Some("A.B., clinic 4711"));
        assert!(c.problems.is_empty());
        for blank in ["label = \"  \"\n", "label = 7\n"] {
            let c = Config::parse(blank, "c.toml");
            assert_eq!(c.label, None);
            assert!(
                c.problems[0].contains("label must be a text"),
                "{:?}",
                c.problems
            );
        }
    }

    #[test]
    fn one_mistake_never_hides_the_other_contacts() {
        let c = Config::parse(
            "safety_threshold = 11\ncolour = 1\n[[contacts]]\nname = \"Sam\"\nnotes = \"typo\"\n[[contacts]]\nname = \"Ali\"\nphone = \"556\"\n",
            "c.toml",
        );
        assert_eq!(c.safety_threshold, None);
        assert_eq!(c.contact_lines(), vec!["Ali: 556".to_string()]);
        assert_eq!(c.problems.len(), 3, "{:#?}", c.problems);
        assert!(c.problems.iter().all(|p| p.contains("c.toml")));
        let broken = Config::parse("contacts = [", "c.toml");
        assert!(
            broken.problems[0].contains("line 1"),
            "{:?}",
            broken.problems
        );
    }
}
