//! The summary for the next session, built from what the person let the
//! therapist see of a period: safety first, the focus agreed in a session,
//! the patient's own topics, a short look at the period, a few episodes, the
//! measures a pack lets the export show, then every shared entry. No
//! interpretation, no labels, no score the therapist did not ask for. Pure:
//! filtering and counting only.
//!
//! [`select`] alone decides which entries may be shown; [`build`] takes
//! nothing but its [`Selection`].

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::Serialize;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::entry::{
    Entry, Feeling, Kind, PackRef, PlanState, SubscaleResult, Value, YES_NO_UNSURE, clean,
    first_words, keys, one_line, rfc3339_seconds,
};

/// The version of the summary document; its JSON Schema is `schemas/summary.schema.json`.
/// Version 2 added to the safety section (the crisis plan as it stood, the
/// lane note, distress that rose, plan openings, lane uses shared without
/// their entry), the turning point and what shifted to episodes, and an
/// answer's framing and where its nudge was shown to the shared entries.
/// Version 3 added `incomplete`.
/// Version 4 added `focus`, `safety.urges`, `measures` and the `scale`
/// kind of answer.
/// Version 5 added the brief form (`brief`, `topics_more`), `label`,
/// `provenance`, `threshold`, `sessions` and `glance.distress[].lane`, and
/// made `glance.certainty` a list of ratings with their day and person.
pub const SCHEMA: &str = "mentalog.summary/5";

/// How many characters of an entry's first words the focus section shows.
pub const FOCUS_WORDS: usize = 60;

/// How many episodes are shown at most.
pub const MAX_EPISODES: usize = 3;
/// How many feelings "at a glance" names at most.
pub const MAX_FEELINGS: usize = 5;
/// How many topics the brief form shows at most.
pub const BRIEF_TOPICS: usize = 5;
/// How many columns of the label are shown at most: one line of a page
/// header, whatever the config holds.
pub const MAX_LABEL_WIDTH: usize = 80;
/// The safety threshold when nothing sets one: the built-in pack's.
pub const DEFAULT_THRESHOLD: u8 = 8;

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
        self.contains_day(e.created.date_naive())
    }

    /// Whether the day (an entry's, in its own offset) is in the period.
    pub fn contains_day(&self, day: NaiveDate) -> bool {
        self.since.is_none_or(|s| day >= s) && day <= self.until
    }
}

/// What of a journal a summary may show, oldest first. Made only by
/// [`select`], so no summary can be built from entries it did not choose.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    shared: Vec<Entry>,
    safety_only: Vec<Entry>,
}

impl Selection {
    /// Entries the person shared whole.
    pub fn shared(&self) -> &[Entry] {
        &self.shared
    }

    /// Private entries of which the person shared only that the safety
    /// steps opened, each cut down to what that shows (see [`select`]).
    pub fn safety_only(&self) -> &[Entry] {
        &self.safety_only
    }

    /// Every entry something is shown of: the shared ones, then the safety-only ones.
    pub fn all(&self) -> impl Iterator<Item = &Entry> {
        self.shared.iter().chain(&self.safety_only)
    }

    /// The selection with `f` applied to every entry (swapping names, say).
    /// The safety-only entries are cut down again afterwards, so that `f`
    /// can never add to what they show.
    pub fn map(self, f: impl Fn(&Entry) -> Entry) -> Selection {
        // Each entry goes as its replacement is made: one copy at a time.
        let mut s = Selection {
            shared: self.shared.into_iter().map(|e| f(&e)).collect(),
            safety_only: self
                .safety_only
                .into_iter()
                .map(|e| steps_only(&f(&e)))
                .collect(),
        };
        s.sort();
        s
    }

    fn sort(&mut self) {
        // Oldest first, by the instant written; the id settles ties.
        for list in [&mut self.shared, &mut self.safety_only] {
            list.sort_by(|a, b| (a.created, &a.id).cmp(&(b.created, &b.id)));
        }
    }
}

/// The entries of `period` a summary may show, and how much of each:
/// - shared whole (`shared`): everything, in every part of the summary;
/// - only that the safety steps opened (`safety_shared` without `shared`):
///   the date, the arrival check (distress and the safety answer) and
///   whether a crisis plan and contacts existed, in the safety section alone.
///   The note and every other answer are dropped here, before anything
///   else sees the entry;
/// - anything else is private and leaves no trace.
pub fn select(entries: &[Entry], period: Period) -> Selection {
    let mut selection = Selection::default();
    for e in entries.iter().filter(|e| period.contains(e)) {
        if e.shared {
            selection.shared.push(e.clone());
        } else if e.safety_shared {
            selection.safety_only.push(steps_only(e));
        }
    }
    selection.sort();
    selection
}

/// [`select`], taking the entries rather than copying them.
pub fn select_owned(entries: Vec<Entry>, period: Period) -> Selection {
    let mut selection = Selection::default();
    for e in entries.into_iter().filter(|e| period.contains(e)) {
        if e.shared {
            selection.shared.push(e);
        } else if e.safety_shared {
            selection.safety_only.push(steps_only(&e));
        }
    }
    selection.sort();
    selection
}

/// The answers a summary reads of an entry beyond the appendix and the
/// episodes (see [`slim`]).
const SUMMARISED: [&str; 11] = [
    keys::ARRIVAL_DISTRESS,
    keys::ARRIVAL_SAFETY,
    keys::ARRIVAL_URGE,
    keys::ARRIVAL_URGE_ACTED,
    keys::AFTER_DISTRESS,
    keys::OTHER_WHO,
    keys::OTHER_CERTAINTY,
    keys::SELF_FEELINGS,
    keys::SHARE_TOPIC,
    keys::FOCUS_ABOUT,
    keys::SAFETY_NOTE,
];

/// An entry cut down to what every part of a summary but the appendix and
/// the episodes reads, so that a summary of years of entries holds little
/// of each: the answers in [`SUMMARISED`] and everything outside the
/// answers. An entry about the focus is kept whole (the focus section
/// quotes its first words, whichever answer they are in). A test checks
/// that a summary of slim entries is the summary of whole ones.
pub fn slim(mut e: Entry) -> Entry {
    let about_focus = matches!(
        e.answer(keys::FOCUS_ABOUT).map(|a| &a.value),
        Some(Value::Bool(true))
    );
    // The questions are shown only in the appendix.
    for a in &mut e.answers {
        a.question = String::new();
        a.framing = None;
    }
    if !about_focus {
        // Of the guess and the other reading, only whether there is one.
        let there: Vec<bool> = COUNTED.iter().map(|k| text(&e, k).is_some()).collect();
        e.answers.retain_mut(|a| {
            if let Some(i) = COUNTED.iter().position(|k| *k == a.key) {
                a.value = Value::Text("…".into());
                return there[i];
            }
            SUMMARISED.contains(&a.key.as_str())
        });
        e.answers.shrink_to_fit();
    }
    e
}

/// The answers a summary counts but does not quote, beyond the episodes
/// (see [`slim`]).
const COUNTED: [&str; 3] = [
    keys::OTHER_FEELING,
    keys::OTHER_INTENT,
    keys::OTHER_ALTERNATIVE,
];

/// What "only that the safety steps opened" lets through of an entry.
fn steps_only(e: &Entry) -> Entry {
    Entry {
        schema: e.schema,
        id: e.id.clone(),
        created: e.created,
        pack: e.pack.clone(),
        shared: false,
        safety_lane: e.safety_lane,
        answers: e
            .answers
            .iter()
            .filter(|a| {
                matches!(
                    a.key.as_str(),
                    keys::ARRIVAL_DISTRESS
                        | keys::ARRIVAL_SAFETY
                        | keys::ARRIVAL_URGE
                        | keys::ARRIVAL_URGE_ACTED
                )
            })
            .cloned()
            .collect(),
        nudge: None,
        safety_shared: true,
        plan: e.plan,
        rechecks: e.rechecks.clone(),
        follows: None,
        distress_rose: false,
        plan_opened: None,
        focus: None,
        measures: Vec::new(),
        tags: Vec::new(),
        imported: None,
    }
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub schema: &'static str,
    /// The label from the config (initials, a clinic number), printed at
    /// the top of every format and every printed page; never required.
    /// Sanitised, on one line, at most [`MAX_LABEL_WIDTH`] columns.
    pub label: Option<String>,
    /// The brief form: safety, focus, the newest topics, at a glance and
    /// the episodes; no measures and no appendix (`measures` and `entries`
    /// are empty).
    pub brief: bool,
    pub period: Period,
    pub next_session: Option<NaiveDate>,
    pub pseudonymized: bool,
    /// Some files of the journal could not be read, so the summary may miss
    /// what they held. Which files, and how many, is said on stderr only:
    /// an unreadable file may be a private entry.
    pub incomplete: bool,
    /// The filters that chose the shared entries this summary is about, in
    /// words ("about the person \"karl\""); absent when none. They never
    /// narrow the safety section.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    pub safety: Safety,
    /// The focus agreed in a session and the shared entries marked as about
    /// it, directly after the safety section; `None` (no section) when there
    /// is no focus now and no shared entry was marked.
    pub focus: Option<Focus>,
    pub topics: Vec<Topic>,
    /// Topics the full summary lists that the brief form does not: "and N
    /// more in the full summary". Always 0 in the full form.
    pub topics_more: usize,
    pub glance: Glance,
    /// The safety threshold in force, drawn on the chart as a line.
    pub threshold: u8,
    /// Days of sessions recorded within the period, ticks on the chart.
    pub sessions: Vec<NaiveDate>,
    pub episodes: Vec<Episode>,
    /// Scores of the measures whose pack let the export show them, after
    /// the episodes: the first page keeps the order the domain gives it
    /// (safety, focus, topics, at a glance, episodes), and scores listed
    /// per entry would push the episodes off it. Measures whose pack did
    /// not allow it are not here at all, not even as a name.
    pub measures: Vec<MeasureSummary>,
    pub entries: Vec<EntryView>,
    /// What wrote the summary, for the footer.
    pub provenance: Provenance,
}

