//! The HTML summary in a real browser: headless Chromium loads it with no
//! console messages, the hostile text in it stays text, and a screenshot is
//! written to `target/tmp/summary.png`.
//!
//! Chromium is found as `chromium` or `chromium-browser` on PATH (`.ci/run`
//! installs Debian's). The tests that open it are `#[ignore = "needs
//! chromium"]`, so a plain `cargo test` reports them as ignored rather than
//! passed; `.ci/run` runs them with `--include-ignored browser::`. Run that
//! way where Chromium is absent, they are skipped, saying so, unless CI is
//! set: there they fail.

use std::ffi::OsString;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_mentalog");

/// A fixed clock, so the dates in the summary are known.
const NOW: &str = "2026-11-03T21:40:12+01:00";

/// Long enough for a cold start on a busy two-core machine; a hung browser
/// fails the test instead of hanging CI.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(60);

/// The policy in templates/summary.html, for the page that breaks it.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const SCRIPT: &str = "<script>alert(1)</script>";
const ARABIC: &str = "مرحبا بالعالم";
const HEBREW: &str = "שלום עולם";
const EMOJI: &str = "😢";

/// Where Chromium is on PATH, if it is.
fn find_chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser"].iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// Chromium, or `None` after saying that `test` is skipped. Under CI a
/// missing Chromium fails the test: `.ci/run` installs it.
fn chromium_or_skip(test: &str) -> Option<PathBuf> {
    if let Some(chromium) = find_chromium() {
        return Some(chromium);
    }
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    assert!(
        !ci,
        "CI is set but Chromium is not installed (neither `chromium` nor \
         `chromium-browser` is on PATH); .ci/run installs it"
    );
    // Not `eprintln!`: the harness captures that from passing tests, and
    // the skip should show in a plain `cargo test`.
    let _ = writeln!(
        std::io::stderr(),
        "skipped browser test {test}: Chromium is not installed \
         (no `chromium` or `chromium-browser` on PATH)"
    );
    None
}

/// What one Chromium run printed.
struct BrowserRun {
    stdout: String,
    stderr: String,
}

/// Opens `page` in headless Chromium with `args` added, in a new empty
/// profile and home folder, with verbose logging to stderr so console
/// messages show. Killed, failing the test, after `BROWSER_TIMEOUT`.
fn open(chromium: &Path, page: &Path, args: &[OsString]) -> BrowserRun {
    let tmp = tempfile::tempdir().unwrap();
    let profile = tmp.path().join("profile");
    std::fs::create_dir(&profile).unwrap();
    let mut user_data_dir = OsString::from("--user-data-dir=");
    user_data_dir.push(&profile);
    // Files, not pipes: nothing to drain while waiting, and no hang if a
    // helper process outlives the browser with the output still open.
    let out_path = tmp.path().join("stdout");
    let err_path = tmp.path().join("stderr");
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=1",
        ])
        .arg(user_data_dir)
        .args(args)
        .arg(file_url(page))
        .env("HOME", tmp.path())
        .stdin(Stdio::null())
        .stdout(File::create(&out_path).unwrap())
        .stderr(File::create(&err_path).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {}: {e}", chromium.display()));
    let deadline = Instant::now() + BROWSER_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "Chromium did not finish within {} s on {}; the end of its log:\n{}",
                BROWSER_TIMEOUT.as_secs(),
                page.display(),
                tail(&read_lossy(&err_path), 40)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let run = BrowserRun {
        stdout: read_lossy(&out_path),
        stderr: read_lossy(&err_path),
    };
    assert!(
        status.success(),
        "Chromium exited with {status} on {}; the end of its log:\n{}",
        page.display(),
        tail(&run.stderr, 40)
    );
    run
}

/// What Chromium logged against the page: every console message and every
/// Content Security Policy refusal. A page's console messages are all logged
/// at INFO whatever their level (`console.log`, `console.error` and an
/// uncaught exception look alike), so none is allowed: the summary has no
/// scripts, and anything it logs is a fault.
fn page_problems(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|line| {
            is_console_line(line)
                || line.contains("Refused to")
                || line.contains("Content Security Policy")
        })
        .map(str::to_owned)
        .collect()
}

