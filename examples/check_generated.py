#!/usr/bin/env python3
"""Check the files written by `cargo run --example generate` against SPEC §2, §7, §10.

Usage: python3 examples/check_generated.py DIR [--start YYYY-MM-DD] [--end YYYY-MM-DD]

Replays movements.csv in file order and fails (exit 1) on any rule the
importer would refuse: a negative balance, a lot-tracked row without a lot,
a receipt without expiry, a re-received lot with another expiry, an issue or
transfer of a named lot after its expiry, and so on. Prints a few statistics.
"""
import collections
import csv
import datetime as dt
import re
import sys

HEADERS = {
    "locations.csv": "code,name",
    "items.csv": "code,name,category,unit,pack_size,reorder_level,max_level,reorder_qty,lead_time_days,supplier,supplier_ref,unit_cost,storage,hazard,lot_tracked,gtin,waste_stream,in_use_days",
    "movements.csv": "timestamp,kind,item,quantity,lot,expiry,location,to_location,reason,reference,user,note",
    "equipment.csv": "asset_tag,description,manufacturer,model,serial,location,category,calibration_interval,status,in_service_date",
    "calibrations.csv": "asset_tag,performed_on,result,performed_by,certificate,next_due,notes",
    "waste.csv": "date,stream,quantity,unit,container,consignment_note,carrier,recorded_by,notes",
    "orders.csv": "reference,supplier,item,quantity,ordered_on,expected_on,location",
}
SEEDED_STREAMS = {f"18 01 0{i}" for i in range(1, 10)} | {"18 01 10"} | {
    "18 01 03*", "18 01 06*", "18 01 08*", "16 05 06*", "15 01 10*"}
CONSIGNMENT = re.compile(r"^[A-Za-z0-9]{2,}/[A-Za-z0-9]{5}[A-Za-z]?$")
TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
INTERVAL = re.compile(r"^\d+[dwmy]$")

errors = []


def err(msg):
    errors.append(msg)
    if len(errors) <= 30:
        print("ERROR:", msg)


def rows(path, name):
    with open(f"{path}/{name}", newline="") as f:
        r = csv.reader(f)
        header = next(r)
        if ",".join(header) != HEADERS[name]:
            err(f"{name}: header {header}")
        for lineno, row in enumerate(r, start=2):
            yield lineno, dict(zip(header, row))


def date(s):
    return dt.date.fromisoformat(s)


def gtin_ok(g):
    if not re.fullmatch(r"\d{14}", g):
        return False
    body, check = g[:13], int(g[13])
    s = sum(int(c) * (3 if i % 2 == 0 else 1) for i, c in enumerate(reversed(body)))
    return (10 - s % 10) % 10 == check


