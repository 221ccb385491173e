//! The summary for the next session, built from the shared entries of a
//! period: safety first, the patient's own topics, a short look at the period,
//! a few episodes, then every shared entry. No interpretation, no labels, no
//! score of the person. Pure: filtering and counting only.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::entry::{
    Entry, Feeling, Kind, NudgeRecord, PackRef, Value, clean, keys, one_line, rfc3339_seconds,
};

/// The version of the summary document; its JSON Schema is `schemas/summary.schema.json`.
pub const SCHEMA: &str = "mentalog.summary/1";

/// How many episodes are shown at most.
pub const MAX_EPISODES: usize = 3;
/// How many feelings "at a glance" names at most.
pub const MAX_FEELINGS: usize = 5;

/// The days a summary covers, both ends included, each entry on the day
/// it was written in its own offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    /// `None`: from the first entry.
    pub since: Option<NaiveDate>,
    pub until: NaiveDate,
}

impl Period {
    pub fn contains(&self, e: &Entry) -> bool {
        let day = e.created.date_naive();
        self.since.is_none_or(|s| day >= s) && day <= self.until
    }
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub schema: &'static str,
    pub period: Period,
    pub next_session: Option<NaiveDate>,
    pub pseudonymized: bool,
    pub safety: Safety,
    pub topics: Vec<Topic>,
    pub glance: Glance,
    pub episodes: Vec<Episode>,
    pub entries: Vec<EntryView>,
}

#[derive(Debug, Serialize)]
pub struct Safety {
    /// Entries written through the safety lane.
    pub lane: Vec<Moment>,
    /// "yes" or "not sure" to the safety question outside the safety lane
    /// (the lane's own are in [`Moment::safety_answer`]).
    pub answers: Vec<SafetyAnswer>,
}

#[derive(Debug, Serialize)]
pub struct Moment {
    pub id: String,
    pub created: String,
    pub distress: Option<u8>,
    /// The answer to the safety question, when it was "yes" or "not sure".
    pub safety_answer: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SafetyAnswer {
    pub id: String,
    pub created: String,
    pub answer: String,
}

#[derive(Debug, Serialize)]
pub struct Topic {
    pub id: String,
    pub created: String,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct Glance {
    pub entries: usize,
    pub first: Option<String>,
    pub last: Option<String>,
    pub distress: Vec<DistressPair>,
    /// Mean of end minus start over the entries with both, to one decimal.
    pub average_change: Option<f64>,
    pub feelings: Vec<FeelingCount>,
    /// People named in two or more entries, by the patient's own labels.
    pub people: Vec<PersonCount>,
    pub certainty: Vec<u8>,
    /// Entries with a guess about the other person.
    pub guesses: usize,
    /// Of those, how many offered another way to read it.
    pub alternatives: usize,
}

#[derive(Debug, Serialize)]
pub struct DistressPair {
    pub id: String,
    pub created: String,
    pub start: Option<u8>,
    pub end: Option<u8>,
}

#[derive(Debug, Serialize)]
pub struct FeelingCount {
    pub name: String,
    pub entries: usize,
    pub average_intensity: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct PersonCount {
    pub label: String,
    pub entries: usize,
}

#[derive(Debug, Serialize)]
pub struct Episode {
    pub id: String,
    pub created: String,
    /// The patient asked to talk about it (they wrote a topic).
    pub chosen: bool,
    pub what_happened: Option<String>,
    pub feelings: Vec<Feeling>,
    pub who: Option<String>,
    pub guess: Option<String>,
    pub certainty: Option<u8>,
    pub alternative: Option<String>,
    pub distress_start: Option<u8>,
    pub distress_end: Option<u8>,
}

#[derive(Debug, Serialize)]
pub struct EntryView {
    pub id: String,
    pub created: String,
    pub pack: PackRef,
    pub safety_lane: bool,
    pub answers: Vec<AnswerView>,
    pub nudge: Option<NudgeRecord>,
}

#[derive(Debug, Serialize)]
pub struct AnswerView {
    pub key: String,
    pub kind: Kind,
    pub question: String,
    pub value: Value,
    /// The value as plain text, for the human formats.
    pub text: String,
}

/// Builds the summary from `entries`: only the shared ones in `period` count.
pub fn build(
    entries: &[Entry],
    period: Period,
    next_session: Option<NaiveDate>,
    pseudonymized: bool,
) -> Summary {
    let mut shared: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.shared && period.contains(e))
        .collect();
    // Oldest first, by the instant written; the id settles ties.
    shared.sort_by(|a, b| (a.created, &a.id).cmp(&(b.created, &b.id)));

