#!/usr/bin/env bash
# Makes the screenshots in docs/img from the sample journal (examples/sample):
# the brief and the full summary at 1280 and 390 pixels wide, and the first
# two A4 pages of each as printed. Needs chromium and pdftoppm (poppler).
#
#   docs/img/make.sh [PATH-TO-MENTALOG]   (default: target/release/mentalog)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:-$root/target/release/mentalog}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

export MENTALOG_DIR="$root/examples/sample/journal"
export MENTALOG_NOW="2026-11-25T20:00:00+01:00"
# The sample's config with a label, as a clinic might set one.
{ echo 'label = "Sample: AB 1234"'; cat "$root/examples/sample/config.toml"; } >"$tmp/config.toml"
chmod 600 "$tmp/config.toml"
export MENTALOG_CONFIG="$tmp/config.toml"

shot() { # page width height out
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --user-data-dir="$tmp/profile" --window-size="$2,$3" \
        --screenshot="$4" "file://$1" 2>/dev/null
}

for form in brief full; do
    flag=""
    [[ $form == brief ]] && flag="--brief"
    html="$tmp/$form.html"
    "$bin" export --since all --until 2026-11-25 --format html $flag --out "$html" --yes
    shot "$html" 1280 1800 "$here/$form-1280.png"
    shot "$html" 390 2400 "$here/$form-390.png"
    chromium --headless --no-sandbox --disable-gpu --user-data-dir="$tmp/profile" \
        --no-pdf-header-footer --print-to-pdf="$tmp/$form.pdf" "file://$html" 2>/dev/null
    pdftoppm -r 60 -png -f 1 -l 2 "$tmp/$form.pdf" "$tmp/$form-a4"
    for f in "$tmp/$form"-a4-*.png; do
        n="${f##*-}"
        cp "$f" "$here/$form-a4-page${n#0}"
    done
done
ls "$here"
