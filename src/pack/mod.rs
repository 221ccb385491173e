//! Prompt packs: the questions, their order and wording, the safety threshold,
//! the feelings list, the nudges, urge tracking, measures, a focus and a
//! rhythm, as plain data (TOML). This module parses and validates a pack,
//! resolves it into the steps a walk asks, and evaluates nudge signals.
//! Pure: no I/O.

use std::collections::BTreeSet;

use serde::{Deserialize, Deserializer};

use crate::entry::{Answer, Kind, PackRef, Value, keys};

pub mod check;
pub mod measure;
mod validate;

pub use measure::{Measure, MeasureItem, Scale, ScoreMethod, Subscale};

mod builtin;

use builtin::BUILTIN_SOURCE;
pub use builtin::{BUILTIN, BUILTIN_ID};

/// The pack format this build writes and reads; version 1 packs (no
/// `format` key) read as they are.
pub const FORMAT: u32 = 2;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pack {
    /// The pack format: 1 (the default) or 2.
    #[serde(default = "format_one")]
    pub format: u32,
    pub id: String,
    /// A whole number; a higher number is newer. `"1"` reads as 1.
    #[serde(deserialize_with = "whole_version")]
    pub version: u32,
    /// The title a person sees (`name` in format 1).
    #[serde(alias = "name")]
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// The language of the wording, such as "en" or "nl" (default "en").
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub author: Option<String>,
    /// A note for the person, shown by `pack show` and at setup.
    #[serde(default)]
    pub note: Option<String>,
    /// The focus agreed in a session, shown at the top of every walk and in
    /// the summary after the safety section.
    #[serde(default)]
    pub focus: Option<String>,
    /// The question asking whether a moment was about the focus.
    #[serde(default)]
    pub focus_question: Option<String>,
    /// How often the person and therapist agreed to write, such as
    /// "2 per week" (see `crate::rhythm`).
    #[serde(default)]
    pub rhythm: Option<String>,
    /// Urge tracking at arrival; off unless the pack turns it on.
    #[serde(default)]
    pub urges: Option<Urges>,
    /// Questionnaires added as data.
    #[serde(default)]
    pub measures: Vec<Measure>,
    /// Whether the export shows measure scores (never the walk).
    #[serde(default)]
    pub show_scores: bool,
    /// The fixed lines of the safety floor, translated. Absent: English.
    #[serde(default)]
    pub fixed: Option<Fixed>,
    /// Distress at or above this leads to the safety lane (0-10).
    #[serde(default = "default_threshold")]
    pub safety_threshold: u8,
    /// A rise of this much between the latest arrival check and the
    /// re-rating at the end shows the lane's closing before saving.
    #[serde(default = "default_rise")]
    pub safety_rise: u8,
    #[serde(default)]
    pub feelings: Vec<String>,
    pub safety: SafetyWording,
    pub steps: Vec<Step>,
    #[serde(default)]
    pub nudges: Vec<Nudge>,
}

fn format_one() -> u32 {
    1
}

/// A version written as a whole number or, as format 1 packs do, a string
/// holding one.
fn whole_version<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum V {
        N(u32),
        S(String),
    }
    match V::deserialize(d)? {
        V::N(n) => Ok(n),
        V::S(s) => s.trim().parse().map_err(|_| {
            serde::de::Error::custom(format!(
                "`version` must be a whole number such as 1 or 2, not {s:?}"
            ))
        }),
    }
}

/// Urge tracking (domain section 3): an urge rating and whether it was
/// acted on, asked at arrival. Either can open the safety lane.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Urges {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// An urge at or above this opens the safety lane (0-10).
    #[serde(default = "default_threshold")]
    pub threshold: u8,
    #[serde(default = "default_urge_question")]
    pub question: String,
    #[serde(default = "default_urge_anchors")]
    pub anchors: [String; 2],
    #[serde(default = "default_acted_question")]
    pub acted_question: String,
    /// Said when an urge at the threshold, or one acted on, opens the lane.
    #[serde(default = "default_urge_acknowledgement")]
    pub acknowledgement: String,
}

/// The acknowledgement when an urge opens the safety lane.
pub const URGE_ACKNOWLEDGEMENT: &str = "Thank you for answering that honestly. Urges like these matter, whether or not you acted on them.";

fn default_urge_acknowledgement() -> String {
    URGE_ACKNOWLEDGEMENT.into()
}

