#!/usr/bin/env bash
# mentalog and jrnl 4 side by side, as whole processes, on generated journals
# holding the same words (examples/gen_journal.rs). Prints one Markdown table
# of medians, the ratio, and the peak memory of each command.
#
#   scripts/bench-vs-jrnl.sh [--entries 10000] [--runs 10] [--seed 1] [--no-build]
#
# --no-build uses the release binaries already built (mentalog and the
# gen_journal example) instead of running cargo build first.
# Needs cargo, python3 (with venv) and network access to PyPI for jrnl.
# Uses hyperfine when installed (each pair in one hyperfine run), otherwise a
# timing loop in python3 that alternates the two commands of a pair.
# Everything lives in a temporary folder removed at exit: the data folder,
# the config, jrnl's config and journal, HOME. Your own journal is never
# read or written.
set -euo pipefail

entries=10000
runs=10
seed=1
build=1
while [[ $# -gt 0 ]]; do
    case "$1" in
    --entries) entries="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "bench-vs-jrnl: unknown argument $1 (try --help)" >&2; exit 2 ;;
    esac
done
[[ "$entries" =~ ^[0-9]+$ && "$entries" -gt 0 ]] || { echo "bench-vs-jrnl: --entries must be a whole number above 0" >&2; exit 2; }
[[ "$runs" =~ ^[0-9]+$ && "$runs" -gt 0 ]] || { echo "bench-vs-jrnl: --runs must be a whole number above 0" >&2; exit 2; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/bench-vs-jrnl.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
# The real interpreter, found before HOME changes (pyenv shims need HOME).
python="$(python3 -c 'import sys; print(sys.executable)')"

say() { echo "bench-vs-jrnl: $*" >&2; }

if [[ $build == 1 ]]; then
    say "building mentalog (release)"
    (cd "$root" && cargo build --release --quiet --bin mentalog --example gen_journal)
fi
target="$(cd "$root" && cargo metadata --format-version 1 --no-deps | "$python" -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
mentalog="$target/release/mentalog"

say "generating $entries entries (seed $seed) for both"
"$target/release/examples/gen_journal" --entries "$entries" --seed "$seed" \
    --dir "$tmp/data" --jrnl "$tmp/journal.txt"

say "installing jrnl into a temporary virtual environment"
"$python" -m venv "$tmp/venv"
if "$tmp/venv/bin/pip" install --quiet --disable-pip-version-check "jrnl==4.6" >"$tmp/pip.log" 2>&1; then
    :
else
    say "jrnl 4.6 is not available; installing the latest 4.x"
    "$tmp/venv/bin/pip" install --quiet --disable-pip-version-check "jrnl>=4,<5" >>"$tmp/pip.log" 2>&1 ||
        { cat "$tmp/pip.log" >&2; exit 1; }
fi
jrnl_version="$("$tmp/venv/bin/python" -c 'from importlib.metadata import version; print(version("jrnl"))')"
say "jrnl $jrnl_version installed"

# From here on, every command sees only the temporary folder.
mkdir -p "$tmp/home" "$tmp/xdg-config/jrnl" "$tmp/xdg-data" "$tmp/xdg-cache"
export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/xdg-config" XDG_DATA_HOME="$tmp/xdg-data"
export XDG_CACHE_HOME="$tmp/xdg-cache" NO_COLOR=1 TZ=UTC
unset VISUAL EDITOR
export MENTALOG_DIR="$tmp/data" MENTALOG_CONFIG="$tmp/mentalog.toml" MENTALOG_NO_INPUT=1
: >"$MENTALOG_CONFIG"
chmod 600 "$MENTALOG_CONFIG"
# Everything jrnl 4 reads, so that it never asks: no editor, no encryption,
# the journal file already there.
cat >"$XDG_CONFIG_HOME/jrnl/jrnl.yaml" <<EOF
colors:
  body: none
  date: none
  tags: none
  title: none
default_hour: 9
default_minute: 0
editor: ''
encrypt: false
highlight: false
indent_character: '|'
journals:
  default:
    journal: $tmp/journal.txt
linewrap: 79
tagsymbols: '#@'
template: false
timeformat: '%Y-%m-%d %H:%M'
version: '$jrnl_version'
EOF

cat >"$tmp/bench.py" <<'PY'
"""Times each pair of commands as whole processes and prints the table."""
import json, os, shlex, shutil, statistics, subprocess, sys, time

tmp, mentalog, jrnl, runs, answers = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
data = os.environ["MENTALOG_DIR"]

# The period of the default export: the two weeks up to the newest entry's day.
newest = max(
    name for _, _, files in os.walk(os.path.join(data, "entries")) for name in files
)[:10]
y, m, d = (int(x) for x in newest.split("-"))
import datetime
until = datetime.date(y, m, d)
since = until - datetime.timedelta(days=13)
now = f"{until.isoformat()}T23:00:00+00:00"

with open(answers) as f:
    words = " ".join(v for v in json.load(f).values() if isinstance(v, str) and len(v) > 12)

M = [mentalog, "--no-input"]
pairs = [
    ("start-up (`--version`)", M[:1] + ["--version"], [jrnl, "--version"]),
    ("last 20 (`list -n 20` / `jrnl -n 20`)", M + ["list", "-n", "20"], [jrnl, "-n", "20"]),
    ("export everything, JSON", M + ["export", "--since", "all", "--format", "json"], [jrnl, "--export", "json"]),
    ("export everything, Markdown", M + ["export", "--since", "all", "--format", "md"], [jrnl, "--export", "markdown"]),
    (f"export two weeks ({since} to {until}), Markdown", M + ["export", "--since", str(since), "--until", str(until)],
     [jrnl, "-from", str(since), "-to", str(until), "--export", "markdown"]),
    ("export, default period (clock at the newest day)", ["env", f"MENTALOG_NOW={now}"] + M + ["export"], None),
    ("`cat` of every entry file (the floor)", ["bash", "-c", f"find {shlex.quote(data)}/entries -name '*.json' -exec cat {{}} + >/dev/null"], None),
    # Last, so the entries it adds are not in the exports above; each run
    # adds one entry to each journal (a few in 10,000: the growth is kept).
    ("add an entry (`new --answers` / `jrnl TEXT`)", M + ["new", "--answers", answers], [jrnl, words]),
]

def run(cmd):
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    t = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"bench-vs-jrnl: {shlex.join(cmd)} failed ({p.returncode}): {p.stderr.decode(errors='replace')[-2000:]}")
    return t

def hyperfine(cmds):
    out = os.path.join(tmp, "hyperfine.json")
    subprocess.run(["hyperfine", "--warmup", "1", "--runs", str(runs), "--style", "none",
                    "--export-json", out] + [shlex.join(c) for c in cmds],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    with open(out) as f:
        return [statistics.median(r["times"]) for r in json.load(f)["results"]]

def loop(cmds):
    for c in cmds:  # warm-up
        run(c)
    times = [[] for _ in cmds]
    for i in range(runs):
        # Alternate, and swap who goes first each run.
        order = list(range(len(cmds)))[:: 1 if i % 2 == 0 else -1]
        for k in order:
            times[k].append(run(cmds[k]))
    return [statistics.median(t) for t in times]

def peak_kib(cmd):
    if os.path.exists("/usr/bin/time"):
        out = os.path.join(tmp, "time.txt")
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out] + cmd, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        with open(out) as f:
            return int(f.read().split()[-1])
    probe = ("import resource, subprocess, sys\n"
             "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, check=True)\n"
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    return int(subprocess.run([sys.executable, "-c", probe] + cmd, check=True, capture_output=True).stdout)

def ms(s):
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"

def mib(k):
    return f"{k / 1024:.1f} MiB"

use_hyperfine = shutil.which("hyperfine") is not None
timer = hyperfine if use_hyperfine else loop
rows = []
for label, a, b in pairs:
    cmds = [a] + ([b] if b else [])
    med = timer(cmds)
    mem = [peak_kib(c) for c in cmds]
    if b:
        r = med[1] / med[0]
        ratio = f"{r:.2f}× faster" if r >= 1 else f"**{1 / r:.2f}× slower**"
        rows.append((label, ms(med[0]), ms(med[1]), ratio, mib(mem[0]), mib(mem[1])))
    else:
        rows.append((label, ms(med[0]), "–", "–", mib(mem[0]), "–"))

entries = int(os.environ["ENTRIES"])
how = "hyperfine, each pair in one run" if use_hyperfine else "python3 loop, the two commands alternated"
print(f"\n{entries:,} generated entries, mentalog / jrnl {os.environ['JRNL_VERSION']}, medians of {runs} runs after a warm-up ({how})\n")
print("| command | mentalog | jrnl | ratio (mentalog) | peak memory mentalog | peak memory jrnl |")
print("|---|---|---|---|---|---|")
for row in rows:
    print("| " + " | ".join(row) + " |")
PY

say "timing (this takes a while: jrnl rewrites its whole journal to add an entry)"
ENTRIES="$entries" JRNL_VERSION="$jrnl_version" "$python" "$tmp/bench.py" "$tmp" "$mentalog" "$tmp/venv/bin/jrnl" "$runs" "$root/examples/answers.json"