/// A console message as Chromium logs it:
/// `[pid:tid:time:INFO:CONSOLE:7] "message", source: URL (7)` (Chromium 156), or
/// `[pid:tid:time:INFO:CONSOLE(7)] "message", source: URL (7)` (older ones).
fn is_console_line(line: &str) -> bool {
    line.match_indices(":CONSOLE").any(|(at, m)| {
        let rest = &line[at + m.len()..];
        let number = rest.strip_prefix(['(', ':']).unwrap_or("");
        let digits = number.len()
            - number
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .len();
        digits > 0 && number[digits..].starts_with([')', ']'])
    })
}

fn file_url(path: &Path) -> String {
    let path = std::path::absolute(path).unwrap();
    let mut url = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            url.push(byte as char);
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

fn read_lossy(path: &Path) -> String {
    String::from_utf8_lossy(&std::fs::read(path).unwrap_or_default()).into_owned()
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// The binary in the data folder under `home`, with a fixed clock and
/// nothing from the real home folder or editor.
fn mentalog(home: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(BIN);
    cmd.env("MENTALOG_DIR", home.join("data"))
        .env("MENTALOG_CONFIG", home.join("config.toml"))
        .env("MENTALOG_NOW", NOW)
        .env("HOME", home)
        .env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .env_remove("VISUAL")
        .env_remove("EDITOR")
        .timeout(Duration::from_secs(30));
    cmd
}

/// A journal of two shared entries, one of them hostile, exported as HTML;
/// returns the file.
fn export_summary(home: &Path) -> PathBuf {
    let hostile = json!({
        "arrival.distress": 7,
        "arrival.safety": "no",
        "moment.what_happened": format!(
            "{SCRIPT} then </textarea> and <img src=x onerror=alert(2)> {EMOJI}🫠 {ARABIC} {HEBREW}"
        ),
        "self.feelings": [
            { "name": "<b>hurt</b>", "intensity": 7 },
            { "name": "غاضب", "intensity": 4 }
        ],
        "self.thoughts": "\"quotes\" & 'apostrophes' </style><style>body{display:none}</style>",
        "other.who": "<i>Dana</i> דנה",
        "other.feeling": "]]></svg><svg onload=alert(3)>",
        "other.certainty": 3,
        "other.alternative": "javascript:alert(4) <a href=\"javascript:alert(5)\">x</a>",
        "after.distress": 3,
        "share.topic": format!("{SCRIPT} 🙂 {ARABIC}"),
        "share.include": true
    });
    let example: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/answers.json"),
        )
        .unwrap(),
    )
    .unwrap();
    for answers in [&hostile, &example] {
        mentalog(home)
            .args(["new", "--answers", "-"])
            .write_stdin(answers.to_string())
            .assert()
            .success();
    }
    let html = home.join("summary.html");
    mentalog(home)
        .args(["export", "--since", "all", "--format", "html", "--out"])
        .arg(&html)
        .arg("--yes")
        .assert()
        .success();
    assert!(html.is_file(), "export wrote no {}", html.display());
    html
}

