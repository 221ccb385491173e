//! The guided walk as logic over a [`Prompter`]: the order of the steps,
//! skipping, the safety lane, the one nudge, drafts and resuming. It saves
//! nothing itself: after every answer it hands the draft to `save`.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::entry::{
    self, Answer, Entry, Feeling, Kind, NudgeRecord, PackRef, Value, YES_NO_UNSURE, keys,
};
use crate::pack::{Nudge, Pack, Step};
use crate::prompt::{PromptError, Prompter};

/// Said in the safety lane, whatever the pack.
pub const EMERGENCY_LINE: &str =
    "If you are in immediate danger, call your local emergency number.";
/// Said at setup and in the safety lane, whatever the pack.
pub const NO_CONTACT_LINE: &str =
    "This journal doesn't contact anyone. Your therapist sees only what you choose to export.";
/// What a person types at a text question to write the answer in their editor.
pub const EDIT_COMMAND: &str = "/edit";
/// What a person types at a text question to see their crisis plan, at any point.
pub const PLAN_COMMAND: &str = "/plan";

const SKIP_ITEM: &str = "(skip this one)";
const OWN_WORDS_ITEM: &str = "something else, in my own words";

/// What the walk needs besides the pack.
pub struct Settings<'a> {
    /// Distress at or above this leads to the safety lane.
    pub threshold: u8,
    /// The person's crisis plan, as written.
    pub plan: &'a str,
    /// The crisis contacts from the config, one line each.
    pub contacts: &'a [String],
}

/// An entry in progress, saved after every answer so that nothing is lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Draft {
    pub schema: u32,
    pub id: String,
    #[serde(with = "entry::rfc3339_seconds")]
    pub created: DateTime<FixedOffset>,
    pub pack: PackRef,
    pub answers: Vec<Answer>,
    /// Steps already asked, answered or skipped, so a resumed walk goes on
    /// from where it stopped.
    pub visited: Vec<String>,
    pub safety_lane: bool,
    pub nudge: Option<NudgeRecord>,
    /// While the feelings step is under way: how many intensities have been
    /// asked, so a resumed walk asks only the rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feelings_asked: Option<usize>,
}

impl Draft {
    pub fn new(id: String, created: DateTime<FixedOffset>, pack: &Pack) -> Draft {
        Draft {
            schema: entry::SCHEMA_VERSION,
            id,
            created,
            pack: pack.reference(),
            answers: Vec::new(),
            visited: Vec::new(),
            safety_lane: false,
            nudge: None,
            feelings_asked: None,
        }
    }

    fn visited(&self, key: &str) -> bool {
        self.visited.iter().any(|k| k == key)
    }

    fn record(&mut self, key: &str, kind: Kind, question: &str, value: Option<Value>) {
        if let Some(value) = value {
            self.answers.push(Answer {
                key: key.to_string(),
                kind,
                question: question.to_string(),
                value,
            });
        }
        self.visited.push(key.to_string());
    }

    /// The finished entry. Only an explicit yes shares it; the safety lane's
    /// entries stay private until the person shares them.
    pub fn into_entry(self) -> Entry {
        let shared = !self.safety_lane
            && self
                .answers
                .iter()
                .any(|a| a.key == keys::SHARE_INCLUDE && a.value == Value::Bool(true));
        Entry {
            schema: entry::SCHEMA_VERSION,
            id: self.id,
            created: self.created,
            pack: self.pack,
            shared,
            safety_lane: self.safety_lane,
            answers: self.answers,
            nudge: self.nudge,
        }
    }

    /// A line that helps the person recognise the draft.
    pub fn describe(&self) -> String {
        let when = self.created.format("%a %-d %b, %H:%M");
        let answered = self.answers.len();
        let words = match self
            .answers
            .iter()
            .find(|a| a.key == keys::WHAT_HAPPENED)
            .and_then(|a| a.value.as_text())
        {
            Some(t) => format!(": \"{}\"", first_words(t, 40)),
            None => String::new(),
        };
        let plural = if answered == 1 { "" } else { "s" };
        format!("started {when}, {answered} answer{plural} so far{words}")
    }
}

