//! The packs built into the binary, embedded from `prompts/`.

/// The pack new entries use when none is chosen.
pub const BUILTIN_ID: &str = "mbt-core";
pub(super) const BUILTIN_SOURCE: &str = include_str!("../../prompts/mbt-core.toml");

/// Every built-in pack as (id, TOML source).
pub const BUILTIN: &[(&str, &str)] = &[(BUILTIN_ID, BUILTIN_SOURCE)];

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
                        pack.version, pack.version
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