#[test]
#[ignore = "needs chromium"]
fn the_html_summary_loads_in_chromium_with_no_console_messages_and_hostile_text_stays_text() {
    let Some(chromium) = chromium_or_skip(
        "the_html_summary_loads_in_chromium_with_no_console_messages_and_hostile_text_stays_text",
    ) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let html = export_summary(home.path());
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR"));
    std::fs::create_dir_all(shots).unwrap();
    // A copy beside the screenshot, to open by hand.
    std::fs::copy(&html, shots.join("summary.html")).unwrap();

    // Loaded and drawn: no console messages, and a 1000×1600 PNG.
    let shot = shots.join("summary.png");
    let _ = std::fs::remove_file(&shot);
    let mut screenshot = OsString::from("--screenshot=");
    screenshot.push(&shot);
    let run = open(
        &chromium,
        &html,
        &[screenshot, OsString::from("--window-size=1000,1600")],
    );
    let problems = page_problems(&run.stderr);
    assert!(
        problems.is_empty(),
        "Chromium logged against {}:\n{}",
        html.display(),
        problems.join("\n")
    );
    let png =
        std::fs::read(&shot).unwrap_or_else(|e| panic!("no screenshot at {}: {e}", shot.display()));
    assert!(
        png.len() > 1000 && png.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{} is not a PNG ({} bytes)",
        shot.display(),
        png.len()
    );
    // IHDR: width and height, big-endian, right after the signature and
    // the chunk's length and type.
    let size = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    assert_eq!(&png[12..16], b"IHDR");
    assert_eq!((size(16), size(20)), (1000, 1600), "screenshot size");

    // The page as the browser parsed it: the hostile markup is text, and
    // there is no element that could run or fetch anything.
    let run = open(&chromium, &html, &[OsString::from("--dump-dom")]);
    let dom = run.stdout;
    let problems = page_problems(&run.stderr);
    assert!(
        problems.is_empty(),
        "Chromium logged against {}:\n{}",
        html.display(),
        problems.join("\n")
    );
    assert!(
        dom.contains("<title>For the next session</title>"),
        "not the summary:\n{dom}"
    );
    assert!(dom.contains("Content-Security-Policy"), "{dom}");
    assert!(dom.contains("&lt;script&gt;alert(1)"), "{dom}");
    assert!(dom.contains("&lt;/textarea&gt;"), "{dom}");
    assert!(dom.contains("&lt;img src=x onerror=alert(2)&gt;"), "{dom}");
    for element in [
        "<script", "<img", "<iframe", "<object", "<embed", "<link", "<a ",
    ] {
        assert!(
            !dom.contains(element),
            "a {element} element in the page:\n{dom}"
        );
    }
    assert!(!dom.contains("<svg onload"), "{dom}");
    // The UTF-8 came through as the characters written.
    for text in [ARABIC, HEBREW, EMOJI, "דנה", "غاضب"] {
        assert!(
            dom.contains(text),
            "{text} is missing from the page:\n{dom}"
        );
    }
}

#[test]
#[ignore = "needs chromium"]
fn the_console_detector_sees_a_script_error_and_a_csp_refusal() {
    let Some(chromium) =
        chromium_or_skip("the_console_detector_sees_a_script_error_and_a_csp_refusal")
    else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();

    let broken = tmp.path().join("broken.html");
    std::fs::write(
        &broken,
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>broken</title></head>\
         <body><p>broken</p><script>nonexistent()</script></body></html>",
    )
    .unwrap();
    let problems = page_problems(&open(&chromium, &broken, &[OsString::from("--dump-dom")]).stderr);
    assert!(
        problems
            .iter()
            .any(|p| is_console_line(p) && p.contains("nonexistent is not defined")),
        "the uncaught error was not seen: {problems:#?}"
    );

    let refused = tmp.path().join("refused.html");
    std::fs::write(
        &refused,
        format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\">\
             <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\
             <title>refused</title></head>\
             <body><p>refused</p><img src=\"missing.png\" alt=\"\"><script>alert(1)</script></body></html>"
        ),
    )
    .unwrap();
    let problems =
        page_problems(&open(&chromium, &refused, &[OsString::from("--dump-dom")]).stderr);
    for blocked in ["missing.png", "inline script"] {
        assert!(
            problems.iter().any(|p| p.contains(blocked)
                && (p.contains("Content Security Policy") || p.contains("Refused to"))),
            "the policy's refusal of {blocked} was not seen: {problems:#?}"
        );
    }
}

#[test]
fn console_lines_are_recognised_in_the_new_and_the_old_log_format() {
    let new = r#"[1551:1551:1126/013734.487766:INFO:CONSOLE:1] "Uncaught ReferenceError: nonexistent is not defined", source: file:///tmp/err.html (1)"#;
    let old =
        r#"[1:1:0101/000000.000000:INFO:CONSOLE(12)] "boom", source: file:///tmp/err.html (12)"#;
    let other = "[1:1:0101/000000.000000:VERBOSE1:content/browser/console_message.cc:3] CONSOLE";
    assert!(is_console_line(new) && is_console_line(old));
    assert!(!is_console_line(other));
    assert_eq!(
        page_problems(&format!("{other}\n{new}\n{old}\n")),
        [new, old]
    );
}

