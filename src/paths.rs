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
    /// platform's folders. An empty variable counts as unset.
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
        let config = match config {
            Some(c) => absolute(c)?,
            None => project()?.config_dir().join("config.toml"),
        };
        Ok(Paths { data, config })
    }
}

fn absolute(p: &Path) -> Result<PathBuf> {
    std::path::absolute(p).with_context(|| format!("cannot resolve the path {}", p.display()))
}
