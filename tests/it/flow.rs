//! The guided walk's logic, in-process, through a scripted Prompter.

use chrono::DateTime;
use mentalog::draft::Draft;
use mentalog::entry::{Entry, Feeling, LaneShare, PlanState, Value, keys};
use mentalog::flow::{self, DraftChoice, Settings};
use mentalog::pack::Pack;
use mentalog::prompt::{Reply, Scripted};

use Reply::{Multi, Select, Text};

fn t(s: &str) -> Reply {
    Text(s.to_string())
}

fn skip() -> Reply {
    t("")
}

const PLAN: &str = "Your crisis plan:\n# My crisis plan\nCall Sam.";
const CREATED: &str = "2026-11-03T21:40:12+01:00";

fn plan_lines() -> Vec<String> {
    let mut lines: Vec<String> = PLAN.lines().map(str::to_string).collect();
    lines.extend(
        [
            "",
            "People and services you can contact:",
            "  Sam: 555 0100",
            "",
            flow::EMERGENCY_LINE,
            flow::NO_CONTACT_LINE,
        ]
        .map(str::to_string),
    );
    lines
}

fn draft(pack: &Pack) -> Draft {
    let created = DateTime::parse_from_rfc3339(CREATED).unwrap();
    Draft::new(
        "7c1e09ab00000000000000000000000a".into(),
        created,
        pack.reference(),
    )
}

/// How a walk is set up: the pack's threshold unless said otherwise.
#[derive(Default)]
struct Setup {
    threshold: Option<u8>,
    count_openings: bool,
    starting_point: Option<&'static str>,
}

/// Walks `draft` with `replies`, returning the prompter and every draft saved.
fn walk_setup(
    pack: &Pack,
    draft: &mut Draft,
    replies: Vec<Reply>,
    setup: Setup,
) -> (Scripted, Vec<Draft>, Result<(), String>) {
    let lines = plan_lines();
    let clock = || DateTime::parse_from_rfc3339(CREATED).unwrap();
    let settings = Settings {
        threshold: setup.threshold.unwrap_or(pack.safety_threshold),
        rise: pack.safety_rise,
        plan: &lines,
        plan_state: PlanState {
            plan_written: true,
            contacts: true,
        },
        count_plan_openings: setup.count_openings,
        starting_point: setup.starting_point,
        clock: &clock,
    };
    let p = Scripted::new(replies);
    let mut handle = p.clone();
    let mut saved = Vec::new();
    let result = flow::walk(pack, &settings, &mut handle, draft, &mut |d: &Draft| {
        saved.push(d.clone())
    });
    (p, saved, result.map_err(|e| e.to_string()))
}

fn walk_with(
    pack: &Pack,
    draft: &mut Draft,
    replies: Vec<Reply>,
) -> (Scripted, Vec<Draft>, Result<(), String>) {
    walk_setup(pack, draft, replies, Setup::default())
}

fn finish(pack: &Pack, replies: Vec<Reply>) -> (Entry, Scripted) {
    let mut d = draft(pack);
    let (p, _, result) = walk_with(pack, &mut d, replies);
    result.unwrap();
    assert_eq!(p.remaining(), 0, "replies left over");
    (d.into_entry(), p)
}

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

/// Replies for every step of the built-in pack, answering each, without nudges.
pub(crate) fn full_replies() -> Vec<Reply> {
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
        t("She kept scrolling. I felt invisible."), // moment.next
        t("my sister"),
        t("Maybe she was worried about work."),
        t("Checking on her kids."),
        t("4"), // other.certainty
        t("She didn't notice."),
        t("Cold."),
        t("We haven't talked since."), // repair.since
        t("3"),                        // after.distress
        t("A little."),
        t("Going quiet."),
        Select(0), // share.include: yes
    ]
}

/// The index in `replies` of the first text reply `text`.
fn at(replies: &[Reply], text: &str) -> usize {
    replies
        .iter()
        .position(|r| matches!(r, Text(s) if s == text))
        .unwrap_or_else(|| panic!("no reply {text:?}"))
}