pub const URGE_QUESTION: &str = "How strong is any urge to hurt yourself right now?";
pub const ACTED_QUESTION: &str =
    "Since you last wrote, have you acted on an urge to hurt yourself?";

fn default_urge_question() -> String {
    URGE_QUESTION.into()
}

fn default_acted_question() -> String {
    ACTED_QUESTION.into()
}

fn default_urge_anchors() -> [String; 2] {
    ["no urge".into(), "as strong as it gets".into()]
}

/// The default question about the focus.
pub const FOCUS_QUESTION: &str = "Was this moment about the focus you agreed on?";

/// The lines of the safety floor, which no pack can remove. A pack in
/// another language translates every one of them, or none (then they stay
/// in English).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixed {
    pub emergency: String,
    pub no_contact: String,
    pub arrival_needed: String,
    pub for_now: String,
    pub no_contacts: String,
    pub lane_share_question: String,
    pub lane_share_help: String,
    pub lane_share_whole: String,
    pub lane_share_steps: String,
    pub lane_share_nothing: String,
}

/// Said in the safety lane, whatever the pack.
pub const EMERGENCY_LINE: &str =
    "If you are in immediate danger, call your local emergency number.";
/// Said at setup and in the safety lane, whatever the pack.
pub const NO_CONTACT_LINE: &str =
    "This journal doesn't contact anyone. Your therapist sees only what you choose to export.";
/// Words for now when no crisis plan is written.
pub const FOR_NOW_LINES: &str = "For now, if you can, reach out to someone you trust, or to your care team.\nStay with someone, or somewhere you feel a little safer, until this passes.";
pub const NO_CONTACTS_LINE: &str = "No crisis contacts are set up in mentalog yet.";

/// Whether a language tag is English: "en", "en-GB", "en_US", "English".
pub fn is_english(language: &str) -> bool {
    let l = language.trim().to_ascii_lowercase();
    l == "en" || l.starts_with("en-") || l.starts_with("en_") || l == "english"
}

/// The English fixed lines.
pub fn english_fixed() -> Fixed {
    Fixed {
        emergency: EMERGENCY_LINE.into(),
        no_contact: NO_CONTACT_LINE.into(),
        arrival_needed: ARRIVAL_NEEDED.into(),
        for_now: FOR_NOW_LINES.into(),
        no_contacts: NO_CONTACTS_LINE.into(),
        lane_share_question: LANE_SHARE_QUESTION.into(),
        lane_share_help: LANE_SHARE_HELP.into(),
        lane_share_whole: LANE_SHARE_ITEMS[0].into(),
        lane_share_steps: LANE_SHARE_ITEMS[1].into(),
        lane_share_nothing: LANE_SHARE_ITEMS[2].into(),
    }
}

/// The keys of `[fixed]`, in order.
pub const FIXED_KEYS: [&str; 10] = [
    "emergency",
    "no_contact",
    "arrival_needed",
    "for_now",
    "no_contacts",
    "lane_share_question",
    "lane_share_help",
    "lane_share_whole",
    "lane_share_steps",
    "lane_share_nothing",
];

/// Why the arrival check cannot be skipped.
pub const ARRIVAL_NEEDED: &str =
    "This one is needed so that mentalog can show your crisis plan when things are very hard.";
/// The question at the end of the safety lane, and its three answers.
pub const LANE_SHARE_QUESTION: &str = "May your therapist see that today was this hard?";
pub const LANE_SHARE_HELP: &str = "Nothing is sent now: this only decides what goes into a summary when you export one. You can change it later with mentalog share or unshare.";
pub const LANE_SHARE_ITEMS: [&str; 3] = [
    "Yes, the whole entry, with what you wrote",
    "Only that the safety steps opened today: the date, how strong your feelings were and your answers about safety, not what you wrote",
    "No, keep it private: nothing of it will be in a summary",
];

fn default_threshold() -> u8 {
    8
}

fn default_rise() -> u8 {
    3
}

fn default_thoughts_acknowledgement() -> String {
    DEFAULT_THOUGHTS_ACKNOWLEDGEMENT.to_string()
}

/// Said after a "yes" or "not sure" to the safety question, whatever the
/// distress, when the pack has no wording of its own.
pub const DEFAULT_THOUGHTS_ACKNOWLEDGEMENT: &str = "Thank you for answering that honestly. Thoughts like these matter, whether you feel calm or overwhelmed right now.";

