//! Swapping the names a person used for people for stable labels before an
//! export leaves the machine: initials by default, or the roles the config
//! maps names to. Pure.
//!
//! Names come only from the `other.who` answers of the entries that are
//! exported and from the config's `[names]`, so the labels (and which words
//! are swapped) say nothing about entries that stay private: the output is
//! the same, byte for byte, with or without them. A name is swapped
//! everywhere in the exported text as a whole word, in any case, after both
//! are brought to Unicode NFC. Pronouns and "I" are never names. A label
//! that starts a sentence starts with a capital.
//!
//! Names written only in the text cannot be known; [`Pseudonyms::unreplaced`]
//! lists the capitalised words that look like names and were left, so that
//! the person can add them to `[names]`.

use std::collections::{BTreeMap, BTreeSet};

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::entry::{Entry, Kind, Value, keys};

/// Words that make a `who` answer a role rather than a name: "my sister".
const LEADING: [&str; 10] = [
    "my", "the", "a", "an", "our", "his", "her", "their", "your", "its",
];

/// Pronouns and words for "someone": never names, wherever they are written.
const PRONOUNS: &[&str] = &[
    "i",
    "me",
    "my",
    "mine",
    "myself",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "he",
    "him",
    "his",
    "himself",
    "she",
    "her",
    "hers",
    "herself",
    "they",
    "them",
    "their",
    "theirs",
    "themself",
    "themselves",
    "we",
    "us",
    "our",
    "ours",
    "ourselves",
    "it",
    "its",
    "itself",
    "one",
    "someone",
    "somebody",
    "anyone",
    "anybody",
    "everyone",
    "everybody",
    "nobody",
    "noone",
    "people",
    "others",
    "all",
    "none",
];

/// Words for a relation or a part someone plays: "my sister anna" names
/// Anna, "my sister" no one.
const ROLES: &[&str] = &[
    "mum",
    "mom",
    "mam",
    "mummy",
    "mommy",
    "mother",
    "dad",
    "daddy",
    "father",
    "papa",
    "parent",
    "parents",
    "sister",
    "brother",
    "sibling",
    "son",
    "daughter",
    "child",
    "children",
    "kid",
    "kids",
    "baby",
    "husband",
    "wife",
    "partner",
    "spouse",
    "boyfriend",
    "girlfriend",
    "fiance",
    "fiancé",
    "fiancée",
    "ex",
    "friend",
    "friends",
    "mate",
    "bestie",
    "colleague",
    "colleagues",
    "coworker",
    "co-worker",
    "boss",
    "manager",
    "supervisor",
    "teacher",
    "tutor",
    "therapist",
    "doctor",
    "gp",
    "nurse",
    "psychiatrist",
    "counsellor",
    "counselor",
    "aunt",
    "auntie",
    "uncle",
    "cousin",
    "niece",
    "nephew",
    "grandma",
    "grandmother",
    "granny",
    "gran",
    "nan",
    "nana",
    "grandpa",
    "grandfather",
    "grandad",
    "granddad",
    "grandparent",
    "grandparents",
    "stepmum",
    "stepmom",
    "stepmother",
    "stepdad",
    "stepfather",
    "neighbour",
    "neighbor",
    "flatmate",
    "roommate",
    "housemate",
    "landlord",
    "landlady",
    "classmate",
    "client",
    "family",
    "team",
    "group",
    "guy",
    "man",
    "woman",
    "girl",
    "boy",
    "lady",
    "person",
    "stranger",
    "in-law",
    "law",
];

/// Words that end the name in a lowercase `who` answer: "sam from work".
const DESCRIBING: &[&str] = &[
    "at", "from", "in", "on", "of", "to", "for", "who", "that", "near", "by", "next", "across",
];

/// Words that join two people in one `who` answer: "mum and Tom".
const JOINING: &[&str] = &["and", "or", "with", "plus", "&", "+"];