#[test]
fn a_full_walk_records_every_answer_with_its_question() {
    let pack = Pack::builtin();
    let (entry, p) = finish(&pack, full_replies());
    assert_eq!(
        p.refusals(),
        vec!["Please type a whole number from 0 to 10."]
    );
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
    assert!(!p.text().contains("crisis plan"));
    // The read-back before the re-rating puts both minds side by side.
    let said = p.text();
    let back = said.find("Here is what you wrote").expect("no read-back");
    let rerate = said.find("Reading it back now").unwrap();
    assert!(back < rerate);
    for line in [
        "The moment: At dinner my sister looked at her phone.",
        "Your feelings: angry (7), hurt (4)",
        "Your guess about them (my sister): Maybe she was worried about work. (how sure you were: 4 of 10)",
        "Another way to read it: She didn't notice.",
    ] {
        assert!(
            said[back..rerate].contains(line),
            "{line:?} not in the read-back:\n{}",
            &said[back..rerate]
        );
    }
    // The guess is stored with the words that frame it as a guess.
    assert_eq!(
        entry
            .answer(keys::OTHER_FEELING)
            .unwrap()
            .framing
            .as_deref(),
        Some("No one can see inside someone else's head, so this is a guess.")
    );
    assert!(!entry.distress_rose && entry.plan.is_none());
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
    // other.feeling left blank brings the "one small guess" nudge; skip it
    // too. With no guess even then, "how sure are you" is not asked.
    let nudge_at = 2
        + pack.steps[2..]
            .iter()
            .position(|s| s.key == keys::OTHER_FEELING)
            .unwrap()
        + 1;
    replies.insert(nudge_at, skip());
    let certainty_at = 2
        + pack.steps[2..]
            .iter()
            .position(|s| s.key == keys::OTHER_CERTAINTY)
            .unwrap()
        + 1;
    replies.remove(certainty_at);
    let (entry, p) = finish(&pack, replies);
    assert!(!p.text().contains("How sure are you about that guess"));
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
    assert_eq!(p.refusals(), vec![flow::ARRIVAL_NEEDED]);
    assert_eq!(d.answers[0].value, Value::Rating(5));
}

