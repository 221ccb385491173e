//! `mentalog new` in-process: the context carries a scripted prompter, so
//! the draft menu, resuming, the lane, the share question and the follow-up
//! run here exactly as in a terminal, against a real data folder.

use chrono::DateTime;
use mentalog::cli::{Command, NewArgs};
use mentalog::config::Config;
use mentalog::context::Context;
use mentalog::entry::Entry;
use mentalog::paths::Paths;
use mentalog::prompt::{Reply, Scripted};
use mentalog::store::Store;

use crate::sandbox::{NOW, Sandbox};
use Reply::{Select, Text};

fn t(s: &str) -> Reply {
    Text(s.to_string())
}

/// Runs `new` at `now` with `replies`; returns the prompter and the exit code.
fn new_at(sb: &Sandbox, now: &str, replies: Vec<Reply>) -> (Scripted, u8) {
    let p = Scripted::new(replies);
    let paths = Paths {
        data: sb.data(),
        config: sb.config(),
    };
    let config = Config::load(&sb.config());
    let now = DateTime::parse_from_rfc3339(now).unwrap();
    let mut ctx = Context::new(paths, config, now, Box::new(p.clone()));
    let command = Command::New(NewArgs {
        answers: None,
        pack: None,
        at: None,
    });
    let code = match mentalog::run_in(&mut ctx, &command) {
        Ok(()) => 0,
        Err(e) => mentalog::exit_code(&e),
    };
    assert_eq!(p.remaining(), 0, "replies left over:\n{}", p.text());
    (p, code)
}

fn new(sb: &Sandbox, replies: Vec<Reply>) -> (Scripted, u8) {
    new_at(sb, NOW, replies)
}

fn entries(sb: &Sandbox) -> Vec<Entry> {
    Store::new(sb.data())
        .load()
        .unwrap()
        .entries
        .into_iter()
        .map(|s| s.entry)
        .collect()
}

fn drafts(sb: &Sandbox) -> usize {
    Store::new(sb.data()).drafts().unwrap().0.len()
}

/// The walk up to the moment, then Ctrl-C.
fn begun(what: &str) -> Vec<Reply> {
    vec![t("3"), Select(1), t(what), Reply::Interrupt]
}

#[test]
fn no_draft_is_written_before_the_first_answer_and_ctrl_c_exits_130() {
    let sb = Sandbox::new();
    let (_, code) = new(&sb, vec![Reply::Interrupt]);
    assert_eq!(code, 130);
    assert_eq!(drafts(&sb), 0);
    let (_, code) = new(&sb, begun("We argued."));
    assert_eq!(code, 130);
    assert_eq!(drafts(&sb), 1, "the answers given are kept");
}

#[test]
fn a_lane_entry_is_shared_as_chosen_and_followed_up_once() {
    let sb = Sandbox::new();
    // No plan, no contacts: words for now, and no task in a crisis.
    let (p, code) = new(
        &sb,
        vec![t("9"), Select(1), t("I want to disappear."), Select(1)],
    );
    assert_eq!(code, 0);
    let said = p.text();
    assert!(said.contains("reach out to someone you trust"), "{said}");
    assert!(said.contains("No crisis contacts are set up in mentalog yet."));
    let lane_part = &said[said.find("That sounds really hard").unwrap()..];
    assert!(
        !lane_part.contains("--edit") && !lane_part.contains("mentalog plan"),
        "{lane_part}"
    );
    assert!(
        said.contains("Saved. Your therapist will see only that the safety steps opened today")
    );
    let lane = entries(&sb).remove(0);
    assert!(lane.safety_lane && lane.safety_shared && !lane.shared);
    assert_eq!(lane.plan.map(|p| p.plan_written), Some(false));

    // The next `new` offers, once, to look at that moment; yes starts from the note.
    let (p, _) = new(&sb, vec![Select(0), t("2"), Select(1), Reply::Interrupt]);
    let said = p.text();
    assert!(
        said.contains("Would you like to look at that moment now"),
        "{said}"
    );
    let note = said.find("I want to disappear.").unwrap();
    assert!(note < said.rfind("What happened?").unwrap());
    let draft = &Store::new(sb.data()).drafts().unwrap().0[0];
    assert_eq!(draft.follows.as_deref(), Some(lane.id.as_str()));

    // Offered once: keep the draft for later and the offer does not come again.
    let (p, _) = new(&sb, vec![Select(1), Reply::Interrupt]);
    assert!(
        !p.text()
            .contains("Would you like to look at that moment now")
    );
}

