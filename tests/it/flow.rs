//! The guided walk's logic, in-process, through a scripted Prompter.

use chrono::DateTime;
use mentalog::entry::{Entry, Feeling, Value, keys};
use mentalog::flow::{self, Draft, DraftChoice, Settings};
use mentalog::pack::Pack;
use mentalog::prompt::{Reply, Scripted};

use Reply::{Multi, Select, Text};

fn t(s: &str) -> Reply {
    Text(s.to_string())
}

fn skip() -> Reply {
    t("")
}

const PLAN: &str = "# My crisis plan\nCall Sam.";

fn draft(pack: &Pack) -> Draft {
    let created = DateTime::parse_from_rfc3339("2026-11-03T21:40:12+01:00").unwrap();
    Draft::new("7c1e09ab00000000000000000000000a".into(), created, pack)
}

/// Walks `draft` with `replies`, returning the prompter and every draft saved.
fn walk_with(
    pack: &Pack,
    draft: &mut Draft,
    replies: Vec<Reply>,
) -> (Scripted, Vec<Draft>, Result<(), String>) {
    let contacts = vec!["Sam: 555 0100".to_string()];
    let settings = Settings {
        threshold: pack.safety_threshold,
        plan: PLAN,
        contacts: &contacts,
    };
    let mut p = Scripted::new(replies);
    let mut saved = Vec::new();
    let result = flow::walk(pack, &settings, &mut p, draft, &mut |d: &Draft| {
        saved.push(d.clone())
    });
    (p, saved, result.map_err(|e| e.to_string()))
}

fn finish(pack: &Pack, replies: Vec<Reply>) -> (Entry, Scripted) {
    let mut d = draft(pack);
    let (p, _, result) = walk_with(pack, &mut d, replies);
    result.unwrap();
    assert_eq!(p.remaining(), 0, "replies left over");
    (d.into_entry(), p)
}

/// Replies for every step of the built-in pack, answering each, without nudges.
/// The feelings of [`full_replies`]: angry at 7, hurt at `hurt`.
fn angry_and_hurt(hurt: Option<u8>) -> Value {
    Value::Feelings(vec![
        Feeling {
            name: "angry".into(),
            intensity: Some(7),
        },
        Feeling {
            name: "hurt".into(),
            intensity: hurt,
        },
    ])
}

fn full_replies() -> Vec<Reply> {
    vec![
        t("11"),   // out of range, refused
        t("6"),    // arrival.distress
        Select(1), // arrival.safety: no
        t("At dinner my sister looked at her phone."),
        t("I had just told her my news."),
        Multi(vec![5, 0]), // hurt, angry
        t("7"),
        t("4"),
        t("Tight throat"),
        t("She doesn't care."),
        t("To be listened to."),
        t("I left early."),
        t("my sister"),
        t("Maybe she was worried about work."),
        t("Checking on her kids."),
        t("4"), // other.certainty
        t("She didn't notice."),
        t("Cold."),
        t("3"), // after.distress
        t("A little."),
        t("Going quiet."),
        Select(0), // share.include: yes
    ]
}

#[test]
fn a_full_walk_records_every_answer_with_its_question() {
    let pack = Pack::builtin();
    let (entry, p) = finish(&pack, full_replies());
    assert_eq!(p.refusals, vec!["Please type a whole number from 0 to 10."]);
    assert_eq!(entry.rating(keys::ARRIVAL_DISTRESS), Some(6));
    assert_eq!(entry.text(keys::ARRIVAL_SAFETY), Some("no"));
    assert_eq!(entry.rating(keys::OTHER_CERTAINTY), Some(4));
    assert_eq!(entry.rating(keys::AFTER_DISTRESS), Some(3));
    assert_eq!(
        entry.answer(keys::SELF_FEELINGS).unwrap().value,
        angry_and_hurt(Some(4))
    );
    assert_eq!(
        entry.answer(keys::SHARE_INCLUDE).unwrap().value,
        Value::Bool(true)
    );
    assert!(entry.shared);
    assert!(!entry.safety_lane);
    assert_eq!(entry.nudge, None);
    assert_eq!(entry.answers.len(), pack.steps.len());
    for a in &entry.answers {
        assert_eq!(a.question, pack.step(&a.key).unwrap().question, "{}", a.key);
    }
    assert!(!p.transcript.iter().any(|l| l.contains("crisis plan")));
}

