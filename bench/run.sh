#!/usr/bin/env bash
# bench/run.sh — time labstock's commands as a user runs them, at three
# sizes, beside the same answer from the bare sqlite3 shell (issue 7).
#
#   bench/run.sh                 all three sizes (s, m, l)
#   bench/run.sh --sizes "s m"   only some
#   bench/run.sh --runs 20       runs per quick command (default 15)
#   bench/run.sh --slow-runs 3   runs per import (default 3)
#   bench/run.sh --only report   only the commands whose name starts so
#
# Sizes (items / movements / equipment / waste, seed 7):
#   s  200 / 20,000 / 50 / 1,000
#   m  2,000 / 200,000 / 500 / 10,000
#   l  20,000 / 2,000,000 / 5,000 / 100,000
#
# It builds the release binary and the generator, generates each size once
# (cached in $CARGO_TARGET_DIR/bench-data, default target/bench-data),
# imports it once into a database that every command then reads, and
# times each command with hyperfine when it is installed (median wall
# time), else with a loop of its own. Peak memory (max RSS) comes from one
# extra run under /usr/bin/time. The results table is printed and written
# to $CARGO_TARGET_DIR/bench-results/results.md; paste it into
# BENCHMARKS.md.
#
# sqlite3 baselines need the sqlite3 shell; without it the script says so
# and leaves the ratio column empty. CI does not run this script.
#
# Adding a command: one `bench` line in `commands` below, e.g.
#   bench "report usage" "report usage --format csv" "$SQL_USAGE"
# with the hand-written SQL of the same answer in a variable beside the
# others (or "" for no baseline). Imports of every kind the binary knows
# (orders, equipment, calibrations, waste) go into the cached database;
# delete $CARGO_TARGET_DIR/bench-data/*/full.db after changing them.

set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
DATA=${LABSTOCK_BENCH_DATA:-$TARGET/bench-data}
OUT=$TARGET/bench-results
BIN=$TARGET/release/labstock
GEN=$TARGET/release/examples/generate
SIZES="s m l"
RUNS=15
SLOW_RUNS=3
ONLY=""

while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) SIZES=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --slow-runs) SLOW_RUNS=$2; shift 2 ;;
        --only) ONLY=$2; shift 2 ;;
        -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
        *) echo "bench/run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

export LABSTOCK_NOW=2026-11-21T09:00:00Z
export LABSTOCK_USER=bench
export NO_COLOR=1
unset LABSTOCK_DB

HAVE_HYPERFINE=$(command -v hyperfine >/dev/null && echo yes || echo no)
HAVE_SQLITE3=$(command -v sqlite3 >/dev/null && echo yes || echo no)
HAVE_TIME=$([ -x /usr/bin/time ] && echo yes || echo no)

mkdir -p "$DATA" "$OUT"
RESULTS=$OUT/results.md
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

say() { echo "bench: $*" >&2; }

(cd "$ROOT" && cargo build --release --quiet --bin labstock --example generate)

[ "$HAVE_HYPERFINE" = yes ] || say "hyperfine not found: timing with a shell loop (install hyperfine for steadier numbers)"
[ "$HAVE_SQLITE3" = yes ] || say "sqlite3 not found: skipping the sqlite3 baselines (install the sqlite3 shell to get the ratio column)"
[ "$HAVE_TIME" = yes ] || say "/usr/bin/time not found: peak memory not measured"

size_args() {
    case "$1" in
        s) echo "--items 200 --movements 20000 --equipment 50 --waste 1000" ;;
        m) echo "--items 2000 --movements 200000 --equipment 500 --waste 10000" ;;
        l) echo "--items 20000 --movements 2000000 --equipment 5000 --waste 100000" ;;
        *) echo "bench/run.sh: unknown size $1" >&2; exit 2 ;;
    esac
}

generate() {
    local dir=$DATA/$1
    if [ ! -f "$dir/movements.csv" ]; then
        say "generating size $1"
        # shellcheck disable=SC2046
        "$GEN" $(size_args "$1") --seed 7 --out "$dir" >&2
    fi
}

# Import a kind if this binary knows it (exit 2 is clap's "unknown value").
import_kind() {
    local db=$1 kind=$2 file=$3
    [ -f "$file" ] || return 0
    local rc=0
    "$BIN" --db "$db" import "$kind" "$file" 2>"$TMP/import.err" || rc=$?
    if [ $rc -eq 2 ]; then
        say "import $kind: not supported by this binary yet, skipped"
    elif [ $rc -ne 0 ]; then
        cat "$TMP/import.err" >&2
        exit $rc
    fi
}

