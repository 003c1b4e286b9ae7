//! Property tests of the ledger over time (SPEC §2, §3, §10 "Time", "Dates
//! and as-of"; issue 12 "Tests that must exist"), through the library,
//! each against an independent model: a plain list of the movements it
//! accepted, with their timestamps, whose balances are sums in (time,
//! insertion) order. The model decides by itself whether a movement is
//! accepted; nothing the library returns feeds into that decision.
//!
//! 1. `backdated_movements_keep_every_balance_non_negative_at_every_time`:
//!    random movements (receive, issue, transfer, adjust, count, dispose,
//!    open, reverse) of a lot-tracked and a plain item over three
//!    locations, balances split into sealed and opened portions (SPEC §15), with
//!    random past timestamps in random order, all recorded at one `now`
//!    later than all of them. The library accepts exactly what the model
//!    accepts (and a refusal changes nothing); afterwards `stock` as of
//!    every date from before the first movement to after the last equals
//!    the model, the model's balances are ≥ 0 at every movement's time,
//!    and `check` is clean.
//! 2. `stock_expiry_and_reorder_agree_as_of_any_date`: receipts, issues,
//!    quarantines, releases and recalls over three weeks; then for every
//!    as-of date `stock`, `report expiry` and `report reorder` agree with
//!    each other and with the model on quantity, lot status and usable
//!    stock (available and not expired as of the date).

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use labstock::Store;
use labstock::catalogue::Item;
use labstock::ledger::{MovementRequest, StockFilter};
use labstock::lots::LotAction;
use labstock::model::{LotStatus, MovementId, MovementKind, Quantity, Timestamp};
use labstock::reorder::ReorderQuery;
use labstock::report::expiry::ExpiryState;
use proptest::prelude::*;

/// The lot-tracked reagent and the plain consumable.
const ITEMS: [&str; 2] = ["RGT-A", "PLS-B"];
const LOTS: [&str; 3] = ["L1", "L2", "L3"];
const LOCATIONS: [&str; 3] = ["MAIN", "FRIDGE-1", "BENCH-1"];
/// Times of day a movement may be stamped at: midnight and the last second
/// of the day sit on the edges of "the end of DATE"; repeats make equal
/// timestamps (ordered by insertion) common.
const TIMES_OF_DAY: [i64; 5] = [0, 1, 9 * 3600, 12 * 3600, 86_399];
/// When the catalogue is set up: before every movement.
const SETUP: &str = "2026-08-01T08:00:00Z";
/// Day 0 of the movements.
const DAY0: (i32, u32, u32) = (2026, 9, 1);

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn day(n: i64) -> NaiveDate {
    date(DAY0.0, DAY0.1, DAY0.2) + Duration::days(n)
}

fn moment(d: i64, time_of_day: usize) -> DateTime<Utc> {
    day(d).and_hms_opt(0, 0, 0).unwrap().and_utc() + Duration::seconds(TIMES_OF_DAY[time_of_day])
}