/// Capitalised words that are seldom names, left out of
/// [`Pseudonyms::unreplaced`] (with pronouns and roles).
const COMMON_CAPITALISED: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "god",
    "christmas",
    "easter",
    "ok",
    "okay",
    "english",
    "internet",
    "mr",
    "mrs",
    "ms",
    "dr",
    "miss",
    "sir",
    "madam",
    "hi",
    "hello",
    "thanks",
    "yes",
    "no",
    "oh",
    "mentalog",
    "mbt",
];

/// Abbreviations whose full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &["mr", "mrs", "ms", "dr", "st", "prof", "jr", "sr", "vs"];

/// Names (lowercased, NFC) and the labels that replace them, longest first
/// so that "Anna Berg" wins over "Anna".
#[derive(Debug, Default)]
pub struct Pseudonyms {
    /// (the name folded, its label, whether it is replaced in lowercase
    /// too). Names are replaced in any case, except a name that is also a
    /// common word ("Will", "Rose", "Mark") written only with a capital:
    /// "I will wait" keeps its "will".
    pairs: Vec<(Vec<char>, String, bool)>,
}

/// One person: the name as first written, what to call them, and every
/// spelling to replace (the full name and, for a full name, its parts).
struct Person {
    full: String,
    base: String,
    names: Vec<String>,
}

