//! Templates, a clinic's and the built-in ones: the safety section no
//! template can leave out, the brief form and the label in the first
//! lines, the footer, `--ascii`, Markdown that escapes only what could be
//! syntax, and docs/templates.md held to the summary it documents.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::DateTime;
use mentalog::entry::{Answer, Entry, Kind, PackRef, SCHEMA_VERSION, Value, keys};
use mentalog::render::summary::markdown_inline;
use mentalog::store::Store;
use proptest::prelude::*;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde_json::Value as Json;

use crate::sandbox::{BIN, Sandbox};

const HUMAN: [&str; 3] = ["md", "html", "text"];
const NO_SAFETY: &str =
    "No use of the safety steps was shared for this period. Private entries are never shown.";
const BRIEF: &str = "This is the brief summary: the full summary also has every shared entry word for word, and any measures.";
const DOCS: &str = include_str!("../../docs/templates.md");
const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/sample");

// --- Journals -----------------------------------------------------------------------

/// The sample journal (examples/sample) exported with `args`, with `extra`
/// before its config; returns (stdout, stderr), after checking it succeeded.
fn sample(home: &Path, extra: &str, args: &[&str]) -> (String, String) {
    let config = home.join("config.toml");
    let text = std::fs::read_to_string(Path::new(SAMPLE).join("config.toml")).unwrap();
    write_private(&config, &format!("{extra}\n{text}"));
    let out = Command::new(BIN)
        .env("MENTALOG_DIR", Path::new(SAMPLE).join("journal"))
        .env("MENTALOG_CONFIG", &config)
        .env("MENTALOG_NOW", "2026-11-25T20:00:00+01:00")
        .env("HOME", home)
        .env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .args(["export", "--since", "all", "--until", "2026-11-25"])
        .args(args)
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(out.status.success(), "{args:?}: {stderr}");
    (stdout, stderr)
}

