#!/usr/bin/env bash
# Backdated issue at size l: a one-row `import movements` of an issue dated a
# month back (2026-10-21) of RGT-00105 (not lot-tracked; 53 later movements
# on its lot in the generated ledger) at MAIN, beside the same row dated now.
# hyperfine -N --warmup 2 --runs 15, median. Variant: name=bin:db:extra-flags
# Usage: bench/backdated.sh ROUNDS NAME=BINARY:FULL_DB:EXTRA_FLAGS ...  (EXTRA_FLAGS --again for binaries that have the imports log)
set -euo pipefail
export LABSTOCK_NOW=2026-11-21T09:00:00Z LABSTOCK_USER=bench NO_COLOR=1
unset LABSTOCK_DB
ROOT=$(cd "$(dirname "$0")/.." && pwd); T=${CARGO_TARGET_DIR:-$ROOT/target}; W=$T/ab/work; mkdir -p $W
ROUNDS=$1; shift
H='timestamp,kind,item,quantity,lot,expiry,location,to_location,reason,reference,user,note'
printf '%s\n2026-10-01T08:00:00Z,receive,RGT-00105,1000000,,,MAIN,,,,bench,\n' "$H" > $W/prep.csv
printf '%s\n2026-10-21T09:00:00Z,issue,RGT-00105,1,,,MAIN,,,,bench,\n' "$H" > $W/back.csv
printf '%s\n2026-11-21T08:00:00Z,issue,RGT-00105,1,,,MAIN,,,,bench,\n' "$H" > $W/now.csv
for r in $(seq 1 $ROUNDS); do
  for v in "$@"; do
    name=${v%%=*}; rest=${v#*=}; bin=${rest%%:*}; rest=${rest#*:}; db=${rest%%:*}; extra=${rest#*:}
    cp "$db" $W/bd-$name.db; rm -f $W/bd-$name.db-wal $W/bd-$name.db-shm
    $bin --db $W/bd-$name.db import movements $W/prep.csv >/dev/null
    for f in back now; do
      load=$(cut -d' ' -f1 /proc/loadavg)
      hyperfine --style none --runs 15 --warmup 2 -N --export-json $W/hb.json "$bin --db $W/bd-$name.db import movements $W/$f.csv $extra" >/dev/null 2>$W/hb.err || { cat $W/hb.err; exit 1; }
      med=$(grep -o '"median": *[0-9.e+-]*' $W/hb.json | head -1 | sed 's/.*: *//' | awk '{printf "%.2f", $1*1000}')
      cpu=$(python3 -c "import json;r=json.load(open('$W/hb.json'))['results'][0];print('%.2f'%((r['user']+r['system'])*1000))")
      echo "$(date -u +%H:%M:%S) round=$r $name import-issue-$f median_ms=$med cpu_ms=$cpu load=$load"
    done
  done
done