fn assert_safety_lane(entry: &Entry, p: &Scripted) {
    assert!(entry.safety_lane);
    assert!(!entry.shared, "kept private, as chosen");
    assert_eq!(entry.nudge, None);
    assert_eq!(
        entry.plan,
        Some(PlanState {
            plan_written: true,
            contacts: true
        })
    );
    let keys: Vec<_> = entry.answers.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(keys[..2], [keys::ARRIVAL_DISTRESS, keys::ARRIVAL_SAFETY]);
    assert!(
        keys[2..]
            .iter()
            .all(|k| *k == keys::SAFETY_NOTE || *k == keys::SAFETY_SHARE),
        "{keys:?}"
    );
    let said = p.text();
    for line in [
        "# My crisis plan\nCall Sam.",
        "Sam: 555 0100",
        flow::EMERGENCY_LINE,
        flow::NO_CONTACT_LINE,
        flow::LANE_SHARE_QUESTION,
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
    let (entry, p) = finish(
        &pack,
        vec![t("8"), Select(1), t("It's too much tonight."), Select(2)],
    );
    assert_safety_lane(&entry, &p);
    assert!(p.text().contains("That sounds really hard right now."));
    assert_eq!(
        entry.text(keys::SAFETY_NOTE),
        Some("It's too much tonight.")
    );
}

#[test]
fn a_yes_or_not_sure_to_the_safety_question_leads_to_the_safety_lane() {
    let pack = Pack::builtin();
    for choice in [0, 2] {
        let (entry, p) = finish(&pack, vec![t("2"), Select(choice), skip(), Select(2)]);
        assert_safety_lane(&entry, &p);
        assert_eq!(entry.answer(keys::SAFETY_NOTE), None, "the skipped note");
        // Thoughts of self-harm get their own acknowledgement at distress 2.
        let said = p.text();
        assert!(
            said.contains(&pack.safety.thoughts_acknowledgement),
            "{said}"
        );
        assert!(
            !said.contains("That sounds really hard right now."),
            "{said}"
        );
    }
}

#[test]
fn distress_just_below_the_threshold_goes_on_to_the_moment() {
    let pack = Pack::builtin();
    let mut d = draft(&pack);
    let (p, _, _) = walk_with(&pack, &mut d, vec![t("7"), Select(1), Reply::Interrupt]);
    assert!(!d.safety_lane);
    assert!(p.transcript().last().unwrap().contains("What happened?"));
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
    assert!(!p.text().contains("You feel very sure"), "a second nudge");

    // Without the deed words, the certainty of 9 brings its own nudge.
    let mut replies = full_replies();
    replies[certainty] = t("9");
    replies.insert(certainty + 1, t("If she said so herself."));
    let (entry, p) = finish(&pack, replies);
    let nudge = entry.nudge.unwrap();
    assert_eq!(nudge.id, "a-little-less-sure");
    assert_eq!(nudge.answer.as_deref(), Some("If she said so herself."));
    assert!(p.text().contains("You feel very sure"));
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
    assert!(!p.text().contains("How strong are your feelings right now"));
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
    assert!(p.text().contains("did not finish well"));
}

#[test]
fn every_draft_is_offered_and_discarding_asks_to_confirm() {
    let pack = Pack::builtin();
    let older = draft(&pack);
    let mut newer = draft(&pack);
    newer.id = "8d2f00000000000000000000000000bb".into();
    newer.created = DateTime::parse_from_rfc3339("2026-11-04T08:00:00+01:00").unwrap();
    newer.answers = vec![mentalog::entry::Answer {
        key: keys::WHAT_HAPPENED.into(),
        kind: mentalog::entry::Kind::LongText,
        question: "What happened?".into(),
        framing: None,
        value: Value::Text("The bus left without me.".into()),
    }];
    let drafts = [newer, older];
    // Discard, then which one, then "no, keep it"; then discard the second for good.
    // The crisis plan first, at the menu itself.
    let p = Scripted::new([
        Reply::Plan,
        Select(3),
        Select(1),
        Select(0),
        Select(3),
        Select(1),
        Select(1),
    ]);
    let choice = flow::choose_draft(&mut p.clone(), &drafts, &plan_lines()).unwrap();
    assert!(
        p.text().contains("Call Sam."),
        "the plan was not shown at the menu"
    );
    assert_eq!(choice, DraftChoice::Discard(1));
    assert_eq!(p.remaining(), 0, "the first 'discard' was taken back");
    let said = p.text();
    assert!(said.contains("You have 2 unfinished entries."), "{said}");
    assert!(
        said.contains("Discard the unfinished entry? Its answers will be gone."),
        "{said}"
    );
    let mut p = Scripted::new([Select(1)]);
    assert_eq!(
        flow::choose_draft(&mut p, &drafts, &plan_lines()).unwrap(),
        DraftChoice::Resume(1)
    );
    let mut p = Scripted::new([Select(2)]);
    assert_eq!(
        flow::choose_draft(&mut p, &drafts, &plan_lines()).unwrap(),
        DraftChoice::New
    );
    // One draft: carry on, keep for later, or discard (asked twice).
    let one = &drafts[..1];
    let mut p = Scripted::new([Select(2), Select(1)]);
    assert_eq!(
        flow::choose_draft(&mut p, one, &plan_lines()).unwrap(),
        DraftChoice::Discard(0)
    );
}

#[test]
fn a_threshold_from_the_config_overrides_the_pack() {
    let pack = Pack::builtin();
    let mut d = draft(&pack);
    let setup = Setup {
        threshold: Some(5),
        ..Setup::default()
    };
    let (_, _, result) = walk_setup(
        &pack,
        &mut d,
        vec![t("5"), Select(1), skip(), Select(2)],
        setup,
    );
    result.unwrap();
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
        !p.text().contains("Which feelings"),
        "the list was asked again"
    );
    assert!(!p.text().contains("How strong was \"angry\""));
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
    let said = p.text();
    for line in [PLAN, "Sam: 555 0100", flow::EMERGENCY_LINE] {
        assert!(said.contains(line), "{line:?} was not shown");
    }
    assert_eq!(d.answers[2].value, Value::Text("We argued.".into()));
    assert!(!d.safety_lane, "looking at the plan is not the safety lane");
}