/// The end of a date in the lab's zone (UTC for `Store::init`): 24:00.
fn end_of(d: NaiveDate) -> DateTime<Utc> {
    (d + Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
}

/// Fixed expiry of each lot of the reagent: L1 and L2 expire while
/// movements happen, L3 long after.
fn expiry(lot: &str) -> Option<NaiveDate> {
    match lot {
        "L1" => Some(day(3)),
        "L2" => Some(day(9)),
        "L3" => Some(date(2026, 12, 31)),
        _ => None,
    }
}

fn setup(dir: &std::path::Path, reorder_level: Option<i64>) -> Store {
    let mut store = Store::init(&dir.join("p.db"), SETUP, "prop").unwrap();
    for loc in &LOCATIONS[1..] {
        store.add_location(loc, None, SETUP, "prop").unwrap();
    }
    let mut reagent = Item::new(ITEMS[0], "Reagent with lots");
    reagent.lot_tracked = true;
    reagent.in_use_days = Some(IN_USE_DAYS);
    reagent.reorder_level = reorder_level;
    store.add_item(reagent, SETUP, "prop").unwrap();
    let mut plain = Item::new(ITEMS[1], "Plain consumable");
    plain.reorder_level = reorder_level;
    store.add_item(plain, SETUP, "prop").unwrap();
    store
}

/// (item, lot, location, opened portion): one balance ("" = sealed).
type Key = (String, String, String, String);

/// The sealed portion of a lot at a location.
fn key(item: &str, lot: &str, location: &str) -> Key {
    pkey(item, lot, location, "")
}

fn pkey(item: &str, lot: &str, location: &str, portion: &str) -> Key {
    (
        item.to_owned(),
        lot.to_owned(),
        location.to_owned(),
        portion.to_owned(),
    )
}

/// Days the reagent is fit for use once opened.
const IN_USE_DAYS: i64 = 3;

/// The effective expiry of a portion of a reagent lot (SPEC §1, §15).
fn effective(lot: &str, portion: &str) -> Option<NaiveDate> {
    let e = expiry(lot);
    match portion.parse::<NaiveDate>() {
        Ok(opened) => {
            let end = opened + Duration::days(IN_USE_DAYS);
            Some(e.map_or(end, |e| e.min(end)))
        }
        Err(_) => e,
    }
}

/// FEFO's order (SPEC §15): the earlier effective expiry first (none
/// last), opened before sealed at equal expiry, the older lot, the
/// earlier opening.
fn fefo_key(
    lots: &[(String, String)],
    item: &str,
    lot: &str,
    portion: &str,
) -> (bool, Option<NaiveDate>, bool, usize, String) {
    let eff = effective(lot, portion);
    let age = lots
        .iter()
        .position(|(i, l)| i == item && l == lot)
        .unwrap_or(usize::MAX);
    (
        eff.is_none(),
        eff,
        portion.is_empty(),
        age,
        portion.to_owned(),
    )
}

/// One accepted movement in the model.
#[derive(Debug, Clone)]
struct Mv {
    kind: MovementKind,
    item: String,
    lot: String,
    from: String,
    /// A transfer's destination, which gets the opposite of `qty`.
    to: Option<String>,
    /// Signed change at `from`.
    qty: i64,
    /// The portion at `from` (and `to`) it changes ("" = sealed).
    portion: String,
    /// An `open` (or its reversal): the opened portion that gets the
    /// opposite of `qty` at `from`.
    to_portion: Option<String>,
    at: DateTime<Utc>,
    /// Insertion order: orders equal timestamps.
    seq: usize,
    /// The library's id for the same movement (only to name it in a
    /// reversal).
    id: i64,
    reversed: bool,
}

impl Mv {
    /// The balances it changes and by how much.
    fn effects(&self) -> Vec<(Key, i64)> {
        let mut out = vec![(
            pkey(&self.item, &self.lot, &self.from, &self.portion),
            self.qty,
        )];
        if let Some(to) = &self.to {
            out.push((pkey(&self.item, &self.lot, to, &self.portion), -self.qty));
        }
        if let Some(opened) = &self.to_portion {
            out.push((pkey(&self.item, &self.lot, &self.from, opened), -self.qty));
        }
        out
    }
}

/// The model ledger: every accepted movement, in insertion order.
#[derive(Debug, Default)]
struct Model {
    mvs: Vec<Mv>,
}

impl Model {
    /// Balances over the movements `keep` selects, non-zero only.
    fn balances_where(&self, keep: impl Fn(&Mv) -> bool) -> BTreeMap<Key, i64> {
        let mut out: BTreeMap<Key, i64> = BTreeMap::new();
        for m in self.mvs.iter().filter(|m| keep(m)) {
            for (k, q) in m.effects() {
                *out.entry(k).or_default() += q;
            }
        }
        out.retain(|_, q| *q != 0);
        out
    }

    /// Balances at the end of a date: every movement stamped before 24:00.
    fn balances_as_of(&self, d: NaiveDate) -> BTreeMap<Key, i64> {
        let end = end_of(d);
        self.balances_where(|m| m.at < end)
    }

    /// One balance at a moment, after every movement stamped at or
    /// before it (what a new movement dated then comes after).
    fn balance_at(&self, k: &Key, at: DateTime<Utc>) -> i64 {
        self.balances_where(|m| m.at <= at)
            .get(k)
            .copied()
            .unwrap_or(0)
    }

    /// The running balance of `k` after each of its movements, in (time,
    /// insertion) order.
    fn history(&self, k: &Key) -> Vec<(DateTime<Utc>, usize, i64)> {
        let mut touching: Vec<(&Mv, i64)> = self
            .mvs
            .iter()
            .filter_map(|m| {
                m.effects()
                    .into_iter()
                    .find(|(mk, _)| mk == k)
                    .map(|(_, q)| (m, q))
            })
            .collect();
        touching.sort_by_key(|(m, _)| (m.at, m.seq));
        let mut running = 0;
        touching
            .into_iter()
            .map(|(m, q)| {
                running += q;
                (m.at, m.seq, running)
            })
            .collect()
    }

    /// The portions of a lot at a location holding stock at a moment.
    fn portions_at(
        &self,
        item: &str,
        lot: &str,
        from: &str,
        at: DateTime<Utc>,
    ) -> Vec<(String, i64)> {
        self.balances_where(|m| m.at <= at)
            .into_iter()
            .filter(|((i, l, f, _), q)| i == item && l == lot && f == from && *q > 0)
            .map(|((_, _, _, p), q)| (p, q))
            .collect()
    }

    /// The day a lot's first stock came in (any positive movement).
    fn first_in(&self, item: &str, lot: &str) -> Option<NaiveDate> {
        self.mvs
            .iter()
            .filter(|m| m.item == item && m.lot == lot && m.qty > 0)
            .map(|m| m.at.date_naive())
            .min()
    }

    fn never_negative(&self, k: &Key) -> bool {
        self.history(k).iter().all(|(_, _, b)| *b >= 0)
    }

    fn keys(&self) -> HashSet<Key> {
        self.mvs
            .iter()
            .flat_map(|m| m.effects().into_iter().map(|(k, _)| k))
            .collect()
    }

    /// Add the movements of one command if every balance they touch stays
    /// ≥ 0 at their time and at every later point; otherwise leave the
    /// model as it was. Returns the indexes of the movements added.
    fn try_push(&mut self, ms: Vec<Mv>) -> Result<std::ops::Range<usize>, String> {
        let start = self.mvs.len();
        let touched: Vec<Key> = ms
            .iter()
            .flat_map(|m| m.effects().into_iter().map(|(k, _)| k))
            .collect();
        for (i, mut m) in ms.into_iter().enumerate() {
            m.seq = start + i;
            self.mvs.push(m);
        }
        if let Some(bad) = touched.iter().find(|k| !self.never_negative(k)) {
            self.mvs.truncate(start);
            return Err(format!("{bad:?} would go negative"));
        }
        Ok(start..self.mvs.len())
    }
}

#[derive(Debug, Clone)]
enum Op {
    Move {
        kind: MovementKind,
        item: usize,
        lot: usize,
        qty: i64,
        from: usize,
        to: usize,
        day: i64,
        time: usize,
        allow_expired: bool,
    },
    /// An issue of the lot-tracked reagent without a lot: first expiry
    /// first out over its usable lots as they stood at the movement's time.
    Fefo {
        qty: i64,
        from: usize,
        day: i64,
        time: usize,
    },
    /// Open units of a lot of the reagent (SPEC §15).
    Open {
        lot: usize,
        qty: i64,
        from: usize,
        day: i64,
        time: usize,
    },
    /// Reverse the n-th (mod count) movement accepted so far, dated now.
    Reverse(usize),
}

/// Movements; with `fefo`, only of the lot-tracked reagent at two
/// locations with small quantities (so that lots run out often), and also
/// its issues allocated FEFO.
///
/// With `opening`, also only the reagent at two locations, with openings
/// as often as receipts, so that most cases issue, move, count and dispose
/// of opened portions.
fn op(fefo: bool, opening: bool) -> impl Strategy<Value = Op> {
    let (items, places, most): (usize, usize, i64) = if fefo || opening {
        (1, 2, 6)
    } else {
        (2, 3, 12)
    };
    let kinds = prop::sample::select(vec![
        MovementKind::Receive,
        MovementKind::Receive,
        MovementKind::Receive,
        MovementKind::Issue,
        MovementKind::Issue,
        MovementKind::Issue,
        MovementKind::Transfer,
        MovementKind::Transfer,
        MovementKind::Adjust,
        MovementKind::Count,
        MovementKind::Dispose,
    ]);
    prop_oneof![
        12 => (
            kinds,
            0..items,
            0..3usize,
            -2i64..most,
            0..places,
            0..places,
            0i64..14,
            0..TIMES_OF_DAY.len(),
            prop::bool::weighted(0.2),
        )
            .prop_map(|(kind, item, lot, qty, from, to, day, time, allow_expired)| Op::Move {
                kind, item, lot, qty, from, to, day, time, allow_expired
            }),
        1 => any::<usize>().prop_map(Op::Reverse),
        if opening { 10 } else { 3 } => (0..3usize, prop_oneof![9 => 1i64..4, 1 => -1i64..1], 0..places, 0i64..14, 0..TIMES_OF_DAY.len())
            .prop_map(|(lot, qty, from, day, time)| Op::Open { lot, qty, from, day, time }),
        if fefo || opening { 3 } else { 0 } => (1i64..most, 0..places, 0i64..14, 0..TIMES_OF_DAY.len())
            .prop_map(|(qty, from, day, time)| Op::Fefo { qty, from, day, time }),
    ]
}

/// The reagent at two locations with receipts early (days 0-4) and
/// openings often, so that most cases hold opened portions for the other
/// movements to meet.
fn op_opening() -> impl Strategy<Value = Op> {
    let receipt = (
        0..3usize,
        1i64..6,
        0..2usize,
        0i64..5,
        0..TIMES_OF_DAY.len(),
    )
        .prop_map(|(lot, qty, from, day, time)| Op::Move {
            kind: MovementKind::Receive,
            item: 0,
            lot,
            qty,
            from,
            to: 0,
            day,
            time,
            allow_expired: false,
        });
    prop_oneof![
        4 => receipt,
        8 => op(false, true),
    ]
}

/// Movements are recorded at this one moment, after all their timestamps.
fn now() -> DateTime<Utc> {
    moment(30, 2)
}

/// What the model says of a movement: the movement to add, or why the
/// library must refuse it. Reads only the model.
fn predict(model: &Model, lots: &[(String, String)], op: &Op) -> Result<Vec<Mv>, String> {
    if let Op::Fefo {
        qty,
        from,
        day,
        time,
    } = op
    {
        return predict_fefo(model, lots, *qty, LOCATIONS[*from], moment(*day, *time));
    }
    if let Op::Open {
        lot,
        qty,
        from,
        day,
        time,
    } = op
    {
        return predict_open(
            model,
            lots,
            LOTS[*lot],
            *qty,
            LOCATIONS[*from],
            moment(*day, *time),
        );
    }
    let Op::Move {
        kind,
        item,
        lot,
        qty,
        from,
        to,
        day,
        time,
        allow_expired,
    } = op
    else {
        unreachable!()
    };
    let (kind, qty, at) = (*kind, *qty, moment(*day, *time));
    let item_code = ITEMS[*item];
    let lot_name = if *item == 0 { LOTS[*lot] } else { "" };
    let from_code = LOCATIONS[*from];
    let quantity_ok = match kind {
        MovementKind::Adjust => qty != 0,
        MovementKind::Count => qty >= 0,
        _ => qty > 0,
    };
    if !quantity_ok {
        return Err(format!("quantity {qty} not allowed for {kind:?}"));
    }
    if kind == MovementKind::Transfer && from == to {
        return Err("transfer to the same location".into());
    }
    let exists = lots.iter().any(|(i, l)| i == item_code && l == lot_name);
    // A receipt creates its lot; the plain item's unnamed lot is also
    // created by a count or a positive adjustment. Anything else needs an
    // existing lot.
    let creates = kind == MovementKind::Receive
        || (*item == 1
            && (kind == MovementKind::Count || (kind == MovementKind::Adjust && qty > 0)));
    if !exists && !creates {
        return Err("unknown lot".into());
    }
    let today = at.date_naive();
    if kind == MovementKind::Issue && !allow_expired && expiry(lot_name).is_some_and(|e| e < today)
    {
        return Err("explicit-lot issue of a lot expired at the movement's date".into());
    }
    let mv = |qty: i64, portion: &str| Mv {
        kind,
        item: item_code.to_owned(),
        lot: lot_name.to_owned(),
        from: from_code.to_owned(),
        to: (kind == MovementKind::Transfer).then(|| LOCATIONS[*to].to_owned()),
        qty,
        portion: portion.to_owned(),
        to_portion: None,
        at,
        seq: 0,
        id: 0,
        reversed: false,
    };
    match kind {
        MovementKind::Receive | MovementKind::Adjust => Ok(vec![mv(qty, "")]),
        MovementKind::Count => {
            let book = model.balance_at(&key(item_code, lot_name, from_code), at);
            Ok(vec![mv(qty - book, "")])
        }
        MovementKind::Issue | MovementKind::Transfer | MovementKind::Dispose => {
            // SPEC §15: a named lot's opened units first (the earliest
            // effective expiry first); an issue takes only units fit for
            // use (unless --allow-expired); a disposal takes the expired
            // ones first.
            let fit = |p: &str| effective(lot_name, p).is_none_or(|e| e >= today);
            let mut portions = model.portions_at(item_code, lot_name, from_code, at);
            if kind == MovementKind::Issue && !allow_expired {
                portions.retain(|(p, _)| fit(p));
            }
            portions.sort_by_key(|(p, _)| {
                let unusable_first = kind == MovementKind::Dispose && fit(p);
                (unusable_first, fefo_key(lots, item_code, lot_name, p))
            });
            let mut left = qty;
            let mut out = Vec::new();
            for (p, held) in portions {
                if left == 0 {
                    break;
                }
                let take = left.min(held);
                left -= take;
                out.push(mv(-take, &p));
            }
            if left > 0 {
                return Err(format!("only {} in the lot's portions at {at}", qty - left));
            }
            Ok(out)
        }
        MovementKind::Reverse | MovementKind::Open => unreachable!(),
    }
}

/// SPEC §15: open QTY sealed units of a usable reagent lot at a place, on
/// the movement's date, not before the lot was first received.
fn predict_open(
    model: &Model,
    lots: &[(String, String)],
    lot: &str,
    qty: i64,
    from: &str,
    at: DateTime<Utc>,
) -> Result<Vec<Mv>, String> {
    let item = ITEMS[0];
    if qty <= 0 {
        return Err("quantity".into());
    }
    if !lots.iter().any(|(i, l)| i == item && l == lot) {
        return Err("unknown lot".into());
    }
    let today = at.date_naive();
    if expiry(lot).is_some_and(|e| e < today) {
        return Err("an expired lot is not opened".into());
    }
    if model.first_in(item, lot).is_some_and(|first| today < first) {
        return Err("opened before it was received".into());
    }
    let sealed = model.balance_at(&key(item, lot, from), at);
    if sealed < qty {
        return Err(format!("{sealed} sealed at {at}"));
    }
    Ok(vec![Mv {
        kind: MovementKind::Open,
        item: item.to_owned(),
        lot: lot.to_owned(),
        from: from.to_owned(),
        to: None,
        qty: -qty,
        portion: String::new(),
        to_portion: Some(today.to_string()),
        at,
        seq: 0,
        id: 0,
        reversed: false,
    }])
}

/// SPEC §2, §10, §15: an issue without a lot takes the usable portions
/// (all lots are available here; usable = not past the portion's
/// effective expiry on the movement's date) with stock at the movement's
/// time, in FEFO order.
fn predict_fefo(
    model: &Model,
    lots: &[(String, String)],
    qty: i64,
    from: &str,
    at: DateTime<Utc>,
) -> Result<Vec<Mv>, String> {
    let today = at.date_naive();
    let mut usable: Vec<(String, String, i64)> = Vec::new();
    for l in LOTS
        .iter()
        .filter(|l| lots.iter().any(|(i, x)| i == ITEMS[0] && x == *l))
    {
        for (p, held) in model.portions_at(ITEMS[0], l, from, at) {
            if effective(l, &p).is_some_and(|e| e >= today) {
                usable.push(((*l).to_owned(), p, held));
            }
        }
    }
    usable.sort_by_key(|(l, p, _)| fefo_key(lots, ITEMS[0], l, p));
    let mut left = qty;
    let mut out = Vec::new();
    for (lot, portion, held) in usable {
        if left == 0 {
            break;
        }
        let take = left.min(held);
        left -= take;
        out.push(Mv {
            kind: MovementKind::Issue,
            item: ITEMS[0].to_owned(),
            lot,
            from: from.to_owned(),
            to: None,
            qty: -take,
            portion,
            to_portion: None,
            at,
            seq: 0,
            id: 0,
            reversed: false,
        });
    }
    if left > 0 {
        return Err(format!("only {} usable at {at}", qty - left));
    }
    Ok(out)
}

fn request(op: &Op) -> MovementRequest {
    if let Op::Open {
        lot,
        qty,
        from,
        day,
        time,
    } = op
    {
        let mut req = MovementRequest::new(
            MovementKind::Open,
            ITEMS[0],
            q(*qty),
            ts(moment(*day, *time)),
            "prop",
        );
        req.lot = Some(LOTS[*lot].to_owned());
        req.location = Some(LOCATIONS[*from].to_owned());
        return req;
    }
    if let Op::Fefo {
        qty,
        from,
        day,
        time,
    } = op
    {
        let mut req = MovementRequest::new(
            MovementKind::Issue,
            ITEMS[0],
            q(*qty),
            ts(moment(*day, *time)),
            "prop",
        );
        req.location = Some(LOCATIONS[*from].to_owned());
        return req;
    }
    let Op::Move {
        kind,
        item,
        lot,
        qty,
        from,
        to,
        day,
        time,
        allow_expired,
    } = op
    else {
        unreachable!()
    };
    let mut req = MovementRequest::new(
        *kind,
        ITEMS[*item],
        q(*qty),
        ts(moment(*day, *time)),
        "prop",
    );
    if *item == 0 {
        req.lot = Some(LOTS[*lot].to_owned());
        if *kind == MovementKind::Receive {
            req.expiry = expiry(LOTS[*lot]);
        }
    }
    req.location = Some(LOCATIONS[*from].to_owned());
    if *kind == MovementKind::Transfer {
        req.to_location = Some(LOCATIONS[*to].to_owned());
    }
    if matches!(kind, MovementKind::Adjust | MovementKind::Dispose) {
        req.reason = Some("property test".into());
    }
    req.allow_expired = *allow_expired;
    req
}

/// Every non-zero balance as the library has it at the end of `d`.
fn library_stock(store: &Store, d: NaiveDate) -> BTreeMap<Key, i64> {
    store
        .stock(StockFilter::default(), d)
        .unwrap()
        .into_iter()
        .map(|l| {
            let portion = l.opened_on.map(|d| d.to_string()).unwrap_or_default();
            ((l.item, l.lot, l.location, portion), l.quantity)
        })
        .collect()
}

fn movement_count(store: &Store) -> i64 {
    rusqlite::Connection::open(store.path())
        .unwrap()
        .query_row("SELECT count(*) FROM movements", [], |r| r.get(0))
        .unwrap()
}

/// Apply `ops` to a new store and to the model, recorded at `now()`, and
/// check the library against the model at each step and as of every date.
fn ledger_matches_the_model(ops: &[Op]) -> Result<Model, TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let mut store = setup(dir.path(), None);
    let mut model = Model::default();
    // (item, lot) that exist: created by an accepted movement.
    // (item, lot) that exist, in the order they were created (lot ids).
    let mut lots: Vec<(String, String)> = Vec::new();
    let far = date(2100, 1, 1);
    for (step, op) in ops.iter().enumerate() {
        let (expected, result) = match op {
            Op::Move { .. } | Op::Fefo { .. } | Op::Open { .. } => {
                let expected = predict(&model, &lots, op).and_then(|ms| model.try_push(ms));
                (expected, store.record(&request(op), ts(now())))
            }
            Op::Reverse(n) => {
                if model.mvs.is_empty() {
                    continue;
                }
                let target = model.mvs[n % model.mvs.len()].clone();
                let expected = if target.kind == MovementKind::Reverse {
                    Err("a reversal is not reversed".to_owned())
                } else if target.reversed {
                    Err("already reversed".to_owned())
                } else {
                    let m = Mv {
                        kind: MovementKind::Reverse,
                        qty: -target.qty,
                        at: now(),
                        reversed: false,
                        ..target.clone()
                    };
                    model.try_push(vec![m]).inspect(|_| {
                        model.mvs[target.seq].reversed = true;
                    })
                };
                (
                    expected,
                    store.reverse(
                        MovementId::new(target.id),
                        Some("property test"),
                        ts(now()),
                        "prop",
                    ),
                )
            }
        };
        match (expected, &result) {
            (Ok(added), Ok(outcome)) => {
                let posted: Vec<_> = outcome
                    .movements
                    .iter()
                    .map(|p| {
                        let portion = p.opened_on.map(|d| d.to_string()).unwrap_or_default();
                        (
                            p.quantity.get(),
                            &p.lot,
                            &p.location,
                            &p.to_location,
                            portion,
                        )
                    })
                    .collect();
                let modelled: Vec<_> = model.mvs[added.clone()]
                    .iter()
                    .map(|m| {
                        let portion = m.to_portion.clone().unwrap_or_else(|| m.portion.clone());
                        (m.qty, &m.lot, &m.from, &m.to, portion)
                    })
                    .collect();
                prop_assert_eq!(posted, modelled, "step {}: {:?}", step, op);
                for (m, p) in model.mvs[added].iter_mut().zip(&outcome.movements) {
                    m.id = p.id.get();
                    let made = (m.item.clone(), m.lot.clone());
                    if !lots.contains(&made) {
                        lots.push(made);
                    }
                }
            }
            (Err(_), Err(_)) => {}
            (Ok(_), Err(e)) => {
                return Err(TestCaseError::fail(format!(
                    "step {step}: {op:?}: the model accepts it, the library refused: {e}\nmodel ledger: {:#?}",
                    model.mvs
                )));
            }
            (Err(why), Ok(outcome)) => {
                return Err(TestCaseError::fail(format!(
                    "step {step}: {op:?}: the model refuses it ({why}), the library accepted: {:?}\nmodel ledger: {:#?}",
                    outcome.movements, model.mvs
                )));
            }
        }
        // A refused movement changes nothing; an accepted one only what
        // the model added.
        prop_assert_eq!(
            movement_count(&store),
            model.mvs.len() as i64,
            "step {}: {:?}",
            step,
            op
        );
        prop_assert_eq!(
            library_stock(&store, far),
            model.balances_as_of(far),
            "step {}: {:?}",
            step,
            op
        );
    }
    // Stock as of every date from before the first movement (day 0) to
    // after the last (day 13; reversals on day 30), and far either side:
    // the end of each day, so that the 00:00:00 and 23:59:59 stamps fall
    // on either side of a boundary.
    let dates = (-2..=32).map(day).chain([date(1900, 1, 1), far]);
    for d in dates {
        prop_assert_eq!(
            library_stock(&store, d),
            model.balances_as_of(d),
            "as of {}",
            d
        );
    }
    for k in model.keys() {
        let history = model.history(&k);
        prop_assert!(
            history.iter().all(|(_, _, b)| *b >= 0),
            "{:?}: {:?}",
            k,
            history
        );
    }
    let report = store.check().unwrap();
    prop_assert!(report.is_clean(), "{:?}", report);
    Ok(model)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, .. ProptestConfig::default() })]

    /// Every kind of movement, explicit lots (the plain item's issues are
    /// FEFO over its one lot).
    #[test]
    fn backdated_movements_keep_every_balance_non_negative_at_every_time(
        ops in prop::collection::vec(op(false, false), 1..40),
    ) {
        ledger_matches_the_model(&ops)?;
    }

    /// The same with backdated FEFO issues of the lot-tracked reagent,
    /// modelled exactly: earliest expiry first over the usable lots with
    /// stock as it stood at the movement's time.
    ///
    /// KNOWN LIBRARY BUG (reported, not fixed here; this property fails
    /// until it is): `ledger::issue` takes its candidate lots from
    /// `lots_with_stock`, i.e. lots with stock *now*, and only then reads
    /// their balance at T. A lot that held stock at T but holds none now is
    /// skipped, so the allocation falls to a later-expiring lot and the
    /// issue is accepted, where the same lot with 1 left now is allocated
    /// and the issue refused. Minimal case: receive 5 of L1 (exp day 3)
    /// and 5 of L2 (exp day 9) on day 0; issue 5 of L1 on day 2; FEFO issue
    /// 1 on day 1 is accepted from L2 (model: L1 first, then L1 goes
    /// negative on day 2, so refused).
    #[test]
    fn backdated_fefo_issues_allocate_over_stock_as_it_stood(
        ops in prop::collection::vec(op(true, false), 1..40),
    ) {
        ledger_matches_the_model(&ops)?;
    }

    /// Opened containers (SPEC §15): openings of the reagent as often as
    /// receipts, so issues (named lot and FEFO), transfers, disposals,
    /// counts and reversals meet opened portions, each portion with its
    /// own effective expiry, and backdated openings are bound by time.
    #[test]
    fn openings_split_balances_into_portions_that_never_go_negative(
        ops in prop::collection::vec(op_opening(), 1..40),
    ) {
        ledger_matches_the_model(&ops)?;
    }
}