def main():
    path = sys.argv[1]
    args = dict(zip(sys.argv[2::2], sys.argv[3::2]))
    end = date(args.get("--end", "2026-11-20"))
    start = date(args["--start"]) if "--start" in args else None

    locations = {"MAIN"}
    for ln, r in rows(path, "locations.csv"):
        if r["code"].upper() in locations:
            err(f"locations.csv:{ln}: duplicate {r['code']}")
        locations.add(r["code"].upper())

    items = {}
    gtins = set()
    for ln, r in rows(path, "items.csv"):
        code = r["code"].upper()
        if code in items:
            err(f"items.csv:{ln}: duplicate code {code}")
        items[code] = r
        if r["pack_size"] not in {"1", "5", "10", "12", "20", "24", "50", "100"}:
            err(f"items.csv:{ln}: pack_size {r['pack_size']}")
        rl, ml, rq = r["reorder_level"], r["max_level"], r["reorder_qty"]
        if ml and (not rl or int(ml) <= int(rl)):
            err(f"items.csv:{ln}: max_level {ml} <= reorder_level {rl}")
        if rq and int(rq) < 1:
            err(f"items.csv:{ln}: reorder_qty {rq}")
        if r["unit_cost"] and not re.fullmatch(r"\d+\.\d\d", r["unit_cost"]):
            err(f"items.csv:{ln}: unit_cost {r['unit_cost']}")
        if r["lot_tracked"] not in {"true", "false"}:
            err(f"items.csv:{ln}: lot_tracked {r['lot_tracked']}")
        if r["gtin"]:
            if not gtin_ok(r["gtin"]):
                err(f"items.csv:{ln}: bad GTIN {r['gtin']}")
            if r["gtin"] in gtins:
                err(f"items.csv:{ln}: duplicate GTIN {r['gtin']}")
            gtins.add(r["gtin"])
        if r["waste_stream"] and r["waste_stream"] not in SEEDED_STREAMS:
            err(f"items.csv:{ln}: waste_stream {r['waste_stream']} not seeded by init")
    lot_tracked = {c for c, r in items.items() if r["lot_tracked"] == "true"}

    # Movements: replay in file order.
    bal = collections.defaultdict(int)  # (item, lot, loc) -> qty
    lot_expiry = {}  # (item, lot) -> date
    kinds = collections.Counter()
    last_ts = None
    refs = set()
    n = 0
    for ln, r in rows(path, "movements.csv"):
        n += 1
        ts, kind, item = r["timestamp"], r["kind"], r["item"].upper()
        kinds[kind] += 1
        if not TS.match(ts):
            err(f"movements.csv:{ln}: timestamp {ts}")
            continue
        if last_ts and ts < last_ts:
            err(f"movements.csv:{ln}: timestamp {ts} before {last_ts}")
        last_ts = ts
        day = date(ts[:10])
        if day > end or (start and day < start):
            err(f"movements.csv:{ln}: {ts} outside the range")
        if item not in items:
            err(f"movements.csv:{ln}: unknown item {item}")
            continue
        try:
            qty = int(r["quantity"])
        except ValueError:
            err(f"movements.csv:{ln}: quantity {r['quantity']!r}")
            continue
        lot, loc = r["lot"], (r["location"] or "MAIN").upper()
        to = r["to_location"].upper()
        if loc not in locations or (to and to not in locations):
            err(f"movements.csv:{ln}: unknown location {loc} / {to}")
        if to and kind != "transfer":
            err(f"movements.csv:{ln}: to_location on {kind}")
        if r["reference"] and kind == "receive":
            refs.add(r["reference"])
        tracked = item in lot_tracked
        if tracked and not lot:
            err(f"movements.csv:{ln}: lot-tracked {item} {kind} without lot")
        if not tracked and (lot or r["expiry"]):
            err(f"movements.csv:{ln}: lot on an untracked item")
        key = (item, lot, loc)
        if kind == "receive":
            if qty <= 0:
                err(f"movements.csv:{ln}: receive {qty}")
            if tracked:
                if not r["expiry"]:
                    err(f"movements.csv:{ln}: receipt without expiry")
                else:
                    e = date(r["expiry"])
                    old = lot_expiry.setdefault((item, lot), e)
                    if old != e:
                        err(f"movements.csv:{ln}: lot {lot} re-received with expiry {e}, was {old}")
                    if e < day:
                        err(f"movements.csv:{ln}: receipt of a lot already expired")
            bal[key] += qty
            continue
        if r["expiry"]:
            err(f"movements.csv:{ln}: expiry on a {kind} row")
        if tracked and (item, lot) not in lot_expiry:
            err(f"movements.csv:{ln}: lot {lot} never received")
        expiry = lot_expiry.get((item, lot)) if tracked else None
        if kind in ("issue", "transfer") and expiry and day > expiry:
            err(f"movements.csv:{ln}: {kind} of {item} lot {lot} after expiry {expiry}")
        if kind == "issue":
            if qty <= 0:
                err(f"movements.csv:{ln}: issue {qty}")
            bal[key] -= qty
        elif kind == "transfer":
            if qty <= 0 or not to or to == loc:
                err(f"movements.csv:{ln}: bad transfer")
            bal[key] -= qty
            bal[(item, lot, to)] += qty
        elif kind == "adjust":
            if qty == 0 or not r["reason"]:
                err(f"movements.csv:{ln}: bad adjust")
            bal[key] += qty
        elif kind == "count":
            if qty < 0:
                err(f"movements.csv:{ln}: count {qty}")
            bal[key] = qty
        elif kind == "dispose":
            if qty <= 0 or r["reason"] not in ("expired", "damaged", "contaminated"):
                err(f"movements.csv:{ln}: bad dispose")
            if r["reason"] == "expired" and not (expiry and day > expiry):
                err(f"movements.csv:{ln}: 'expired' disposal of an unexpired lot")
            bal[key] -= qty
        else:
            err(f"movements.csv:{ln}: kind {kind}")
        if bal[key] < 0:
            err(f"movements.csv:{ln}: balance of {key} went to {bal[key]}")

    on_hand = collections.Counter()
    for (item, _lot, _loc), q in bal.items():
        on_hand[item] += q
    expired_left = sum(q for (i, l, _), q in bal.items() if l and lot_expiry[(i, l)] < end)
    # Orders.
    seen = set()
    norders = 0
    for ln, r in rows(path, "orders.csv"):
        norders += 1
        k = (r["reference"].upper(), r["item"].upper())
        if k in seen:
            err(f"orders.csv:{ln}: duplicate {k}")
        seen.add(k)
        if r["reference"] in refs:
            err(f"orders.csv:{ln}: reference {r['reference']} used by a receipt")
        if k[1] not in items or int(r["quantity"]) <= 0:
            err(f"orders.csv:{ln}: bad line")
        if date(r["expected_on"]) < date(r["ordered_on"]) or date(r["ordered_on"]) > end:
            err(f"orders.csv:{ln}: dates")
        if (r["location"] or "MAIN").upper() not in locations:
            err(f"orders.csv:{ln}: location")

    # Equipment and calibrations.
    assets = {}
    statuses = collections.Counter()
    for ln, r in rows(path, "equipment.csv"):
        tag = r["asset_tag"].upper()
        if tag in assets:
            err(f"equipment.csv:{ln}: duplicate {tag}")
        assets[tag] = r
        statuses[r["status"]] += 1
        if r["calibration_interval"] and not INTERVAL.match(r["calibration_interval"]):
            err(f"equipment.csv:{ln}: interval")
        if r["status"] not in ("in_service", "out_of_service", "quarantined", "condemned"):
            err(f"equipment.csv:{ln}: status")
    last_cal = {}
    results = collections.Counter()
    ncal = 0
    for ln, r in rows(path, "calibrations.csv"):
        ncal += 1
        tag = r["asset_tag"].upper()
        if tag not in assets:
            err(f"calibrations.csv:{ln}: unknown asset {tag}")
            continue
        d = date(r["performed_on"])
        results[r["result"]] += 1
        if r["result"] not in ("pass", "fail", "adjusted"):
            err(f"calibrations.csv:{ln}: result")
        if d > end or d <= date(assets[tag]["in_service_date"]):
            err(f"calibrations.csv:{ln}: date {d}")
        if tag in last_cal and d < last_cal[tag]:
            err(f"calibrations.csv:{ln}: not chronological for {tag}")
        last_cal[tag] = d
        if r["next_due"] and date(r["next_due"]) <= d:
            err(f"calibrations.csv:{ln}: next_due")

    # Waste.
    wstreams = collections.Counter()
    last = None
    nwaste = 0
    for ln, r in rows(path, "waste.csv"):
        nwaste += 1
        d = date(r["date"])
        if d > end or (start and d < start) or (last and d < last):
            err(f"waste.csv:{ln}: date {d}")
        last = d
        wstreams[r["stream"]] += 1
        if r["unit"] not in ("kg", "L", "items", "containers") or float(r["quantity"]) <= 0:
            err(f"waste.csv:{ln}: quantity/unit")
        if r["stream"].endswith("*") and r["consignment_note"] and not CONSIGNMENT.match(r["consignment_note"]):
            err(f"waste.csv:{ln}: consignment note {r['consignment_note']}")

    print(f"items {len(items)} ({len(lot_tracked) / max(1, len(items)):.0%} lot-tracked, "
          f"{len(gtins) / max(1, len(items)):.0%} with GTIN); lots {len(lot_expiry)}")
    print(f"movements {n}: " + ", ".join(f"{k} {v / max(1, n):.1%}" for k, v in kinds.most_common()))
    vals = sorted(on_hand.values())
    if vals:
        print(f"final on-hand per item: median {vals[len(vals) // 2]}, max {vals[-1]}, "
              f"zero {sum(1 for v in vals if v == 0)}; expired stock left {expired_left}")
    print(f"orders {norders}; equipment {len(assets)} {dict(statuses)}; calibrations {ncal} {dict(results)}")
    print(f"waste {nwaste} {dict(wstreams)}")
    unseeded = sorted(s for s in wstreams if s not in SEEDED_STREAMS)
    if unseeded:
        print(f"note: waste streams not seeded by init (SPEC §1): {unseeded}")
    if errors:
        print(f"FAILED: {len(errors)} problems")
        sys.exit(1)
    print("OK")


main()
