#!/usr/bin/env bash
# A/B: receive and issue at size l, old (a0dfd99) vs new binary, same method as bench/run.sh
# Usage: bench/ab.sh PLAIN_ITEM ROUNDS NAME=BINARY:FULL_DB ...   e.g.
#   bench/ab.sh RGT-00002 4 old=target/old/release/labstock:target/bench-data-old/l/full.db new=target/release/labstock:target/bench-data/l/full.db
# Prints, per round and binary, hyperfine's median wall ms and mean user+system CPU ms.
# (hyperfine -N --warmup 2 --runs 15, median; LABSTOCK_NOW pinned; copy of full.db with 100M received to PLAIN first).
set -euo pipefail
export LABSTOCK_NOW=2026-11-21T09:00:00Z LABSTOCK_USER=bench NO_COLOR=1
unset LABSTOCK_DB
ROOT=$(cd "$(dirname "$0")/.." && pwd); T=${CARGO_TARGET_DIR:-$ROOT/target}
PLAIN=$1; ROUNDS=${2:-3}; shift 2; VARIANTS=("$@")   # each variant: name=bin:db
W=$T/ab/work; mkdir -p $W
for r in $(seq 1 $ROUNDS); do
  for v in "${VARIANTS[@]}"; do
    name=${v%%=*}; rest=${v#*=}; bin=${rest%%:*}; db=${rest#*:}
    cp "$db" $W/$name.db; rm -f $W/$name.db-wal $W/$name.db-shm
    $bin --db $W/$name.db receive $PLAIN 100000000 >/dev/null 2>&1
    for cmd in "receive $PLAIN 1" "issue $PLAIN 1"; do
      load=$(cut -d' ' -f1 /proc/loadavg)
      hyperfine --style none --runs 15 --warmup 2 -N --export-json $W/h.json "$bin --db $W/$name.db $cmd" >/dev/null 2>$W/h.err || { cat $W/h.err; exit 1; }
      med=$(grep -o '"median": *[0-9.e+-]*' $W/h.json | head -1 | sed 's/.*: *//' | awk '{printf "%.2f", $1*1000}')
      cpu=$(python3 -c "import json;r=json.load(open('$W/h.json'))['results'][0];print('%.2f'%((r['user']+r['system'])*1000))")
      echo "$(date -u +%H:%M:%S) round=$r $name ${cmd%% *} median_ms=$med cpu_ms=$cpu load=$load"
    done
  done
done