/// mentalog's version and the packs the shared entries were written with.
#[derive(Debug, Serialize)]
pub struct Provenance {
    pub mentalog: String,
    /// Distinct pack id and version pairs of the shared entries, sorted by
    /// id, then version (as text); none when nothing is shared.
    pub packs: Vec<PackRef>,
}

/// What an export asks of [`build_with`] besides the selection.
#[derive(Clone)]
pub struct Options<'a> {
    /// The focus agreed now (the config's, else the pack's in use).
    pub focus: Option<&'a str>,
    /// The brief form; see [`Summary::brief`].
    pub brief: bool,
    /// The config's label, as written: [`build_with`] cleans and caps it.
    pub label: Option<&'a str>,
    /// The safety threshold in force: the config's, else the pack's in use.
    pub threshold: u8,
    /// Every session day recorded; those in the period become ticks.
    pub sessions: &'a [NaiveDate],
    /// Only the shared entries this accepts are summarised, but for the
    /// safety section, which always has every one ([`crate::filter`]).
    pub only: Option<&'a (dyn Fn(&Entry) -> bool + Sync)>,
    /// The filters in words, for [`Summary::filter`].
    pub filter: Option<&'a str>,
    /// The later reflections on a shared entry, for the appendix.
    pub reflections: Option<&'a LaterOf<'a>>,
    /// The appendix of shared entries is made later, one entry at a time
    /// ([`view`]), and the episodes from the whole entries
    /// ([`episode_entries`]): the selection holds [`slim`] entries.
    pub slim: bool,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            focus: None,
            brief: false,
            label: None,
            threshold: DEFAULT_THRESHOLD,
            sessions: &[],
            only: None,
            filter: None,
            reflections: None,
            slim: false,
        }
    }
}

/// Empty in every part when the person shared no use of the safety steps; the
/// human formats then say "No use of the safety steps was shared for this
/// period. Private entries are never shown."
#[derive(Debug, Serialize)]
pub struct Safety {
    /// Times the safety lane opened that the person let the therapist see:
    /// from entries shared whole and from those shared as "only that the
    /// safety steps opened".
    pub lane: Vec<Moment>,
    /// "yes" or "not sure" to the safety question outside the safety lane
    /// (the lane's own are in [`Moment::safety_answer`]).
    pub answers: Vec<SafetyAnswer>,
    /// Shared entries whose distress at the end reached the threshold or
    /// rose sharply, so the lane's closing was shown before saving.
    pub distress_rose: Vec<Rise>,
    /// Urge ratings and whether an urge was acted on, when the pack tracks
    /// them: from shared entries and from those shared as "only that the
    /// safety steps opened". Oldest first.
    pub urges: Vec<Urge>,
    /// How often the crisis plan was opened while writing, over the shared
    /// entries that kept count; `None` when none did.
    pub plan_opened: Option<PlanOpened>,
}

impl Safety {
    pub fn is_empty(&self) -> bool {
        self.lane.is_empty()
            && self.answers.is_empty()
            && self.distress_rose.is_empty()
            && self.urges.is_empty()
            && self.plan_opened.is_none()
    }
}

/// The urge answers of one entry (domain section 3: urge and action kept apart).
#[derive(Debug, Serialize)]
pub struct Urge {
    pub id: String,
    pub created: String,
    /// How strong the urge was, 0 to 10.
    pub urge: Option<u8>,
    /// Whether an urge was acted on.
    pub acted: Option<bool>,
    /// The whole entry is shared; if not, only its safety steps are.
    pub whole: bool,
}

/// The focus agreed with the therapist, and the shared entries the person
/// marked as about it.
#[derive(Debug, Serialize)]
pub struct Focus {
    /// The focus now: the config's, else the one of the pack in use.
    pub text: Option<String>,
    /// Oldest first.
    pub entries: Vec<FocusEntry>,
}

#[derive(Debug, Serialize)]
pub struct FocusEntry {
    pub id: String,
    pub created: String,
    /// The first words of the moment, to find it among the shared entries.
    pub words: Option<String>,
    /// The focus the entry was written under, when it differs from the
    /// focus now.
    pub written_under: Option<String>,
}

/// One measure's scores over the shared entries of the period, with the
/// words its pack says must be printed with them.
#[derive(Debug, Serialize)]
pub struct MeasureSummary {
    pub id: String,
    pub title: String,
    pub citation: String,
    pub permission: String,
    /// The scores of each entry that answered it, oldest first.
    pub entries: Vec<MeasureEntry>,
    /// Each subscale over the period.
    pub period: Vec<SubscalePeriod>,
}

#[derive(Debug, Serialize)]
pub struct MeasureEntry {
    pub id: String,
    pub created: String,
    pub subscales: Vec<SubscaleResult>,
}

