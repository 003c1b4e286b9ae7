#!/usr/bin/env bash
# bench/busy.sh — a bench `receive` during a 300k-row `import movements`
# (issue 13): how long the import holds the write lock, and whether the
# receive started 1 s into it waits or exits 75.
#
#   bench/busy.sh                                 with the default busy timeout
#   EXTRA="--busy-timeout 5s" bench/busy.sh       with another one
#
# Builds the release binary and the generator, generates 2,000 items and
# 300,000 movements (seed 7) into a temporary directory, and runs three
# rounds, each on a fresh copy of the catalogue-only database.
set -u
EXTRA=${EXTRA:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
B=${B:-$TARGET/release/labstock}
(cd "$ROOT" && cargo build --release --quiet --bin labstock --example generate)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
"$TARGET/release/examples/generate" --items 2000 --movements 300000 --equipment 1 --waste 1 \
    --seed 7 --out data >/dev/null 2>&1
export LABSTOCK_NOW=2026-11-21T09:00:00Z LABSTOCK_USER=bench NO_COLOR=1 TZ=UTC
rm -f base.db* run.db*
$B --db base.db init >/dev/null 2>&1
for k in locations items orders; do $B --db base.db import $k data/$k.csv >/dev/null 2>&1; done
for run in 1 2 3; do
  rm -f run.db*; cp base.db run.db
  s=$(date +%s.%N)
  ( $B --db run.db import movements data/movements.csv >/dev/null 2>imp.err; echo "import rc=$? wall=$(echo "$(date +%s.%N) - $s" | bc)" ) &
  sleep 1
  r=$(date +%s.%N)
  $B --db run.db receive PLS-00572 1 $EXTRA >/dev/null 2>rcv.err; rc=$?
  echo "run $run: receive rc=$rc waited=$(echo "$(date +%s.%N) - $r" | bc) s $(head -c 200 rcv.err)"
  wait
done
