//! Which entries a list or an export is about (`--person`, `--feeling`,
//! `--contains`, `--shared`/`--private`, `--pack`, `--lane`). Text is
//! compared without case or accents. Pure: no I/O.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::cli::FilterArgs;
use crate::entry::{Entry, Value, keys};
use crate::error::Error;

/// The filters asked for; an entry must pass every one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    person: Option<String>,
    feeling: Option<String>,
    contains: Option<String>,
    shared: Option<bool>,
    pack: Option<String>,
    lane: bool,
}

impl Filter {
    /// The filters of the command line, or `None` when none was given.
    pub fn from_args(args: &FilterArgs) -> Result<Option<Filter>, Error> {
        let text = |flag: &str, v: &Option<String>| -> Result<Option<String>, Error> {
            match v {
                None => Ok(None),
                Some(v) if fold(v).trim().is_empty() => {
                    Err(Error::Usage(format!("{flag} needs some text to look for")))
                }
                Some(v) => Ok(Some(fold(v).trim().to_string())),
            }
        };
        let filter = Filter {
            person: text("--person", &args.person)?,
            feeling: text("--feeling", &args.feeling)?,
            contains: text("--contains", &args.contains)?,
            shared: match (args.shared, args.private) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            },
            pack: args.pack.as_ref().map(|p| p.trim().to_string()),
            lane: args.lane,
        };
        Ok((filter != Filter::default()).then_some(filter))
    }

    /// Whether `e` passes every filter.
    pub fn matches(&self, e: &Entry) -> bool {
        if self.shared.is_some_and(|s| s != e.shared) {
            return false;
        }
        if self.lane && !e.safety_lane {
            return false;
        }
        if self.pack.as_ref().is_some_and(|p| *p != e.pack.id) {
            return false;
        }
        if let Some(person) = &self.person {
            let named = e
                .text(keys::OTHER_WHO)
                .is_some_and(|who| fold(who).contains(person.as_str()));
            if !named {
                return false;
            }
        }
        if let Some(feeling) = &self.feeling {
            let named = e.answers.iter().any(|a| match &a.value {
                Value::Feelings(list) => list.iter().any(|f| fold(&f.name).trim() == feeling),
                _ => false,
            });
            if !named {
                return false;
            }
        }
        if let Some(needle) = &self.contains {
            let found = e.answers.iter().any(|a| match &a.value {
                Value::Text(t) => fold(t).contains(needle.as_str()),
                Value::Feelings(list) => {
                    list.iter().any(|f| fold(&f.name).contains(needle.as_str()))
                }
                _ => false,
            }) || e
                .nudge
                .as_ref()
                .and_then(|n| n.answer.as_deref())
                .is_some_and(|a| fold(a).contains(needle.as_str()))
                || e.tags.iter().any(|t| fold(t).contains(needle.as_str()));
            if !found {
                return false;
            }
        }
        true
    }

    /// The filters in words, for the first lines of a filtered summary.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(p) = &self.person {
            parts.push(format!("about the person \"{p}\""));
        }
        if let Some(f) = &self.feeling {
            parts.push(format!("naming the feeling \"{f}\""));
        }
        if let Some(c) = &self.contains {
            parts.push(format!("containing \"{c}\""));
        }
        match self.shared {
            Some(true) => parts.push("shared".into()),
            Some(false) => parts.push("private".into()),
            None => {}
        }
        if let Some(p) = &self.pack {
            parts.push(format!("written with the pack {p}"));
        }
        if self.lane {
            parts.push("through the safety steps".into());
        }
        parts.join(", ")
    }
}

/// `text` for comparing: lower case, without accents or other marks.
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    text.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}
