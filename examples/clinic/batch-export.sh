#!/usr/bin/env bash
# Exports the summaries of journals a clinic has been given (in a study, for
# example): one HTML and one JSON file per journal and calendar month, and the
# JSON Lines manifest of the run kept beside them. See README.md here.
#
#   batch-export.sh LIST OUT_DIR
#
#   LIST      a file naming the journals' data folders, one per line
#   OUT_DIR   where the summaries go: OUT_DIR/<label or folder>/<first>_<last>.html
#
# Environment:
#   MENTALOG   the mentalog binary [default: mentalog on PATH]
#   CONFIG     one config file for every journal [default: each journal's own
#              config.toml inside its folder, else mentalog's defaults]
#   MANIFESTS  where each run's manifest is kept [default: OUT_DIR-manifests]
#
# Exit codes, as mentalog's: 0 every file written (or already up to date);
# 3 written, but some entry files could not be read and were skipped;
# 1 some journal could not be exported (the others were); 2 a usage error.
set -euo pipefail

usage() {
    echo "usage: batch-export.sh LIST OUT_DIR   (see examples/clinic/README.md)" >&2
    exit 2
}
[[ $# -eq 2 ]] || usage
list="$1"
out_dir="${2%/}"
[[ -n "$out_dir" ]] || usage
mentalog="${MENTALOG:-mentalog}"
manifests="${MANIFESTS:-$out_dir-manifests}"

if ! command -v "$mentalog" >/dev/null; then
    echo "batch-export.sh: cannot find mentalog ('$mentalog'); put it on PATH or set MENTALOG" >&2
    exit 2
fi
if [[ ! -f "$list" || ! -r "$list" ]]; then
    echo "batch-export.sh: cannot read the list of journals $list; write one data folder per line" >&2
    exit 2
fi

# A config or data folder set for the person running this must not be used for
# the journals: each journal's own config.toml counts, or the one CONFIG names.
unset MENTALOG_CONFIG MENTALOG_DIR
config_args=()
if [[ -n "${CONFIG:-}" ]]; then
    config_args=(--config "$CONFIG")
fi

# Summaries hold what patients chose to share: private folders (0700) and
# files (0600) only, parents included.
umask 077
mkdir -p "$out_dir" "$manifests"

# The manifest goes to a temporary file first and is renamed when mentalog has
# finished, so a manifest that is there is whole; an interrupted run leaves none.
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
manifest="$manifests/$stamp.jsonl"
n=1
while [[ -e "$manifest" ]]; do # two runs in one second
    n=$((n + 1))
    manifest="$manifests/$stamp-$n.jsonl"
done
partial="$manifest.partial"
trap 'rm -f "$partial"' EXIT

status=0
"$mentalog" --no-input "${config_args[@]}" export --batch \
    --dirs-from "$list" --by month --format html --format json \
    --out-dir "$out_dir" >"$partial" || status=$?

case "$status" in
    0 | 1 | 3) mv "$partial" "$manifest" ;;
    *) ;; # 2 (usage) or 130 (interrupted): no manifest worth keeping
esac

count() { grep -cE "\"status\": *\"$1\"" "$manifest" || true; }
case "$status" in
    0)
        echo "batch-export.sh: done: $(count written) written, $(count unchanged) unchanged; manifest $manifest" >&2
        ;;
    3)
        echo "batch-export.sh: written, but some entry files were skipped (named above, and under \"skipped\" in $manifest); the summaries concerned say they may be incomplete" >&2
        ;;
    1)
        echo "batch-export.sh: something could not be exported: $(count failed) line(s) with \"status\": \"failed\" in $manifest say what and why; the rest was written" >&2
        ;;
    130)
        echo "batch-export.sh: interrupted; only whole files are in $out_dir, run it again to finish" >&2
        ;;
    2)
        echo "batch-export.sh: mentalog refused the call (see its message above); nothing was exported" >&2
        ;;
    *)
        echo "batch-export.sh: mentalog stopped with exit $status (see its message above); no manifest was kept" >&2
        ;;
esac
exit "$status"