#[test]
fn distress_that_rises_by_the_end_shows_the_lanes_closing_before_saving() {
    let pack = Pack::builtin();
    // Arrival 5, then 10 at the end: at the threshold.
    let mut replies = full_replies();
    replies[1] = t("5");
    let after = at(&replies, "3");
    replies[after] = t("10");
    let (entry, p) = finish(&pack, replies);
    assert!(entry.distress_rose);
    assert!(!entry.safety_lane, "the entry is not a lane entry");
    assert_eq!(
        entry.plan,
        Some(PlanState {
            plan_written: true,
            contacts: true
        })
    );
    let said = p.text();
    let rerate = said.find("Reading it back now").unwrap();
    let shift = said.find("Has anything changed").unwrap();
    let closing = &said[rerate..shift];
    for line in [
        pack.safety.acknowledgement.as_str(),
        "Call Sam.",
        "Sam: 555 0100",
        flow::EMERGENCY_LINE,
    ] {
        assert!(
            closing.contains(line),
            "{line:?} not shown after the re-rating:\n{closing}"
        );
    }

    // A rise of 3 below the threshold does it too; a rise of 2 does not.
    for (start, end, rose) in [("2", "5", true), ("2", "4", false), ("6", "7", false)] {
        let mut replies = full_replies();
        replies[1] = t(start);
        let after = at(&replies, "3");
        replies[after] = t(end);
        let (entry, p) = finish(&pack, replies);
        assert_eq!(entry.distress_rose, rose, "{start} -> {end}");
        assert_eq!(
            p.text().contains(flow::EMERGENCY_LINE),
            rose,
            "{start} -> {end}"
        );
    }
}

#[test]
fn the_lane_asks_what_the_therapist_may_see_and_records_the_choice() {
    let pack = Pack::builtin();
    for (choice, share, shared, safety_shared) in [
        (0, LaneShare::Whole, true, true),
        (1, LaneShare::StepsOnly, false, true),
        (2, LaneShare::Nothing, false, false),
    ] {
        let mut d = draft(&pack);
        let replies = vec![
            t("9"),
            Select(1),
            t("Too much."),
            Reply::Plan,
            Select(choice),
        ];
        let (p, _, result) = walk_with(&pack, &mut d, replies);
        result.unwrap();
        assert_eq!(d.lane_share, Some(share));
        let entry = d.into_entry();
        assert_eq!((entry.shared, entry.safety_shared), (shared, safety_shared));
        assert_eq!(
            entry.text(keys::SAFETY_SHARE),
            Some(flow::LANE_SHARE_ITEMS[choice])
        );
        // Each answer says what it does; none is preselected.
        let said = p.text();
        assert!(said.contains(flow::LANE_SHARE_HELP));
        assert!(p.initials().is_empty(), "{:?}", p.initials());
    }
}