#[test]
fn skipped_steps_leave_no_answer_and_an_unanswered_share_stays_private() {
    let pack = Pack::builtin();
    let mut replies = vec![t("2"), Select(1)];
    // Skip everything else: empty text, no feelings, the skip item in selects.
    for step in &pack.steps[2..] {
        replies.push(match step.kind {
            mentalog::entry::Kind::Feelings => Multi(vec![]),
            mentalog::entry::Kind::YesNo => Select(2),
            _ => skip(),
        });
    }
    // other.feeling left blank brings the "one small guess" nudge; skip it too.
    let nudge_at = 2
        + pack.steps[2..]
            .iter()
            .position(|s| s.key == keys::OTHER_FEELING)
            .unwrap()
        + 1;
    replies.insert(nudge_at, skip());
    let (entry, _) = finish(&pack, replies);
    let keys: Vec<_> = entry.answers.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(keys, [keys::ARRIVAL_DISTRESS, keys::ARRIVAL_SAFETY]);
    assert!(!entry.shared);
    let nudge = entry.nudge.unwrap();
    assert_eq!(nudge.id, "one-small-guess");
    assert_eq!(nudge.answer, None);
}

#[test]
fn the_arrival_check_cannot_be_skipped() {
    let pack = Pack::builtin();
    let mut d = draft(&pack);
    let (p, _, result) = walk_with(&pack, &mut d, vec![skip(), t("5"), Reply::Interrupt]);
    assert!(result.is_err());
    assert_eq!(
        p.refusals,
        vec!["This one helps mentalog look after you, so it needs an answer."]
    );
    assert_eq!(d.answers[0].value, Value::Rating(5));
}

fn assert_safety_lane(entry: &Entry, p: &Scripted) {
    assert!(entry.safety_lane);
    assert!(!entry.shared, "a safety-lane entry is private until shared");
    assert_eq!(entry.nudge, None);
    let keys: Vec<_> = entry.answers.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(keys[..2], [keys::ARRIVAL_DISTRESS, keys::ARRIVAL_SAFETY]);
    assert!(
        keys[2..].iter().all(|k| *k == keys::SAFETY_NOTE),
        "{keys:?}"
    );
    let said = p.transcript.join("\n");
    for line in [
        PLAN,
        "Sam: 555 0100",
        flow::EMERGENCY_LINE,
        flow::NO_CONTACT_LINE,
    ] {
        assert!(said.contains(line), "{line:?} was not shown:\n{said}");
    }
    assert!(
        !said.contains("What happened?"),
        "perspective questions were asked"
    );
}

#[test]
fn high_distress_leads_to_the_safety_lane() {
    let pack = Pack::builtin();
    let (entry, p) = finish(&pack, vec![t("8"), Select(1), t("It's too much tonight.")]);
    assert_safety_lane(&entry, &p);
    assert_eq!(
        entry.text(keys::SAFETY_NOTE),
        Some("It's too much tonight.")
    );
}

#[test]
fn a_yes_or_not_sure_to_the_safety_question_leads_to_the_safety_lane() {
    let pack = Pack::builtin();
    for choice in [0, 2] {
        let (entry, p) = finish(&pack, vec![t("2"), Select(choice), skip()]);
        assert_safety_lane(&entry, &p);
        assert_eq!(entry.answer(keys::SAFETY_NOTE), None, "the skipped note");
    }
}

#[test]
fn distress_just_below_the_threshold_goes_on_to_the_moment() {
    let pack = Pack::builtin();
    let mut d = draft(&pack);
    let (p, _, _) = walk_with(&pack, &mut d, vec![t("7"), Select(1), Reply::Interrupt]);
    assert!(!d.safety_lane);
    assert!(p.transcript.last().unwrap().contains("What happened?"));
}

