//! The crisis plan as a person sees it, in `mentalog plan` and in the walk:
//! one piece of code, so the two never drift. With no plan written and no
//! contacts set up, it still gives words for now, and never sends a person
//! in crisis off to write a plan.

use crate::entry::PlanState;
pub use crate::pack::{EMERGENCY_LINE, NO_CONTACT_LINE};
use crate::pack::{Fixed, english_fixed};
use crate::text::{clean, one_line};

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
        self.lines_in(&english_fixed())
    }

    /// [`CrisisPlan::lines`] with the fixed lines of a pack's language.
    pub fn lines_in(&self, fixed: &Fixed) -> Vec<String> {
        let mut lines = Vec::new();
        match self.text {
            Some(text) => {
                lines.push("Your crisis plan:".to_string());
                lines.extend(clean(text.trim_end()).lines().map(str::to_string));
            }
            None => lines.extend(clean(&fixed.for_now).lines().map(str::to_string)),
        }
        lines.push(String::new());
        if self.contacts.is_empty() {
            lines.push(one_line(&fixed.no_contacts));
        } else {
            lines.push("People and services you can contact:".to_string());
            lines.extend(self.contacts.iter().map(|c| format!("  {}", one_line(c))));
        }
        lines.push(String::new());
        lines.push(one_line(&fixed.emergency));
        lines.push(one_line(&fixed.no_contact));
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
