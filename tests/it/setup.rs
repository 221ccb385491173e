//! `mentalog setup`: from a file through the binary, part by part
//! in-process with a scripted prompter, and end to end in a pty as a
//! person types it.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use chrono::DateTime;
use mentalog::cli::{Command, SetupArgs, SetupPart};
use mentalog::config::Config;
use mentalog::context::Context;
use mentalog::paths::Paths;
use mentalog::prompt::{Ask, Got, PromptError, Prompter, Reply, Scripted, Validator};

use crate::pty::{ANSWER_MARK, BACKSPACE, CTRL_C, DOWN, ENTER, NO_CONTACT, Term, UP, Walk};
use crate::sandbox::{NOW, Sandbox};
use Reply::{Select, Text};

fn t(s: &str) -> Reply {
    Text(s.to_string())
}

const SETUP_FILE: &str = r#"
plan_file = "plan.md"
safety_threshold = 7
pack = "mbt-core"
focus = "moments when I feel left out"
rhythm = "2 per week"

[due]
enabled = true
words = "Time for a few quiet minutes."

[[contacts]]
name = "Crisis line"
phone = "0800 123 456"
note = "day and night"
"#;

const PLAN: &str = "# My crisis plan\nWarning signs: I stop answering messages.\n";

fn config(sb: &Sandbox) -> Config {
    let text = std::fs::read_to_string(sb.config()).unwrap();
    let c = Config::parse(&text, "config.toml");
    assert!(c.problems.is_empty(), "{:?}\n{text}", c.problems);
    c
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn read(path: &Path) -> Option<Vec<u8>> {
    std::fs::read(path).ok()
}

/// Writes the setup file and its plan next to each other.
fn setup_file(sb: &Sandbox, text: &str) -> std::path::PathBuf {
    let dir = sb.tmp.path().join("from-session");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("plan.md"), PLAN).unwrap();
    let file = dir.join("setup.toml");
    std::fs::write(&file, text).unwrap();
    file
}

// ---------------------------------------------------------------------------
// setup --from FILE, through the binary

#[test]
fn from_a_file_sets_everything_and_a_second_run_changes_nothing() {
    let sb = Sandbox::new();
    sb.write_config("# Kept by the person.\nplain = false\n");
    let file = setup_file(&sb, SETUP_FILE);
    let out = sb
        .assert_cmd()
        .args(["setup", "--from"])
        .arg(&file)
        .assert()
        .success();
    let said = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(said.contains("Crisis plan: written"), "{said}");
    assert!(said.contains("Crisis contacts: 1 added"), "{said}");
    assert!(said.contains(NO_CONTACT), "{said}");
    // No secrets said back: neither the plan, the number nor the focus.
    for secret in ["Warning signs", "0800", "left out"] {
        assert!(!said.contains(secret), "{secret} in {said}");
    }

    let c = config(&sb);
    assert_eq!(c.safety_threshold, Some(7));
    assert_eq!(c.pack.as_deref(), Some("mbt-core"));
    assert_eq!(c.focus.as_deref(), Some("moments when I feel left out"));
    assert_eq!(c.rhythm.as_deref(), Some("2 per week"));
    assert!(c.due.enabled);
    assert_eq!(
        c.due.words.as_deref(),
        Some("Time for a few quiet minutes.")
    );
    assert_eq!(
        c.contact_lines(),
        ["Crisis line: 0800 123 456 (day and night)"]
    );
    assert!(!c.plain);
    let text = std::fs::read_to_string(sb.config()).unwrap();
    assert!(text.starts_with("# Kept by the person.\n"), "{text}");
    assert_eq!(mode(&sb.config()), 0o600);

    let plan = sb.data().join("plan.md");
    assert_eq!(std::fs::read_to_string(&plan).unwrap(), PLAN);
    assert_eq!(mode(&plan), 0o600);

    // `mentalog plan` reads both back.
    let shown = sb.assert_cmd().arg("plan").assert().success();
    let shown = String::from_utf8_lossy(&shown.get_output().stdout).into_owned();
    assert!(
        shown.contains("Warning signs: I stop answering messages."),
        "{shown}"
    );
    assert!(
        shown.contains("Crisis line: 0800 123 456 (day and night)"),
        "{shown}"
    );

    // Again: the same files, no second contact.
    let before = (read(&sb.config()), read(&plan));
    let out = sb
        .assert_cmd()
        .args(["setup", "--from"])
        .arg(&file)
        .assert()
        .success();
    let said = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(said.contains("1 already there"), "{said}");
    assert!(
        said.contains("Crisis plan: already as in the file"),
        "{said}"
    );
    assert_eq!((read(&sb.config()), read(&plan)), before);
    assert_eq!(config(&sb).contacts.len(), 1);
}

