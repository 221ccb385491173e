//! An answers file for `mentalog new --answers`: a JSON object from step
//! key to value, checked against the pack before anything is saved. Pure.

use crate::entry::{Answer, Kind, LaneShare, Value, keys};
use crate::flow;
use crate::pack::Pack;

/// Reads an answers file: a JSON object from step key to value, in any order.
/// Answers are stored in the pack's order; `null` or an empty text means
/// skipped. A safety-lane entry may say what the therapist may see in
/// `safety.share`: "whole", "steps_only" or "nothing" (the default).
pub fn answers_from_json(
    pack: &Pack,
    text: &str,
) -> Result<(Vec<Answer>, Option<LaneShare>), String> {
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not valid JSON ({e})"))?;
    let object = json
        .as_object()
        .ok_or("expected a JSON object from step key to answer")?;
    for key in object.keys() {
        if key != keys::SAFETY_NOTE && key != keys::SAFETY_SHARE && pack.step(key).is_none() {
            return Err(format!(
                "unknown key `{key}`: the pack {} has no such step",
                pack.id
            ));
        }
    }
    let safety_note = (keys::SAFETY_NOTE, Kind::LongText, "", &[][..]);
    let steps = pack
        .steps
        .iter()
        .map(|s| {
            (
                s.key.as_str(),
                s.kind,
                s.question.as_str(),
                s.options.as_slice(),
            )
        })
        .chain([safety_note]);
    let mut answers = Vec::new();
    for (key, kind, question, options) in steps {
        // An empty text is a skipped question, as in the guided walk.
        let blank = |v: &serde_json::Value| v.as_str().is_some_and(|t| t.trim().is_empty());
        match object.get(key) {
            None | Some(serde_json::Value::Null) => {
                if pack.step(key).is_some_and(|s| !s.skippable) {
                    return Err(format!("`{key}` is required"));
                }
            }
            Some(json) if blank(json) => {}
            Some(json) => {
                let value =
                    Value::from_json(kind, options, json).map_err(|e| format!("`{key}`: {e}"))?;
                let question = if key == keys::SAFETY_NOTE {
                    pack.safety.note_question.as_str()
                } else {
                    question
                };
                answers.push(Answer {
                    key: key.to_string(),
                    kind,
                    question: question.to_string(),
                    framing: pack.step(key).and_then(|s| s.framing.clone()),
                    value,
                });
            }
        }
    }
    let share = match object.get(keys::SAFETY_SHARE) {
        None | Some(serde_json::Value::Null) => None,
        Some(json) => {
            let share: LaneShare = serde_json::from_value(json.clone()).map_err(|_| {
                format!(
                    "`{}`: expected \"whole\", \"steps_only\" or \"nothing\"",
                    keys::SAFETY_SHARE
                )
            })?;
            answers.push(Answer {
                key: keys::SAFETY_SHARE.into(),
                kind: Kind::Choice,
                question: flow::LANE_SHARE_QUESTION.into(),
                framing: None,
                value: Value::Text(
                    flow::LANE_SHARE_ITEMS[match share {
                        LaneShare::Whole => 0,
                        LaneShare::StepsOnly => 1,
                        LaneShare::Nothing => 2,
                    }]
                    .into(),
                ),
            });
            Some(share)
        }
    };
    Ok((answers, share))
}