#[test]
fn the_first_nudge_whose_signal_holds_is_shown_once() {
    let pack = Pack::builtin();
    let mut replies = full_replies();
    // other.certainty of 9 brings the "a little less sure" nudge right after it.
    let certainty = replies
        .iter()
        .position(|r| matches!(r, Text(s) if s == "4"))
        .unwrap();
    let certainty = replies[certainty + 1..]
        .iter()
        .position(|r| matches!(r, Text(s) if s == "4"))
        .unwrap()
        + certainty
        + 1;
    replies[certainty] = t("9");
    replies.insert(certainty + 1, t("If she said so herself."));
    // Deed words in other.intent would bring the "what was inside" nudge
    // after it, before the certainty: that one is shown, and no other.
    let intent = replies
        .iter()
        .position(|r| matches!(r, Text(s) if s == "Checking on her kids."))
        .unwrap();
    replies[intent] = t("If she cared she would prove it.");
    replies.remove(certainty + 1);
    replies.insert(intent + 1, t("Maybe she was overwhelmed."));
    let (entry, p) = finish(&pack, replies);
    let nudge = entry.nudge.unwrap();
    assert_eq!(nudge.id, "what-was-inside");
    assert_eq!(nudge.answer.as_deref(), Some("Maybe she was overwhelmed."));
    assert!(
        !p.transcript
            .iter()
            .any(|l| l.starts_with("You feel very sure")),
        "a second nudge"
    );

    // Without the deed words, the certainty of 9 brings its own nudge.
    let mut replies = full_replies();
    replies[certainty] = t("9");
    replies.insert(certainty + 1, t("If she said so herself."));
    let (entry, p) = finish(&pack, replies);
    let nudge = entry.nudge.unwrap();
    assert_eq!(nudge.id, "a-little-less-sure");
    assert_eq!(nudge.answer.as_deref(), Some("If she said so herself."));
    assert!(
        p.transcript
            .iter()
            .any(|l| l.starts_with("You feel very sure"))
    );
}

#[test]
fn nudges_never_name_a_mode() {
    let pack = Pack::builtin();
    for n in &pack.nudges {
        let text = n.text.to_lowercase();
        for word in ["mode", "equivalence", "pretend", "teleological", "mentaliz"] {
            assert!(!text.contains(word), "nudge {} says {word}", n.id);
        }
    }
}

#[test]
fn ctrl_c_keeps_every_answer_and_resuming_goes_on_from_there() {
    let pack = Pack::builtin();
    let all = full_replies();
    // First half: the arrival check and the moment, then Ctrl-C.
    let mut d = draft(&pack);
    let mut first: Vec<Reply> = all[..5].to_vec();
    first.push(Reply::Interrupt);
    let (_, saved, result) = walk_with(&pack, &mut d, first);
    assert_eq!(result.unwrap_err(), "interrupted");
    let last = saved.last().unwrap().clone();
    assert_eq!(
        last.answers.len(),
        4,
        "each answer was saved as it was given"
    );
    // Round-trip through JSON, as the draft file does.
    let mut resumed: Draft = serde_json::from_str(&serde_json::to_string(&last).unwrap()).unwrap();
    let (p, _, result) = walk_with(&pack, &mut resumed, all[5..].to_vec());
    result.unwrap();
    assert_eq!(p.remaining(), 0);
    assert!(
        !p.transcript
            .iter()
            .any(|l| l.contains("How strong are your feelings right now"))
    );
    let entry = resumed.into_entry();
    assert_eq!(entry.answers.len(), pack.steps.len());
    assert_eq!(
        entry.text(keys::WHAT_HAPPENED),
        Some("At dinner my sister looked at her phone.")
    );
    assert_eq!(entry.text(keys::SHARE_TOPIC), Some("Going quiet."));
    assert_eq!(entry.id, "7c1e09ab00000000000000000000000a");
}

#[test]
fn an_editor_that_fails_is_reported_and_not_taken() {
    let pack = Pack::builtin();
    let mut d = draft(&pack);
    let replies = vec![
        t("3"),
        Select(1),
        t("/edit"),
        Reply::EditorFails("your editor (false) did not finish well".into()),
        t("/edit"),
        Reply::Edited(Some("Line one\nline two".into())),
        Reply::Interrupt,
    ];
    let (p, _, _) = walk_with(&pack, &mut d, replies);
    assert_eq!(d.answers[2].value, Value::Text("Line one\nline two".into()));
    assert!(
        p.transcript
            .iter()
            .any(|l| l.contains("did not finish well"))
    );
}