#[test]
fn a_bad_file_changes_nothing_and_names_the_file_and_every_key() {
    let sb = Sandbox::new();
    sb.write_config("# mine\nsafety_threshold = 9\n");
    sb.write_plan("# An older plan\n");
    let file = setup_file(
        &sb,
        "plan_file = \"plan.md\"\nreplace_plan = true\nfocus = \"new focus\"\nsafety_treshold = 7\nrhythm = \"now and then\"\n[due]\nenabled = \"yes\"\n[[contacts]]\nname = \"Sam\"\nphone = \"555\"\nemail = \"x\"\n",
    );
    let before = (
        read(&sb.config()),
        read(&sb.data().join("plan.md")),
        crate::sandbox::all_files(&sb.data()),
    );
    let out = sb
        .assert_cmd()
        .args(["setup", "--from"])
        .arg(&file)
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains(&file.display().to_string()), "{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    assert!(
        err.contains("unknown key `safety_treshold` (did you mean `safety_threshold`?"),
        "{err}"
    );
    assert!(
        err.contains("[[contacts]] number 1: unknown key `email`"),
        "{err}"
    );
    assert!(err.contains("[due] enabled must be true or false"), "{err}");
    assert!(err.contains("\"now and then\" is not a rhythm"), "{err}");
    let after = (
        read(&sb.config()),
        read(&sb.data().join("plan.md")),
        crate::sandbox::all_files(&sb.data()),
    );
    assert_eq!(after, before, "nothing may change");

    // Not TOML at all.
    let file = setup_file(&sb, "focus = \"unclosed\n");
    let out = sb
        .assert_cmd()
        .args(["setup", "--from"])
        .arg(&file)
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains("not valid TOML") && err.contains("line 1"),
        "{err}"
    );
    assert_eq!(read(&sb.config()), before.0);
}

#[test]
fn a_different_plan_is_replaced_only_when_the_file_says_so() {
    let sb = Sandbox::new();
    sb.write_plan("# The plan written last month\n");
    let file = setup_file(&sb, "plan_file = \"plan.md\"\n");
    let out = sb
        .assert_cmd()
        .args(["setup", "--from"])
        .arg(&file)
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("replace_plan = true"), "{err}");
    assert_eq!(
        std::fs::read_to_string(sb.data().join("plan.md")).unwrap(),
        "# The plan written last month\n"
    );
    assert!(!sb.config().exists(), "no config was written");

    let file = setup_file(&sb, "plan_file = \"plan.md\"\nreplace_plan = true\n");
    sb.assert_cmd()
        .args(["setup", "--from"])
        .arg(&file)
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(sb.data().join("plan.md")).unwrap(),
        PLAN
    );

    // The unfilled template is not a plan: it is written over.
    let sb = Sandbox::new();
    sb.write_plan(mentalog::plan_edit::TEMPLATE);
    let file = setup_file(&sb, "plan_file = \"plan.md\"\n");
    sb.assert_cmd()
        .args(["setup", "--from"])
        .arg(&file)
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(sb.data().join("plan.md")).unwrap(),
        PLAN
    );
}

#[test]
fn contacts_are_added_once_and_inline_lists_are_kept() {
    let sb = Sandbox::new();
    sb.write_config("# my contacts\ncontacts = [{ name = \"Sam\", phone = \"555\" }]\n");
    let file = setup_file(
        &sb,
        "[[contacts]]\nname = \"Sam\"\nphone = \"555\"\n[[contacts]]\nname = \"Crisis line\"\nphone = \"0800\"\n[[contacts]]\nname = \"Crisis line\"\nphone = \"0800\"\n",
    );
    sb.assert_cmd()
        .args(["setup", "--from"])
        .arg(&file)
        .assert()
        .success();
    assert_eq!(
        config(&sb).contact_lines(),
        ["Sam: 555", "Crisis line: 0800"]
    );
    let text = std::fs::read_to_string(sb.config()).unwrap();
    assert!(text.starts_with("# my contacts\n"), "{text}");
}

