//! How long `mentalog due` takes on a journal of 10,000 entries, since it
//! runs at every shell start-up (the aim: under 5 ms). Two journals: one
//! written over the years (an entry every 12 hours, about 14 years, so the
//! newest month holds 60 files), and the worst case of all 10,000 in one
//! month folder. Measured in-process (the command alone: config already
//! read) and as the whole process (the built binary: start, config, the
//! command, exit), for the usual case (within the rhythm), the rest of a
//! day it was shown (state read, nothing else), and the once-a-day case
//! that prints the line and writes the state file (fsync included).
//! Run with `cargo bench --bench due`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use chrono::{DateTime, Duration, FixedOffset};
use mentalog::cli::{Command as Cmd, DueArgs};
use mentalog::config::Config;
use mentalog::context::Context;
use mentalog::entry::{Answer, Entry, Kind, PackRef, SCHEMA_VERSION, Value, keys};
use mentalog::paths::Paths;
use mentalog::prompt::NoTerminal;
use mentalog::store::{State, Store};

const ENTRIES: usize = 10_000;
const CONFIG: &str = "rhythm = \"daily\"\n[due]\nenabled = true\n";

fn main() {
    divan::main();
    if let Some(root) = ROOT.get() {
        let _ = std::fs::remove_dir_all(root);
    }
}

/// One folder for every generated journal, removed when the run ends.
static ROOT: OnceLock<PathBuf> = OnceLock::new();

fn root() -> &'static Path {
    ROOT.get_or_init(|| tempfile::tempdir().unwrap().keep())
}

/// A generated journal and the times to ask `due` at.
struct Journal {
    paths: Paths,
    config: Config,
    /// An hour after the newest entry: within the rhythm.
    within: DateTime<FixedOffset>,
    /// Three days after the newest entry: due.
    due: DateTime<FixedOffset>,
}

fn entry(i: usize, created: DateTime<FixedOffset>) -> Entry {
    let answer = |key: &str, kind, value| Answer {
        key: key.into(),
        kind,
        question: format!("The question asked at {key}?"),
        framing: None,
        value,
    };
    Entry {
        schema: SCHEMA_VERSION,
        id: format!("{i:08x}{:024x}", i * 7919),
        created,
        pack: PackRef {
            id: "mbt-core".into(),
            version: "1".into(),
        },
        shared: false,
        safety_shared: false,
        safety_lane: i.is_multiple_of(50),
        plan: None,
        rechecks: Vec::new(),
        follows: None,
        distress_rose: false,
        plan_opened: None,
        focus: None,
        measures: Vec::new(),
        tags: Vec::new(),
        imported: None,
        answers: vec![
            answer(
                keys::ARRIVAL_DISTRESS,
                Kind::Rating,
                Value::Rating((i % 8) as u8),
            ),
            answer(
                keys::ARRIVAL_SAFETY,
                Kind::YesNoUnsure,
                Value::Text("no".into()),
            ),
            answer(
                keys::WHAT_HAPPENED,
                Kind::LongText,
                Value::Text("A few sentences about what happened. ".repeat(6)),
            ),
        ],
        nudge: None,
    }
}

/// `ENTRIES` entries from `start`, `step` apart, saved as `mentalog new` does.
fn generate(name: &str, start: &str, step: Duration) -> Journal {
    let dir = root().join(name);
    let paths = Paths {
        data: dir.join("data"),
        config: dir.join("config.toml"),
    };
    let store = Store::new(&paths.data);
    let start = DateTime::parse_from_rfc3339(start).unwrap();
    let mut newest = start;
    for i in 0..ENTRIES {
        newest = start + step * i as i32;
        store.save_entry(&entry(i, newest)).unwrap();
    }
    std::fs::write(&paths.config, CONFIG).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&paths.config, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    Journal {
        config: Config::load(&paths.config),
        paths,
        within: newest + Duration::hours(1),
        due: newest + Duration::days(3),
    }
}

/// The journal for `layout`, generated once per run.
fn journal(layout: &str) -> &'static Journal {
    static SPREAD: OnceLock<Journal> = OnceLock::new();
    static ONE_MONTH: OnceLock<Journal> = OnceLock::new();
    match layout {
        "spread" => SPREAD
            .get_or_init(|| generate("spread", "2012-01-01T08:00:00+01:00", Duration::hours(12))),
        _ => ONE_MONTH.get_or_init(|| {
            generate(
                "one-month",
                "2026-01-01T00:00:00+01:00",
                Duration::minutes(4),
            )
        }),
    }
}

