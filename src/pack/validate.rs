//! The rules of a pack, checked over the spanned TOML so that every problem
//! has a place (line and column) and says what to write instead. This is
//! the one set of rules: `pack check`, `pack add` and [`super::Pack::parse`]
//! all go through it. A therapist is not a programmer, so every message
//! names the place and the fix. Pure: no I/O.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::{Range, RangeInclusive};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::check::Problem;
use super::{FIXED_KEYS, fixed_kind, is_english};
use crate::entry::{Kind, keys};
use crate::rhythm::{FORMS, Rhythm};

type Span = Range<usize>;
type Val<'i> = Spanned<DeValue<'i>>;

/// Packs are untrusted input: every text has a length cap.
const MAX_TEXT: usize = 2000;
const MAX_FOCUS: usize = 300;
const MAX_NAME: usize = 200;
const MAX_ID: usize = 64;
const MAX_STEPS: usize = 200;
const MAX_NUDGES: usize = 100;
const MAX_MEASURES: usize = 20;
const MAX_ITEMS: usize = 200;
/// How much comparing for "did you mean" one file may cost, counted as the
/// product of the lengths compared: thousands of typos' worth.
const SUGGESTION_BUDGET: usize = 20_000_000;

/// A value with the place it was written.
#[derive(Debug, Clone)]
struct Sp<T> {
    v: T,
    span: Span,
}

/// A key a table may hold; `v2` keys need `format = 2`.
#[derive(Clone, Copy)]
struct Key {
    name: &'static str,
    v2: bool,
}

const fn k1(name: &'static str) -> Key {
    Key { name, v2: false }
}

const fn k2(name: &'static str) -> Key {
    Key { name, v2: true }
}

const TOP_KEYS: &[Key] = &[
    k1("format"),
    k1("id"),
    k1("version"),
    k2("title"),
    k1("name"),
    k1("description"),
    k2("language"),
    k2("author"),
    k2("note"),
    k2("focus"),
    k2("focus_question"),
    k2("rhythm"),
    k2("urges"),
    k2("measures"),
    k2("show_scores"),
    k2("fixed"),
    k1("safety_threshold"),
    k1("safety_rise"),
    k1("feelings"),
    k1("safety"),
    k1("steps"),
    k1("nudges"),
];

const SAFETY_KEYS: &[Key] = &[
    k1("acknowledgement"),
    k1("thoughts_acknowledgement"),
    k1("note_question"),
    k1("note_help"),
    k1("closing"),
];

const URGE_KEYS: &[Key] = &[
    k1("enabled"),
    k1("threshold"),
    k1("question"),
    k1("anchors"),
    k1("acted_question"),
    k1("acknowledgement"),
];

const STEP_KEYS: &[Key] = &[
    k1("key"),
    k2("enabled"),
    k1("kind"),
    k1("question"),
    k1("help"),
    k1("framing"),
    k1("needs_any"),
    k1("intro"),
    k1("skippable"),
    k1("anchors"),
    k1("options"),
];

const NUDGE_KEYS: &[Key] = &[k1("id"), k1("after"), k1("text"), k1("enabled"), k1("when")];

const MEASURE_KEYS: &[Key] = &[
    k1("id"),
    k1("title"),
    k1("instructions"),
    k1("citation"),
    k1("permission"),
    k1("at"),
    k1("every"),
    k1("scale"),
    k1("items"),
    k1("subscales"),
];

const SCALE_KEYS: &[Key] = &[k1("min"), k1("max"), k1("anchors")];
const ITEM_KEYS: &[Key] = &[k1("id"), k1("text"), k1("reverse"), k1("recode")];
const SUBSCALE_KEYS: &[Key] = &[
    k1("id"),
    k1("title"),
    k1("items"),
    k1("score"),
    k1("min_answered"),
];

/// The three answers to the sharing question at the end of the safety lane.
const LANE_SHARE_ANSWERS: [&str; 3] =
    ["lane_share_whole", "lane_share_steps", "lane_share_nothing"];

/// The kinds a pack's step may have, as written.
const KINDS: &[(&str, Kind)] = &[
    ("short_text", Kind::ShortText),
    ("long_text", Kind::LongText),
    ("rating", Kind::Rating),
    ("choice", Kind::Choice),
    ("feelings", Kind::Feelings),
    ("yes_no_unsure", Kind::YesNoUnsure),
    ("yes_no", Kind::YesNo),
];

/// What a field of a signal holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    /// One step key.
    Step,
    /// One step key whose answer is text.
    TextStep,
    /// A list of step keys whose answers are text.
    TextSteps,
    /// A list of words or phrases; `true`: at least one.
    Words(bool),
    /// A whole number in a range.
    Number(i64, i64),
    /// A list of signals.
    Signals,
    /// One signal.
    Signal,
}

/// Every signal with its fields.
const SIGNALS: &[(&str, &[(&str, Field)])] = &[
    (
        "rating_at_least",
        &[("key", Field::Step), ("value", Field::Number(0, 10))],
    ),
    (
        "words",
        &[("keys", Field::TextSteps), ("words", Field::Words(true))],
    ),
    ("words_here", &[("words", Field::Words(true))]),
    ("all", &[("of", Field::Signals)]),
    ("not", &[("of", Field::Signal)]),
    (
        "blank_or",
        &[("key", Field::TextStep), ("words", Field::Words(false))],
    ),
    (
        "few_feelings",
        &[
            ("keys", Field::TextSteps),
            ("min_words", Field::Number(0, 100_000)),
            ("max_intensity", Field::Number(0, 10)),
        ],
    ),
    (
        "one_sided",
        &[
            ("rich", Field::TextSteps),
            ("blank", Field::TextSteps),
            ("min_words", Field::Number(0, 100_000)),
        ],
    ),
];

/// Checks `source` and returns every problem found, in the order they
/// appear in the file.
pub(super) fn problems(source: &str) -> Vec<Problem> {
    let (root, errors) = DeTable::parse_recoverable(source);
    let mut c = Checker {
        problems: Vec::new(),
        format2: false,
        broken: !errors.is_empty(),
        step_keys: BTreeMap::new(),
        suggested: BTreeSet::new(),
        budget: Cell::new(SUGGESTION_BUDGET),
    };
    // One syntax error a line: what follows a broken spot on its line is
    // usually the same mistake seen again.
    let mut errors: Vec<(Span, &str)> = errors
        .iter()
        .map(|e| (e.span().unwrap_or(0..0), e.message()))
        .collect();
    errors.sort_by_key(|(span, _)| span.start);
    // Counted forward once, not from the top for each error.
    let (mut pos, mut line, mut last) = (0, 0, None);
    for (span, message) in errors {
        let at = span.start.clamp(pos, source.len());
        line += source.as_bytes()[pos..at]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        pos = at;
        if last != Some(line) {
            last = Some(line);
            c.error(span, syntax_message(message), syntax_help(message));
        }
    }
    let top = Tbl {
        span: 0..0,
        map: root.get_ref(),
        name: "the pack".into(),
    };
    c.pack(&top);
    let mut problems = c.problems;
    problems.sort_by_key(|p| p.span.start);
    problems
}

fn syntax_message(message: &str) -> String {
    let m = message.trim().trim_end_matches('.');
    if m.is_empty() {
        "this line does not read as TOML".into()
    } else {
        format!("this does not read as TOML: {m}")
    }
}

fn syntax_help(message: &str) -> String {
    let m = message.to_lowercase();
    if m.contains("duplicate key") {
        "each key may be written once in a table: remove one of them, or give it another name"
            .into()
    } else if m.contains("string") || m.contains('"') || m.contains("quote") {
        "text goes between straight double quotes on one line, such as question = \"What happened?\"; use \"\"\" to start and end text over several lines".into()
    } else {
        "write one setting per line, as key = value; text goes in double quotes, lists in [ ], and a table starts with [name] or [[name]] on its own line".into()
    }
}

/// A table and how messages name it ("step 3 (`self.body`)").
struct Tbl<'a, 'i> {
    span: Span,
    map: &'a DeTable<'i>,
    name: String,
}

impl<'a, 'i> Tbl<'a, 'i> {
    /// The value at `key`; a value the parser could not read (on a line
    /// with a syntax error, reported already) counts as absent.
    fn get(&self, key: &str) -> Option<&'a Val<'i>> {
        self.map.get(key).filter(|v| !is_placeholder(v))
    }

    fn key_span(&self, key: &str) -> Option<Span> {
        self.map.get_key_value(key).map(|(k, _)| k.span())
    }
}

/// What the checker learnt of one step, for the checks across steps.
struct StepInfo {
    n: usize,
    span: Span,
    key: Option<Sp<String>>,
    kind: Option<Sp<Kind>>,
    enabled: bool,
    needs: Vec<Sp<String>>,
}

