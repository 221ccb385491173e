//! The journal's domain types: an entry, its answers and their values, and the
//! schema version stored in every file. Pure: no I/O, clock, environment or terminal.

use std::fmt;

use chrono::{DateTime, FixedOffset, SecondsFormat};
use serde::{Deserialize, Serialize};

/// Version of the entry file format. Bump it when the shape changes, and keep
/// reading the older versions.
/// Version 2 added what the safety lane and the walk record besides the
/// answers (`safety_shared`, `plan`, `rechecks`, `follows`, `plan_opened`,
/// an answer's `framing`, a nudge's `after`); version 1 files read as they are.
/// Version 3 added the focus (`focus`, and a `focus.about` answer), urge
/// tracking answers, measure items (kind `scale`) and their scores.
/// Version 4 added `tags` and `imported` (entries brought in from another
/// journal, such as jrnl, by `mentalog import`).
pub const SCHEMA_VERSION: u32 = 4;

/// Keys of the steps whose meaning the safety lane and the summary rely on.
pub mod keys {
    pub const ARRIVAL_DISTRESS: &str = "arrival.distress";
    pub const ARRIVAL_SAFETY: &str = "arrival.safety";
    pub const WHAT_HAPPENED: &str = "moment.what_happened";
    pub const TURNING_POINT: &str = "moment.turning_point";
    pub const SELF_FEELINGS: &str = "self.feelings";
    pub const SELF_BODY: &str = "self.body";
    pub const SELF_THOUGHTS: &str = "self.thoughts";
    pub const SELF_NEEDS: &str = "self.needs";
    pub const SELF_ACTIONS: &str = "self.actions";
    pub const OTHER_WHO: &str = "other.who";
    pub const OTHER_FEELING: &str = "other.feeling";
    pub const OTHER_INTENT: &str = "other.intent";
    pub const OTHER_CERTAINTY: &str = "other.certainty";
    pub const OTHER_ALTERNATIVE: &str = "other.alternative";
    pub const SELF_AS_SEEN: &str = "self.as_seen";
    pub const AFTER_DISTRESS: &str = "after.distress";
    pub const AFTER_SHIFT: &str = "after.shift";
    pub const SHARE_TOPIC: &str = "share.topic";
    pub const SHARE_INCLUDE: &str = "share.include";
    /// The line or two written in the safety lane; not a pack step.
    pub const SAFETY_NOTE: &str = "safety.note";
    /// What the therapist may see of a safety-lane entry; not a pack step.
    pub const SAFETY_SHARE: &str = "safety.share";
    /// Urge tracking at arrival, when the pack turns it on.
    pub const ARRIVAL_URGE: &str = "arrival.urge";
    pub const ARRIVAL_URGE_ACTED: &str = "arrival.urge_acted";
    /// Whether the moment was about the focus, when there is one.
    pub const FOCUS_ABOUT: &str = "focus.about";
    /// Answers to measure items are stored under `measure.<id>.<item>`.
    pub const MEASURE_PREFIX: &str = "measure.";
}

/// What sort of answer a step takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    ShortText,
    LongText,
    /// A whole number from 0 to 10.
    Rating,
    /// One of the step's options.
    Choice,
    /// Feelings, each with an intensity from 0 to 10.
    Feelings,
    /// "yes", "no" or "not sure".
    YesNoUnsure,
    /// A plain yes or no, stored as a boolean.
    YesNo,
    /// A point on a measure's response scale, stored as a whole number.
    Scale,
}

impl Kind {
    pub fn is_text(self) -> bool {
        matches!(self, Kind::ShortText | Kind::LongText)
    }

    /// How the answers file spells a value of this kind, for error messages.
    pub fn expected(self) -> &'static str {
        match self {
            Kind::ShortText | Kind::LongText => "a string",
            Kind::Rating => "a whole number from 0 to 10",
            Kind::Choice => "a string naming one of the options",
            Kind::Feelings => r#"a list of {"name": ..., "intensity": 0-10}"#,
            Kind::YesNoUnsure => r#""yes", "no" or "not sure""#,
            Kind::YesNo => "true or false",
            Kind::Scale => "a whole number on the measure's scale",
        }
    }
}

pub const YES_NO_UNSURE: [&str; 3] = ["yes", "no", "not sure"];

/// One feeling named in `self.feelings`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feeling {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intensity: Option<u8>,
}

