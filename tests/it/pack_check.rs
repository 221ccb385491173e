//! `pack check` and the other `pack` commands: every broken pack is named
//! with its line and column and a fix, several problems are reported at
//! once, every built-in pack checks clean, and packs are added, listed,
//! shown, used and removed through the real binary in a sandbox.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use mentalog::cli::{Command, PackCommand};
use mentalog::config::Config;
use mentalog::context::Context;
use mentalog::pack::check::{Severity, check, render};
use mentalog::pack::{BUILTIN, Pack};
use mentalog::paths::Paths;
use mentalog::prompt::{Reply, Scripted};
use serde_json::json;

use crate::sandbox::{NOW, Sandbox, read_json};

/// A small, valid format-2 pack: the starting point of every broken one.
/// The line numbers in `BROKEN` count from its first line.
const BASE: &str = r#"format = 2
id = "clinic-a"
version = 1
title = "A walk of our own"
feelings = ["hurt", "angry", "hard to name"]

[safety]
acknowledgement = "That sounds really hard right now."
note_question = "If you like, write a line or two about right now."
closing = "You can come back to this whenever you're ready."

[[steps]]
key = "arrival.distress"
kind = "rating"
question = "How strong are your feelings right now?"
anchors = ["calm", "as intense as it gets"]

[[steps]]
key = "arrival.safety"
kind = "yes_no_unsure"
question = "Are you having thoughts of hurting yourself or ending your life right now?"

[[steps]]
key = "moment.what_happened"
kind = "long_text"
question = "What happened?"

[[steps]]
key = "self.feelings"
kind = "feelings"
question = "Which feelings were there for you?"

[[steps]]
key = "other.feeling"
kind = "long_text"
question = "What might they have been feeling?"

[[steps]]
key = "other.certainty"
kind = "rating"
question = "How sure are you about that guess?"
anchors = ["pure guess", "completely certain"]
needs_any = ["other.feeling"]

[[steps]]
key = "share.include"
kind = "yes_no"
question = "Include this entry in what you share with your therapist?"

[[nudges]]
id = "less-sure"
after = "other.certainty"
text = "What would you need to see or hear to feel a little less sure?"
when = [{ signal = "rating_at_least", key = "other.certainty", value = 8 }]

[[measures]]
id = "curiosity"
title = "A few quick questions"
citation = "Made up for mentalog's tests; not a real measure."
permission = "Free to use."
scale = { min = 0, max = 3, anchors = ["never", "always"] }
items = [
  { id = "wondered", text = "I wondered what they might be feeling." },
  { id = "sure", text = "I was sure I knew why they did it.", reverse = true },
]
subscales = [
  { id = "all", title = "Curious", items = ["wondered", "sure"], score = "mean" },
]
"#;

/// A `[fixed]` table translating every line into Dutch, with two of its
/// lines given: `no_contacts` and `lane_share_nothing`. Placed right after
/// `feelings` (line 5 of `BASE`) with a `language` line before it, the
/// table starts at line 8 and `lane_share_nothing` is line 18.
macro_rules! fixed_nl {
    ($no_contacts:literal, $nothing:literal) => {
        concat!(
            "[fixed]\n",
            "emergency = \"Ben je in direct gevaar, bel dan het alarmnummer.\"\n",
            "no_contact = \"Dit dagboek neemt met niemand contact op. Je therapeut ziet alleen wat jij kiest te exporteren.\"\n",
            "arrival_needed = \"Deze vraag is nodig, zodat mentalog je crisisplan kan laten zien als het heel zwaar is.\"\n",
            "for_now = \"Neem voor nu, als het lukt, contact op met iemand die je vertrouwt, of met je behandelteam.\\nBlijf bij iemand, of ergens waar je je iets veiliger voelt, tot dit voorbij is.\"\n",
            "no_contacts = ",
            $no_contacts,
            "\n",
            "lane_share_question = \"Mag je therapeut zien dat vandaag zo zwaar was?\"\n",
            "lane_share_help = \"Er wordt nu niets verstuurd: dit bepaalt alleen wat er in een samenvatting komt als je die exporteert. Je kunt het later veranderen met mentalog share of unshare.\"\n",
            "lane_share_whole = \"Ja, de hele notitie, met wat je schreef\"\n",
            "lane_share_steps = \"Alleen dat de veiligheidsstappen vandaag opengingen: de datum, hoe sterk je gevoelens waren en je antwoorden over veiligheid, niet wat je schreef\"\n",
            "lane_share_nothing = ",
            $nothing,
            "\n",
        )
    };
    () => {
        fixed_nl!(
            "\"Er zijn in mentalog nog geen crisiscontacten ingesteld.\"",
            "\"Nee, houd het privé: er komt niets van in een samenvatting\""
        )
    };
}

