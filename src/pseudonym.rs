//! Swapping the names a person used for people for stable labels before an
//! export leaves the machine: initials by default, or the roles the config
//! maps names to. Pure.

use std::collections::BTreeMap;

use crate::entry::{Entry, Feeling, Value, keys};

/// Names and the labels that replace them, longest name first so that
/// "Anna Berg" is replaced before "Anna".
#[derive(Debug, Default)]
pub struct Pseudonyms {
    pairs: Vec<(String, String)>,
}

impl Pseudonyms {
    /// Every `other.who` answer in `entries` that is a name rather than a
    /// role ("Tom", "J.", not "my sister"), and every name in `roles`.
    pub fn new(entries: &[Entry], roles: &BTreeMap<String, String>) -> Pseudonyms {
        let mut names: Vec<String> = entries
            .iter()
            .filter_map(|e| e.text(keys::OTHER_WHO))
            .filter(|who| is_name(who))
            .chain(roles.keys().map(String::as_str))
            .map(|n| n.trim().to_string())
            .filter(|n| n.chars().any(char::is_alphanumeric))
            .collect();
        // One spelling per name, whatever its case, preferring the capitalised
        // one; sorted, so labels are stable.
        let lower_words = |n: &str| {
            n.split_whitespace()
                .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
                .count()
        };
        names.sort_by_key(|n| (n.to_lowercase(), lower_words(n), n.clone()));
        names.dedup_by_key(|n| n.to_lowercase());

        let mut used: BTreeMap<String, usize> = BTreeMap::new();
        let mut pairs: Vec<(String, String)> = Vec::with_capacity(names.len());
        for name in names {
            let base = roles
                .iter()
                .find(|(k, _)| k.trim().to_lowercase() == name.to_lowercase())
                .map(|(_, role)| role.trim().to_string())
                .unwrap_or_else(|| initials(&name));
            let n = used.entry(base.to_lowercase()).or_insert(0);
            *n += 1;
            let label = if *n == 1 {
                base
            } else {
                format!("{base} ({n})")
            };
            pairs.push((name, label));
        }
        // "Tom Baker" may also be written "Tom" or "Baker": the parts of a
        // capitalised full name get the same label. "my sister" has no such parts.
        let parts: Vec<(String, String)> = pairs
            .iter()
            .filter(|(name, _)| {
                let words: Vec<&str> = name.split_whitespace().collect();
                words.len() > 1
                    && words
                        .iter()
                        .all(|w| w.chars().next().is_some_and(char::is_uppercase))
            })
            .flat_map(|(name, label)| {
                name.split_whitespace()
                    .filter(|w| w.chars().filter(|c| c.is_alphanumeric()).count() > 1)
                    .map(|w| (w.to_string(), label.clone()))
                    .collect::<Vec<_>>()
            })
            .collect();
        for (part, label) in parts {
            if !pairs
                .iter()
                .any(|(n, _)| n.to_lowercase() == part.to_lowercase())
            {
                pairs.push((part, label));
            }
        }
        pairs.sort_by(|a, b| {
            b.0.chars()
                .count()
                .cmp(&a.0.chars().count())
                .then(a.0.cmp(&b.0))
        });
        Pseudonyms { pairs }
    }

    /// `text` with every name replaced, as a whole word, in any case.
    pub fn apply(&self, text: &str) -> String {
        let mut text = text.to_string();
        for (name, label) in &self.pairs {
            text = replace_word(&text, name, label);
        }
        text
    }

    /// A copy of the entry with names replaced in every answer and the nudge answer.
    pub fn entry(&self, e: &Entry) -> Entry {
        let mut e = e.clone();
        for a in &mut e.answers {
            match &mut a.value {
                Value::Text(t) => *t = self.apply(t),
                Value::Feelings(fs) => {
                    for Feeling { name, .. } in fs {
                        *name = self.apply(name);
                    }
                }
                Value::Bool(_) | Value::Rating(_) => {}
            }
        }
        if let Some(n) = &mut e.nudge {
            n.answer = n.answer.as_deref().map(|a| self.apply(a));
        }
        e
    }
}

/// Whether a `who` answer names someone: after a leading "my", "the" and
/// the like, some word is capitalised. "my sister" and "My manager" are roles
/// the patient was asked to use, and are left as they are.
fn is_name(who: &str) -> bool {
    const LEADING: [&str; 8] = ["my", "the", "a", "an", "our", "his", "her", "their"];
    let mut words = who.split_whitespace().peekable();
    while words
        .peek()
        .is_some_and(|w| LEADING.contains(&w.to_lowercase().as_str()))
    {
        words.next();
    }
    words.any(|w| w.chars().next().is_some_and(char::is_uppercase))
}

/// "Anna Berg" → "A. B."
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .map(|c| format!("{}.", c.to_uppercase()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn replace_word(text: &str, name: &str, label: &str) -> String {
    let name: Vec<char> = name.chars().flat_map(char::to_lowercase).collect();
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if let Some(len) = match_at(&chars, i, &name) {
            let before_ok = i == 0 || !chars[i - 1].is_alphanumeric();
            let after_ok = i + len == chars.len() || !chars[i + len].is_alphanumeric();
            if before_ok && after_ok {
                out.push_str(label);
                i += len;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
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
    Some(k - i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::{Answer, Kind, PackRef};

    fn who(name: &str) -> Entry {
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
            answers: vec![Answer {
                key: keys::OTHER_WHO.into(),
                kind: Kind::ShortText,
                question: String::new(),
                value: Value::Text(name.into()),
            }],
            nudge: None,
        }
    }

    fn roles(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn names_become_initials_or_roles_as_whole_words() {
        let ps = Pseudonyms::new(
            &[
                who("Anna Berg"),
                who("my sister"),
                who("My manager"),
                who("J."),
            ],
            &roles(&[("Zoë", "my friend")]),
        );
        let s = ps.apply("anna berg and ANNA, not Annabel.");
        assert_eq!(s, "A. B. and A. B., not Annabel.");
        let s = ps.apply("Berg called my sister");
        assert_eq!(s, "A. B. called my sister", "roles stay as they are");
        assert_eq!(ps.apply("My manager and J. came"), "My manager and J. came");
        assert_eq!(
            ps.apply("ZOË said hi to my mum"),
            "my friend said hi to my mum"
        );
    }

    #[test]
    fn labels_that_would_clash_are_numbered() {
        let ps = Pseudonyms::new(&[who("Alex"), who("Anna")], &BTreeMap::new());
        assert_eq!(ps.apply("Alex, Anna"), "A., A. (2)");
    }
}
