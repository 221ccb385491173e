//! Measures: a questionnaire a therapist adds to a pack as data (items, a
//! response scale with anchor words, per-item recoding, subscales scored as
//! a sum or a mean). mentalog ships no text of any published instrument.
//! Scores are computed when an entry is saved and stored with it, so a pack
//! removed or changed later never changes them; the walk never shows them.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::entry::{Answer, MeasureResult, SubscaleResult};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    /// A short id of letters, digits and dashes; answers are stored under
    /// `measure.<id>.<item id>`.
    pub id: String,
    pub title: String,
    /// Shown before the first item.
    #[serde(default)]
    pub instructions: Option<String>,
    /// Where the source of the measure is published, printed in the export.
    pub citation: String,
    /// Whose permission allows its use here, printed in the export.
    pub permission: String,
    /// Where it is asked: "start" (right after the arrival check), "end"
    /// (before the sharing questions, the default) or a step key (after it).
    #[serde(default)]
    pub at: Option<String>,
    /// How often it is asked, as a rhythm ("every 7 days", "weekly"); every
    /// entry when absent.
    #[serde(default)]
    pub every: Option<String>,
    pub scale: Scale,
    pub items: Vec<MeasureItem>,
    #[serde(default)]
    pub subscales: Vec<Subscale>,
}

/// The response scale: whole numbers from `min` to `max`, with anchor words
/// for the two ends or one for every point.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    pub min: u8,
    pub max: u8,
    pub anchors: Vec<String>,
}

impl Scale {
    /// The points of the scale.
    pub fn points(&self) -> std::ops::RangeInclusive<u8> {
        self.min..=self.max
    }

    /// The scale as a question shows it: "0 = never, 3 = always", or every
    /// point with its words.
    pub fn key(&self) -> String {
        let n = usize::from(self.max.saturating_sub(self.min)) + 1;
        if self.anchors.len() == n {
            self.points()
                .zip(&self.anchors)
                .map(|(v, a)| format!("{v} = {a}"))
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            match (self.anchors.first(), self.anchors.last()) {
                (Some(low), Some(high)) if self.anchors.len() == 2 => {
                    format!("{} = {low}, {} = {high}", self.min, self.max)
                }
                _ => format!("{} to {}", self.min, self.max),
            }
        }
    }

