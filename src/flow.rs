//! The guided walk as logic over a [`Prompter`]: the order of the steps,
//! skipping, going back, the safety lane and its closing, the one nudge,
//! and the questions around drafts. It saves nothing itself: after every
//! answer it hands the draft to `save`. Pure but for the Prompter.

use chrono::{DateTime, FixedOffset};

use crate::draft::{Draft, PendingEdit};
use crate::entry::{
    self, Answer, Feeling, Kind, LaneShare, NudgeRecord, PlanState, Recheck, Value, YES_NO_UNSURE,
    first_words, keys,
};
use crate::pack::{Nudge, Pack, Step};
use crate::prompt::{Ask, Got, PromptError, Prompter};

pub use crate::render::plan::{EMERGENCY_LINE, NO_CONTACT_LINE};

const SKIP_ITEM: &str = "(skip this one)";
const OWN_WORDS_ITEM: &str = "something else, in my own words";
/// Names the own-words question of the feelings step, for an editor's text
/// kept over Ctrl-C.
const OWN_WORDS_KEY: &str = "self.feelings.own_words";
const NO_WAY_BACK: &str = "There is no earlier question to go back to from here.";
const NUDGE_OPTIONAL: &str = "This one is optional: press Enter to skip it.";

pub use crate::pack::{ARRIVAL_NEEDED, LANE_SHARE_HELP, LANE_SHARE_ITEMS, LANE_SHARE_QUESTION};

/// What the walk needs besides the pack.
pub struct Settings<'a> {
    /// Distress at or above this leads to the safety lane.
    pub threshold: u8,
    /// A rise this large by the end shows the lane's closing.
    pub rise: u8,
    /// The crisis plan as shown (see `render::plan`): the plan or words for
    /// now, the contacts, the emergency line and the no-contact line.
    pub plan: &'a [String],
    /// Whether a written plan and contacts exist, recorded when shown.
    pub plan_state: PlanState,
    /// Whether openings of the plan are counted (the person turned it on).
    pub count_plan_openings: bool,
    /// What the person wrote in the lane, when this entry follows it.
    pub starting_point: Option<&'a str>,
    /// The time, for when each answer was given.
    pub clock: &'a dyn Fn() -> DateTime<FixedOffset>,
}

/// Whether the arrival check leads to the safety lane: distress at or above
/// `threshold`, a yes or not sure to the safety question, or, with urge
/// tracking on, an urge at or above `urge_threshold` or an urge acted on.
pub fn lane_due(answers: &[Answer], threshold: u8, urge_threshold: Option<u8>) -> bool {
    answers.iter().any(|a| match (a.key.as_str(), &a.value) {
        (keys::ARRIVAL_DISTRESS, Value::Rating(r)) => *r >= threshold,
        (keys::ARRIVAL_SAFETY, Value::Text(t)) => t == "yes" || t == "not sure",
        (keys::ARRIVAL_URGE, Value::Rating(r)) => urge_threshold.is_some_and(|u| *r >= u),
        (keys::ARRIVAL_URGE_ACTED, Value::Bool(b)) => urge_threshold.is_some() && *b,
        _ => false,
    })
}

/// Walks the pack from where `draft` stopped, calling `save` after every
/// answer. On Ctrl-C it returns `PromptError::Interrupted` with everything
/// answered so far in the draft (and an editor's text in `pending_edit`).
pub fn walk(
    pack: &Pack,
    settings: &Settings,
    p: &mut dyn Prompter,
    draft: &mut Draft,
    save: &mut dyn FnMut(&Draft),
) -> Result<(), PromptError> {
    Walk {
        pack,
        settings,
        p,
        draft,
        save,
    }
    .run()
}

/// What a question led to.
enum Next {
    Answered,
    Back,
}

struct Walk<'a, 'b> {
    pack: &'a Pack,
    settings: &'a Settings<'b>,
    p: &'a mut dyn Prompter,
    draft: &'a mut Draft,
    save: &'a mut dyn FnMut(&Draft),
}