/// The minimal case of the known library bug above, spelled out (fails
/// until `ledger::issue` allocates over every lot that held stock at T).
#[test]
fn backdated_fefo_issue_does_not_skip_a_lot_that_is_empty_now() {
    let mv = |kind, lot, qty, day| Op::Move {
        kind,
        item: 0,
        lot,
        qty,
        from: 0,
        to: 0,
        day,
        time: 2,
        allow_expired: false,
    };
    let ops = [
        mv(MovementKind::Receive, 0, 5, 0), // L1, expires day 3
        mv(MovementKind::Receive, 1, 5, 0), // L2, expires day 9
        mv(MovementKind::Issue, 0, 5, 2),   // L1 empty from day 2 on
        // At day 1 L1 (5) expires first: FEFO takes it, which leaves L1
        // at -1 after day 2's issue, so the issue is refused. The library
        // skips L1 (empty now) and issues from L2.
        Op::Fefo {
            qty: 1,
            from: 0,
            day: 1,
            time: 2,
        },
    ];
    if let Err(e) = ledger_matches_the_model(&ops) {
        panic!("{e}");
    }
}

/// One event of the second property, recorded at its own time (in time
/// order), so that lot statuses change on the dates they are recorded.
#[derive(Debug, Clone)]
enum Event {
    Receive {
        item: usize,
        lot: usize,
        loc: usize,
        qty: i64,
    },
    Issue {
        item: usize,
        lot: usize,
        loc: usize,
        qty: i64,
    },
    Lot {
        lot: usize,
        action: usize,
    },
}