#[test]
fn discarding_a_draft_asks_to_confirm() {
    let pack = Pack::builtin();
    let d = draft(&pack);
    let mut p = Scripted::new([Select(2), Select(0), Select(2), Select(1)]);
    assert_eq!(
        flow::choose_draft(&mut p, &d).unwrap(),
        DraftChoice::Discard
    );
    assert_eq!(p.remaining(), 0, "the first 'discard' was taken back");
    let mut p = Scripted::new([Select(0)]);
    assert_eq!(flow::choose_draft(&mut p, &d).unwrap(), DraftChoice::Resume);
    let mut p = Scripted::new([Select(1)]);
    assert_eq!(flow::choose_draft(&mut p, &d).unwrap(), DraftChoice::Keep);
}

#[test]
fn a_threshold_from_the_config_overrides_the_pack() {
    let pack = Pack::builtin();
    let mut d = draft(&pack);
    let settings = Settings {
        threshold: 5,
        plan: PLAN,
        contacts: &[],
    };
    let mut p = Scripted::new([t("5"), Select(1), skip()]);
    flow::walk(&pack, &settings, &mut p, &mut d, &mut |_| {}).unwrap();
    assert!(d.safety_lane);
}

#[test]
fn feelings_are_saved_one_by_one_and_a_resumed_walk_asks_only_the_rest() {
    let pack = Pack::builtin();
    let all = full_replies();
    // Up to the feelings, the first intensity, then Ctrl-C.
    let mut first: Vec<Reply> = all[..7].to_vec();
    first.push(Reply::Interrupt);
    let mut d = draft(&pack);
    let (_, saved, result) = walk_with(&pack, &mut d, first);
    assert!(result.is_err());
    let last = saved.last().unwrap().clone();
    assert_eq!(last.answers.last().unwrap().value, angry_and_hurt(None));
    let mut resumed: Draft = serde_json::from_str(&serde_json::to_string(&last).unwrap()).unwrap();
    let (p, _, result) = walk_with(&pack, &mut resumed, all[7..].to_vec());
    result.unwrap();
    assert!(
        !p.transcript.iter().any(|l| l.contains("Which feelings")),
        "the list was asked again"
    );
    assert!(
        !p.transcript
            .iter()
            .any(|l| l.contains("How strong was \"angry\""))
    );
    let entry = resumed.into_entry();
    assert_eq!(
        entry.answer(keys::SELF_FEELINGS).unwrap().value,
        angry_and_hurt(Some(4))
    );
    assert_eq!(entry.answers.len(), pack.steps.len());
}

#[test]
fn edit_works_at_short_questions_and_nudges_too() {
    let pack = Pack::builtin();
    let mut replies = full_replies();
    let who = replies
        .iter()
        .position(|r| matches!(r, Text(s) if s == "my sister"))
        .unwrap();
    replies[who] = t("/edit");
    replies.insert(who + 1, Reply::Edited(Some("my older sister".into())));
    let (entry, _) = finish(&pack, replies);
    assert_eq!(entry.text(keys::OTHER_WHO), Some("my older sister"));
}

#[test]
fn the_crisis_plan_is_one_word_away_at_any_text_question() {
    let pack = Pack::builtin();
    let mut d = draft(&pack);
    let replies = vec![
        t("3"),
        Select(1),
        t("/plan"),
        t("We argued."),
        Reply::Interrupt,
    ];
    let (p, _, _) = walk_with(&pack, &mut d, replies);
    let said = p.transcript.join("\n");
    for line in [PLAN, "Sam: 555 0100", flow::EMERGENCY_LINE] {
        assert!(said.contains(line), "{line:?} was not shown");
    }
    assert_eq!(d.answers[2].value, Value::Text("We argued.".into()));
    assert!(!d.safety_lane, "looking at the plan is not the safety lane");
}