/// The value of an answer. Its meaning comes from the answer's [`Kind`].
/// Stored untagged: `true`, `6`, `"text"` or a list of feelings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Bool(bool),
    Rating(u8),
    Text(String),
    Feelings(Vec<Feeling>),
}

/// Read by the shape of the JSON value, in one pass: serde's untagged
/// derive would buffer every answer and try each variant in turn, building
/// an error for each that does not match (a third of reading a journal).
impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        struct Shape;
        impl<'de> serde::de::Visitor<'de> for Shape {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "true or false, a whole number from 0 to 255, a text, or a list of feelings",
                )
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Value, E> {
                Ok(Value::Bool(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
                u8::try_from(v)
                    .map(Value::Rating)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(v), &self))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
                u8::try_from(v)
                    .map(Value::Rating)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Signed(v), &self))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
                Ok(Value::Text(v.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Value, E> {
                Ok(Value::Text(v))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Value, A::Error> {
                let mut feelings = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
                while let Some(f) = seq.next_element::<Feeling>()? {
                    feelings.push(f);
                }
                Ok(Value::Feelings(feelings))
            }
        }
        d.deserialize_any(Shape)
    }
}

impl Value {
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }

    pub fn as_rating(&self) -> Option<u8> {
        match self {
            Value::Rating(r) => Some(*r),
            _ => None,
        }
    }

    /// The value as plain text: yes / no, the number, the text, or the
    /// feelings as `name (intensity)` separated by commas.
    pub fn plain_text(&self) -> String {
        match self {
            Value::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
            Value::Rating(r) => r.to_string(),
            Value::Text(t) => t.clone(),
            Value::Feelings(f) => f
                .iter()
                .map(|f| match f.intensity {
                    Some(i) => format!("{} ({i})", f.name),
                    None => f.name.clone(),
                })
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    /// Reads a value of `kind` from the JSON of an answers file. `options` are
    /// the choices of a `choice` step. The error says what was expected.
    pub fn from_json(
        kind: Kind,
        options: &[String],
        json: &serde_json::Value,
    ) -> Result<Value, String> {
        use serde_json::Value as J;
        let wrong = || format!("expected {}, found {}", kind.expected(), describe(json));
        match kind {
            Kind::ShortText | Kind::LongText => match json {
                J::String(s) => Ok(Value::Text(s.clone())),
                _ => Err(wrong()),
            },
            Kind::Rating => json
                .as_u64()
                .and_then(|n| rating(n).ok())
                .map(Value::Rating)
                .ok_or_else(|| match json.as_i64() {
                    Some(n) => format!("expected a whole number from 0 to 10, found {n}"),
                    None => wrong(),
                }),
            Kind::Choice => match json {
                J::String(s) if options.iter().any(|o| o == s) => Ok(Value::Text(s.clone())),
                J::String(s) => Err(format!(
                    "{s:?} is not one of the options: {}",
                    options.join(", ")
                )),
                _ => Err(wrong()),
            },
            Kind::YesNoUnsure => match json {
                J::String(s) if YES_NO_UNSURE.contains(&s.as_str()) => Ok(Value::Text(s.clone())),
                _ => Err(wrong()),
            },
            Kind::YesNo => match json {
                J::Bool(b) => Ok(Value::Bool(*b)),
                _ => Err(wrong()),
            },
            // `options` are the scale's points, as labels "0: never", "1", ...
            Kind::Scale => {
                let points: Vec<u64> = options
                    .iter()
                    .filter_map(|o| o.split(':').next()?.trim().parse().ok())
                    .collect();
                match json.as_u64() {
                    Some(n) if points.contains(&n) => Ok(Value::Rating(n as u8)),
                    _ => Err(format!(
                        "expected a whole number from {} to {}, found {}",
                        points.first().unwrap_or(&0),
                        points.last().unwrap_or(&0),
                        describe(json)
                    )),
                }
            }
            Kind::Feelings => {
                let list: Vec<Feeling> =
                    serde_json::from_value(json.clone()).map_err(|_| wrong())?;
                if let Some(f) = list.iter().find(|f| f.intensity.is_some_and(|i| i > 10)) {
                    return Err(format!(
                        "the intensity of {:?} must be a whole number from 0 to 10",
                        f.name
                    ));
                }
                if list.iter().any(|f| f.name.trim().is_empty()) {
                    return Err("every feeling needs a name".into());
                }
                Ok(Value::Feelings(list))
            }
        }
    }

    /// Whether the value fits `kind`; used to refuse damaged files.
    pub fn fits(&self, kind: Kind) -> bool {
        match (self, kind) {
            (Value::Text(_), Kind::ShortText | Kind::LongText | Kind::Choice) => true,
            (Value::Text(t), Kind::YesNoUnsure) => YES_NO_UNSURE.contains(&t.as_str()),
            (Value::Rating(r), Kind::Rating) => *r <= 10,
            (Value::Bool(_), Kind::YesNo) => true,
            (Value::Rating(_), Kind::Scale) => true,
            (Value::Feelings(f), Kind::Feelings) => {
                f.iter().all(|f| f.intensity.is_none_or(|i| i <= 10))
            }
            _ => false,
        }
    }
}

fn describe(json: &serde_json::Value) -> String {
    use serde_json::Value as J;
    match json {
        J::Null => "null".into(),
        J::Bool(b) => b.to_string(),
        J::Number(n) => n.to_string(),
        J::String(_) => "a string".into(),
        J::Array(_) => "a list".into(),
        J::Object(_) => "an object".into(),
    }
}

/// Parses a rating typed by a person: a whole number from 0 to 10.
pub fn parse_rating(text: &str) -> Result<u8, String> {
    let text = text.trim();
    text.parse::<u64>()
        .ok()
        .and_then(|n| rating(n).ok())
        .ok_or_else(|| "Please type a whole number from 0 to 10.".to_string())
}

fn rating(n: u64) -> Result<u8, ()> {
    if n <= 10 { Ok(n as u8) } else { Err(()) }
}

/// One answered step: the key, the kind, the question exactly as asked, the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub key: String,
    pub kind: Kind,
    pub question: String,
    /// Words shown with the question that change how it is read ("this is a
    /// guess"), stored so the answer is read as it was asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framing: Option<String>,
    pub value: Value,
}