#[test]
fn an_unknown_pack_and_an_unusable_config_are_refused_before_anything_is_written() {
    let sb = Sandbox::new();
    let file = setup_file(&sb, "pack = \"no-such-pack\"\nplan_file = \"plan.md\"\n");
    let out = sb
        .assert_cmd()
        .args(["setup", "--from"])
        .arg(&file)
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains("pack: there is no pack `no-such-pack`"),
        "{err}"
    );
    assert!(!sb.data().join("plan.md").exists());

    sb.write_config("contacts = [\n");
    let file = setup_file(&sb, "plan_file = \"plan.md\"\nfocus = \"x\"\n");
    let out = sb
        .assert_cmd()
        .args(["setup", "--from"])
        .arg(&file)
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("does not parse"), "{err}");
    assert!(!sb.data().join("plan.md").exists());
    assert_eq!(
        std::fs::read_to_string(sb.config()).unwrap(),
        "contacts = [\n"
    );
}

#[test]
fn without_a_terminal_setup_exits_2_and_names_from() {
    let sb = Sandbox::new();
    for args in [&["setup"][..], &["setup", "contacts"]] {
        let w = crate::sandbox::run_watched(
            {
                let mut c = sb.cmd();
                c.args(args);
                c
            },
            30,
        );
        assert!(!w.killed);
        assert_eq!(w.output.status.code(), Some(2), "{}", w.stderr());
        assert!(w.stderr().contains("--from FILE"), "{}", w.stderr());
    }
    assert!(!sb.config().exists());
}

// ---------------------------------------------------------------------------
// In-process, with a scripted prompter

/// Runs `setup [part]` with `replies`; returns the prompter and the exit code.
fn setup(sb: &Sandbox, part: Option<SetupPart>, replies: Vec<Reply>) -> (Scripted, u8) {
    let p = Scripted::new(replies);
    let paths = Paths {
        data: sb.data(),
        config: sb.config(),
    };
    let config = Config::load(&sb.config());
    let now = DateTime::parse_from_rfc3339(NOW).unwrap();
    let mut ctx = Context::new(paths, config, now, Box::new(p.clone()));
    let command = Command::Setup(SetupArgs { part, from: None });
    let code = match mentalog::run_in(&mut ctx, &command) {
        Ok(()) => 0,
        Err(e) => mentalog::exit_code(&e),
    };
    assert_eq!(p.remaining(), 0, "replies left over:\n{}", p.text());
    (p, code)
}