# catalogue.db: init + locations + items (what `import movements` starts
# from); full.db: everything imported, read by the other commands.
prepare_db() {
    local dir=$DATA/$1
    if [ ! -f "$dir/catalogue.db" ]; then
        rm -f "$dir/catalogue.db.tmp"
        "$BIN" --db "$dir/catalogue.db.tmp" init 2>/dev/null
        import_kind "$dir/catalogue.db.tmp" locations "$dir/locations.csv"
        import_kind "$dir/catalogue.db.tmp" items "$dir/items.csv"
        mv "$dir/catalogue.db.tmp" "$dir/catalogue.db"
    fi
    if [ ! -f "$dir/full.db" ]; then
        say "importing size $1"
        cp "$dir/catalogue.db" "$dir/full.db.tmp"
        for kind in movements orders equipment calibrations waste; do
            import_kind "$dir/full.db.tmp" "$kind" "$dir/$kind.csv"
        done
        mv "$dir/full.db.tmp" "$dir/full.db"
    fi
}

# Median wall time in ms of a shell command line; $2 is run before each
# timed run (untimed), $3 the number of runs.
time_median_ms() {
    local cmd=$1 prepare=$2 runs=$3
    if [ "$HAVE_HYPERFINE" = yes ]; then
        local args=(--style none --runs "$runs" --export-json "$TMP/h.json" -N)
        if [ -n "$prepare" ]; then
            args=(--style none --runs "$runs" --export-json "$TMP/h.json" --prepare "$prepare")
        else
            args+=(--warmup 2)
        fi
        hyperfine "${args[@]}" "$cmd" >/dev/null 2>"$TMP/h.err" || { cat "$TMP/h.err" >&2; echo "failed"; return; }
        grep -o '"median": *[0-9.e+-]*' "$TMP/h.json" | head -1 | sed 's/.*: *//' | awk '{printf "%.1f", $1 * 1000}'
    else
        local i t0 t1
        : > "$TMP/times"
        for ((i = 0; i < runs; i++)); do
            [ -z "$prepare" ] || bash -c "$prepare"
            t0=$(date +%s%N)
            bash -c "$cmd" >/dev/null 2>&1
            t1=$(date +%s%N)
            echo $(((t1 - t0) / 1000)) >> "$TMP/times"
        done
        sort -n "$TMP/times" | awk '{a[NR] = $1} END {m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f", m / 1000}'
    fi
}

# Peak resident memory in MB of one run.
peak_mb() {
    local cmd=$1 prepare=$2
    [ "$HAVE_TIME" = yes ] || { echo "n/a"; return; }
    [ -z "$prepare" ] || bash -c "$prepare"
    /usr/bin/time -f "%M" -o "$TMP/rss" bash -c "exec $cmd" >/dev/null 2>&1 || true
    awk '{printf "%.1f", $1 / 1024}' "$TMP/rss"
}

# bench NAME "LABSTOCK ARGS" "BASELINE SQL" [slow]
bench() {
    local name=$1 args=$2 baseline=$3 slow=${4:-}
    case "$name" in "$ONLY"*) ;; *) return 0 ;; esac
    local cmd="$BIN --db $WORK $args"
    local prepare="" runs=$RUNS
    if [ -n "$slow" ]; then
        prepare=$slow
        runs=$SLOW_RUNS
    fi
    say "$SIZE: $name"
    local ms mb base="" ratio=""
    ms=$(time_median_ms "$cmd" "$prepare" "$runs")
    mb=$(peak_mb "$cmd" "$prepare")
    if [ -n "$baseline" ] && [ "$HAVE_SQLITE3" = yes ]; then
        printf '%s\n' "$baseline" > "$TMP/baseline-$SIZE.sql"
        base=$(time_median_ms "sqlite3 -csv $WORK .read\ $TMP/baseline-$SIZE.sql" "" "$RUNS")
        ratio=$(awk -v a="$ms" -v b="$base" 'BEGIN { if (b > 0) printf "%.2f", a / b }')
    fi
    printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "$SIZE" "$ms" "$mb" "${base:--}" "${ratio:--}" | tee -a "$RESULTS"
}

# Hand-written SQL of the same answers, on labstock's own database file.
SQL_STOCK_ALL="SELECT i.code, i.name, l.lot, l.expiry, loc.code, b.quantity FROM balances b
  JOIN items i ON i.id = b.item_id JOIN lots l ON l.id = b.lot_id JOIN locations loc ON loc.id = b.location_id
  WHERE b.quantity <> 0 ORDER BY i.code, l.lot, loc.code;"

