#!/usr/bin/env python3
"""Dump labstock's whole command-line surface (help at every level, completions,
man page, version, and usage errors for typos of every flag and subcommand) to DIR,
so two binaries can be compared byte for byte with diff -r."""
import subprocess, sys, os, re, hashlib
BIN, OUT = sys.argv[1], sys.argv[2]
os.makedirs(OUT, exist_ok=True)
env = dict(os.environ, NO_COLOR="1", COLUMNS="100", LABSTOCK_NOW="2026-11-21T09:00:00Z", LABSTOCK_USER="bench",
           LABSTOCK_DB="/nonexistent/dir/x.db")
env.pop("TERM", None)
def run(args):
    p = subprocess.run([BIN] + args, capture_output=True, env=env, stdin=subprocess.DEVNULL, timeout=20)
    return b"exit %d\n--stdout\n" % p.returncode + p.stdout + b"--stderr\n" + p.stderr
records = []
def rec(args):
    records.append((args, run(args)))
def subcommands(path):
    out = subprocess.run([BIN] + path + ["--help"], capture_output=True, env=env).stdout.decode()
    m = re.search(r"^Commands:\n(.*?)(?:\n\S|\Z)", out, re.S | re.M)
    if not m: return [], out
    names = [l.split()[0] for l in m.group(1).splitlines() if l.startswith("  ") and l.split() and not l.startswith("   ")]
    return [n for n in names if n != "help"], out
def longs(text):
    return sorted(set(re.findall(r"--([a-z][a-z0-9-]+)", text)))
def typos(w):
    s = set()
    for i in range(len(w)):
        s.add(w[:i] + w[i+1:])
        if i + 1 < len(w): s.add(w[:i] + w[i+1] + w[i] + w[i+2:])
        for c in "aeiorstx-":
            s.add(w[:i] + c + w[i+1:]); s.add(w[:i] + c + w[i:])
    s.add(w + "s"); s.discard(w); s.discard("")
    return sorted(s)
paths = []
def walk(path):
    paths.append(path)
    subs, _ = subcommands(path)
    for s in subs: walk(path + [s])
walk([])
print(len(paths), "command paths", file=sys.stderr)
full = "--full" in sys.argv
for p in paths:
    rec(p + ["--help"]); rec(p + ["-h"]); rec(["help"] + p); rec(p)
    rec(p + ["--format", "bogus"]); rec(p + ["--bogus-flag"]); rec(p + ["extra1", "extra2", "extra3", "extra4"])
    subs, text = subcommands(p)
    for s in subs:
        for t in (typos(s) if full else typos(s)[:6]):
            rec(p + [t])
    for f in longs(text):
        for t in (typos(f) if full else typos(f)[:4]):
            rec(p + ["--" + t])
        rec(p + ["--" + f]); rec(p + ["--" + f, "--" + f])
for sh in ["bash", "zsh", "fish", "powershell", "elvish", "tcsh"]:
    rec(["completions", sh])
rec(["man"]); rec(["--version"]); rec(["-V"]); rec(["--verbose", "--version"]); rec([])
h = hashlib.sha256()
with open(os.path.join(OUT, "all.txt"), "wb") as f:
    for a, o in records:
        blk = b"### " + " ".join(a).encode() + b"\n" + o
        f.write(blk); h.update(blk)
print(len(records), "invocations", h.hexdigest(), file=sys.stderr)