impl<'a> Walk<'a, '_> {
    fn run(&mut self) -> Result<(), PromptError> {
        loop {
            if self.draft.safety_lane {
                break;
            }
            if let Some(id) = self.draft.nudge_due.clone() {
                if let Next::Back = self.nudge(&id)? {
                    self.back();
                }
                continue;
            }
            let Some(step) = self.next_step() else { break };
            let next = if step.kind == Kind::Feelings {
                self.feelings(step)?
            } else {
                self.step(step)?
            };
            match next {
                Next::Back => {
                    self.back();
                }
                Next::Answered => self.answered(step)?,
            }
        }
        if self.draft.safety_lane {
            self.lane()?;
        }
        Ok(())
    }

    fn save(&mut self) {
        self.draft.updated = Some((self.settings.clock)());
        (self.save)(self.draft);
    }

    /// The first step not asked yet; steps whose `needs_any` is not met
    /// are passed over.
    fn next_step(&self) -> Option<&'a Step> {
        let pack: &'a Pack = self.pack;
        pack.steps
            .iter()
            .find(|s| !self.draft.visited(&s.key) && (s.needs_any.is_empty() || self.needs_met(s)))
    }

    fn needs_met(&self, step: &Step) -> bool {
        step.needs_any.iter().any(|k| {
            let answered = self
                .draft
                .answer(k)
                .is_some_and(|a| a.value.as_text().is_none_or(|t| !t.trim().is_empty()));
            let nudged = self
                .draft
                .nudge
                .as_ref()
                .is_some_and(|n| n.after.as_deref() == Some(k.as_str()) && n.answer.is_some());
            answered || nudged
        })
    }

    /// Whether `/back` may go to the previous question: never across the
    /// arrival check, never with nothing before.
    fn can_go_back(&self) -> bool {
        match self.draft.visited.last().map(String::as_str) {
            None | Some(keys::ARRIVAL_SAFETY) => false,
            Some(keys::ARRIVAL_DISTRESS) => true,
            Some(_) => true,
        }
    }

    /// Returns to the previous question, keeping its answer to fill in.
    fn back(&mut self) {
        self.draft.nudge_due = None;
        while let Some(last) = self.draft.visited.pop() {
            if let Some(id) = last.strip_prefix("nudge:") {
                if let Some(n) = self.draft.nudge.take() {
                    self.keep_earlier(Answer {
                        key: last.clone(),
                        kind: Kind::LongText,
                        question: n.text.clone(),
                        framing: None,
                        value: Value::Text(n.answer.unwrap_or_default()),
                    });
                }
                self.draft.nudge_due = Some(id.to_string());
                break;
            }
            if let Some(i) = self.draft.answers.iter().position(|a| a.key == last) {
                let answer = self.draft.answers.remove(i);
                self.keep_earlier(answer);
            }
            if last == keys::AFTER_DISTRESS {
                self.draft.distress_rose = false;
            }
            let auto_skipped = self
                .pack
                .step(&last)
                .is_some_and(|s| !s.needs_any.is_empty() && !self.needs_met(s));
            if !auto_skipped {
                break;
            }
        }
        self.save();
    }

    fn keep_earlier(&mut self, answer: Answer) {
        self.draft.earlier.retain(|a| a.key != answer.key);
        self.draft.earlier.push(answer);
    }

    fn take_earlier(&mut self, key: &str) -> Option<Value> {
        let i = self.draft.earlier.iter().position(|a| a.key == key)?;
        Some(self.draft.earlier.remove(i).value)
    }

    fn peek_earlier(&self, key: &str) -> Option<&Value> {
        self.draft
            .earlier
            .iter()
            .find(|a| a.key == key)
            .map(|a| &a.value)
    }

    fn record(&mut self, step: &Step, value: Option<Value>) {
        self.draft.earlier.retain(|a| a.key != step.key);
        self.draft.answers.retain(|a| a.key != step.key);
        if let Some(value) = value {
            self.draft.answers.push(Answer {
                key: step.key.clone(),
                kind: step.kind,
                question: step.question.clone(),
                framing: step.framing.clone(),
                value,
            });
        }
        self.draft.visited.push(step.key.clone());
    }

    fn preamble(&mut self, step: &Step) -> Result<(), PromptError> {
        if let Some(intro) = &step.intro {
            self.p.say("")?;
            self.p.heading(intro)?;
        }
        if step.key == keys::WHAT_HAPPENED
            && let Some(note) = self.settings.starting_point
        {
            self.p.say("Last time, in the safety steps, you wrote:")?;
            for line in entry::clean(note).lines() {
                self.p.say(&format!("  {line}"))?;
            }
            self.p
                .say("You could start from there, or from any moment around it.")?;
        }
        if step.key == keys::AFTER_DISTRESS {
            let lines = read_back(self.draft);
            if !lines.is_empty() {
                // "Side by side" only when both minds are there to see.
                let both = lines.iter().any(|l| l.starts_with("Your guess about them"))
                    && lines
                        .iter()
                        .any(|l| l.starts_with("Your feelings") || l.starts_with("The moment"));
                self.p.say(if both {
                    "Here is what you wrote, side by side:"
                } else {
                    "Here is what you wrote:"
                })?;
                for line in lines {
                    self.p.say(&format!("  {line}"))?;
                }
                self.p.say("")?;
            }
        }
        if let Some(help) = &step.help {
            self.p.hint(help)?;
        }
        if let Some(framing) = &step.framing {
            self.p.say(framing)?;
        }
        Ok(())
    }

    /// Asks one step (not the feelings, see [`Walk::feelings`]).
    fn step(&mut self, step: &Step) -> Result<Next, PromptError> {
        self.preamble(step)?;
        let q = step.question.as_str();
        let earlier = self.peek_earlier(&step.key).cloned();
        let value = match step.kind {
            Kind::ShortText | Kind::LongText => {
                let initial = earlier.as_ref().and_then(Value::as_text).unwrap_or("");
                match self.text(Some(&step.key), q, initial, step.skippable, true)? {
                    Got::Answer(t) => t.map(Value::Text),
                    _ => return Ok(Next::Back),
                }
            }
            Kind::Rating => {
                let prompt = match &step.anchors {
                    Some([low, high]) => format!("{q} (0 = {low}, 10 = {high})"),
                    None => format!("{q} (0 to 10)"),
                };
                let initial = earlier.as_ref().and_then(Value::as_rating);
                match self.rating(&prompt, initial, step.skippable, true)? {
                    Got::Answer(r) => r.map(Value::Rating),
                    _ => return Ok(Next::Back),
                }
            }
            Kind::Choice => {
                let initial = earlier
                    .as_ref()
                    .and_then(Value::as_text)
                    .and_then(|t| step.options.iter().position(|o| o == t));
                match self.select(q, &step.options, initial, step.skippable, true)? {
                    Got::Answer(i) => i.map(|i| Value::Text(step.options[i].clone())),
                    _ => return Ok(Next::Back),
                }
            }
            // Safety and share questions never come back with an answer chosen.
            Kind::YesNoUnsure => {
                match self.select(q, &YES_NO_UNSURE, None, step.skippable, true)? {
                    Got::Answer(i) => i.map(|i| Value::Text(YES_NO_UNSURE[i].to_string())),
                    _ => return Ok(Next::Back),
                }
            }
            Kind::YesNo => match self.select(q, &["yes", "no"], None, step.skippable, true)? {
                Got::Answer(i) => i.map(|i| Value::Bool(i == 0)),
                _ => return Ok(Next::Back),
            },
            // Typed as a number, as every rating is: a list numbered from 1
            // would read wrong against a scale that starts at 0.
            Kind::Scale => {
                let Some(scale) = step.scale.clone() else {
                    return Ok(Next::Answered);
                };
                let prompt = format!("{q} ({})", scale.key());
                let initial = earlier.as_ref().and_then(Value::as_rating);
                match self.number(&prompt, initial, step.skippable, true, scale.min, scale.max)? {
                    Got::Answer(r) => r.map(Value::Rating),
                    _ => return Ok(Next::Back),
                }
            }
            Kind::Feelings => unreachable!("the feelings step is walked by Walk::feelings"),
        };
        self.record(step, value);
        Ok(Next::Answered)
    }

    /// After a step: the lane, the closing after rising distress, a nudge.
    fn answered(&mut self, step: &Step) -> Result<(), PromptError> {
        let arrived =
            self.draft.visited(keys::ARRIVAL_DISTRESS) && self.draft.visited(keys::ARRIVAL_SAFETY);
        if arrived
            && lane_due(
                &self.draft.answers,
                self.settings.threshold,
                self.pack.urge_threshold(),
            )
        {
            self.draft.safety_lane = true;
        }
        if step.key == keys::AFTER_DISTRESS {
            let after = self
                .draft
                .answer(keys::AFTER_DISTRESS)
                .and_then(|a| a.value.as_rating());
            let rose = entry::distress_rose(
                self.draft.latest_arrival(),
                after,
                self.settings.threshold,
                self.settings.rise,
            );
            self.draft.distress_rose = rose;
            self.save();
            if rose {
                self.p.say("")?;
                self.p.say(&self.pack.safety.acknowledgement)?;
                self.p.say(
                    "Writing about a hard moment can stir things up. Before you go on, here is what can help right now.",
                )?;
                self.show_plan(false)?;
                self.draft.plan = Some(self.settings.plan_state);
                self.p
                    .hint("The last questions are optional: press Enter to skip any of them.")?;
            }
        }
        if !self.draft.safety_lane && self.draft.nudge.is_none() {
            // A nudge answered before going back over it comes again, with
            // its words filled in, whatever the new answer: they are kept.
            let kept = self.pack.nudges.iter().find(|n| {
                n.after.contains(&step.key)
                    && self
                        .peek_earlier(&format!("nudge:{}", n.id))
                        .and_then(Value::as_text)
                        .is_some_and(|t| !t.trim().is_empty())
            });
            if let Some(nudge) =
                kept.or_else(|| pick_nudge(self.pack, &step.key, &self.draft.answers))
            {
                self.draft.nudge_due = Some(nudge.id.clone());
            }
        }
        self.save();
        Ok(())
    }

    fn nudge(&mut self, id: &str) -> Result<Next, PromptError> {
        let Some(nudge) = self.pack.nudges.iter().find(|n| n.id == id) else {
            self.draft.nudge_due = None;
            return Ok(Next::Answered);
        };
        let after = self.draft.visited.last().cloned();
        let key = format!("nudge:{id}");
        let initial = self
            .peek_earlier(&key)
            .and_then(Value::as_text)
            .unwrap_or("")
            .to_string();
        self.p.say("")?;
        self.p.hint(NUDGE_OPTIONAL)?;
        let answer = match self.text(Some(&key), &nudge.text, &initial, true, true)? {
            Got::Answer(a) => a,
            _ => return Ok(Next::Back),
        };
        self.take_earlier(&key);
        let shown_after = self.draft.answers.last().map(|a| a.key.clone());
        self.draft.nudge = Some(NudgeRecord {
            id: nudge.id.clone(),
            text: nudge.text.clone(),
            answer,
            after,
            shown_after,
        });
        self.draft.nudge_due = None;
        self.draft.visited.push(key);
        self.save();
        Ok(Next::Answered)
    }

    /// The feelings step, saved part by part: the names as soon as they are
    /// chosen, then each intensity as it is given. Going back from an
    /// intensity returns to the list.
    fn feelings(&mut self, step: &Step) -> Result<Next, PromptError> {
        'names: loop {
            if self.draft.feelings_asked.is_none() {
                self.preamble(step)?;
                let earlier = match self.peek_earlier(&step.key) {
                    Some(Value::Feelings(f)) => f.clone(),
                    _ => Vec::new(),
                };
                let names = match self.feeling_names(&step.question, &earlier)? {
                    Got::Answer(n) => n,
                    _ => return Ok(Next::Back),
                };
                if names.is_empty() {
                    self.record(step, None);
                    return Ok(Next::Answered);
                }
                let feelings = names
                    .into_iter()
                    .map(|name| Feeling {
                        name,
                        intensity: None,
                    })
                    .collect();
                self.draft.answers.retain(|a| a.key != step.key);
                self.draft.answers.push(Answer {
                    key: step.key.clone(),
                    kind: step.kind,
                    question: step.question.clone(),
                    framing: step.framing.clone(),
                    value: Value::Feelings(feelings),
                });
                self.draft.feelings_asked = Some(0);
                self.save();
            }
            loop {
                let asked = self.draft.feelings_asked.unwrap_or(0);
                let Some(Value::Feelings(list)) = self.draft.answer(&step.key).map(|a| &a.value)
                else {
                    break 'names;
                };
                let Some(name) = list.get(asked).map(|f| f.name.clone()) else {
                    break 'names;
                };
                let initial = match self.peek_earlier(&step.key) {
                    Some(Value::Feelings(f)) => {
                        f.iter().find(|f| f.name == name).and_then(|f| f.intensity)
                    }
                    _ => None,
                };
                let prompt = format!(
                    "How strong was \"{}\" at the time? (0 to 10)",
                    first_words(&name, 60)
                );
                match self.rating(&prompt, initial, true, true)? {
                    Got::Answer(intensity) => {
                        if let Some(Value::Feelings(f)) = self
                            .draft
                            .answers
                            .iter_mut()
                            .find(|a| a.key == step.key)
                            .map(|a| &mut a.value)
                        {
                            f[asked].intensity = intensity;
                        }
                        self.draft.feelings_asked = Some(asked + 1);
                        self.save();
                    }
                    _ => {
                        // Back to the list, with what was chosen filled in.
                        if let Some(i) = self.draft.answers.iter().position(|a| a.key == step.key) {
                            let answer = self.draft.answers.remove(i);
                            self.keep_earlier(answer);
                        }
                        self.draft.feelings_asked = None;
                        self.save();
                        continue 'names;
                    }
                }
            }
        }
        self.draft.feelings_asked = None;
        self.draft.earlier.retain(|a| a.key != step.key);
        self.draft.visited.push(step.key.clone());
        Ok(Next::Answered)
    }

    /// The feelings picked from the pack's list, in its order, and any in
    /// the person's own words. Empty when none was picked.
    fn feeling_names(
        &mut self,
        prompt: &str,
        earlier: &[Feeling],
    ) -> Result<Got<Vec<String>>, PromptError> {
        let list = &self.pack.feelings;
        let mut items = list.clone();
        items.push(OWN_WORDS_ITEM.to_string());
        let mut initial: Vec<usize> = earlier
            .iter()
            .filter_map(|f| list.iter().position(|n| *n == f.name))
            .collect();
        let own_earlier: Vec<&str> = earlier
            .iter()
            .filter(|f| !list.contains(&f.name))
            .map(|f| f.name.as_str())
            .collect();
        if !own_earlier.is_empty() {
            initial.push(list.len());
        }
        let mut picked = loop {
            let ask = Ask {
                prompt,
                initial: "",
                back: self.can_go_back(),
                blank: "(skipped)",
            };
            match self.p.multi_select(&ask, &items, &mut initial)? {
                Got::Plan => self.show_plan(true)?,
                Got::Back if !ask.back => self.p.say(NO_WAY_BACK)?,
                Got::Back | Got::Edit => return Ok(Got::Back),
                Got::Answer(v) => break v,
            }
        };
        // In the order of the list, however they were picked.
        picked.sort_unstable();
        picked.dedup();
        let mut names: Vec<String> = picked
            .iter()
            .filter(|&&i| i < list.len())
            .map(|&i| list[i].clone())
            .collect();
        if picked.contains(&list.len()) {
            let own = loop {
                match self.text(
                    Some(OWN_WORDS_KEY),
                    "Which feeling? Several can be separated by commas.",
                    &own_earlier.join(", "),
                    true,
                    false,
                )? {
                    Got::Answer(t) => break t,
                    _ => continue,
                }
            };
            names.extend(
                own.iter()
                    .flat_map(|s| s.split(','))
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            );
        }
        Ok(Got::Answer(names))
    }

    /// The safety lane: an acknowledgement, the plan, an offer to write a
    /// line or two, then what the therapist may see. No way back into the
    /// walk, no perspective questions, no nudges.
    fn lane(&mut self) -> Result<(), PromptError> {
        if !self.draft.visited(keys::SAFETY_NOTE) {
            self.p.say("")?;
            let worrying = self
                .draft
                .rechecks
                .last()
                .map(|r| r.safety.as_str())
                .or_else(|| {
                    self.draft
                        .answer(keys::ARRIVAL_SAFETY)
                        .and_then(|a| a.value.as_text())
                })
                .is_some_and(|a| a == "yes" || a == "not sure");
            // An urge at the threshold, or acted on, is met as thoughts are.
            let urged = self.draft.safety_lane
                && !lane_due(&self.draft.answers, self.settings.threshold, None)
                && lane_due(
                    &self.draft.answers,
                    self.settings.threshold,
                    self.pack.urge_threshold(),
                );
            let ack = match (worrying, urged, &self.pack.urges) {
                (true, _, _) => &self.pack.safety.thoughts_acknowledgement,
                (false, true, Some(urges)) => &urges.acknowledgement,
                _ => &self.pack.safety.acknowledgement,
            };
            self.p.say(ack)?;
            self.show_plan(false)?;
            self.draft.plan = Some(self.settings.plan_state);
            self.draft.nudge_due = None;
            if let Some(help) = &self.pack.safety.note_help {
                self.p.hint(help)?;
            }
            let question = self.pack.safety.note_question.clone();
            let note = loop {
                match self.text(Some(keys::SAFETY_NOTE), &question, "", true, false)? {
                    Got::Answer(n) => break n,
                    _ => continue,
                }
            };
            if let Some(note) = note {
                self.draft.answers.push(Answer {
                    key: keys::SAFETY_NOTE.into(),
                    kind: Kind::LongText,
                    question,
                    framing: None,
                    value: Value::Text(note),
                });
            }
            self.draft.visited.push(keys::SAFETY_NOTE.into());
            self.save();
        }
        if self.draft.lane_share.is_none() {
            self.p.say("")?;
            let fixed = self.pack.fixed();
            self.p.hint(&fixed.lane_share_help)?;
            let items = [
                fixed.lane_share_whole.as_str(),
                fixed.lane_share_steps.as_str(),
                fixed.lane_share_nothing.as_str(),
            ];
            let choice = loop {
                if let Got::Answer(Some(i)) =
                    self.select(&fixed.lane_share_question, &items, None, false, false)?
                {
                    break i;
                }
            };
            let share = [LaneShare::Whole, LaneShare::StepsOnly, LaneShare::Nothing][choice];
            self.draft.lane_share = Some(share);
            self.draft.answers.push(Answer {
                key: keys::SAFETY_SHARE.into(),
                kind: Kind::Choice,
                question: fixed.lane_share_question.clone(),
                framing: None,
                value: Value::Text(items[choice].into()),
            });
            self.draft.visited.push(keys::SAFETY_SHARE.into());
            self.save();
        }
        Ok(())
    }

    /// Shows the crisis plan; `asked` when the person asked for it.
    fn show_plan(&mut self, asked: bool) -> Result<(), PromptError> {
        if asked && self.settings.count_plan_openings {
            *self.draft.plan_opened.get_or_insert(0) += 1;
        }
        say_plan(self.p, self.settings.plan)
    }

    /// A text answer. `/edit` writes it in the editor, `/plan` shows the
    /// crisis plan and asks again, `/back` goes back where it may. `key`
    /// names the question for an editor's text kept over Ctrl-C.
    fn text(
        &mut self,
        key: Option<&str>,
        prompt: &str,
        initial: &str,
        skippable: bool,
        back: bool,
    ) -> Result<Got<Option<String>>, PromptError> {
        let mut initial = initial.to_string();
        // The editor's text from a walk stopped while it was open. It stays
        // in the draft until this question has an answer.
        let pending =
            key.is_some_and(|k| self.draft.pending_edit.as_ref().is_some_and(|p| p.key == k));
        if pending && let Some(p) = &self.draft.pending_edit {
            initial = p.text.clone();
        }
        let mut first = true;
        let answered = |this: &mut Self, value: Option<String>| {
            if pending {
                this.draft.pending_edit = None;
            }
            Ok(Got::Answer(value))
        };
        loop {
            // An answer over several lines is shown whole and kept on Enter.
            let multiline = initial.contains('\n');
            let from_editor = pending && std::mem::take(&mut first);
            match (from_editor, multiline) {
                (true, true) => self.p.say(
                    "When you stopped last time, your editor held this (Enter keeps it, /edit changes it in your editor):",
                )?,
                (true, false) => self.p.say(
                    "When you stopped last time, your editor held this; it is filled in below to keep or change.",
                )?,
                (false, true) => self.p.say(
                    "Your earlier answer (Enter keeps it, /edit changes it in your editor):",
                )?,
                (false, false) => {}
            }
            if multiline {
                for line in initial.lines() {
                    self.p.say(&format!("  {line}"))?;
                }
            }
            let ask = Ask {
                prompt,
                initial: if multiline { "" } else { &initial },
                back: back && self.can_go_back(),
                blank: if multiline {
                    "(kept as it was)"
                } else {
                    "(skipped)"
                },
            };
            let validate = |s: &str| {
                if s.trim().is_empty() && !skippable && !multiline {
                    Err(self.pack.fixed().arrival_needed)
                } else {
                    Ok(())
                }
            };
            match self.p.input(&ask, &validate)? {
                Got::Answer(a) if multiline && a.trim().is_empty() => {
                    return answered(self, Some(initial));
                }
                Got::Answer(a) => return answered(self, non_blank(a)),
                Got::Plan => self.show_plan(true)?,
                Got::Back if ask.back => return Ok(Got::Back),
                Got::Back => self.p.say(NO_WAY_BACK)?,
                Got::Edit => match self.p.edit(prompt, &initial) {
                    Ok(Some(text)) => return answered(self, Some(text)),
                    Ok(None) => self
                        .p
                        .say("Nothing was saved in the editor, so here is the question again.")?,
                    Err(PromptError::Editor(msg)) => {
                        self.p.say(&format!("{msg}. Here is the question again."))?
                    }
                    Err(PromptError::EditorInterrupted(text)) => {
                        if let (Some(k), Some(text)) = (key, text) {
                            self.draft.pending_edit = Some(PendingEdit {
                                key: k.to_string(),
                                text,
                            });
                            self.save();
                        }
                        return Err(PromptError::Interrupted);
                    }
                    Err(e) => return Err(e),
                },
            }
        }
    }

    fn rating(
        &mut self,
        prompt: &str,
        initial: Option<u8>,
        skippable: bool,
        back: bool,
    ) -> Result<Got<Option<u8>>, PromptError> {
        self.number(prompt, initial, skippable, back, 0, 10)
    }

    /// A whole number from `min` to `max`, typed.
    fn number(
        &mut self,
        prompt: &str,
        initial: Option<u8>,
        skippable: bool,
        back: bool,
        min: u8,
        max: u8,
    ) -> Result<Got<Option<u8>>, PromptError> {
        let parse = |s: &str| -> Result<u8, String> {
            if (min, max) == (0, 10) {
                return entry::parse_rating(s);
            }
            s.trim()
                .parse::<u8>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(|| format!("Please type a whole number from {min} to {max}."))
        };
        let validate = |s: &str| {
            if s.trim().is_empty() {
                if skippable {
                    Ok(())
                } else {
                    Err(self.pack.fixed().arrival_needed)
                }
            } else {
                parse(s).map(|_| ())
            }
        };
        let initial = initial.map(|r| r.to_string()).unwrap_or_default();
        loop {
            let ask = Ask {
                prompt,
                initial: &initial,
                back: back && self.can_go_back(),
                blank: "(skipped)",
            };
            match self.p.input(&ask, &validate)? {
                Got::Answer(a) => return Ok(Got::Answer(parse(&a).ok())),
                Got::Plan => self.show_plan(true)?,
                Got::Back if ask.back => return Ok(Got::Back),
                Got::Back | Got::Edit => self.p.say(NO_WAY_BACK)?,
            }
        }
    }

    fn select<S: AsRef<str>>(
        &mut self,
        prompt: &str,
        options: &[S],
        initial: Option<usize>,
        skippable: bool,
        back: bool,
    ) -> Result<Got<Option<usize>>, PromptError> {
        let mut items: Vec<String> = options.iter().map(|o| o.as_ref().to_string()).collect();
        if skippable {
            items.push(SKIP_ITEM.to_string());
        }
        loop {
            let ask = Ask {
                prompt,
                initial: "",
                back: back && self.can_go_back(),
                blank: "(skipped)",
            };
            match self.p.select(&ask, &items, initial)? {
                Got::Answer(i) => return Ok(Got::Answer((i < options.len()).then_some(i))),
                Got::Plan => self.show_plan(true)?,
                Got::Back if ask.back => return Ok(Got::Back),
                Got::Back | Got::Edit => self.p.say(NO_WAY_BACK)?,
            }
        }
    }
}