#[test]
fn the_crisis_plan_is_reachable_at_the_first_rating_and_at_every_list() {
    let pack = Pack::builtin();
    let mut d = draft(&pack);
    let replies = vec![
        t("/PLAN"), // the very first screen, in any case
        t("3"),
        Reply::Plan, // the safety list
        Select(1),
        t("We argued."),
        t(""),
        Reply::Plan, // the feelings checklist
        Multi(vec![0]),
        Reply::Interrupt,
    ];
    let setup = Setup {
        count_openings: true,
        ..Setup::default()
    };
    let (p, _, _) = walk_setup(&pack, &mut d, replies, setup);
    assert_eq!(p.text().matches("Call Sam.").count(), 3);
    assert_eq!(d.plan_opened, Some(3));
    assert_eq!(d.answers[0].value, Value::Rating(3));
    assert!(!d.safety_lane, "looking at the plan is not the safety lane");

    // Openings are not recorded at all unless the person turned that on.
    let mut d = draft(&pack);
    let (_, _, _) = walk_with(&pack, &mut d, vec![t("/plan"), t("3"), Reply::Interrupt]);
    assert_eq!(d.plan_opened, None);
}

#[test]
fn back_returns_to_the_previous_question_with_its_answer_filled_in() {
    let pack = Pack::builtin();
    let mut replies = full_replies();
    // At the turning point, go back and change what happened.
    let turning = at(&replies, "I had just told her my news.");
    replies.splice(
        turning..turning,
        [
            t("/back"),
            t("At dinner my sister looked at her phone all evening."),
        ],
    );
    let (entry, p) = finish(&pack, replies);
    assert_eq!(
        entry.text(keys::WHAT_HAPPENED),
        Some("At dinner my sister looked at her phone all evening.")
    );
    assert!(
        p.initials()
            .iter()
            .any(|(q, i)| q.starts_with("What happened?")
                && i == "At dinner my sister looked at her phone."),
        "{:?}",
        p.initials()
    );
    assert_eq!(entry.answers.len(), pack.steps.len());
}

#[test]
fn back_never_crosses_the_arrival_check_and_the_safety_question_comes_back_unanswered() {
    let pack = Pack::builtin();
    let mut d = draft(&pack);
    let replies = vec![
        t("4"),
        Reply::Back, // from the safety question to the distress rating
        t("5"),
        Select(1),
        t("/back"), // at the first question of the moment: no way back
        t("We argued."),
        Reply::Interrupt,
    ];
    let (p, _, _) = walk_with(&pack, &mut d, replies);
    assert_eq!(d.answers[0].value, Value::Rating(5));
    assert!(
        p.text()
            .contains("There is no earlier question to go back to from here.")
    );
    assert_eq!(d.answers[2].value, Value::Text("We argued.".into()));
    // The rating came back filled in; the safety question never does.
    let initials = p.initials();
    assert_eq!(initials.len(), 1, "{initials:?}");
    assert!(initials[0].0.starts_with("How strong are your feelings"));
    assert_eq!(initials[0].1, "4");
}

#[test]
fn back_from_a_feelings_intensity_returns_to_the_list_as_it_was() {
    let pack = Pack::builtin();
    let mut replies = full_replies();
    let first_intensity = at(&replies, "7");
    // At "how strong was hurt", go back, add "sad" to the list.
    replies.splice(
        first_intensity + 1..first_intensity + 1,
        [t("/back"), Multi(vec![0, 2, 5]), t("7"), t("2")],
    );
    let (entry, p) = finish(&pack, replies);
    let names: Vec<String> = match &entry.answer(keys::SELF_FEELINGS).unwrap().value {
        Value::Feelings(f) => f.iter().map(|f| f.name.clone()).collect(),
        _ => panic!(),
    };
    assert_eq!(names, ["angry", "sad", "hurt"]);
    assert!(
        p.initials()
            .iter()
            .any(|(q, i)| q == "Which feelings were there for you?" && i == "angry, hurt"),
        "{:?}",
        p.initials()
    );
}