#[test]
fn a_draft_resumed_after_a_gap_asks_the_arrival_check_again() {
    let sb = Sandbox::new();
    new(&sb, begun("We argued."));
    // Two hours later: carry on, a new check, a recap, then the next question.
    let later = "2026-11-03T23:55:00+01:00";
    let (p, _) = new_at(
        &sb,
        later,
        vec![Select(0), t("4"), Select(1), Reply::Interrupt],
    );
    let said = p.text();
    assert!(said.contains("It's been a while"), "{said}");
    assert!(said.contains("So far you have written 3 answers, starting with \"We argued.\""));
    assert!(p.transcript().last().unwrap().starts_with("Now rewind"));
    let draft = &Store::new(sb.data()).drafts().unwrap().0[0];
    assert_eq!(draft.rechecks.len(), 1);
    assert_eq!(draft.rechecks[0].distress, 4);

    // Within the hour: no check.
    let soon = "2026-11-04T00:30:00+01:00";
    let (p, _) = new_at(&sb, soon, vec![Select(0), Reply::Interrupt]);
    assert!(!p.text().contains("It's been a while"));
}

#[test]
fn a_recheck_that_opens_the_lane_keeps_the_unfinished_entry_whole() {
    let sb = Sandbox::new();
    new(&sb, begun("We argued."));
    let before = Store::new(sb.data()).drafts().unwrap().0;
    let later = "2026-11-04T09:00:00+01:00";
    let (p, code) = new_at(
        &sb,
        later,
        vec![Select(0), t("9"), Select(1), t("Too much."), Select(2)],
    );
    assert_eq!(code, 0);
    assert!(
        p.text()
            .contains("Your unfinished entry is kept just as it was")
    );
    assert_eq!(Store::new(sb.data()).drafts().unwrap().0, before);
    let saved = entries(&sb);
    assert_eq!(saved.len(), 1);
    assert!(saved[0].safety_lane);
    assert_eq!(saved[0].rating("arrival.distress"), Some(9));
}

#[test]
fn every_unfinished_entry_is_offered_and_discarding_asks_again() {
    let sb = Sandbox::new();
    new(&sb, begun("The first one."));
    // Keep it for later and begin another.
    new_at(
        &sb,
        "2026-11-03T21:50:00+01:00",
        vec![
            Select(1),
            t("3"),
            Select(1),
            t("The second one."),
            Reply::Interrupt,
        ],
    );
    assert_eq!(drafts(&sb), 2);
    // Discard: which one (the older), no, keep it; then discard it for good.
    let (p, _) = new(
        &sb,
        vec![
            Select(3),
            Select(1),
            Select(0),
            Select(3),
            Select(1),
            Select(1),
            Select(1),
            Reply::Interrupt,
        ],
    );
    let said = p.text();
    assert!(said.contains("You have 2 unfinished entries."), "{said}");
    assert_eq!(said.matches("Discard the unfinished entry?").count(), 2);
    let left = Store::new(sb.data()).drafts().unwrap().0;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].first_words(40).as_deref(), Some("The second one."));
}

#[test]
fn text_left_in_the_editing_folder_is_offered_back_then_removed() {
    let sb = Sandbox::new();
    let editing = sb.data().join("editing");
    mentalog::store::create_private_dir_all(&editing).unwrap();
    let left = editing.join("answer-left.txt");
    std::fs::write(&left, "What I wrote before the power went.\n").unwrap();
    // Keep it for now: still there, and offered again.
    let (p, _) = new(&sb, vec![Select(1), Reply::Interrupt]);
    assert!(
        p.text().contains("What I wrote before the power went."),
        "{}",
        p.text()
    );
    assert!(left.exists());
    let (p, _) = new(&sb, vec![Select(0), Reply::Interrupt]);
    assert!(
        p.text()
            .contains("When mentalog last stopped, your editor held this text:")
    );
    assert!(!left.exists(), "removed once the person has it");
}

#[test]
fn locking_with_a_passphrase_is_offered_once_after_an_entry_never_after_a_lane_entry() {
    let offer = "you can lock your journal with a passphrase: mentalog encrypt";
    // A lane entry: not then.
    let sb = Sandbox::new();
    let (p, code) = new(
        &sb,
        vec![t("9"), Select(1), t("I want to disappear."), Select(1)],
    );
    assert_eq!(code, 0);
    assert!(!p.text().contains(offer), "{}", p.text());

    // After a whole entry, once.
    let sb = Sandbox::new();
    let (p, code) = new(&sb, crate::flow::full_replies());
    assert_eq!(code, 0, "{}", p.text());
    let said = p.text();
    assert!(said.contains(offer), "{said}");
    assert!(
        said.find(offer) > said.find("Saved."),
        "offered before the entry was saved: {said}"
    );
    let (p, code) = new_at(&sb, &crate::sandbox::later(5), crate::flow::full_replies());
    assert_eq!(code, 0, "{}", p.text());
    assert!(!p.text().contains(offer), "offered twice: {}", p.text());
}