fn yes() -> bool {
    true
}

/// The pack's wording for the safety lane. The emergency line and the
/// statement that mentalog contacts no one are fixed and not part of a pack.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SafetyWording {
    /// One short, non-minimising acknowledgement, for very strong feelings.
    pub acknowledgement: String,
    /// The acknowledgement after a "yes" or "not sure" to the safety question.
    #[serde(default = "default_thoughts_acknowledgement")]
    pub thoughts_acknowledgement: String,
    /// The offer to write a line or two now.
    pub note_question: String,
    #[serde(default)]
    pub note_help: Option<String>,
    /// Said when the lane's entry has been saved.
    pub closing: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub key: String,
    /// Off: the step is not asked (a pack can turn a step off without
    /// removing it).
    #[serde(default = "yes")]
    pub enabled: bool,
    pub kind: Kind,
    pub question: String,
    #[serde(default)]
    pub help: Option<String>,
    /// Words that change how the question is read ("this is a guess"),
    /// shown before it and stored with the answer.
    #[serde(default)]
    pub framing: Option<String>,
    /// Ask this step only if one of these steps was answered (or a nudge
    /// after one of them drew an answer): no "how sure are you about that
    /// guess" without a guess.
    #[serde(default)]
    pub needs_any: Vec<String>,
    /// A heading shown before this step, to mark a new part of the walk.
    #[serde(default)]
    pub intro: Option<String>,
    #[serde(default = "yes")]
    pub skippable: bool,
    /// Words for 0 and 10 on a rating.
    #[serde(default)]
    pub anchors: Option<[String; 2]>,
    /// The options of a `choice` step.
    #[serde(default)]
    pub options: Vec<String>,
    /// The response scale of a measure item (kind `scale`); set when the
    /// pack is resolved, never written in a pack.
    #[serde(skip)]
    pub scale: Option<Scale>,
}

impl Step {
    /// A step mentalog adds itself (urges, the focus, measure items).
    pub fn new(key: &str, kind: Kind, question: &str) -> Step {
        Step {
            key: key.into(),
            enabled: true,
            kind,
            question: question.into(),
            help: None,
            framing: None,
            needs_any: Vec::new(),
            intro: None,
            skippable: true,
            anchors: None,
            options: Vec::new(),
            scale: None,
        }
    }

    fn with_anchors(mut self, anchors: [String; 2]) -> Step {
        self.anchors = Some(anchors);
        self
    }
}

/// A gentle question shown at most once per entry, after the step `after`,
/// when any of its signals holds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Nudge {
    pub id: String,
    /// The step, or steps, after which it may appear.
    pub after: After,
    pub text: String,
    #[serde(default = "yes")]
    pub enabled: bool,
    pub when: Vec<Signal>,
}

/// One step key, or several.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum After {
    One(String),
    Many(Vec<String>),
}

impl After {
    pub fn keys(&self) -> &[String] {
        match self {
            After::One(k) => std::slice::from_ref(k),
            After::Many(v) => v,
        }
    }

    pub fn contains(&self, key: &str) -> bool {
        self.keys().iter().any(|k| k == key)
    }
}

/// Simple heuristics over the answers given so far. They will misfire at
/// times, which is why nudges are worded tentatively and can be skipped.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "signal", rename_all = "snake_case", deny_unknown_fields)]
pub enum Signal {
    /// The rating at `key` is at least `value`.
    RatingAtLeast { key: String, value: u8 },
    /// Any of `words` appears in the text of any of `keys`.
    Words {
        keys: Vec<String>,
        words: Vec<String>,
    },
    /// Any of `words` appears in the answer just given: the nudge comes
    /// where the words were written.
    WordsHere { words: Vec<String> },
    /// Every one of `of` holds.
    All { of: Vec<Signal> },
    /// `of` does not hold.
    Not { of: Box<Signal> },
    /// The text at `key` is missing or blank, or is one of `words` or contains one.
    BlankOr { key: String, words: Vec<String> },
    /// At least `min_words` words were written across `keys`, and no feeling
    /// was named or every feeling was at most `max_intensity`.
    FewFeelings {
        keys: Vec<String>,
        min_words: usize,
        max_intensity: u8,
    },
    /// At least `min_words` were written across `rich` and nothing in any of `blank`.
    OneSided {
        rich: Vec<String>,
        blank: Vec<String>,
        min_words: usize,
    },
}