/// The first line of `text`, cut at `max` characters with an ellipsis.
pub fn first_words(text: &str, max: usize) -> String {
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    if line.chars().count() <= max {
        line.to_string()
    } else {
        let cut: String = line.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

/// Whether the arrival check leads to the safety lane.
pub fn lane_due(answers: &[Answer], threshold: u8) -> bool {
    answers.iter().any(|a| match (a.key.as_str(), &a.value) {
        (keys::ARRIVAL_DISTRESS, Value::Rating(r)) => *r >= threshold,
        (keys::ARRIVAL_SAFETY, Value::Text(t)) => t == "yes" || t == "not sure",
        _ => false,
    })
}

/// Walks the pack from where `draft` stopped, calling `save` after every
/// answer, and returns the finished entry. On Ctrl-C it returns
/// `PromptError::Interrupted` with everything answered so far in the draft.
pub fn walk(
    pack: &Pack,
    settings: &Settings,
    p: &mut dyn Prompter,
    draft: &mut Draft,
    save: &mut dyn FnMut(&Draft),
) -> Result<(), PromptError> {
    for step in &pack.steps {
        if draft.safety_lane {
            break;
        }
        if draft.visited(&step.key) {
            continue;
        }
        if let Some(intro) = step
            .intro
            .as_ref()
            .filter(|_| draft.feelings_asked.is_none())
        {
            p.say(&format!("\n{intro}"))?;
        }
        if step.kind == Kind::Feelings {
            walk_feelings(pack, settings, step, p, draft, save)?;
        } else {
            let value = ask(step, settings, p)?;
            draft.record(&step.key, step.kind, &step.question, value);
        }
        let arrived = draft.visited(keys::ARRIVAL_DISTRESS) && draft.visited(keys::ARRIVAL_SAFETY);
        if arrived && lane_due(&draft.answers, settings.threshold) {
            draft.safety_lane = true;
        }
        save(draft);
        if !draft.safety_lane
            && draft.nudge.is_none()
            && let Some(nudge) = pick_nudge(pack, &step.key, &draft.answers)
        {
            p.say("")?;
            let answer = ask_text(p, settings, &nudge.text, true)?;
            draft.nudge = Some(NudgeRecord {
                id: nudge.id.clone(),
                text: nudge.text.clone(),
                answer,
            });
            save(draft);
        }
    }
    if draft.safety_lane && !draft.visited(keys::SAFETY_NOTE) {
        safety_lane(pack, settings, p, draft)?;
        save(draft);
    }
    Ok(())
}

/// The feelings step, saved part by part: the names as soon as they are
/// chosen, then each intensity as it is given.
fn walk_feelings(
    pack: &Pack,
    settings: &Settings,
    step: &Step,
    p: &mut dyn Prompter,
    draft: &mut Draft,
    save: &mut dyn FnMut(&Draft),
) -> Result<(), PromptError> {
    if draft.feelings_asked.is_none() {
        if let Some(help) = &step.help {
            p.say(help)?;
        }
        let names = ask_feeling_names(pack, settings, p, &step.question)?;
        if names.is_empty() {
            draft.record(&step.key, step.kind, &step.question, None);
            return Ok(());
        }
        let feelings = names
            .into_iter()
            .map(|name| Feeling {
                name,
                intensity: None,
            })
            .collect();
        draft.answers.push(Answer {
            key: step.key.clone(),
            kind: step.kind,
            question: step.question.clone(),
            value: Value::Feelings(feelings),
        });
        draft.feelings_asked = Some(0);
        save(draft);
    }
    loop {
        let asked = draft.feelings_asked.unwrap_or(0);
        let name = match draft
            .answers
            .iter()
            .find(|a| a.key == step.key)
            .map(|a| &a.value)
        {
            Some(Value::Feelings(f)) => f.get(asked).map(|f| f.name.clone()),
            _ => None,
        };
        let Some(name) = name else { break };
        let intensity = ask_rating(
            p,
            &format!("How strong was \"{name}\" at the time? (0 to 10)"),
            true,
        )?;
        if let Some(Value::Feelings(f)) = draft
            .answers
            .iter_mut()
            .find(|a| a.key == step.key)
            .map(|a| &mut a.value)
        {
            f[asked].intensity = intensity;
        }
        draft.feelings_asked = Some(asked + 1);
        save(draft);
    }
    draft.feelings_asked = None;
    draft.visited.push(step.key.clone());
    Ok(())
}

/// The first enabled nudge that follows `after` and whose signals hold.
pub fn pick_nudge<'p>(pack: &'p Pack, after: &str, answers: &[Answer]) -> Option<&'p Nudge> {
    pack.nudges
        .iter()
        .filter(|n| n.enabled && n.after == after)
        .find(|n| n.when.iter().any(|s| s.holds(answers)))
}