    /// One line per point, as a list shows them: "0: not at all", "1", ...
    pub fn labels(&self) -> Vec<String> {
        let n = usize::from(self.max.saturating_sub(self.min)) + 1;
        self.points()
            .enumerate()
            .map(|(i, v)| {
                let anchor = if self.anchors.len() == n {
                    Some(&self.anchors[i])
                } else if i == 0 {
                    self.anchors.first()
                } else if i + 1 == n {
                    self.anchors.last()
                } else {
                    None
                };
                match anchor {
                    Some(a) if !a.trim().is_empty() => format!("{v}: {a}"),
                    _ => v.to_string(),
                }
            })
            .collect()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureItem {
    pub id: String,
    pub text: String,
    /// Scores the item the other way round: `min + max - answer`.
    #[serde(default)]
    pub reverse: bool,
    /// A recode table from each point of the scale (as a string key, such
    /// as "0") to the score it counts as. It must cover the whole scale.
    #[serde(default)]
    pub recode: Option<BTreeMap<String, f64>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreMethod {
    Sum,
    Mean,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subscale {
    pub id: String,
    pub title: String,
    pub items: Vec<String>,
    pub score: ScoreMethod,
    /// With items skipped, a score is given only when at least this many
    /// were answered (default: all of them). A mean is then the mean of the
    /// items answered; a sum is that mean times the number of items.
    #[serde(default)]
    pub min_answered: Option<usize>,
}

impl Measure {
    /// The key an item's answer is stored under.
    pub fn item_key(&self, item: &MeasureItem) -> String {
        format!("measure.{}.{}", self.id, item.id)
    }

    /// The score of one answer to `item`, after reversing or recoding.
    pub fn item_score(&self, item: &MeasureItem, answer: u8) -> Option<f64> {
        if !self.scale.points().contains(&answer) {
            return None;
        }
        if let Some(table) = &item.recode {
            // Keys are read as numbers, so "3" and " 3" mean the same point;
            // a score that is not a finite number scores nothing.
            return table
                .iter()
                .find(|(k, _)| k.trim().parse::<u8>().ok() == Some(answer))
                .map(|(_, v)| *v)
                .filter(|v| v.is_finite());
        }
        if item.reverse {
            return Some(f64::from(self.scale.min + self.scale.max - answer));
        }
        Some(f64::from(answer))
    }

    /// Scores every subscale from the answers given; `None` when no item of
    /// this measure was answered.
    pub fn score(&self, answers: &[Answer], show_scores: bool) -> Option<MeasureResult> {
        let answered = |item: &MeasureItem| -> Option<f64> {
            let key = self.item_key(item);
            let a = answers.iter().find(|a| a.key == key)?;
            self.item_score(item, a.value.as_rating()?)
        };
        if !self.items.iter().any(|i| answered(i).is_some()) {
            return None;
        }
        let subscales = self
            .subscales
            .iter()
            .map(|sub| {
                let scores: Vec<f64> = sub
                    .items
                    .iter()
                    .filter_map(|id| self.items.iter().find(|i| &i.id == id))
                    .filter_map(answered)
                    .collect();
                let of = sub.items.len();
                let needed = sub.min_answered.unwrap_or(of).clamp(1, of.max(1));
                let score = (scores.len() >= needed && !scores.is_empty()).then(|| {
                    let mean = scores.iter().sum::<f64>() / scores.len() as f64;
                    match sub.score {
                        ScoreMethod::Mean => mean,
                        ScoreMethod::Sum if scores.len() == of => scores.iter().sum(),
                        ScoreMethod::Sum => mean * of as f64,
                    }
                });
                SubscaleResult {
                    id: sub.id.clone(),
                    title: sub.title.clone(),
                    method: match sub.score {
                        ScoreMethod::Sum => "sum".into(),
                        ScoreMethod::Mean => "mean".into(),
                    },
                    score: score.map(round2),
                    answered: scores.len(),
                    items: of,
                }
            })
            .collect();
        Some(MeasureResult {
            id: self.id.clone(),
            title: self.title.clone(),
            citation: self.citation.clone(),
            permission: self.permission.clone(),
            show_scores,
            subscales,
        })
    }
}

/// Two decimals, so stored scores read the same everywhere.
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::{Kind, Value};

    fn measure() -> Measure {
        toml::from_str(
            r#"
id = "m"
title = "A made-up measure"
citation = "Made up for tests"
permission = "none needed"
scale = { min = 0, max = 3, anchors = ["never", "always"] }
items = [
  { id = "a", text = "A" },
  { id = "b", text = "B", reverse = true },
  { id = "c", text = "C", recode = { "0" = 3, "1" = 2, "2" = 1, "3" = 0 } },
  { id = "d", text = "D" },
]
subscales = [
  { id = "s", title = "Sum", items = ["a", "b"], score = "sum" },
  { id = "m", title = "Mean", items = ["b", "c", "d"], score = "mean", min_answered = 2 },
]
"#,
        )
        .unwrap()
    }

    fn answer(key: &str, v: u8) -> Answer {
        Answer {
            key: key.into(),
            kind: Kind::Scale,
            question: String::new(),
            framing: None,
            value: Value::Rating(v),
        }
    }

    #[test]
    fn reversed_and_recoded_items_score_as_written() {
        let m = measure();
        let answers = [
            answer("measure.m.a", 2),
            answer("measure.m.b", 1), // reversed: 2
            answer("measure.m.c", 0), // recoded: 3
        ];
        let r = m.score(&answers, true).unwrap();
        assert_eq!(r.subscales[0].score, Some(4.0));
        // b = 2, c = 3, d skipped: two of three answered, the mean of those.
        assert_eq!(r.subscales[1].score, Some(2.5));
        assert_eq!(r.subscales[1].answered, 2);
    }

    #[test]
    fn too_few_answers_give_no_score() {
        let m = measure();
        let r = m.score(&[answer("measure.m.a", 2)], false).unwrap();
        assert_eq!(
            r.subscales[0].score, None,
            "a sum needs every item by default"
        );
        assert_eq!(r.subscales[1].score, None);
        assert!(m.score(&[], false).is_none());
    }

    #[test]
    fn labels_put_anchor_words_at_the_ends() {
        assert_eq!(
            measure().scale.labels(),
            ["0: never", "1", "2", "3: always"]
        );
    }
}
