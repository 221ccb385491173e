//! Untrusted text never reaches a terminal or an export able to drive the
//! terminal or hide itself: pack text in the walk (terminal and plain mode),
//! config contacts and the plan file, `show`, `list`, damaged-file messages
//! and every export format. The property test at the end holds the one
//! sanitiser to it for any input.

use std::path::{Path, PathBuf};

use expectrl::process::unix::WaitStatus;
use mentalog::text::{Shown, clean, one_line};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::pty::{ANSWER_MARK, CTRL_C, EMERGENCY, ENTER, LANE_NOTE, SAFETY, Term, Walk};
use crate::sandbox::{NOW, Sandbox, read_json};

/// Sequences a hostile pack or config carries: hidden text (SGR 8), a new
/// window title (OSC 0), a full reset (RIS), an 8-bit CSI that erases the
/// screen, and a hyperlink.
const HIDE: &str = "\u{1b}[8m";
const TITLE: &str = "\u{1b}]0;PWNED\u{7}";
const RESET: &str = "\u{1b}c";
const ERASE_C1: &str = "\u{9b}2J";
const LINK: &str = "\u{1b}]8;;http://evil.invalid\u{1b}\\";

/// What must never be read back from mentalog's output: the introducers,
/// and the leftovers that a filter dropping only ESC would leave.
const FORBIDDEN: [&str; 8] = [
    "\u{1b}[8m",
    "[8m",
    "\u{1b}]",
    "]0;PWNED",
    "\u{1b}c",
    "\u{9b}",
    "2J",
    "evil.invalid",
];

fn forbidden_in(what: &str, text: &str) {
    for f in FORBIDDEN {
        assert!(
            !text.contains(f),
            "{what} carries {f:?} through to the terminal: {text:?}"
        );
    }
}

/// A pack file of its own ("clinic-a") whose text carries escape sequences:
/// the acknowledgement hides what follows it, the first question retitles
/// the terminal, the first heading resets it, the note's help erases it.
fn hostile_pack(sb: &Sandbox) -> PathBuf {
    let toml = include_str!("../../prompts/mbt-core.toml")
        .replace("id = \"mbt-core\"", "id = \"clinic-a\"")
        .replace(
            "Thank you for checking in with yourself.\"",
            "Thank you for checking in with yourself.\\u001b[8m\"",
        )
        .replace(
            "question = \"How strong are your feelings right now?\"",
            "question = \"How strong are your feelings right now?\\u001b]0;PWNED\\u0007\"",
        )
        .replace(
            "intro = \"Before you start\"",
            "intro = \"Before\\u001bc you start\"",
        )
        .replace(
            "note_help = \"Press Enter without writing",
            "note_help = \"Press Enter without\\u009b2J writing",
        );
    assert!(
        toml.matches("\\u00").count() >= 4,
        "the pack was not changed"
    );
    let path = sb.tmp.path().join("clinic-a.toml");
    std::fs::write(&path, toml).unwrap();
    path
}

/// A config whose contacts and one unknown setting carry escape sequences,
/// and a written plan that hides and links.
fn hostile_config(sb: &Sandbox) {
    sb.write_config(
        "\"bad\\u001b]0;PWNED\\u0007\" = 1\n\
         [[contacts]]\nname = \"Sam\\u001b[8m\"\nphone = \"555\\u001b]0;PWNED\\u0007 0100\"\nnote = \"evenings\\u001bc\"\n",
    );
    std::fs::create_dir_all(sb.data()).unwrap();
    std::fs::write(
        sb.data().join("plan.md"),
        format!("# My crisis plan\nCall Sam.{HIDE}\nWarning {LINK}signs.{TITLE}\n"),
    )
    .unwrap();
}

/// The lane after a high distress, with the hostile pack and config, up to
/// its note question; nothing `FORBIDDEN` may be among the bytes written.
fn lane_walk(what: &str, term: Term, plain: bool) {
    let sb = Sandbox::new();
    let pack = hostile_pack(&sb);
    hostile_config(&sb);
    let mut cmd = sb.cmd();
    cmd.arg("new")
        .arg("--pack")
        .arg(&pack)
        .env("MENTALOG_NOW", NOW);
    if plain {
        cmd.arg("--plain");
    }
    let mut w = Walk::spawn(cmd, term);
    w.expect("Before");
    w.expect("How strong are your feelings right now?");
    if plain {
        w.expect("> ");
    } else {
        w.expect(ANSWER_MARK);
    }
    w.send("9");
    w.send(ENTER);
    w.expect(SAFETY);
    if plain {
        w.expect("Type a number, then Enter.");
        w.expect("> ");
        w.send("2");
        w.send(ENTER);
    } else {
        w.highlight(2, "no");
        w.send(ENTER);
    }
    let lane = w.expect(LANE_NOTE);
    w.send(CTRL_C);
    let (_, status) = w.finish();
    assert!(matches!(status, WaitStatus::Exited(_, 130)), "{status:?}");
    let all = String::from_utf8_lossy(w.bytes()).into_owned();
    forbidden_in(what, &all);
    for seen in [
        "Thank you for checking in with yourself.",
        "Call Sam.",
        "Warning signs.",
        "Sam: 555 0100 (evenings)",
        EMERGENCY,
        "Press Enter without writing anything to finish.",
    ] {
        assert!(
            crate::pty::shown(lane.as_bytes()).contains(seen),
            "{seen:?} is not shown in the lane: {lane:?}"
        );
    }
    assert!(
        crate::pty::shown(w.bytes()).contains("Before you start"),
        "{all:?}"
    );
}