const LOT_ACTIONS: [LotAction; 3] = [LotAction::Quarantine, LotAction::Release, LotAction::Recall];

fn event() -> impl Strategy<Value = (i64, usize, Event)> {
    let ev = prop_oneof![
        4 => (0..2usize, 0..3usize, 0..2usize, 1i64..10)
            .prop_map(|(item, lot, loc, qty)| Event::Receive { item, lot, loc, qty }),
        3 => (0..2usize, 0..3usize, 0..2usize, 1i64..8)
            .prop_map(|(item, lot, loc, qty)| Event::Issue { item, lot, loc, qty }),
        2 => (0..3usize, prop::sample::select(vec![0usize, 0, 1, 1, 2]))
            .prop_map(|(lot, action)| Event::Lot { lot, action }),
    ];
    (0i64..21, 0..TIMES_OF_DAY.len(), ev)
}

/// Status of a lot at the end of `d`: its status changes recorded by then,
/// replayed from `available`.
fn status_as_of(
    events: &[(String, DateTime<Utc>, LotStatus)],
    lot: &str,
    d: NaiveDate,
) -> LotStatus {
    let end = end_of(d);
    events
        .iter()
        .rev()
        .find(|(l, at, _)| l == lot && *at < end)
        .map_or(LotStatus::Available, |(_, _, s)| *s)
}