/// Where `fixed_nl!` goes in `BASE`: after the top-level keys.
const FIXED_AT: &str = "feelings = [\"hurt\", \"angry\", \"hard to name\"]\n\n[safety]";

/// One broken pack: what to change in `BASE`, the message expected and
/// where (`line:column`).
struct Broken {
    what: &'static str,
    from: &'static str,
    to: &'static str,
    message: &'static str,
    at: &'static str,
}

const BROKEN: &[Broken] = &[
    Broken {
        what: "TOML syntax: a string left open",
        from: "title = \"A walk of our own\"",
        to: "title = \"A walk of our own",
        message: "does not read as TOML",
        at: "4:27",
    },
    Broken {
        what: "an unknown key, with a did-you-mean",
        from: "title = ",
        to: "titel = ",
        message: "unknown key `titel` in the pack (did you mean `title`?)",
        at: "4:1",
    },
    Broken {
        what: "an unknown step kind",
        from: "kind = \"long_text\"\nquestion = \"What happened?\"",
        to: "kind = \"long_txt\"\nquestion = \"What happened?\"",
        message: "unknown kind \"long_txt\" in step 3 (`moment.what_happened`) (did you mean kind = \"long_text\"?)",
        at: "25:8",
    },
    Broken {
        what: "an unknown signal",
        from: "signal = \"rating_at_least\"",
        to: "signal = \"rating_atleast\"",
        message: "unknown signal \"rating_atleast\" in nudge `less-sure` (did you mean signal = \"rating_at_least\"?)",
        at: "54:20",
    },
    Broken {
        what: "a duplicate step key",
        from: "key = \"self.feelings\"\nkind = \"feelings\"",
        to: "key = \"moment.what_happened\"\nkind = \"long_text\"",
        message: "the step key `moment.what_happened` is used twice (step 3 has it too)",
        at: "29:7",
    },
    Broken {
        what: "a rating without anchor words",
        from: "anchors = [\"pure guess\", \"completely certain\"]\n",
        to: "",
        message: "step 6 (`other.certainty`) is a rating without `anchors`",
        at: "38:1",
    },
    Broken {
        what: "a nudge naming a missing step",
        from: "after = \"other.certainty\"",
        to: "after = \"other.certainy\"",
        message: "`after` of nudge `less-sure` names `other.certainy`, which is not a step of this pack (did you mean `other.certainty`?)",
        at: "52:9",
    },
    Broken {
        what: "a nudge that can never fire",
        from: "\n[[measures]]",
        to: "\n[[nudges]]\nid = \"less-sure-too\"\nafter = \"other.certainty\"\ntext = \"Could it be otherwise?\"\nwhen = [{ value = 8, key = \"other.certainty\", signal = \"rating_at_least\" }]\n\n[[measures]]",
        message: "this nudge can never be shown: `less-sure` comes before it",
        at: "57:6",
    },
    Broken {
        what: "a measure item that no subscale uses",
        from: "items = [\"wondered\", \"sure\"]",
        to: "items = [\"wondered\"]",
        message: "the item `sure` of measure `curiosity` is in no subscale",
        at: "64:10",
    },
    Broken {
        what: "a recode table that does not cover the scale",
        from: "reverse = true",
        to: "recode = { \"0\" = 3, \"1\" = 2, \"2\" = 1 }",
        message: "`recode` of item 2 of measure `curiosity` does not cover the whole scale: it leaves out \"3\"",
        at: "64:72",
    },
    Broken {
        what: "a rhythm that does not parse",
        from: "title = \"A walk of our own\"\n",
        to: "title = \"A walk of our own\"\nrhythm = \"now and then\"\n",
        message: "`rhythm` = \"now and then\" is not a rhythm mentalog reads",
        at: "5:10",
    },
    Broken {
        what: "a step made required",
        from: "question = \"What happened?\"",
        to: "question = \"What happened?\"\nskippable = false",
        message: "no step can be made required",
        at: "27:13",
    },
    Broken {
        what: "the arrival check moved from the start",
        from: "key = \"arrival.distress\"",
        to: "key = \"moment.before\"",
        message: "the first step must be the arrival check `arrival.distress`",
        at: "13:7",
    },
    Broken {
        what: "a format-2 key without `format = 2`",
        from: "format = 2\n",
        to: "",
        message: "`title` needs format 2, and this pack has no `format = 2`",
        at: "3:1",
    },
    Broken {
        what: "a version that is not a whole number of 1 or more",
        from: "version = 1",
        to: "version = 0",
        message: "`version` must be a whole number of 1 or more",
        at: "3:11",
    },
    Broken {
        what: "a safety threshold above 10",
        from: "feelings = ",
        to: "safety_threshold = 12\nfeelings = ",
        message: "`safety_threshold` must be from 1 to 10, not 12",
        at: "5:20",
    },
    Broken {
        what: "a fixed key with the wrong kind",
        from: "kind = \"yes_no\"",
        to: "kind = \"rating\"\nanchors = [\"no\", \"yes\"]",
        message: "the step `share.include` must have the kind \"yes_no\"",
        at: "47:8",
    },
    Broken {
        what: "a feelings step without a feelings list",
        from: "feelings = [\"hurt\", \"angry\", \"hard to name\"]\n",
        to: "",
        message: "asks for feelings, and the pack has no `feelings` list",
        at: "29:8",
    },
    Broken {
        what: "a choice without options",
        from: "kind = \"long_text\"\nquestion = \"What might",
        to: "kind = \"choice\"\nquestion = \"What might",
        message: "step 5 (`other.feeling`) is a choice without `options`",
        at: "33:1",
    },
    Broken {
        what: "a reserved key as a step",
        from: "key = \"moment.what_happened\"",
        to: "key = \"measure.what_happened\"",
        message: "the step key `measure.what_happened` is kept for mentalog itself",
        at: "24:7",
    },
    Broken {
        what: "a scale whose max is not above its min",
        from: "max = 3",
        to: "max = 0",
        message: "`max` must be above `min`",
        at: "61:26",
    },
    Broken {
        what: "[fixed] with lines missing",
        from: FIXED_AT,
        to: "language = \"nl\"\nfeelings = [\"hurt\", \"angry\", \"hard to name\"]\n\n[fixed]\nemergency = \"Bel 112 als je in direct gevaar bent.\"\n\n[safety]",
        message: "[fixed] does not translate `no_contact`, `arrival_needed`",
        at: "8:1",
    },
    Broken {
        what: "[fixed] in a pack with no language",
        from: "\n[safety]",
        to: concat!("\n", fixed_nl!(), "\n[safety]"),
        message: "the fixed safety lines can only be translated, in a pack whose language is not English (add the pack's language at the top",
        at: "7:1",
    },
    Broken {
        what: "[fixed] in an English pack",
        from: FIXED_AT,
        to: concat!(
            "language = \"en-GB\"\nfeelings = [\"hurt\", \"angry\", \"hard to name\"]\n\n",
            fixed_nl!(),
            "\n[safety]"
        ),
        message: "the fixed safety lines can only be translated, in a pack whose language is not English (this pack's language is `en-GB`",
        at: "8:1",
    },
    Broken {
        what: "a blank fixed line",
        from: FIXED_AT,
        to: concat!(
            "language = \"nl\"\nfeelings = [\"hurt\", \"angry\", \"hard to name\"]\n\n",
            fixed_nl!("\" \\t \"", "\"Nee, houd het privé\""),
            "\n[safety]"
        ),
        message: "`no_contacts` in [fixed] is blank: the safety floor needs every one of its lines (translate the English line here",
        at: "13:15",
    },
    Broken {
        what: "two answers to the sharing question that read the same",
        from: FIXED_AT,
        to: concat!(
            "language = \"nl\"\nfeelings = [\"hurt\", \"angry\", \"hard to name\"]\n\n",
            fixed_nl!(
                "\"Er zijn nog geen crisiscontacten.\"",
                "\" ja, de HELE notitie, met wat je schreef \""
            ),
            "\n[safety]"
        ),
        message: "`lane_share_nothing` in [fixed] reads the same as `lane_share_whole`",
        at: "18:22",
    },
    Broken {
        what: "a measure inside the arrival check",
        from: "permission = \"Free to use.\"",
        to: "permission = \"Free to use.\"\nat = \"arrival.safety\"",
        message: "`at` of measure `curiosity` names `arrival.safety`: the arrival check and the urge questions come first, always (use at = \"start\" to ask it right after them)",
        at: "61:6",
    },
    Broken {
        what: "a measure between the urge questions",
        from: "permission = \"Free to use.\"",
        to: "permission = \"Free to use.\"\nat = \"arrival.urge\"",
        message: "the arrival check and the urge questions come first, always",
        at: "61:6",
    },
    Broken {
        what: "a recode key with a leading zero",
        from: "reverse = true",
        to: "recode = { \"0\" = 3, \"01\" = 2, \"2\" = 1, \"3\" = 0 }",
        message: "`recode` of item 2 of measure `curiosity` has \"01\": a point is written as a plain whole number (write it as \"1\"",
        at: "64:83",
    },
    Broken {
        what: "a recode key with a sign",
        from: "reverse = true",
        to: "recode = { \"+0\" = 3, \"1\" = 2, \"2\" = 1, \"3\" = 0 }",
        message: "has \"+0\": a point is written as a plain whole number",
        at: "64:74",
    },
    Broken {
        what: "a recode key with a space",
        from: "reverse = true",
        to: "recode = { \"0\" = 3, \"1\" = 2, \"2 \" = 1, \"3\" = 0 }",
        message: "has \"2 \": a point is written as a plain whole number",
        at: "64:92",
    },
    Broken {
        what: "a recode score that is not a number",
        from: "reverse = true",
        to: "recode = { \"0\" = 3, \"1\" = 2, \"2\" = 1, \"3\" = nan }",
        message: "gives \"3\" the score nan: a score must be an ordinary number from -1000000 to 1000000",
        at: "64:107",
    },
    Broken {
        what: "an infinite recode score",
        from: "reverse = true",
        to: "recode = { \"0\" = -inf, \"1\" = 2, \"2\" = 1, \"3\" = 0 }",
        message: "gives \"0\" the score -inf",
        at: "64:80",
    },
    Broken {
        what: "a recode score beyond a million",
        from: "reverse = true",
        to: "recode = { \"0\" = 3, \"1\" = 2e6, \"2\" = 1, \"3\" = 0 }",
        message: "gives \"1\" the score 2e6",
        at: "64:89",
    },
    Broken {
        what: "a version that is not a whole number",
        from: "version = 1",
        to: "version = \"2.1\"",
        message: "`version` must be a whole number of 1 or more, not \"2.1\" (write a whole number",
        at: "3:11",
    },
    Broken {
        what: "`rating_at_least` on a step that is not a rating",
        from: "key = \"other.certainty\", value = 8",
        to: "key = \"other.feeling\", value = 8",
        message: "`rating_at_least` looks at `other.feeling`, which is not a rating",
        at: "54:45",
    },
    Broken {
        what: "`needs_any` naming a missing step",
        from: "needs_any = [\"other.feeling\"]",
        to: "needs_any = [\"other.feelings\"]",
        message: "`needs_any` names `other.feelings`, which is not a step of this pack (did you mean `other.feeling`?)",
        at: "43:14",
    },
    Broken {
        what: "an unknown score method",
        from: "score = \"mean\"",
        to: "score = \"average\"",
        message: "unknown score method \"average\"",
        at: "67:74",
    },
    Broken {
        what: "a value of the wrong type",
        from: "value = 8",
        to: "value = \"8\"",
        message: "`value` must be a whole number, not text",
        at: "54:72",
    },
    Broken {
        what: "a nudge after the arrival check",
        from: "after = \"other.certainty\"",
        to: "after = \"arrival.safety\"",
        message: "cannot come after the arrival check",
        at: "52:9",
    },
    Broken {
        what: "an item both reversed and recoded",
        from: "reverse = true",
        to: "reverse = true, recode = { \"0\" = 3, \"1\" = 2, \"2\" = 1, \"3\" = 0 }",
        message: "item 2 of measure `curiosity` has both `reverse` and `recode`",
        at: "64:79",
    },
];