/// Which prompt pack an entry was written with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackRef {
    pub id: String,
    pub version: String,
}

/// The reflective nudge shown during an entry, if any, and the answer to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NudgeRecord {
    pub id: String,
    pub text: String,
    pub answer: Option<String>,
    /// The step whose answer drew the nudge (absent in version 1 files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// The last answer given before the nudge was shown: where it goes
    /// when the step that drew it was skipped (as a blank guess is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown_after: Option<String>,
}

impl NudgeRecord {
    /// The answer the nudge is shown beneath, among `keys` (the answers
    /// shown): the step that drew it, else the last answer before it;
    /// `None`: at the end.
    pub fn place<'a>(&self, keys: impl Iterator<Item = &'a str> + Clone) -> Option<String> {
        [self.after.as_deref(), self.shown_after.as_deref()]
            .into_iter()
            .flatten()
            .find(|k| keys.clone().any(|a| a == *k))
            .map(str::to_string)
    }
}

/// What a person chose, at the end of the safety lane, that the therapist may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LaneShare {
    /// The whole entry, note included.
    Whole,
    /// Only that the safety steps opened: date, distress, the safety answer.
    StepsOnly,
    /// Nothing: the entry stays private.
    Nothing,
}

/// Whether a written crisis plan and contacts existed when the lane (or the
/// closing after rising distress) was shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanState {
    pub plan_written: bool,
    pub contacts: bool,
}

/// The arrival check asked again when an unfinished entry was resumed after a gap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recheck {
    #[serde(with = "rfc3339_seconds")]
    pub at: DateTime<FixedOffset>,
    pub distress: u8,
    pub safety: String,
    /// The urge questions, asked again when the pack tracks urges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urge: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urge_acted: Option<bool>,
}