# The reports, as of the pinned date (2026-11-21), with their defaults
# (expiry and calibration-due within 30 days). Nothing in the generated data
# happens after that date, so the maintained balances and statuses are the
# as-of ones. The reorder baseline computes the same candidates and
# suggested quantities but leaves out the reason text.
SQL_REORDER="WITH usable AS (
    SELECT b.item_id, sum(b.quantity) AS q FROM balances b JOIN lots l ON l.id = b.lot_id
      JOIN items i ON i.id = b.item_id
    WHERE b.quantity <> 0 AND l.status = 'available'
      AND coalesce(min(coalesce(l.expiry, date(l.opened_on, '+' || i.in_use_days || ' days')),
                       coalesce(date(l.opened_on, '+' || i.in_use_days || ' days'), l.expiry)), '9999-12-31') >= '2026-11-21'
    GROUP BY b.item_id),
  line AS (
    SELECT o.item_id, max(o.quantity
        - (SELECT coalesce(sum(m.quantity), 0) FROM movements m WHERE m.order_id = o.id AND m.at < '2026-11-22T00:00:00Z')
        - (SELECT coalesce(sum(m.quantity + coalesce((SELECT r.quantity FROM movements r WHERE r.reverses = m.id
                                                       AND r.at < '2026-11-22T00:00:00Z'), 0)), 0)
             FROM movements m WHERE m.item_id = o.item_id AND m.kind = 'receive' AND m.order_id IS NULL
              AND m.reference = o.reference COLLATE NOCASE AND m.at < '2026-11-22T00:00:00Z'), 0) AS q
    FROM orders o WHERE o.ordered_on <= '2026-11-21' AND (o.closed_on IS NULL OR o.closed_on > '2026-11-21')),
  ordered AS (SELECT item_id, sum(q) AS q FROM line GROUP BY item_id),
  pos AS (
    SELECT i.*, coalesce(u.q, 0) AS on_hand, coalesce(o.q, 0) AS on_order, coalesce(u.q, 0) + coalesce(o.q, 0) AS position
    FROM items i LEFT JOIN usable u ON u.item_id = i.id LEFT JOIN ordered o ON o.item_id = i.id
    WHERE i.active = 1 AND i.reorder_level IS NOT NULL),
  need AS (
    SELECT *, CASE WHEN max_level IS NOT NULL THEN max_level WHEN reorder_qty IS NOT NULL THEN position + reorder_qty
                   ELSE reorder_level + 1 END - position AS need
    FROM pos WHERE position <= reorder_level),
  suggested AS (SELECT *, ((need + pack_size - 1) / pack_size) * pack_size AS qty FROM need WHERE need > 0)
SELECT supplier, supplier_ref, code, name, unit, on_hand, on_order, reorder_level, max_level, qty, pack_size,
       CASE WHEN unit_cost_pence IS NOT NULL THEN printf('%.2f', unit_cost_pence / 100.0) END,
       CASE WHEN unit_cost_pence IS NOT NULL THEN printf('%.2f', qty * unit_cost_pence / 100.0) END
FROM suggested ORDER BY supplier, code COLLATE BINARY;"
SQL_EXPIRY="SELECT code, name, lot, location, quantity, eff,
       CAST(julianday(eff) - julianday('2026-11-21') AS INTEGER),
       CASE WHEN eff < '2026-11-21' THEN 'expired' ELSE 'expiring' END, status,
       CASE WHEN expiry <> eff THEN expiry END
FROM (SELECT i.code, i.name, l.lot, loc.code AS location, b.quantity, l.status, l.expiry,
             min(coalesce(l.expiry, date(l.opened_on, '+' || i.in_use_days || ' days')),
                 coalesce(date(l.opened_on, '+' || i.in_use_days || ' days'), l.expiry)) AS eff
      FROM balances b JOIN lots l ON l.id = b.lot_id JOIN items i ON i.id = b.item_id
        JOIN locations loc ON loc.id = b.location_id
      WHERE b.quantity <> 0)
WHERE eff <= '2026-12-21'
ORDER BY eff, code COLLATE BINARY, lot, location;"
SQL_CALIBRATION_DUE="SELECT asset_tag, description, location, status, last_calibrated, last_result, next_due,
       CAST(julianday(next_due) - julianday('2026-11-21') AS INTEGER),
       CASE WHEN next_due IS NULL THEN 'never' WHEN next_due < '2026-11-21' THEN 'overdue' ELSE 'due' END