/// `BASE` with one change, which must have happened.
fn broken(b: &Broken) -> String {
    assert!(
        BASE.contains(b.from),
        "{}: `{}` is not in BASE",
        b.what,
        b.from
    );
    BASE.replacen(b.from, b.to, 1)
}

#[test]
fn the_base_pack_checks_clean() {
    let checked = check(BASE);
    assert!(checked.problems.is_empty(), "{:#?}", checked.problems);
    assert_eq!(checked.pack.unwrap().id, "clinic-a");
}

#[test]
fn each_broken_pack_is_named_with_its_place_and_a_fix() {
    assert!(BROKEN.len() >= 14);
    for b in BROKEN {
        let source = broken(b);
        let checked = check(&source);
        assert!(checked.pack.is_none(), "{}: the pack was accepted", b.what);
        let report = render("pack.toml", &source, &checked.problems);
        let found = checked.errors().any(|p| {
            let (line, col) = p.line_col(&source);
            let text = format!("{} ({})", p.message, p.help);
            format!("{line}:{col}") == b.at && text.contains(b.message)
        });
        assert!(
            found,
            "{}: expected `{}` at {}, got:\n{report}",
            b.what, b.message, b.at
        );
        // The report shows it as rustc does: place, snippet, caret, help.
        let head = format!("pack.toml:{}: error: ", b.at);
        assert!(report.contains(&head), "{}:\n{report}", b.what);
        assert!(report.contains("help: "), "{}:\n{report}", b.what);
        assert!(report.contains('^'), "{}:\n{report}", b.what);
        // Pack::parse refuses it too, naming the first problem's place.
        let err = Pack::parse(&source).unwrap_err().to_string();
        let first = checked.errors().next().unwrap();
        let (line, col) = first.line_col(&source);
        assert!(
            err.starts_with(&format!("line {line}, column {col}: ")),
            "{}: {err}",
            b.what
        );
    }
}