fn usable(lot: &str, status: LotStatus, d: NaiveDate) -> bool {
    status == LotStatus::Available && expiry(lot).is_none_or(|e| e >= d)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, .. ProptestConfig::default() })]

    #[test]
    fn stock_expiry_and_reorder_agree_as_of_any_date(
        mut events in prop::collection::vec(event(), 1..30),
    ) {
        events.sort_by_key(|(d, t, _)| (*d, *t));
        let dir = tempfile::tempdir().unwrap();
        // A level no stock reaches: every item is on the reorder list, so
        // its on_hand can be read for every date.
        let mut store = setup(dir.path(), Some(1_000_000));
        let mut model = Model::default();
        let mut lots: HashSet<(String, String)> = HashSet::new();
        let mut lot_events: Vec<(String, DateTime<Utc>, LotStatus)> = Vec::new();
        for (step, (d, t, ev)) in events.iter().enumerate() {
            let at = moment(*d, *t);
            let (expected, ok): (Result<(), String>, bool) = match ev {
                Event::Receive { item, lot, loc, qty } | Event::Issue { item, lot, loc, qty } => {
                    let receive = matches!(ev, Event::Receive { .. });
                    let lot_name = if *item == 0 { LOTS[*lot] } else { "" };
                    let k = key(ITEMS[*item], lot_name, LOCATIONS[*loc]);
                    let exists = lots.contains(&(ITEMS[*item].to_owned(), lot_name.to_owned()));
                    let expected = if receive {
                        Ok(())
                    } else if !exists {
                        Err("unknown lot".to_owned())
                    } else if status_as_of(&lot_events, lot_name, date(9999, 1, 1)) != LotStatus::Available {
                        Err("lot not available".to_owned())
                    } else if expiry(lot_name).is_some_and(|e| e < at.date_naive()) {
                        Err("lot expired".to_owned())
                    } else if model.balance_at(&k, at) < *qty {
                        Err("not enough".to_owned())
                    } else {
                        Ok(())
                    };
                    let kind = if receive { MovementKind::Receive } else { MovementKind::Issue };
                    let mut req = MovementRequest::new(kind, ITEMS[*item], q(*qty), ts(at), "prop");
                    req.location = Some(LOCATIONS[*loc].to_owned());
                    if *item == 0 {
                        req.lot = Some(lot_name.to_owned());
                        if receive {
                            req.expiry = expiry(lot_name);
                        }
                    }
                    let ok = store.record(&req, ts(at)).is_ok();
                    if expected.is_ok() {
                        model.mvs.push(Mv {
                            kind,
                            item: ITEMS[*item].to_owned(),
                            lot: lot_name.to_owned(),
                            from: LOCATIONS[*loc].to_owned(),
                            to: None,
                            qty: if receive { *qty } else { -qty },
                            portion: String::new(),
                            to_portion: None,
                            at,
                            seq: model.mvs.len(),
                            id: 0,
                            reversed: false,
                        });
                        lots.insert((ITEMS[*item].to_owned(), lot_name.to_owned()));
                    }
                    (expected, ok)
                }
                Event::Lot { lot, action } => {
                    let lot_name = LOTS[*lot];
                    let exists = lots.contains(&(ITEMS[0].to_owned(), lot_name.to_owned()));
                    let next = match (LOT_ACTIONS[*action], status_as_of(&lot_events, lot_name, date(9999, 1, 1))) {
                        _ if !exists => None,
                        (LotAction::Quarantine, LotStatus::Available) => Some(LotStatus::Quarantined),
                        (LotAction::Release, LotStatus::Quarantined) => Some(LotStatus::Available),
                        (LotAction::Recall, LotStatus::Available | LotStatus::Quarantined) => {
                            Some(LotStatus::Recalled)
                        }
                        _ => None,
                    };
                    let stamp = at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
                    let ok = store
                        .lot_action(ITEMS[0], lot_name, LOT_ACTIONS[*action], Some("property test"), at.date_naive(), &stamp, "prop")
                        .is_ok();
                    if let Some(s) = next {
                        lot_events.push((lot_name.to_owned(), at, s));
                    }
                    (next.map(|_| ()).ok_or_else(|| "lot action not allowed".to_owned()), ok)
                }
            };
            prop_assert_eq!(expected.is_ok(), ok, "step {}: {:?} at {}: model says {:?}", step, ev, at, expected);
        }
        for d in (-2..=24).map(day) {
            // The model: every non-zero balance with its lot's status.
            let want: BTreeMap<Key, (i64, LotStatus)> = model
                .balances_as_of(d)
                .into_iter()
                .map(|(k, q)| {
                    let s = if k.1.is_empty() { LotStatus::Available } else { status_as_of(&lot_events, &k.1, d) };
                    (k, (q, s))
                })
                .collect();
            // stock --as-of D (with its status column).
            let stock: BTreeMap<Key, (i64, LotStatus)> = store
                .stock(StockFilter::default(), d)
                .unwrap()
                .into_iter()
                .map(|l| {
                    let portion = l.opened_on.map(|d| d.to_string()).unwrap_or_default();
                    ((l.item, l.lot, l.location, portion), (l.quantity, l.status))
                })
                .collect();
            prop_assert_eq!(&stock, &want, "stock as of {}", d);
            // report expiry --as-of D --within 100000: every balance of a
            // lot with an expiry, expired when its expiry is before D.
            let expiry_rows: BTreeMap<Key, (i64, LotStatus, ExpiryState, i64)> = store
                .expiry_report(d, 100_000, None)
                .unwrap()
                .into_iter()
                .map(|r| {
                    let portion = r.opened_on.map(|d| d.to_string()).unwrap_or_default();
                    ((r.item, r.lot, r.location, portion), (r.quantity, r.status, r.state, r.days_until_expiry))
                })
                .collect();
            let want_expiry: BTreeMap<Key, (i64, LotStatus, ExpiryState, i64)> = want
                .iter()
                .filter_map(|(k, (q, s))| {
                    let e = expiry(&k.1)?;
                    let state = if e < d { ExpiryState::Expired } else { ExpiryState::Expiring };
                    Some((k.clone(), (*q, *s, state, (e - d).num_days())))
                })
                .collect();
            prop_assert_eq!(&expiry_rows, &want_expiry, "report expiry as of {}", d);
            // stock and report expiry agree with each other on every lot
            // with an expiry.
            for (k, (q, s, _, _)) in &expiry_rows {
                prop_assert_eq!(stock.get(k), Some(&(*q, *s)), "stock vs expiry as of {}", d);
            }
            // report reorder --as-of D: on_hand is the usable stock.
            let reorder: BTreeMap<String, i64> = store
                .reorder_report(&ReorderQuery { as_of: d, supplier: None, location: None })
                .unwrap()
                .rows
                .into_iter()
                .map(|r| (r.item, r.on_hand))
                .collect();
            let usable_of = |lines: &BTreeMap<Key, (i64, LotStatus)>| -> BTreeMap<String, i64> {
                let mut out: BTreeMap<String, i64> = ITEMS.iter().map(|i| ((*i).to_owned(), 0)).collect();
                for (k, (q, s)) in lines {
                    if usable(&k.1, *s, d) {
                        *out.entry(k.0.clone()).or_default() += q;
                    }
                }
                out
            };
            prop_assert_eq!(&reorder, &usable_of(&want), "report reorder (model) as of {}", d);
            prop_assert_eq!(&reorder, &usable_of(&stock), "report reorder vs stock as of {}", d);
        }
        let report = store.check().unwrap();
        prop_assert!(report.is_clean(), "{:?}", report);
    }
}

