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
    pub fn resolve(dir: Option<&Path>, config: Option<&Path>) -> Result<Paths> {
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