#[test]
fn a_pack_in_another_language_without_fixed_lines_is_warned_about_but_used() {
    let source = BASE.replacen("title = ", "language = \"nl\"\ntitle = ", 1);
    let checked = check(&source);
    let problems: Vec<_> = checked.problems.iter().collect();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].severity, Severity::Warning);
    assert_eq!(problems[0].line_col(&source), (4, 12));
    assert!(
        problems[0]
            .message
            .contains("the fixed safety lines will stay in English")
    );
    assert!(checked.pack.is_some());
    assert!(Pack::parse(&source).is_ok());
}

#[test]
fn a_translated_pack_keeps_its_fixed_lines_and_english_cannot_replace_them() {
    let translated = |language: &str| {
        BASE.replacen(
            FIXED_AT,
            &format!(
                "language = \"{language}\"\nfeelings = [\"hurt\", \"angry\", \"hard to name\"]\n\n{}\n[safety]",
                fixed_nl!()
            ),
            1,
        )
    };
    let source = translated("nl");
    let checked = check(&source);
    assert!(checked.problems.is_empty(), "{:#?}", checked.problems);
    let fixed = checked.pack.unwrap().fixed.unwrap();
    assert_eq!(
        fixed.lane_share_nothing,
        "Nee, houd het privé: er komt niets van in een samenvatting"
    );
    // Every way of writing English is English.
    for language in ["en", "EN", "en-GB", "en_US", "English", " en-au "] {
        let source = translated(language);
        let checked = check(&source);
        let errors: Vec<_> = checked.errors().collect();
        assert_eq!(errors.len(), 1, "{language}: {errors:#?}");
        assert!(
            errors[0]
                .message
                .contains("can only be translated, in a pack whose language is not English"),
            "{language}: {errors:#?}"
        );
        assert_eq!(errors[0].line_col(&source), (8, 1), "{language}");
    }
}

