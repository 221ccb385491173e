#!/usr/bin/env bash
# Rebuilds the sample journal in examples/sample/journal/ from the answers in
# examples/sample/answers/, then writes its summaries with export.sh.
# Entry ids are random, so this changes every entry file: run it only to
# change the sample itself, and commit the journal it writes.
#
#   examples/sample/make.sh [PATH-TO-MENTALOG]   (default: target/release/mentalog)
#
# Each answers file is named after the moment the entry is written, e.g.
# 2026-11-05T19-30-00+01-00.json is written at 2026-11-05T19:30:00+01:00.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:-$root/target/release/mentalog}"
if [[ ! -x "$bin" ]]; then
    echo "make.sh: no mentalog binary at $bin; build it with 'cargo build --release' or pass its path" >&2
    exit 1
fi

journal="$here/journal"
rm -rf "$journal"
export MENTALOG_DIR="$journal"
export MENTALOG_CONFIG="$here/config.toml"
# The crisis plan written with the therapist, before any entry.
mkdir -p "$journal"
chmod 700 "$journal"
install -m 600 "$here/plan.md" "$journal/plan.md"

for answers in "$here"/answers/*.json; do
    name="$(basename "$answers" .json)"   # 2026-11-05T19-30-00+01-00
    day="${name%%T*}"                     # 2026-11-05
    rest="${name#*T}"                     # 19-30-00+01-00
    clock="${rest:0:8}"                   # 19-30-00
    offset="${rest:8}"                    # +01-00
    MENTALOG_NOW="${day}T${clock//-/:}${offset//-/:}" "$bin" new --answers "$answers" >/dev/null
done

export MENTALOG_NOW="2026-11-25T20:00:00+01:00"
"$bin" session add 2026-11-12
"$bin" session next 2026-11-26

# The safety-lane entry says in its answers file ("safety.share": "whole")
# that the therapist may see it, so the summary's safety section has something to show.
if ! grep -rq '"safety_lane": true' "$journal/entries"; then
    echo "make.sh: no safety-lane entry was written; the sample needs one (distress 9)" >&2
    exit 1
fi

"$here/export.sh" "$bin"