fn write_private(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

fn answer(key: &str, kind: Kind, value: Value) -> Answer {
    Answer {
        key: key.into(),
        kind,
        question: format!("Question for {key}?"),
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

fn entry(id: &str, day: u32, answers: Vec<Answer>) -> Entry {
    Entry {
        schema: SCHEMA_VERSION,
        id: id.into(),
        created: DateTime::parse_from_rfc3339(&format!("2026-03-{day:02}T19:00:00+00:00")).unwrap(),
        pack: PackRef {
            id: "mbt-core".into(),
            version: "3".into(),
        },
        shared: true,
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

/// Shared entries in March 2026, one a day from the 2nd, each with `topic`
/// and a moment in `words`; the first says "not sure" to the safety
/// question, so the safety section has something in it.
fn journal(topics: &[&str], words: &str) -> Sandbox {
    let sb = Sandbox::new();
    let store = Store::new(sb.data());
    for (i, topic) in topics.iter().enumerate() {
        let day = u32::try_from(i).unwrap() + 2;
        let safety = if i == 0 { "not sure" } else { "no" };
        let e = entry(
            &format!("a{i:07}"),
            day,
            vec![
                rating(keys::ARRIVAL_DISTRESS, 6),
                answer(
                    keys::ARRIVAL_SAFETY,
                    Kind::YesNoUnsure,
                    Value::Text(safety.into()),
                ),
                text(keys::WHAT_HAPPENED, words),
                text(keys::OTHER_WHO, "Zoë"),
                rating(keys::OTHER_CERTAINTY, 7),
                rating(keys::AFTER_DISTRESS, 4),
                text(keys::SHARE_TOPIC, topic),
            ],
        );
        store.save_entry(&e).unwrap();
    }
    sb
}

fn run(sb: &Sandbox, args: &[&str]) -> (String, String) {
    let out = sb
        .cmd()
        .args(["export", "--since", "2026-03-01", "--until", "2026-03-31"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{args:?}: {stderr}");
    (String::from_utf8(out.stdout).unwrap(), stderr)
}

/// The built-in safety section of `out`, a summary in `format`: from its
/// heading to the next section.
fn safety_block(out: &str, format: &str) -> String {
    let (start, end) = match format {
        "md" => ("## Safety\n", "\n## "),
        "text" => ("SAFETY\n", "\n\n\n"),
        "html" => ("<section aria-labelledby=\"safety\">", "</section>\n"),
        other => panic!("no safety section in {other}"),
    };
    let from = out.find(start).unwrap_or_else(|| panic!("{format}: {out}"));
    let to = match format {
        // Up to the blank line before the next heading, in capitals.
        "text" => {
            let rest = &out[from + start.len()..];
            let (blank, _) = rest
                .match_indices("\n\n")
                .find(|(i, _)| rest[i + 2..].starts_with(|c: char| c.is_ascii_uppercase()))
                .unwrap();
            from + start.len() + blank + 1
        }
        "html" => from + out[from..].find(end).unwrap() + end.len(),
        _ => from + out[from..].find(end).unwrap(),
    };
    out[from..to].to_string()
}

// --- The safety section cannot be dropped ----------------------------------------------

#[test]
fn a_template_without_the_safety_section_gets_it_first_with_a_note() {
    let sb = journal(&["Work"], "The moment.");
    // Four lines, as a clinic writes them, and no safety.
    let four = "Entries: {{ s.glance.entries }}\n{% for t in s.topics %}\nTopic: {{ t.text }}\n{% endfor %}\n";
    for format in HUMAN {
        let built_in = run(&sb, &["--format", format]).0;
        let safety = safety_block(&built_in, format);
        assert!(safety.contains("not sure"), "{format}: {safety}");

        let path = sb.tmp.path().join(format!("four.{format}"));
        std::fs::write(&path, four).unwrap();
        let (out, err) = run(
            &sb,
            &["--format", format, "--template", path.to_str().unwrap()],
        );
        assert!(
            out.starts_with(&safety),
            "{format}: the built-in safety section first:\n{out}"
        );
        assert!(
            out.ends_with("\nEntries: 1\nTopic: Work\n"),
            "{format}: then the template's own:\n{out}"
        );
        assert_eq!(out.matches(&safety).count(), 1, "{format}");
        assert!(
            err.contains(&path.display().to_string()) && err.contains("safety"),
            "{format}: the note names the template: {err}"
        );

        // `safety()` puts it where the template says, once, with no note.
        let placed = sb.tmp.path().join(format!("placed.{format}"));
        std::fs::write(&placed, format!("TOP\n{{{{ safety() }}}}\n{four}")).unwrap();
        let (out, err) = run(
            &sb,
            &["--format", format, "--template", placed.to_str().unwrap()],
        );
        assert!(
            out.starts_with(&format!("TOP\n{safety}")),
            "{format}: {out}"
        );
        assert_eq!(out.matches(&safety).count(), 1, "{format}");
        assert!(!err.contains("safety"), "{format}: {err}");
    }
}

#[test]
fn a_safety_heading_or_sentence_of_a_templates_own_does_not_pass_for_the_section() {
    let sb = journal(&["Work"], "The moment.");
    let built_in = run(&sb, &["--format", "text"]).0;
    let safety = safety_block(&built_in, "text");
    // What the built-in writes when nothing was shared, written by hand,
    // and the heading alone, in a period where something was shared.
    let fake = sb.tmp.path().join("fake.txt");
    std::fs::write(&fake, format!("SAFETY\n\n  {NO_SAFETY}\n\nSafety\n")).unwrap();
    let (out, err) = run(
        &sb,
        &["--format", "text", "--template", fake.to_str().unwrap()],
    );
    assert!(out.starts_with(&safety), "{out}");
    assert!(err.contains("fake.txt"), "{err}");
    // A clinic's HTML page gets it at the top of its body.
    let page = sb.tmp.path().join("page.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html>\n<html><head><title>x</title></head>\n<BODY class=\"x\">\n<p>{{ s.glance.entries }}</p>\n</body></html>\n",
    )
    .unwrap();
    let out = run(
        &sb,
        &["--format", "html", "--template", page.to_str().unwrap()],
    )
    .0;
    let html_safety = safety_block(&run(&sb, &["--format", "html"]).0, "html");
    assert!(
        out.starts_with(&format!(
            "<!DOCTYPE html>\n<html><head><title>x</title></head>\n<BODY class=\"x\">\n{html_safety}"
        )),
        "{out}"
    );
}

// --- The first lines, and the footer ---------------------------------------------------

#[test]
fn the_label_and_the_brief_form_are_said_in_the_first_lines_and_provenance_at_the_end() {
    let home = tempfile::tempdir().unwrap();
    for format in HUMAN {
        let (out, _) = sample(
            home.path(),
            "label = \"AB 1234\"",
            &["--format", format, "--brief"],
        );
        let top: String = match format {
            "html" => out[out.find("<body>").unwrap()..out.find("</header>").unwrap()].to_string(),
            _ => out.lines().take(8).collect::<Vec<_>>().join("\n"),
        };
        assert!(top.contains("Label: "), "{format}: {top}");
        assert!(top.contains("AB 1234"), "{format}: {top}");
        assert!(top.contains(BRIEF), "{format}: {top}");
        let footer = format!(
            "Written by mentalog {}; packs: mbt-core 2.",
            env!("CARGO_PKG_VERSION")
        );
        let plain = out.replace("<bdi>", "").replace("</bdi>", "");
        assert!(plain.contains(&footer), "{format}: {out}");
        assert!(plain.trim_end().ends_with(match format {
            "html" => "</html>",
            _ => footer.as_str(),
        }));
        // The full form says neither.
        let (full, _) = sample(home.path(), "", &["--format", format]);
        assert!(
            !full.contains(BRIEF) && !full.contains("Label:"),
            "{format}"
        );
        assert!(
            full.replace("<bdi>", "")
                .replace("</bdi>", "")
                .contains(&footer),
            "{format}"
        );
    }
    // On every printed page of the HTML, as a CSS string that nothing in
    // the label can end.
    let (html, _) = sample(
        home.path(),
        r#"label = "AB \"12\" \\ </style><script>x</script>""#,
        &["--format", "html"],
    );
    let style = &html[html.find("<style>").unwrap()..html.find("</style>").unwrap()];
    assert!(
        style.contains(
            r#"@top-right { content: "Label: " "AB \22 12\22  \5c  \3c \2f style\3e \3c script\3e x\3c \2f script\3e ";"#
        ),
        "{style}"
    );
    assert!(
        !html.contains("<script"),
        "the label is text in the page too"
    );
}

#[test]
fn the_brief_form_counts_the_topics_it_leaves_out() {
    let topics = ["one", "two", "three", "four", "five", "six", "seven"];
    let sb = journal(&topics, "The moment.");
    for (format, more) in [
        ("md", "And 2 more in the full summary."),
        ("text", "  And 2 more in the full summary."),
        ("html", "<p>And 2 more in the full summary.</p>"),
    ] {
        let brief = run(&sb, &["--format", format, "--brief"]).0;
        assert!(brief.contains(more), "{format}: {brief}");
        assert!(
            !brief.contains("one\n") && brief.contains("seven"),
            "{format}"
        );
        let full = run(&sb, &["--format", format]).0;
        assert!(!full.contains("more in the full summary"), "{format}");
    }
}

#[test]
fn certainty_is_shown_with_its_day_and_person() {
    let sb = journal(&["Work", "Rest"], "The moment.");
    for (format, line) in [
        (
            "md",
            "- Certainty about the other person's mind: 7 (2 Mar, Zoë); 7 (3 Mar, Zoë)",
        ),
        (
            "text",
            "  - Certainty about the other person's mind: 7 (2 Mar, Zoë); 7 (3 Mar, Zoë)",
        ),
        (
            "html",
            "<li>Certainty about the other person’s mind: 7 (2 Mar, <bdi>Zoë</bdi>); 7 (3 Mar, <bdi>Zoë</bdi>)</li>",
        ),
    ] {
        let out = run(&sb, &["--format", format]).0;
        assert!(out.lines().any(|l| l == line), "{format}: {out}");
    }
}

// --- --ascii ---------------------------------------------------------------------------

#[test]
fn ascii_text_is_pure_ascii_with_arrows_dashes_and_the_patients_words_mapped() {
    let words = "“Café” – naïve… 3 × 2 → Straße, I cried 😢 then שלום\u{a0}end";
    let sb = journal(&["Zoë’s party"], words);
    let (plain, _) = run(&sb, &["--format", "text"]);
    assert!(!plain.is_ascii());
    let (out, _) = run(&sb, &["--format", "text", "--ascii"]);
    let odd: Vec<char> = out.chars().filter(|c| !c.is_ascii()).collect();
    assert!(odd.is_empty(), "not ASCII: {odd:?}");
    for shown in [
        "\"Cafe\" - naive... 3 x 2 -> Strasse, I cried ? then ???? end",
        "Zoe's party",
        "Distress at the start -> end: 6 -> 4 (2 Mar)",
        "Average change from start to end: -2.0",
    ] {
        assert!(out.contains(shown), "{shown:?} in {out}");
    }
    // The line structure is the text form's, character for character but
    // for the mapping.
    assert_eq!(out.lines().count(), plain.lines().count());
    // A clinic's text template is mapped too, its own words included.
    let mine = sb.tmp.path().join("mine.txt");
    std::fs::write(
        &mine,
        "{{ safety() }}Topics → {{ s.topics[0].text }} — ok\n",
    )
    .unwrap();
    let (out, _) = run(
        &sb,
        &[
            "--format",
            "text",
            "--ascii",
            "--template",
            mine.to_str().unwrap(),
        ],
    );
    assert!(
        out.is_ascii() && out.ends_with("Topics -> Zoe's party - ok\n"),
        "{out}"
    );

    let home = tempfile::tempdir().unwrap();
    for args in [
        &["--format", "text", "--ascii"][..],
        &["--format", "text", "--ascii", "--brief"][..],
    ] {
        let (out, _) = sample(home.path(), "label = \"Zoë 12\"", args);
        assert!(out.is_ascii(), "{args:?}");
        assert!(out.contains("Label: Zoe 12"), "{out}");
    }
}

// --- Markdown escaping -----------------------------------------------------------------

/// What Markdown shows of `md`: the text of every event, with breaks as
/// spaces; panics on anything but paragraphs, list items, headings and
/// quotes around text.
fn shown_text(md: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut text = String::new();
    for event in Parser::new_ext(md, options) {
        match event {
            Event::Text(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::Start(
                Tag::Paragraph
                | Tag::Item
                | Tag::Heading { .. }
                | Tag::BlockQuote(_)
                | Tag::List(_),
            )
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::Heading(_)
                | TagEnd::BlockQuote(_)
                | TagEnd::List(_),
            ) => {}
            other => panic!("{md:?} became {other:?}"),
        }
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Whatever the patient wrote, wherever the template puts it (a line
    /// of its own, mid-line, a list item, a heading, a quote), Markdown
    /// shows exactly the words, and no markup of theirs.
    #[test]
    fn markdown_shows_any_text_as_written_wherever_it_stands(
        text in "[ab1 *_~`#\\-+=.)>(<\\[\\]|&!\\\\:;é😢]{0,14}"
    ) {
        let escaped = markdown_inline(&text);
        let words = text.trim();
        prop_assume!(!words.is_empty());
        for (before, after) in [("", ""), ("x ", " y"), ("- ", ""), ("### ", ""), ("> ", ""), ("- Feelings: ", " (2)")] {
            let md = format!("{before}{escaped}{after}\n");
            let shown = shown_text(&md);
            let expected = format!(
                "{}{words}{after}",
                before.trim_start_matches(['-', '#', '>']).trim_start()
            );
            prop_assert_eq!(shown.trim_end(), expected.trim_end(), "{:?}", md);
        }
    }
}

// --- docs/templates.md -----------------------------------------------------------------

/// The names the docs list in their tables: `(name, type)`.
fn documented() -> Vec<(String, String)> {
    DOCS.lines()
        .filter_map(|l| {
            let l = l.strip_prefix("| `")?;
            let (name, rest) = l.split_once("` | ")?;
            let (kind, _) = rest.split_once(" | ")?;
            Some((name.to_string(), kind.to_string()))
        })
        .collect()
}

/// What the schema says of one name: its JSON types, whether it may be
/// absent, and whether it has a fixed set of values.
#[derive(Debug, Default, Clone)]
struct Declared {
    types: BTreeSet<String>,
    optional: bool,
    values: bool,
}

/// Every name the schema declares, `s.` and `[]` as the docs write them.
fn declared(schema: &Json) -> Vec<(String, Declared)> {
    fn resolve<'a>(schema: &'a Json, mut node: &'a Json) -> &'a Json {
        while let Some(r) = node.get("$ref").and_then(Json::as_str) {
            node = schema.pointer(r.trim_start_matches('#')).unwrap();
        }
        node
    }
    fn types(schema: &Json, node: &Json, out: &mut Declared) {
        let node_here = node;
        let node = resolve(schema, node);
        for n in [node_here, node] {
            match n.get("type") {
                Some(Json::String(t)) => {
                    out.types.insert(t.clone());
                }
                Some(Json::Array(ts)) => out
                    .types
                    .extend(ts.iter().map(|t| t.as_str().unwrap().to_string())),
                _ => {}
            }
            if let Some(values) = n.get("enum").and_then(Json::as_array) {
                out.values = true;
                if values.contains(&Json::Null) {
                    out.types.insert("null".into());
                }
            }
        }
        for key in ["oneOf", "anyOf"] {
            for alt in node.get(key).and_then(Json::as_array).into_iter().flatten() {
                types(schema, alt, out);
            }
        }
    }
    fn walk(schema: &Json, node: &Json, path: &str, out: &mut Vec<(String, Declared)>) {
        let node = resolve(schema, node);
        if let Some(props) = node.get("properties").and_then(Json::as_object) {
            let required: Vec<&str> = node
                .get("required")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
                .filter_map(Json::as_str)
                .collect();
            for (key, sub) in props {
                let name = format!("{path}.{key}");
                let mut d = Declared {
                    optional: !required.contains(&key.as_str()),
                    ..Declared::default()
                };
                types(schema, sub, &mut d);
                out.push((name.clone(), d));
                walk(schema, sub, &name, out);
            }
        }
        if let Some(items) = node.get("items") {
            walk(schema, items, &format!("{path}[]"), out);
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            for alt in node.get(key).and_then(Json::as_array).into_iter().flatten() {
                walk(schema, alt, path, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(schema, schema, "s", &mut out);
    // A name declared in two alternatives is one name.
    let mut merged: Vec<(String, Declared)> = Vec::new();
    for (name, d) in out {
        match merged.iter_mut().find(|(n, _)| *n == name) {
            Some((_, m)) => {
                m.types.extend(d.types);
                m.optional |= d.optional;
                m.values |= d.values;
            }
            None => merged.push((name, d)),
        }
    }
    merged
}

/// Every name in a JSON summary, as the docs write them.
fn names_in(doc: &Json, path: &str, out: &mut BTreeSet<String>) {
    match doc {
        Json::Object(map) => {
            for (key, value) in map {
                let name = format!("{path}.{key}");
                out.insert(name.clone());
                names_in(value, &name, out);
            }
        }
        Json::Array(items) => {
            for item in items {
                names_in(item, &format!("{path}[]"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn the_docs_list_every_variable_of_the_summary_with_its_type_and_nothing_else() {
    let schema: Json =
        serde_json::from_str(include_str!("../../schemas/summary.schema.json")).unwrap();
    let declared = declared(&schema);
    let documented = documented();
    let doc_names: BTreeSet<&str> = documented
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| n.starts_with("s."))
        .collect();
    let schema_names: BTreeSet<&str> = declared.iter().map(|(n, _)| n.as_str()).collect();
    let missing: Vec<&&str> = schema_names.difference(&doc_names).collect();
    let extra: Vec<&&str> = doc_names.difference(&schema_names).collect();
    assert!(
        missing.is_empty(),
        "in the summary, not in docs/templates.md: {missing:?}"
    );
    assert!(
        extra.is_empty(),
        "in docs/templates.md, not in the summary: {extra:?}"
    );
    assert!(
        declared.len() > 100,
        "the walk found the summary: {}",
        declared.len()
    );

    // Each type as the schema has it.
    for (name, d) in &declared {
        let kind = &documented.iter().find(|(n, _)| n == name).unwrap().1;
        let says = |words: &str| kind.contains(words);
        let mut wrong = Vec::new();
        if d.types.contains("null") != says("none") {
            wrong.push("none");
        }
        if d.optional != says("missing") {
            wrong.push("missing");
        }
        for (json, words) in [
            ("array", "list"),
            ("boolean", "true or false"),
            ("integer", "whole number"),
        ] {
            if d.types.contains(json) != says(words) {
                wrong.push(words);
            }
        }
        if d.types.contains("object") && !says("object") {
            wrong.push("object");
        }
        if d.types.contains("number") && !says("number") {
            wrong.push("number");
        }
        if d.types.contains("string")
            && !d.values
            && !(says("text") || says("time") || says("date"))
        {
            wrong.push("text, time or date");
        }
        if d.values && !kind.contains('"') {
            wrong.push("its values");
        }
        assert!(
            wrong.is_empty(),
            "{name}: the docs say {kind:?}; check {wrong:?}"
        );
    }

    // And every name a real summary has, in both lengths, with a label.
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["--format", "json"][..],
        &["--format", "json", "--brief"][..],
    ] {
        let doc: Json =
            serde_json::from_str(&sample(home.path(), "label = \"AB 1\"", args).0).unwrap();
        let mut names = BTreeSet::new();
        names_in(&doc, "s", &mut names);
        for name in &names {
            assert!(
                doc_names.contains(name.as_str()),
                "{name} is not in docs/templates.md"
            );
        }
    }
}

#[test]
fn the_docs_list_every_filter_and_function_mentalog_adds() {
    let source = include_str!("../../src/render/summary.rs");
    let added = |call: &str| -> BTreeSet<String> {
        source
            .match_indices(call)
            .map(|(at, _)| {
                let rest = &source[at + call.len()..];
                rest[..rest.find('"').unwrap()].to_string()
            })
            .collect()
    };
    let filters = added("env.add_filter(\"");
    assert!(
        filters.contains("day") && filters.contains("css_string"),
        "{filters:?}"
    );
    let section =
        &DOCS[DOCS.find("\n## Filters").unwrap()..DOCS.find("\n## Worked examples").unwrap()];
    let listed: BTreeSet<String> = section
        .lines()
        .filter_map(|l| {
            l.strip_prefix("| `")?
                .split_once('`')
                .map(|(n, _)| n.to_string())
        })
        .collect();
    assert_eq!(listed, filters, "the filter table of docs/templates.md");
    for function in added("env.add_function(\"") {
        assert!(
            documented()
                .iter()
                .any(|(n, _)| *n == format!("{function}()")),
            "{function}() is not in docs/templates.md"
        );
    }
    assert!(documented().iter().any(|(n, _)| n == "chart"));
}

/// The worked examples of docs/templates.md: `(file name, template)`.
fn worked_examples() -> Vec<(String, String)> {
    let mut examples = Vec::new();
    let mut current: Option<(String, String)> = None;
    for event in Parser::new(DOCS) {
        match event {
            Event::Start(Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Fenced(info))) => {
                if let Some(name) = info.strip_prefix("jinja ") {
                    current = Some((name.trim().to_string(), String::new()));
                }
            }
            Event::Text(t) => {
                if let Some((_, code)) = current.as_mut() {
                    code.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => examples.extend(current.take()),
            _ => {}
        }
    }
    examples
}

#[test]
fn the_worked_examples_in_the_docs_render_as_they_stand() {
    let examples = worked_examples();
    let names: Vec<&str> = examples.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["clinic-letter.html", "ehr.txt"]);
    let home = tempfile::tempdir().unwrap();
    for (name, source) in &examples {
        let path = home.path().join(name);
        std::fs::write(&path, source).unwrap();
        let (format, extra): (&str, &[&str]) = if name.ends_with(".html") {
            ("html", &[])
        } else {
            ("text", &["--ascii"])
        };
        let built_in = sample(home.path(), "label = \"AB 1234\"", &["--format", format]).0;
        let safety = safety_block(&built_in, format);
        for brief in [false, true] {
            let mut args = vec!["--format", format, "--template", path.to_str().unwrap()];
            args.extend(extra);
            if brief {
                args.push("--brief");
            }
            let (out, err) = sample(home.path(), "label = \"AB 1234\"", &args);
            assert!(!err.contains(name.as_str()), "{name}: no note: {err}");
            assert_eq!(
                out.matches(&safety).count(),
                1,
                "{name}: the safety section, once"
            );
            assert!(out.contains("AB 1234"), "{name}: the label");
            assert!(out.contains(&format!("mentalog {}", env!("CARGO_PKG_VERSION"))));
            assert!(!out.contains("{{") && !out.contains("{%"), "{name}");
            if brief {
                assert!(out.contains(BRIEF), "{name}");
            }
            if format == "text" {
                assert!(out.is_ascii(), "{name}");
                assert!(
                    out.lines().all(|l| l.chars().count() <= 200),
                    "{name}: short lines"
                );
            }
        }
        if format == "html" {
            let (out, _) = sample(
                home.path(),
                "label = \"AB 1234\"",
                &["--format", "html", "--template", path.to_str().unwrap()],
            );
            let page = home.path().join("letter.html");
            std::fs::write(&page, out).unwrap();
            if let Some(pages) = printed_pages(&page) {
                assert_eq!(pages, 1, "the clinic letter is one page");
            }
        }
    }
}

/// How many A4 pages `page` prints to in headless Chromium, or `None`
/// (saying so) where Chromium is not installed; under CI it must be.
fn printed_pages(page: &Path) -> Option<usize> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let Some(chromium) = ["chromium", "chromium-browser"].iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|c| c.is_file())
    }) else {
        assert!(
            std::env::var_os("CI").is_none_or(|v| v.is_empty()),
            "CI is set but Chromium is not installed"
        );
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "skipped printing {}: no Chromium",
            page.display()
        );
        return None;
    };
    let tmp = tempfile::tempdir().unwrap();
    let pdf: PathBuf = tmp.path().join("out.pdf");
    let mut print = OsString::from("--print-to-pdf=");
    print.push(&pdf);
    let mut profile = OsString::from("--user-data-dir=");
    profile.push(tmp.path().join("profile"));
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--no-pdf-header-footer",
        ])
        .arg(profile)
        .arg(print)
        .arg(format!("file://{}", page.display()))
        .env("HOME", tmp.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("Chromium did not print {} within 60 s", page.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let doc = lopdf::Document::load(&pdf).unwrap();
    Some(doc.get_pages().len())
}

/// A safety section inside a comment is not seen, so it does not count; and
/// the section put first lands in the page's body, never in a comment, the
/// title or a style, nor before the doctype.
#[test]
fn a_safety_section_in_a_comment_does_not_count_and_the_one_put_first_is_seen() {
    let sb = journal(&["Work"], "The moment.");
    let built_in = run(&sb, &["--format", "html"]).0;
    let safety = safety_block(&built_in, "html");
    let cases = [
        // Hidden in a comment: not seen.
        "<!DOCTYPE html>\n<html><head><title>x</title></head><body>\n<!-- {{ safety() }} -->\n<p>ours</p>\n</body></html>\n",
        // A `<body>` in a comment and in the title before the real one.
        "<!DOCTYPE html>\n<html><head><!-- edit the <body> below --><title>a <body> b</title><style>/* <body> */</style></head>\n<body class=\"x\">\n<p>ours</p>\n</body></html>\n",
        // No body at all: after `<html>`, not before the doctype.
        "<!DOCTYPE html>\n<html>\n<p>ours</p>\n</html>\n",
    ];
    for (i, source) in cases.iter().enumerate() {
        let path = sb.tmp.path().join(format!("t{i}.html"));
        std::fs::write(&path, source).unwrap();
        let (out, err) = run(
            &sb,
            &["--format", "html", "--template", path.to_str().unwrap()],
        );
        assert!(err.contains("safety"), "case {i}: no note: {err}");
        let at = out
            .find(&safety)
            .unwrap_or_else(|| panic!("case {i}: no section:\n{out}"));
        assert!(out.starts_with("<!DOCTYPE html>"), "case {i}: {out}");
        let before = &out[..at];
        assert!(
            before.matches("<!--").count() == before.matches("-->").count()
                && !before.contains("<title>a")
                || before.contains("</title>"),
            "case {i}: put where it is not seen:\n{out}"
        );
        assert!(
            before.rfind("<body").is_some() || before.contains("<html>"),
            "case {i}: {out}"
        );
        assert!(at < out.find("<p>ours</p>").unwrap(), "case {i}: first");
    }
}

/// The brief form stays brief however long the period: at a glance lists
/// the newest 8 distress pairs and certainty ratings and says how many
/// there are; the full form lists every one.
#[test]
fn the_brief_glance_lists_the_newest_eight_and_says_how_many() {
    let sb = Sandbox::new();
    for day in 1..=12u32 {
        let answers = serde_json::json!({
            "arrival.distress": 5, "arrival.safety": "no",
            "moment.what_happened": format!("Day {day}."),
            "other.who": "my manager", "other.feeling": "Busy.",
            "other.certainty": (day % 10),
            "after.distress": 3, "share.include": true
        });
        sb.assert_cmd()
            .env("MENTALOG_NOW", format!("2026-03-{day:02}T19:00:00+00:00"))
            .args(["new", "--answers", "-"])
            .write_stdin(answers.to_string())
            .assert()
            .success();
    }
    for format in HUMAN {
        let brief = run(&sb, &["--format", format, "--brief"]).0;
        let full = run(&sb, &["--format", format]).0;
        assert!(
            brief.contains("(the newest 8 of 12; every one in the full summary)"),
            "{format}: {brief}"
        );
        assert!(!full.contains("the newest 8 of"), "{format}");
        // 1 March is the oldest: listed in full, not in brief.
        assert!(full.contains("(1 Mar"), "{format}");
        assert!(
            brief.contains("(12 Mar") && !brief.contains("(1 Mar,") && !brief.contains("(1 Mar)"),
            "{format}"
        );
    }
}
