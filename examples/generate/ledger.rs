//! The stock ledger: chronological movements that honour SPEC §2 and §10.
//!
//! Balances are tracked per (item, lot, location) in file order, so no row
//! drives a balance negative, named lots are never issued or transferred
//! after their expiry date (expired stock is only disposed of), and a
//! re-received lot repeats its expiry.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io;

use chrono::{Datelike, Weekday};

use crate::catalog::{ItemInfo, Popularity};
use crate::rng::Rng;
use crate::words;
use crate::{
    BENCHES, Csv, Day, FRIDGE1, FRIDGE2, LOCATIONS, MAIN, NLOC, date_of, is_bench, month_end,
    push_date,
};

pub(crate) const MOVEMENT_HEADER: [&str; 12] = [
    "timestamp",
    "kind",
    "item",
    "quantity",
    "lot",
    "expiry",
    "location",
    "to_location",
    "reason",
    "reference",
    "user",
    "note",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Receive,
    Issue,
    Transfer,
    Adjust,
    Count,
    Dispose,
}

const KIND_NAMES: [&str; 6] = ["receive", "issue", "transfer", "adjust", "count", "dispose"];

/// Intended mix (per mille); the realised mix shifts a little because an
/// issue with nothing to issue becomes a receipt, and so on.
const KIND_WEIGHTS: [(Kind, u32); 6] = [
    (Kind::Receive, 300),
    (Kind::Issue, 550),
    (Kind::Transfer, 60),
    (Kind::Adjust, 25),
    (Kind::Count, 40),
    (Kind::Dispose, 25),
];

const NO_EXPIRY: Day = Day::MAX;
const NONE: u32 = u32::MAX;

struct Lot {
    /// Empty for an item that is not lot-tracked (one pseudo-lot per item).
    name: String,
    expiry: Day,
    expiry_text: String,
    balance: [i64; NLOC],
    total: i64,
    /// Listed in the item's active list.
    listed: bool,
}

/// One position: (lot index, location index).
type Pos = (u32, usize);

struct Mov<'s> {
    kind: Kind,
    item: usize,
    qty: i64,
    lot: u32,
    loc: usize,
    to: Option<usize>,
    reason: &'s str,
    reference: &'s str,
    note: &'s str,
}

pub(crate) struct Ledger<'a> {
    items: &'a [ItemInfo],
    popularity: &'a Popularity,
    rng: Rng,
    lots: Vec<Lot>,
    /// Per item: its newest lot (for re-receipts), or its pseudo-lot.
    newest: Vec<u32>,
    /// Per item: lots that may hold stock.
    active: Vec<Vec<u32>>,
    /// (item, encoded lot name) already used.
    names: HashSet<(u32, u32)>,
    usable: Vec<Pos>,
    expired: Vec<Pos>,
    qty: String,
    pub(crate) po_counter: u32,
    counts: [u64; 6],
}

impl<'a> Ledger<'a> {
    pub(crate) fn new(items: &'a [ItemInfo], popularity: &'a Popularity, rng: Rng) -> Self {
        let mut ledger = Ledger {
            items,
            popularity,
            rng,
            lots: Vec::with_capacity(items.len() * 4),
            newest: vec![NONE; items.len()],
            active: vec![Vec::new(); items.len()],
            names: HashSet::new(),
            usable: Vec::new(),
            expired: Vec::new(),
            qty: String::new(),
            po_counter: 100_000,
            counts: [0; 6],
        };
        for (i, item) in items.iter().enumerate() {
            if !item.lot_tracked {
                ledger.newest[i] = ledger.lots.len() as u32;
                ledger.lots.push(Lot {
                    name: String::new(),
                    expiry: NO_EXPIRY,
                    expiry_text: String::new(),
                    balance: [0; NLOC],
                    total: 0,
                    listed: false,
                });
            }
        }
        ledger
    }

    /// Number of named lots created.
    pub(crate) fn lot_count(&self) -> usize {
        self.lots.iter().filter(|l| !l.name.is_empty()).count()
    }