#[test]
fn the_whole_setup_in_order_each_part_written() {
    let sb = Sandbox::new();
    let (p, code) = setup(
        &sb,
        None,
        vec![
            // The plan: write it now.
            Select(0),
            Reply::Edited(Some(PLAN.trim_end().to_string())),
            // Contacts: add two, remove one, done.
            Select(0),
            t("Crisis line"),
            t("0800 123 456"),
            t(""),
            Select(0),
            t("Sam"),
            t("555 0100"),
            t("evenings"),
            Select(1),
            Select(1),
            Select(2),
            // Threshold: a refused number, then 7.
            t("11"),
            t("7"),
            // The second built-in pack, and a focus.
            Select(1),
            t("moments when I feel left out"),
            // A rhythm that does not parse, then one that does.
            t("now and then"),
            t("twice a week"),
            // Due: on, in the usual words.
            Select(0),
            t(""),
            // A passphrase: yes, typed twice (a mismatch first), the plan
            // kept readable, no recovery copy.
            Reply::Confirm(true),
            t("one passphrase"),
            t("another"),
            t("kettle on the hob"),
            t("kettle on the hob"),
            Reply::Confirm(true),
            Reply::Confirm(false),
        ],
    );
    assert_eq!(code, 0, "{}", p.text());
    let said = p.text();
    // The no-contact line comes first, and each part in the order of the domain.
    let at = |s: &str| {
        said.find(s)
            .unwrap_or_else(|| panic!("{s:?} not said:\n{said}"))
    };
    assert!(at(NO_CONTACT) < at("Your crisis plan"));
    let order = [
        "Your crisis plan",
        "Crisis contacts",
        "When the safety steps open",
        "The questions you are asked",
        "Your focus",
        "How often to write",
        "A quiet reminder",
        "A passphrase for your journal",
        "If you lose the passphrase",
        "The two did not match",
        "What is set up now",
    ];
    for pair in order.windows(2) {
        assert!(at(pair[0]) < at(pair[1]), "{pair:?} out of order:\n{said}");
    }
    assert!(said.contains("no phone numbers of its own"), "{said}");
    assert!(said.contains("never counts missed days"), "{said}");
    assert_eq!(
        p.refusals(),
        [
            "Please type a whole number from 1 to 10, or press Enter to keep 8.".to_string(),
            format!(
                "mentalog can't read that yet. Please write it as {}.",
                mentalog::rhythm::FORMS
            ),
        ]
    );
    // The recap: no secrets.
    let recap = &said[at("What is set up now")..];
    assert!(recap.contains("Crisis plan: written"), "{recap}");
    assert!(recap.contains("Crisis contacts: 1"), "{recap}");
    assert!(recap.contains("7 or above"), "{recap}");
    assert!(recap.contains("Reminder (mentalog due): on"), "{recap}");
    for secret in ["0800", "Warning signs", "left out"] {
        assert!(!recap.contains(secret), "{secret} in {recap}");
    }

    let c = config(&sb);
    assert_eq!(c.contact_lines(), ["Crisis line: 0800 123 456"]);
    assert_eq!(c.safety_threshold, Some(7));
    assert_eq!(c.pack.as_deref(), Some(mentalog::pack::BUILTIN[1].0));
    assert_eq!(c.focus.as_deref(), Some("moments when I feel left out"));
    assert_eq!(c.rhythm.as_deref(), Some("twice a week"));
    assert!(c.due.enabled);
    assert_eq!(c.due.words, None);
    // The plan stays readable; the journal is encrypted with that passphrase.
    let plan = sb.data().join("plan.md");
    assert_eq!(std::fs::read_to_string(&plan).unwrap(), PLAN);
    assert_eq!(mode(&plan), 0o600);
    let settings = std::fs::read_to_string(sb.data().join("encryption.json")).unwrap();
    assert!(settings.contains("\"plan_readable\": true"), "{settings}");
    let locked = std::fs::read(sb.data().join("key.age")).unwrap();
    let key = mentalog::crypt::Key::unlock(
        &locked,
        &mentalog::crypt::Passphrase::new("kettle on the hob".into()),
    );
    assert!(
        key.is_ok(),
        "the key does not open with the passphrase typed"
    );
}

#[test]
fn skipping_every_part_writes_nothing() {
    let sb = Sandbox::new();
    let (p, code) = setup(
        &sb,
        None,
        vec![
            Select(1),             // plan: skip
            Select(1),             // contacts: skip
            t(""),                 // threshold: kept
            Select(0),             // pack: the one in use
            t(""),                 // focus
            t(""),                 // rhythm
            Select(1),             // due: keep it off
            Reply::Confirm(false), // no passphrase now
        ],
    );
    assert_eq!(code, 0, "{}", p.text());
    assert!(
        p.text().contains("If you lose the passphrase"),
        "{}",
        p.text()
    );
    assert!(!sb.data().join("encryption.json").exists());
    assert!(!sb.config().exists(), "no config written");
    assert!(!sb.data().join("plan.md").exists());
    assert!(
        p.text().contains("Crisis plan: not written"),
        "{}",
        p.text()
    );
    assert!(
        p.text().contains("Crisis contacts: none yet"),
        "{}",
        p.text()
    );
}

#[test]
fn ctrl_c_exits_130_and_keeps_the_parts_already_finished() {
    let sb = Sandbox::new();
    let (p, code) = setup(
        &sb,
        None,
        vec![
            Select(1),
            Select(0),
            t("Crisis line"),
            t("0800"),
            t(""),
            Select(2),
            Reply::Interrupt,
        ],
    );
    assert_eq!(code, 130, "{}", p.text());
    let c = config(&sb);
    assert_eq!(c.contact_lines(), ["Crisis line: 0800"]);
    assert_eq!(c.safety_threshold, None);
}