fn safety_lane(
    pack: &Pack,
    settings: &Settings,
    p: &mut dyn Prompter,
    draft: &mut Draft,
) -> Result<(), PromptError> {
    p.say("")?;
    p.say(&pack.safety.acknowledgement)?;
    p.say("")?;
    show_plan(p, settings)?;
    if let Some(help) = &pack.safety.note_help {
        p.say(help)?;
    }
    let note = ask_text(p, settings, &pack.safety.note_question, true)?;
    draft.record(
        keys::SAFETY_NOTE,
        Kind::LongText,
        &pack.safety.note_question,
        note.map(Value::Text),
    );
    Ok(())
}

/// The person's crisis plan, their contacts and the lines that are always said.
fn show_plan(p: &mut dyn Prompter, settings: &Settings) -> Result<(), PromptError> {
    p.say("Your crisis plan:")?;
    p.say(settings.plan.trim_end())?;
    if !settings.contacts.is_empty() {
        p.say("")?;
        p.say("People and services you can contact:")?;
        for c in settings.contacts {
            p.say(&format!("  {c}"))?;
        }
    }
    p.say("")?;
    p.say(EMERGENCY_LINE)?;
    p.say(NO_CONTACT_LINE)?;
    p.say("")
}

/// Asks one step (not the feelings, see [`walk_feelings`]); `None` when it was skipped.
fn ask(
    step: &Step,
    settings: &Settings,
    p: &mut dyn Prompter,
) -> Result<Option<Value>, PromptError> {
    if let Some(help) = &step.help {
        p.say(help)?;
    }
    let q = step.question.as_str();
    Ok(match step.kind {
        Kind::ShortText | Kind::LongText => {
            ask_text(p, settings, q, step.skippable)?.map(Value::Text)
        }
        Kind::Rating => {
            let prompt = match &step.anchors {
                Some([low, high]) => format!("{q} (0 = {low}, 10 = {high})"),
                None => format!("{q} (0 to 10)"),
            };
            ask_rating(p, &prompt, step.skippable)?.map(Value::Rating)
        }
        Kind::Choice => ask_select(p, q, &step.options, step.skippable)?
            .map(|i| Value::Text(step.options[i].clone())),
        Kind::YesNoUnsure => ask_select(p, q, &YES_NO_UNSURE, step.skippable)?
            .map(|i| Value::Text(YES_NO_UNSURE[i].to_string())),
        Kind::YesNo => {
            ask_select(p, q, &["yes", "no"], step.skippable)?.map(|i| Value::Bool(i == 0))
        }
        Kind::Feelings => unreachable!("the feelings step is walked by walk_feelings"),
    })
}

fn required(s: &str, skippable: bool) -> Result<(), String> {
    if s.trim().is_empty() && !skippable {
        Err("This one helps mentalog look after you, so it needs an answer.".into())
    } else {
        Ok(())
    }
}

fn non_blank(s: String) -> Option<String> {
    let t = s.trim_end();
    (!t.trim().is_empty()).then(|| t.to_string())
}

