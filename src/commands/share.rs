use anyhow::Result;

use crate::context::Context;
use crate::entry::{Value, keys};
use crate::flow::LANE_SHARE_ITEMS;

/// `share` and `unshare`: set whether an entry goes into exports. Sharing
/// shares the whole entry; unsharing takes back all of it, including "only
/// that the safety steps opened".
pub fn run(ctx: &Context, id: &str, share: bool) -> Result<()> {
    let store = &ctx.store;
    store.require_journal()?;
    // Read, change and write back under the journal's lock, so a share and
    // an unshare of the same entry at once cannot undo each other halfway.
    let _lock = store.lock()?;
    let (mut stored, damaged) = super::show::find_one(store, id)?;
    let short = crate::text::one_line(stored.entry.short_id());
    let entry = &mut stored.entry;
    // Shared whole already, or private with nothing shared at all.
    let already = if share {
        entry.shared
    } else {
        !entry.shared && !entry.safety_shared
    };
    if already {
        ctx.note(&format!(
            "Entry {short} is already {}; nothing changed.",
            if share { "shared" } else { "private" }
        ));
    } else {
        entry.shared = share;
        entry.safety_shared = share;
        // The answers to "Include this entry...?" and to the lane's sharing
        // question follow, so the file never says both shared and "no".
        for a in &mut entry.answers {
            if a.key == keys::SHARE_INCLUDE {
                a.value = Value::Bool(share);
            } else if a.key == keys::SAFETY_SHARE {
                let item = if share { 0 } else { 2 };
                a.value = Value::Text(LANE_SHARE_ITEMS[item].into());
            }
        }
        store.update_entry(&stored)?;
        // Later reflections go with their entry; the person should know.
        let (later, _) = crate::store::reflections::read_reflections(&stored.path);
        if !later.is_empty() {
            ctx.note(&if later.len() == 1 {
                "Its later reflection goes with it.".to_string()
            } else {
                format!("Its {} later reflections go with it.", later.len())
            });
        }
        if share {
            ctx.note(&format!(
                "Entry {short} is now shared: it will be part of what you export for your therapist."
            ));
        } else {
            ctx.note(&format!(
                "Entry {short} is private again: exports you make from now on leave it out. Summaries already written are not changed."
            ));
        }
    }
    super::skipped(&damaged)
}