/// One journal entry, as stored in its JSON file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub schema: u32,
    pub id: String,
    #[serde(with = "rfc3339_seconds")]
    pub created: DateTime<FixedOffset>,
    pub pack: PackRef,
    pub shared: bool,
    /// Written through the safety lane rather than the full walk.
    pub safety_lane: bool,
    pub answers: Vec<Answer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nudge: Option<NudgeRecord>,
    /// The therapist may see that the safety steps opened (date, distress,
    /// safety answer), even when the entry itself is private.
    #[serde(default, skip_serializing_if = "is_false")]
    pub safety_shared: bool,
    /// Set when the lane or its closing was shown: what plan there was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<PlanState>,
    /// Arrival checks asked again on resuming after a gap, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rechecks: Vec<Recheck>,
    /// The id of the safety-lane entry this entry looks back at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follows: Option<String>,
    /// Distress at the end reached the threshold or rose sharply, so the
    /// lane's closing was shown before saving.
    #[serde(default, skip_serializing_if = "is_false")]
    pub distress_rose: bool,
    /// How often the crisis plan was opened during the walk; recorded only
    /// when the person has turned that on in the config.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_opened: Option<u32>,
    /// The focus agreed with the therapist, as it read when the entry was
    /// written, if the walk asked about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus: Option<String>,
    /// Scores of the measures answered, computed when the entry was saved.
    /// Never shown to the person; exported only when `show_scores` was on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub measures: Vec<MeasureResult>,
    /// Words the person filed the entry under, in the order first written,
    /// without duplicates (an imported jrnl entry keeps its `@tags`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Set when the entry was brought in from another journal rather than
    /// written here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported: Option<Imported>,
}

/// Where an imported entry came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Imported {
    /// The journal program it came from: `"jrnl"`.
    pub from: String,
    /// The SHA-256 (lowercase hex) of the imported entry's date, time,
    /// title and body, so the same entry is recognised when imported again.
    pub source: String,
}