/// What the checker learnt of one nudge, to find one that never fires.
struct NudgeInfo {
    id: Option<Sp<String>>,
    span: Span,
    enabled: bool,
    after: BTreeSet<String>,
    /// Its signals, each written out the same way (a set: comparing
    /// lists would cost the product of their lengths).
    when: BTreeSet<String>,
}

/// How a text field is checked.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    /// Must be there, and not empty.
    Required,
    /// May be left out; may be empty.
    Optional,
    /// May be left out; when given, not empty.
    NotEmpty,
}

struct Checker {
    problems: Vec<Problem>,
    format2: bool,
    /// The file has syntax errors: what looks missing may be on a broken line.
    broken: bool,
    /// Every step key with its kind and whether it is on (the first of each).
    step_keys: BTreeMap<String, (Option<Kind>, bool, usize)>,
    /// Keys an unknown key was taken for ("did you mean `title`?"), by the
    /// table they are in: not reported as missing as well.
    suggested: BTreeSet<(usize, String)>,
    /// What is left of [`SUGGESTION_BUDGET`].
    budget: Cell<usize>,
}

impl Checker {
    fn error(&mut self, span: Span, message: impl Into<String>, help: impl Into<String>) {
        self.problems.push(Problem::error(span, message, help));
    }

    fn warning(&mut self, span: Span, message: impl Into<String>, help: impl Into<String>) {
        self.problems.push(Problem::warning(span, message, help));
    }

    /// Unknown keys, with a "did you mean", and format-2 keys in a format-1 pack.
    fn keys(&mut self, t: &Tbl, allowed: &[Key]) {
        for (key, _) in t.map {
            let name = key.get_ref().as_ref();
            match allowed.iter().find(|k| k.name == name) {
                Some(k) if k.v2 && !self.format2 => self.error(
                    key.span(),
                    format!("`{name}` needs format 2, and this pack has no `format = 2`"),
                    "add the line `format = 2` at the top of the pack, or remove this line",
                ),
                Some(_) => {}
                None => {
                    let names: Vec<&str> = allowed.iter().map(|k| k.name).collect();
                    let help = match self.similar(name, names.iter().copied()) {
                        Some(s) => {
                            self.suggested.insert((t.span.start, s.to_string()));
                            format!("did you mean `{s}`?")
                        }
                        None => format!("the keys {} can hold are: {}", t.name, names.join(", ")),
                    };
                    self.error(
                        key.span(),
                        format!("unknown key `{name}` in {}", t.name),
                        help,
                    );
                }
            }
        }
    }

