use anyhow::Result;

use crate::context::Context;
use crate::entry::{Value, keys};
use crate::store::Store;

/// `share` and `unshare`: set whether an entry goes into exports.
pub fn run(ctx: &Context, id: &str, share: bool) -> Result<()> {
    let store = Store::new(&ctx.paths.data);
    let (mut stored, damaged) = super::show::find_one(&store, id)?;
    let short = stored.entry.short_id().to_string();
    if stored.entry.shared == share {
        eprintln!(
            "Entry {short} is already {}; nothing changed.",
            if share { "shared" } else { "private" }
        );
    } else {
        stored.entry.shared = share;
        // The answer to "Include this entry...?" follows, so the file never
        // says both shared and "no".
        for a in &mut stored.entry.answers {
            if a.key == keys::SHARE_INCLUDE {
                a.value = Value::Bool(share);
            }
        }
        store.update_entry(&stored)?;
        if share {
            eprintln!(
                "Entry {short} is now shared: it will be part of what you export for your therapist."
            );
        } else {
            eprintln!(
                "Entry {short} is private again: exports you make from now on leave it out. Summaries already written are not changed."
            );
        }
    }
    super::skipped(&damaged)
}
