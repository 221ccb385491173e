//! The crisis plan as a person sees it, in `mentalog plan` and in the walk:
//! one piece of code, so the two never drift. With no plan written and no
//! contacts set up, it still gives words for now, and never sends a person
//! in crisis off to write a plan.

use crate::entry::PlanState;
use crate::text::{clean, one_line};

/// Said in the safety lane, whatever the pack.
pub const EMERGENCY_LINE: &str =
    "If you are in immediate danger, call your local emergency number.";
/// Said at setup and in the safety lane, whatever the pack.
pub const NO_CONTACT_LINE: &str =
    "This journal doesn't contact anyone. Your therapist sees only what you choose to export.";

/// The plan file's text and the configured contacts.
pub struct CrisisPlan<'a> {
    /// The plan as written; `None` when there is none, or only the
    /// unfilled template.
    pub text: Option<&'a str>,
    /// The contacts, one line each, problems in the config included.
    pub contacts: &'a [String],
}

impl CrisisPlan<'_> {
    /// Whether a plan and contacts exist, as an entry records it.
    pub fn state(&self) -> PlanState {
        PlanState {
            plan_written: self.text.is_some(),
            contacts: !self.contacts.is_empty(),
        }
    }

    /// The lines shown: the plan (or words for now), the contacts (or that
    /// none are set up yet), the emergency line and the no-contact line.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        match self.text {
            Some(text) => {
                lines.push("Your crisis plan:".to_string());
                lines.extend(clean(text.trim_end()).lines().map(str::to_string));
            }
            None => {
                lines.push(
                    "For now, if you can, reach out to someone you trust, or to your care team."
                        .to_string(),
                );
                lines.push(
                    "Stay with someone, or somewhere you feel a little safer, until this passes."
                        .to_string(),
                );
            }
        }
        lines.push(String::new());
        if self.contacts.is_empty() {
            lines.push("No crisis contacts are set up in mentalog yet.".to_string());
        } else {
            lines.push("People and services you can contact:".to_string());
            lines.extend(self.contacts.iter().map(|c| format!("  {}", one_line(c))));
        }
        lines.push(String::new());
        lines.push(EMERGENCY_LINE.to_string());
        lines.push(NO_CONTACT_LINE.to_string());
        lines
    }
}

/// The plan's text when it is really written: not missing, not blank and
/// not the unfilled template.
pub fn written<'a>(plan: Option<&'a str>, template: &str) -> Option<&'a str> {
    plan.filter(|p| !p.trim().is_empty() && p.trim() != template.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_nothing_set_up_it_gives_words_for_now_and_never_a_task() {
        let plan = CrisisPlan {
            text: None,
            contacts: &[],
        };
        let text = plan.lines().join("\n");
        assert!(text.contains("reach out to someone you trust"), "{text}");
        assert!(text.contains("No crisis contacts are set up"), "{text}");
        assert!(text.contains(EMERGENCY_LINE) && text.contains(NO_CONTACT_LINE));
        assert!(
            !text.contains("--edit") && !text.contains("write"),
            "{text}"
        );
        assert_eq!(
            plan.state(),
            PlanState {
                plan_written: false,
                contacts: false
            }
        );
    }

    #[test]
    fn a_written_plan_and_contacts_are_shown_cleaned() {
        let contacts = ["Sam: 555\u{1b}[8m".to_string()];
        let plan = CrisisPlan {
            text: Some("Call Sam.\n"),
            contacts: &contacts,
        };
        let text = plan.lines().join("\n");
        assert!(text.starts_with("Your crisis plan:\nCall Sam."), "{text}");
        assert!(
            text.contains("  Sam: 555") && !text.contains('\u{1b}'),
            "{text}"
        );
    }

    #[test]
    fn the_unfilled_template_is_no_plan() {
        assert_eq!(written(Some("T\n"), "T"), None);
        assert_eq!(written(Some("  "), "T"), None);
        assert_eq!(written(Some("Mine"), "T"), Some("Mine"));
    }
}