/// A quantity within the bound (the generators stay well inside it).
fn q(n: i64) -> Quantity {
    Quantity::new(n).expect("a bounded quantity")
}

/// A ledger timestamp (the generators stay within its range).
fn ts(t: DateTime<Utc>) -> Timestamp {
    Timestamp::new("at", t).expect("a ledger timestamp")
}

/// The model and the library agree on openings spelled out: units opened
/// on day 1 are issued before the sealed ones of the same lot, a FEFO
/// issue takes an opened portion that expires first, and a reversal of
/// an opening returns the units to sealed.
#[test]
fn openings_spelled_out_agree_with_the_model() {
    let mv = |kind, lot, qty, day| Op::Move {
        kind,
        item: 0,
        lot,
        qty,
        from: 0,
        to: 1,
        day,
        time: 2,
        allow_expired: false,
    };
    let open = |lot, qty, day| Op::Open {
        lot,
        qty,
        from: 0,
        day,
        time: 2,
    };
    let ops = [
        mv(MovementKind::Receive, 2, 5, 0), // L3, expires 2026-12-31
        mv(MovementKind::Receive, 1, 5, 0), // L2, expires day 9
        open(2, 2, 1),                      // L3: 2 opened day 1, in use to day 4
        mv(MovementKind::Issue, 2, 3, 2),   // L3: the 2 opened, then 1 sealed
        open(2, 1, 3),
        Op::Fefo {
            qty: 2,
            from: 0,
            day: 3,
            time: 3,
        }, // L3 opened day 3 (to day 6) first, then L2 (day 9)
        open(1, 1, 5),
        mv(MovementKind::Transfer, 1, 2, 6), // L2 opened first, then sealed
        Op::Reverse(6),                      // the FEFO issue of the opened L3 unit
        open(2, 9, 6),                       // more than sealed: refused
        open(0, 1, 6),                       // L1 never received: refused
        open(2, 1, 7),                       // L3's last sealed unit
        Op::Reverse(12),                     // that opening: the unit is sealed again
    ];
    let model = match ledger_matches_the_model(&ops) {
        Ok(model) => model,
        Err(e) => panic!("{e}"),
    };
    let brief: Vec<String> = model
        .mvs
        .iter()
        .map(|m| {
            format!(
                "{} {} {} {}",
                m.kind,
                m.lot,
                m.qty,
                m.to_portion.as_deref().unwrap_or(&m.portion)
            )
        })
        .collect();
    assert_eq!(
        brief,
        [
            "receive L3 5 ",
            "receive L2 5 ",
            "open L3 -2 2026-09-02",
            "issue L3 -2 2026-09-02",
            "issue L3 -1 ",
            "open L3 -1 2026-09-04",
            "issue L3 -1 2026-09-04",
            "issue L2 -1 ",
            "open L2 -1 2026-09-06",
            "transfer L2 -1 2026-09-06",
            "transfer L2 -1 ",
            "reverse L3 1 2026-09-04",
            "open L3 -1 2026-09-08",
            "reverse L3 1 2026-09-08",
        ]
    );
}