fn state_path(j: &Journal) -> PathBuf {
    j.paths.data.join("state.json")
}

/// Notes the day of `at` as shown, as `due` does.
fn mark_shown(j: &Journal, at: DateTime<FixedOffset>) {
    let state = State {
        due_shown: Some(at.date_naive()),
        ..State::default()
    };
    Store::new(&j.paths.data).write_state(&state).unwrap();
}

/// `mentalog due` in-process at `now`. It prints nothing in the cases
/// measured here, so the bench's output stays clean.
fn due_in_process(j: &Journal, config: &Config, now: DateTime<FixedOffset>) {
    let mut ctx = Context::new(j.paths.clone(), config.clone(), now, Box::new(NoTerminal));
    mentalog::run_in(&mut ctx, &Cmd::Due(DueArgs {})).unwrap();
}

const LAYOUTS: [&str; 2] = ["spread", "one_month"];

/// The usual case: an entry within the rhythm; the folder names are read.
#[divan::bench(args = LAYOUTS, sample_count = 200)]
fn in_process_within_rhythm(bencher: divan::Bencher, layout: &str) {
    let j = journal(layout);
    let _ = std::fs::remove_file(state_path(j));
    bencher.bench_local(|| due_in_process(j, &j.config, j.within));
}

/// The rest of a day it was shown: the state file is read, nothing else.
#[divan::bench(args = LAYOUTS, sample_count = 200)]
fn in_process_shown_today(bencher: divan::Bencher, layout: &str) {
    let j = journal(layout);
    mark_shown(j, j.due);
    bencher.bench_local(|| due_in_process(j, &j.config, j.due));
}

/// No rhythm in the config: the pack in use is read for its rhythm
/// (the built-in pack sets none, so the pack's parse is what is measured).
#[divan::bench(args = LAYOUTS, sample_count = 200)]
fn in_process_rhythm_from_pack(bencher: divan::Bencher, layout: &str) {
    let j = journal(layout);
    let _ = std::fs::remove_file(state_path(j));
    let config = Config::parse("[due]\nenabled = true\n", "bench");
    bencher.bench_local(|| due_in_process(j, &config, j.within));
}

/// The built binary, as a shell start-up runs it; `None` (with a note) if
/// it is not there.
fn binary() -> Option<&'static Path> {
    let bin = Path::new(env!("CARGO_BIN_EXE_mentalog"));
    if bin.is_file() {
        Some(bin)
    } else {
        eprintln!(
            "note: {} is not built; the whole-process benches are skipped",
            bin.display()
        );
        None
    }
}

fn process(bin: &Path, j: &Journal, now: DateTime<FixedOffset>) -> Command {
    let mut cmd = Command::new(bin);
    cmd.arg("due")
        .env("MENTALOG_DIR", &j.paths.data)
        .env("MENTALOG_CONFIG", &j.paths.config)
        .env("MENTALOG_NOW", now.to_rfc3339())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    cmd
}

fn run(mut cmd: Command) -> Vec<u8> {
    let out = cmd.output().unwrap();
    assert!(out.status.success());
    out.stdout
}

/// The whole process, within the rhythm: what most shell start-ups cost.
#[divan::bench(args = LAYOUTS, sample_count = 100)]
fn process_within_rhythm(bencher: divan::Bencher, layout: &str) {
    let Some(bin) = binary() else { return };
    let j = journal(layout);
    let _ = std::fs::remove_file(state_path(j));
    bencher.bench_local(|| {
        let out = run(process(bin, j, j.within));
        assert!(out.is_empty());
    });
}

/// The whole process, shown already today.
#[divan::bench(args = LAYOUTS, sample_count = 100)]
fn process_shown_today(bencher: divan::Bencher, layout: &str) {
    let Some(bin) = binary() else { return };
    let j = journal(layout);
    mark_shown(j, j.due);
    bencher.bench_local(|| {
        let out = run(process(bin, j, j.due));
        assert!(out.is_empty());
    });
}

/// The whole process, the once-a-day case: the line is printed and the
/// day written to the state file (lock, temp file, fsync, rename).
#[divan::bench(args = LAYOUTS, sample_count = 50)]
fn process_due_once_a_day(bencher: divan::Bencher, layout: &str) {
    let Some(bin) = binary() else { return };
    let j = journal(layout);
    bencher
        .with_inputs(|| {
            let _ = std::fs::remove_file(state_path(j));
            process(bin, j, j.due)
        })
        .bench_local_values(|cmd| {
            let out = run(cmd);
            assert!(!out.is_empty());
        });
}
