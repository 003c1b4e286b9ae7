#!/usr/bin/env bash
# bench/temperatures.sh — storage temperatures at a network's scale (issue 19).
#
#   bench/temperatures.sh              50 locations, a reading every 5 minutes for a year
#   bench/temperatures.sh --days 30    a shorter history (quicker to build)
#   bench/temperatures.sh --keep DIR   leave the database with its readings in DIR
#
# On a copy of bench/run.sh's size-l database (20,000 items, 2,000,000
# movements; run `bench/run.sh --sizes l --only receive` first): the four
# stock fridges and freezers it already has (FRIDGE-1, FRIDGE-2, FREEZER-1,
# QC-STORE, with their stock) and 46 more are given ranges, and a year of
# logger readings is imported (≈ 5.3 M rows: a door opening every few days,
# transient; a real excursion about once a month per location). Then each
# command below is timed as a whole process (median of 15 runs): a 30-day
# logger file (8,640 rows) imported, `report excursions`, `report
# temperatures` over 30 days × 50 locations, the 30-day SVG chart, one
# `temp record`. And the database's growth per reading.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
DATA=${LABSTOCK_BENCH_DATA:-$TARGET/bench-data}
DAYS=365
KEEP=""
while [ $# -gt 0 ]; do
    case "$1" in
        --days) DAYS=$2; shift 2 ;;
        --keep) KEEP=$2; shift 2 ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "bench/temperatures.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
SRC=$DATA/l/full.db
if [ ! -f "$SRC" ]; then
    echo "bench/temperatures.sh: $SRC is missing: run bench/run.sh --sizes l --only receive first" >&2
    exit 1
fi
(cd "$ROOT" && cargo build --release --quiet --bin labstock)
BIN=$TARGET/release/labstock
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp "$SRC" "$WORK/lab.db"
export LABSTOCK_DB=$WORK/lab.db LABSTOCK_USER=bench TZ=UTC LABSTOCK_NOW=2026-11-21T09:00:00Z

python3 - "$WORK" "$DAYS" <<'PY'
import datetime, random, sys
work, days = sys.argv[1], int(sys.argv[2])
random.seed(19)
stock = ["FRIDGE-1", "FRIDGE-2", "QC-STORE", "FREEZER-1"]
codes = stock + [f"MON-{i:02d}" for i in range(1, 47)]
with open(f"{work}/locations.csv", "w") as f:
    f.write("code,name,min_temp,max_temp,tolerance_minutes\n")
    for c in codes:
        # The stock locations exist already: import skips them; ranges are
        # set by `location edit` below.
        if c in stock:
            continue
        lo, hi = ("-25", "-15") if c.endswith(("1", "7")) else ("2", "8")
        f.write(f"{c},Monitored store {c},{lo},{hi},30\n")
end = datetime.datetime(2026, 11, 21, 8, 0)
start = end - datetime.timedelta(days=days)
step = datetime.timedelta(minutes=5)
def series(c, t0, t1, f):
    freezer = c == "FREEZER-1" or c.endswith(("1", "7")) and c.startswith("MON")
    base, spike = (-19.5, 8.0) if freezer else (4.8, 5.5)
    t, n = t0, 0
    while t < t1:
        v = base + random.uniform(-0.8, 0.8)
        if n % 1000 == 500:            # a door opening: 10 minutes out
            v += spike
        if n % 8640 == 4000 and n % 1000 != 500:   # monthly: 2 hours out
            v += spike
        if 4001 <= n % 8640 <= 4023:
            v += spike
        f.write(f"{c},{t:%Y-%m-%dT%H:%M:%SZ},{v:.2f},,,logger,\n")
        t += step
        n += 1
with open(f"{work}/year.csv", "w") as f:
    f.write("location,timestamp,value,min,max,recorded_by,note\n")
    for c in codes:
        series(c, start, end - datetime.timedelta(days=30), f)
with open(f"{work}/month.csv", "w") as f:
    f.write("location,timestamp,value,min,max,recorded_by,note\n")
    for c in codes[1:]:
        series(c, end - datetime.timedelta(days=30), end, f)
# The 30-day logger file of FRIDGE-1, in the logger's own two columns.
with open(f"{work}/logger.csv", "w") as f:
    f.write("timestamp,temperature\n")
    t = end - datetime.timedelta(days=30)
    while t < end:
        f.write(f"{t:%Y-%m-%d %H:%M:%S},{4.8 + random.uniform(-0.8, 0.8):.2f}\n")
        t += step
PY

"$BIN" import locations "$WORK/locations.csv" >/dev/null 2>&1
for c in FRIDGE-1 FRIDGE-2 QC-STORE; do "$BIN" location edit "$c" --range 2..8 --tolerance 30 >/dev/null 2>&1; done
"$BIN" location edit FREEZER-1 --range=-25..-15 --tolerance 30 >/dev/null 2>&1
before=$(stat -c %s "$WORK/lab.db")
start=$(date +%s%N)
"$BIN" import temperatures "$WORK/year.csv" 2>&1 | tail -1
"$BIN" import temperatures "$WORK/month.csv" 2>&1 | tail -1
end=$(date +%s%N)
rows=$(($(wc -l <"$WORK/year.csv") + $(wc -l <"$WORK/month.csv") - 2))
sqlite3_size() { "$BIN" check --quick >/dev/null 2>&1 || true; stat -c %s "$WORK/lab.db"; }
after=$(sqlite3_size)
echo "history: $rows readings imported in $(((end - start) / 1000000)) ms; database +$(((after - before) / rows)) bytes per reading"
if [ -n "$KEEP" ]; then
    mkdir -p "$KEEP"
    cp "$WORK/lab.db" "$KEEP/lab.db"
    cp "$WORK/logger.csv" "$KEEP/logger.csv"
fi

median_ms() {
    local times=()
    for _ in $(seq 15); do
        local t0 t1
        "${PREP[@]}" >/dev/null 2>&1 || true
        t0=$(date +%s%N)
        "$@" >/dev/null 2>&1 || true
        t1=$(date +%s%N)
        times+=($(((t1 - t0) / 1000)))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "%.1f", a[int((NR + 1) / 2)] / 1000 }'
}
PREP=(true)
echo "report excursions: $(median_ms "$BIN" report excursions --format csv) ms ($("$BIN" report excursions --format csv | wc -l) rows)"
echo "report excursions --open: $(median_ms "$BIN" report excursions --open --format csv) ms"
echo "report temperatures, 30 days x 50 locations: $(median_ms "$BIN" report temperatures --from 2026-10-22 --to 2026-11-20 --format csv) ms"
echo "svg chart, 30 days: $(median_ms "$BIN" report temperatures --location MON-02 --from 2026-10-22 --to 2026-11-20 --format svg) ms"
n=0
record() { n=$((n + 1)); "$BIN" temp record MON-03 5 --at "2026-11-21T08:$(printf %02d $((n % 60))):30Z"; }
echo "temp record: $(median_ms record) ms"
cp "$WORK/lab.db" "$WORK/base.db"
PREP=(cp "$WORK/base.db" "$WORK/lab.db")
rm -f "$WORK/lab.db-wal" "$WORK/lab.db-shm"
echo "temp import, 30-day logger file (8,640 rows): $(median_ms "$BIN" temp import FRIDGE-1 "$WORK/logger.csv") ms"