/// A short read-back of the entry so far: the moment's first words, the
/// feelings with their intensities, the guess with its certainty, the other
/// reading. Only what was written; one line each.
pub fn read_back(draft: &Draft) -> Vec<String> {
    let text = |key: &str| {
        draft
            .answer(key)
            .and_then(|a| a.value.as_text())
            .map(|t| first_words(t, 60))
            .filter(|t| !t.is_empty())
    };
    let mut lines = Vec::new();
    if let Some(t) = text(keys::WHAT_HAPPENED) {
        lines.push(format!("The moment: {t}"));
    }
    if let Some(Value::Feelings(f)) = draft.answer(keys::SELF_FEELINGS).map(|a| &a.value) {
        let named: Vec<String> = f
            .iter()
            .map(|f| match f.intensity {
                Some(i) => format!("{} ({i})", entry::one_line(&f.name)),
                None => entry::one_line(&f.name),
            })
            .collect();
        if !named.is_empty() {
            lines.push(format!("Your feelings: {}", named.join(", ")));
        }
    }
    // The guess: the answer, or what the nudge drew when it was blank.
    let nudged = draft
        .nudge
        .as_ref()
        .filter(|n| n.after.as_deref() == Some(keys::OTHER_FEELING))
        .and_then(|n| n.answer.as_deref())
        .map(|t| first_words(t, 60));
    let guess = text(keys::OTHER_FEELING)
        .or(nudged)
        .or_else(|| text(keys::OTHER_INTENT));
    if let Some(g) = guess {
        let who = text(keys::OTHER_WHO)
            .map(|w| format!(" ({w})"))
            .unwrap_or_default();
        let sure = draft
            .answer(keys::OTHER_CERTAINTY)
            .and_then(|a| a.value.as_rating())
            .map(|c| format!(" (how sure you were: {c} of 10)"))
            .unwrap_or_default();
        lines.push(format!("Your guess about them{who}: {g}{sure}"));
    }
    if let Some(t) = text(keys::OTHER_ALTERNATIVE) {
        lines.push(format!("Another way to read it: {t}"));
    }
    lines
}