FROM equipment
WHERE calibration_interval IS NOT NULL AND status <> 'condemned'
  AND ((next_due IS NULL AND last_calibrated IS NULL) OR next_due <= '2026-12-21')
ORDER BY next_due IS NOT NULL, next_due, asset_tag;"
SQL_WASTE_TOTALS="SELECT t.stream, s.name, s.hazardous, t.month, t.unit, printf('%.3f', t.q / 1000.0), t.n
FROM (SELECT r.stream, substr(r.date, 1, 7) AS month, r.unit, sum(r.quantity_milli) AS q, count(*) AS n
      FROM waste_records r
      WHERE r.date <= '2026-11-21' AND r.quantity_milli > 0
        AND NOT EXISTS (SELECT 1 FROM waste_records x WHERE x.corrects = r.id)
      GROUP BY r.stream, month, r.unit) t
  JOIN waste_streams s ON s.code = t.stream
ORDER BY t.stream, t.month, CASE t.unit WHEN 'kg' THEN 0 WHEN 'L' THEN 1 WHEN 'items' THEN 2 ELSE 3 END;"

commands() {
    local dir=$DATA/$SIZE
    local sql_item="SELECT i.code, i.name, l.lot, l.expiry, loc.code, b.quantity FROM balances b
  JOIN items i ON i.id = b.item_id JOIN lots l ON l.id = b.lot_id JOIN locations loc ON loc.id = b.location_id
  WHERE i.code = '$ITEM' AND b.quantity <> 0 ORDER BY l.lot, loc.code;"
    bench "--version" "--version" ""
    bench "import movements" "import movements $dir/movements.csv" "" \
        "cp $dir/catalogue.db $WORK; rm -f $WORK-wal $WORK-shm"
    # The import above leaves WORK as a fresh import; start the rest from
    # the full database.
    cp "$dir/full.db" "$WORK"; rm -f "$WORK-wal" "$WORK-shm"
    "$BIN" --db "$WORK" receive "$PLAIN" 100000000 >/dev/null 2>&1
    bench "receive (one)" "receive $PLAIN 1" ""
    bench "issue (one, FEFO)" "issue $PLAIN 1" ""
    bench "stock --item" "stock --item $ITEM --format csv" "$sql_item"
    bench "stock (all balances)" "stock --format csv" "$SQL_STOCK_ALL"
    bench "history --lot" "history $ITEM --lot $LOT --format csv" ""
    bench "check" "check" ""
    # Reports: one line each. Their sqlite3 baselines are still to be
    # written: put the hand-written SQL of the same rows in SQL_REORDER,
    # SQL_EXPIRY, SQL_CALIBRATION_DUE and SQL_WASTE_TOTALS beside
    # SQL_STOCK_ALL and the ratio column fills in.
    bench "report reorder" "report reorder --format csv" "$SQL_REORDER"
    # Sites (SPEC §12): every generated location is at MAIN, so this is
    # the worst case, a site holding the whole network.
    bench "report reorder --site" "report reorder --site MAIN --format csv" ""
    bench "stock --site (all balances)" "stock --site MAIN --format csv" ""
    bench "report expiry" "report expiry --format csv" "$SQL_EXPIRY"
    bench "report calibration-due" "report calibration-due --format csv" "$SQL_CALIBRATION_DUE"
    bench "report waste --totals" "report waste --totals --format csv" "$SQL_WASTE_TOTALS"
}

{
    echo
    echo "<!-- bench/run.sh $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), load $(cut -d' ' -f1-3 /proc/loadavg), hyperfine: $HAVE_HYPERFINE, sqlite3: $HAVE_SQLITE3 -->"
    echo "| command | size | median ms | peak RSS MB | sqlite3 ms | ratio |"
    echo "|---|---|---:|---:|---:|---:|"
} | tee -a "$RESULTS"

for SIZE in $SIZES; do
    size_args "$SIZE" >/dev/null
    generate "$SIZE"
    prepare_db "$SIZE"
    dir=$DATA/$SIZE
    # An item that is not lot-tracked (receive and issue need no lot), and a
    # lot-tracked item with one of its lots (stock and history of one lot).
    PLAIN=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "lot_tracked") c = i; next }
                     $c == "false" { print $1; exit }' "$dir/items.csv")
    read -r ITEM LOT < <(awk -F, 'NR > 1 && $2 == "receive" && $5 != "" { print $3, $5; exit }' "$dir/movements.csv")
    WORK=$TMP/work-$SIZE.db
    commands
    rm -f "$WORK" "$WORK-wal" "$WORK-shm"
done

say "results appended to $RESULTS"