/// A pack that does not parse or does not make sense, with what to fix.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct PackError(pub String);

/// The kind each fixed key must have; `None` means any text kind.
fn fixed_kind(key: &str) -> Option<Option<Kind>> {
    use keys::*;
    Some(match key {
        ARRIVAL_DISTRESS | OTHER_CERTAINTY | AFTER_DISTRESS => Some(Kind::Rating),
        ARRIVAL_SAFETY => Some(Kind::YesNoUnsure),
        SELF_FEELINGS => Some(Kind::Feelings),
        SHARE_INCLUDE => Some(Kind::YesNo),
        WHAT_HAPPENED | TURNING_POINT | SELF_BODY | SELF_THOUGHTS | SELF_NEEDS | SELF_ACTIONS
        | OTHER_WHO | OTHER_FEELING | OTHER_INTENT | OTHER_ALTERNATIVE | SELF_AS_SEEN
        | AFTER_SHIFT | SHARE_TOPIC => None,
        _ => return None,
    })
}

impl Pack {
    /// The built-in pack.
    pub fn builtin() -> Pack {
        Pack::parse(BUILTIN_SOURCE).expect("the built-in pack is valid (tested)")
    }

    /// Parses and validates a pack from TOML.
    /// The rules are those of `mentalog pack check`; the error names the
    /// first problems with their line and column.
    pub fn parse(source: &str) -> Result<Pack, PackError> {
        let checked = check::check(source);
        match checked.pack {
            Some(pack) => Ok(pack),
            None => Err(PackError(check::first_errors(
                source,
                &checked.problems,
                None,
            ))),
        }
    }

    pub fn reference(&self) -> PackRef {
        PackRef {
            id: self.id.clone(),
            version: self.version.to_string(),
        }
    }

    /// The fixed lines of the safety floor in the pack's language, or in
    /// English when the pack does not translate them.
    pub fn fixed(&self) -> Fixed {
        // Only a translation may replace them (`pack check` refuses the rest).
        let english = self.language.as_deref().is_none_or(is_english);
        match &self.fixed {
            Some(fixed) if !english => fixed.clone(),
            _ => english_fixed(),
        }
    }

    /// The urge threshold, when urge tracking is on.
    pub fn urge_threshold(&self) -> Option<u8> {
        self.urges
            .as_ref()
            .filter(|u| u.enabled)
            .map(|u| u.threshold)
    }