fn non_blank(s: String) -> Option<String> {
    let t = s.trim_end();
    (!t.trim().is_empty()).then(|| t.to_string())
}

/// The first enabled nudge that may follow `after` and whose signals hold.
pub fn pick_nudge<'p>(pack: &'p Pack, after: &str, answers: &[Answer]) -> Option<&'p Nudge> {
    pack.nudges
        .iter()
        .filter(|n| n.enabled && n.after.contains(after))
        .find(|n| n.when.iter().any(|s| s.holds(answers, after)))
}

/// The arrival check asked again when an unfinished entry is resumed after
/// a gap. Returns the new check; the caller decides what follows.
pub fn recheck(
    pack: &Pack,
    settings: &Settings,
    p: &mut dyn Prompter,
) -> Result<(Recheck, Vec<Answer>), PromptError> {
    p.say("")?;
    p.say("It's been a while since you last wrote in this entry. Before you carry on:")?;
    let mut draft = Draft::new(String::new(), (settings.clock)(), pack.reference());
    let mut ignore = |_: &Draft| {};
    let mut w = Walk {
        pack,
        settings,
        p,
        draft: &mut draft,
        save: &mut ignore,
    };
    // The whole arrival check, urges included when the pack tracks them,
    // stopping as soon as it leads to the lane (as the walk does).
    for key in [
        keys::ARRIVAL_DISTRESS,
        keys::ARRIVAL_SAFETY,
        keys::ARRIVAL_URGE,
        keys::ARRIVAL_URGE_ACTED,
    ] {
        let Some(step) = pack.step(key) else { continue };
        let step = step.clone();
        while let Next::Back = w.step(&step)? {}
        let arrived = w.draft.visited(keys::ARRIVAL_SAFETY);
        if arrived && lane_due(&w.draft.answers, settings.threshold, pack.urge_threshold()) {
            break;
        }
    }
    let rating = |key: &str| draft.answer(key).and_then(|a| a.value.as_rating());
    let check = Recheck {
        at: (settings.clock)(),
        distress: rating(keys::ARRIVAL_DISTRESS).unwrap_or(0),
        safety: draft
            .answer(keys::ARRIVAL_SAFETY)
            .and_then(|a| a.value.as_text())
            .unwrap_or("no")
            .to_string(),
        urge: rating(keys::ARRIVAL_URGE),
        urge_acted: draft
            .answer(keys::ARRIVAL_URGE_ACTED)
            .and_then(|a| match a.value {
                Value::Bool(b) => Some(b),
                _ => None,
            }),
    };
    Ok((check, draft.answers))
}