#[derive(Debug, Serialize)]
pub struct SubscalePeriod {
    pub id: String,
    pub title: String,
    /// "sum" or "mean".
    pub method: String,
    /// Entries with a score (not those with too few items answered).
    pub scores: usize,
    /// Over those scores, to two decimals; `None` when there are none.
    pub mean: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct Moment {
    pub id: String,
    pub created: String,
    /// Distress at the arrival check that opened the lane.
    pub distress: Option<u8>,
    /// The answer to the safety question at that check: "yes", "not sure"
    /// or "no" (the lane opened for the intensity alone).
    pub safety_answer: Option<String>,
    /// Whether a written crisis plan and contacts existed then; `None` for
    /// entries written before mentalog recorded it.
    pub plan: Option<PlanState>,
    /// The whole entry is shared (and is among the shared entries); if not,
    /// only this line is.
    pub whole: bool,
    /// The person's own note from the lane, word for word; only when the
    /// whole entry is shared.
    pub note: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SafetyAnswer {
    pub id: String,
    pub created: String,
    pub answer: String,
}

#[derive(Debug, Serialize)]
pub struct Rise {
    pub id: String,
    pub created: String,
    /// Distress at the (latest) arrival check.
    pub start: Option<u8>,
    pub end: Option<u8>,
    /// The crisis plan and contacts there were when the closing was shown.
    pub plan: Option<PlanState>,
}

#[derive(Debug, Serialize)]
pub struct PlanOpened {
    /// Times opened, all these entries together.
    pub times: u32,
    /// Shared entries that kept count.
    pub entries: usize,
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
    /// Each certainty rating with its day and the person it was about.
    pub certainty: Vec<Certainty>,
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
    /// Written through the safety steps (marked on the chart by shape).
    pub lane: bool,
}

/// "8 (3 Nov, my manager)": a certainty rating that can be matched to its
/// relationship.
#[derive(Debug, Serialize)]
pub struct Certainty {
    pub id: String,
    pub created: String,
    pub value: u8,
    /// The other person, by the patient's own label.
    pub who: Option<String>,
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
    /// The moment just before things shifted.
    pub turning_point: Option<String>,
    pub feelings: Vec<Feeling>,
    pub who: Option<String>,
    /// The guess about the other person; when the first answer was blank
    /// and the nudge drew a guess, that guess.
    pub guess: Option<String>,
    pub certainty: Option<u8>,
    pub alternative: Option<String>,
    pub distress_start: Option<u8>,
    pub distress_end: Option<u8>,
    /// What changed in how the person sees it, if anything.
    pub shift: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct EntryView {
    pub id: String,
    pub created: String,
    pub pack: PackRef,
    pub safety_lane: bool,
    pub answers: Vec<AnswerView>,
    pub nudge: Option<NudgeView>,
    /// Later reflections on the entry (`mentalog reflect`), oldest first;
    /// absent when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reflections: Vec<ReflectionView>,
}

/// A later reflection on a shared entry, shared with it.
#[derive(Debug, Serialize)]
pub struct ReflectionView {
    pub created: String,
    pub answers: Vec<AnswerView>,
}

/// The reflective nudge shown during an entry, and the answer to it.
#[derive(Debug, Serialize)]
pub struct NudgeView {
    pub id: String,
    pub text: String,
    pub answer: Option<String>,
    /// The key of the answer it was shown after, one of the entry's
    /// answers; `None`: after the last one (older entries did not record it).
    pub after: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct AnswerView {
    pub key: String,
    pub kind: Kind,
    /// Words shown with the question that change how it is read.
    pub framing: Option<String>,
    pub question: String,
    pub value: Value,
    /// The value as plain text, for the human formats.
    pub text: String,
}

/// Builds the summary from what [`select`] chose, and nothing else, with
/// no focus agreed now; see [`build_with_focus`].
pub fn build(
    selection: &Selection,
    period: Period,
    next_session: Option<NaiveDate>,
    pseudonymized: bool,
) -> Summary {
    build_with_focus(selection, period, next_session, pseudonymized, None)
}

/// Builds the summary from what [`select`] chose, and nothing else.
/// `focus` is the focus agreed now (the config's, else the pack's in use).
pub fn build_with_focus(
    selection: &Selection,
    period: Period,
    next_session: Option<NaiveDate>,
    pseudonymized: bool,
    focus: Option<&str>,
) -> Summary {
    let options = Options {
        focus,
        ..Options::default()
    };
    build_with(selection, period, next_session, pseudonymized, &options)
}

/// Builds the summary from what [`select`] chose, and nothing else, in the
/// form and with the label `options` give.
pub fn build_with(
    selection: &Selection,
    period: Period,
    next_session: Option<NaiveDate>,
    pseudonymized: bool,
    options: &Options,
) -> Summary {
    let brief = options.brief;
    // The safety section sees every shared entry; the rest only those the
    // filters accept.
    let every: Vec<&Entry> = selection.shared.iter().collect();
    let shared: Vec<&Entry> = match options.only {
        Some(only) => every.iter().copied().filter(|e| only(e)).collect(),
        None => every.clone(),
    };
    let mut topics: Vec<Topic> = shared
        .iter()
        .filter_map(|e| {
            text(e, keys::SHARE_TOPIC).map(|t| Topic {
                id: e.short_id().to_string(),
                created: time(e),
                text: t,
            })
        })
        .collect();
    let mut topics_more = 0;
    if brief {
        let all = topics.len();
        topics = newest_topics(topics);
        topics_more = all - topics.len();
    }
    // Sorted and each once, so the footer reads the same whatever the
    // order entries were written in.
    let packs: BTreeSet<(String, String)> = shared
        .iter()
        .map(|e| (one_line(&e.pack.id), one_line(&e.pack.version)))
        .collect();
    // Sorted and each once, whatever the sessions file holds.
    let sessions: BTreeSet<NaiveDate> = options
        .sessions
        .iter()
        .copied()
        .filter(|d| period.since.is_none_or(|s| *d >= s) && *d <= period.until)
        .collect();
    Summary {
        schema: SCHEMA,
        label: options.label.and_then(label),
        brief,
        period,
        next_session,
        pseudonymized,
        incomplete: false,
        filter: options.filter.map(str::to_owned),
        safety: safety(&every, &selection.safety_only),
        focus: focus_section(&shared, options.focus),
        topics,
        topics_more,
        glance: glance(&shared),
        threshold: options.threshold,
        sessions: sessions.into_iter().collect(),
        episodes: episodes(&shared),
        measures: if brief { Vec::new() } else { measures(&shared) },
        entries: if brief || options.slim {
            Vec::new()
        } else {
            shared
                .iter()
                .map(|e| match options.reflections {
                    Some(later) => view_with(e, &later(e)),
                    None => view(e),
                })
                .collect()
        },
        provenance: Provenance {
            mentalog: env!("CARGO_PKG_VERSION").to_string(),
            packs: packs
                .into_iter()
                .map(|(id, version)| PackRef { id, version })
                .collect(),
        },
    }
}

/// The brief form's topics: the newest [`BRIEF_TOPICS`] that differ once
/// case and runs of spaces are set aside, each as it was last written, in
/// date order (oldest first) like the full list, which the brief list then
/// ends like.
fn newest_topics(all: Vec<Topic>) -> Vec<Topic> {
    let same = |t: &str| {
        t.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let mut seen = Vec::new();
    let mut kept = Vec::new();
    for topic in all.into_iter().rev() {
        if kept.len() == BRIEF_TOPICS {
            break;
        }
        let key = same(&topic.text);
        if !seen.contains(&key) {
            seen.push(key);
            kept.push(topic);
        }
    }
    kept.reverse();
    kept
}

/// The config's label as it may be printed: sanitised, on one line, cut to
/// [`MAX_LABEL_WIDTH`] columns (by display width) with an ellipsis; `None`
/// when nothing of it is left to show.
fn label(raw: &str) -> Option<String> {
    let line = one_line(raw);
    if line.is_empty() {
        return None;
    }
    if line.width() <= MAX_LABEL_WIDTH {
        return Some(line);
    }
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        width += c.width().unwrap_or(0);
        // One column is kept for the ellipsis.
        if width >= MAX_LABEL_WIDTH {
            break;
        }
        out.push(c);
    }
    out.truncate(out.trim_end().len());
    out.push('…');
    Some(out)
}

fn time(e: &Entry) -> String {
    rfc3339_seconds::format(&e.created)
}

/// A text answer with anything that could drive a terminal removed, or `None` when blank.
fn text(e: &Entry, key: &str) -> Option<String> {
    e.text(key).map(clean).filter(|t| !t.trim().is_empty())
}

/// "yes" or "not sure", the only safety answers the summary repeats
/// outside the lane.
fn worrying(answer: &str) -> Option<String> {
    matches!(answer, "yes" | "not sure").then(|| answer.to_string())
}

/// The answer to the safety question, if it is one of the three it can be.
fn any_answer(answer: &str) -> Option<String> {
    YES_NO_UNSURE.contains(&answer).then(|| answer.to_string())
}

fn safety(shared: &[&Entry], safety_only: &[Entry]) -> Safety {
    // Each lane use with whether its whole entry is shared, oldest first.
    let mut uses: Vec<(&Entry, bool)> = shared
        .iter()
        .filter(|e| e.safety_lane)
        .map(|e| (*e, true))
        .chain(safety_only.iter().map(|e| (e, false)))
        .collect();
    uses.sort_by(|(a, _), (b, _)| (a.created, &a.id).cmp(&(b.created, &b.id)));
    let lane = uses
        .into_iter()
        .map(|(e, whole)| {
            // The check that opened the lane: a recheck on resuming, or the first.
            let answer = match e.rechecks.last() {
                Some(r) => Some(r.safety.as_str()),
                None => e.text(keys::ARRIVAL_SAFETY),
            };
            Moment {
                id: e.short_id().to_string(),
                created: time(e),
                distress: e.latest_arrival(),
                safety_answer: answer.and_then(any_answer),
                plan: e.plan,
                whole,
                // A safety-only entry has no note left: select cut it.
                note: text(e, keys::SAFETY_NOTE),
            }
        })
        .collect();

    let mut answers = Vec::new();
    for e in shared.iter().filter(|e| !e.safety_lane) {
        let first = e
            .text(keys::ARRIVAL_SAFETY)
            .and_then(worrying)
            .map(|a| (time(e), a));
        let again = e
            .rechecks
            .iter()
            .filter_map(|r| Some((rfc3339_seconds::format(&r.at), worrying(&r.safety)?)));
        answers.extend(
            first
                .into_iter()
                .chain(again)
                .map(|(created, answer)| SafetyAnswer {
                    id: e.short_id().to_string(),
                    created,
                    answer,
                }),
        );
    }

    // Urges count as safety content: from entries shared whole and from
    // those shared as "only that the safety steps opened", which keep them.
    let mut urges: Vec<(&Entry, bool)> = shared
        .iter()
        .map(|e| (*e, true))
        .chain(safety_only.iter().map(|e| (e, false)))
        .collect();
    urges.sort_by(|(a, _), (b, _)| (a.created, &a.id).cmp(&(b.created, &b.id)));
    let urges = urges
        .into_iter()
        .filter_map(|(e, whole)| {
            let urge = e.rating(keys::ARRIVAL_URGE);
            let acted = match e.answer(keys::ARRIVAL_URGE_ACTED).map(|a| &a.value) {
                Some(Value::Bool(b)) => Some(*b),
                _ => None,
            };
            (urge.is_some() || acted.is_some()).then(|| Urge {
                id: e.short_id().to_string(),
                created: time(e),
                urge,
                acted,
                whole,
            })
        })
        .collect();

    let counted: Vec<u32> = shared.iter().filter_map(|e| e.plan_opened).collect();
    Safety {
        lane,
        answers,
        urges,
        distress_rose: shared
            .iter()
            .filter(|e| e.distress_rose)
            .map(|e| Rise {
                id: e.short_id().to_string(),
                created: time(e),
                start: e.latest_arrival(),
                end: e.rating(keys::AFTER_DISTRESS),
                plan: e.plan,
            })
            .collect(),
        plan_opened: (!counted.is_empty()).then(|| PlanOpened {
            times: counted.iter().sum(),
            entries: counted.len(),
        }),
    }
}

/// The focus section: the focus now, and the shared entries whose
/// "about the focus" answer is yes, each with the focus it was written
/// under when that was another.
fn focus_section(shared: &[&Entry], focus: Option<&str>) -> Option<Focus> {
    let shown = |f: &str| Some(clean(f).trim().to_string()).filter(|f| !f.is_empty());
    let now = focus.and_then(shown);
    let entries: Vec<FocusEntry> = shared
        .iter()
        .filter(|e| {
            matches!(
                e.answer(keys::FOCUS_ABOUT).map(|a| &a.value),
                Some(Value::Bool(true))
            )
        })
        .map(|e| FocusEntry {
            id: e.short_id().to_string(),
            created: time(e),
            words: moment_words(e),
            written_under: e
                .focus
                .as_deref()
                .and_then(shown)
                .filter(|f| now.as_ref() != Some(f)),
        })
        .collect();
    (now.is_some() || !entries.is_empty()).then_some(Focus { text: now, entries })
}

/// The first words of what happened, or, in a pack that asks it another
/// way, of the first thing written.
fn moment_words(e: &Entry) -> Option<String> {
    text(e, keys::WHAT_HAPPENED)
        .or_else(|| {
            e.answers
                .iter()
                .filter(|a| a.kind.is_text() && a.key != keys::SAFETY_NOTE)
                .find_map(|a| text(e, &a.key))
        })
        .map(|t| first_words(&t, FOCUS_WORDS))
}

/// The measures of the shared entries whose pack let the export show
/// scores, each with its scores per entry and over the period. A measure is
/// told apart by its id, title, citation and permission, so that one
/// changed between pack versions is not mixed with the one before.
fn measures(shared: &[&Entry]) -> Vec<MeasureSummary> {
    let mut out: Vec<MeasureSummary> = Vec::new();
    for e in shared {
        for m in e.measures.iter().filter(|m| m.show_scores) {
            let (id, title) = (one_line(&m.id), one_line(&m.title));
            let (citation, permission) = (clean(&m.citation), clean(&m.permission));
            let at = match out.iter().position(|s| {
                (&s.id, &s.title, &s.citation, &s.permission)
                    == (&id, &title, &citation, &permission)
            }) {
                Some(at) => at,
                None => {
                    out.push(MeasureSummary {
                        id,
                        title,
                        citation,
                        permission,
                        entries: Vec::new(),
                        period: Vec::new(),
                    });
                    out.len() - 1
                }
            };
            out[at].entries.push(MeasureEntry {
                id: e.short_id().to_string(),
                created: time(e),
                subscales: m
                    .subscales
                    .iter()
                    .map(|s| SubscaleResult {
                        id: one_line(&s.id),
                        title: one_line(&s.title),
                        method: one_line(&s.method),
                        score: s.score.filter(|x| x.is_finite()),
                        answered: s.answered,
                        items: s.items,
                    })
                    .collect(),
            });
        }
    }
    for m in &mut out {
        let mut rows: Vec<(SubscalePeriod, Vec<f64>)> = Vec::new();
        for s in m.entries.iter().flat_map(|e| &e.subscales) {
            let at = match rows
                .iter()
                .position(|(r, _)| (&r.id, &r.title, &r.method) == (&s.id, &s.title, &s.method))
            {
                Some(at) => at,
                None => {
                    rows.push((
                        SubscalePeriod {
                            id: s.id.clone(),
                            title: s.title.clone(),
                            method: s.method.clone(),
                            scores: 0,
                            mean: None,
                            min: None,
                            max: None,
                        },
                        Vec::new(),
                    ));
                    rows.len() - 1
                }
            };
            rows[at].1.extend(s.score);
        }
        m.period = rows
            .into_iter()
            .map(|(mut row, scores)| {
                row.scores = scores.len();
                if !scores.is_empty() {
                    row.mean = Some(two_decimals(
                        scores.iter().sum::<f64>() / scores.len() as f64,
                    ));
                    row.min = scores.iter().copied().reduce(f64::min).map(two_decimals);
                    row.max = scores.iter().copied().reduce(f64::max).map(two_decimals);
                }
                row
            })
            .collect();
    }
    out
}

fn two_decimals(x: f64) -> f64 {
    (x * 100.0).round() / 100.0 + 0.0
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
            lane: e.safety_lane,
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

    let certainty: Vec<Certainty> = shared
        .iter()
        .filter_map(|e| {
            Some(Certainty {
                id: e.short_id().to_string(),
                created: time(e),
                value: e.rating(keys::OTHER_CERTAINTY)?,
                who: text(e, keys::OTHER_WHO).map(|w| one_line(&w)),
            })
        })
        .collect();
    let guessed = |e: &&&Entry| guess(e).is_some();
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

/// The guess about the other person: what they might have felt or thought,
/// and wanted. When the first answer about their feelings was blank and the
/// nudge shown after it drew an answer, that answer is the guess.
fn guess(e: &Entry) -> Option<String> {
    let feeling = text(e, keys::OTHER_FEELING).or_else(|| {
        e.nudge
            .as_ref()
            .filter(|n| n.after.as_deref() == Some(keys::OTHER_FEELING))
            .and_then(|n| n.answer.as_deref())
            .map(clean)
            .filter(|t| !t.trim().is_empty())
    });
    match (feeling, text(e, keys::OTHER_INTENT)) {
        (Some(f), Some(i)) => Some(format!("{f}\n{i}")),
        (f, i) => f.or(i),
    }
}

/// The entries [`episodes`] shows: up to three, those the patient asked to
/// bring (a topic), then the highest distress; oldest first. Safety-lane
/// entries are not episodes: the safety section has them. Ranked only by
/// what [`slim`] keeps, so that a summary read in two passes needs the
/// whole of only these.
pub fn episode_entries<'a>(shared: &[&'a Entry]) -> Vec<&'a Entry> {
    // Each entry's rank is worked out once, not at every comparison.
    let mut ranked: Vec<(bool, u8, &Entry)> = shared
        .iter()
        .filter(|e| !e.safety_lane)
        .map(|e| {
            let chosen = text(e, keys::SHARE_TOPIC).is_some();
            let peak = e
                .rating(keys::ARRIVAL_DISTRESS)
                .max(e.rating(keys::AFTER_DISTRESS))
                .unwrap_or(0);
            (chosen, peak, *e)
        })
        .collect();
    ranked.sort_by(|a, b| {
        (b.0, b.1)
            .cmp(&(a.0, a.1))
            .then_with(|| (b.2.created, &b.2.id).cmp(&(a.2.created, &a.2.id)))
    });
    ranked.truncate(MAX_EPISODES);
    let mut chosen: Vec<&Entry> = ranked.into_iter().map(|(_, _, e)| e).collect();
    chosen.sort_by(|a, b| (a.created, &a.id).cmp(&(b.created, &b.id)));
    chosen
}

/// The episodes of [`episode_entries`], from the whole entries.
pub fn episodes(shared: &[&Entry]) -> Vec<Episode> {
    let chosen = |e: &Entry| text(e, keys::SHARE_TOPIC).is_some();
    episode_entries(shared)
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
            Episode {
                id: e.short_id().to_string(),
                created: time(e),
                chosen: chosen(e),
                what_happened: text(e, keys::WHAT_HAPPENED),
                turning_point: text(e, keys::TURNING_POINT),
                feelings: main,
                who: text(e, keys::OTHER_WHO).map(|w| one_line(&w)),
                guess: guess(e),
                certainty: e.rating(keys::OTHER_CERTAINTY),
                alternative: text(e, keys::OTHER_ALTERNATIVE),
                distress_start: e.rating(keys::ARRIVAL_DISTRESS),
                distress_end: e.rating(keys::AFTER_DISTRESS),
                shift: text(e, keys::AFTER_SHIFT),
            }
        })
        .collect()
}