/// A text answer. Typing `/edit` writes it in the editor (one that fails is
/// reported and the question asked again); `/plan` shows the crisis plan,
/// then asks again.
fn ask_text(
    p: &mut dyn Prompter,
    settings: &Settings,
    prompt: &str,
    skippable: bool,
) -> Result<Option<String>, PromptError> {
    loop {
        let answer = p.input(prompt, &|s: &str| required(s, skippable))?;
        match answer.trim() {
            EDIT_COMMAND => {}
            PLAN_COMMAND => {
                show_plan(p, settings)?;
                continue;
            }
            _ => return Ok(non_blank(answer)),
        }
        match p.edit() {
            Ok(Some(text)) => return Ok(Some(text)),
            Ok(None) => p.say("Nothing was saved in the editor, so here is the question again.")?,
            Err(PromptError::Editor(msg)) => {
                p.say(&format!("{msg}. Here is the question again."))?
            }
            Err(e) => return Err(e),
        }
    }
}

fn ask_rating(
    p: &mut dyn Prompter,
    prompt: &str,
    skippable: bool,
) -> Result<Option<u8>, PromptError> {
    let validate = |s: &str| {
        if s.trim().is_empty() {
            required(s, skippable)
        } else {
            entry::parse_rating(s).map(|_| ())
        }
    };
    let answer = p.input(prompt, &validate)?;
    Ok(entry::parse_rating(&answer).ok())
}

fn ask_select<S: AsRef<str>>(
    p: &mut dyn Prompter,
    prompt: &str,
    options: &[S],
    skippable: bool,
) -> Result<Option<usize>, PromptError> {
    let mut items: Vec<String> = options.iter().map(|o| o.as_ref().to_string()).collect();
    if skippable {
        items.push(SKIP_ITEM.to_string());
    }
    let i = p.select(prompt, &items)?;
    Ok((i < options.len()).then_some(i))
}

/// The feelings picked from the pack's list, in its order, and any in the
/// person's own words. Empty when none was picked.
fn ask_feeling_names(
    pack: &Pack,
    settings: &Settings,
    p: &mut dyn Prompter,
    prompt: &str,
) -> Result<Vec<String>, PromptError> {
    let mut items = pack.feelings.clone();
    items.push(OWN_WORDS_ITEM.to_string());
    p.say("(Space picks a feeling, Enter goes on; pick none to skip.)")?;
    let mut picked = p.multi_select(prompt, &items)?;
    // In the order of the list, however they were picked.
    picked.sort_unstable();
    let mut names: Vec<String> = picked
        .iter()
        .filter(|&&i| i < pack.feelings.len())
        .map(|&i| pack.feelings[i].clone())
        .collect();
    if picked.contains(&pack.feelings.len()) {
        let own = ask_text(
            p,
            settings,
            "Which feeling? Several can be separated by commas.",
            true,
        )?;
        names.extend(
            own.iter()
                .flat_map(|s| s.split(','))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        );
    }
    Ok(names)
}

/// What to do about an unfinished entry.
#[derive(Debug, PartialEq, Eq)]
pub enum DraftChoice {
    Resume,
    /// Start a new entry and keep the draft for later.
    Keep,
    Discard,
}

/// Offers to carry on with a draft or discard it; discarding asks to confirm.
pub fn choose_draft(p: &mut dyn Prompter, draft: &Draft) -> Result<DraftChoice, PromptError> {
    p.say(&format!(
        "You have an unfinished entry ({}).",
        draft.describe()
    ))?;
    loop {
        let items = [
            "Carry on where you left off".to_string(),
            "Start a new entry and keep this one for later".to_string(),
            "Discard it".to_string(),
        ];
        match p.select("What would you like to do?", &items)? {
            0 => return Ok(DraftChoice::Resume),
            1 => return Ok(DraftChoice::Keep),
            _ => {
                let confirm = [
                    "No, keep it".to_string(),
                    "Yes, discard it for good".to_string(),
                ];
                if p.select(
                    "Discard the unfinished entry? Its answers will be gone.",
                    &confirm,
                )? == 1
                {
                    return Ok(DraftChoice::Discard);
                }
            }
        }
    }
}