/// Whether a recheck leads to the safety lane.
pub fn recheck_lane_due(r: &Recheck, threshold: u8, urge_threshold: Option<u8>) -> bool {
    r.distress >= threshold
        || r.safety == "yes"
        || r.safety == "not sure"
        || urge_threshold
            .is_some_and(|u| r.urge.is_some_and(|x| x >= u) || r.urge_acted == Some(true))
}

/// The one line that reminds a person where they were.
pub fn recap(draft: &Draft) -> String {
    let n = draft.answers.len();
    let plural = if n == 1 { "" } else { "s" };
    match draft.first_words(50) {
        Some(words) => format!(
            "So far you have written {n} answer{plural}, starting with \"{words}\". Here is where you left off."
        ),
        None => format!("So far you have written {n} answer{plural}. Here is where you left off."),
    }
}

/// What to do about the unfinished entries.
#[derive(Debug, PartialEq, Eq)]
pub enum DraftChoice {
    /// Carry on with this one (an index into the drafts offered).
    Resume(usize),
    /// Start a new entry and keep every draft for later.
    New,
    /// Discard this one; the person confirmed it.
    Discard(usize),
}

/// Offers every unfinished entry, newest first, with its start time and
/// first words; discarding one asks once more.
pub fn choose_draft(
    p: &mut dyn Prompter,
    drafts: &[Draft],
    plan: &[String],
) -> Result<DraftChoice, PromptError> {
    let label = |d: &Draft| match d.first_words(40) {
        Some(w) => format!("the one started {}: \"{w}\"", d.started()),
        None => format!("the one started {}", d.started()),
    };
    if drafts.len() == 1 {
        p.say(&format!(
            "You have an unfinished entry ({}).",
            drafts[0].describe()
        ))?;
    } else {
        p.say(&format!("You have {} unfinished entries.", drafts.len()))?;
    }
    loop {
        let mut items: Vec<String> = if drafts.len() == 1 {
            vec!["Carry on where you left off".to_string()]
        } else {
            drafts
                .iter()
                .map(|d| format!("Carry on with {}", label(d)))
                .collect()
        };
        items.push(if drafts.len() == 1 {
            "Start a new entry and keep this one for later".to_string()
        } else {
            "Start a new entry and keep these for later".to_string()
        });
        items.push(if drafts.len() == 1 {
            "Discard it".to_string()
        } else {
            "Discard one of them".to_string()
        });
        let ask = Ask {
            prompt: "What would you like to do?",
            initial: "",
            back: false,
            blank: "(skipped)",
        };
        let i = match p.select(&ask, &items, None)? {
            Got::Answer(i) => i,
            Got::Plan => {
                say_plan(p, plan)?;
                continue;
            }
            _ => continue,
        };
        if i < drafts.len() {
            return Ok(DraftChoice::Resume(i));
        }
        if i == drafts.len() {
            return Ok(DraftChoice::New);
        }
        let which = if drafts.len() == 1 {
            0
        } else {
            let mut list: Vec<String> = drafts.iter().map(&label).collect();
            list.push("None of them".to_string());
            let ask = Ask {
                prompt: "Which one would you like to discard?",
                initial: "",
                back: false,
                blank: "(skipped)",
            };
            match p.select(&ask, &list, None)? {
                Got::Answer(i) if i < drafts.len() => i,
                Got::Plan => {
                    say_plan(p, plan)?;
                    continue;
                }
                _ => continue,
            }
        };
        let confirm = [
            "No, keep it".to_string(),
            "Yes, discard it for good".to_string(),
        ];
        let ask = Ask {
            prompt: "Discard the unfinished entry? Its answers will be gone.",
            initial: "",
            back: false,
            blank: "(skipped)",
        };
        loop {
            match p.select(&ask, &confirm, None)? {
                Got::Answer(1) => return Ok(DraftChoice::Discard(which)),
                Got::Plan => say_plan(p, plan)?,
                _ => break,
            }
        }
    }
}