/// The later reflections on an entry, oldest first.
pub type LaterOf<'a> = dyn Fn(&Entry) -> Vec<crate::reflection::Reflection> + Sync + 'a;

/// The appendix of shared entries when a summary is written one entry at a
/// time ([`Options::slim`]): the entries of [`Summary::entries`], oldest
/// first, each made when it is written.
pub trait Appendix: Send + Sync + std::fmt::Debug {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The `i`-th entry, or why it cannot be shown.
    fn view(&self, i: usize) -> Result<EntryView, String>;
}

/// An entry as the appendix of shared entries shows it.
pub fn view(e: &Entry) -> EntryView {
    view_with(e, &[])
}

/// [`view`], with the later reflections on the entry, oldest first.
pub fn view_with(e: &Entry, reflections: &[crate::reflection::Reflection]) -> EntryView {
    // "Include this entry...?" is yes for every entry here, and the lane's
    // sharing choice is "the whole entry": they say nothing.
    let answers: Vec<AnswerView> = e
        .answers
        .iter()
        .filter(|a| a.key != keys::SHARE_INCLUDE && a.key != keys::SAFETY_SHARE)
        .map(answer_view)
        .collect();
    let nudge = e.nudge.as_ref().map(|n| NudgeView {
        id: n.id.clone(),
        text: clean(&n.text),
        answer: n.answer.as_deref().map(clean),
        // The step that drew it, or, when that was skipped, the last answer
        // before it; at the end when neither is among the answers shown.
        after: n.place(answers.iter().map(|a| a.key.as_str())),
    });
    EntryView {
        id: e.id.clone(),
        created: time(e),
        pack: PackRef {
            id: one_line(&e.pack.id),
            version: one_line(&e.pack.version),
        },
        safety_lane: e.safety_lane,
        answers,
        nudge,
        reflections: reflections
            .iter()
            .map(|r| ReflectionView {
                created: rfc3339_seconds::format(&r.created),
                answers: r.answers.iter().map(answer_view).collect(),
            })
            .collect(),
    }
}