#[test]
fn measures_and_recode_tables_within_the_rules_check_clean() {
    for (from, to) in [
        (
            "permission = \"Free to use.\"",
            "permission = \"Free to use.\"\nat = \"start\"",
        ),
        (
            "permission = \"Free to use.\"",
            "permission = \"Free to use.\"\nat = \"other.feeling\"",
        ),
        (
            "reverse = true",
            "recode = { \"0\" = -1e6, \"1\" = -0.5, \"2\" = 2.25, \"3\" = 1_000_000 }",
        ),
    ] {
        let source = BASE.replacen(from, to, 1);
        let checked = check(&source);
        assert!(checked.problems.is_empty(), "{to}: {:#?}", checked.problems);
    }
}

#[test]
fn a_format_1_pack_with_a_version_that_is_not_whole_is_refused() {
    let old = include_str!("../fixtures/mbt-core-v2-format1.toml");
    assert!(Pack::parse(old).is_ok());
    for version in ["\"2.1\"", "2.1", "\"two\""] {
        let source = old.replacen("version = \"2\"", &format!("version = {version}"), 1);
        assert_ne!(source, old);
        let err = Pack::parse(&source).unwrap_err().to_string();
        assert!(
            err.starts_with("line 6, column 11: `version` must be a whole number of 1 or more")
                && err.contains("write a whole number"),
            "{version}: {err}"
        );
    }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn stderr(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&out.get_output().stderr).to_string()
}

fn stdout(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&out.get_output().stdout).to_string()
}

#[test]
fn several_problems_in_one_file_are_all_reported_at_once() {
    let sb = Sandbox::new();
    let source = BASE
        .replacen("title = ", "titel = ", 1)
        .replace(
            "kind = \"long_text\"\nquestion = \"What happened?\"",
            "kind = \"long_txt\"\nquestion = \"What happened?\"",
        )
        .replace("after = \"other.certainty\"", "after = \"other.certainy\"")
        .replace("items = [\"wondered\", \"sure\"]", "items = [\"wondered\"]");
    write(sb.tmp.path(), "broken.toml", &source);
    write(sb.tmp.path(), "clean.toml", BASE);
    let out = sb
        .assert_cmd()
        .current_dir(sb.tmp.path())
        .args(["pack", "check", "clean.toml", "broken.toml"])
        .assert()
        .code(1);
    let err = stderr(&out);
    for place in [
        "broken.toml:4:1:",
        "broken.toml:25:8:",
        "broken.toml:52:9:",
        "broken.toml:64:10:",
    ] {
        assert!(err.contains(&format!("{place} error: ")), "{place}:\n{err}");
    }
    assert!(err.contains("clean.toml: this pack checks clean"), "{err}");
    assert!(
        err.trim_end()
            .ends_with("mentalog: error: 4 problems in 1 file (see above)"),
        "{err}"
    );
    insta::assert_snapshot!("several_problems", err);

    // Two broken files: counted as two.
    write(
        sb.tmp.path(),
        "also.toml",
        &BASE.replace("version = 1", "version = 0"),
    );
    let out = sb
        .assert_cmd()
        .current_dir(sb.tmp.path())
        .args(["pack", "check", "broken.toml", "also.toml", "missing.toml"])
        .assert()
        .code(1);
    let err = stderr(&out);
    assert!(
        err.contains("missing.toml: error: cannot read the pack"),
        "{err}"
    );
    assert!(
        err.contains("mentalog: error: 6 problems in 3 files (see above)"),
        "{err}"
    );
}

