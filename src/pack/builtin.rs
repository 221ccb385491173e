//! The packs built into the binary, embedded from `prompts/`.

/// The pack new entries use when none is chosen.
pub const BUILTIN_ID: &str = "mbt-core";
pub(super) const BUILTIN_SOURCE: &str = include_str!("../../prompts/mbt-core.toml");

/// Every built-in pack as (id, TOML source), the default first.
pub const BUILTIN: &[(&str, &str)] = &[
    (BUILTIN_ID, BUILTIN_SOURCE),
    ("mbt-quick", include_str!("../../prompts/mbt-quick.toml")),
    ("mbt-better", include_str!("../../prompts/mbt-better.toml")),
    (
        "mbt-session",
        include_str!("../../prompts/mbt-session.toml"),
    ),
];

#[cfg(test)]
mod wording {
    use super::BUILTIN;

    /// FNV-1a, 64 bits: stable across Rust versions, unlike `DefaultHasher`.
    fn fnv(text: &str) -> u64 {
        text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    }

    /// The text of each built-in pack at each version. Changing a pack's
    /// words without bumping its `version` fails here: entries record the
    /// version, so the same version must always mean the same words. After
    /// a bump, add the new line (keep the old ones).
    const KNOWN: &[(&str, &str, u64)] = &[
        ("mbt-core", "1", 0x4f08_feac_4189_eaba),
        ("mbt-core", "2", 0xa5fa_49a5_b90e_d282),
        ("mbt-core", "3", 0x8f82_2fbc_8995_01d7),
        ("mbt-quick", "1", 0x5202_6204_53a7_9379),
        ("mbt-better", "1", 0xe171_b6fe_cc88_9acf),
        ("mbt-session", "1", 0x767a_cae0_cb43_fcb2),
    ];

    #[test]
    fn a_built_in_packs_words_never_change_under_the_same_version() {
        for (id, source) in BUILTIN {
            let pack = crate::pack::Pack::parse(source).unwrap();
            let hash = fnv(&source.replace("\r\n", "\n"));
            let known = KNOWN
                .iter()
                .find(|(i, v, _)| i == id && *v == pack.version.to_string())
                .unwrap_or_else(|| {
                    panic!(
                        "pack {id} version {} is not in KNOWN: add ({id:?}, {:?}, {hash:#x})",
                        pack.version,
                        pack.version.to_string()
                    )
                });
            assert_eq!(
                known.2, hash,
                "the words of pack {id} changed under version {}: bump its version and add ({id:?}, \"<new version>\", {hash:#x})",
                pack.version
            );
        }
    }
}

#[cfg(test)]
mod packs {
    use std::collections::BTreeSet;

    use super::BUILTIN;
    use crate::entry::{Kind, keys};
    use crate::pack::{FORMAT, Pack};

    const TEMPLATE: &str = include_str!("../../prompts/pack-template.toml");

    /// What every built-in pack owes the person: its own id, the format this
    /// build writes, English words with a note, the safety floor, and anchor
    /// words on every rating.
    fn check(id: &str, source: &str) -> Pack {
        let pack = Pack::parse(source).unwrap_or_else(|e| panic!("pack {id}: {e}"));
        assert_eq!(pack.id, id, "listed under another id");
        assert_eq!(pack.format, FORMAT, "pack {id}");
        assert_eq!(pack.language.as_deref(), Some("en"), "pack {id}");
        assert!(
            pack.note.as_deref().is_some_and(|n| !n.trim().is_empty()),
            "pack {id} has no note for the person"
        );
        assert!(!pack.title.trim().is_empty() && !pack.description.trim().is_empty());
        let first: Vec<&str> = pack.steps.iter().take(2).map(|s| s.key.as_str()).collect();
        assert_eq!(
            first,
            [keys::ARRIVAL_DISTRESS, keys::ARRIVAL_SAFETY],
            "pack {id}"
        );
        for step in &pack.steps {
            if step.kind == Kind::Rating {
                assert!(
                    step.anchors.is_some(),
                    "pack {id}: {} has no anchors",
                    step.key
                );
            }
        }
        for key in [
            keys::AFTER_DISTRESS,
            keys::SHARE_INCLUDE,
            keys::SELF_FEELINGS,
        ] {
            assert!(pack.step(key).is_some(), "pack {id} has no {key}");
        }
        pack
    }