/// The sample journal (examples/sample) exported as HTML, in the brief or
/// the full form, with `extra` added to its config; returns the file.
fn export_sample(home: &Path, brief: bool, extra: &str) -> PathBuf {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/sample");
    let config = home.join("config.toml");
    let text = std::fs::read_to_string(sample.join("config.toml")).unwrap();
    // Top-level keys first: after a table they would belong to it.
    std::fs::write(&config, format!("{extra}\n{text}")).unwrap();
    let out = home.join(if brief { "brief.html" } else { "full.html" });
    let mut cmd = assert_cmd::Command::new(BIN);
    cmd.env("MENTALOG_DIR", sample.join("journal"))
        .env("MENTALOG_CONFIG", &config)
        .env("MENTALOG_NOW", "2026-11-25T20:00:00+01:00")
        .env("HOME", home)
        .env("TZ", "UTC")
        .args([
            "export",
            "--since",
            "all",
            "--until",
            "2026-11-25",
            "--format",
            "html",
        ])
        .arg("--out")
        .arg(&out)
        .arg("--yes");
    if brief {
        cmd.arg("--brief");
    }
    cmd.timeout(Duration::from_secs(30)).assert().success();
    out
}

/// Prints `page` to PDF at Chromium's default paper (the page's own
/// `@page` size wins) and returns the text of each page.
fn print_pages(chromium: &Path, page: &Path, pdf: &Path) -> Vec<String> {
    let mut arg = OsString::from("--print-to-pdf=");
    arg.push(pdf);
    open(
        chromium,
        page,
        &[arg, OsString::from("--no-pdf-header-footer")],
    );
    let doc = lopdf::Document::load(pdf)
        .unwrap_or_else(|e| panic!("Chromium wrote no readable PDF at {}: {e}", pdf.display()));
    let pages = doc.get_pages();
    pages
        .keys()
        .map(|n| doc.extract_text(&[*n]).unwrap_or_default())
        .collect()
}

#[test]
#[ignore = "needs chromium"]
fn the_sample_prints_to_two_a4_pages_brief_and_at_most_six_in_full() {
    let Some(chromium) =
        chromium_or_skip("the_sample_prints_to_two_a4_pages_brief_and_at_most_six_in_full")
    else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let brief = export_sample(home.path(), true, "");
    let full = export_sample(home.path(), false, "");
    let brief_pages = print_pages(&chromium, &brief, &home.path().join("brief.pdf"));
    let full_pages = print_pages(&chromium, &full, &home.path().join("full.pdf"));
    assert!(
        (1..=2).contains(&brief_pages.len()),
        "the brief form printed to {} pages",
        brief_pages.len()
    );
    assert!(
        (1..=6).contains(&full_pages.len()),
        "the full form printed to {} pages",
        full_pages.len()
    );
    assert!(
        full_pages.len() > brief_pages.len(),
        "the full form holds more"
    );
    // Safety comes first on paper too.
    assert!(brief_pages[0].contains("Safety"), "{}", brief_pages[0]);
    // The A4 size is the page's own: 595 x 842 points.
    let doc = lopdf::Document::load(home.path().join("brief.pdf")).unwrap();
    let first = *doc.get_pages().values().next().unwrap();
    let media = doc
        .get_object(first)
        .and_then(|o| o.as_dict())
        .and_then(|d| d.get(b"MediaBox"))
        .and_then(|m| m.as_array())
        .map(|a| {
            a.iter()
                .map(|v| v.as_float().unwrap_or(0.0).round() as i64)
                .collect::<Vec<_>>()
        })
        .unwrap();
    assert_eq!(media, [0, 0, 595, 842], "not A4");
}

#[test]
#[ignore = "needs chromium"]
fn the_label_is_printed_on_every_page() {
    let Some(chromium) = chromium_or_skip("the_label_is_printed_on_every_page") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let full = export_sample(home.path(), false, "label = \"AB 1234\"");
    let pages = print_pages(&chromium, &full, &home.path().join("full.pdf"));
    assert!(pages.len() >= 2, "{} pages", pages.len());
    for (i, text) in pages.iter().enumerate() {
        assert!(
            text.contains("AB 1234"),
            "page {} has no label:\n{text}",
            i + 1
        );
    }
}
