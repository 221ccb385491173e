//! Changes to the config file made by mentalog itself (`setup`, `pack use`):
//! one key at a time, keeping the person's comments and layout, written
//! atomically and privately. A config file that does not parse is never
//! rewritten: the error names the file and the line to fix.

use std::path::Path;

use anyhow::{Context as _, Result, bail};
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

use crate::config::Contact;
use crate::store::{self, MAX_CONFIG_BYTES, read_limited};

/// Reads the config at `path` (missing: empty), applies `change` and writes
/// it back, 0600 in a 0700 folder, replacing the old file atomically.
pub fn edit(path: &Path, change: impl FnOnce(&mut DocumentMut)) -> Result<()> {
    // A config kept elsewhere and linked here (dotfiles) is changed where it
    // lives; the link stays a link.
    let target;
    let path = if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        target = std::fs::canonicalize(path).with_context(|| {
            format!(
                "the config file {} is a link to a file that cannot be found; nothing was changed",
                path.display()
            )
        })?;
        target.as_path()
    } else {
        path
    };
    let text = match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        _ => read_limited(path, MAX_CONFIG_BYTES, "config file")?,
    };
    let mut doc: DocumentMut = match text.parse() {
        Ok(doc) => doc,
        Err(e) => bail!(
            "the config file {} cannot be changed because it does not parse: {}; fix it first (nothing was changed)",
            path.display(),
            e.to_string().trim()
        ),
    };
    change(&mut doc);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        store::create_private_dir_all(dir)?;
    }
    store::write_replace(path, doc.to_string().as_bytes())
        .with_context(|| format!("cannot write the config file {}", path.display()))
}

/// Sets a top-level text setting, or removes it when `text` is `None`.
pub fn set_text(doc: &mut DocumentMut, key: &str, text: Option<&str>) {
    match text {
        Some(t) => doc[key] = value(t),
        None => {
            doc.remove(key);
        }
    }
}

/// Sets a top-level whole-number setting.
pub fn set_integer(doc: &mut DocumentMut, key: &str, n: i64) {
    doc[key] = value(n);
}

/// Sets `key` in the table `[table]`, making the table when needed.
pub fn set_in_table(doc: &mut DocumentMut, table: &str, key: &str, v: toml_edit::Value) {
    if !doc.get(table).is_some_and(Item::is_table) {
        doc[table] = Item::Table(Table::new());
    }
    doc[table][key] = Item::Value(v);
}

/// Adds a crisis contact as a new `[[contacts]]` table.
pub fn add_contact(doc: &mut DocumentMut, contact: &Contact) {
    let mut t = Table::new();
    t["name"] = value(contact.name.as_str());
    if let Some(phone) = &contact.phone {
        t["phone"] = value(phone.as_str());
    }
    if let Some(note) = &contact.note {
        t["note"] = value(note.as_str());
    }
    // An inline list (`contacts = [{ ... }]`) becomes tables first, so
    // the contacts already there are kept.
    if doc.get("contacts").and_then(Item::as_array).is_some()
        && let Some(Item::Value(toml_edit::Value::Array(inline))) = doc.remove("contacts")
    {
        let mut list = ArrayOfTables::new();
        for item in inline.iter() {
            if let Some(old) = item.as_inline_table() {
                let mut t = Table::new();
                for (k, v) in old.iter() {
                    let mut v = v.clone();
                    v.decor_mut().clear();
                    t[k] = Item::Value(v);
                }
                list.push(t);
            }
        }
        doc.insert("contacts", Item::ArrayOfTables(list));
    }
    match doc
        .get_mut("contacts")
        .and_then(Item::as_array_of_tables_mut)
    {
        Some(list) => list.push(t),
        None => {
            let mut list = ArrayOfTables::new();
            list.push(t);
            doc["contacts"] = Item::ArrayOfTables(list);
        }
    }
}

/// Removes the contact at `index` (0-based), if there is one.
pub fn remove_contact(doc: &mut DocumentMut, index: usize) -> bool {
    match doc
        .get_mut("contacts")
        .and_then(Item::as_array_of_tables_mut)
    {
        Some(list) if index < list.len() => {
            list.remove(index);
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn keeps_comments_and_adds_what_was_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("conf/config.toml");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "# my comment\nplain = true\n").unwrap();
        edit(&path, |doc| {
            set_text(doc, "focus", Some("moments when I feel left out"));
            set_integer(doc, "safety_threshold", 7);
            set_in_table(doc, "due", "enabled", true.into());
            add_contact(
                doc,
                &Contact {
                    name: "Sam".into(),
                    phone: Some("555".into()),
                    note: None,
                },
            );
        })
        .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# my comment\nplain = true\n"), "{text}");
        let c = Config::parse(&text, "c");
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(c.focus.as_deref(), Some("moments when I feel left out"));
        assert_eq!(c.safety_threshold, Some(7));
        assert!(c.due.enabled);
        assert_eq!(c.contact_lines(), ["Sam: 555"]);
    }

    #[test]
    fn a_contact_added_to_an_inline_list_keeps_the_others() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "contacts = [{ name = \"Ali\", phone = \"556\" }]\n").unwrap();
        edit(&path, |doc| {
            add_contact(
                doc,
                &Contact {
                    name: "Sam".into(),
                    phone: Some("555".into()),
                    note: None,
                },
            );
        })
        .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let c = Config::parse(&text, "c");
        assert_eq!(c.contact_lines(), ["Ali: 556", "Sam: 555"], "{text}");
    }

    #[test]
    fn a_linked_config_is_changed_where_it_lives() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("dotfiles-config.toml");
        std::fs::write(&real, "# mine\n").unwrap();
        let link = dir.path().join("config.toml");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        edit(&link, |doc| set_text(doc, "pack", Some("mbt-quick"))).unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        let text = std::fs::read_to_string(&real).unwrap();
        assert!(text.contains("# mine"), "{text}");
        assert_eq!(Config::parse(&text, "c").pack.as_deref(), Some("mbt-quick"));
    }

    #[test]
    fn a_config_that_does_not_parse_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "contacts = [\n").unwrap();
        let err = edit(&path, |doc| set_text(doc, "pack", Some("x")))
            .unwrap_err()
            .to_string();
        assert!(err.contains("does not parse"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "contacts = [\n");
    }
}