    /// The steps a walk asks, in order: the pack's steps that are on, the
    /// urge questions after the arrival check when tracking is on, the
    /// focus question when there is a focus, and the items of the measures
    /// that are due. The arrival check is never skippable and every other
    /// step always is. The result is what the walk, an answers file and
    /// `pack show` go by; its `focus` is the one given (the config's focus,
    /// or the pack's own).
    pub fn resolve(&self, focus: Option<&str>, measures_due: &dyn Fn(&Measure) -> bool) -> Pack {
        let mut pack = self.clone();
        pack.focus = focus
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(str::to_string);
        let focus = pack.focus.as_deref();
        let on: BTreeSet<&str> = self
            .steps
            .iter()
            .filter(|s| s.enabled)
            .map(|s| s.key.as_str())
            .collect();
        let mut steps: Vec<Step> = Vec::new();
        for step in self.steps.iter().filter(|s| s.enabled) {
            let mut step = step.clone();
            let arrival = step.key == keys::ARRIVAL_DISTRESS || step.key == keys::ARRIVAL_SAFETY;
            step.skippable = !arrival;
            // A condition on steps that are all off would hide this one for good.
            let needs: Vec<String> = step
                .needs_any
                .iter()
                .filter(|k| on.contains(k.as_str()))
                .cloned()
                .collect();
            step.needs_any = needs;
            if step.key == keys::FOCUS_ABOUT && focus.is_none() {
                continue;
            }
            steps.push(step);
        }
        let after_arrival = |steps: &Vec<Step>| {
            steps
                .iter()
                .rposition(|s| {
                    s.key == keys::ARRIVAL_SAFETY
                        || s.key == keys::ARRIVAL_DISTRESS
                        || s.key == keys::ARRIVAL_URGE
                        || s.key == keys::ARRIVAL_URGE_ACTED
                })
                .map_or(0, |i| i + 1)
        };
        let before_sharing = |steps: &Vec<Step>| {
            steps
                .iter()
                .position(|s| s.key == keys::SHARE_TOPIC || s.key == keys::SHARE_INCLUDE)
                .unwrap_or(steps.len())
        };
        if let Some(urges) = self.urges.as_ref().filter(|u| u.enabled) {
            let at = after_arrival(&steps);
            let urge = Step::new(keys::ARRIVAL_URGE, Kind::Rating, &urges.question)
                .with_anchors(urges.anchors.clone());
            let acted = Step::new(keys::ARRIVAL_URGE_ACTED, Kind::YesNo, &urges.acted_question);
            steps.splice(at..at, [urge, acted]);
        }
        for measure in self.measures.iter().filter(|m| measures_due(m)) {
            let mut items: Vec<Step> = measure
                .items
                .iter()
                .map(|item| {
                    let mut step = Step::new(&measure.item_key(item), Kind::Scale, &item.text);
                    step.options = measure.scale.labels();
                    step.scale = Some(measure.scale.clone());
                    step
                })
                .collect();
            if let Some(first) = items.first_mut() {
                first.intro = Some(measure.title.clone());
                first.help = measure.instructions.clone();
            }
            let at = match measure.at.as_deref() {
                Some("start") => after_arrival(&steps),
                None | Some("end") => before_sharing(&steps),
                Some(key) => steps
                    .iter()
                    .position(|s| s.key == key)
                    .map_or_else(|| before_sharing(&steps), |i| i + 1),
            };
            // Never inside the arrival check: the lane is decided there.
            let at = at.max(after_arrival(&steps));
            steps.splice(at..at, items);
        }
        if let Some(focus) = focus {
            let framing = format!("Your focus for now: \u{201c}{}\u{201d}", focus.trim());
            match steps.iter_mut().find(|s| s.key == keys::FOCUS_ABOUT) {
                Some(step) => step.framing = Some(framing),
                None => {
                    let question = self.focus_question.as_deref().unwrap_or(FOCUS_QUESTION);
                    let mut step = Step::new(keys::FOCUS_ABOUT, Kind::YesNo, question);
                    step.framing = Some(framing);
                    let at = before_sharing(&steps);
                    steps.insert(at, step);
                }
            }
        }
        pack.steps = steps;
        pack
    }

    pub fn step(&self, key: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.key == key)
    }
}

impl Signal {
    /// Whether the signal holds for the answers given so far, `here` being
    /// the step just answered.
    pub fn holds(&self, answers: &[Answer], here: &str) -> bool {
        let text = |key: &str| -> &str {
            answers
                .iter()
                .find(|a| a.key == key)
                .and_then(|a| a.value.as_text())
                .unwrap_or("")
        };
        let word_count = |keys: &[String]| -> usize {
            keys.iter()
                .map(|k| text(k).split_whitespace().count())
                .sum()
        };
        match self {
            Signal::RatingAtLeast { key, value } => answers
                .iter()
                .find(|a| &a.key == key)
                .and_then(|a| a.value.as_rating())
                .is_some_and(|r| r >= *value),
            Signal::Words { keys, words } => keys.iter().any(|k| contains_any(text(k), words)),
            Signal::WordsHere { words } => contains_any(text(here), words),
            Signal::All { of } => of.iter().all(|s| s.holds(answers, here)),
            Signal::Not { of } => !of.holds(answers, here),
            Signal::BlankOr { key, words } => {
                let t = text(key);
                t.trim().is_empty() || contains_any(t, words)
            }
            Signal::FewFeelings {
                keys,
                min_words,
                max_intensity,
            } => {
                let feelings = answers.iter().find_map(|a| match &a.value {
                    Value::Feelings(f) if a.key == keys::SELF_FEELINGS => Some(f),
                    _ => None,
                });
                let low = match feelings {
                    None => true,
                    Some(f) => f
                        .iter()
                        .all(|f| f.intensity.is_some_and(|i| i <= *max_intensity)),
                };
                low && word_count(keys) >= *min_words
            }
            Signal::OneSided {
                rich,
                blank,
                min_words,
            } => word_count(rich) >= *min_words && blank.iter().all(|k| text(k).trim().is_empty()),
        }
    }
}

