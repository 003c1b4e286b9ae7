#!/usr/bin/env bash
# bench/hazards.sh — issue 20: the COSHH inventory, the SDS report, the
# digest and `sds get` at the large size (20,000 items / 2,000,000
# movements), with 2,000 hazardous items and 2,000 safety data sheets of
# 300 KB each, and how much the database grows.
#
#   bench/hazards.sh [FULL_DB]   FULL_DB: the large bench database
#                                [default: $CARGO_TARGET_DIR/bench-data/l/full.db,
#                                made by `bench/run.sh --sizes l`]
#   RUNS=15 bench/hazards.sh     runs per command (median wall time)
#
# The database is copied first (the original is never written). The
# hazardous items are classified with `item edit` and the sheets stored
# with `sds add`, one process each, as a lab would (a few minutes at this
# size); each sheet is 300 KB of distinct bytes after `%PDF-`, so none is
# stored once for two items. Targets (issue 20): report coshh < 200 ms,
# report sds < 100 ms, digest < 600 ms, sds get < 50 ms; the database
# grows by the documents' size and no more than 2 % besides. `check --quick`
# is timed once before the sheets and once after (it hashes every one).

set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$TARGET/release/labstock
SRC=${1:-$TARGET/bench-data/l/full.db}
RUNS=${RUNS:-15}
ITEMS=${ITEMS:-2000}
SHEET_BYTES=${SHEET_BYTES:-307200}

[ -f "$SRC" ] || { echo "bench/hazards.sh: no database at $SRC (run bench/run.sh --sizes l first)" >&2; exit 66; }
[ -x "$BIN" ] || (cd "$ROOT" && cargo build --release --bin labstock)

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp "$SRC" "$WORK/lab.db"
export LABSTOCK_DB=$WORK/lab.db
export LABSTOCK_NOW=2026-11-21T09:00:00Z
export LABSTOCK_USER=bench

say() { echo "bench/hazards.sh: $*" >&2; }

# Open once: the migration adds the hazard columns and SDS tables.
"$BIN" config list >/dev/null
"$BIN" export items | awk -F, -v n="$ITEMS" 'NR > 1 && NR <= n + 1 { print $1 }' > "$WORK/codes"
size_db() { sqlite3 "$LABSTOCK_DB" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null; stat -c %s "$LABSTOCK_DB"; }
before=$(size_db)
once_ms() { local t0 t1; t0=$(date +%s%N); bash -c "$1" >/dev/null 2>&1 || true; t1=$(date +%s%N); echo $(((t1 - t0) / 1000000)); }
check_before=$(once_ms "$BIN check --quick")

say "classifying $ITEMS items"
classes=(
    "--ghs GHS02,GHS07 --signal-word Danger --h-statements H225,H319,H336 --p-statements P210,P233,P305+P351+P338"
    "--ghs GHS05 --signal-word Danger --h-statements H314,H290 --p-statements P280,P301+P330+P331"
    "--ghs GHS06,GHS08 --signal-word Danger --h-statements H301+H311+H331,H370 --p-statements P260,P280"
    "--ghs GHS09 --h-statements H411 --p-statements P273,P391,P501"
    "--ghs GHS07 --signal-word Warning --h-statements H302,H315,H319 --p-statements P264,P280"
)
n=0
while read -r code; do
    # shellcheck disable=SC2086
    "$BIN" item edit "$code" ${classes[$((n % ${#classes[@]}))]} >/dev/null 2>&1
    n=$((n + 1))
done < "$WORK/codes"

say "storing $ITEMS safety data sheets of $SHEET_BYTES bytes"
documents=0
n=0
while read -r code; do
    { printf '%%PDF-1.7\n'; head -c "$SHEET_BYTES" /dev/urandom; } > "$WORK/sheet.pdf"
    documents=$((documents + $(stat -c %s "$WORK/sheet.pdf")))
    "$BIN" sds add "$code" "$WORK/sheet.pdf" --revised "$((2019 + n % 7))-03-14" --supplier Bench >/dev/null 2>&1
    n=$((n + 1))
done < "$WORK/codes"
after=$(size_db)
check_after=$(once_ms "$BIN check --quick")

median_ms() {
    local cmd=$1 i t0 t1
    : > "$WORK/times"
    bash -c "$cmd" >/dev/null 2>&1 || true
    for ((i = 0; i < RUNS; i++)); do
        t0=$(date +%s%N)
        bash -c "$cmd" >/dev/null 2>&1 || true
        t1=$(date +%s%N)
        echo $(((t1 - t0) / 1000)) >> "$WORK/times"
    done
    sort -n "$WORK/times" | awk '{a[NR] = $1} END {m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f", m / 1000}'
}

first=$(head -n 1 "$WORK/codes")
echo "| command | median ms | target |"
echo "|---|---:|---:|"
echo "| \`report coshh --format csv\` | $(median_ms "$BIN report coshh --format csv") | 200 |"
echo "| \`report sds --format csv\` | $(median_ms "$BIN report sds --format csv") | 100 |"
echo "| \`digest\` | $(median_ms "$BIN digest") | 600 |"
echo "| \`digest --format json\` | $(median_ms "$BIN digest --format json") | 600 |"
echo "| \`sds get $first --output FILE\` | $(median_ms "$BIN sds get $first --output $WORK/got.pdf") | 50 |"
echo
growth=$((after - before))
echo "database: $before bytes before, $after after: grew $growth bytes for $documents bytes of documents" \
    "($(awk -v g="$growth" -v d="$documents" 'BEGIN { printf "%.2f", (g - d) * 100 / d }') % besides the documents)"
echo "check --quick: $check_before ms before the sheets, $check_after ms after (every document hashed)"