    /// The closest of `candidates` to `word`, when it is close enough to be
    /// a typo. Comparing costs the product of the two lengths, so a word or
    /// candidate longer than any name is never compared, and once a file
    /// has used up [`SUGGESTION_BUDGET`] the help says what may be written
    /// instead: a hostile pack cannot make the check slow this way.
    fn similar<'c>(
        &self,
        word: &str,
        candidates: impl IntoIterator<Item = &'c str>,
    ) -> Option<&'c str> {
        if word.len() > MAX_ID {
            return None;
        }
        // Edit distance rather than Jaro-Winkler: step keys share prefixes
        // ("other."), which Jaro-Winkler rewards.
        let mut best: Option<(f64, &'c str)> = None;
        for c in candidates {
            if c.len() > MAX_ID {
                continue;
            }
            let cost = (word.len() + 1) * (c.len() + 1);
            let left = self.budget.get();
            if cost > left {
                return None;
            }
            self.budget.set(left - cost);
            let score = strsim::normalized_damerau_levenshtein(word, c);
            // `>=`: of equal scores the last wins, as it always has.
            if score >= 0.66 && best.is_none_or(|(b, _)| score >= b) {
                best = Some((score, c));
            }
        }
        best.map(|(_, c)| c)
    }

    fn missing(&mut self, t: &Tbl, key: &str, example: &str) {
        // A key on a line that does not parse is not missing, nor is one
        // misspelt (said already).
        if self.broken || self.suggested.contains(&(t.span.start, key.to_string())) {
            return;
        }
        self.error(
            t.span.clone(),
            format!("{} has no `{key}`", t.name),
            format!("add a line such as {example}"),
        );
    }

    fn wrong_type(&mut self, v: &Val, key: &str, what: &str, example: &str) {
        if is_placeholder(v) {
            return;
        }
        self.error(
            v.span(),
            format!("`{key}` must be {what}, not {}", type_name(v.get_ref())),
            format!("write it as {example}"),
        );
    }

    fn text(&mut self, t: &Tbl, key: &str, need: Need, max: usize) -> Option<Sp<String>> {
        let Some(v) = t.get(key) else {
            if need == Need::Required {
                self.missing(t, key, &format!("{key} = \"...\""));
            }
            return None;
        };
        let Some(s) = v.get_ref().as_str() else {
            self.wrong_type(v, key, "text in double quotes", &format!("{key} = \"...\""));
            return None;
        };
        if s.trim().is_empty() && need != Need::Optional {
            self.error(
                v.span(),
                format!("`{key}` in {} is empty", t.name),
                format!("write the words between the quotes: {key} = \"...\""),
            );
        }
        let len = s.chars().count();
        if len > max {
            self.error(
                v.span(),
                format!("`{key}` is {len} characters long; at most {max} fit here"),
                "shorten it",
            );
        }
        Some(Sp {
            v: s.to_string(),
            span: v.span(),
        })
    }

    fn boolean(&mut self, t: &Tbl, key: &str) -> Option<Sp<bool>> {
        let v = t.get(key)?;
        match v.get_ref().as_bool() {
            Some(b) => Some(Sp {
                v: b,
                span: v.span(),
            }),
            None => {
                self.wrong_type(
                    v,
                    key,
                    "true or false",
                    &format!("{key} = true (no quotes)"),
                );
                None
            }
        }
    }

    fn integer(&mut self, t: &Tbl, key: &str, range: RangeInclusive<i64>) -> Option<Sp<i64>> {
        let v = t.get(key)?;
        let Some(n) = as_integer(v) else {
            self.wrong_type(
                v,
                key,
                "a whole number",
                &format!("{key} = {} (no quotes)", range.start()),
            );
            return None;
        };
        if !range.contains(&n) {
            self.error(
                v.span(),
                format!(
                    "`{key}` must be from {} to {}, not {n}",
                    range.start(),
                    range.end()
                ),
                format!(
                    "write a whole number from {} to {}",
                    range.start(),
                    range.end()
                ),
            );
            return None;
        }
        Some(Sp {
            v: n,
            span: v.span(),
        })
    }

    /// A list of texts; each must not be empty and fit `max`.
    fn strings(&mut self, t: &Tbl, key: &str, max: usize) -> Option<Sp<Vec<Sp<String>>>> {
        let v = t.get(key)?;
        let Some(items) = v.get_ref().as_array() else {
            self.wrong_type(v, key, "a list", &format!("{key} = [\"...\", \"...\"]"));
            return None;
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref().as_str() {
                Some(s) if s.trim().is_empty() => self.error(
                    item.span(),
                    format!("an empty text in `{key}` of {}", t.name),
                    "write the words between the quotes, or remove it from the list",
                ),
                Some(s) => {
                    let len = s.chars().count();
                    if len > max {
                        self.error(
                            item.span(),
                            format!("this text in `{key}` is {len} characters long; at most {max} fit here"),
                            "shorten it",
                        );
                    }
                    out.push(Sp {
                        v: s.to_string(),
                        span: item.span(),
                    });
                }
                None => self.wrong_type(
                    item,
                    key,
                    "a list of texts in double quotes",
                    &format!("{key} = [\"...\", \"...\"]"),
                ),
            }
        }
        Some(Sp {
            v: out,
            span: v.span(),
        })
    }

    /// Two anchor words, for the two ends of a rating.
    fn two_anchors(&mut self, t: &Tbl) {
        let Some(anchors) = self.strings(t, "anchors", MAX_NAME) else {
            return;
        };
        // Counted as written: an empty or mistyped one is reported already.
        let n = t
            .get("anchors")
            .and_then(|v| v.get_ref().as_array())
            .map_or(0, |a| a.len());
        if n != 2 {
            self.error(
                anchors.span,
                format!(
                    "`anchors` in {} needs two words, for 0 and for 10, not {n}",
                    t.name
                ),
                "write anchors = [\"words for 0\", \"words for 10\"], such as anchors = [\"calm\", \"as intense as it gets\"]",
            );
        }
    }

    fn table<'a, 'i>(&mut self, t: &Tbl<'a, 'i>, key: &str, name: String) -> Option<Tbl<'a, 'i>> {
        let v = t.get(key)?;
        match v.get_ref().as_table() {
            Some(map) => Some(Tbl {
                span: v.span(),
                map,
                name,
            }),
            None => {
                self.wrong_type(
                    v,
                    key,
                    "a table",
                    &format!("[{key}] on its own line, with its settings below it"),
                );
                None
            }
        }
    }

    /// A list of tables (`[[key]]`, or a list of `{ ... }`).
    fn tables<'a, 'i>(
        &mut self,
        t: &Tbl<'a, 'i>,
        key: &str,
        max: usize,
    ) -> Vec<(Span, &'a DeTable<'i>)> {
        let Some(v) = t.get(key) else {
            return Vec::new();
        };
        let Some(items) = v.get_ref().as_array() else {
            self.wrong_type(
                v,
                key,
                "a list of tables",
                &format!("[[{key}]] blocks, one for each"),
            );
            return Vec::new();
        };
        if items.len() > max {
            self.error(
                v.span(),
                format!(
                    "{} has {} `{key}`; at most {max} fit in a pack",
                    t.name,
                    items.len()
                ),
                "keep the pack shorter",
            );
        }
        let mut out = Vec::new();
        for item in items.iter().take(max) {
            match item.get_ref().as_table() {
                Some(map) => out.push((item.span(), map)),
                None => self.wrong_type(
                    item,
                    key,
                    "a table",
                    &format!("[[{key}]] blocks, one for each"),
                ),
            }
        }
        out
    }

    fn pack(&mut self, top: &Tbl) {
        // The format decides which keys are allowed, so it comes first.
        match top.get("format") {
            None => {}
            Some(v) => match as_integer(v) {
                Some(1) => {}
                Some(2) => self.format2 = true,
                _ => {
                    self.format2 = true;
                    if !is_placeholder(v) {
                        self.error(
                            v.span(),
                            "`format` must be 1 or 2",
                            "write format = 2 (no quotes) to use everything this page describes, or leave it out for format 1",
                        );
                    }
                }
            },
        }
        self.keys(top, TOP_KEYS);
        self.id(top);
        self.version(top);
        self.title(top);
        self.text(top, "description", Need::Optional, MAX_TEXT);
        let language = self.text(top, "language", Need::NotEmpty, MAX_ID);
        self.text(top, "author", Need::NotEmpty, MAX_NAME);
        self.text(top, "note", Need::NotEmpty, MAX_TEXT);
        self.text(top, "focus", Need::NotEmpty, MAX_FOCUS);
        self.text(top, "focus_question", Need::NotEmpty, MAX_TEXT);
        if let Some(rhythm) = self.text(top, "rhythm", Need::NotEmpty, MAX_NAME) {
            self.rhythm(&rhythm, "rhythm");
        }
        self.boolean(top, "show_scores");
        self.integer(top, "safety_threshold", 1..=10);
        self.integer(top, "safety_rise", 1..=10);
        let feelings = self.feelings(top);
        self.safety(top);
        self.urges(top);
        let fixed = self.fixed(top, language.as_ref());
        if let Some(language) = language
            && !fixed
            && !is_english(&language.v)
        {
            self.warning(
                language.span,
                format!(
                    "the pack is in `{}` but has no [fixed] table, so the fixed safety lines will stay in English",
                    language.v
                ),
                format!(
                    "add a [fixed] table that translates each of {}",
                    FIXED_KEYS.join(", ")
                ),
            );
        }
        self.steps(top, feelings);
        self.nudges(top);
        self.measures(top);
    }

    fn id(&mut self, top: &Tbl) {
        let Some(id) = self.text(top, "id", Need::Required, MAX_ID) else {
            return;
        };
        if !id.v.trim().is_empty() && !is_pack_id(&id.v) {
            self.error(
                id.span,
                format!(
                    "the pack id `{}` can hold only letters, digits, `-` and `_`",
                    id.v
                ),
                "use a short name such as id = \"left-out\"",
            );
        }
    }

    fn version(&mut self, top: &Tbl) {
        let Some(v) = top.get("version") else {
            self.missing(top, "version", "version = 1");
            return;
        };
        let n = match v.get_ref() {
            DeValue::String(s) => s.trim().parse::<i64>().ok(),
            _ => as_integer(v),
        };
        if is_placeholder(v) {
            return;
        }
        let written = match v.get_ref() {
            DeValue::String(s) => format!("\"{s}\""),
            DeValue::Integer(i) => n.map_or_else(|| i.as_str().to_string(), |n| n.to_string()),
            DeValue::Float(f) => f.as_str().to_string(),
            other => type_name(other).to_string(),
        };
        let not = if written.chars().count() <= 24 {
            format!(", not {written}")
        } else {
            String::new()
        };
        match n {
            Some(n) if (1..=i64::from(u32::MAX)).contains(&n) => {}
            // Format 1 wrote it as text ("2"); "2.1" never read as a version.
            _ => self.error(
                v.span(),
                format!("`version` must be a whole number of 1 or more{not}"),
                "write a whole number, such as version = 1 for a new pack, and raise it by one whenever its words change",
            ),
        }
    }

    fn title(&mut self, top: &Tbl) {
        match (top.get("title"), top.get("name")) {
            (Some(_), Some(_)) => {
                let span = top.key_span("name").unwrap_or(0..0);
                self.error(
                    span,
                    "the pack has both a `title` and a `name`",
                    "keep `title` and remove this line",
                );
            }
            (Some(_), None) => {
                self.text(top, "title", Need::Required, MAX_NAME);
            }
            (None, Some(_)) => {
                self.text(top, "name", Need::Required, MAX_NAME);
            }
            (None, None) => {
                if self
                    .suggested
                    .contains(&(top.span.start, "name".to_string()))
                {
                    return;
                }
                let key = if self.format2 { "title" } else { "name" };
                self.missing(top, key, &format!("{key} = \"One moment, two minds\""));
            }
        }
    }

    fn rhythm(&mut self, rhythm: &Sp<String>, key: &str) {
        if rhythm.v.trim().is_empty() {
            return;
        }
        if rhythm.v.parse::<Rhythm>().is_err() {
            self.error(
                rhythm.span.clone(),
                format!("`{key}` = \"{}\" is not a rhythm mentalog reads", rhythm.v),
                format!("write it as {FORMS}"),
            );
        }
    }

    /// The feelings list; whether there is one.
    fn feelings(&mut self, top: &Tbl) -> bool {
        let Some(list) = self.strings(top, "feelings", MAX_NAME) else {
            return false;
        };
        let mut seen = BTreeSet::new();
        for f in &list.v {
            if !seen.insert(f.v.trim().to_lowercase()) {
                self.error(
                    f.span.clone(),
                    format!("the feeling \"{}\" is in the list twice", f.v),
                    "remove one of them",
                );
            }
        }
        !list.v.is_empty()
    }

    fn safety(&mut self, top: &Tbl) {
        let Some(t) = self.table(top, "safety", "[safety]".into()) else {
            if top.get("safety").is_none() && !self.broken {
                self.error(
                    0..0,
                    "the pack has no [safety] table: the words of the safety steps",
                    "add a [safety] table with acknowledgement, note_question and closing (prompts/mbt-core.toml has one to copy)",
                );
            }
            return;
        };
        self.keys(&t, SAFETY_KEYS);
        self.text(&t, "acknowledgement", Need::Required, MAX_TEXT);
        self.text(&t, "thoughts_acknowledgement", Need::NotEmpty, MAX_TEXT);
        self.text(&t, "note_question", Need::Required, MAX_TEXT);
        self.text(&t, "note_help", Need::Optional, MAX_TEXT);
        self.text(&t, "closing", Need::Required, MAX_TEXT);
    }

    fn urges(&mut self, top: &Tbl) {
        let Some(t) = self.table(top, "urges", "[urges]".into()) else {
            return;
        };
        self.keys(&t, URGE_KEYS);
        self.boolean(&t, "enabled");
        self.integer(&t, "threshold", 1..=10);
        self.text(&t, "question", Need::NotEmpty, MAX_TEXT);
        self.text(&t, "acted_question", Need::NotEmpty, MAX_TEXT);
        self.text(&t, "acknowledgement", Need::NotEmpty, MAX_TEXT);
        self.two_anchors(&t);
    }

    /// `[fixed]`: every line or none, only to translate them, and never
    /// weaker than the English: no line blank, the three answers to the
    /// sharing question told apart. Whether it is there.
    fn fixed(&mut self, top: &Tbl, language: Option<&Sp<String>>) -> bool {
        let Some(t) = self.table(top, "fixed", "[fixed]".into()) else {
            return false;
        };
        let english = language.is_none_or(|l| l.v.trim().is_empty() || is_english(&l.v));
        if english {
            let help = match language {
                Some(l) if !l.v.trim().is_empty() => format!(
                    "this pack's language is `{}`: remove [fixed] to keep mentalog's own English lines, or set `language` to the language the pack is written in",
                    l.v.trim()
                ),
                _ => "add the pack's language at the top, such as language = \"nl\", or remove [fixed] to keep mentalog's own English lines".into(),
            };
            self.error(
                t.span.clone(),
                "the fixed safety lines can only be translated, in a pack whose language is not English",
                help,
            );
        }
        let keys: Vec<Key> = FIXED_KEYS.iter().map(|k| k1(k)).collect();
        self.keys(&t, &keys);
        let mut missing = Vec::new();
        let mut answers: Vec<(&str, Sp<String>)> = Vec::new();
        for key in FIXED_KEYS {
            if t.get(key).is_none() {
                missing.push(format!("`{key}`"));
            } else if let Some(line) = self.text(&t, key, Need::Optional, MAX_TEXT) {
                if line.v.trim().is_empty() {
                    self.error(
                        line.span,
                        format!("`{key}` in [fixed] is blank: the safety floor needs every one of its lines"),
                        "translate the English line here (prompts/README.md lists them), or remove [fixed] to keep them all in English",
                    );
                } else if LANE_SHARE_ANSWERS.contains(&key) {
                    answers.push((key, line));
                }
            }
        }
        if !missing.is_empty() && !self.broken {
            self.error(
                t.span.clone(),
                format!("[fixed] does not translate {}", missing.join(", ")),
                "translate every fixed line, or remove [fixed] to keep them all in English",
            );
        }
        // The person must be able to tell the three answers apart: what
        // they choose decides what their therapist sees.
        let same = |a: &Sp<String>| a.v.trim().to_lowercase();
        for (j, (key, answer)) in answers.iter().enumerate() {
            if let Some((earlier, _)) = answers[..j].iter().find(|(_, a)| same(a) == same(answer)) {
                self.error(
                    answer.span.clone(),
                    format!("`{key}` in [fixed] reads the same as `{earlier}`: the three answers about sharing must differ"),
                    "translate each answer in its own words: the whole entry, only that the safety steps opened, or nothing",
                );
            }
        }
        true
    }

    fn steps(&mut self, top: &Tbl, feelings: bool) {
        if top.get("steps").is_none() {
            if !self.broken {
                self.error(
                    0..0,
                    "the pack has no steps",
                    "add the questions as [[steps]] blocks, starting with the arrival check (prompts/mbt-core.toml shows them all)",
                );
            }
            return;
        }
        let tables = self.tables(top, "steps", MAX_STEPS);
        let mut steps = Vec::new();
        for (i, (span, map)) in tables.iter().enumerate() {
            let name = match map.get("key").and_then(|v| v.get_ref().as_str()) {
                Some(key) => format!("step {} (`{key}`)", i + 1),
                None => format!("step {}", i + 1),
            };
            let t = Tbl {
                span: span.clone(),
                map,
                name,
            };
            steps.push(self.step(i + 1, &t, feelings));
        }
        for step in &steps {
            if let (Some(key), Some(kind)) = (&step.key, &step.kind) {
                self.step_keys
                    .entry(key.v.clone())
                    .or_insert((Some(kind.v), step.enabled, step.n));
            } else if let Some(key) = &step.key {
                self.step_keys
                    .entry(key.v.clone())
                    .or_insert((None, step.enabled, step.n));
            }
        }
        self.across_steps(top, &steps);
    }

    fn step(&mut self, n: usize, t: &Tbl, feelings: bool) -> StepInfo {
        self.keys(t, STEP_KEYS);
        let key = self.text(t, "key", Need::Required, MAX_ID);
        if let Some(key) = &key {
            self.step_key(key);
        }
        let kind = self.kind(t);
        self.text(t, "question", Need::Required, MAX_TEXT);
        self.text(t, "help", Need::Optional, MAX_TEXT);
        self.text(t, "framing", Need::Optional, MAX_TEXT);
        self.text(t, "intro", Need::Optional, MAX_NAME);
        let enabled = self.boolean(t, "enabled");
        let skippable = self.boolean(t, "skippable");
        let needs = self
            .strings(t, "needs_any", MAX_ID)
            .map(|l| l.v)
            .unwrap_or_default();
        let key_name = key.as_ref().map_or("", |k| k.v.as_str());
        let arrival = key_name == keys::ARRIVAL_DISTRESS || key_name == keys::ARRIVAL_SAFETY;
        if let Some(s) = &skippable {
            if arrival && s.v {
                self.error(
                    s.span.clone(),
                    "the arrival check cannot be skipped: the safety steps depend on it",
                    "remove this line",
                );
            } else if !arrival && !s.v {
                self.error(
                    s.span.clone(),
                    format!(
                        "no step can be made required, and `skippable = false` makes {} required: only the arrival check is always asked",
                        t.name
                    ),
                    "remove this line",
                );
            }
        }
        if arrival && let Some(e) = enabled.as_ref().filter(|e| !e.v) {
            self.error(
                e.span.clone(),
                "the arrival check cannot be turned off: the safety steps depend on it",
                "remove this line",
            );
        }
        if let (Some(key), Some(kind)) = (&key, &kind) {
            self.fixed_kind(key, kind);
        }
        if let Some(kind) = &kind {
            let anchors = t.get("anchors");
            if kind.v == Kind::Rating {
                match anchors {
                    None => self.error(
                        t.span.clone(),
                        format!(
                            "{} is a rating without `anchors`: the words for 0 and 10",
                            t.name
                        ),
                        "add a line such as anchors = [\"calm\", \"as intense as it gets\"]",
                    ),
                    Some(_) => self.two_anchors(t),
                }
            } else if anchors.is_some() {
                let span = t.key_span("anchors").unwrap_or(t.span.clone());
                self.error(
                    span,
                    format!("{} has `anchors`, which only a rating uses", t.name),
                    "remove this line, or make the step kind = \"rating\"",
                );
            }
            let options = self.strings(t, "options", MAX_NAME);
            match (kind.v == Kind::Choice, options) {
                (true, None) => self.error(
                    t.span.clone(),
                    format!("{} is a choice without `options`", t.name),
                    "add the options, such as options = [\"at home\", \"at work\", \"somewhere else\"]",
                ),
                (true, Some(o)) if o.v.is_empty() => self.error(
                    o.span,
                    format!("{} is a choice with no options", t.name),
                    "write the options in the list, such as options = [\"at home\", \"at work\"]",
                ),
                (true, Some(o)) => {
                    let mut seen = BTreeSet::new();
                    for opt in &o.v {
                        if !seen.insert(opt.v.trim().to_lowercase()) {
                            self.error(
                                opt.span.clone(),
                                format!("the option \"{}\" is in the list twice", opt.v),
                                "remove one of them",
                            );
                        }
                    }
                }
                (false, Some(_)) => {
                    let span = t.key_span("options").unwrap_or(t.span.clone());
                    self.error(
                        span,
                        format!("{} has `options`, which only a choice uses", t.name),
                        "remove this line, or make the step kind = \"choice\"",
                    );
                }
                (false, None) => {}
            }
            if kind.v == Kind::Feelings && !feelings {
                self.error(
                    kind.span.clone(),
                    format!("{} asks for feelings, and the pack has no `feelings` list", t.name),
                    "add a list at the top of the pack, such as feelings = [\"angry\", \"sad\", \"hurt\", \"hard to name\"]",
                );
            }
        } else {
            self.strings(t, "options", MAX_NAME);
        }
        StepInfo {
            n,
            span: t.span.clone(),
            key,
            kind,
            enabled: enabled.is_none_or(|e| e.v),
            needs,
        }
    }

    fn step_key(&mut self, key: &Sp<String>) {
        let k = key.v.as_str();
        if k.trim().is_empty() {
            return;
        }
        if k.starts_with("safety.")
            || k.starts_with(keys::MEASURE_PREFIX)
            || k.starts_with(keys::ARRIVAL_URGE)
        {
            let why = if k.starts_with("safety.") {
                "keys starting with `safety.` belong to the safety steps"
            } else if k.starts_with(keys::MEASURE_PREFIX) {
                "keys starting with `measure.` belong to the items of [[measures]]"
            } else {
                "`arrival.urge` and `arrival.urge_acted` are asked by [urges]"
            };
            self.error(
                key.span.clone(),
                format!("the step key `{k}` is kept for mentalog itself: {why}"),
                "give the step a key of its own, such as `self.hoped`",
            );
            return;
        }
        let well_formed = k.contains('.')
            && k.split('.').all(|part| {
                !part.is_empty()
                    && part
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            });
        if !well_formed {
            self.error(
                key.span.clone(),
                format!("the step key `{k}` is not of the form part.name"),
                "use lowercase letters, digits and `_`, with a dot between the parts, such as `self.hoped`",
            );
        }
    }

    fn kind(&mut self, t: &Tbl) -> Option<Sp<Kind>> {
        let Some(v) = t.get("kind") else {
            let kinds: Vec<&str> = KINDS.iter().map(|(n, _)| *n).collect();
            self.missing(
                t,
                "kind",
                &format!("kind = \"long_text\" (the kinds are {})", kinds.join(", ")),
            );
            return None;
        };
        let Some(s) = v.get_ref().as_str() else {
            self.wrong_type(v, "kind", "text in double quotes", "kind = \"long_text\"");
            return None;
        };
        if let Some((_, kind)) = KINDS.iter().find(|(n, _)| *n == s) {
            return Some(Sp {
                v: *kind,
                span: v.span(),
            });
        }
        if s == "scale" {
            self.error(
                v.span(),
                "the kind \"scale\" is only for the items of a measure",
                "choose another kind, or add the question as an item of a [[measures]] block",
            );
            return None;
        }
        let names = KINDS.iter().map(|(n, _)| *n);
        let help = match self.similar(s, names.clone()) {
            Some(m) => format!("did you mean kind = \"{m}\"?"),
            None => format!("the kinds are {}", names.collect::<Vec<_>>().join(", ")),
        };
        self.error(
            v.span(),
            format!("unknown kind \"{s}\" in {}", t.name),
            help,
        );
        None
    }

    /// A key that carries meaning to the safety lane or the summary must
    /// have its kind.
    fn fixed_kind(&mut self, key: &Sp<String>, kind: &Sp<Kind>) {
        if key.v == keys::FOCUS_ABOUT {
            if kind.v != Kind::YesNo {
                self.error(
                    kind.span.clone(),
                    format!("the step `{}` must be a yes or no question", key.v),
                    "write kind = \"yes_no\"",
                );
            }
            return;
        }
        match fixed_kind(&key.v) {
            Some(Some(want)) if want != kind.v => self.error(
                kind.span.clone(),
                format!("the step `{}` must have the kind \"{}\"", key.v, kind_name(want)),
                format!("write kind = \"{}\" (this key carries meaning to the safety steps and the summary)", kind_name(want)),
            ),
            Some(None) if !kind.v.is_text() => self.error(
                kind.span.clone(),
                format!("the step `{}` must be a text question", key.v),
                "write kind = \"long_text\" or kind = \"short_text\", or give a step of another kind a key of its own",
            ),
            _ => {}
        }
    }

    fn across_steps(&mut self, top: &Tbl, steps: &[StepInfo]) {
        let mut first: BTreeMap<&str, usize> = BTreeMap::new();
        for step in steps {
            let Some(key) = &step.key else { continue };
            if key.v.trim().is_empty() {
                continue;
            }
            if let Some(n) = first.get(key.v.as_str()) {
                self.error(
                    key.span.clone(),
                    format!(
                        "the step key `{}` is used twice (step {n} has it too)",
                        key.v
                    ),
                    "give each step a key of its own",
                );
            } else {
                first.insert(&key.v, step.n);
            }
        }
        // The arrival check opens every walk: the safety lane depends on it.
        for (i, want, kind) in [
            (0, keys::ARRIVAL_DISTRESS, "rating"),
            (1, keys::ARRIVAL_SAFETY, "yes_no_unsure"),
        ] {
            let here = steps.get(i);
            if here.is_some_and(|s| s.key.as_ref().is_some_and(|k| k.v == want)) {
                continue;
            }
            if self.broken && here.is_some_and(|s| s.key.is_none()) {
                continue;
            }
            let span = match here {
                Some(s) => s.key.as_ref().map_or(s.span.clone(), |k| k.span.clone()),
                None => top.key_span("steps").unwrap_or(0..0),
            };
            let help = match first.get(want) {
                Some(n) => format!(
                    "move the step `{want}` (now step {n}) up to be step {}",
                    i + 1
                ),
                None => format!(
                    "add, as step {}, a [[steps]] block with key = \"{want}\" and kind = \"{kind}\"",
                    i + 1
                ),
            };
            let what = if i == 0 { "first" } else { "second" };
            self.error(
                span,
                format!("the {what} step must be the arrival check `{want}`: it opens every entry"),
                help,
            );
        }
        for step in steps {
            let me = step.key.as_ref().map(|k| k.v.as_str());
            for need in &step.needs {
                match first.get(need.v.as_str()) {
                    Some(_) if Some(need.v.as_str()) == me => self.error(
                        need.span.clone(),
                        format!("step {} names itself in `needs_any`", step.n),
                        "name the steps whose answers this one builds on, such as needs_any = [\"other.feeling\"]",
                    ),
                    Some(n) if *n > step.n => self.error(
                        need.span.clone(),
                        format!("`needs_any` names `{}`, which comes after step {} (it is step {n})", need.v, step.n),
                        "a step can only wait for answers given before it: name an earlier step, or move this one",
                    ),
                    Some(_) => {}
                    None => {
                        let help = self.step_suggestion(&need.v);
                        self.error(
                            need.span.clone(),
                            format!("`needs_any` names `{}`, which is not a step of this pack", need.v),
                            help,
                        );
                    }
                }
            }
        }
    }

    /// "did you mean" among the step keys, or how to name one.
    fn step_suggestion(&self, key: &str) -> String {
        match self.similar(key, self.step_keys.keys().map(String::as_str)) {
            Some(s) => format!("did you mean `{s}`?"),
            None => "name the key of one of the pack's [[steps]]".into(),
        }
    }

    /// A reference to a step from a nudge or a measure; its kind, if known.
    fn step_ref(&mut self, key: &Sp<String>, whose: &str) -> Option<Option<Kind>> {
        match self.step_keys.get(&key.v) {
            Some((kind, _, _)) => Some(*kind),
            None => {
                let help = self.step_suggestion(&key.v);
                self.error(
                    key.span.clone(),
                    format!(
                        "{whose} names `{}`, which is not a step of this pack",
                        key.v
                    ),
                    help,
                );
                None
            }
        }
    }

    fn nudges(&mut self, top: &Tbl) {
        let tables = self.tables(top, "nudges", MAX_NUDGES);
        let mut nudges: Vec<NudgeInfo> = Vec::new();
        let mut ids: BTreeMap<String, usize> = BTreeMap::new();
        for (i, (span, map)) in tables.iter().enumerate() {
            let name = match map.get("id").and_then(|v| v.get_ref().as_str()) {
                Some(id) => format!("nudge `{id}`"),
                None => format!("nudge {}", i + 1),
            };
            let t = Tbl {
                span: span.clone(),
                map,
                name,
            };
            self.keys(&t, NUDGE_KEYS);
            let id = self.text(&t, "id", Need::Required, MAX_ID);
            if let Some(id) = &id
                && !id.v.trim().is_empty()
            {
                if let Some(n) = ids.get(&id.v) {
                    self.error(
                        id.span.clone(),
                        format!(
                            "the nudge id `{}` is used twice (nudge {n} has it too)",
                            id.v
                        ),
                        "give each nudge an id of its own",
                    );
                } else {
                    ids.insert(id.v.clone(), i + 1);
                }
            }
            self.text(&t, "text", Need::Required, MAX_TEXT);
            let enabled = self.boolean(&t, "enabled").is_none_or(|e| e.v);
            let after = self.after(&t);
            let when = self.when(&t).into_iter().collect();
            nudges.push(NudgeInfo {
                id,
                span: t.span.clone(),
                enabled,
                after,
                when,
            });
        }
        // One nudge per entry: the first enabled one whose signals hold
        // takes the turn. A later nudge whose steps and signals are all
        // among an earlier one's can never be shown.
        for (j, later) in nudges.iter().enumerate() {
            if !later.enabled || later.when.is_empty() || later.after.is_empty() {
                continue;
            }
            let shadow = nudges[..j].iter().find(|earlier| {
                earlier.enabled
                    && later.after.is_subset(&earlier.after)
                    && later.when.is_subset(&earlier.when)
            });
            if let Some(earlier) = shadow {
                let span = later
                    .id
                    .as_ref()
                    .map_or(later.span.clone(), |i| i.span.clone());
                let name = |n: &NudgeInfo| {
                    n.id.as_ref()
                        .map_or("an earlier nudge".to_string(), |i| format!("`{}`", i.v))
                };
                self.error(
                    span,
                    format!(
                        "this nudge can never be shown: {} comes before it after the same steps and holds whenever it would",
                        name(earlier)
                    ),
                    "tell the two apart, for example with a `not` signal in the earlier one, or change this one's `after` or `when`",
                );
            }
        }
    }

    /// The steps a nudge comes after.
    fn after(&mut self, t: &Tbl) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let Some(v) = t.get("after") else {
            self.missing(t, "after", "after = \"other.feeling\"");
            return out;
        };
        let keys: Vec<Sp<String>> = match v.get_ref() {
            DeValue::String(s) => vec![Sp {
                v: s.to_string(),
                span: v.span(),
            }],
            DeValue::Array(_) => self
                .strings(t, "after", MAX_ID)
                .map(|l| l.v)
                .unwrap_or_default(),
            _ => {
                self.wrong_type(
                    v,
                    "after",
                    "a step key, or a list of them",
                    "after = \"other.feeling\"",
                );
                return out;
            }
        };
        if keys.is_empty() && v.get_ref().as_array().is_some_and(|a| a.is_empty()) {
            self.error(
                v.span(),
                format!("{} comes after no step", t.name),
                "name the step after which it may appear, such as after = \"other.feeling\"",
            );
        }
        for key in keys {
            if key.v == keys::ARRIVAL_DISTRESS || key.v == keys::ARRIVAL_SAFETY {
                self.error(
                    key.span.clone(),
                    format!("{} cannot come after the arrival check: the safety steps are decided there", t.name),
                    "choose a later step",
                );
            } else if !key.v.trim().is_empty() {
                self.step_ref(&key, &format!("`after` of {}", t.name));
            }
            out.insert(key.v);
        }
        let all_off = !out.is_empty()
            && out
                .iter()
                .all(|k| self.step_keys.get(k).is_some_and(|(_, on, _)| !on));
        if all_off {
            self.warning(
                v.span(),
                format!(
                    "{} comes only after steps that are turned off, so it is never shown",
                    t.name
                ),
                "name a step that is on, or turn the nudge off with enabled = false",
            );
        }
        out
    }

    /// The signals of a nudge, each written out the same way whatever its
    /// layout, to compare them.
    fn when(&mut self, t: &Tbl) -> Vec<String> {
        let Some(v) = t.get("when") else {
            self.missing(
                t,
                "when",
                "when = [{ signal = \"rating_at_least\", key = \"other.certainty\", value = 8 }]",
            );
            return Vec::new();
        };
        let Some(list) = v.get_ref().as_array() else {
            self.wrong_type(
                v,
                "when",
                "a list of signals",
                "when = [{ signal = \"...\", ... }]",
            );
            return Vec::new();
        };
        if list.is_empty() {
            self.error(
                v.span(),
                format!("{} has no signals, so it is never shown", t.name),
                "add at least one signal, such as when = [{ signal = \"rating_at_least\", key = \"other.certainty\", value = 8 }]",
            );
        }
        let whose = t.name.clone();
        list.iter()
            .map(|s| {
                self.signal(s, &whose);
                canonical(s.get_ref())
            })
            .collect()
    }

    fn signal(&mut self, v: &Val, whose: &str) {
        let Some(map) = v.get_ref().as_table() else {
            self.wrong_type(v, "signal", "a table", "{ signal = \"...\", ... }");
            return;
        };
        let t = Tbl {
            span: v.span(),
            map,
            name: format!("a signal of {whose}"),
        };
        let names = SIGNALS.iter().map(|(n, _)| *n);
        let Some(name) = t.get("signal") else {
            self.missing(
                &t,
                "signal",
                &format!(
                    "signal = \"rating_at_least\" (the signals are {})",
                    names.collect::<Vec<_>>().join(", ")
                ),
            );
            return;
        };
        let Some(s) = name.get_ref().as_str() else {
            self.wrong_type(
                name,
                "signal",
                "text in double quotes",
                "signal = \"words\"",
            );
            return;
        };
        let Some((_, fields)) = SIGNALS.iter().find(|(n, _)| *n == s) else {
            let help = match self.similar(s, names.clone()) {
                Some(m) => format!("did you mean signal = \"{m}\"?"),
                None => format!("the signals are {}", names.collect::<Vec<_>>().join(", ")),
            };
            self.error(
                name.span(),
                format!("unknown signal \"{s}\" in {whose}"),
                help,
            );
            return;
        };
        let t = Tbl {
            name: format!("the signal \"{s}\" of {whose}"),
            ..t
        };
        let mut allowed = vec![k1("signal")];
        allowed.extend(fields.iter().map(|(n, _)| k1(n)));
        self.keys(&t, &allowed);
        for (field, what) in *fields {
            let Some(fv) = t.get(field) else {
                let example = match what {
                    Field::Step | Field::TextStep => format!("{field} = \"other.feeling\""),
                    Field::TextSteps => format!("{field} = [\"other.feeling\", \"other.intent\"]"),
                    Field::Words(_) => format!("{field} = [\"always\", \"never\"]"),
                    Field::Number(lo, _) => format!("{field} = {lo}"),
                    Field::Signals => format!("{field} = [{{ signal = \"...\", ... }}]"),
                    Field::Signal => format!("{field} = {{ signal = \"...\", ... }}"),
                };
                self.missing(&t, field, &example);
                continue;
            };
            match *what {
                Field::Step | Field::TextStep => {
                    if let Some(key) = self.text(&t, field, Need::Required, MAX_ID) {
                        self.signal_step(&key, *what == Field::TextStep, &t.name, s);
                    }
                }
                Field::TextSteps => {
                    let keys = self.strings(&t, field, MAX_ID);
                    if let Some(keys) = keys {
                        if keys.v.is_empty()
                            && fv.get_ref().as_array().is_some_and(|a| a.is_empty())
                        {
                            self.error(
                                keys.span.clone(),
                                format!("`{field}` of {} names no step", t.name),
                                format!("name the text steps to look at, such as {field} = [\"other.feeling\"]"),
                            );
                        }
                        for key in &keys.v {
                            self.signal_step(key, true, &t.name, s);
                        }
                    }
                }
                Field::Words(at_least_one) => {
                    if let Some(words) = self.strings(&t, field, MAX_NAME)
                        && at_least_one
                        && words.v.is_empty()
                        && fv.get_ref().as_array().is_some_and(|a| a.is_empty())
                    {
                        self.error(
                            words.span,
                            format!("{} has no words, so it can never hold", t.name),
                            format!("write the words or phrases to look for, such as {field} = [\"always\", \"never\"]"),
                        );
                    }
                }
                Field::Number(lo, hi) => {
                    let n = self.integer(&t, field, lo..=hi);
                    if let Some(n) = n
                        && s == "rating_at_least"
                        && n.v == 0
                    {
                        self.warning(
                            n.span,
                            format!("{} always holds: every rating is at least 0", t.name),
                            "write the rating from which the nudge should appear, such as value = 8",
                        );
                    }
                }
                Field::Signals => match fv.get_ref().as_array() {
                    Some(list) if list.is_empty() => self.error(
                        fv.span(),
                        format!("{} has no signals inside", t.name),
                        "put the signals that must all hold in the list: of = [{ ... }, { ... }]",
                    ),
                    Some(list) => {
                        for inner in list.iter() {
                            self.signal(inner, whose);
                        }
                    }
                    None => self.wrong_type(
                        fv,
                        field,
                        "a list of signals",
                        "of = [{ signal = \"...\", ... }]",
                    ),
                },
                Field::Signal => {
                    if fv.get_ref().as_table().is_some() {
                        self.signal(fv, whose);
                    } else {
                        self.wrong_type(fv, field, "one signal", "of = { signal = \"...\", ... }");
                    }
                }
            }
        }
    }

    /// A step a signal looks at: it must exist, be a rating for
    /// `rating_at_least`, and hold text when the signal reads words.
    fn signal_step(&mut self, key: &Sp<String>, text: bool, whose: &str, signal: &str) {
        if key.v.trim().is_empty() {
            return;
        }
        let Some(kind) = self.step_ref(key, whose) else {
            return;
        };
        let Some(kind) = kind else { return };
        if signal == "rating_at_least" && kind != Kind::Rating {
            self.error(
                key.span.clone(),
                format!(
                    "`rating_at_least` looks at `{}`, which is not a rating",
                    key.v
                ),
                "name a step of kind \"rating\", or use the signal \"words\" for a text step",
            );
        } else if text && !kind.is_text() {
            self.error(
                key.span.clone(),
                format!(
                    "{whose} looks for written words in `{}`, which is not a text question",
                    key.v
                ),
                "name a step of kind \"long_text\" or \"short_text\"",
            );
        }
    }

    fn measures(&mut self, top: &Tbl) {
        let tables = self.tables(top, "measures", MAX_MEASURES);
        let mut ids: BTreeMap<String, usize> = BTreeMap::new();
        for (i, (span, map)) in tables.iter().enumerate() {
            let name = match map.get("id").and_then(|v| v.get_ref().as_str()) {
                Some(id) => format!("measure `{id}`"),
                None => format!("measure {}", i + 1),
            };
            let t = Tbl {
                span: span.clone(),
                map,
                name,
            };
            self.keys(&t, MEASURE_KEYS);
            if let Some(id) = self.text(&t, "id", Need::Required, MAX_ID)
                && !id.v.trim().is_empty()
            {
                if !id.v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                    self.error(
                        id.span.clone(),
                        format!(
                            "the measure id `{}` can hold only letters, digits and `-`",
                            id.v
                        ),
                        "use a short name such as id = \"curiosity\"",
                    );
                }
                if let Some(n) = ids.get(&id.v) {
                    self.error(
                        id.span.clone(),
                        format!(
                            "the measure id `{}` is used twice (measure {n} has it too)",
                            id.v
                        ),
                        "give each measure an id of its own",
                    );
                } else {
                    ids.insert(id.v.clone(), i + 1);
                }
            }
            self.text(&t, "title", Need::Required, MAX_NAME);
            self.text(&t, "instructions", Need::Optional, MAX_TEXT);
            self.text(&t, "citation", Need::Required, MAX_TEXT);
            self.text(&t, "permission", Need::Required, MAX_TEXT);
            self.measure_at(&t);
            if let Some(every) = self.text(&t, "every", Need::NotEmpty, MAX_NAME) {
                self.rhythm(&every, "every");
            }
            let points = self.scale(&t);
            self.items_and_subscales(&t, points);
        }
    }

    /// Where a measure is asked: "start", "end" or after a step, but never
    /// inside the arrival check, which with the urge questions opens every
    /// walk.
    fn measure_at(&mut self, t: &Tbl) {
        let Some(at) = self.text(t, "at", Need::NotEmpty, MAX_ID) else {
            return;
        };
        let arrival = [
            keys::ARRIVAL_DISTRESS,
            keys::ARRIVAL_SAFETY,
            keys::ARRIVAL_URGE,
            keys::ARRIVAL_URGE_ACTED,
        ];
        if arrival.contains(&at.v.as_str()) {
            self.error(
                at.span,
                format!(
                    "`at` of {} names `{}`: the arrival check and the urge questions come first, always",
                    t.name, at.v
                ),
                "use at = \"start\" to ask it right after them",
            );
            return;
        }
        if at.v == "start"
            || at.v == "end"
            || at.v.trim().is_empty()
            || self.step_keys.contains_key(&at.v)
        {
            return;
        }
        let steps = self
            .step_keys
            .keys()
            .map(String::as_str)
            .filter(|k| !arrival.contains(k));
        let help = match self.similar(&at.v, ["start", "end"].into_iter().chain(steps)) {
            Some(s) => format!("did you mean at = \"{s}\"?"),
            None => "write at = \"start\" (after the arrival check), at = \"end\" (before the sharing questions) or the key of a step to come after".into(),
        };
        self.error(
            at.span,
            format!(
                "`at` of {} names `{}`, which is no step of this pack",
                t.name, at.v
            ),
            help,
        );
    }

    /// The scale of a measure; its points, when it makes sense.
    fn scale(&mut self, m: &Tbl) -> Option<RangeInclusive<i64>> {
        let Some(t) = self.table(m, "scale", format!("the scale of {}", m.name)) else {
            if m.get("scale").is_none() {
                self.missing(
                    m,
                    "scale",
                    "scale = { min = 0, max = 4, anchors = [\"not at all\", \"very much\"] }",
                );
            }
            return None;
        };
        self.keys(&t, SCALE_KEYS);
        let min = self.integer(&t, "min", 0..=10);
        let max = self.integer(&t, "max", 0..=10);
        if t.get("min").is_none() {
            self.missing(&t, "min", "min = 0");
        }
        if t.get("max").is_none() {
            self.missing(&t, "max", "max = 4");
        }
        let anchors = self.strings(&t, "anchors", MAX_NAME);
        if t.get("anchors").is_none() {
            self.missing(&t, "anchors", "anchors = [\"not at all\", \"very much\"]");
        }
        let (min, max) = (min?, max?);
        if min.v >= max.v {
            self.error(
                max.span,
                format!(
                    "the scale of {} goes from {} to {}: `max` must be above `min`",
                    m.name, min.v, max.v
                ),
                "write a scale such as min = 0, max = 4",
            );
            return None;
        }
        let points = max.v - min.v + 1;
        if let Some(a) = anchors {
            let n = t
                .get("anchors")
                .and_then(|v| v.get_ref().as_array())
                .map_or(0, |a| a.len());
            if n != 2 && i64::try_from(n).ok() != Some(points) {
                self.error(
                    a.span,
                    format!(
                        "the scale of {} has {points} points and {n} anchor words: write 2 (for the ends) or {points} (one for each point)",
                        m.name
                    ),
                    "such as anchors = [\"not at all\", \"very much\"]",
                );
            }
        }
        Some(min.v..=max.v)
    }

    fn items_and_subscales(&mut self, m: &Tbl, points: Option<RangeInclusive<i64>>) {
        if m.get("items").is_none() {
            self.missing(m, "items", "items = [{ id = \"wondered\", text = \"I wondered what they might be feeling.\" }]");
        }
        let tables = self.tables(m, "items", MAX_ITEMS);
        if tables.is_empty()
            && let Some(v) = m
                .get("items")
                .filter(|v| v.get_ref().as_array().is_some_and(|a| a.is_empty()))
        {
            self.error(
                v.span(),
                format!("{} has no items", m.name),
                "add its questions, such as items = [{ id = \"wondered\", text = \"I wondered what they might be feeling.\" }]",
            );
        }
        let mut items: Vec<Sp<String>> = Vec::new();
        for (i, (span, map)) in tables.iter().enumerate() {
            let t = Tbl {
                span: span.clone(),
                map,
                name: format!("item {} of {}", i + 1, m.name),
            };
            self.keys(&t, ITEM_KEYS);
            if let Some(id) = self.text(&t, "id", Need::Required, MAX_ID)
                && !id.v.trim().is_empty()
            {
                if !id
                    .v
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                {
                    self.error(
                        id.span.clone(),
                        format!(
                            "the item id `{}` can hold only letters, digits, `-` and `_`",
                            id.v
                        ),
                        "use a short name such as id = \"wondered\"",
                    );
                }
                if items.iter().any(|x| x.v == id.v) {
                    self.error(
                        id.span.clone(),
                        format!("the item id `{}` is used twice in {}", id.v, m.name),
                        "give each item an id of its own",
                    );
                } else {
                    items.push(id);
                }
            }
            self.text(&t, "text", Need::Required, MAX_TEXT);
            let reverse = self.boolean(&t, "reverse");
            if let Some(recode) = t.get("recode") {
                if reverse.as_ref().is_some_and(|r| r.v) {
                    self.error(
                        t.key_span("recode").unwrap_or(recode.span()),
                        format!("{} has both `reverse` and `recode`", t.name),
                        "keep one: `recode` can say the reversed scores itself",
                    );
                }
                self.recode(&t, recode, points.clone());
            }
        }
        let Some(v) = m.get("subscales") else {
            if !tables.is_empty() {
                self.error(
                    m.key_span("id").unwrap_or(m.span.clone()),
                    format!("{} has no subscales, so none of its items is scored", m.name),
                    "add subscales = [{ id = \"all\", title = \"...\", items = [\"...\"], score = \"mean\" }]",
                );
            }
            return;
        };
        let subs = self.tables(m, "subscales", MAX_ITEMS);
        if subs.is_empty() && v.get_ref().as_array().is_some_and(|a| a.is_empty()) {
            self.error(
                v.span(),
                format!("{} has no subscales, so none of its items is scored", m.name),
                "add one, such as { id = \"all\", title = \"...\", items = [\"...\"], score = \"mean\" }",
            );
        }
        let mut used: BTreeSet<String> = BTreeSet::new();
        let mut ids: Vec<String> = Vec::new();
        for (i, (span, map)) in subs.iter().enumerate() {
            let t = Tbl {
                span: span.clone(),
                map,
                name: format!("subscale {} of {}", i + 1, m.name),
            };
            self.keys(&t, SUBSCALE_KEYS);
            if let Some(id) = self.text(&t, "id", Need::Required, MAX_ID)
                && !id.v.trim().is_empty()
            {
                if ids.contains(&id.v) {
                    self.error(
                        id.span.clone(),
                        format!("the subscale id `{}` is used twice in {}", id.v, m.name),
                        "give each subscale an id of its own",
                    );
                } else {
                    ids.push(id.v.clone());
                }
            }
            self.text(&t, "title", Need::Required, MAX_NAME);
            self.score(&t);
            let members = self.strings(&t, "items", MAX_ID);
            if t.get("items").is_none() {
                self.missing(&t, "items", "items = [\"wondered\", \"sure\"]");
            }
            let mut count = 0;
            if let Some(members) = members {
                if members.v.is_empty()
                    && t.get("items")
                        .and_then(|v| v.get_ref().as_array())
                        .is_some_and(|a| a.is_empty())
                {
                    self.error(
                        members.span.clone(),
                        format!("{} names no items", t.name),
                        "name the ids of the items it adds up, such as items = [\"wondered\", \"sure\"]",
                    );
                }
                let mut seen = BTreeSet::new();
                for item in &members.v {
                    if !seen.insert(item.v.clone()) {
                        self.error(
                            item.span.clone(),
                            format!("{} names `{}` twice", t.name, item.v),
                            "remove one of them",
                        );
                    } else if !items.iter().any(|x| x.v == item.v) {
                        let help = match self.similar(&item.v, items.iter().map(|x| x.v.as_str())) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => format!("name the id of one of the items of {}", m.name),
                        };
                        self.error(
                            item.span.clone(),
                            format!(
                                "{} names `{}`, which is not an item of {}",
                                t.name, item.v, m.name
                            ),
                            help,
                        );
                    }
                    used.insert(item.v.clone());
                }
                count = seen.len();
            }
            if let Some(min) = t.get("min_answered") {
                if let Some(n) = as_integer(min) {
                    if n < 1 || usize::try_from(n).is_ok_and(|n| count > 0 && n > count) {
                        self.error(
                            min.span(),
                            format!("`min_answered` of {} must be from 1 to {count} (the number of its items), not {n}", t.name),
                            format!("write how many items must be answered for a score, from 1 to {count}, or leave it out to need them all"),
                        );
                    }
                } else {
                    self.wrong_type(
                        min,
                        "min_answered",
                        "a whole number",
                        "min_answered = 1 (no quotes)",
                    );
                }
            }
        }
        for item in &items {
            if !used.contains(&item.v) {
                self.error(
                    item.span.clone(),
                    format!(
                        "the item `{}` of {} is in no subscale, so it is never scored",
                        item.v, m.name
                    ),
                    format!(
                        "add \"{}\" to the `items` of a subscale, or remove the item",
                        item.v
                    ),
                );
            }
        }
    }

    fn score(&mut self, t: &Tbl) {
        let Some(v) = t.get("score") else {
            self.missing(t, "score", "score = \"mean\" (or \"sum\")");
            return;
        };
        match v.get_ref().as_str() {
            Some("sum" | "mean") => {}
            Some(s) => {
                let help = match self.similar(s, ["sum", "mean"]) {
                    Some(m) => format!("did you mean score = \"{m}\"?"),
                    None => "write score = \"sum\" or score = \"mean\"".into(),
                };
                self.error(
                    v.span(),
                    format!("unknown score method \"{s}\" in {}", t.name),
                    help,
                );
            }
            None => self.wrong_type(v, "score", "text in double quotes", "score = \"mean\""),
        }
    }

    /// The score a `recode` table gives a point: an ordinary number, not
    /// `nan` or `inf`, within [`MAX_RECODE`] either way.
    fn recode_value(&mut self, t: &Tbl, k: &str, value: &Val) {
        let (n, written) = match value.get_ref() {
            DeValue::Integer(i) => (as_integer(value).map(|n| n as f64), i.as_str().to_string()),
            DeValue::Float(f) => (f.as_str().parse::<f64>().ok(), f.as_str().to_string()),
            _ => {
                self.wrong_type(
                    value,
                    k,
                    "a number",
                    &format!("\"{k}\" = 2 (no quotes around the score)"),
                );
                return;
            }
        };
        if n.is_some_and(|n| n.is_finite() && n.abs() <= MAX_RECODE) {
            return;
        }
        self.error(
            value.span(),
            format!(
                "`recode` of {} gives \"{k}\" the score {written}: a score must be an ordinary number from -1000000 to 1000000",
                t.name
            ),
            format!("write the number this point counts as, such as \"{k}\" = 2"),
        );
    }

    fn recode(&mut self, t: &Tbl, v: &Val, points: Option<RangeInclusive<i64>>) {
        let Some(table) = v.get_ref().as_table() else {
            self.wrong_type(
                v,
                "recode",
                "a table from each point to its score",
                "recode = { \"0\" = 3, \"1\" = 2, \"2\" = 1, \"3\" = 0 }",
            );
            return;
        };
        let mut covered = BTreeSet::new();
        for (key, value) in table {
            let k = key.get_ref().as_ref();
            let point = plain_number(k);
            // "01", "+1" or " 1" is most likely the point 1 written loosely:
            // said once, not also as a point left out.
            let loose = point.is_none().then(|| loose_number(k)).flatten();
            if let Some(n) = loose {
                if points.as_ref().is_some_and(|p| p.contains(&n)) {
                    covered.insert(n);
                }
                self.error(
                    key.span(),
                    format!(
                        "`recode` of {} has \"{k}\": a point is written as a plain whole number",
                        t.name
                    ),
                    format!("write it as \"{n}\", with no sign, no leading zeros and no spaces"),
                );
            }
            match (&points, point) {
                (_, None) if loose.is_some() => {}
                (Some(p), Some(n)) if p.contains(&n) => {
                    covered.insert(n);
                }
                (None, Some(_)) => {}
                (Some(p), _) => self.error(
                    key.span(),
                    format!(
                        "`recode` of {} has \"{k}\", which is not a point of the scale ({} to {})",
                        t.name,
                        p.start(),
                        p.end()
                    ),
                    format!(
                        "write one entry for each point from {} to {}",
                        p.start(),
                        p.end()
                    ),
                ),
                (None, None) => self.error(
                    key.span(),
                    format!(
                        "`recode` of {} has \"{k}\", which is not a point of a scale",
                        t.name
                    ),
                    "write the points of the scale as the keys, such as \"0\" = 3",
                ),
            }
            self.recode_value(t, k, value);
        }
        if let Some(p) = points {
            let missing: Vec<String> = p
                .clone()
                .filter(|n| !covered.contains(n))
                .map(|n| format!("\"{n}\""))
                .collect();
            if !missing.is_empty() && !self.broken {
                self.error(
                    v.span(),
                    format!(
                        "`recode` of {} does not cover the whole scale: it leaves out {}",
                        t.name,
                        missing.join(", ")
                    ),
                    format!(
                        "say what every point from {} to {} counts as",
                        p.start(),
                        p.end()
                    ),
                );
            }
        }
    }
}