/// Offers, once and skippably, to look at the moment of a safety-lane entry
/// now. `when` is the lane entry's day.
pub fn offer_follow_up(
    p: &mut dyn Prompter,
    when: &str,
    plan: &[String],
) -> Result<bool, PromptError> {
    p.say(&format!(
        "Last time you wrote here ({when}), things were very hard and the safety steps opened."
    ))?;
    let items = [
        "Yes, look at that moment now".to_string(),
        "Not now: start a new entry".to_string(),
    ];
    loop {
        let ask = Ask {
            prompt: "Would you like to look at that moment now, with some distance?",
            initial: "",
            back: false,
            blank: "(skipped)",
        };
        match p.select(&ask, &items, None)? {
            Got::Answer(i) => return Ok(i == 0),
            Got::Plan => say_plan(p, plan)?,
            _ => continue,
        }
    }
}

/// The crisis plan between blank lines, at any question.
fn say_plan(p: &mut dyn Prompter, plan: &[String]) -> Result<(), PromptError> {
    p.say("")?;
    for line in plan {
        p.say(line)?;
    }
    p.say("")
}

/// What the later reflection needs to be safe: the threshold, the crisis
/// plan as shown, and the words that acknowledge a hard moment.
pub struct ReflectSettings<'a> {
    pub threshold: u8,
    pub plan: &'a [String],
    pub acknowledgement: &'a str,
}

