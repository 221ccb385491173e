//! The journal generator used by the benchmarks and `scripts/bench-vs-jrnl.sh`:
//! deterministic, readable by mentalog, and the same entries as jrnl text.

#[path = "../../benches/support/generate.rs"]
mod generate;

use std::path::Path;

use mentalog::store::Store;

use crate::sandbox::Sandbox;

/// Every entry file under `root`, as (path relative to `root`, bytes), sorted.
fn files(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.join("entries")];
    while let Some(dir) = stack.pop() {
        for item in std::fs::read_dir(&dir).unwrap() {
            let path = item.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path.strip_prefix(root).unwrap().display().to_string();
                out.push((name, std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn generated(n: usize, seed: u64) -> (tempfile::TempDir, Vec<(String, Vec<u8>)>, String) {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::new(tmp.path().join("data"));
    let mut jrnl = Vec::new();
    let written = generate::write_both(&store, n, seed, Some(&mut jrnl)).unwrap();
    assert_eq!(written.paths.len(), n);
    let files = files(&tmp.path().join("data"));
    (tmp, files, String::from_utf8(jrnl).unwrap())
}

#[test]
fn the_same_seed_gives_the_same_files_and_another_seed_does_not() {
    let (_a, first, first_jrnl) = generated(50, 7);
    let (_b, again, again_jrnl) = generated(50, 7);
    let (_c, other, other_jrnl) = generated(50, 8);
    assert_eq!(first.len(), 50);
    assert!(first == again, "the same seed wrote different files");
    assert_eq!(first_jrnl, again_jrnl);
    let names = |f: &[(String, Vec<u8>)]| f.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_ne!(names(&first), names(&other));
    assert!(first.iter().zip(&other).all(|(a, b)| a.1 != b.1));
    assert_ne!(first_jrnl, other_jrnl);
    // The text-only writer gives the same jrnl journal.
    let mut alone = Vec::new();
    generate::write_jrnl(&mut alone, 50, 7).unwrap();
    assert_eq!(String::from_utf8(alone).unwrap(), first_jrnl);
}

#[test]
fn generated_entries_look_like_full_walks_with_varied_sharing() {
    let all: Vec<_> = generate::entries(600, 3).collect();
    let shared = all.iter().filter(|e| e.shared).count();
    let lanes: Vec<_> = all.iter().filter(|e| e.safety_lane).collect();
    assert!((120..=280).contains(&shared), "{shared} of 600 shared");
    assert!(
        !lanes.is_empty() && lanes.len() < 60,
        "{} lanes",
        lanes.len()
    );
    assert!(lanes.iter().all(|e| e.latest_arrival() >= Some(8)));
    // Oldest first by local time (as file names and jrnl sort); an entry
    // written on a trip may be out of order by instant, as in real journals.
    assert!(
        all.windows(2)
            .all(|w| w[0].created.naive_local() < w[1].created.naive_local())
    );
    let offsets: std::collections::BTreeSet<_> = all
        .iter()
        .map(|e| e.created.offset().local_minus_utc())
        .collect();
    assert!(
        offsets.contains(&3600) && offsets.contains(&7200),
        "{offsets:?}"
    );
    let years = all
        .last()
        .unwrap()
        .created
        .signed_duration_since(all[0].created)
        .num_days()
        / 365;
    assert!(years >= 1, "600 entries span {years} years");
    for e in &all {
        e.check().unwrap();
    }
}

#[test]
fn every_generated_file_reads_back_through_list() {
    let sb = Sandbox::new();
    let store = Store::new(sb.data());
    let written = generate::write_journal(&store, 40, 11).unwrap();
    let out = sb
        .assert_cmd()
        .args(["list", "--json", "--no-input"])
        .assert()
        .success();
    assert!(out.get_output().stderr.is_empty(), "{:?}", out.get_output());
    let doc: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let mut listed: Vec<String> = doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    let mut ids: Vec<String> = written
        .paths
        .iter()
        .map(|p| {
            crate::sandbox::read_json(p)["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    listed.sort();
    ids.sort();
    assert_eq!(listed, ids);
    let mut sizes: Vec<u64> = written
        .paths
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().len())
        .collect();
    sizes.sort_unstable();
    let median = sizes[sizes.len() / 2];
    assert!(
        (2000..=5000).contains(&median),
        "median entry {median} bytes"
    );
}

#[test]
fn the_jrnl_text_has_one_header_per_entry() {
    let n = 80;
    let (_tmp, _files, jrnl) = generated(n, 5);
    let header = |line: &str| {
        let b = line.as_bytes();
        b.len() > 19
            && b[0] == b'['
            && b[17] == b']'
            && b[18] == b' '
            && chrono::NaiveDateTime::parse_from_str(&line[1..17], "%Y-%m-%d %H:%M").is_ok()
    };
    let headers: Vec<&str> = jrnl.lines().filter(|l| header(l)).collect();
    assert_eq!(headers.len(), n, "{jrnl}");
    // jrnl's own parser splits on "\n[" ... "] ": nothing else may look like one.
    assert_eq!(jrnl.matches("\n[").count(), n - 1);
    assert!(jrnl.starts_with('['));
    // A blank line between entries, as jrnl writes them, and no tags or stars.
    assert_eq!(jrnl.matches("\n\n[").count(), n - 1);
    assert!(!jrnl.contains('@') && !jrnl.contains('#') && !jrnl.contains('*'));
    // Oldest first, in the entries' own local time.
    let times: Vec<&str> = headers.iter().map(|h| &h[1..17]).collect();
    let first = generate::entries(n, 5).next().unwrap();
    assert_eq!(times[0], first.created.format("%Y-%m-%d %H:%M").to_string());
    // The title is the first sentence of what happened.
    let what = first.text(mentalog::entry::keys::WHAT_HAPPENED).unwrap();
    let title = &headers[0][19..];
    assert!(what.starts_with(title), "{title:?} / {what:?}");
    assert!(title.ends_with('.'));
}
