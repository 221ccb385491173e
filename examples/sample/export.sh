#!/usr/bin/env bash
# Writes the sample summaries (summary.md, .html, .json, .txt) from the
# committed sample journal. Run it after a change to the summary's output;
# tests/it/examples.rs fails while they are stale.
#
#   examples/sample/export.sh [PATH-TO-MENTALOG]   (default: target/release/mentalog)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:-$root/target/release/mentalog}"
if [[ ! -x "$bin" ]]; then
    echo "export.sh: no mentalog binary at $bin; build it with 'cargo build --release' or pass its path" >&2
    exit 1
fi

# The same clock and config as tests/it/examples.rs.
export MENTALOG_DIR="$here/journal"
export MENTALOG_CONFIG="$here/config.toml"
export MENTALOG_NOW="2026-11-25T20:00:00+01:00"

for format in md html json text; do
    case "$format" in
        text) file="$here/summary.txt" ;;
        *) file="$here/summary.$format" ;;
    esac
    # Into a temporary file first, so a failed export leaves the old summary whole.
    "$bin" export --since all --until 2026-11-25 --format "$format" >"$file.tmp" || {
        rm -f "$file.tmp"
        echo "export.sh: 'mentalog export --format $format' failed with $bin" >&2
        exit 1
    }
    mv "$file.tmp" "$file"
done
echo "Wrote the summaries in $here"