/// The largest score a `recode` table may give, either way.
const MAX_RECODE: f64 = 1e6;

/// A point of a scale written plainly: digits only, no sign, no leading
/// zero (but "0" itself).
fn plain_number(s: &str) -> Option<i64> {
    let digits = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits || (s.len() > 1 && s.starts_with('0')) {
        return None;
    }
    s.parse().ok()
}

/// A whole number written loosely: spaces around it, a sign, leading zeros.
fn loose_number(s: &str) -> Option<i64> {
    let t = s.trim();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// Whether `id` can name a pack (and so its file): letters, digits, `-`
/// and `_`, at most 64 of them.
pub fn is_pack_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn kind_name(kind: Kind) -> &'static str {
    KINDS
        .iter()
        .find(|(_, k)| *k == kind)
        .map_or("scale", |(n, _)| n)
}

/// A value the parser put in place of one it could not read.
fn is_placeholder(v: &Val) -> bool {
    v.span() == (0..0)
}

fn as_integer(v: &Val) -> Option<i64> {
    match v.get_ref() {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok(),
        _ => None,
    }
}

fn type_name(v: &DeValue) -> &'static str {
    match v {
        DeValue::String(_) => "text",
        DeValue::Integer(_) => "a whole number",
        DeValue::Float(_) => "a number with a point",
        DeValue::Boolean(_) => "true or false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

/// A value written out the same way however it was laid out, to compare
/// signals.
fn canonical(v: &DeValue) -> String {
    match v {
        DeValue::String(s) => format!("{s:?}"),
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .map_or_else(|_| i.as_str().to_string(), |n| n.to_string()),
        DeValue::Float(f) => f.as_str().to_string(),
        DeValue::Boolean(b) => b.to_string(),
        DeValue::Datetime(d) => d.to_string(),
        DeValue::Array(a) => {
            let items: Vec<String> = a.iter().map(|x| canonical(x.get_ref())).collect();
            format!("[{}]", items.join(","))
        }
        DeValue::Table(t) => {
            let mut items: Vec<String> = t
                .iter()
                .map(|(k, x)| format!("{:?}={}", k.get_ref(), canonical(x.get_ref())))
                .collect();
            items.sort();
            format!("{{{}}}", items.join(","))
        }
    }
}