/// An answer as the appendix shows it.
fn answer_view(a: &crate::entry::Answer) -> AnswerView {
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
        framing: a.framing.as_deref().map(one_line).filter(|f| !f.is_empty()),
        question: clean(&a.question),
        text: value.plain_text(),
        value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::{Answer, LaneShare, MeasureResult, NudgeRecord, Recheck};
    use chrono::DateTime;

    fn answer(key: &str, kind: Kind, value: Value) -> Answer {
        Answer {
            key: key.into(),
            kind,
            question: format!("{key}?"),
            framing: None,
            value,
        }
    }

    fn text(key: &str, t: &str) -> Answer {
        answer(key, Kind::LongText, Value::Text(t.into()))
    }

    fn rating(key: &str, r: u8) -> Answer {
        answer(key, Kind::Rating, Value::Rating(r))
    }

    fn safety(a: &str) -> Answer {
        answer(
            keys::ARRIVAL_SAFETY,
            Kind::YesNoUnsure,
            Value::Text(a.into()),
        )
    }

    fn feelings(list: &[(&str, u8)]) -> Answer {
        answer(
            keys::SELF_FEELINGS,
            Kind::Feelings,
            Value::Feelings(
                list.iter()
                    .map(|(n, i)| Feeling {
                        name: n.to_string(),
                        intensity: Some(*i),
                    })
                    .collect(),
            ),
        )
    }

    fn entry(id: &str, created: &str, shared: bool, answers: Vec<Answer>) -> Entry {
        Entry {
            schema: crate::entry::SCHEMA_VERSION,
            id: id.into(),
            created: DateTime::parse_from_rfc3339(created).unwrap(),
            pack: PackRef {
                id: "p".into(),
                version: "1".into(),
            },
            shared,
            safety_lane: false,
            answers,
            nudge: None,
            safety_shared: false,
            plan: None,
            rechecks: Vec::new(),
            follows: None,
            distress_rose: false,
            plan_opened: None,
            focus: None,
            measures: Vec::new(),
            tags: Vec::new(),
            imported: None,
        }
    }

    /// A safety-lane entry with a note, shared as `share` says.
    fn lane(id: &str, created: &str, share: crate::entry::LaneShare) -> Entry {
        use crate::entry::LaneShare;
        let mut e = entry(
            id,
            created,
            share == LaneShare::Whole,
            vec![
                rating(keys::ARRIVAL_DISTRESS, 9),
                safety("not sure"),
                text(keys::SAFETY_NOTE, "NOTE-OF-THE-LANE"),
            ],
        );
        e.safety_lane = true;
        e.safety_shared = share != LaneShare::Nothing;
        e.plan = Some(PlanState {
            plan_written: false,
            contacts: true,
        });
        e
    }

    #[test]
    fn a_summary_of_slim_entries_is_the_summary_of_whole_ones_but_for_appendix_and_episodes() {
        use crate::entry::LaneShare;
        let whole_entry = |i: u32, topic: bool, about_focus: bool| {
            let mut answers = vec![
                rating(keys::ARRIVAL_DISTRESS, (i % 11) as u8),
                safety(if i.is_multiple_of(4) {
                    "not sure"
                } else {
                    "no"
                }),
                text(
                    keys::WHAT_HAPPENED,
                    &format!("Moment {i}: at Karl's, a long story."),
                ),
                text(keys::TURNING_POINT, "Just before."),
                feelings(&[("hurt", (i % 10) as u8), ("angry", 3)]),
                text(
                    keys::OTHER_WHO,
                    if i.is_multiple_of(2) {
                        "Karl"
                    } else {
                        "my sister"
                    },
                ),
                text(
                    keys::OTHER_FEELING,
                    if i.is_multiple_of(3) { "  " } else { "Tired." },
                ),
                text(keys::OTHER_INTENT, "To rest."),
                text(
                    keys::OTHER_ALTERNATIVE,
                    if i.is_multiple_of(5) {
                        ""
                    } else {
                        "Maybe busy."
                    },
                ),
                rating(keys::OTHER_CERTAINTY, (i % 10) as u8),
                rating(keys::AFTER_DISTRESS, (i % 7) as u8),
                text(keys::AFTER_SHIFT, "A little."),
                answer(keys::SHARE_INCLUDE, Kind::YesNo, Value::Bool(true)),
            ];
            if topic {
                answers.push(text(keys::SHARE_TOPIC, &format!("Topic {i}")));
            }
            if i.is_multiple_of(4) {
                answers.push(rating(keys::ARRIVAL_URGE, (i % 11) as u8));
                answers.push(answer(
                    keys::ARRIVAL_URGE_ACTED,
                    Kind::YesNo,
                    Value::Bool(i.is_multiple_of(8)),
                ));
            }
            if about_focus {
                answers.retain(|a| a.key != keys::WHAT_HAPPENED);
                answers.insert(0, text("own.first", "Words of my own first."));
                answers.push(answer(keys::FOCUS_ABOUT, Kind::YesNo, Value::Bool(true)));
            }
            let mut e = entry(
                &format!("{i:08x}"),
                &format!("2026-03-{:02}T10:00:00+01:00", 1 + i % 28),
                true,
                answers,
            );
            if i.is_multiple_of(3) {
                e.nudge = Some(NudgeRecord {
                    id: "n".into(),
                    text: "Another guess?".into(),
                    answer: Some("Worried, perhaps.".into()),
                    after: Some(keys::OTHER_FEELING.into()),
                    shown_after: None,
                });
            }
            e.focus = about_focus.then(|| "Saying no".to_string());
            e.plan_opened = (i.is_multiple_of(6)).then_some(i);
            if i.is_multiple_of(5) {
                e.rechecks.push(crate::entry::Recheck {
                    at: e.created,
                    distress: 9,
                    safety: "not sure".into(),
                    urge: Some(8),
                    urge_acted: Some(false),
                });
            }
            e.distress_rose = i.is_multiple_of(7);
            e
        };
        let mut whole: Vec<Entry> = (0..40)
            .map(|i| whole_entry(i, i % 3 == 1, i % 8 == 2))
            .collect();
        whole.push(lane(
            "1a1e0001",
            "2026-03-09T23:00:00+01:00",
            LaneShare::StepsOnly,
        ));
        whole.push(lane(
            "1a1e0002",
            "2026-03-10T23:00:00+01:00",
            LaneShare::Whole,
        ));
        let options = Options {
            focus: Some("Saying no"),
            ..Options::default()
        };
        let summary = |entries: &[Entry]| {
            let mut s = build_with(&select(entries, march()), march(), None, false, &options);
            s.entries.clear();
            s.episodes.clear();
            serde_json::to_value(&s).unwrap()
        };
        let slim_entries: Vec<Entry> = whole.iter().cloned().map(slim).collect();
        assert!(
            slim_entries.iter().map(|e| e.answers.len()).sum::<usize>()
                < whole.iter().map(|e| e.answers.len()).sum::<usize>(),
            "slim keeps less"
        );
        assert_eq!(summary(&slim_entries), summary(&whole));
        // The episodes are ranked alike, and made whole from the whole entries.
        let shared = |list: &[Entry]| -> Vec<String> {
            let sel = select(list, march());
            let refs: Vec<&Entry> = sel.shared().iter().collect();
            episode_entries(&refs)
                .iter()
                .map(|e| e.id.clone())
                .collect()
        };
        assert_eq!(shared(&slim_entries), shared(&whole));
    }

    fn march() -> Period {
        Period {
            since: NaiveDate::from_ymd_opt(2026, 3, 1),
            until: NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
        }
    }

    fn ids(list: &[Entry]) -> Vec<&str> {
        list.iter().map(|e| e.short_id()).collect()
    }

    #[test]
    fn select_shows_shared_entries_of_the_period_and_nothing_private() {
        use crate::entry::LaneShare;
        let journal = vec![
            entry("bbbb0002", "2026-03-09T08:00:00-04:00", true, vec![]),
            // Earlier as an instant, though later on the clock.
            entry("aaaa0001", "2026-03-09T10:00:00+05:00", true, vec![]),
            entry("cccc0003", "2026-03-10T10:00:00+00:00", false, vec![]),
            entry("dddd0004", "2026-02-28T23:00:00+00:00", true, vec![]),
            entry("eeee0005", "2026-04-01T00:00:00+00:00", true, vec![]),
            lane("ffff0006", "2026-03-12T23:00:00+00:00", LaneShare::Whole),
            lane(
                "gggg0007",
                "2026-03-11T23:00:00+00:00",
                LaneShare::StepsOnly,
            ),
            lane("hhhh0008", "2026-03-13T23:00:00+00:00", LaneShare::Nothing),
            lane(
                "iiii0009",
                "2026-02-13T23:00:00+00:00",
                LaneShare::StepsOnly,
            ),
        ];
        let s = select(&journal, march());
        assert_eq!(ids(s.shared()), ["aaaa0001", "bbbb0002", "ffff0006"]);
        assert_eq!(ids(s.safety_only()), ["gggg0007"]);
        assert_eq!(s.all().count(), 4);
        // "Until" is the day in the entry's own offset.
        let one_day = Period {
            since: NaiveDate::from_ymd_opt(2026, 2, 28),
            until: NaiveDate::from_ymd_opt(2026, 2, 28).unwrap(),
        };
        assert_eq!(ids(select(&journal, one_day).shared()), ["dddd0004"]);
    }

    #[test]
    fn a_safety_only_entry_is_cut_down_to_the_date_the_check_and_the_plan() {
        use crate::entry::LaneShare;
        let mut e = lane(
            "gggg0007",
            "2026-03-11T23:00:00+00:00",
            LaneShare::StepsOnly,
        );
        e.answers.extend([
            text(keys::WHAT_HAPPENED, "PRIVATE-MOMENT"),
            text(keys::SHARE_TOPIC, "PRIVATE-TOPIC"),
            feelings(&[("PRIVATE-FEELING", 9)]),
        ]);
        e.nudge = Some(NudgeRecord {
            id: "n".into(),
            text: "n?".into(),
            answer: Some("PRIVATE-NUDGE".into()),
            after: None,
            shown_after: None,
        });
        e.plan_opened = Some(4);
        e.follows = Some("ffff0006".into());
        e.rechecks = vec![Recheck {
            at: DateTime::parse_from_rfc3339("2026-03-11T23:30:00+00:00").unwrap(),
            distress: 10,
            safety: "yes".into(),
            urge: None,
            urge_acted: None,
        }];
        let s = select(&[e.clone()], march());
        let cut = &s.safety_only()[0].clone();
        let keys: Vec<&str> = cut.answers.iter().map(|a| a.key.as_str()).collect();
        assert_eq!(keys, [keys::ARRIVAL_DISTRESS, keys::ARRIVAL_SAFETY]);
        assert_eq!(cut.nudge, None);
        assert_eq!(cut.plan_opened, None);
        assert_eq!(cut.follows, None);
        assert_eq!(cut.plan, e.plan);
        assert_eq!(cut.rechecks, e.rechecks);
        assert!(!format!("{cut:?}").contains("PRIVATE"), "{cut:?}");

        // A mapping (swapping names) reaches the safety-only entries too...
        let renamed = s.clone().map(|e| Entry {
            id: "renamed0".into(),
            ..e.clone()
        });
        assert_eq!(ids(renamed.safety_only()), ["renamed0"]);
        // ...but whatever it does, it cannot put the rest back.
        let mapped = s.map(|_| e.clone());
        assert_eq!(&mapped.safety_only()[0], cut);

        let summary = build(&mapped, march(), None, false);
        let json = serde_json::to_string(&summary).unwrap();
        assert!(
            !json.contains("PRIVATE") && !json.contains("NOTE-OF-THE-LANE"),
            "{json}"
        );
        assert!(summary.topics.is_empty() && summary.episodes.is_empty());
        assert!(summary.entries.is_empty());
        assert_eq!(summary.glance.entries, 0);
        assert!(summary.glance.distress.is_empty());
        assert!(summary.safety.plan_opened.is_none());
        let m = &summary.safety.lane[0];
        // The check that opened the lane: the one on resuming.
        assert_eq!(
            (m.distress, m.safety_answer.as_deref()),
            (Some(10), Some("yes"))
        );
        assert!(!m.whole);
        assert_eq!(m.note, None);
        assert_eq!(
            m.plan,
            Some(PlanState {
                plan_written: false,
                contacts: true
            })
        );
    }

    #[test]
    fn the_safety_section_holds_what_was_shared_and_only_that() {
        use crate::entry::LaneShare;
        let mut rose = entry(
            "rrrr0001",
            "2026-03-02T10:00:00+00:00",
            true,
            vec![
                rating(keys::ARRIVAL_DISTRESS, 4),
                safety("no"),
                rating(keys::AFTER_DISTRESS, 8),
            ],
        );
        rose.distress_rose = true;
        rose.plan_opened = Some(2);
        rose.plan = Some(PlanState {
            plan_written: true,
            contacts: false,
        });
        let mut unsure = entry(
            "uuuu0002",
            "2026-03-03T10:00:00+00:00",
            true,
            vec![rating(keys::ARRIVAL_DISTRESS, 3), safety("not sure")],
        );
        unsure.plan_opened = Some(0);
        unsure.rechecks = vec![Recheck {
            at: DateTime::parse_from_rfc3339("2026-03-03T12:00:00+00:00").unwrap(),
            distress: 2,
            safety: "yes".into(),
            urge: None,
            urge_acted: None,
        }];
        let mut private = entry(
            "pppp0003",
            "2026-03-04T10:00:00+00:00",
            false,
            vec![safety("yes"), rating(keys::AFTER_DISTRESS, 10)],
        );
        private.distress_rose = true;
        private.plan_opened = Some(7);
        let mut whole = lane("wwww0004", "2026-03-05T10:00:00+00:00", LaneShare::Whole);
        whole
            .answers
            .push(text(keys::SAFETY_NOTE, "ignored: the first note counts"));
        let steps = lane(
            "ssss0005",
            "2026-03-01T10:00:00+00:00",
            LaneShare::StepsOnly,
        );
        let nothing = lane("nnnn0006", "2026-03-06T10:00:00+00:00", LaneShare::Nothing);
        let journal = [rose, unsure, private, whole, steps, nothing];
        let s = build(&select(&journal, march()), march(), None, false);

        let lane: Vec<(&str, bool, Option<&str>)> = s
            .safety
            .lane
            .iter()
            .map(|m| (m.id.as_str(), m.whole, m.note.as_deref()))
            .collect();
        assert_eq!(
            lane,
            [
                ("ssss0005", false, None),
                ("wwww0004", true, Some("NOTE-OF-THE-LANE"))
            ]
        );
        let answers: Vec<(&str, &str, &str)> = s
            .safety
            .answers
            .iter()
            .map(|a| (a.id.as_str(), a.created.as_str(), a.answer.as_str()))
            .collect();
        assert_eq!(
            answers,
            [
                ("uuuu0002", "2026-03-03T10:00:00+00:00", "not sure"),
                ("uuuu0002", "2026-03-03T12:00:00+00:00", "yes")
            ]
        );
        let rose: Vec<_> = s
            .safety
            .distress_rose
            .iter()
            .map(|r| (r.id.as_str(), r.start, r.end, r.plan))
            .collect();
        assert_eq!(
            rose,
            [(
                "rrrr0001",
                Some(4),
                Some(8),
                Some(PlanState {
                    plan_written: true,
                    contacts: false
                })
            )]
        );
        let opened = s.safety.plan_opened.as_ref().unwrap();
        assert_eq!((opened.times, opened.entries), (2, 2), "not the private 7");
        assert!(!s.safety.is_empty());

        // Nothing shared about safety: every part is empty.
        let calm = entry(
            "cccc0007",
            "2026-03-07T10:00:00+00:00",
            true,
            vec![safety("no")],
        );
        let journal = [calm, journal[2].clone(), journal[5].clone()];
        let s = build(&select(&journal, march()), march(), None, false);
        assert!(s.safety.is_empty(), "{:?}", s.safety);
        assert!(s.safety.plan_opened.is_none());
    }

    #[test]
    fn the_glance_counts_shared_entries_only() {
        let mut nudged = entry(
            "bbbb0002",
            "2026-03-03T10:00:00+00:00",
            true,
            vec![
                rating(keys::ARRIVAL_DISTRESS, 6),
                feelings(&[("Hurt", 4), ("lonely", 7), ("hurt", 9)]),
                text(keys::OTHER_WHO, "tom"),
                text(keys::OTHER_FEELING, "  "),
                rating(keys::OTHER_CERTAINTY, 3),
            ],
        );
        nudged.nudge = Some(NudgeRecord {
            id: "small-guess".into(),
            text: "One small guess?".into(),
            answer: Some("Maybe tired.".into()),
            after: Some(keys::OTHER_FEELING.into()),
            shown_after: None,
        });
        let journal = [
            entry(
                "aaaa0001",
                "2026-03-02T10:00:00+00:00",
                true,
                vec![
                    rating(keys::ARRIVAL_DISTRESS, 7),
                    rating(keys::AFTER_DISTRESS, 4),
                    feelings(&[("hurt", 8), ("angry", 5)]),
                    text(keys::OTHER_WHO, "Tom"),
                    text(keys::OTHER_FEELING, "Stressed."),
                    text(keys::OTHER_ALTERNATIVE, "Tired."),
                    rating(keys::OTHER_CERTAINTY, 9),
                ],
            ),
            nudged,
            entry(
                "cccc0003",
                "2026-03-04T10:00:00+00:00",
                true,
                vec![
                    rating(keys::AFTER_DISTRESS, 2),
                    text(keys::OTHER_WHO, "Mira"),
                    text(keys::OTHER_INTENT, "To rest."),
                ],
            ),
            entry(
                "dddd0004",
                "2026-03-05T10:00:00+00:00",
                false,
                vec![
                    rating(keys::ARRIVAL_DISTRESS, 1),
                    rating(keys::AFTER_DISTRESS, 10),
                    feelings(&[("ashamed", 10)]),
                    text(keys::OTHER_WHO, "Mira"),
                    rating(keys::OTHER_CERTAINTY, 10),
                ],
            ),
        ];
        let g = build(&select(&journal, march()), march(), None, false).glance;
        assert_eq!(g.entries, 3);
        assert_eq!(g.first.as_deref(), Some("2026-03-02T10:00:00+00:00"));
        assert_eq!(g.last.as_deref(), Some("2026-03-04T10:00:00+00:00"));
        let pairs: Vec<_> = g.distress.iter().map(|d| (d.start, d.end)).collect();
        assert_eq!(
            pairs,
            [(Some(7), Some(4)), (Some(6), None), (None, Some(2))]
        );
        assert_eq!(g.average_change, Some(-3.0), "only entries with both");
        let f: Vec<_> = g
            .feelings
            .iter()
            .map(|f| (f.name.as_str(), f.entries, f.average_intensity))
            .collect();
        // Once per entry, ignoring case, named as first written.
        assert_eq!(
            f,
            [
                ("hurt", 2, Some(6.0)),
                ("lonely", 1, Some(7.0)),
                ("angry", 1, Some(5.0))
            ]
        );
        let people: Vec<_> = g
            .people
            .iter()
            .map(|p| (p.label.as_str(), p.entries))
            .collect();
        assert_eq!(
            people,
            [("Tom", 2)],
            "Mira twice only with the private entry"
        );
        assert_eq!(
            g.certainty.iter().map(|c| c.value).collect::<Vec<_>>(),
            [9, 3]
        );
        assert_eq!(g.guesses, 3, "the nudge drew the second guess");
        assert_eq!(g.alternatives, 1);
    }

    #[test]
    fn episodes_are_the_chosen_then_the_most_intense_oldest_first() {
        let e = |id: &str, day: u32, peak: u8, topic: bool| {
            let mut answers = vec![
                rating(keys::ARRIVAL_DISTRESS, peak),
                text(keys::WHAT_HAPPENED, &format!("moment {id}")),
            ];
            if topic {
                answers.push(text(keys::SHARE_TOPIC, "talk"));
            }
            entry(
                id,
                &format!("2026-03-{day:02}T10:00:00+00:00"),
                true,
                answers,
            )
        };
        let mut lane_entry = e("llll0000", 1, 10, true);
        lane_entry.safety_lane = true;
        let mut full = e("ffff0005", 5, 2, false);
        full.answers.extend([
            text(keys::TURNING_POINT, "Just before."),
            text(keys::AFTER_SHIFT, "A little."),
            feelings(&[("a", 1), ("b", 9), ("c", 5), ("d", 7)]),
            text(keys::OTHER_FEELING, "Worried."),
            text(keys::OTHER_INTENT, "To help."),
            rating(keys::AFTER_DISTRESS, 7),
        ]);
        full.nudge = Some(NudgeRecord {
            id: "n".into(),
            text: "n?".into(),
            answer: Some("Not this: the first answer was given.".into()),
            after: Some(keys::OTHER_FEELING.into()),
            shown_after: None,
        });
        let mut private = e("pppp0006", 6, 10, true);
        private.shared = false;
        let journal = [
            lane_entry,
            e("aaaa0001", 2, 9, false),
            e("bbbb0002", 3, 3, true),
            e("cccc0003", 4, 8, false),
            full,
            private,
        ];
        let s = build(&select(&journal, march()), march(), None, false);
        let picked: Vec<(&str, bool)> = s
            .episodes
            .iter()
            .map(|e| (e.id.as_str(), e.chosen))
            .collect();
        // The topic first, then peaks 9 and 8 (not ffff0005's 7); the lane
        // entry and the private one never.
        assert_eq!(
            picked,
            [("aaaa0001", false), ("bbbb0002", true), ("cccc0003", false)]
        );

        let journal = [journal[4].clone()];
        let s = build(&select(&journal, march()), march(), None, false);
        let ep = &s.episodes[0];
        assert_eq!(ep.turning_point.as_deref(), Some("Just before."));
        assert_eq!(ep.shift.as_deref(), Some("A little."));
        assert_eq!(ep.guess.as_deref(), Some("Worried.\nTo help."));
        let main: Vec<_> = ep.feelings.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(main, ["b", "d", "c"]);
        assert_eq!((ep.distress_start, ep.distress_end), (Some(2), Some(7)));
    }

    #[test]
    fn the_guess_a_nudge_drew_stands_in_for_a_blank_one() {
        let mut e = entry(
            "aaaa0001",
            "2026-03-02T10:00:00+00:00",
            true,
            vec![text(keys::OTHER_WHO, "Sam")],
        );
        let guess = |e: &Entry| {
            build(
                &select(std::slice::from_ref(e), march()),
                march(),
                None,
                false,
            )
            .episodes[0]
                .guess
                .clone()
        };
        assert_eq!(guess(&e), None);
        e.nudge = Some(NudgeRecord {
            id: "n".into(),
            text: "n?".into(),
            answer: Some("Maybe scared.".into()),
            after: Some(keys::OTHER_CERTAINTY.into()),
            shown_after: None,
        });
        assert_eq!(guess(&e), None, "a nudge after another step is no guess");
        e.nudge.as_mut().unwrap().after = Some(keys::OTHER_FEELING.into());
        assert_eq!(guess(&e).as_deref(), Some("Maybe scared."));
    }

    #[test]
    fn shared_entries_keep_framing_and_the_place_of_their_nudge() {
        let mut e = entry(
            "aaaa0001",
            "2026-03-02T10:00:00+00:00",
            true,
            vec![
                text(keys::OTHER_FEELING, "Busy."),
                answer(keys::SHARE_INCLUDE, Kind::YesNo, Value::Bool(true)),
                answer(
                    keys::SAFETY_SHARE,
                    Kind::Choice,
                    Value::Text("whole".into()),
                ),
            ],
        );
        e.answers[0].framing = Some("This is a guess.\u{1b}[2J\n".into());
        e.nudge = Some(NudgeRecord {
            id: "n".into(),
            text: "n?".into(),
            answer: None,
            after: Some(keys::OTHER_FEELING.into()),
            shown_after: None,
        });
        let view = |e: &Entry| {
            build(
                &select(std::slice::from_ref(e), march()),
                march(),
                None,
                false,
            )
        };
        let s = view(&e);
        let v = &s.entries[0];
        let keys: Vec<&str> = v.answers.iter().map(|a| a.key.as_str()).collect();
        assert_eq!(
            keys,
            [keys::OTHER_FEELING],
            "the sharing answers say nothing"
        );
        assert_eq!(v.answers[0].framing.as_deref(), Some("This is a guess."));
        assert_eq!(
            v.nudge.as_ref().unwrap().after.as_deref(),
            Some(keys::OTHER_FEELING)
        );
        // After a step not shown: at the end.
        e.nudge.as_mut().unwrap().after = Some(keys::SHARE_INCLUDE.into());
        assert_eq!(view(&e).entries[0].nudge.as_ref().unwrap().after, None);
    }

    fn yes_no(key: &str, b: bool) -> Answer {
        answer(key, Kind::YesNo, Value::Bool(b))
    }

    fn about(id: &str, day: u32, shared: bool, moment: &str, focus: &str, yes: bool) -> Entry {
        let mut e = entry(
            id,
            &format!("2026-03-{day:02}T10:00:00+00:00"),
            shared,
            vec![
                text(keys::WHAT_HAPPENED, moment),
                yes_no(keys::FOCUS_ABOUT, yes),
            ],
        );
        e.focus = Some(focus.into());
        e
    }

    #[test]
    fn the_focus_section_holds_shared_entries_marked_about_it_and_only_those() {
        let mut steps = lane(
            "ssss0005",
            "2026-03-06T10:00:00+00:00",
            LaneShare::StepsOnly,
        );
        steps.answers.push(yes_no(keys::FOCUS_ABOUT, true));
        steps.focus = Some("now".into());
        let journal = [
            about(
                "aaaa0001",
                2,
                true,
                "\n  Left out at lunch.\nMore.",
                "now",
                true,
            ),
            about("bbbb0002", 3, true, "Judged.", " before ", true),
            about("cccc0003", 4, true, "Not about it.", "now", false),
            about("dddd0004", 5, false, "PRIVATE", "now", true),
            steps,
        ];
        let s = select(&journal, march());
        let focus = build_with_focus(&s, march(), None, false, Some("now"))
            .focus
            .unwrap();
        assert_eq!(focus.text.as_deref(), Some("now"));
        let marked: Vec<_> = focus
            .entries
            .iter()
            .map(|f| {
                (
                    f.id.as_str(),
                    f.words.as_deref(),
                    f.written_under.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            marked,
            [
                ("aaaa0001", Some("Left out at lunch."), None),
                ("bbbb0002", Some("Judged."), Some("before"))
            ]
        );

        // No focus now: every marked entry says what it was written under.
        let focus = build(&s, march(), None, false).focus.unwrap();
        assert_eq!(focus.text, None);
        assert_eq!(focus.entries[0].written_under.as_deref(), Some("now"));
        // A focus of blanks is none.
        let s = select(&journal[2..], march());
        assert!(
            build_with_focus(&s, march(), None, false, Some("  "))
                .focus
                .is_none()
        );
        assert!(build(&s, march(), None, false).focus.is_none());
        let focus = build_with_focus(&s, march(), None, false, Some("now"))
            .focus
            .unwrap();
        assert!(focus.entries.is_empty());
    }

    #[test]
    fn first_words_come_from_the_first_thing_written_when_there_is_no_moment() {
        let mut e = entry(
            "aaaa0001",
            "2026-03-02T10:00:00+00:00",
            true,
            vec![
                rating(keys::ARRIVAL_DISTRESS, 3),
                text(keys::SAFETY_NOTE, "not this"),
                text("session.stayed", "   "),
                text(
                    "session.what",
                    &"The group laughed when I spoke. ".repeat(4),
                ),
                yes_no(keys::FOCUS_ABOUT, true),
            ],
        );
        e.answers[1].kind = Kind::LongText;
        let focus = build(&select(&[e], march()), march(), None, false)
            .focus
            .unwrap();
        let words = focus.entries[0].words.as_deref().unwrap();
        assert!(words.starts_with("The group laughed"), "{words}");
        assert!(
            words.ends_with('…') && words.chars().count() <= FOCUS_WORDS,
            "{words}"
        );
    }

    #[test]
    fn urges_come_from_shared_and_steps_only_entries_oldest_first() {
        let with_urges = |mut e: Entry, urge: Option<u8>, acted: Option<bool>| {
            e.answers
                .extend(urge.map(|u| rating(keys::ARRIVAL_URGE, u)));
            e.answers
                .extend(acted.map(|b| yes_no(keys::ARRIVAL_URGE_ACTED, b)));
            e
        };
        let journal = [
            with_urges(
                entry("aaaa0001", "2026-03-03T10:00:00+00:00", true, vec![]),
                Some(4),
                Some(false),
            ),
            with_urges(
                lane(
                    "ssss0002",
                    "2026-03-02T10:00:00+00:00",
                    LaneShare::StepsOnly,
                ),
                Some(9),
                Some(true),
            ),
            with_urges(
                entry("pppp0003", "2026-03-04T10:00:00+00:00", false, vec![]),
                Some(10),
                Some(true),
            ),
            with_urges(
                lane("nnnn0004", "2026-03-05T10:00:00+00:00", LaneShare::Nothing),
                Some(10),
                None,
            ),
            with_urges(
                entry("bbbb0005", "2026-03-06T10:00:00+00:00", true, vec![]),
                None,
                Some(true),
            ),
            entry("cccc0006", "2026-03-07T10:00:00+00:00", true, vec![]),
        ];
        let s = build(&select(&journal, march()), march(), None, false);
        let urges: Vec<_> = s
            .safety
            .urges
            .iter()
            .map(|u| (u.id.as_str(), u.urge, u.acted, u.whole))
            .collect();
        assert_eq!(
            urges,
            [
                ("ssss0002", Some(9), Some(true), false),
                ("aaaa0001", Some(4), Some(false), true),
                ("bbbb0005", None, Some(true), true)
            ]
        );
        // Urges alone are something shared about safety.
        let s = build(&select(&journal[..1], march()), march(), None, false);
        assert!(!s.safety.is_empty());
        let s = build(&select(&journal[2..4], march()), march(), None, false);
        assert!(s.safety.is_empty());
    }

    fn result(id: &str, show: bool, scores: &[(&str, Option<f64>, usize)]) -> MeasureResult {
        MeasureResult {
            id: id.into(),
            title: format!("Title of {id}\u{1b}[2J"),
            citation: "Cited.".into(),
            permission: "Allowed.".into(),
            show_scores: show,
            subscales: scores
                .iter()
                .map(|(sub, score, answered)| SubscaleResult {
                    id: (*sub).into(),
                    title: format!("Sub {sub}"),
                    method: "mean".into(),
                    score: *score,
                    answered: *answered,
                    items: 3,
                })
                .collect(),
        }
    }

    #[test]
    fn measures_are_shown_per_entry_and_over_the_period_only_when_allowed() {
        let scored = |id: &str, day: u32, shared: bool, measures: Vec<MeasureResult>| {
            let mut e = entry(
                id,
                &format!("2026-03-{day:02}T10:00:00+00:00"),
                shared,
                vec![],
            );
            e.measures = measures;
            e
        };
        let journal = [
            scored(
                "aaaa0001",
                2,
                true,
                vec![
                    result("m", true, &[("a", Some(1.5), 3), ("b", None, 1)]),
                    result("hidden", false, &[("a", Some(9.0), 3)]),
                ],
            ),
            scored(
                "bbbb0002",
                3,
                true,
                vec![result("m", true, &[("a", Some(2.0), 2)])],
            ),
            scored(
                "cccc0003",
                4,
                true,
                vec![result(
                    "m",
                    true,
                    &[("a", Some(2.25), 3), ("b", Some(1.0), 3)],
                )],
            ),
            scored(
                "pppp0004",
                5,
                false,
                vec![result("m", true, &[("a", Some(100.0), 3)])],
            ),
            scored("dddd0005", 6, true, vec![]),
        ];
        let s = build(&select(&journal, march()), march(), None, false);
        assert_eq!(s.measures.len(), 1, "not the hidden one");
        let m = &s.measures[0];
        assert_eq!(m.title, "Title of m", "cleaned");
        let ids: Vec<&str> = m.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["aaaa0001", "bbbb0002", "cccc0003"]);
        let period: Vec<_> = m
            .period
            .iter()
            .map(|p| (p.id.as_str(), p.scores, p.mean, p.min, p.max))
            .collect();
        // a: 1.5, 2, 2.25 → mean 5.75 / 3 = 1.9166… → 1.92; b: only 1.
        assert_eq!(
            period,
            [
                ("a", 3, Some(1.92), Some(1.5), Some(2.25)),
                ("b", 1, Some(1.0), Some(1.0), Some(1.0))
            ]
        );
        let json = serde_json::to_string(&s).unwrap();
        assert!(!json.contains("hidden") && !json.contains("100"), "{json}");

        // No score at all in a subscale: no mean, no range.
        let journal = [scored(
            "aaaa0001",
            2,
            true,
            vec![result("m", true, &[("a", None, 1)])],
        )];
        let s = build(&select(&journal, march()), march(), None, false);
        let p = &s.measures[0].period[0];
        assert_eq!((p.scores, p.mean, p.min, p.max), (0, None, None, None));
    }

    fn brief() -> Options<'static> {
        Options {
            brief: true,
            ..Options::default()
        }
    }

    #[test]
    fn the_brief_form_keeps_the_newest_five_different_topics_and_counts_the_rest() {
        let topic = |id: &str, day: u32, t: &str| {
            let mut e = entry(
                id,
                &format!("2026-03-{day:02}T10:00:00+00:00"),
                true,
                vec![
                    text(keys::SHARE_TOPIC, t),
                    rating(keys::ARRIVAL_DISTRESS, 5),
                ],
            );
            e.measures = vec![result("m", true, &[("a", Some(1.0), 3)])];
            e
        };
        let mut private = topic("pppp0099", 20, "PRIVATE TOPIC");
        private.shared = false;
        let journal = [
            topic("aaaa0001", 1, "Work"),
            topic("bbbb0002", 2, "my sister"),
            topic("cccc0003", 3, "the exam"),
            topic("dddd0004", 4, "sleep"),
            topic("eeee0005", 5, "  My   Sister "),
            topic("ffff0006", 6, "money"),
            topic("gggg0007", 7, "WORK"),
            topic("hhhh0008", 8, "the flat"),
            private,
        ];
        let selection = select(&journal, march());
        let full = build(&selection, march(), None, false);
        assert_eq!(full.topics.len(), 8, "every topic, duplicates included");
        assert_eq!((full.brief, full.topics_more), (false, 0));
        assert_eq!(full.entries.len(), 8);
        assert_eq!(full.measures.len(), 1);

        let short = build_with(&selection, march(), None, false, &brief());
        let shown: Vec<(&str, &str)> = short
            .topics
            .iter()
            .map(|t| (t.id.as_str(), t.text.as_str()))
            .collect();
        // Newest first they are: the flat, WORK, money, My Sister, sleep;
        // "the exam", "my sister" and "Work" are older or the same again.
        // Shown in date order, each as last written.
        assert_eq!(
            shown,
            [
                ("dddd0004", "sleep"),
                ("eeee0005", "  My   Sister "),
                ("ffff0006", "money"),
                ("gggg0007", "WORK"),
                ("hhhh0008", "the flat"),
            ]
        );
        // "and 3 more in the full summary": the full form lists 8.
        assert_eq!(short.topics_more, 3);
        assert_eq!(short.topics_more + short.topics.len(), full.topics.len());
        assert!(short.brief);
        assert!(short.entries.is_empty() && short.measures.is_empty());
        // Safety, focus, at a glance and the episodes are as in the full form.
        assert_eq!(short.glance.entries, full.glance.entries);
        assert_eq!(short.episodes.len(), full.episodes.len());

        // Five or fewer different topics: none left over, duplicates aside.
        let few = select(&journal[..2], march());
        let short = build_with(&few, march(), None, false, &brief());
        assert_eq!((short.topics.len(), short.topics_more), (2, 0));
        let same = select(&[journal[1].clone(), journal[4].clone()], march());
        let short = build_with(&same, march(), None, false, &brief());
        let texts: Vec<&str> = short.topics.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["  My   Sister "]);
        assert_eq!(short.topics_more, 1, "the full form shows both");

        // The private entry, and its topic, change nothing.
        let without = select(&journal[..8], march());
        assert_eq!(
            serde_json::to_string(&build_with(&without, march(), None, false, &brief())).unwrap(),
            serde_json::to_string(&build_with(&selection, march(), None, false, &brief())).unwrap()
        );
    }

    #[test]
    fn certainty_carries_its_day_and_the_person_as_shared_or_swapped() {
        let journal = [
            entry(
                "aaaa0001",
                "2026-03-03T21:00:00+01:00",
                true,
                vec![
                    text(keys::OTHER_WHO, "  Anna\n(my sister) "),
                    rating(keys::OTHER_CERTAINTY, 8),
                ],
            ),
            entry(
                "bbbb0002",
                "2026-03-04T10:00:00+00:00",
                true,
                vec![rating(keys::OTHER_CERTAINTY, 3)],
            ),
            entry(
                "cccc0003",
                "2026-03-05T10:00:00+00:00",
                true,
                vec![text(keys::OTHER_WHO, "Anna")],
            ),
        ];
        let selection = select(&journal, march());
        let shown = |s: &Summary| {
            s.glance
                .certainty
                .iter()
                .map(|c| (c.id.clone(), c.created.clone(), c.value, c.who.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            shown(&build(&selection, march(), None, false)),
            [
                (
                    "aaaa0001".to_string(),
                    "2026-03-03T21:00:00+01:00".to_string(),
                    8,
                    Some("Anna (my sister)".to_string())
                ),
                (
                    "bbbb0002".to_string(),
                    "2026-03-04T10:00:00+00:00".to_string(),
                    3,
                    None
                ),
            ],
            "only ratings, each with its own day, the person on one line"
        );
        // Names swapped as an export does it: the person as swapped.
        let swapped = selection.map(|e| {
            let mut e = e.clone();
            for a in &mut e.answers {
                if let Value::Text(t) = &mut a.value {
                    *t = t.replace("Anna", "A.");
                }
            }
            e
        });
        let s = build(&swapped, march(), None, true);
        let who: Vec<Option<&str>> = s
            .glance
            .certainty
            .iter()
            .map(|c| c.who.as_deref())
            .collect();
        assert_eq!(who, [Some("A. (my sister)"), None]);
        assert!(!serde_json::to_string(&s).unwrap().contains("Anna"));
    }

    #[test]
    fn provenance_names_each_pack_version_once_sorted() {
        let written = |id: &str, day: u32, pack: &str, version: &str, shared: bool| {
            let mut e = entry(
                id,
                &format!("2026-03-{day:02}T10:00:00+00:00"),
                shared,
                vec![],
            );
            e.pack = PackRef {
                id: pack.into(),
                version: version.into(),
            };
            e
        };
        let journal = [
            written("aaaa0001", 1, "mbt-quick", "2", true),
            written("bbbb0002", 2, "mbt-core", "3", true),
            written("cccc0003", 3, "mbt-quick", "2", true),
            written("dddd0004", 4, "mbt-core", "10", true),
            written("eeee0005", 5, "clinic\u{1b}[31m-pack\n", "1", true),
            written("pppp0006", 6, "secret-pack", "1", false),
        ];
        let packs = |journal: &[Entry]| {
            build(&select(journal, march()), march(), None, false)
                .provenance
                .packs
                .iter()
                .map(|p| format!("{}@{}", p.id, p.version))
                .collect::<Vec<_>>()
        };
        let expected = ["clinic-pack@1", "mbt-core@10", "mbt-core@3", "mbt-quick@2"];
        assert_eq!(packs(&journal), expected, "cleaned, by id then version");
        let mut reversed = journal.to_vec();
        reversed.reverse();
        assert_eq!(packs(&reversed), expected, "whatever the order read");
        let s = build(&select(&journal, march()), march(), None, false);
        assert_eq!(s.provenance.mentalog, env!("CARGO_PKG_VERSION"));
        assert!(
            packs(&journal[5..]).is_empty(),
            "not a private entry's pack"
        );
    }

    #[test]
    fn sessions_are_the_days_within_the_period_each_once_in_order() {
        let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let held = [
            day(3, 20),
            day(2, 28),
            day(3, 1),
            day(3, 20),
            day(3, 31),
            day(4, 1),
            day(3, 9),
        ];
        let options = Options {
            sessions: &held,
            threshold: 6,
            ..Options::default()
        };
        let s = build_with(&Selection::default(), march(), None, false, &options);
        assert_eq!(s.sessions, [day(3, 1), day(3, 9), day(3, 20), day(3, 31)]);
        assert_eq!(s.threshold, 6);
        // From the first entry: every day up to the end.
        let open = Period {
            since: None,
            until: day(3, 9),
        };
        let s = build_with(&Selection::default(), open, None, false, &options);
        assert_eq!(s.sessions, [day(2, 28), day(3, 1), day(3, 9)]);
        assert_eq!(
            build(&Selection::default(), open, None, false).threshold,
            DEFAULT_THRESHOLD
        );
    }

    #[test]
    fn the_label_is_one_clean_line_of_at_most_eighty_columns() {
        let labelled = |l: &str| {
            let options = Options {
                label: Some(l),
                ..Options::default()
            };
            build_with(&Selection::default(), march(), None, false, &options).label
        };
        assert_eq!(
            labelled("  A.B.\n\u{1b}[2J clinic\u{202e} 4711 ").as_deref(),
            Some("A.B. clinic 4711")
        );
        assert_eq!(labelled(" \u{1b}[2J\n "), None, "nothing left to show");
        let long = labelled(&"x".repeat(200)).unwrap();
        assert_eq!(long.width(), MAX_LABEL_WIDTH);
        assert!(long.ends_with('…'));
        let exact = "y".repeat(MAX_LABEL_WIDTH);
        assert_eq!(labelled(&exact).as_deref(), Some(exact.as_str()));
        // Wide characters count two columns each.
        let wide = labelled(&"診".repeat(60)).unwrap();
        assert!(
            wide.width() <= MAX_LABEL_WIDTH && wide.ends_with('…'),
            "{wide}"
        );
        assert_eq!(wide.chars().count(), 40, "{wide}");
        assert_eq!(
            build(&Selection::default(), march(), None, false).label,
            None
        );
    }
}
