use anyhow::Result;

use crate::context::Context;
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
        store.update_entry(&stored)?;
        if share {
            eprintln!(
                "Entry {short} is now shared: it will be part of what you export for your therapist."
            );
        } else {
            eprintln!("Entry {short} is private again: it leaves no trace in any export.");
        }
    }
    super::skipped(&damaged)
}
