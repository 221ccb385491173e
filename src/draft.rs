//! An entry in progress, as stored after every answer so that nothing is
//! lost. Its own module so that the walk, the store and the prompter do not
//! import each other: the store saves drafts, the walk fills them in. Pure.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::entry::{
    self, Answer, Entry, LaneShare, NudgeRecord, PackRef, PlanState, Recheck, Value, first_words,
    keys,
};

/// Over this long since the last answer, a resumed walk asks the arrival
/// check again: the person arriving now may be in a different state.
pub const RECHECK_AFTER_MINUTES: i64 = 60;

/// An entry in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Draft {
    pub schema: u32,
    pub id: String,
    #[serde(with = "entry::rfc3339_seconds")]
    pub created: DateTime<FixedOffset>,
    /// When the last answer was given (absent in drafts of version 1).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "entry::rfc3339_seconds_opt"
    )]
    pub updated: Option<DateTime<FixedOffset>>,
    pub pack: PackRef,
    pub answers: Vec<Answer>,
    /// Steps already asked, answered or skipped, in the order they were
    /// asked, so a resumed walk goes on from where it stopped and `/back`
    /// knows where to return. A nudge is recorded as `nudge:<id>`.
    pub visited: Vec<String>,
    pub safety_lane: bool,
    pub nudge: Option<NudgeRecord>,
    /// A nudge that is due after the step just answered but not asked yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nudge_due: Option<String>,
    /// While the feelings step is under way: how many intensities have been
    /// asked, so a resumed walk asks only the rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feelings_asked: Option<usize>,
    /// What the editor held when the walk was stopped while it was open:
    /// offered back at that question when the walk resumes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_edit: Option<PendingEdit>,
    /// Earlier answers to questions the person went back over, filled in
    /// when each is asked again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier: Vec<Answer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lane_share: Option<LaneShare>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<PlanState>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub distress_rose: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rechecks: Vec<Recheck>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follows: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_opened: Option<u32>,
}

/// The editor's text for the question `key`, kept when the walk stopped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PendingEdit {
    pub key: String,
    pub text: String,
}

impl Draft {
    pub fn new(id: String, created: DateTime<FixedOffset>, pack: PackRef) -> Draft {
        Draft {
            schema: entry::SCHEMA_VERSION,
            id,
            created,
            updated: None,
            pack,
            answers: Vec::new(),
            visited: Vec::new(),
            safety_lane: false,
            nudge: None,
            nudge_due: None,
            feelings_asked: None,
            pending_edit: None,
            earlier: Vec::new(),
            lane_share: None,
            plan: None,
            distress_rose: false,
            rechecks: Vec::new(),
            follows: None,
            plan_opened: None,
        }
    }

    pub fn visited(&self, key: &str) -> bool {
        self.visited.iter().any(|k| k == key)
    }

    pub fn answer(&self, key: &str) -> Option<&Answer> {
        self.answers.iter().find(|a| a.key == key)
    }

    /// Whether any answer has been given: a walk with none leaves no draft.
    pub fn has_answers(&self) -> bool {
        !self.answers.is_empty() || self.nudge.as_ref().is_some_and(|n| n.answer.is_some())
    }

    /// Whether the last answer is long enough ago that the arrival check
    /// should be asked again.
    pub fn needs_recheck(&self, now: DateTime<FixedOffset>) -> bool {
        now.signed_duration_since(self.updated.unwrap_or(self.created))
            .num_minutes()
            > RECHECK_AFTER_MINUTES
    }

    /// The distress of the latest arrival check.
    pub fn latest_arrival(&self) -> Option<u8> {
        entry::latest_arrival(&self.rechecks, &self.answers)
    }

    /// The finished entry. Only an explicit yes shares it; a safety-lane
    /// entry is shared as the person chose at the end of the lane.
    pub fn into_entry(self) -> Entry {
        let (shared, safety_shared) = if self.safety_lane {
            match self.lane_share {
                Some(LaneShare::Whole) => (true, true),
                Some(LaneShare::StepsOnly) => (false, true),
                Some(LaneShare::Nothing) | None => (false, false),
            }
        } else {
            let yes = self
                .answers
                .iter()
                .any(|a| a.key == keys::SHARE_INCLUDE && a.value == Value::Bool(true));
            (yes, yes)
        };
        Entry {
            schema: entry::SCHEMA_VERSION,
            id: self.id,
            created: self.created,
            pack: self.pack,
            shared,
            safety_lane: self.safety_lane,
            answers: self.answers,
            nudge: self.nudge,
            safety_shared,
            plan: self.plan,
            rechecks: self.rechecks,
            follows: self.follows,
            distress_rose: self.distress_rose,
            plan_opened: self.plan_opened,
            focus: None,
            measures: Vec::new(),
            tags: Vec::new(),
            imported: None,
        }
    }

    /// When it was started, for a menu: "Tue 3 Nov, 21:40".
    pub fn started(&self) -> String {
        self.created.format("%a %-d %b, %H:%M").to_string()
    }

    /// The first words of what happened, if written.
    pub fn first_words(&self, max: usize) -> Option<String> {
        self.answer(keys::WHAT_HAPPENED)
            .and_then(|a| a.value.as_text())
            .map(|t| first_words(t, max))
            .filter(|t| !t.is_empty())
    }

    /// A line that helps the person recognise the draft.
    pub fn describe(&self) -> String {
        let answered = self.answers.len();
        let words = match self.first_words(40) {
            Some(t) => format!(": \"{t}\""),
            None => String::new(),
        };
        let plural = if answered == 1 { "" } else { "s" };
        format!(
            "started {}, {answered} answer{plural} so far{words}",
            self.started()
        )
    }
}