/// Case-insensitive search for whole words or phrases, so "never" matches
/// "Never!" but not "nevertheless".
fn contains_any(text: &str, words: &[String]) -> bool {
    let hay = normalise(text);
    words.iter().any(|w| {
        let needle = normalise(w);
        !needle.trim().is_empty() && hay.contains(&format!(" {} ", needle.trim()))
    })
}

fn normalise(text: &str) -> String {
    let mut out = String::from(" ");
    for c in text.chars() {
        // Curly apostrophes count as straight ones: "don’t" is "don't".
        let c = if c == '\u{2019}' { '\'' } else { c };
        if c.is_alphanumeric() || c == '\'' {
            out.extend(c.to_lowercase());
        } else {
            out.push(' ');
        }
    }
    out.push(' ');
    // Fold runs of spaces so phrases match across punctuation.
    let mut folded = String::with_capacity(out.len());
    for c in out.chars() {
        if !(c == ' ' && folded.ends_with(' ')) {
            folded.push(c);
        }
    }
    folded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_measure_and_no_translation_gets_inside_the_safety_floor() {
        let mut pack = Pack::builtin();
        pack.measures = vec![
            toml::from_str(
                r#"
id = "m"
title = "M"
citation = "c"
permission = "p"
at = "arrival.distress"
scale = { min = 0, max = 3, anchors = ["never", "always"] }
items = [{ id = "a", text = "A" }]
subscales = [{ id = "s", title = "S", items = ["a"], score = "sum" }]
"#,
            )
            .unwrap(),
        ];
        let walk = pack.resolve(None, &|_| true);
        let keys: Vec<&str> = walk.steps.iter().take(3).map(|s| s.key.as_str()).collect();
        assert_eq!(
            keys,
            [keys::ARRIVAL_DISTRESS, keys::ARRIVAL_SAFETY, "measure.m.a"]
        );
        let mut fixed = english_fixed();
        fixed.emergency = "Take a deep breath.".into();
        pack.fixed = Some(fixed);
        assert_eq!(
            pack.fixed().emergency,
            EMERGENCY_LINE,
            "English: no replacement"
        );
        pack.language = Some("nl".into());
        assert_eq!(pack.fixed().emergency, "Take a deep breath.");
    }

    fn text(key: &str, t: &str) -> Answer {
        Answer {
            key: key.into(),
            kind: Kind::LongText,
            question: String::new(),
            framing: None,
            value: Value::Text(t.into()),
        }
    }

    #[test]
    fn builtin_pack_is_valid() {
        let pack = Pack::builtin();
        assert_eq!(pack.id, BUILTIN_ID);
        assert_eq!(pack.safety_threshold, 8);
        assert!(pack.step(keys::SHARE_INCLUDE).is_some());
    }

    #[test]
    fn words_match_whole_words_only() {
        let w = vec!["never".to_string(), "i know he".to_string()];
        assert!(contains_any("He NEVER listens!", &w));
        assert!(contains_any("I know he did it", &w));
        assert!(!contains_any("nevertheless, fine", &w));
        assert!(contains_any("I don’t know", &["don't know".to_string()]));
    }

    #[test]
    fn one_sided_needs_words_on_one_side_and_nothing_on_the_other() {
        let s = Signal::OneSided {
            rich: vec!["a".into()],
            blank: vec!["b".into()],
            min_words: 3,
        };
        assert!(s.holds(&[text("a", "one two three")], "a"));
        assert!(!s.holds(&[text("a", "one two")], "a"));
        assert!(!s.holds(&[text("a", "one two three"), text("b", "x")], "a"));
    }

    #[test]
    fn a_nudge_before_the_safety_lane_is_decided_is_refused() {
        let src =
            BUILTIN_SOURCE.replace("after = \"other.feeling\"", "after = \"arrival.distress\"");
        let err = Pack::parse(&src).unwrap_err().to_string();
        assert!(err.contains("arrival check"), "{err}");
    }

    #[test]
    fn broken_packs_are_refused_with_the_reason() {
        let src = BUILTIN_SOURCE.replace("key = \"arrival.safety\"", "key = \"arrival.safe\"");
        let err = Pack::parse(&src).unwrap_err().to_string();
        assert!(err.contains("arrival.safety"), "{err}");
        let src = BUILTIN_SOURCE.replace("kind = \"yes_no\"", "kind = \"rating\"");
        let err = Pack::parse(&src).unwrap_err().to_string();
        assert!(err.contains("share.include"), "{err}");
    }
}