    /// The realised mix of kinds, as percentages.
    pub(crate) fn mix(&self) -> String {
        let total = self.counts.iter().sum::<u64>().max(1) as f64;
        KIND_NAMES
            .iter()
            .zip(self.counts)
            .map(|(k, c)| format!("{k} {:.1}%", 100.0 * c as f64 / total))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Writes `n` movements spread over `start..=end`, busier on weekdays and
    /// in working hours, in timestamp order.
    pub(crate) fn run(&mut self, w: &mut Csv, start: Day, end: Day, n: u64) -> io::Result<()> {
        let mut seconds: Vec<u32> = Vec::new();
        let mut ts = String::with_capacity(24);
        crate::per_day(
            start,
            end,
            n,
            |d| match d.weekday() {
                Weekday::Sat => 3,
                Weekday::Sun => 2,
                _ => 10,
            },
            |day, k| {
                seconds.clear();
                for _ in 0..k {
                    let s = if self.rng.chance(0.85) {
                        self.rng.range(7 * 3600 + 30 * 60, 17 * 3600 + 30 * 60)
                    } else {
                        self.rng.range(0, 86_399)
                    };
                    seconds.push(s as u32);
                }
                seconds.sort_unstable();
                for &s in &seconds {
                    ts.clear();
                    push_date(&mut ts, day);
                    let _ = write!(ts, "T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60);
                    self.step(w, day, &ts)?;
                }
                Ok(())
            },
        )
    }

    fn step(&mut self, w: &mut Csv, day: Day, ts: &str) -> io::Result<()> {
        match self.rng.weighted_pick(&KIND_WEIGHTS) {
            Kind::Receive => match self.pick_for_receipt(day) {
                Some(item) => self.receive(w, day, ts, item),
                None => self.issue_any(w, day, ts),
            },
            Kind::Issue => self.issue_any(w, day, ts),
            kind => match self.pick_stocked(day) {
                Ok(item) => match kind {
                    Kind::Transfer => self.transfer(w, ts, item),
                    Kind::Adjust => self.adjust(w, ts, item),
                    Kind::Count => self.count(w, ts, item),
                    _ => self.dispose(w, ts, item),
                },
                Err(item) => self.receive(w, day, ts, item),
            },
        }
    }

    /// Fills `usable` (bal > 0, not expired on `day`) and `expired` for `item`.
    fn scan(&mut self, item: usize, day: Day) {
        self.usable.clear();
        self.expired.clear();
        let lots = &mut self.lots;
        let usable = &mut self.usable;
        let expired = &mut self.expired;
        self.active[item].retain(|&l| {
            let lot = &mut lots[l as usize];
            if lot.total == 0 {
                lot.listed = false;
                return false;
            }
            for (loc, &b) in lot.balance.iter().enumerate() {
                if b > 0 {
                    if lot.expiry >= day {
                        usable.push((l, loc));
                    } else {
                        expired.push((l, loc));
                    }
                }
            }
            true
        });
    }

    fn usable_total(&self) -> i64 {
        self.usable
            .iter()
            .map(|&(l, loc)| self.lots[l as usize].balance[loc])
            .sum()
    }

    fn pick_for_receipt(&mut self, day: Day) -> Option<usize> {
        for _ in 0..10 {
            let item = self.popularity.pick(&mut self.rng);
            self.scan(item, day);
            if self.usable_total() < self.items[item].cap {
                return Some(item);
            }
        }
        None
    }

    /// An item with usable stock (`usable` filled), or the last one tried.
    fn pick_stocked(&mut self, day: Day) -> Result<usize, usize> {
        let mut item = 0;
        for _ in 0..10 {
            item = self.popularity.pick(&mut self.rng);
            self.scan(item, day);
            if !self.usable.is_empty() {
                return Ok(item);
            }
        }
        Err(item)
    }

    fn add(&mut self, item: usize, lot: u32, loc: usize, delta: i64) {
        let l = &mut self.lots[lot as usize];
        l.balance[loc] += delta;
        l.total += delta;
        assert!(l.balance[loc] >= 0, "balance went negative");
        if l.total > 0 && !l.listed {
            l.listed = true;
            self.active[item].push(lot);
        }
    }

    fn balance(&self, (lot, loc): Pos) -> i64 {
        self.lots[lot as usize].balance[loc]
    }

    fn emit(&mut self, w: &mut Csv, ts: &str, m: &Mov) -> io::Result<()> {
        let item = &self.items[m.item];
        let lot = &self.lots[m.lot as usize];
        self.qty.clear();
        let _ = write!(self.qty, "{}", m.qty);
        let expiry = if m.kind == Kind::Receive {
            lot.expiry_text.as_str()
        } else {
            ""
        };
        let location = if m.loc == MAIN && self.rng.chance(0.7) {
            ""
        } else {
            LOCATIONS[m.loc].0
        };
        let to = m.to.map_or("", |t| LOCATIONS[t].0);
        let user = *self.rng.pick(&words::USERS);
        w.write_record([
            ts,
            KIND_NAMES[m.kind as usize],
            &item.code,
            &self.qty,
            &lot.name,
            expiry,
            location,
            to,
            m.reason,
            m.reference,
            user,
            m.note,
        ])?;
        self.counts[m.kind as usize] += 1;
        Ok(())
    }

    fn receive(&mut self, w: &mut Csv, day: Day, ts: &str, item: usize) -> io::Result<()> {
        let info = &self.items[item];
        let qty = info.pack * self.rng.range(1, info.receive_packs);
        let mut loc = info.home;
        if loc == FRIDGE1 && self.rng.chance(0.15) {
            loc = FRIDGE2;
        } else if loc == FRIDGE2 && self.rng.chance(0.15) {
            loc = FRIDGE1;
        }
        let lot = if info.lot_tracked {
            self.receipt_lot(item, day)
        } else {
            self.newest[item]
        };
        let reference = if self.rng.chance(0.8) {
            self.po_counter += 1;
            format!("PO-{:06}", self.po_counter)
        } else {
            String::new()
        };
        let note = if self.rng.chance(0.05) {
            format!("delivery note DN{:07}", self.rng.range(0, 9_999_999))
        } else {
            String::new()
        };
        self.add(item, lot, loc, qty);
        self.emit(
            w,
            ts,
            &Mov {
                kind: Kind::Receive,
                item,
                qty,
                lot,
                loc,
                to: None,
                reason: "",
                reference: &reference,
                note: &note,
            },
        )
    }

    /// The lot for a receipt: now and then the newest lot again (same
    /// expiry), otherwise a new lot expiring 3 to 24 months out.
    fn receipt_lot(&mut self, item: usize, day: Day) -> u32 {
        let newest = self.newest[item];
        if newest != NONE && self.lots[newest as usize].expiry >= day + 60 && self.rng.chance(0.3) {
            return newest;
        }
        let d = date_of(day);
        let yy = (d.year() % 100) as u32;
        let month = d.month0();
        let mut digits;
        let mut tries = 0;
        loop {
            digits = self.rng.below(10_000) as u32;
            let key = (yy * 12 + month) * 10_000 + digits;
            if self.names.insert((item as u32, key)) {
                break;
            }
            tries += 1;
            assert!(tries < 100_000, "ran out of lot numbers");
        }
        let name = format!("L{yy:02}{}{digits:04}", char::from(b'A' + month as u8));
        let mut expiry = day + self.rng.range(91, 730) as Day;
        if self.rng.chance(0.5) {
            expiry = month_end(expiry);
        }
        let mut expiry_text = String::with_capacity(10);
        push_date(&mut expiry_text, expiry);
        let index = self.lots.len() as u32;
        self.lots.push(Lot {
            name,
            expiry,
            expiry_text,
            balance: [0; NLOC],
            total: 0,
            listed: false,
        });
        self.newest[item] = index;
        index
    }

    fn issue_qty(&mut self, item: usize) -> i64 {
        let mean = self.items[item].issue_mean;
        ((mean * self.rng.uniform(0.3, 1.7)).round() as i64).max(1)
    }

    /// An issue from some item with usable stock; expired stock found on
    /// the way is sometimes disposed of instead; if nothing is in stock,
    /// a receipt.
    fn issue_any(&mut self, w: &mut Csv, day: Day, ts: &str) -> io::Result<()> {
        let mut item = 0;
        for _ in 0..10 {
            item = self.popularity.pick(&mut self.rng);
            self.scan(item, day);
            if !self.expired.is_empty() && self.rng.chance(0.5) {
                return self.dispose_expired(w, ts, item);
            }
            if !self.usable.is_empty() {
                return self.issue(w, ts, item);
            }
        }
        self.receive(w, day, ts, item)
    }

    fn issue(&mut self, w: &mut Csv, ts: &str, item: usize) -> io::Result<()> {
        let home = self.items[item].home;
        let at_bench = self.usable.iter().filter(|p| is_bench(p.1)).count();
        let loc = if at_bench > 0 && self.rng.chance(0.4) {
            let k = self.rng.index(at_bench);
            self.usable
                .iter()
                .filter(|p| is_bench(p.1))
                .nth(k)
                .expect("bench")
                .1
        } else if self.usable.iter().any(|p| p.1 == home) {
            home
        } else {
            self.rng.pick(&self.usable).1
        };
        // First expiry, first out at that location.
        let lots = &self.lots;
        let &(lot, _) = self
            .usable
            .iter()
            .filter(|p| p.1 == loc)
            .min_by_key(|p| (lots[p.0 as usize].expiry, p.0))
            .expect("a usable lot at the location");
        let qty = self.issue_qty(item).min(self.balance((lot, loc)));
        let reference = if self.rng.chance(0.1) {
            format!("REQ-{:06}", self.rng.range(0, 999_999))
        } else {
            String::new()
        };
        self.add(item, lot, loc, -qty);
        self.emit(
            w,
            ts,
            &Mov {
                kind: Kind::Issue,
                item,
                qty,
                lot,
                loc,
                to: None,
                reason: "",
                reference: &reference,
                note: "",
            },
        )
    }

    fn transfer(&mut self, w: &mut Csv, ts: &str, item: usize) -> io::Result<()> {
        let stores = self.usable.iter().filter(|p| !is_bench(p.1)).count();
        let from = if stores > 0 && self.rng.chance(0.9) {
            let k = self.rng.index(stores);
            *self
                .usable
                .iter()
                .filter(|p| !is_bench(p.1))
                .nth(k)
                .expect("store")
        } else {
            *self.rng.pick(&self.usable)
        };
        let home = self.items[item].home;
        let to = loop {
            let to = if is_bench(from.1) {
                if self.rng.chance(0.5) {
                    home
                } else {
                    *self.rng.pick(&BENCHES)
                }
            } else if self.rng.chance(0.85) {
                *self.rng.pick(&BENCHES)
            } else {
                match from.1 {
                    FRIDGE1 => FRIDGE2,
                    FRIDGE2 => FRIDGE1,
                    MAIN => *self.rng.pick(&BENCHES),
                    _ => MAIN,
                }
            };
            if to != from.1 {
                break to;
            }
        };
        let want =
            ((self.items[item].issue_mean * self.rng.uniform(1.0, 3.0)).round() as i64).max(1);
        let qty = want.min(self.balance(from));
        self.add(item, from.0, from.1, -qty);
        self.add(item, from.0, to, qty);
        self.emit(
            w,
            ts,
            &Mov {
                kind: Kind::Transfer,
                item,
                qty,
                lot: from.0,
                loc: from.1,
                to: Some(to),
                reason: "",
                reference: "",
                note: "",
            },
        )
    }

    fn adjust(&mut self, w: &mut Csv, ts: &str, item: usize) -> io::Result<()> {
        let pos = *self.rng.pick(&self.usable);
        let bal = self.balance(pos);
        let (qty, reason) = if self.rng.chance(0.55) {
            let q = self.rng.range(1, bal.min(3));
            let reason = self.rng.pick(&[
                "breakage",
                "spillage",
                "damaged in transit",
                "booking error corrected",
                "missing from store",
            ]);
            (-q, *reason)
        } else {
            let reason = self.rng.pick(&[
                "found during stocktake",
                "supplier over-delivery",
                "booking error corrected",
            ]);
            (self.rng.range(1, 3), *reason)
        };
        self.add(item, pos.0, pos.1, qty);
        self.emit(
            w,
            ts,
            &Mov {
                kind: Kind::Adjust,
                item,
                qty,
                lot: pos.0,
                loc: pos.1,
                to: None,
                reason,
                reference: "",
                note: "",
            },
        )
    }

    fn count(&mut self, w: &mut Csv, ts: &str, item: usize) -> io::Result<()> {
        let pos = *self.rng.pick(&self.usable);
        let bal = self.balance(pos);
        let r = self.rng.unit();
        // Mostly the book figure; now and then a small shortfall or surplus.
        let counted = if r < 0.1 && bal >= 3 {
            bal - self.rng.range(1, (bal / 3).min(3))
        } else if r < 0.15 {
            bal + self.rng.range(1, 2)
        } else {
            bal
        };
        self.add(item, pos.0, pos.1, counted - bal);
        let note = if self.rng.chance(0.3) {
            "monthly stocktake"
        } else {
            ""
        };
        self.emit(
            w,
            ts,
            &Mov {
                kind: Kind::Count,
                item,
                qty: counted,
                lot: pos.0,
                loc: pos.1,
                to: None,
                reason: "",
                reference: "",
                note,
            },
        )
    }

    fn dispose(&mut self, w: &mut Csv, ts: &str, item: usize) -> io::Result<()> {
        if !self.expired.is_empty() {
            return self.dispose_expired(w, ts, item);
        }
        let pos = *self.rng.pick(&self.usable);
        let qty = self.rng.range(1, self.balance(pos).min(3));
        let reason = if self.rng.chance(0.6) {
            "damaged"
        } else {
            "contaminated"
        };
        self.add(item, pos.0, pos.1, -qty);
        self.emit(
            w,
            ts,
            &Mov {
                kind: Kind::Dispose,
                item,
                qty,
                lot: pos.0,
                loc: pos.1,
                to: None,
                reason,
                reference: "",
                note: "",
            },
        )
    }

    /// Disposes of the whole balance of one expired position (`expired` filled).
    fn dispose_expired(&mut self, w: &mut Csv, ts: &str, item: usize) -> io::Result<()> {
        let pos = *self.rng.pick(&self.expired);
        let qty = self.balance(pos);
        self.add(item, pos.0, pos.1, -qty);
        self.emit(
            w,
            ts,
            &Mov {
                kind: Kind::Dispose,
                item,
                qty,
                lot: pos.0,
                loc: pos.1,
                to: None,
                reason: "expired",
                reference: "",
                note: "",
            },
        )
    }
}
