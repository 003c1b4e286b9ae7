#!/usr/bin/env bash
# bench/serve.sh — `labstock serve` under concurrent clients (issue 14).
#
#   bench/serve.sh                 size l (20,000 items, 2,000,000 movements)
#   bench/serve.sh --size m        another size of bench/run.sh
#   bench/serve.sh --clients 16 --seconds 10
#   bench/serve.sh --postgres      the same lab copied to a fresh PostgreSQL
#                                  database ($LABSTOCK_BENCH_PG, default
#                                  postgres://postgres@127.0.0.1:5432), dropped after
#
# Uses the database bench/run.sh generates and imports (run it first, e.g.
# `bench/run.sh --sizes l --only receive`), on a copy. Adds two accounts
# with a generated password (a manager, so that serve starts, and the
# assistant the clients sign in as), gives one lot-tracked item a GTIN for
# the scan receipts, starts the release server on a free loopback port and
# runs examples/loadgen.rs for each scenario: scan receipts (POST
# /api/v1/movements), GET /api/v1/stock?item=, the item page, the
# dashboard. Then the server's peak RSS (VmHWM), and the CLI's whole-process
# time for the same actions (median of 15 runs) beside them.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
DATA=${LABSTOCK_BENCH_DATA:-$TARGET/bench-data}
SIZE=l
CLIENTS=16
SECONDS_EACH=10
ENGINE=sqlite
PG_SERVER=${LABSTOCK_BENCH_PG:-postgres://postgres@127.0.0.1:5432}
PG_NAME=labstock_serve_$$
while [ $# -gt 0 ]; do
    case "$1" in
        --size) SIZE=$2; shift 2 ;;
        --clients) CLIENTS=$2; shift 2 ;;
        --seconds) SECONDS_EACH=$2; shift 2 ;;
        --postgres) ENGINE=postgres; shift ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "bench/serve.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

SRC=$DATA/$SIZE/full.db
if [ ! -f "$SRC" ]; then
    echo "bench/serve.sh: $SRC is missing: run bench/run.sh --sizes $SIZE --only receive first" >&2
    exit 1
fi
(cd "$ROOT" && cargo build --release --quiet --bin labstock --example loadgen)
BIN=$TARGET/release/labstock
LOADGEN=$TARGET/release/examples/loadgen

WORK=$(mktemp -d)
SERVER=""
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    rm -rf "$WORK"
    if [ "$ENGINE" = postgres ]; then
        psql "$PG_SERVER/postgres" -qc "DROP DATABASE IF EXISTS $PG_NAME WITH (FORCE)" >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT
cp "$SRC" "$WORK/lab.db"
export LABSTOCK_DB=$WORK/lab.db LABSTOCK_USER=bench TZ=UTC
export LABSTOCK_NOW=2026-11-21T09:00:00Z

head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$WORK/pw"
"$BIN" user add bench-manager --role manager --password-stdin <"$WORK/pw" >/dev/null
"$BIN" user add bench --role assistant --password-stdin <"$WORK/pw" >/dev/null

# A lot-tracked item for the scans, given a GTIN; a busy item for the reads.
ITEM=$("$BIN" export items | awk -F, 'NR > 1 && $15 == "true" { print $1; exit }')
GTIN=05099999000011
"$BIN" item edit "$ITEM" --gtin "$GTIN" >/dev/null
BUSY=$("$BIN" report usage --format csv | awk -F, 'NR > 1 { print $1; exit }')
if [ "$ENGINE" = postgres ]; then
    psql "$PG_SERVER/postgres" -qc "CREATE DATABASE $PG_NAME" >/dev/null
    "$BIN" copy --to "$PG_SERVER/$PG_NAME" >/dev/null
    export LABSTOCK_DB=$PG_SERVER/$PG_NAME
fi

# As the README's systemd unit runs it: no allocator tuning (the server's
# memory is bounded by its own design: BENCHMARKS.md).
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN" serve --listen "127.0.0.1:$PORT" 2>"$WORK/serve.log" &
SERVER=$!
for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    sleep 0.1
done

echo "$ENGINE, size $SIZE, $CLIENTS clients, ${SECONDS_EACH}s each; scan item $ITEM ($GTIN), read item $BUSY"
for scenario in scan stock item dashboard; do
    "$LOADGEN" --addr "127.0.0.1:$PORT" --user bench --password-file "$WORK/pw" \
        --clients "$CLIENTS" --seconds "$SECONDS_EACH" --scenario "$scenario" \
        --item "$BUSY" --gtin "$GTIN"
done
echo "server peak RSS: $(awk '/VmHWM/ { print $2, $3 }' "/proc/$SERVER/status")"
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""

# The CLI's whole-process time for the same actions, on the same database.
median_ms() {
    local times=()
    for i in $(seq 15); do
        local start end
        start=$(date +%s%N)
        "$@" >/dev/null 2>&1 || true
        end=$(date +%s%N)
        times+=($(((end - start) / 1000)))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "%.2f", a[int((NR + 1) / 2)] / 1000 }'
}
echo "cli receive --scan: $(median_ms "$BIN" receive --scan "(01)${GTIN}(17)291231(10)CLI-1") ms"
echo "cli stock --item: $(median_ms "$BIN" stock --item "$BUSY") ms"
echo "cli history (bin card): $(median_ms "$BIN" history "$BUSY") ms"
echo "cli report reorder: $(median_ms "$BIN" report reorder) ms"