impl Pseudonyms {
    /// Names from the `who` answers of `exported` and the keys of `roles`,
    /// labelled if they appear in `exported`. Entries that stay private are
    /// never looked at: they must not change what leaves the machine.
    pub fn new<'a>(
        exported: impl IntoIterator<Item = &'a Entry>,
        roles: &BTreeMap<String, String>,
    ) -> Pseudonyms {
        let exported: Vec<&Entry> = exported.into_iter().collect();
        let role_of = |name: &str| {
            roles
                .iter()
                .find(|(k, _)| fold(k.trim()) == fold(name))
                .map(|(_, r)| r.trim().nfc().collect::<String>())
        };
        let mut people: Vec<Person> = Vec::new();
        let candidates = exported
            .iter()
            .filter_map(|e| e.text(keys::OTHER_WHO))
            .flat_map(names_in)
            .chain(
                roles
                    .keys()
                    .map(|k| (k.trim().nfc().collect::<String>(), Vec::new())),
            );
        for (full, parts) in candidates {
            if full.is_empty()
                || is_pronoun(&full)
                || people.iter().any(|p| fold(&p.full) == fold(&full))
            {
                continue;
            }
            let base = role_of(&full).unwrap_or_else(|| initials(&full));
            let mut names = vec![full.clone()];
            names.extend(parts.into_iter().filter(|p| !is_pronoun(p)));
            people.push(Person { full, base, names });
        }

        // Only people named in what leaves the machine get a label.
        let texts: Vec<Vec<char>> = exported
            .iter()
            .flat_map(|e| texts_of(e))
            .map(|t| fold(t).chars().collect())
            .collect();
        people.retain(|p| {
            p.names.iter().any(|n| {
                let n: Vec<char> = fold(n).chars().collect();
                texts.iter().any(|t| find_word(t, &n).is_some())
            })
        });
        people.sort_by_key(|p| fold(&p.full));

        let mut used: BTreeMap<String, usize> = BTreeMap::new();
        let mut pairs = Vec::new();
        for person in people {
            let n = used.entry(person.base.to_lowercase()).or_insert(0);
            *n += 1;
            let label = if *n == 1 {
                person.base.clone()
            } else {
                format!("{} ({n})", person.base)
            };
            for name in person.names {
                let lower: Vec<char> = fold(&name).chars().collect();
                let any_case = !name.chars().any(char::is_uppercase)
                    || !WORD_NAMES.contains(&fold(&name).as_str());
                match pairs.iter_mut().find(|(l, _, _)| *l == lower) {
                    Some(pair) => pair.2 |= any_case,
                    None if !lower.is_empty() => pairs.push((lower, label.clone(), any_case)),
                    None => {}
                }
            }
        }
        pairs.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        Pseudonyms { pairs }
    }

    /// `text` (brought to NFC) with every name replaced as a whole word, in
    /// any case, in one pass: a label is never replaced again. A label that
    /// starts a sentence starts with a capital.
    pub fn apply(&self, text: &str) -> String {
        let chars: Vec<char> = text.nfc().collect();
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        while i < chars.len() {
            if let Some((len, label)) = self.name_at(&chars, i) {
                if sentence_start(&chars, i) {
                    let mut cs = label.chars();
                    out.extend(cs.next().into_iter().flat_map(char::to_uppercase));
                    out.extend(cs);
                } else {
                    out.push_str(label);
                }
                i += len;
                continue;
            }
            out.push(chars[i]);
            i += 1;
        }
        out
    }

    /// A copy of the entry with names replaced in the person's own words:
    /// text answers, feeling names and the nudge answer. Fixed answers
    /// ("not sure", a choice) are left alone.
    pub fn entry(&self, e: &Entry) -> Entry {
        let mut e = e.clone();
        for a in &mut e.answers {
            match &mut a.value {
                Value::Text(t) if a.kind.is_text() => *t = self.apply(t),
                Value::Feelings(fs) => {
                    for f in fs {
                        f.name = self.apply(&f.name);
                    }
                }
                _ => {}
            }
        }
        if let Some(n) = &mut e.nudge {
            n.answer = n.answer.as_deref().map(|a| self.apply(a));
        }
        e
    }

    /// The capitalised words in the person's own words of `entries` (what
    /// [`Pseudonyms::entry`] would swap names in) that look like names and
    /// are left as they are: not a name known here, not a word of a label,
    /// not at the start of a sentence, not a pronoun, role or a common
    /// capitalised word (a weekday, a month, "OK"), and with a lowercase
    /// letter after the capital (so "I", initials and "TV" are not listed).
    /// A possessive "'s" is dropped ("Karl's" → "Karl"). NFC, sorted, each once.
    ///
    /// Works on the entries before or after [`Pseudonyms::entry`]; the list
    /// is the same. Scripts without capitals give nothing here.
    pub fn unreplaced<'a>(&self, entries: impl IntoIterator<Item = &'a Entry>) -> Vec<String> {
        let label_words: BTreeSet<String> = self
            .pairs
            .iter()
            .flat_map(|(_, label, _)| {
                label
                    .split(|c: char| !is_word(c))
                    .filter(|w| !w.is_empty())
                    .map(fold)
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut found = BTreeSet::new();
        for e in entries {
            for text in own_words(e) {
                let chars: Vec<char> = text.nfc().collect();
                let mut i = 0;
                while i < chars.len() {
                    if let Some((len, _)) = self.name_at(&chars, i) {
                        i += len;
                        continue;
                    }
                    if !is_word(chars[i]) {
                        i += 1;
                        continue;
                    }
                    // A word, with the apostrophes inside it ("O'Brien").
                    let start = i;
                    while i < chars.len()
                        && (is_word(chars[i])
                            || (is_apostrophe(chars[i])
                                && chars.get(i + 1).is_some_and(|c| is_word(*c))))
                    {
                        i += 1;
                    }
                    let word = strip_possessive(&chars[start..i].iter().collect::<String>());
                    if looks_like_name(&word)
                        && !label_words.contains(&fold(&word))
                        && !sentence_start(&chars, start)
                    {
                        found.insert(word);
                    }
                }
            }
        }
        found.into_iter().collect()
    }

    /// The length in `chars` and the label of the name that starts at `i`
    /// as a whole word, if one does (the longest).
    fn name_at(&self, chars: &[char], i: usize) -> Option<(usize, &str)> {
        if i > 0 && is_word(chars[i - 1]) {
            return None;
        }
        self.pairs.iter().find_map(|(name, label, any_case)| {
            match_at(chars, i, name)
                .filter(|len| chars.get(i + len).is_none_or(|c| !is_word(*c)))
                .filter(|_| *any_case || !chars[i].is_lowercase())
                .map(|len| (len, label.as_str()))
        })
    }
}

/// The person's own words in an entry, where names can appear.
fn texts_of(e: &Entry) -> Vec<&str> {
    let mut texts: Vec<&str> = Vec::new();
    for a in &e.answers {
        match &a.value {
            Value::Text(t) if a.kind.is_text() || a.kind == Kind::Choice => texts.push(t),
            Value::Feelings(fs) => texts.extend(fs.iter().map(|f| f.name.as_str())),
            _ => {}
        }
    }
    texts.extend(e.nudge.as_ref().and_then(|n| n.answer.as_deref()));
    texts
}

/// The texts [`Pseudonyms::entry`] swaps names in.
fn own_words(e: &Entry) -> Vec<&str> {
    let mut texts: Vec<&str> = Vec::new();
    for a in &e.answers {
        match &a.value {
            Value::Text(t) if a.kind.is_text() => texts.push(t),
            Value::Feelings(fs) => texts.extend(fs.iter().map(|f| f.name.as_str())),
            _ => {}
        }
    }
    texts.extend(e.nudge.as_ref().and_then(|n| n.answer.as_deref()));
    texts
}

/// The names in a `who` answer (NFC), each with the parts to replace too.
/// People joined by "and", "&", a comma and the like are read one by one.
fn names_in(who: &str) -> Vec<(String, Vec<String>)> {
    let who: String = who.nfc().collect();
    let mut out = Vec::new();
    for segment in who.split([',', ';', '/', '\n']) {
        let mut words: Vec<&str> = Vec::new();
        for w in segment.split_whitespace() {
            if JOINING.contains(&w.to_lowercase().as_str()) {
                out.extend(names_in_one(&words));
                words.clear();
            } else {
                words.push(w);
            }
        }
        out.extend(names_in_one(&words));
    }
    out
}

/// The names in the words for one person:
/// - "my sister", "My manager", "me": a role or a pronoun, no name;
/// - "my sister Anna", "Tom's mum": the capitalised words ("Anna", "Tom");
/// - "my sister anna", "tom's mum": the words after the role, and a
///   possessive ("anna", "tom");
/// - "Tom Baker", "sam", "J.", or a script without capitals: the whole
///   answer, and for a full name its words ("Tom", "Baker"); "sam from work"
///   names "sam".
fn names_in_one(words: &[&str]) -> Vec<(String, Vec<String>)> {
    let words: Vec<String> = words.iter().filter_map(|w| clean_word(w)).collect();
    let lead = words
        .iter()
        .take_while(|w| LEADING.contains(&w.to_lowercase().as_str()))
        .count();
    let rest = &words[lead..];
    let first_alpha = |w: &String| w.chars().find(|c| c.is_alphabetic());
    let capital = |w: &&String| first_alpha(w).is_some_and(char::is_uppercase);
    let is_role = |w: &String| is_role(&strip_possessive(w));
    let single = |w: &String| vec![(strip_possessive(w), Vec::new())];

    if rest.iter().any(|w| capital(&w)) {
        // Capitals are used: only the capitalised words can be names.
        let caps: Vec<&String> = rest
            .iter()
            .filter(capital)
            .filter(|w| !is_pronoun(&strip_possessive(w)) && !is_role(w))
            .collect();
        let plain = lead == 0 && caps.len() == rest.len();
        return match caps.as_slice() {
            [] => Vec::new(),
            [one] if plain => vec![(one.to_string(), Vec::new())],
            _ if plain => whole(rest),
            _ => caps.into_iter().flat_map(single).collect(),
        };
    }
    // No capitals: lowercase, or a script without them.
    let mut names: Vec<(String, Vec<String>)> = rest
        .iter()
        .filter(|w| strip_possessive(w) != **w && rest.last().is_none_or(|l| l != *w))
        .filter(|w| !is_pronoun(&strip_possessive(w)) && !is_role(w))
        .flat_map(single)
        .collect();
    let after = match rest.iter().rposition(is_role) {
        Some(i) => &rest[i + 1..],
        None if lead > 0 || !names.is_empty() => &[][..],
        None => rest,
    };
    let name: Vec<String> = after
        .iter()
        .take_while(|w| !DESCRIBING.contains(&w.to_lowercase().as_str()))
        .filter(|w| !is_pronoun(&strip_possessive(w)))
        .cloned()
        .collect();
    if !name.is_empty() {
        names.extend(whole(&name));
    }
    names
}

/// A name of one or more words, with its words as parts when there are several.
fn whole(words: &[String]) -> Vec<(String, Vec<String>)> {
    let words: Vec<String> = words.iter().map(|w| strip_possessive(w)).collect();
    let parts = if words.len() > 1 {
        words
            .iter()
            .filter(|w| w.chars().filter(|c| c.is_alphanumeric()).count() > 1)
            .filter(|w| !is_pronoun(w) && !is_role(w))
            .cloned()
            .collect()
    } else {
        Vec::new()
    };
    vec![(words.join(" "), parts)]
}

/// A word of a `who` answer without quotes, brackets and trailing
/// punctuation; the full stop of an initial ("J.") stays.
fn clean_word(word: &str) -> Option<String> {
    let w = word.trim_start_matches(|c: char| !c.is_alphanumeric());
    let trimmed = w.trim_end_matches(|c: char| !c.is_alphanumeric());
    if trimmed.is_empty() {
        return None;
    }
    let initial = trimmed.chars().count() == 1 && w[trimmed.len()..].starts_with('.');
    Some(if initial {
        format!("{trimmed}.")
    } else {
        trimmed.to_string()
    })
}

/// "Tom's" → "Tom"; trailing punctuation goes too ("Anna," → "Anna").
fn strip_possessive(word: &str) -> String {
    let w = word.trim_end_matches(|c: char| !c.is_alphanumeric());
    let w = w
        .strip_suffix("'s")
        .or_else(|| w.strip_suffix("\u{2019}s"))
        .or_else(|| w.strip_suffix("'S"))
        .or_else(|| w.strip_suffix("\u{2019}S"))
        .unwrap_or(w);
    w.to_string()
}

/// NFC, then lowercase: how names are compared.
/// First names that are also everyday words: in lowercase they are most
/// likely the word.
const WORD_NAMES: &[&str] = &[
    "amber", "angel", "april", "art", "autumn", "bill", "bob", "carol", "chase", "daisy", "dawn",
    "don", "drew", "faith", "frank", "grace", "guy", "hazel", "heather", "holly", "hope", "iris",
    "ivy", "jack", "jay", "jean", "joy", "june", "lance", "lily", "mark", "max", "may", "pat",
    "patience", "pearl", "penny", "ray", "rich", "robin", "rose", "ruby", "sandy", "sky", "summer",
    "sunny", "victor", "violet", "will",
];

fn fold(s: &str) -> String {
    s.nfc().flat_map(char::to_lowercase).collect()
}

fn is_pronoun(word: &str) -> bool {
    PRONOUNS.contains(&fold(word).as_str())
}

fn is_role(word: &str) -> bool {
    ROLES.contains(&fold(word).as_str())
}

/// A capitalised word that is not a pronoun, a role or a common word, with
/// a lowercase letter after its capital.
fn looks_like_name(word: &str) -> bool {
    let mut letters = word.chars().filter(|c| c.is_alphabetic());
    let Some(first) = letters.next() else {
        return false;
    };
    let head = word.split(is_apostrophe).next().unwrap_or(word);
    first.is_uppercase()
        && word.chars().next().is_some_and(char::is_alphabetic)
        && letters.any(char::is_lowercase)
        && ![word, head].iter().any(|w| {
            let w = fold(w);
            PRONOUNS.contains(&w.as_str())
                || ROLES.contains(&w.as_str())
                || COMMON_CAPITALISED.contains(&w.as_str())
        })
}

/// A letter, digit or combining mark: a part of a word.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}')
}