#[test]
fn one_part_alone_and_a_written_plan_is_kept_or_opened() {
    let sb = Sandbox::new();
    sb.write_config("# mine\nplain = false\nfocus = \"old focus\"\nrhythm = \"weekly\"\n");
    // Clearing the focus removes it.
    let (p, code) = setup(&sb, Some(SetupPart::Focus), vec![t("")]);
    assert_eq!(code, 0);
    assert!(!p.text().contains("Crisis contacts"), "{}", p.text());
    let c = config(&sb);
    assert_eq!(c.focus, None);
    assert_eq!(c.rhythm.as_deref(), Some("weekly"));
    assert!(
        std::fs::read_to_string(sb.config())
            .unwrap()
            .starts_with("# mine\n")
    );

    // `setup pack` asks the focus too.
    let (p, code) = setup(
        &sb,
        Some(SetupPart::Pack),
        vec![Select(0), t("a new focus")],
    );
    assert_eq!(code, 0);
    assert!(p.text().contains("Your focus"), "{}", p.text());
    assert_eq!(config(&sb).focus.as_deref(), Some("a new focus"));

    sb.write_plan(PLAN);
    let (p, code) = setup(&sb, Some(SetupPart::Plan), vec![Select(0)]);
    assert_eq!(code, 0);
    assert!(
        p.text().contains("You have a crisis plan already"),
        "{}",
        p.text()
    );
    assert_eq!(
        std::fs::read_to_string(sb.data().join("plan.md")).unwrap(),
        PLAN
    );

    let (_, code) = setup(
        &sb,
        Some(SetupPart::Plan),
        vec![
            Select(1),
            Reply::Edited(Some("# Changed with my therapist".into())),
        ],
    );
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read_to_string(sb.data().join("plan.md")).unwrap(),
        "# Changed with my therapist\n"
    );

    // An editor that fails is said, and the rest goes on.
    let (p, code) = setup(
        &sb,
        None,
        vec![
            Select(1),
            Reply::EditorFails("cannot start your editor (nano)".into()),
            Select(1),
            t(""),
            Select(0),
            t(""),
            t(""),
            Select(1),
            Reply::Confirm(false),
        ],
    );
    assert_eq!(code, 0, "{}", p.text());
    assert!(
        p.text().contains("cannot start your editor"),
        "{}",
        p.text()
    );
    assert!(p.text().contains("mentalog plan --edit"), "{}", p.text());
}

#[test]
fn a_config_that_does_not_parse_is_named_before_anything_is_asked() {
    let sb = Sandbox::new();
    sb.write_config("contacts = [\n");
    let (p, code) = setup(&sb, Some(SetupPart::Contacts), vec![]);
    assert_eq!(code, 1);
    assert!(p.transcript().is_empty(), "{}", p.text());
    assert_eq!(
        std::fs::read_to_string(sb.config()).unwrap(),
        "contacts = [\n"
    );
}

// ---------------------------------------------------------------------------
// In a pty, as a person types

/// A shell script editor that writes `text` into the file it is given.
fn editor(sb: &Sandbox, text: &str) -> String {
    let path = sb.tmp.path().join("editor.sh");
    std::fs::write(&path, format!("#!/bin/sh\nprintf '%s' '{text}' > \"$1\"\n")).unwrap();
    // Run through sh: a script just written can be busy (ETXTBSY) while
    // another test thread forks.
    format!("sh '{}'", path.display())
}

fn spawn(sb: &Sandbox, args: &[&str]) -> Walk {
    let mut cmd = sb.cmd();
    cmd.args(args)
        .env("EDITOR", editor(sb, PLAN))
        .env("MENTALOG_NOW", NOW);
    Walk::spawn(cmd, Term::default())
}

/// Moves through a list with `keys` until the mark is on `item`, then Enter.
fn arrow_to(w: &mut Walk, question: &str, keys: &str, item: &str) {
    w.expect(question);
    w.send(keys);
    let row = format!("{} {item}", w.mark());
    w.expect(&row);
    w.send(ENTER);
    let echo = w.echo(question, item);
    w.expect(&echo);
}

const WRITE_NOW: &str = "Would you like to write it now?";
const TODO: &str = "What would you like to do?";
const NAME: &str = "Their name, or the name of the service (Enter to go back):";
const PHONE: &str = "How to reach them: a phone number, or how to text them:";
const NOTE: &str = "A note, if you like, such as when they can be reached (Enter to leave it out):";
const THRESHOLD: &str = "From which number, 1 to 10, should the safety steps open?";
const WHICH_PACK: &str = "Which pack should new entries use?";
const FOCUS: &str = "Your focus, in a few words (Enter to skip):";
const RHYTHM: &str = "How often? For example \"2 per week\" (Enter to skip):";
const REMINDER: &str = "Would you like this reminder?";