/// A later reflection on an entry ([`crate::reflection::QUESTIONS`]):
/// `readback` (what the entry said) first, then each question, every one
/// skippable, `/plan` at any of them, `/back` to the one before. A
/// re-rating at or above the threshold shows the lane's closing, as the
/// walk does. The answers given so far are in `answers` whatever happens
/// (Ctrl-C included), so that the caller can keep them.
pub fn reflect(
    p: &mut dyn Prompter,
    readback: &[String],
    settings: &ReflectSettings,
    answers: &mut Vec<Answer>,
) -> Result<(), PromptError> {
    use crate::reflection::{self, QUESTIONS};
    for line in readback {
        p.say(line)?;
    }
    p.say("")?;
    p.hint("Every question can be skipped: press Enter. Type /plan at any question to see your crisis plan.")?;
    let mut i = 0;
    while i < QUESTIONS.len() {
        let (key, kind, question) = QUESTIONS[i];
        let earlier = answers
            .iter()
            .find(|a| a.key == key)
            .map(|a| a.value.clone());
        // The rating question says its own scale.
        let prompt = question.to_string();
        let initial = match &earlier {
            Some(Value::Text(t)) => t.clone(),
            Some(Value::Rating(r)) => r.to_string(),
            _ => String::new(),
        };
        let ask = Ask {
            prompt: &prompt,
            initial: &initial,
            back: i > 0,
            blank: "(skipped)",
        };
        let validate = |s: &str| -> Result<(), String> {
            if kind == Kind::Rating && !s.trim().is_empty() {
                entry::parse_rating(s).map(|_| ())
            } else {
                Ok(())
            }
        };
        let typed = match p.input(&ask, &validate)? {
            Got::Plan => {
                say_plan(p, settings.plan)?;
                continue;
            }
            Got::Back => {
                i = i.saturating_sub(1);
                continue;
            }
            Got::Edit if kind != Kind::Rating => match p.edit(&prompt, &initial) {
                Ok(Some(text)) => text,
                Ok(None) => {
                    p.say("Nothing was saved in the editor, so here is the question again.")?;
                    continue;
                }
                Err(PromptError::Editor(msg)) => {
                    p.say(&format!("{msg}. Here is the question again."))?;
                    continue;
                }
                // What the editor held is this question's answer, kept.
                Err(PromptError::EditorInterrupted(text)) => {
                    if let Some(text) = text.filter(|t| !t.trim().is_empty()) {
                        answers.retain(|a| a.key != key);
                        answers.extend(reflection::answer(key, Value::Text(text)));
                    }
                    return Err(PromptError::Interrupted);
                }
                Err(e) => return Err(e),
            },
            Got::Edit => continue,
            Got::Answer(typed) => typed,
        };
        answers.retain(|a| a.key != key);
        let value = match kind {
            Kind::Rating if !typed.trim().is_empty() => {
                entry::parse_rating(&typed).ok().map(Value::Rating)
            }
            _ if !typed.trim().is_empty() => Some(Value::Text(typed)),
            _ => None,
        };
        if let Some(answer) = value.and_then(|v| reflection::answer(key, v)) {
            answers.push(answer);
        }
        i += 1;
    }
    let rating = answers
        .iter()
        .find(|a| a.key == reflection::keys::DISTRESS)
        .and_then(|a| a.value.as_rating());
    if rating.is_some_and(|r| r >= settings.threshold) {
        reflect_closing(p, settings)?;
    }
    Ok(())
}

/// The lane's closing after a reflection's re-rating at or above the
/// threshold: the acknowledgement, then the crisis plan.
pub fn reflect_closing(
    p: &mut dyn Prompter,
    settings: &ReflectSettings,
) -> Result<(), PromptError> {
    p.say("")?;
    p.say(settings.acknowledgement)?;
    p.say("Looking back at a hard moment can stir things up. Here is what can help right now.")?;
    say_plan(p, settings.plan)
}