/// Whether `chars[i]` starts a sentence: the start of the text or of a line,
/// or after a full stop, "!" or "?" and a space, with only quotes, brackets
/// or list marks between. The full stop of an initial ("J.") or of "Dr." does
/// not end a sentence.
fn sentence_start(chars: &[char], i: usize) -> bool {
    let mut j = i;
    let mut spaced = false;
    while j > 0 {
        let c = chars[j - 1];
        match c {
            '\n' | '\r' | '\u{2028}' | '\u{2029}' => return true,
            '.' | '!' | '?' | '\u{2026}' | '\u{3002}' | '\u{ff01}' | '\u{ff1f}' => {
                return spaced && !(c == '.' && abbreviation_before(chars, j - 1));
            }
            c if c.is_whitespace() => spaced = true,
            '"' | '\'' | '\u{201c}' | '\u{201d}' | '\u{2018}' | '\u{2019}' | '\u{201e}'
            | '\u{ab}' | '\u{bb}' | '\u{2039}' | '(' | '[' | '{' | '\u{bf}' | '\u{a1}' | '-'
            | '\u{2013}' | '\u{2014}' | '*' | '#' | '>' | '_' | '\u{2022}' => {}
            _ => return false,
        }
        j -= 1;
    }
    true
}

/// Whether the full stop at `dot` ends an initial or a known abbreviation.
fn abbreviation_before(chars: &[char], dot: usize) -> bool {
    let start = (0..dot)
        .rev()
        .find(|&k| !is_word(chars[k]))
        .map_or(0, |k| k + 1);
    let word: String = chars[start..dot].iter().collect();
    word.chars().filter(|c| c.is_alphabetic()).count() == 1
        || ABBREVIATIONS.contains(&word.to_lowercase().as_str())
}