#[test]
fn the_whole_setup_typed_in_a_terminal() {
    let sb = Sandbox::new();
    let mut w = spawn(&sb, &["setup"]);
    w.expect(NO_CONTACT);

    // The plan, written in the editor.
    arrow_to(&mut w, WRITE_NOW, DOWN, "Yes, open my editor");
    w.expect("Your crisis plan is saved.");

    // One contact, typed; the note skipped.
    arrow_to(&mut w, TODO, DOWN, "Add a contact");
    w.answer(NAME, "Crisis line");
    w.answer(PHONE, "0800 123 456");
    w.skip(NOTE);
    w.expect("1. Crisis line: 0800 123 456");
    arrow_to(&mut w, TODO, UP, "Done with contacts");

    // The threshold: 8 is filled in; it becomes 7.
    w.expect(THRESHOLD);
    w.expect(ANSWER_MARK);
    w.send(BACKSPACE);
    w.send("7");
    w.send(ENTER);
    let echo = w.echo(THRESHOLD, "7");
    w.expect(&echo);

    // The second built-in pack, one down from the one in use.
    let (id, source) = mentalog::pack::BUILTIN[1];
    let title = mentalog::pack::Pack::parse(source).unwrap().title;
    arrow_to(&mut w, WHICH_PACK, DOWN, &format!("{title} ({id})"));

    w.answer(FOCUS, "moments when I feel left out");

    // A rhythm that does not parse is asked again, with the forms it can take.
    w.type_at(RHYTHM, "now and then");
    w.expect("mentalog can't read that yet. Please write it as \"daily\"");
    w.retype(RHYTHM, "2 per week");

    // The reminder: skipped with Enter, as it is.
    w.expect(REMINDER);
    w.expect(&format!("{} No, keep it off", w.mark()));
    w.send(ENTER);
    let echo = w.echo(REMINDER, "No, keep it off");
    w.expect(&echo);

    // No passphrase now.
    w.expect("A passphrase for your journal");
    w.pick("Lock your journal with a passphrase now?", 2, "no");

    w.expect("What is set up now");
    w.expect("Crisis plan: written");
    w.exits(0);

    let c = config(&sb);
    assert_eq!(c.contact_lines(), ["Crisis line: 0800 123 456"]);
    assert_eq!(c.safety_threshold, Some(7));
    assert_eq!(c.pack.as_deref(), Some(id));
    assert_eq!(c.focus.as_deref(), Some("moments when I feel left out"));
    assert_eq!(c.rhythm.as_deref(), Some("2 per week"));
    assert!(!c.due.enabled);
    let plan = sb.data().join("plan.md");
    assert_eq!(std::fs::read_to_string(&plan).unwrap(), PLAN);
    assert_eq!(mode(&plan), 0o600);
    assert_eq!(mode(&sb.config()), 0o600);
}

#[test]
fn ctrl_c_in_a_terminal_keeps_the_contact_already_added() {
    let sb = Sandbox::new();
    let mut w = spawn(&sb, &["setup", "contacts"]);
    arrow_to(&mut w, TODO, DOWN, "Add a contact");
    w.answer(NAME, "Sam");
    w.answer(PHONE, "555 0100");
    w.answer(NOTE, "evenings");
    w.expect("1. Sam: 555 0100 (evenings)");
    w.expect(TODO);
    w.send(CTRL_C);
    let rest = w.exits(130);
    assert!(rest.contains("The parts you finished are saved"), "{rest}");
    assert_eq!(config(&sb).contact_lines(), ["Sam: 555 0100 (evenings)"]);
}

/// Installs a pack of the therapist's, made from the built-in one.
fn install_pack(sb: &Sandbox, id: &str, title: &str) {
    let source = mentalog::pack::BUILTIN[0]
        .1
        .replacen(
            &format!("id = \"{}\"", mentalog::pack::BUILTIN_ID),
            &format!("id = \"{id}\""),
            1,
        )
        .replacen("title = \"", &format!("title = \"{title} "), 1);
    let dir = sb.data().join("packs");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{id}.toml")), source).unwrap();
}