#[test]
fn a_file_with_many_problems_shows_the_first_fifty_and_counts_them_all() {
    let sb = Sandbox::new();
    let many: String = (0..200).map(|i| format!("unknown_{i:03} = 1\n")).collect();
    let source = BASE.replacen("title = ", &format!("{many}title = "), 1);
    assert_eq!(check(&source).errors().count(), 200);
    write(sb.tmp.path(), "many.toml", &source);
    let out = sb
        .assert_cmd()
        .current_dir(sb.tmp.path())
        .args(["pack", "check", "many.toml"])
        .assert()
        .code(1);
    let err = stderr(&out);
    assert_eq!(err.matches("many.toml:").count(), 50, "{err}");
    // The first fifty, in the order of the file.
    assert!(
        err.contains("many.toml:4:1: error: unknown key `unknown_000`"),
        "{err}"
    );
    assert!(
        err.contains("many.toml:53:1: error: unknown key `unknown_049`"),
        "{err}"
    );
    assert!(!err.contains("unknown_050"), "{err}");
    assert!(
        err.contains("\n... and 150 more problems in many.toml (fix these first)\n"),
        "{err}"
    );
    assert!(
        err.trim_end()
            .ends_with("mentalog: error: 200 problems in 1 file (see above)"),
        "{err}"
    );
}

#[test]
fn snippets_keep_their_places_far_into_a_file_and_along_a_long_line() {
    // Far down: the line number in the snippet is the line in the file.
    let source = format!("{}titel = 1\n", "# a comment\n".repeat(12_000));
    let checked = check(&source);
    let report = render("pack.toml", &source, &checked.problems);
    let expected = "pack.toml:12001:1: error: unknown key `titel` in the pack
      |
12001 | titel = 1
      | ^^^^^
      |
help: did you mean `title`?";
    assert!(report.contains(expected), "{report}");

    // Along a long line: a window around the place, cut with `...`, the
    // caret still under it, the column counted in characters.
    let before = "é".repeat(300);
    let after = "ü".repeat(300);
    let source = format!("a = 1\nb = \"{before}MARK{after}\"\n");
    let start = source.find("MARK").unwrap();
    let problem = mentalog::pack::check::Problem::error(start..start + 4, "here", "there");
    let report = render("pack.toml", &source, &[problem]);
    let expected = format!(
        "pack.toml:2:306: error: here
  |
2 | ...{}MARK{}...
  | {}^^^^
  |
help: there",
        "é".repeat(60),
        "ü".repeat(60),
        " ".repeat(63)
    );
    assert!(report.contains(&expected), "{report}");
}

#[test]
fn every_built_in_pack_passes_pack_check() {
    let sb = Sandbox::new();
    let mut cmd = sb.assert_cmd();
    cmd.args(["pack", "check"]);
    for (id, source) in BUILTIN {
        let checked = check(source);
        let errors: Vec<_> = checked.errors().collect();
        assert!(errors.is_empty(), "{id}: {errors:#?}");
        cmd.arg(write(sb.tmp.path(), &format!("{id}.toml"), source));
    }
    let out = cmd.assert().success();
    assert_eq!(
        stderr(&out).matches("this pack checks clean").count(),
        BUILTIN.len(),
        "{}",
        stderr(&out)
    );
}

