#!/usr/bin/env bash
# bench/pg.sh — what runs on PostgreSQL so far (issue 15), beside SQLite,
# on the same size-l lab (20,000 items, 2,000,000 movements), in one run:
#
#   * `copy` of the lab from SQLite to PostgreSQL (COPY, then ANALYZE);
#   * one `receive` / `issue` / `stock --item`, `report reorder` and
#     `report expiry` as a whole process, median of RUNS on each engine;
#   * WRITERS processes at once, each recording EACH receipts and issues
#     of the same balance: movements per second in total, and that none
#     was lost (the balance and the row count at the end).
#
#   * the same receive / issue through the server's Unix socket, and
#     through PgBouncer when $LABSTOCK_BENCH_PGBOUNCER names one;
#   * with --import: `import movements` of the size's 2,000,000 movements
#     into its catalogue (20,000 items, no movements yet), on each engine:
#     rows per second;
#
#   bench/pg.sh [--runs N] [--writers N] [--each N] [--import]
#
# Needs bench/run.sh --sizes l first (the cached database,
# $LABSTOCK_BENCH_DATA or target/bench-data) and a PostgreSQL server that
# lets the role create databases ($LABSTOCK_BENCH_PG, default
# postgres://postgres@127.0.0.1:5432). Makes and drops its own database.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
DATA=${LABSTOCK_BENCH_DATA:-$TARGET/bench-data}
BIN=$TARGET/release/labstock
SERVER=${LABSTOCK_BENCH_PG:-postgres://postgres@127.0.0.1:5432}
RUNS=15
WRITERS=16
EACH=300
IMPORT=no
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) RUNS=$2; shift 2 ;;
        --writers) WRITERS=$2; shift 2 ;;
        --each) EACH=$2; shift 2 ;;
        --import) IMPORT=yes; shift ;;
        -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
        *) echo "bench/pg.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
export LABSTOCK_NOW=2026-11-21T09:00:00Z LABSTOCK_USER=bench NO_COLOR=1 TZ=UTC
unset LABSTOCK_DB
FULL=$DATA/l/full.db
[ -f "$FULL" ] || { echo "bench/pg.sh: $FULL missing: run bench/run.sh --sizes l first" >&2; exit 1; }
(cd "$ROOT" && cargo build --release --quiet --bin labstock)
TMP=$(mktemp -d)
NAME=labstock_bench_$$
PG=$SERVER/$NAME
cleanup() {
    psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS $NAME WITH (FORCE)" >/dev/null 2>&1 || true
    psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS ${NAME}_import WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$TMP"
}
trap cleanup EXIT
psql "$SERVER/postgres" -qc "CREATE DATABASE $NAME" >/dev/null
cp "$FULL" "$TMP/lab.db"
# Stock to issue from, as bench/run.sh does: PLAIN is not lot-tracked.
PLAIN=RGT-00002
"$BIN" --db "$TMP/lab.db" receive "$PLAIN" 100000000 >/dev/null 2>&1

echo "bench/pg.sh: $(date -u +%FT%TZ), load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores" >&2
start=$(date +%s.%N)
"$BIN" --db "$TMP/lab.db" copy --to "$PG" >/dev/null 2>"$TMP/copy.err" || { cat "$TMP/copy.err" >&2; exit 1; }
end=$(date +%s.%N)
echo "| copy SQLite -> PostgreSQL (whole lab, verified) | $(python3 -c "print(f'{$end-$start:.1f} s')") |"
# The copy leaves about a gigabyte of dirty pages in the server's buffers:
# write them out now, so that the timed commands below do not each wait
# behind the checkpoint that would otherwise run while they are timed.
psql "$PG" -qc "CHECKPOINT" >/dev/null