    #[test]
    fn every_built_in_pack_is_whole_and_listed_once() {
        let mut ids = BTreeSet::new();
        for (id, source) in BUILTIN {
            check(id, source);
            assert!(ids.insert(*id), "{id} is listed twice");
        }
        assert_eq!(
            ids.into_iter().collect::<Vec<_>>(),
            ["mbt-better", "mbt-core", "mbt-quick", "mbt-session"]
        );
    }

    #[test]
    fn the_core_pack_asks_about_the_chain_and_repair_before_the_re_rating() {
        let core = Pack::builtin();
        let at = |key: &str| core.steps.iter().position(|s| s.key == key).unwrap();
        assert_eq!(at("moment.next"), at(keys::SELF_ACTIONS) + 1);
        assert_eq!(at("repair.since") + 1, at(keys::AFTER_DISTRESS));
        assert!(core.steps.iter().all(|s| s.enabled));
    }

    #[test]
    fn the_quick_pack_asks_how_sure_only_after_a_guess() {
        let (_, source) = BUILTIN.iter().find(|(id, _)| *id == "mbt-quick").unwrap();
        let quick = Pack::parse(source).unwrap();
        let certainty = quick.step(keys::OTHER_CERTAINTY).unwrap();
        assert_eq!(certainty.needs_any, [keys::OTHER_FEELING]);
        assert!(quick.nudges.len() <= 1);
        assert!(quick.step(keys::SHARE_TOPIC).is_some_and(|s| s.skippable));
    }

    #[test]
    fn the_template_checks_as_written() {
        let pack = check("my-pack", TEMPLATE);
        assert!(pack.urges.is_none() && pack.measures.is_empty() && pack.fixed.is_none());
        assert!(!pack.show_scores);
    }

    /// The template with every commented-out example turned on, as a
    /// therapist would: a `# [` heading and the `# ` lines under it, and the
    /// single `# focus = ...` style lines.
    fn template_with_examples() -> String {
        let mut out = String::new();
        let mut block = false;
        for line in TEMPLATE.lines() {
            let code = line.strip_prefix("# ");
            block = code.is_some_and(|c| c.starts_with('[') || (block && !c.is_empty()));
            let single = ["focus = ", "focus_question = ", "rhythm = "]
                .iter()
                .any(|k| code.is_some_and(|c| c.starts_with(k)));
            match code {
                Some(c) if block || single => out.push_str(c),
                _ => out.push_str(line),
            }
            out.push('\n');
        }
        // `[fixed]` is only for a translation: turned on, the pack is one.
        out.replacen("language = \"en\"", "language = \"nl\"", 1)
    }

    /// The measure shown in prompts/README.md reads, added to the template.
    #[test]
    fn the_readme_measure_example_reads() {
        let readme = include_str!("../../prompts/README.md");
        let block = readme
            .split("```toml\n")
            .filter_map(|b| b.split("```").next())
            .find(|b| b.starts_with("[[measures]]"))
            .expect("a measure example in the README");
        let pack = Pack::parse(&format!("{TEMPLATE}\n{block}")).unwrap();
        let m = &pack.measures[0];
        assert_eq!(m.items.len(), 3);
        for point in m.scale.points() {
            assert!(
                m.items[2]
                    .recode
                    .as_ref()
                    .unwrap()
                    .contains_key(&point.to_string())
            );
        }
    }

    #[test]
    fn the_templates_examples_check_when_turned_on() {
        let source = template_with_examples();
        let pack = Pack::parse(&source).unwrap_or_else(|e| panic!("{e}\n{source}"));
        assert_eq!(pack.urge_threshold(), Some(8));
        assert!(pack.focus.is_some() && pack.focus_question.is_some());
        assert!(
            pack.rhythm
                .as_deref()
                .unwrap()
                .parse::<crate::rhythm::Rhythm>()
                .is_ok()
        );
        assert!(pack.fixed.is_some());
        assert!(
            pack.step("my.sleep")
                .is_some_and(|s| s.kind == Kind::Choice)
        );
        let measure = &pack.measures[0];
        assert_eq!(measure.items.len(), 4);
        assert!(
            measure
                .every
                .as_deref()
                .unwrap()
                .parse::<crate::rhythm::Rhythm>()
                .is_ok()
        );
        // Every item is scored, and every recode table covers the scale.
        for item in &measure.items {
            assert!(measure.subscales.iter().any(|s| s.items.contains(&item.id)));
            if let Some(table) = &item.recode {
                for point in measure.scale.points() {
                    assert!(table.contains_key(&point.to_string()), "{}", item.id);
                }
            }
        }
    }
}