#[test]
fn pack_new_writes_a_template_that_checks_clean_and_never_overwrites() {
    let sb = Sandbox::new();
    let file = sb.tmp.path().join("mine.toml");
    sb.assert_cmd()
        .args(["pack", "new"])
        .arg(&file)
        .assert()
        .success();
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(written, include_str!("../../prompts/pack-template.toml"));
    sb.assert_cmd()
        .args(["pack", "check"])
        .arg(&file)
        .assert()
        .success();
    std::fs::write(&file, "mine").unwrap();
    let out = sb
        .assert_cmd()
        .args(["pack", "new"])
        .arg(&file)
        .assert()
        .code(1);
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn listing(sb: &Sandbox) -> serde_json::Value {
    let out = sb
        .assert_cmd()
        .args(["pack", "list", "--json"])
        .assert()
        .success();
    serde_json::from_str(&stdout(&out)).unwrap()
}

#[test]
fn packs_are_added_listed_shown_used_and_removed() {
    let sb = Sandbox::new();
    let file = write(sb.tmp.path(), "clinic.toml", BASE);

    // Added: private, under its id.
    let out = sb
        .assert_cmd()
        .args(["pack", "add"])
        .arg(&file)
        .assert()
        .success();
    assert!(stderr(&out).contains("clinic-a"), "{}", stderr(&out));
    let installed = sb.data().join("packs").join("clinic-a.toml");
    assert_eq!(std::fs::read_to_string(&installed).unwrap(), BASE);
    assert_eq!(mode(&installed), 0o600);
    assert_eq!(mode(&sb.data().join("packs")), 0o700);

    // Listed, sorted, with the built-in pack still in use.
    let list = listing(&sb);
    assert_eq!(list["schema"], "mentalog.packs/1");
    assert_eq!(list["in_use"], "mbt-core");
    let ids: Vec<&str> = list["packs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted);
    for (id, _) in BUILTIN {
        assert!(ids.contains(id), "{id} is not listed");
    }
    let clinic = &list["packs"][ids.iter().position(|i| *i == "clinic-a").unwrap()];
    assert_eq!(
        clinic,
        &json!({"id": "clinic-a", "version": 1, "title": "A walk of our own", "built_in": false, "in_use": false})
    );
    let text = stdout(&sb.assert_cmd().args(["pack", "list"]).assert().success());
    assert!(text.contains("* mbt-core"), "{text}");
    assert!(text.contains("  clinic-a"), "{text}");

    // Shown as a person will see it.
    let shown = stdout(
        &sb.assert_cmd()
            .args(["pack", "show", "clinic-a"])
            .assert()
            .success(),
    );
    for part in [
        "A walk of our own (clinic-a, version 1)",
        "1. How strong are your feelings right now?",
        "A number from 0 (calm) to 10 (as intense as it gets).",
        "Always asked.",
        "Asked only when you answered step 5.",
        "A few quick questions",
        "A number: 0 = never, 3 = always.",
        "The safety steps",
        "If you are in immediate danger, call your local emergency number.",
        "After step 6, when the answer at step 6 is 8 or more:",
        "What would you need to see or hear to feel a little less sure?",
    ] {
        assert!(shown.contains(part), "`{part}` is not in:\n{shown}");
    }

    // Used for new entries.
    sb.assert_cmd()
        .args(["pack", "use", "clinic-a"])
        .assert()
        .success();
    let config = std::fs::read_to_string(sb.config()).unwrap();
    assert!(config.contains("pack = \"clinic-a\""), "{config}");
    assert_eq!(listing(&sb)["in_use"], "clinic-a");
    let entry =
        sb.add(&json!({"arrival.distress": 2, "arrival.safety": "no", "share.include": true}));
    assert_eq!(read_json(&entry)["pack"]["id"], "clinic-a");

    // Removing asks first: with no terminal and no --yes, nothing happens.
    let out = sb
        .assert_cmd()
        .args(["pack", "remove", "clinic-a"])
        .assert()
        .code(2);
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    assert!(installed.exists());

    let out = sb
        .assert_cmd()
        .args(["pack", "remove", "clinic-a", "--yes"])
        .assert()
        .success();
    let said = stderr(&out);
    assert!(said.contains("stay readable"), "{said}");
    assert!(said.contains("mbt-core again"), "{said}");
    assert!(!installed.exists());
    let config = std::fs::read_to_string(sb.config()).unwrap();
    assert!(!config.contains("pack ="), "{config}");
    assert_eq!(listing(&sb)["in_use"], "mbt-core");
    // The entry written with it still reads, with its questions.
    let out = sb
        .assert_cmd()
        .args(["show", "--json"])
        .arg(read_json(&entry)["id"].as_str().unwrap())
        .assert()
        .success();
    assert!(stdout(&out).contains("How strong are your feelings right now?"));
}

#[test]
fn pack_add_refuses_broken_built_in_lower_and_reworded_packs() {
    let sb = Sandbox::new();
    let v2 = BASE.replace("version = 1", "version = 2");
    let file = write(sb.tmp.path(), "clinic.toml", &v2);
    sb.assert_cmd()
        .args(["pack", "add"])
        .arg(&file)
        .assert()
        .success();

    // A lower version.
    write(sb.tmp.path(), "clinic.toml", BASE);
    let out = sb
        .assert_cmd()
        .args(["pack", "add"])
        .arg(&file)
        .assert()
        .code(1);
    assert!(stderr(&out).contains("lower version"), "{}", stderr(&out));
    // The same version with other words.
    write(
        sb.tmp.path(),
        "clinic.toml",
        &v2.replace("What happened?", "What went on?"),
    );
    let out = sb
        .assert_cmd()
        .args(["pack", "add"])
        .arg(&file)
        .assert()
        .code(1);
    assert!(
        stderr(&out).contains("raise its version"),
        "{}",
        stderr(&out)
    );
    let installed = sb.data().join("packs").join("clinic-a.toml");
    assert_eq!(std::fs::read_to_string(&installed).unwrap(), v2);
    // The same pack again changes nothing; a higher version replaces it.
    write(sb.tmp.path(), "clinic.toml", &v2);
    sb.assert_cmd()
        .args(["pack", "add"])
        .arg(&file)
        .assert()
        .success();
    let v3 = BASE.replace("version = 1", "version = 3");
    write(sb.tmp.path(), "clinic.toml", &v3);
    let out = sb
        .assert_cmd()
        .args(["pack", "add"])
        .arg(&file)
        .assert()
        .success();
    assert!(
        stderr(&out).contains("from version 2 to version 3"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_to_string(&installed).unwrap(), v3);

    // A pack that does not check, with its problems shown.
    write(
        sb.tmp.path(),
        "clinic.toml",
        &BASE.replacen("title = ", "titel = ", 1),
    );
    let out = sb
        .assert_cmd()
        .args(["pack", "add"])
        .arg(&file)
        .assert()
        .code(1);
    let err = stderr(&out);
    assert!(
        err.contains("clinic.toml:4:1: error: unknown key `titel`"),
        "{err}"
    );
    assert!(err.contains("was not added"), "{err}");
    // A pack with the id of a built-in one.
    write(
        sb.tmp.path(),
        "clinic.toml",
        &BASE.replace("id = \"clinic-a\"", "id = \"mbt-core\""),
    );
    let out = sb
        .assert_cmd()
        .args(["pack", "add"])
        .arg(&file)
        .assert()
        .code(1);
    assert!(stderr(&out).contains("built-in pack"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&installed).unwrap(), v3);
}

#[test]
fn use_and_remove_name_what_they_cannot_do() {
    let sb = Sandbox::new();
    let out = sb
        .assert_cmd()
        .args(["pack", "use", "nope"])
        .assert()
        .code(2);
    assert!(stderr(&out).contains("mbt-core"), "{}", stderr(&out));
    let out = sb
        .assert_cmd()
        .args(["pack", "show", "nope"])
        .assert()
        .code(2);
    assert!(stderr(&out).contains("no pack `nope`"), "{}", stderr(&out));
    let out = sb
        .assert_cmd()
        .args(["pack", "remove", "mbt-core", "--yes"])
        .assert()
        .code(2);
    assert!(stderr(&out).contains("built-in"), "{}", stderr(&out));
    let out = sb
        .assert_cmd()
        .args(["pack", "remove", "../config", "--yes"])
        .assert()
        .code(2);
    assert!(stderr(&out).contains("no pack"), "{}", stderr(&out));
    sb.assert_cmd()
        .args(["pack", "use", "mbt-quick"])
        .assert()
        .success();
    assert_eq!(listing(&sb)["in_use"], "mbt-quick");
}

/// Runs a `pack` command in-process with a scripted prompter.
fn run_pack(sb: &Sandbox, command: PackCommand, replies: Vec<Reply>) -> (Scripted, u8) {
    let p = Scripted::new(replies);
    let paths = Paths {
        data: sb.data(),
        config: sb.config(),
    };
    let config = Config::load(&sb.config());
    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap();
    let mut ctx = Context::new(paths, config, now, Box::new(p.clone()));
    let code = match mentalog::run_in(&mut ctx, &Command::Pack(command)) {
        Ok(()) => 0,
        Err(e) => mentalog::exit_code(&e),
    };
    assert_eq!(p.remaining(), 0, "replies left over:\n{}", p.text());
    (p, code)
}

#[test]
fn remove_asks_first_and_a_no_keeps_the_pack() {
    let sb = Sandbox::new();
    let file = write(sb.tmp.path(), "clinic.toml", BASE);
    sb.assert_cmd()
        .args(["pack", "add"])
        .arg(&file)
        .assert()
        .success();
    let installed = sb.data().join("packs").join("clinic-a.toml");
    let remove = || PackCommand::Remove {
        id: "clinic-a".into(),
        yes: false,
    };
    let (p, code) = run_pack(&sb, remove(), vec![Reply::Confirm(false)]);
    assert_eq!(code, 0);
    assert!(p.text().contains("stay readable"), "{}", p.text());
    assert!(installed.exists());
    let (_, code) = run_pack(&sb, remove(), vec![Reply::Confirm(true)]);
    assert_eq!(code, 0);
    assert!(!installed.exists());
}