# Median of RUNS whole-process runs of one command on a database.
median() {
    python3 - "$BIN" "$RUNS" "$@" <<'PY'
import statistics, subprocess, sys, time
binary, runs, db, *args = sys.argv[1:]
times = []
for _ in range(int(runs)):
    t = time.perf_counter()
    r = subprocess.run([binary, "--db", db, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    times.append((time.perf_counter() - t) * 1000)
    if r.returncode != 0:
        sys.exit(f"{args}: {r.stderr.decode()}")
print(f"{statistics.median(times):.1f} ms")
PY
}

echo "| command (size l) | SQLite | PostgreSQL |"
echo "|---|---:|---:|"
for cmd in "receive $PLAIN 1" "issue $PLAIN 1" "stock --item $PLAIN" "report reorder" "report expiry"; do
    # shellcheck disable=SC2086
    echo "| \`$cmd\` | $(median "$TMP/lab.db" $cmd) | $(median "$PG" $cmd) |"
done

# The same movements through the server's Unix socket, as a labstock on
# the database's own machine would connect (no TCP): when the socket is
# there ($LABSTOCK_BENCH_PG_SOCKET, default /var/run/postgresql).
SOCKET=${LABSTOCK_BENCH_PG_SOCKET:-/var/run/postgresql}
PORT=$(python3 -c 'import sys, urllib.parse as u; print(u.urlparse(sys.argv[1]).port or 5432)' "$SERVER")
if [ -S "$SOCKET/.s.PGSQL.$PORT" ]; then
    PGSOCK=$(python3 -c 'import sys, urllib.parse as u
user = u.urlparse(sys.argv[1]).username or "postgres"
print("postgres://%s@%s:%s/%s" % (user, u.quote(sys.argv[2], safe=""), sys.argv[3], sys.argv[4]))' \
        "$SERVER" "$SOCKET" "$PORT" "$NAME")
    for cmd in "receive $PLAIN 1" "issue $PLAIN 1"; do
        # shellcheck disable=SC2086
        echo "| \`$cmd\`, PostgreSQL through its Unix socket | | $(median "$PGSOCK" $cmd) |"
    done
fi

# And through a connection pooler (PgBouncer in session mode) in front of
# the same server, when one is named: $LABSTOCK_BENCH_PGBOUNCER, e.g.
# postgres://postgres@127.0.0.1:6432 (its databases section must reach
# the benchmark's database, e.g. `* = host=127.0.0.1 port=5432`).
if [ -n "${LABSTOCK_BENCH_PGBOUNCER:-}" ]; then
    for cmd in "receive $PLAIN 1" "issue $PLAIN 1"; do
        # shellcheck disable=SC2086
        echo "| \`$cmd\`, PostgreSQL through PgBouncer (session pooling) | | $(median "$LABSTOCK_BENCH_PGBOUNCER/$NAME" $cmd) |"
    done
fi

# The size's movements imported into its catalogue, on each engine.
if [ "$IMPORT" = yes ]; then
    ROWS=$(($(wc -l < "$DATA/l/movements.csv") - 1))
    cp "$DATA/l/catalogue.db" "$TMP/import.db"
    psql "$SERVER/postgres" -qc "CREATE DATABASE ${NAME}_import" >/dev/null
    "$BIN" --db "$TMP/import.db" copy --to "$PG"_import >/dev/null 2>"$TMP/copy.err" || { cat "$TMP/copy.err" >&2; exit 1; }
    timed_import() {
        local start end
        start=$(date +%s.%N)
        "$BIN" --db "$1" import movements "$DATA/l/movements.csv" >/dev/null 2>"$TMP/import.err" || { cat "$TMP/import.err" >&2; exit 1; }
        end=$(date +%s.%N)
        python3 -c "s=$end-$start; print(f'{s:.1f} s, {$ROWS/s:,.0f} rows/s')"
    }
    echo "| import movements ($ROWS rows) | $(timed_import "$TMP/import.db") | $(timed_import "$PG"_import) |"
    psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS ${NAME}_import WITH (FORCE)" >/dev/null 2>&1 || true
fi

# WRITERS processes at once, EACH movements each (a receipt of 2, then
# two issues of 1, …) on one balance.
concurrent() {
    python3 - "$BIN" "$1" "$WRITERS" "$EACH" "$PLAIN" <<'PY'
import subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
binary, db, writers, each, item = sys.argv[1:]
writers, each = int(writers), int(each)
def writer(w):
    failed = 0
    for i in range(each):
        args = ["receive", item, "2"] if i % 3 == 0 else ["issue", item, "1"]
        r = subprocess.run([binary, "--db", db, "--user", f"w{w}", *args],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        failed += r.returncode != 0
    return failed
t = time.perf_counter()
with ThreadPoolExecutor(writers) as pool:
    failed = sum(pool.map(writer, range(writers)))
elapsed = time.perf_counter() - t
print(f"{writers * each / elapsed:.0f} movements/s ({writers} x {each}, {failed} refused)")
PY
}
echo "| $WRITERS writers at once | $(concurrent "$TMP/lab.db") | $(concurrent "$PG") |"
if [ -n "${LABSTOCK_BENCH_PGBOUNCER:-}" ]; then
    echo "| $WRITERS writers at once, PostgreSQL through PgBouncer | | $(concurrent "$LABSTOCK_BENCH_PGBOUNCER/$NAME") |"
fi
"$BIN" --db "$TMP/lab.db" stock --item "$PLAIN" --format csv | tail -n +2 | cut -d, -f6 | sed 's/^/SQLite balance: /' >&2
"$BIN" --db "$PG" stock --item "$PLAIN" --format csv | tail -n +2 | cut -d, -f6 | sed 's/^/PostgreSQL balance: /' >&2