/// "Anna Berg" → "A. B."
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .map(|c| format!("{}.", c.to_uppercase()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where `name` (folded) first stands as a whole word in `text` (folded).
fn find_word(text: &[char], name: &[char]) -> Option<usize> {
    (0..text.len()).find(|&i| {
        (i == 0 || !is_word(text[i - 1]))
            && match_at(text, i, name)
                .is_some_and(|len| text.get(i + len).is_none_or(|c| !is_word(*c)))
    })
}

/// How many chars of `chars` from `i` spell `name` (lowercased), if they do.
fn match_at(chars: &[char], i: usize, name: &[char]) -> Option<usize> {
    let mut j = 0;
    let mut k = i;
    while j < name.len() {
        let c = chars.get(k)?;
        for lc in c.to_lowercase() {
            if name.get(j) != Some(&lc) {
                return None;
            }
            j += 1;
        }
        k += 1;
    }
    (k > i).then_some(k - i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::{Answer, PackRef};

    fn entry(who: &str, text: &str) -> Entry {
        let answer = |key: &str, kind, t: &str| Answer {
            key: key.into(),
            kind,
            question: String::new(),
            framing: None,
            value: Value::Text(t.into()),
        };
        Entry {
            schema: 1,
            id: "x".into(),
            created: chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00+00:00").unwrap(),
            pack: PackRef {
                id: "p".into(),
                version: "1".into(),
            },
            shared: true,
            safety_lane: false,
            answers: vec![
                answer(keys::ARRIVAL_SAFETY, Kind::YesNoUnsure, "not sure"),
                answer(keys::OTHER_WHO, Kind::ShortText, who),
                answer(keys::WHAT_HAPPENED, Kind::LongText, text),
            ],
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

    fn roles(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    fn apply(who: &[&str], text: &str) -> String {
        let journal: Vec<Entry> = who.iter().map(|w| entry(w, text)).collect();
        Pseudonyms::new(&journal, &roles(&[("Zoë", "my friend")])).apply(text)
    }

    #[test]
    fn names_become_initials_or_roles_as_whole_words() {
        assert_eq!(
            apply(&["Anna Berg"], "anna berg, ANNA and Berg; not Annabel."),
            "A. B., A. B. and A. B.; not Annabel."
        );
        assert_eq!(
            apply(&["Anna"], "then ZOË said hi to my mum"),
            "then my friend said hi to my mum"
        );
        assert_eq!(apply(&["sam"], "Sam and sam came"), "S. and S. came");
        assert_eq!(apply(&["محمد"], "قال محمد"), "قال م.");
    }

    #[test]
    fn roles_stay_and_names_inside_roles_go() {
        assert_eq!(
            apply(&["my sister", "My manager"], "my sister and My manager"),
            "my sister and My manager"
        );
        assert_eq!(
            apply(&["my sister Anna"], "Anna, my sister"),
            "A., my sister"
        );
        assert_eq!(apply(&["Tom's mum"], "Tom called"), "T. called");
    }

    #[test]
    fn who_answers_name_people_not_roles_pronouns_or_descriptions() {
        let names =
            |who: &str| -> Vec<String> { names_in(who).into_iter().map(|(n, _)| n).collect() };
        assert_eq!(names("my sister anna"), ["anna"]);
        assert_eq!(names("my little sister Anna"), ["Anna"]);
        assert_eq!(names("tom's mum"), ["tom"]);
        assert_eq!(names("sam from work"), ["sam"]);
        assert_eq!(names("tom and anna"), ["tom", "anna"]);
        assert_eq!(names("Mum, Tom & me"), ["Tom"]);
        assert_eq!(names("J."), ["J."]);
        assert!(names("someone at work").is_empty());
        assert!(names("my flatmate").is_empty());
        assert!(names("my best friend").is_empty());
        assert!(names("Mum").is_empty());
        assert!(names("I").is_empty());
        assert!(names("them").is_empty());
        assert_eq!(
            names_in("tom baker"),
            [(
                "tom baker".to_string(),
                vec!["tom".to_string(), "baker".to_string()]
            )]
        );
    }

    #[test]
    fn sentences_start_after_a_stop_and_a_space_but_not_after_an_initial() {
        let starts = |t: &str| sentence_start(&t.chars().collect::<Vec<_>>(), t.len() - 1);
        assert!(starts("x"));
        assert!(starts("Done. x"));
        assert!(starts("Done!\n- x"));
        assert!(starts("Done? \"x"));
        assert!(!starts("J. x"));
        assert!(!starts("Dr. x"));
        assert!(!starts("and x"));
        assert!(!starts("e.x"));
    }

    #[test]
    fn labels_that_would_clash_are_numbered_and_never_replaced_again() {
        assert_eq!(apply(&["Alex", "Anna"], "Alex, Anna"), "A., A. (2)");
        let journal = vec![entry("Alexandra", "Alexandra and Mum")];
        let ps = Pseudonyms::new(&journal, &roles(&[("Alexandra", "Mum"), ("Mum", "M.")]));
        assert_eq!(ps.apply("Alexandra and Mum"), "Mum and M.");
    }

    #[test]
    fn fixed_answers_are_left_alone_and_unseen_names_get_no_label() {
        let shared = vec![entry("Sure", "Sure was there")];
        let ps = Pseudonyms::new(&shared, &BTreeMap::new());
        let e = ps.entry(&shared[0]);
        assert_eq!(e.text(keys::ARRIVAL_SAFETY), Some("not sure"));
        assert_eq!(e.text(keys::WHAT_HAPPENED), Some("S. was there"));
        assert_eq!(
            ps.pairs.len(),
            1,
            "Bea is not in the export, so gets no label"
        );
    }
}
