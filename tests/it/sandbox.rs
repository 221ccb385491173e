//! A private data folder and config for one test, and ways to run the binary in it.

use std::path::{Path, PathBuf};
use std::process::Command;

pub const BIN: &str = env!("CARGO_BIN_EXE_mentalog");

/// A fixed clock, so file names and dates are known.
pub const NOW: &str = "2026-11-03T21:40:12+01:00";

pub struct Sandbox {
    pub tmp: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            tmp: tempfile::tempdir().unwrap(),
        }
    }

    pub fn data(&self) -> PathBuf {
        self.tmp.path().join("data")
    }

    pub fn config(&self) -> PathBuf {
        self.tmp.path().join("config.toml")
    }

    pub fn write_config(&self, text: &str) {
        std::fs::write(self.config(), text).unwrap();
    }

    /// The binary with this sandbox's folders, a fixed clock, and nothing
    /// from the real home folder or editor.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.env("MENTALOG_DIR", self.data())
            .env("MENTALOG_CONFIG", self.config())
            .env("MENTALOG_NOW", NOW)
            .env("HOME", self.tmp.path())
            .env("TZ", "UTC")
            .env("NO_COLOR", "1")
            .env_remove("VISUAL")
            .env_remove("EDITOR");
        cmd
    }

    pub fn assert_cmd(&self) -> assert_cmd::Command {
        assert_cmd::Command::from_std(self.cmd())
    }

    /// Writes an entry through `new --answers` and returns its path.
    pub fn add(&self, answers: &serde_json::Value) -> PathBuf {
        let out = self
            .assert_cmd()
            .args(["new", "--answers", "-"])
            .write_stdin(answers.to_string())
            .assert()
            .success();
        PathBuf::from(
            String::from_utf8(out.get_output().stdout.clone())
                .unwrap()
                .trim(),
        )
    }

    /// Every entry file, sorted.
    pub fn entry_files(&self) -> Vec<PathBuf> {
        let mut files = Vec::new();
        walk(&self.data().join("entries"), &mut files);
        files.sort();
        files
    }

    pub fn draft_files(&self) -> Vec<PathBuf> {
        let mut files = Vec::new();
        walk(&self.data().join("drafts"), &mut files);
        files.sort();
        files
    }

    /// Every unfinished entry, as JSON.
    pub fn drafts(&self) -> Vec<serde_json::Value> {
        self.draft_files().iter().map(|p| read_json(p)).collect()
    }

    /// The crisis plan the person wrote with their therapist.
    pub fn write_plan(&self, text: &str) {
        std::fs::create_dir_all(self.data()).unwrap();
        std::fs::write(self.data().join("plan.md"), text).unwrap();
    }

    /// Files left in the editor's folder.
    pub fn editing_files(&self) -> Vec<PathBuf> {
        let mut files = Vec::new();
        walk(&self.data().join("editing"), &mut files);
        files
    }
}

/// The fixed clock moved on by `minutes`, for `MENTALOG_NOW`.
pub fn later(minutes: i64) -> String {
    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap();
    (now + chrono::Duration::minutes(minutes)).to_rfc3339()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The answer to `key` in an entry document.
pub fn answer<'a>(doc: &'a serde_json::Value, key: &str) -> &'a serde_json::Value {
    doc["answers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["key"] == key)
        .map(|a| &a["value"])
        .unwrap_or(&serde_json::Value::Null)
}

/// The smallest answers file: the arrival check.
pub fn calm() -> serde_json::Value {
    serde_json::json!({"arrival.distress": 3, "arrival.safety": "no"})
}