/// Walks the built-in pack answering each question as it comes: `answers`
/// for the steps named there, blank for the rest, "n" to any nudge. The
/// script is fed one reply at a time, by what the walk asks.
fn nudge_walk(answers: &[(&str, &str)]) -> (Entry, Scripted) {
    let pack = Pack::builtin();
    let mut d = draft(&pack);
    let lines = plan_lines();
    let clock = || DateTime::parse_from_rfc3339(CREATED).unwrap();
    let settings = Settings {
        threshold: 8,
        rise: 3,
        plan: &lines,
        plan_state: PlanState {
            plan_written: true,
            contacts: true,
        },
        count_plan_openings: false,
        starting_point: None,
        clock: &clock,
    };
    let p = Scripted::new([Reply::Interrupt]);
    for _ in 0..100 {
        if flow::walk(&pack, &settings, &mut p.clone(), &mut d, &mut |_| {}).is_ok() {
            return (d.into_entry(), p);
        }
        let asked = p.transcript().last().cloned().unwrap();
        let reply = if pack.nudges.iter().any(|n| n.text == asked) {
            t("n")
        } else {
            let step = pack
                .steps
                .iter()
                .find(|s| asked.starts_with(&s.question))
                .unwrap_or_else(|| panic!("unknown question {asked:?}"));
            let given = answers
                .iter()
                .find(|(k, _)| *k == step.key)
                .map(|(_, v)| *v);
            match step.kind {
                mentalog::entry::Kind::Feelings => Multi(vec![]),
                mentalog::entry::Kind::YesNo | mentalog::entry::Kind::YesNoUnsure => Select(1),
                _ if step.key == keys::ARRIVAL_DISTRESS => t("4"),
                _ => t(given.unwrap_or("")),
            }
        };
        p.push([reply, Reply::Interrupt]);
    }
    panic!("the walk did not end");
}

#[test]
fn every_nudge_can_fire_from_its_own_fixture_right_after_the_words_that_drew_it() {
    let long_self = "I kept going over it all night and thinking about what I should have said and how I could have explained it better to her so that she would finally understand me and what I meant";
    let long_other = "She may have been tired after work and worried about her kids and the bills and maybe she did not notice how much the news mattered to me at all that evening";
    let very_long_self = long_self.repeat(4);
    // (nudge, answers given, the step it must follow)
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        (
            "one-small-guess",
            vec![(keys::OTHER_FEELING, "don't know")],
            keys::OTHER_FEELING,
        ),
        (
            "what-was-inside",
            vec![(keys::SELF_THOUGHTS, "If she cared she would have called.")],
            keys::SELF_THOUGHTS,
        ),
        (
            "what-was-inside",
            vec![
                (keys::OTHER_FEELING, "Annoyed."),
                (keys::OTHER_INTENT, "To prove a point."),
            ],
            keys::OTHER_INTENT,
        ),
        (
            "a-little-less-sure",
            vec![
                (keys::OTHER_FEELING, "Bored."),
                (keys::OTHER_CERTAINTY, "9"),
            ],
            keys::OTHER_CERTAINTY,
        ),
        (
            "a-little-less-sure",
            vec![
                (keys::OTHER_FEELING, "She always does this."),
                (keys::OTHER_CERTAINTY, "6"),
            ],
            keys::OTHER_CERTAINTY,
        ),
        (
            "pause-and-notice",
            vec![
                (keys::WHAT_HAPPENED, &very_long_self),
                (keys::OTHER_FEELING, "Busy."),
            ],
            keys::SELF_ACTIONS,
        ),
        (
            "more-about-them",
            vec![(keys::SELF_THOUGHTS, long_self)],
            keys::SELF_AS_SEEN,
        ),
        (
            "more-about-you",
            vec![(keys::OTHER_FEELING, long_other)],
            keys::SELF_AS_SEEN,
        ),
    ];
    let pack = Pack::builtin();
    let mut fired = std::collections::BTreeSet::new();
    for (id, answers, after) in cases {
        let (entry, p) = nudge_walk(&answers);
        let nudge = entry
            .nudge
            .unwrap_or_else(|| panic!("{id} did not fire for {answers:?}"));
        assert_eq!(nudge.id, id, "{answers:?}");
        assert_eq!(nudge.after.as_deref(), Some(after), "{id}");
        assert!(
            p.text()
                .contains("This one is optional: press Enter to skip it.")
        );
        fired.insert(id);
    }
    // Absolute words alone, with low certainty, are not certainty.
    let (entry, _) = nudge_walk(&[
        (keys::OTHER_FEELING, "He always tries."),
        (keys::OTHER_CERTAINTY, "3"),
    ]);
    assert_eq!(entry.nudge, None);
    let all: std::collections::BTreeSet<&str> = pack.nudges.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(fired, all, "a nudge of the built-in pack has no fixture");
}