#[test]
fn pack_and_config_text_cannot_drive_the_terminal_in_the_walk() {
    lane_walk("the walk", Term::default(), false);
}

#[test]
fn pack_and_config_text_cannot_drive_the_terminal_in_plain_mode() {
    let term = Term {
        rows: 200,
        echo: true,
        ..Term::default()
    };
    lane_walk("the walk in plain mode", term, true);
}

#[test]
fn the_crisis_plan_and_contacts_from_files_are_shown_clean() {
    let sb = Sandbox::new();
    hostile_config(&sb);
    let out = sb.assert_cmd().arg("plan").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    forbidden_in("plan", &stdout);
    forbidden_in("plan's warnings", &stderr);
    assert!(stdout.contains("Call Sam.\nWarning signs."), "{stdout}");
    assert!(stdout.contains("  Sam: 555 0100 (evenings)"), "{stdout}");
    assert!(
        stdout.contains("unknown setting `bad` was ignored"),
        "{stdout}"
    );
}

/// An entry file rewritten by `edit`, as a hostile or damaged copy might be.
fn rewrite(path: &Path, edit: impl FnOnce(&mut Value)) {
    let mut doc = read_json(path);
    edit(&mut doc);
    std::fs::write(path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
}

fn short_id(path: &Path) -> String {
    read_json(path)["id"].as_str().unwrap()[..8].to_string()
}

#[test]
fn show_prints_pack_ids_questions_and_answers_clean() {
    let sb = Sandbox::new();
    let path = sb.add(&json!({
        "arrival.distress": 4,
        "arrival.safety": "no",
        "moment.what_happened": format!("At dinner{HIDE} she left{TITLE}.\nThen {RESET}{ERASE_C1}I cried."),
        "share.include": true
    }));
    rewrite(&path, |doc| {
        doc["pack"]["id"] = json!(format!("mbt{TITLE}-core"));
        doc["pack"]["version"] = json!(format!("2{HIDE}"));
        let answers = doc["answers"].as_array_mut().unwrap();
        answers[0]["question"] = json!(format!("How strong?{LINK}"));
        answers[0]["framing"] = json!(format!("Framed{RESET}"));
    });
    let out = sb
        .assert_cmd()
        .args(["show", &short_id(&path)])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    forbidden_in("show", &stdout);
    assert!(stdout.contains("pack mbt-core 2"), "{stdout}");
    assert!(stdout.contains("Framed How strong?\n"), "{stdout}");
    assert!(
        stdout.contains("  At dinner she left.\n  Then I cried."),
        "{stdout}"
    );

    let out = sb.assert_cmd().arg("list").assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    forbidden_in("list", &stdout);
    assert!(stdout.contains("At dinner she left."), "{stdout}");
}

#[test]
fn damaged_file_names_and_the_keys_in_reasons_are_named_clean() {
    let sb = Sandbox::new();
    let good = sb.add(&json!({"arrival.distress": 4, "arrival.safety": "no"}));
    let month = good.parent().unwrap();
    // A name that retitles the terminal, and a key that hides what follows.
    let bad_name = month.join(format!("2026-11-03T21-40-12-0bad{TITLE}.json"));
    std::fs::write(&bad_name, "not json").unwrap();
    let bad_key = month.join("2026-11-03T21-40-12-0badbadb.json");
    std::fs::copy(&good, &bad_key).unwrap();
    rewrite(&bad_key, |doc| {
        doc["answers"][0]["key"] = json!(format!("arrival.distress{HIDE}"));
        doc["answers"][0]["value"] = json!("eleven");
        // Shared, so that an export reads it whole (of a private entry an
        // export reads only that it is private).
        doc["shared"] = json!(true);
    });
    for args in [&["list"][..], &["export", "--since", "all"][..]] {
        let out = sb.assert_cmd().args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        forbidden_in(&format!("{args:?}"), &stderr);
        assert!(
            stderr.contains("2026-11-03T21-40-12-0bad.json")
                && stderr.contains("the answer to arrival.distress is not"),
            "{args:?}: {stderr}"
        );
    }
}

/// The invisible characters the old filter let through, and those it caught.
const INVISIBLES: [char; 15] = [
    '\u{200F}',
    '\u{061C}',
    '\u{2060}',
    '\u{00AD}',
    '\u{E0000}',
    '\u{E0001}',
    '\u{E0041}',
    '\u{E007F}',
    '\u{200B}',
    '\u{FEFF}',
    '\u{202E}',
    '\u{2066}',
    '\u{200E}',
    '\u{2028}',
    '\u{2029}',
];

#[test]
fn invisible_characters_leave_no_trace_in_show_or_any_export() {
    let sb = Sandbox::new();
    let mut text = String::from("Seen");
    for c in INVISIBLES {
        text.push(c);
        text.push('x');
    }
    let path = sb.add(&json!({
        "arrival.distress": 4,
        "arrival.safety": "no",
        "moment.what_happened": text,
        "other.who": format!("my{}sister", '\u{2060}'),
        "share.include": true
    }));
    let check = |what: &str, out: &str| {
        for c in INVISIBLES {
            assert!(!out.contains(c), "{what} keeps U+{:04X}: {out:?}", c as u32);
        }
        // Separators became line breaks, however the format writes them.
        assert!(out.contains("Seenxxxxxxxxxxxxx"), "{what}: {out:?}");
    };
    let out = sb
        .assert_cmd()
        .args(["show", &short_id(&path)])
        .assert()
        .success();
    check("show", &String::from_utf8_lossy(&out.get_output().stdout));
    for format in ["md", "html", "json", "text"] {
        let out = sb
            .assert_cmd()
            .args(["export", "--since", "all", "--format", format])
            .assert()
            .success();
        let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        check(format, &stdout);
        if format == "json" {
            let doc: Value = serde_json::from_str(&stdout).unwrap();
            check("json, parsed", &doc.to_string());
        }
    }
}

// --- The sanitiser itself, for any input ---------------------------------

/// Whether `c` may come out of the sanitiser.
fn allowed(c: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    let control = c.is_control() && c != '\n';
    let format =
        c.general_category() == GeneralCategory::Format && c != '\u{200C}' && c != '\u{200D}';
    let tag = ('\u{E0000}'..='\u{E007F}').contains(&c);
    !(control || format || tag || c == '\u{2028}' || c == '\u{2029}')
}

/// Text made of pieces likely to meet trouble: escape sequences whole and
/// cut, controls, format characters, joiners, and anything at all.
fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        any::<char>().prop_map(String::from),
        "[a-z ]{0,6}",
        prop::sample::select(vec![
            HIDE,
            TITLE,
            RESET,
            ERASE_C1,
            LINK,
            "\u{1b}",
            "\u{1b}[",
            "\u{1b}]",
            "\u{1b}P",
            "\u{1b}\\",
            "\u{7}",
            "\u{9c}",
            "\u{9d}",
            "\u{90}",
            "\r",
            "\n",
            "\t",
            "\u{200D}",
            "\u{200C}",
            "\u{200F}",
            "\u{2028}",
            "\u{E0041}",
            "\u{AD}",
            "\u{7f}",
            "\u{85}",
        ])
        .prop_map(str::to_string),
        "[\\x00-\\x1f\\x7f-\\x9f\\u{200b}-\\u{206f}\\u{feff}\\u{e0000}-\\u{e007f}]{1,3}",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn sanitised_text_holds_no_control_or_format_character(s in hostile()) {
        let once = clean(&s);
        let bad: Vec<String> = once.chars().filter(|c| !allowed(*c)).map(|c| format!("U+{:04X}", c as u32)).collect();
        prop_assert!(bad.is_empty(), "{:?} -> {:?} keeps {:?}", s, once, bad);
        prop_assert_eq!(clean(&once), once.clone(), "not idempotent");
        prop_assert_eq!(format!("{}", Shown(&s)), once);

        let line = one_line(&s);
        prop_assert!(line.chars().all(|c| allowed(c) && c != '\n' && c != '\t'), "{:?}", line);
        prop_assert_eq!(one_line(&line), line.clone());
        prop_assert_eq!(mentalog::entry::clean(&s), clean(&s));
        prop_assert_eq!(mentalog::entry::one_line(&s), line);
    }

    #[test]
    fn any_string_at_all_comes_out_clean(s in any::<String>()) {
        let once = clean(&s);
        prop_assert!(once.chars().all(allowed), "{:?} -> {:?}", s, once);
        prop_assert_eq!(clean(&once), once);
    }
}
