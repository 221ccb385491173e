//! A later reflection on an entry: what the person sees now, what came up
//! about it in a session, and how strong the feelings are now. Kept in a
//! file of its own beside its entry, whose bytes never change; shared or
//! private with its entry. Pure: no I/O, clock or terminal.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::entry::{Answer, Kind, Value, rfc3339_seconds, short_id};

/// The version of a reflection file.
pub const SCHEMA_VERSION: u32 = 1;

/// The keys of a reflection's answers (and of `reflect --answers`).
pub mod keys {
    pub const NOW: &str = "reflect.now";
    pub const SESSION: &str = "reflect.session";
    pub const DISTRESS: &str = "reflect.distress";
}

/// The questions, in the order they are asked.
pub const QUESTIONS: [(&str, Kind, &str); 3] = [
    (
        keys::NOW,
        Kind::LongText,
        "Looking at this moment now, with some distance: what do you see in it that you did not see then?",
    ),
    (
        keys::SESSION,
        Kind::LongText,
        "Did it come up in a session? If so, what came up about it there?",
    ),
    (
        keys::DISTRESS,
        Kind::Rating,
        "Thinking of it now, how strong are your feelings about it, from 0 (calm) to 10 (the strongest)?",
    ),
];

/// One reflection, as stored in its JSON file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reflection {
    pub schema: u32,
    /// Its own id: 32 lowercase hex characters.
    pub id: String,
    /// The id of the entry it looks back at.
    pub entry: String,
    #[serde(with = "rfc3339_seconds")]
    pub created: DateTime<FixedOffset>,
    pub answers: Vec<Answer>,
}

impl Reflection {
    /// `YYYY-MM-DDTHH-MM-SS-<short id>.json`, in its own local time.
    pub fn file_name(&self) -> String {
        format!(
            "{}-{}.json",
            self.created.format("%Y-%m-%dT%H-%M-%S"),
            short_id(&self.id)
        )
    }

    /// The re-rating, when it was given.
    pub fn distress(&self) -> Option<u8> {
        self.answers
            .iter()
            .find(|a| a.key == keys::DISTRESS)
            .and_then(|a| a.value.as_rating())
    }

    /// Whether the file can be read as this version of mentalog writes it.
    pub fn check(&self) -> Result<(), String> {
        if self.schema == 0 || self.schema > SCHEMA_VERSION {
            return Err(format!(
                "its reflection schema is {}, and this mentalog reads 1 to {SCHEMA_VERSION}; update mentalog to read it",
                self.schema
            ));
        }
        if let Some(a) = self.answers.iter().find(|a| !a.value.fits(a.kind)) {
            return Err(format!(
                "the answer to {} is not {}",
                a.key,
                a.kind.expected()
            ));
        }
        Ok(())
    }
}

/// An answer to one of [`QUESTIONS`], as it is stored.
pub fn answer(key: &str, value: Value) -> Option<Answer> {
    let (key, kind, question) = QUESTIONS.iter().find(|(k, ..)| *k == key)?;
    Some(Answer {
        key: (*key).to_string(),
        kind: *kind,
        question: (*question).to_string(),
        framing: None,
        value,
    })
}
