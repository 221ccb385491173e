//! Swapping the names a person used for people for stable labels before an
//! export leaves the machine: initials by default, or the roles the config
//! maps names to. Pure.
//!
//! Names come from the `other.who` answers of the whole journal and the
//! config's `[names]`; only those that appear in what is exported get a
//! label, so the labels say nothing about entries that stay private.

use std::collections::BTreeMap;

use crate::entry::{Entry, Kind, Value, keys};

/// Words that make a `who` answer a role rather than a name: "my sister".
const LEADING: [&str; 9] = ["my", "the", "a", "an", "our", "his", "her", "their", "your"];

/// Names (lowercased) and the labels that replace them, longest first so
/// that "Anna Berg" wins over "Anna".
#[derive(Debug, Default)]
pub struct Pseudonyms {
    pairs: Vec<(Vec<char>, String)>,
}

/// One person: the name as first written, what to call them, and every
/// spelling to replace (the full name and, for a full name, its parts).
struct Person {
    full: String,
    base: String,
    names: Vec<String>,
}

impl Pseudonyms {
    /// Names from the `who` answers of `journal` and the keys of `roles`,
    /// labelled if they appear in `exported`.
    pub fn new<'a>(
        journal: &[Entry],
        exported: impl IntoIterator<Item = &'a Entry>,
        roles: &BTreeMap<String, String>,
    ) -> Pseudonyms {
        let role_of = |name: &str| {
            roles
                .iter()
                .find(|(k, _)| k.trim().to_lowercase() == name.to_lowercase())
                .map(|(_, r)| r.trim().to_string())
        };
        let mut people: Vec<Person> = Vec::new();
        let candidates = journal
            .iter()
            .filter_map(|e| e.text(keys::OTHER_WHO))
            .flat_map(names_in)
            .chain(roles.keys().map(|k| (k.trim().to_string(), Vec::new())));
        for (full, parts) in candidates {
            if full.is_empty()
                || people
                    .iter()
                    .any(|p| p.full.to_lowercase() == full.to_lowercase())
            {
                continue;
            }
            let base = role_of(&full).unwrap_or_else(|| initials(&full));
            let mut names = vec![full.clone()];
            names.extend(parts);
            people.push(Person { full, base, names });
        }

        // Only people named in what leaves the machine get a label.
        let texts: Vec<Vec<char>> = exported
            .into_iter()
            .flat_map(texts_of)
            .map(|t| t.chars().flat_map(char::to_lowercase).collect())
            .collect();
        people.retain(|p| {
            p.names.iter().any(|n| {
                let n: Vec<char> = n.chars().flat_map(char::to_lowercase).collect();
                texts.iter().any(|t| find_word(t, &n).is_some())
            })
        });
        people.sort_by_key(|p| p.full.to_lowercase());

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
                let lower: Vec<char> = name.chars().flat_map(char::to_lowercase).collect();
                if !pairs.iter().any(|(l, _)| *l == lower) {
                    pairs.push((lower, label.clone()));
                }
            }
        }
        pairs.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        Pseudonyms { pairs }
    }

    /// `text` with every name replaced as a whole word, in any case, in one
    /// pass: a label is never replaced again.
    pub fn apply(&self, text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        'outer: while i < chars.len() {
            if i == 0 || !chars[i - 1].is_alphanumeric() {
                for (name, label) in &self.pairs {
                    if let Some(len) = match_at(&chars, i, name)
                        && chars.get(i + len).is_none_or(|c| !c.is_alphanumeric())
                    {
                        out.push_str(label);
                        i += len;
                        continue 'outer;
                    }
                }
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

/// The names in a `who` answer, each with the parts to replace too:
/// - "my sister", "My manager": a role, no name;
/// - "my sister Anna", "Tom's mum": the capitalised words ("Anna", "Tom");
/// - "Tom Baker", "sam", "J.", or a script without capitals: the whole answer,
///   and for a full name its words ("Tom", "Baker").
fn names_in(who: &str) -> Vec<(String, Vec<String>)> {
    let words: Vec<&str> = who.split_whitespace().collect();
    let lead = words
        .iter()
        .take_while(|w| LEADING.contains(&w.to_lowercase().as_str()))
        .count();
    let rest = &words[lead..];
    let capital = |w: &&&str| w.chars().next().is_some_and(char::is_uppercase);
    let lower = |w: &&str| w.chars().next().is_some_and(char::is_lowercase);
    let caps: Vec<String> = rest
        .iter()
        .filter(capital)
        .map(|w| strip_possessive(w))
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect();
    if rest.is_empty() || (lead > 0 && caps.is_empty()) {
        return Vec::new();
    }
    if !caps.is_empty() && rest.iter().any(lower) {
        return caps.into_iter().map(|c| (c, Vec::new())).collect();
    }
    let full = rest.join(" ");
    let parts = if rest.len() > 1 {
        rest.iter()
            .map(|w| strip_possessive(w))
            .filter(|w| w.chars().filter(|c| c.is_alphanumeric()).count() > 1)
            .collect()
    } else {
        Vec::new()
    };
    vec![(full, parts)]
}

/// "Tom's" → "Tom"; trailing punctuation goes too ("Anna," → "Anna").
fn strip_possessive(word: &str) -> String {
    let w = word.trim_end_matches(|c: char| !c.is_alphanumeric());
    let w = w
        .strip_suffix("'s")
        .or_else(|| w.strip_suffix("\u{2019}s"))
        .unwrap_or(w);
    w.to_string()
}

/// "Anna Berg" → "A. B."
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .map(|c| format!("{}.", c.to_uppercase()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where `name` (lowercased) first stands as a whole word in `text` (lowercased).
fn find_word(text: &[char], name: &[char]) -> Option<usize> {
    (0..text.len()).find(|&i| {
        (i == 0 || !text[i - 1].is_alphanumeric())
            && match_at(text, i, name)
                .is_some_and(|len| text.get(i + len).is_none_or(|c| !c.is_alphanumeric()))
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
        Pseudonyms::new(&journal, &journal, &roles(&[("Zoë", "my friend")])).apply(text)
    }

    #[test]
    fn names_become_initials_or_roles_as_whole_words() {
        assert_eq!(
            apply(&["Anna Berg"], "anna berg, ANNA and Berg; not Annabel."),
            "A. B., A. B. and A. B.; not Annabel."
        );
        assert_eq!(
            apply(&["Anna"], "ZOË said hi to my mum"),
            "my friend said hi to my mum"
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
    fn labels_that_would_clash_are_numbered_and_never_replaced_again() {
        assert_eq!(apply(&["Alex", "Anna"], "Alex, Anna"), "A., A. (2)");
        let journal = vec![entry("Alexandra", "Alexandra and Mum")];
        let ps = Pseudonyms::new(
            &journal,
            &journal,
            &roles(&[("Alexandra", "Mum"), ("Mum", "M.")]),
        );
        assert_eq!(ps.apply("Alexandra and Mum"), "Mum and M.");
    }

    #[test]
    fn fixed_answers_are_left_alone_and_unseen_names_get_no_label() {
        let journal = vec![entry("Sure", "Sure was there"), entry("Bea", "no one")];
        let shared = vec![journal[0].clone()];
        let ps = Pseudonyms::new(&journal, &shared, &BTreeMap::new());
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