#[test]
fn resuming_after_a_gap_asks_the_arrival_check_again_and_recaps() {
    let pack = Pack::builtin();
    let mut d = draft(&pack);
    let (_, saved, _) = walk_with(
        &pack,
        &mut d,
        vec![t("3"), Select(1), t("We argued."), Reply::Interrupt],
    );
    let last = saved.last().unwrap().clone();
    let later = DateTime::parse_from_rfc3339("2026-11-04T09:00:00+01:00").unwrap();
    assert!(last.needs_recheck(later));
    assert!(
        !last.needs_recheck(DateTime::parse_from_rfc3339("2026-11-03T22:30:00+01:00").unwrap())
    );
    let lines = plan_lines();
    let clock = move || later;
    let settings = Settings {
        threshold: 8,
        rise: 3,
        plan: &lines,
        plan_state: PlanState {
            plan_written: true,
            contacts: true,
        },
        count_plan_openings: false,
        starting_point: None,
        clock: &clock,
    };
    let mut p = Scripted::new([t("6"), Select(2)]);
    let (check, asked) = flow::recheck(&pack, &settings, &mut p).unwrap();
    assert_eq!((check.distress, check.safety.as_str()), (6, "not sure"));
    assert_eq!(asked.len(), 2);
    assert!(flow::recheck_lane_due(&check, 8, None));
    let mut p = Scripted::new([t("6"), Select(1)]);
    let (check, _) = flow::recheck(&pack, &settings, &mut p).unwrap();
    assert!(!flow::recheck_lane_due(&check, 8, None));
    // With urges tracked, they are asked again too; one at the threshold
    // stops the check there and leads to the lane.
    let mut urged = pack.clone();
    urged.urges = Some(toml::from_str("threshold = 6").unwrap());
    let urged = urged.resolve(None, &|_| true);
    let mut p = Scripted::new([t("3"), Select(1), t("7")]);
    let (urge_check, asked) = flow::recheck(&urged, &settings, &mut p).unwrap();
    assert_eq!(p.remaining(), 0);
    assert_eq!((urge_check.urge, urge_check.urge_acted), (Some(7), None));
    assert_eq!(asked.last().unwrap().key, keys::ARRIVAL_URGE);
    assert!(flow::recheck_lane_due(
        &urge_check,
        8,
        urged.urge_threshold()
    ));
    let mut p = Scripted::new([t("3"), Select(1), t("2"), Select(0)]);
    let (acted, _) = flow::recheck(&urged, &settings, &mut p).unwrap();
    assert_eq!(acted.urge_acted, Some(true));
    assert!(flow::recheck_lane_due(&acted, 8, urged.urge_threshold()));
    assert!(!flow::recheck_lane_due(&acted, 8, None));
    assert!(
        flow::recap(&last).contains("\"We argued.\""),
        "{}",
        flow::recap(&last)
    );
    // The rise at the end is measured from the latest check.
    let mut resumed = last.clone();
    resumed.rechecks.push(check);
    assert_eq!(resumed.latest_arrival(), Some(6));
}

