#!/usr/bin/env python3
"""Run movement command lines (successful and refused) with a labstock binary,
each on a fresh copy of a database, and record exit code, stdout, stderr and
a dump of the database afterwards, so two binaries can be compared."""
import subprocess, sys, os, shutil, tempfile, sqlite3, hashlib
BIN, DB, OUT = sys.argv[1:4]
env = dict(os.environ, NO_COLOR="1", COLUMNS="100", LABSTOCK_NOW="2026-11-21T09:00:00Z", LABSTOCK_USER="bench")
env.pop("LABSTOCK_DB", None)
LINES = [
 "receive CHM-ETOH70 1 --location FLAM-CAB",
 "receive CHM-ETOH70 5 --location FLAM-CAB --note delivery --reference PO-1",
 "receive CHM-FORMALIN 2 --lot 26C0001 --expiry 2029-01-31",
 "--format json receive CHM-ETOH70 1 --location FLAM-CAB",
 "--user amy receive CHM-ETOH70 1 --location FLAM-CAB",
 "receive CHM-ETOH70 1 --location FLAM-CAB --user amy --wide",
 "receive CHM-FORMALIN 2",
 "receive CHM-ETOH70 -1 --location FLAM-CAB",
 "receive NOPE 1",
 "receive CHM-ETOH70 0",
 "issue CHM-FORMALIN 1 --location MAIN",
 "issue CHM-FORMALIN 3",
 "issue CHM-FORMALIN 100 --location MAIN",
 "issue CHM-FORMALIN 1 --lot 24A5005 --location MAIN",
 "issue CHM-GIEMSA 10 --location BENCH-HAEM --note stain",
 "--busy-timeout 2s issue CHM-ETOH70 1 --location FLAM-CAB",
 "issue CHM-PBS-TAB 1 --location BENCH-HAEM",
 "issue CHM-PBS-TAB 1 --lot PT-2609B --location BENCH-HAEM",
 "transfer CHM-ETOH70 2 --from FLAM-CAB --to MAIN",
 "transfer CHM-FORMALIN 1 --lot 26B2359 --from MAIN --to FRIDGE-1",
 "adjust CHM-ETOH70 -2 --location FLAM-CAB --reason broken",
 "adjust CHM-ETOH70 3 --location FLAM-CAB --reason found",
 "adjust CHM-ETOH70 3 --location FLAM-CAB",
 "count CHM-ETOH70 20 --location FLAM-CAB",
 "count CHM-ETOH70 27 --location FLAM-CAB",
 "dispose CHM-FORMALIN 1 --lot 24A5005 --location MAIN --reason expired",
 "dispose CHM-ETOH70 1 --location FLAM-CAB --reason damaged",
 "open CHM-FORMALIN 1 --lot 26B2359 --location MAIN",
 "open CHM-ETOH70 1 --location FLAM-CAB",
 "reverse --last --reason typo",
 "reverse 1 --reason typo",
 "reverse 999999 --reason typo",
]
def dump(path):
    c = sqlite3.connect(path)
    h = hashlib.sha256()
    for line in c.iterdump(): h.update(line.encode())
    c.close(); return h.hexdigest()
with open(OUT, "wb") as f:
    for line in LINES:
        d = tempfile.mkdtemp(dir=os.environ.get("TMPDIR", "/tmp")); db = os.path.join(d, "x.db"); shutil.copy(DB, db)
        p = subprocess.run([BIN, "--db", db] + line.split(), capture_output=True, env=env)
        side = sorted(x for x in os.listdir(d))
        f.write(b"### " + line.encode() + b"\nexit %d\n" % p.returncode + p.stdout + b"--stderr\n" + p.stderr
                + ("files %s dump %s\n" % (side, dump(db))).encode())
        shutil.rmtree(d)
