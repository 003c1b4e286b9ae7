#!/usr/bin/env bash
# bench/imports.sh — time every import kind at 5,000, 10,000 and 20,000
# rows on a 20,000-item catalogue (issue 12, defect 18: `import orders`
# was quadratic in the size of the orders table).
#
#   bench/imports.sh                 all three sizes
#   bench/imports.sh --sizes "5000"  only some
#   bench/imports.sh --runs 3        runs per import (default 3, median kept)
#
# Each run imports one file into a fresh copy of a base database (init +
# 20,000 items + 2 locations; + the assets for `calibrations`), so every
# run starts from the same state. Times are wall-clock of the whole
# command (open, import, commit with fsync). Output: a markdown table on
# stdout and in $CARGO_TARGET_DIR/bench-results/imports.md.

set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$TARGET/release/labstock
OUT=$TARGET/bench-results
SIZES="5000 10000 20000"
RUNS=3
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) SIZES=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "bench/imports.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

export LABSTOCK_NOW=2026-11-21T09:00:00Z
export LABSTOCK_USER=bench
export NO_COLOR=1
unset LABSTOCK_DB

(cd "$ROOT" && cargo build --release --quiet --bin labstock)
mkdir -p "$OUT"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

python3 - "$TMP" $SIZES <<'PY'
import sys, os
tmp, sizes = sys.argv[1], [int(s) for s in sys.argv[2:]]
ITEMS = 20000
with open(f"{tmp}/catalogue.csv", "w") as f:
    f.write("code,name,supplier,reorder_level\n")
    for i in range(ITEMS):
        f.write(f"ITEM-{i:05d},Item {i},Supplier {i % 40},5\n")
with open(f"{tmp}/base_locations.csv", "w") as f:
    f.write("code,name\nFRIDGE-1,Fridge\nSHELF-1,Shelf\n")
for n in sizes:
    d = f"{tmp}/{n}"
    os.makedirs(d)
    with open(f"{d}/locations.csv", "w") as f:
        f.write("code,name\n")
        for i in range(n):
            f.write(f"LOC-{i:06d},Bench {i}\n")
    with open(f"{d}/items.csv", "w") as f:
        f.write("code,name,supplier,reorder_level,max_level\n")
        for i in range(n):
            f.write(f"NEW-{i:06d},New item {i},Supplier {i % 40},5,20\n")
    with open(f"{d}/orders.csv", "w") as f:
        f.write("reference,supplier,item,quantity,ordered_on,expected_on,location\n")
        for i in range(n):
            # five lines per purchase order, items spread over the catalogue
            ref = f"PO-{i // 5:06d}"
            item = (i * 7919) % ITEMS
            f.write(f"{ref},,ITEM-{item:05d},{1 + i % 9},2026-11-01,2026-11-30,{'FRIDGE-1' if i % 3 == 0 else ''}\n")
    with open(f"{d}/movements.csv", "w") as f:
        f.write("timestamp,kind,item,quantity,location,reference\n")
        for i in range(n):
            item = (i * 7919) % ITEMS
            f.write(f"2026-11-{1 + i * 19 // n:02d}T10:00:00Z,receive,ITEM-{item:05d},{1 + i % 9},,PO-{i // 5:06d}\n")
    with open(f"{d}/equipment.csv", "w") as f:
        f.write("asset_tag,description,calibration_interval,in_service_date\n")
        for i in range(n):
            f.write(f"ASSET-{i:06d},Balance {i},{'1y' if i % 2 else '6m'},2025-01-01\n")
    with open(f"{d}/calibrations.csv", "w") as f:
        f.write("asset_tag,performed_on,result,performed_by\n")
        for i in range(n):
            f.write(f"ASSET-{i:06d},2026-{1 + i % 10:02d}-15,{'pass' if i % 11 else 'fail'},Eng\n")
    with open(f"{d}/waste.csv", "w") as f:
        f.write("date,stream,quantity,unit,container,consignment_note,carrier,recorded_by,notes\n")
        for i in range(n):
            hz = i % 2 == 0
            f.write(f"2026-{1 + i % 10:02d}-{1 + i % 28:02d},{'18 01 03*' if hz else '18 01 04'},{1 + i % 7}.5,kg,,,,,\n")
PY

base="$TMP/base.db"
"$BIN" --db "$base" init --timezone UTC >/dev/null 2>&1 || "$BIN" --db "$base" init >/dev/null
"$BIN" --db "$base" import locations "$TMP/base_locations.csv" >/dev/null 2>&1
"$BIN" --db "$base" import items "$TMP/catalogue.csv" >/dev/null 2>&1

ms() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

{
echo "| import (20,000-item catalogue) | rows | median ms | rows per second |"
echo "|---|---:|---:|---:|"
for n in $SIZES; do
    d="$TMP/$n"
    # Base for calibrations: the assets of this size.
    cal_base="$d/with_assets.db"
    cp "$base" "$cal_base"
    "$BIN" --db "$cal_base" import equipment "$d/equipment.csv" >/dev/null 2>&1
    for kind in locations items orders movements equipment calibrations waste; do
        from=$base
        [ "$kind" = calibrations ] && from=$cal_base
        times=""
        for _ in $(seq "$RUNS"); do
            rm -f "$d/run.db" "$d/run.db-wal" "$d/run.db-shm"
            cp "$from" "$d/run.db"
            t0=$(ms)
            "$BIN" --db "$d/run.db" import "$kind" "$d/$kind.csv" >/dev/null 2>&1
            t1=$(ms)
            times="$times $(( (t1 - t0) / 1000000 ))"
        done
        med=$(echo $times | tr ' ' '\n' | median)
        rate=$(( n * 1000 / (med > 0 ? med : 1) ))
        echo "| \`import $kind\` | $n | $med | $rate |"
    done
done
} | tee "$OUT/imports.md"