#[test]
fn an_installed_pack_is_offered_and_can_be_named_in_a_file() {
    let sb = Sandbox::new();
    install_pack(&sb, "from-anna", "Anna's");
    let n = mentalog::pack::BUILTIN.len();
    let (p, code) = setup(&sb, Some(SetupPart::Pack), vec![Select(n), t("")]);
    assert_eq!(code, 0, "{}", p.text());
    assert_eq!(config(&sb).pack.as_deref(), Some("from-anna"));
    assert!(
        p.text().contains("New entries will use from-anna."),
        "{}",
        p.text()
    );

    let sb = Sandbox::new();
    install_pack(&sb, "from-anna", "Anna's");
    let file = setup_file(&sb, "pack = \"from-anna\"\n");
    sb.assert_cmd()
        .args(["setup", "--from"])
        .arg(&file)
        .assert()
        .success();
    assert_eq!(config(&sb).pack.as_deref(), Some("from-anna"));
}

/// A prompter whose editor, while "open", finds the plan changed in
/// another terminal: every other question goes to the script.
struct ChangedMeanwhile {
    script: Scripted,
    plan: std::path::PathBuf,
}

impl Prompter for ChangedMeanwhile {
    fn say(&mut self, text: &str) -> Result<(), PromptError> {
        self.script.say(text)
    }

    fn input(&mut self, ask: &Ask, validate: Validator) -> Result<Got<String>, PromptError> {
        self.script.input(ask, validate)
    }

    fn select(
        &mut self,
        ask: &Ask,
        items: &[String],
        initial: Option<usize>,
    ) -> Result<Got<usize>, PromptError> {
        self.script.select(ask, items, initial)
    }

    fn multi_select(
        &mut self,
        ask: &Ask,
        items: &[String],
        picked: &mut Vec<usize>,
    ) -> Result<Got<Vec<usize>>, PromptError> {
        self.script.multi_select(ask, items, picked)
    }

    fn edit(&mut self, _prompt: &str, _initial: &str) -> Result<Option<String>, PromptError> {
        std::fs::write(&self.plan, "# Written in another terminal\n").unwrap();
        Ok(Some("# Written in setup".into()))
    }

    fn confirm(&mut self, question: &str) -> Result<bool, PromptError> {
        self.script.confirm(question)
    }
}

#[test]
fn a_plan_changed_while_the_editor_was_open_is_never_replaced() {
    let sb = Sandbox::new();
    sb.write_plan(PLAN);
    let plan = sb.data().join("plan.md");
    let script = Scripted::new([Select(1)]);
    let p = ChangedMeanwhile {
        script: script.clone(),
        plan: plan.clone(),
    };
    let paths = Paths {
        data: sb.data(),
        config: sb.config(),
    };
    let now = DateTime::parse_from_rfc3339(NOW).unwrap();
    let mut ctx = Context::new(paths, Config::default(), now, Box::new(p));
    let command = Command::Setup(SetupArgs {
        part: Some(SetupPart::Plan),
        from: None,
    });
    mentalog::run_in(&mut ctx, &command).unwrap();
    assert_eq!(
        std::fs::read_to_string(&plan).unwrap(),
        "# Written in another terminal\n"
    );
    let said = script.text();
    assert!(said.contains("changed elsewhere"), "{said}");
    let kept = sb.editing_files();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(
        std::fs::read_to_string(&kept[0]).unwrap(),
        "# Written in setup\n"
    );
    assert!(said.contains("Crisis plan: written"), "{said}");
}

#[test]
fn ctrl_c_in_the_editor_keeps_its_words_aside_and_the_plan_as_it_was() {
    let sb = Sandbox::new();
    sb.write_plan(PLAN);
    let (p, code) = setup(
        &sb,
        Some(SetupPart::Plan),
        vec![
            Select(1),
            Reply::EditorInterrupted(Some("# Half a new plan".into())),
        ],
    );
    assert_eq!(code, 130, "{}", p.text());
    assert_eq!(
        std::fs::read_to_string(sb.data().join("plan.md")).unwrap(),
        PLAN
    );
    let kept = sb.editing_files();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(
        std::fs::read_to_string(&kept[0]).unwrap(),
        "# Half a new plan\n"
    );
}