    Summary {
        schema: SCHEMA,
        period,
        next_session,
        pseudonymized,
        safety: safety(&shared),
        topics: shared
            .iter()
            .filter_map(|e| {
                text(e, keys::SHARE_TOPIC).map(|t| Topic {
                    id: e.short_id().to_string(),
                    created: time(e),
                    text: t,
                })
            })
            .collect(),
        glance: glance(&shared),
        episodes: episodes(&shared),
        entries: shared.iter().map(|e| view(e)).collect(),
    }
}

fn time(e: &Entry) -> String {
    rfc3339_seconds::format(&e.created)
}

/// A text answer with anything that could drive a terminal removed, or `None` when blank.
fn text(e: &Entry, key: &str) -> Option<String> {
    e.text(key).map(clean).filter(|t| !t.trim().is_empty())
}

fn safety(shared: &[&Entry]) -> Safety {
    let worrying = |e: &Entry| {
        e.text(keys::ARRIVAL_SAFETY)
            .filter(|a| *a == "yes" || *a == "not sure")
            .map(str::to_string)
    };
    Safety {
        lane: shared
            .iter()
            .filter(|e| e.safety_lane)
            .map(|e| Moment {
                id: e.short_id().to_string(),
                created: time(e),
                distress: e.rating(keys::ARRIVAL_DISTRESS),
                safety_answer: worrying(e),
            })
            .collect(),
        answers: shared
            .iter()
            .filter(|e| !e.safety_lane)
            .filter_map(|e| {
                Some(SafetyAnswer {
                    id: e.short_id().to_string(),
                    created: time(e),
                    answer: worrying(e)?,
                })
            })
            .collect(),
    }
}

fn one_decimal(x: f64) -> f64 {
    // + 0.0 turns a rounded -0.0 into 0.0, which prints the same everywhere.
    (x * 10.0).round() / 10.0 + 0.0
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| one_decimal(sum / n as f64))
}

fn feelings(e: &Entry) -> &[Feeling] {
    match e.answer(keys::SELF_FEELINGS).map(|a| &a.value) {
        Some(Value::Feelings(f)) => f,
        _ => &[],
    }
}

fn glance(shared: &[&Entry]) -> Glance {
    let distress: Vec<DistressPair> = shared
        .iter()
        .filter(|e| {
            e.rating(keys::ARRIVAL_DISTRESS).is_some() || e.rating(keys::AFTER_DISTRESS).is_some()
        })
        .map(|e| DistressPair {
            id: e.short_id().to_string(),
            created: time(e),
            start: e.rating(keys::ARRIVAL_DISTRESS),
            end: e.rating(keys::AFTER_DISTRESS),
        })
        .collect();
    let average_change = mean(
        distress
            .iter()
            .filter_map(|d| Some(d.end? as f64 - d.start? as f64)),
    );

    // Feelings by name, ignoring case; shown as first written.
    let mut by_feeling: BTreeMap<String, (String, usize, Vec<u8>)> = BTreeMap::new();
    for e in shared {
        let mut seen = Vec::new();
        for f in feelings(e) {
            let key = f.name.trim().to_lowercase();
            if key.is_empty() || seen.contains(&key) {
                continue;
            }
            seen.push(key.clone());
            let slot = by_feeling
                .entry(key)
                .or_insert_with(|| (one_line(&f.name), 0, Vec::new()));
            slot.1 += 1;
            slot.2.extend(f.intensity);
        }
    }
    let mut feelings: Vec<FeelingCount> = by_feeling
        .into_values()
        .map(|(name, entries, intensities)| FeelingCount {
            name,
            entries,
            average_intensity: mean(intensities.iter().map(|&i| i as f64)),
        })
        .collect();
    // Most often named first; among equals, the strongest on average.
    feelings.sort_by(|a, b| {
        b.entries
            .cmp(&a.entries)
            .then_with(|| {
                b.average_intensity
                    .unwrap_or(-1.0)
                    .total_cmp(&a.average_intensity.unwrap_or(-1.0))
            })
            .then_with(|| a.name.cmp(&b.name))
    });
    feelings.truncate(MAX_FEELINGS);

    let mut by_person: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for e in shared {
        if let Some(who) = text(e, keys::OTHER_WHO) {
            let slot = by_person
                .entry(who.trim().to_lowercase())
                .or_insert_with(|| (one_line(&who), 0));
            slot.1 += 1;
        }
    }
    let mut people: Vec<PersonCount> = by_person
        .into_values()
        .filter(|(_, n)| *n >= 2)
        .map(|(label, entries)| PersonCount { label, entries })
        .collect();
    people.sort_by(|a, b| {
        b.entries
            .cmp(&a.entries)
            .then_with(|| a.label.cmp(&b.label))
    });

    let certainty: Vec<u8> = shared
        .iter()
        .filter_map(|e| e.rating(keys::OTHER_CERTAINTY))
        .collect();
    let guessed = |e: &&&Entry| {
        text(e, keys::OTHER_FEELING).is_some() || text(e, keys::OTHER_INTENT).is_some()
    };
    Glance {
        entries: shared.len(),
        first: shared.first().map(|e| time(e)),
        last: shared.last().map(|e| time(e)),
        distress,
        average_change,
        feelings,
        people,
        certainty,
        guesses: shared.iter().filter(guessed).count(),
        alternatives: shared
            .iter()
            .filter(guessed)
            .filter(|e| text(e, keys::OTHER_ALTERNATIVE).is_some())
            .count(),
    }
}

/// Up to three: those the patient asked to bring (a topic), then the
/// highest distress; shown oldest first.
fn episodes(shared: &[&Entry]) -> Vec<Episode> {
    let candidates: Vec<&&Entry> = shared.iter().filter(|e| !e.safety_lane).collect();
    let peak = |e: &Entry| {
        e.rating(keys::ARRIVAL_DISTRESS)
            .max(e.rating(keys::AFTER_DISTRESS))
            .unwrap_or(0)
    };
    let mut ranked = candidates.clone();
    ranked.sort_by(|a, b| {
        let chosen = |e: &Entry| text(e, keys::SHARE_TOPIC).is_some();
        chosen(b)
            .cmp(&chosen(a))
            .then_with(|| peak(b).cmp(&peak(a)))
            .then_with(|| (b.created, &b.id).cmp(&(a.created, &a.id)))
    });
    ranked.truncate(MAX_EPISODES);
    ranked.sort_by(|a, b| (a.created, &a.id).cmp(&(b.created, &b.id)));
    ranked
        .into_iter()
        .map(|e| {
            let mut main: Vec<Feeling> = feelings(e)
                .iter()
                .map(|f| Feeling {
                    name: one_line(&f.name),
                    intensity: f.intensity,
                })
                .collect();
            main.sort_by_key(|f| std::cmp::Reverse(f.intensity));
            main.truncate(3);
            let guess = match (text(e, keys::OTHER_FEELING), text(e, keys::OTHER_INTENT)) {
                (Some(f), Some(i)) => Some(format!("{f}\n{i}")),
                (f, i) => f.or(i),
            };
            Episode {
                id: e.short_id().to_string(),
                created: time(e),
                chosen: text(e, keys::SHARE_TOPIC).is_some(),
                what_happened: text(e, keys::WHAT_HAPPENED),
                feelings: main,
                who: text(e, keys::OTHER_WHO).map(|w| one_line(&w)),
                guess,
                certainty: e.rating(keys::OTHER_CERTAINTY),
                alternative: text(e, keys::OTHER_ALTERNATIVE),
                distress_start: e.rating(keys::ARRIVAL_DISTRESS),
                distress_end: e.rating(keys::AFTER_DISTRESS),
            }
        })
        .collect()
}

fn view(e: &Entry) -> EntryView {
    EntryView {
        id: e.id.clone(),
        created: time(e),
        pack: e.pack.clone(),
        safety_lane: e.safety_lane,
        // "Include this entry...?" is yes for every entry here: it says nothing.
        answers: e
            .answers
            .iter()
            .filter(|a| a.key != keys::SHARE_INCLUDE)
            .map(|a| {
                let value = match &a.value {
                    Value::Text(t) => Value::Text(clean(t)),
                    Value::Feelings(f) => Value::Feelings(
                        f.iter()
                            .map(|f| Feeling {
                                name: one_line(&f.name),
                                intensity: f.intensity,
                            })
                            .collect(),
                    ),
                    v => v.clone(),
                };
                AnswerView {
                    key: a.key.clone(),
                    kind: a.kind,
                    question: clean(&a.question),
                    text: value.plain_text(),
                    value,
                }
            })
            .collect(),
        nudge: e.nudge.as_ref().map(|n| NudgeRecord {
            id: n.id.clone(),
            text: clean(&n.text),
            answer: n.answer.as_deref().map(clean),
        }),
    }
}
