#!/usr/bin/env python3
# bench/pstat.py — interleaved `perf stat` of whole processes (task-clock, page faults),
# used for "Where the wall time goes" in BENCHMARKS.md. Example:
#   bench/pstat.py 6 20 old="OLD --version" new="NEW --version"
"""Interleaved perf stat: ROUNDS rounds; in each, every variant under `perf stat -r RUNS`; report median over rounds
of task-clock ms (mean per run), page-faults, and elapsed ms. usage: pstat.py ROUNDS RUNS name='cmd' ..."""
import sys, subprocess, statistics, shlex, os
rounds, runs = int(sys.argv[1]), int(sys.argv[2]); vs = [a.split('=', 1) for a in sys.argv[3:]]
out = {k: [] for k, _ in vs}; loads = []
for r in range(rounds):
    loads.append(float(open('/proc/loadavg').read().split()[0]))
    for name, cmd in vs:
        p = subprocess.run(['perf', 'stat', '-x', ',', '-r', str(runs), '-e', 'task-clock,page-faults,user_time,system_time,duration_time'] + shlex.split(cmd),
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        d = {}
        for line in p.stderr.splitlines():
            f = line.split(',')
            if len(f) > 3 and f[0] and f[0][0].isdigit():
                d[f[2]] = float(f[0])
        if p.returncode: print(name, 'failed', p.stderr[-500:]); sys.exit(1)
        out[name].append(d)
print(f"rounds={rounds} x runs={runs}; load avg (1 min) during: {min(loads):.1f}-{max(loads):.1f}")
for name, ds in out.items():
    g = lambda k: statistics.median(d.get(k, float('nan')) for d in ds)
    rng = lambda k: (min(d.get(k, 0) for d in ds), max(d.get(k, 0) for d in ds))
    tc = rng('task-clock')
    print(f"{name:10s} task-clock {g('task-clock'):6.3f} ms (rounds {tc[0]:.2f}-{tc[1]:.2f}) | user {g('user_time')/1e6:6.3f} sys {g('system_time')/1e6:6.3f} ms | faults {g('page-faults'):6.0f} | wall {g('duration_time')/1e6:7.2f} ms")
