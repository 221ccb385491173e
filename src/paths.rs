//! Where mentalog keeps things. The only user of `directories`; `--dir` /
//! `MENTALOG_DIR` and `--config` / `MENTALOG_CONFIG` override the defaults.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

#[derive(Debug, Clone)]
pub struct Paths {
    /// The data folder: entries, drafts, the crisis plan.
    pub data: PathBuf,
    /// The config file (it need not exist).
    pub config: PathBuf,
}

impl Paths {
    /// Flags win over `MENTALOG_DIR` / `MENTALOG_CONFIG`, which win over the
    /// platform's folders; for the config, a `config.toml` inside the data
    /// folder (the journal's own) comes before the platform's. An empty
    /// variable counts as unset.
    pub fn resolve(dir: Option<&Path>, config: Option<&Path>) -> Result<Paths> {
        let env = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let dir = dir.map(Path::to_path_buf).or_else(|| env("MENTALOG_DIR"));
        let config = config
            .map(Path::to_path_buf)
            .or_else(|| env("MENTALOG_CONFIG"));
        let (dir, config) = (dir.as_deref(), config.as_deref());
        let project = || {
            directories::ProjectDirs::from("", "", "mentalog").context(
                "cannot find your home folder; set MENTALOG_DIR and MENTALOG_CONFIG to say where mentalog keeps its files",
            )
        };
        let data = match dir {
            Some(d) => absolute(d)?,
            None => project()?.data_dir().to_path_buf(),
        };
        // A journal's own config, inside its data folder, comes before the
        // person's: a folder handed over (a clinic's copy, a study) carries
        // its settings, and never takes the invoking user's silently.
        let config = match config {
            Some(c) => absolute(c)?,
            None => match own_config(&data) {
                Some(own) => own,
                None => project()?.config_dir().join("config.toml"),
            },
        };
        Ok(Paths { data, config })
    }
}

/// The data folder and config file mentalog uses when neither `--dir`,
/// `--config` nor the environment names one, when a home folder is known.
pub fn platform_defaults() -> Option<(PathBuf, PathBuf)> {
    let project = directories::ProjectDirs::from("", "", "mentalog")?;
    Some((
        project.data_dir().to_path_buf(),
        project.config_dir().join("config.toml"),
    ))
}

/// A journal's own config, `config.toml` inside its data folder, when it
/// is a regular file: a link could lead to anyone's config.
pub fn own_config(data: &Path) -> Option<PathBuf> {
    let own = data.join("config.toml");
    own.symlink_metadata()
        .is_ok_and(|m| m.is_file())
        .then_some(own)
}

impl Paths {
    /// One warning for the data folder and one for the config file when
    /// other users of this computer can open them, each naming the `chmod`
    /// that makes it private. Nothing is changed: the person decides.
    pub fn exposure_warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if let Some(w) = exposed(&self.data, true) {
            warnings.push(w);
        }
        if let Some(w) = exposed(&self.config, false) {
            warnings.push(w);
        }
        warnings
    }
}

/// The warning for `path` (a folder or a file) if it exists and group or
/// others have any access to it. Symlinks are followed: what counts is
/// where the journal really is.
#[cfg(unix)]
fn exposed(path: &Path, folder: bool) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).ok()?;
    if meta.is_dir() != folder {
        return None;
    }
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 == 0 {
        return None;
    }
    let what = if folder { "data folder" } else { "config file" };
    let target = std::fs::symlink_metadata(path)
        .is_ok_and(|m| m.file_type().is_symlink())
        .then(|| std::fs::canonicalize(path).ok())
        .flatten()
        .map(|t| format!(" (a link to {})", t.display()))
        .unwrap_or_default();
    Some(format!(
        "the {what} {}{target} can be opened by other users of this computer (mode {mode:o}); make it private with: chmod {} {}",
        path.display(),
        if folder { "700" } else { "600" },
        shell_quote(&path.display().to_string())
    ))
}

#[cfg(not(unix))]
fn exposed(_: &Path, _: bool) -> Option<String> {
    None
}

/// `s` as one shell word, for a command the person may copy.
fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+,:@".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

fn absolute(p: &Path) -> Result<PathBuf> {
    std::path::absolute(p).with_context(|| format!("cannot resolve the path {}", p.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quote_keeps_plain_paths_and_quotes_the_rest() {
        assert_eq!(shell_quote("/home/a/.local/share"), "/home/a/.local/share");
        assert_eq!(shell_quote("/my files/it's"), r"'/my files/it'\''s'");
    }

    #[cfg(unix)]
    #[test]
    fn open_folders_and_files_are_named_with_the_fix() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let config = tmp.path().join("config.toml");
        std::fs::create_dir(&data).unwrap();
        std::fs::write(&config, "").unwrap();
        let set = |p: &Path, m| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m));
        set(&data, 0o700).unwrap();
        set(&config, 0o600).unwrap();
        let paths = Paths {
            data: data.clone(),
            config: config.clone(),
        };
        assert!(paths.exposure_warnings().is_empty());
        set(&data, 0o777).unwrap();
        set(&config, 0o644).unwrap();
        let w = paths.exposure_warnings();
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(
            w[0].contains(&format!("chmod 700 {}", data.display())),
            "{w:?}"
        );
        assert!(
            w[1].contains(&format!("chmod 600 {}", config.display())),
            "{w:?}"
        );
    }
}