/// A measure's scores in one entry, with the words the export must print.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureResult {
    pub id: String,
    pub title: String,
    pub citation: String,
    pub permission: String,
    /// The pack allowed the export to show the scores.
    pub show_scores: bool,
    pub subscales: Vec<SubscaleResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscaleResult {
    pub id: String,
    pub title: String,
    /// "sum" or "mean".
    pub method: String,
    /// `None` when too few items were answered.
    pub score: Option<f64>,
    pub answered: usize,
    pub items: usize,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Entry {
    pub fn answer(&self, key: &str) -> Option<&Answer> {
        self.answers.iter().find(|a| a.key == key)
    }

    pub fn text(&self, key: &str) -> Option<&str> {
        self.answer(key).and_then(|a| a.value.as_text())
    }

    pub fn rating(&self, key: &str) -> Option<u8> {
        self.answer(key).and_then(|a| a.value.as_rating())
    }

    /// The distress of the latest arrival check: a recheck on resuming, or
    /// the first one.
    pub fn latest_arrival(&self) -> Option<u8> {
        latest_arrival(&self.rechecks, &self.answers)
    }

    /// Whether distress at the end reached `threshold` or rose by `rise` or
    /// more since the latest arrival check: writing raised it.
    pub fn distress_rose(&self, threshold: u8, rise: u8) -> bool {
        distress_rose(
            self.latest_arrival(),
            self.rating(keys::AFTER_DISTRESS),
            threshold,
            rise,
        )
    }

    /// The first eight characters of the id, used in file names and listings.
    pub fn short_id(&self) -> &str {
        short_id(&self.id)
    }

    /// The file name: `YYYY-MM-DDTHH-MM-SS-<short id>.json`, in the entry's own offset.
    pub fn file_name(&self) -> String {
        format!(
            "{}-{}.json",
            self.created.format("%Y-%m-%dT%H-%M-%S"),
            self.short_id()
        )
    }

    /// Checks what serde cannot: the schema version and that each value fits its kind.
    pub fn check(&self) -> Result<(), String> {
        if self.schema > SCHEMA_VERSION {
            return Err(format!(
                "it was written by a newer mentalog (entry schema {}, this one reads up to {}); update mentalog to read it",
                self.schema, SCHEMA_VERSION
            ));
        }
        if self.schema == 0 {
            return Err("its schema version is 0, which mentalog never wrote".into());
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

/// The distress of the latest arrival check among `rechecks` and `answers`:
/// the last recheck on resuming, or the first check.
pub fn latest_arrival(rechecks: &[Recheck], answers: &[Answer]) -> Option<u8> {
    rechecks.last().map(|r| r.distress).or_else(|| {
        answers
            .iter()
            .find(|a| a.key == keys::ARRIVAL_DISTRESS)
            .and_then(|a| a.value.as_rating())
    })
}

/// See [`Entry::distress_rose`].
pub fn distress_rose(arrival: Option<u8>, after: Option<u8>, threshold: u8, rise: u8) -> bool {
    match after {
        Some(a) => a >= threshold || arrival.is_some_and(|s| a >= s.saturating_add(rise)),
        None => false,
    }
}

/// The first line of `text`, cut at `max` characters with an ellipsis.
pub fn first_words(text: &str, max: usize) -> String {
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    let line = one_line(line);
    if line.chars().count() <= max {
        line
    } else {
        let cut: String = line.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

/// Untrusted text made safe to show; see [`crate::text`], the one gate.
pub fn clean(s: &str) -> String {
    crate::text::clean(s)
}

/// [`clean`], on one line: for names and labels shown inside a sentence.
pub fn one_line(s: &str) -> String {
    crate::text::one_line(s)
}

pub fn short_id(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

/// Stores times as RFC 3339 with whole seconds and an explicit offset
/// (`+00:00`, never `Z`), so files read the same wherever they were written.
pub mod rfc3339_seconds {
    use super::*;
    use serde::{Deserializer, Serializer};

    pub fn format(t: &DateTime<FixedOffset>) -> String {
        t.to_rfc3339_opts(SecondsFormat::Secs, false)
    }

    pub fn serialize<S: Serializer>(t: &DateTime<FixedOffset>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
        let s = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&s).map_err(serde::de::Error::custom)
    }
}

/// [`rfc3339_seconds`] for an optional time.
pub mod rfc3339_seconds_opt {
    use super::*;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(
        t: &Option<DateTime<FixedOffset>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&rfc3339_seconds::format(t)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
        match Option::<String>::deserialize(d)? {
            Some(s) => DateTime::parse_from_rfc3339(&s)
                .map(Some)
                .map_err(serde::de::Error::custom),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_value_is_read_by_its_shape_and_anything_else_is_refused() {
        let read = |j: serde_json::Value| serde_json::from_value::<Value>(j);
        assert_eq!(read(json!(true)).unwrap(), Value::Bool(true));
        assert_eq!(read(json!(7)).unwrap(), Value::Rating(7));
        assert_eq!(read(json!(255)).unwrap(), Value::Rating(255));
        assert_eq!(read(json!("seven")).unwrap(), Value::Text("seven".into()));
        assert_eq!(
            read(json!([{"name": "hurt", "intensity": 6}, {"name": "calm"}])).unwrap(),
            Value::Feelings(vec![
                Feeling {
                    name: "hurt".into(),
                    intensity: Some(6)
                },
                Feeling {
                    name: "calm".into(),
                    intensity: None
                },
            ])
        );
        for bad in [
            json!(256),
            json!(-1),
            json!(7.5),
            json!(null),
            json!({"a": 1}),
            json!([1]),
            json!([{"name": "x", "extra": 1}]),
        ] {
            assert!(read(bad.clone()).is_err(), "{bad} was read");
        }
        // Straight from text, as entry files are read.
        let v: Value = serde_json::from_str(r#""a \"quoted\" word""#).unwrap();
        assert_eq!(v, Value::Text("a \"quoted\" word".into()));
        for v in [
            Value::Bool(false),
            Value::Rating(3),
            Value::Text("x".into()),
            Value::Feelings(vec![]),
        ] {
            let again: Value = serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
            assert_eq!(again, v);
        }
    }

    #[test]
    fn ratings_accept_only_whole_numbers_up_to_ten() {
        assert_eq!(parse_rating(" 7 "), Ok(7));
        assert_eq!(parse_rating("0"), Ok(0));
        for bad in ["11", "-1", "7.5", "seven", ""] {
            assert!(parse_rating(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn values_are_read_by_kind() {
        let opts = vec!["a".to_string()];
        assert_eq!(
            Value::from_json(Kind::Rating, &[], &json!(10)),
            Ok(Value::Rating(10))
        );
        assert!(Value::from_json(Kind::Rating, &[], &json!(11)).is_err());
        assert!(Value::from_json(Kind::Rating, &[], &json!("5")).is_err());
        assert!(Value::from_json(Kind::YesNoUnsure, &[], &json!("maybe")).is_err());
        assert_eq!(
            Value::from_json(Kind::YesNo, &[], &json!(true)),
            Ok(Value::Bool(true))
        );
        assert!(Value::from_json(Kind::Choice, &opts, &json!("b")).is_err());
        let f = json!([{"name": "sad", "intensity": 11}]);
        assert!(Value::from_json(Kind::Feelings, &[], &f).is_err());
    }

    #[test]
    fn times_keep_their_offset_and_whole_seconds() {
        let t = DateTime::parse_from_rfc3339("2026-03-08T09:00:00.123+00:00").unwrap();
        assert_eq!(rfc3339_seconds::format(&t), "2026-03-08T09:00:00+00:00");
    }
}
