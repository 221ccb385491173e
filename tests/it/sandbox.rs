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

    /// Writes the config file, private as a careful person keeps it (a
    /// config others can read is warned about on every command).
    pub fn write_config(&self, text: &str) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::write(self.config(), text).unwrap();
        std::fs::set_permissions(self.config(), std::fs::Permissions::from_mode(0o600)).unwrap();
    }

    /// Creates the data folder (0700) with nothing in it: an empty journal.
    /// A data folder that does not exist is an error for reading commands.
    pub fn create_data(&self) {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(self.data())
            .unwrap();
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
            // A journal key locked in a test takes milliseconds, not a
            // second (read by debug builds only).
            .env("MENTALOG_TEST_SCRYPT_LOG_N", "8")
            .env_remove("MENTALOG_PASSPHRASE_FILE")
            .env_remove("MENTALOG_IDENTITY_FILE")
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

/// What a watched child did: its output, and whether the watchdog had to
/// kill it (it hung).
pub struct Watched {
    pub output: std::process::Output,
    pub killed: bool,
}

impl Watched {
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
}

/// Runs `cmd` (stdin closed) and kills it if it is still running after
/// `secs` seconds, so a test of "never blocks" fails instead of hanging.
/// Assert on `killed`, never on how long it took.
pub fn run_watched(mut cmd: Command, secs: u64) -> Watched {
    use std::process::Stdio;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    let done = Arc::new(AtomicBool::new(false));
    let watchdog = {
        let done = done.clone();
        std::thread::spawn(move || {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
            while std::time::Instant::now() < deadline {
                if done.load(Ordering::SeqCst) {
                    return false;
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            !done.load(Ordering::SeqCst)
                && Command::new("kill")
                    .args(["-KILL", &pid])
                    .status()
                    .is_ok_and(|s| s.success())
        })
    };
    let output = child.wait_with_output().unwrap();
    done.store(true, Ordering::SeqCst);
    let killed = watchdog.join().unwrap();
    Watched { output, killed }
}

/// Makes a FIFO at `path` with the system's `mkfifo`.
pub fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

/// Every file (not folder) under `dir`, symlinks not followed, sorted.
pub fn all_files(dir: &Path) -> Vec<PathBuf> {
    fn go(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd {
            let p = e.unwrap().path();
            if std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_dir()) {
                go(&p, out);
            } else {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    go(dir, &mut files);
    files.sort();
    files
}