#[test]
fn a_follow_up_starts_from_the_lane_note() {
    let pack = Pack::builtin();
    let mut d = draft(&pack);
    let setup = Setup {
        starting_point: Some("I wanted to disappear."),
        ..Setup::default()
    };
    let (p, _, _) = walk_setup(
        &pack,
        &mut d,
        vec![t("3"), Select(1), Reply::Interrupt],
        setup,
    );
    let said = p.text();
    let note = said
        .find("I wanted to disappear.")
        .expect("the note was not shown");
    assert!(note < said.find("What happened?").unwrap());
}

#[test]
fn ctrl_c_in_the_editor_keeps_its_text_and_offers_it_back() {
    let pack = Pack::builtin();
    let mut d = draft(&pack);
    let replies = vec![
        t("3"),
        Select(1),
        t("/edit"),
        Reply::EditorInterrupted(Some("We argued about the dishes.".into())),
    ];
    let (_, saved, result) = walk_with(&pack, &mut d, replies);
    assert_eq!(result.unwrap_err(), "interrupted");
    let last = saved.last().unwrap().clone();
    assert_eq!(
        last.pending_edit.as_ref().map(|p| p.text.as_str()),
        Some("We argued about the dishes.")
    );
    let mut resumed: Draft = serde_json::from_str(&serde_json::to_string(&last).unwrap()).unwrap();
    let (p, _, _) = walk_with(
        &pack,
        &mut resumed,
        vec![t("We argued about the dishes."), Reply::Interrupt],
    );
    assert!(
        p.text()
            .contains("When you stopped last time, your editor held this")
    );
    assert!(
        p.initials()
            .iter()
            .any(|(_, i)| i == "We argued about the dishes.")
    );
    assert_eq!(resumed.pending_edit, None);
    assert_eq!(
        resumed.answer(keys::WHAT_HAPPENED).unwrap().value,
        Value::Text("We argued about the dishes.".into())
    );
}

#[test]
fn a_nudge_answer_passed_over_by_back_comes_again_with_its_words() {
    let pack = Pack::builtin();
    let mut d = draft(&pack);
    let mut replies = vec![t("3"), Select(1)];
    // Up to other.feeling, blank: the "one small guess" nudge.
    for _ in ["what", "turning"] {
        replies.push(t("x"));
    }
    replies.push(Multi(vec![]));
    for _ in ["body", "thoughts", "needs", "actions", "next", "who"] {
        replies.push(t(""));
    }
    replies.extend([
        t(""),                     // other.feeling: blank
        t("Maybe she was tired."), // the nudge
        t("/back"),                // at other.intent: back to the nudge
        t("/back"),                // and back to other.feeling
        t("Worried, I think."),    // now a guess: the nudge would not fire
        t("Maybe she was tired."), // but it comes again, words filled in
        Reply::Interrupt,
    ]);
    let (p, _, _) = walk_with(&pack, &mut d, replies);
    assert!(
        p.initials()
            .iter()
            .any(|(q, i)| q.starts_with("It's completely fine") && i == "Maybe she was tired."),
        "{:?}",
        p.initials()
    );
    let nudge = d.nudge.clone().expect("the nudge answer was lost");
    assert_eq!(nudge.answer.as_deref(), Some("Maybe she was tired."));
    assert_eq!(nudge.after.as_deref(), Some(keys::OTHER_FEELING));
}

#[test]
fn a_nudge_after_a_skipped_step_is_placed_beneath_the_last_answer_before_it() {
    let pack = Pack::builtin();
    let (entry, _) = nudge_walk(&[(keys::OTHER_WHO, "my sister"), (keys::OTHER_FEELING, "")]);
    let nudge = entry.nudge.unwrap();
    assert_eq!(nudge.id, "one-small-guess");
    assert_eq!(nudge.shown_after.as_deref(), Some(keys::OTHER_WHO));
    let keys: Vec<&str> = entry.answers.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(
        nudge.place(keys.iter().copied()).as_deref(),
        Some(keys::OTHER_WHO)
    );
    let _ = pack;
}
