//! The stock ledger (SPEC §2): the append-only list of movements and the
//! balances maintained beside it. Every movement is posted by [`post`],
//! which writes the ledger row and the balance change in the caller's
//! transaction, so the two can never disagree except by tampering, which
//! `check` finds. The rules of each kind (what must be named, what is
//! usable, never negative) are enforced here, once, for the CLI and for
//! imports alike.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use crate::args;
use crate::store::{Conn, Sql};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::catalogue::{Item, Location, find_item, find_location};
use crate::chain;
use crate::clock::{end_of_day, lab_date};
use crate::error::{Error, Refusal, Result};
use crate::model::{
    LotId, LotStatus, MAX_QUANTITY, MovementId, MovementKind, Quantity, Timestamp, Usability,
    effective_expiry, is_expired, parse_stored_date,
};
use crate::store::Store;
use crate::values::{ItemId, LocationId};
use crate::waste;

/// The location a command uses when none is named (SPEC §1).
pub const DEFAULT_LOCATION: &str = "MAIN";

pub use crate::store::sql::ledger as sql;

/// Most entries a [`Lookups`] map holds before it starts again empty, so
/// an import's memory stays bounded whatever the size of its file.
const LOOKUPS_LIMIT: usize = 50_000;

/// [`LOOKUPS_LIMIT`] where the engine holds writes back (PostgreSQL's
/// bulk load): starting again empty then costs a round trip for every
/// balance met afterwards, and sending every held write first. 500,000
/// balances (about 100 bytes each, and as much again for the rows
/// created) cover the 266,000 of a 20,000-item lab's 2M movements.
const HELD_LOOKUPS_LIMIT: usize = 500_000;

/// Lots an import holding the ledger to itself reads at once (about 100
/// bytes each): more, and it asks for each lot by name as it meets it.
const PRELOAD_LOTS: i64 = 1_000_000;

/// What one transaction has already read: items and locations by the code
/// as written, lots by (item, number), balances by (lot, location). An
/// import records millions of movements against a few thousand items;
/// reading each once per file instead of once per row is most of what
/// makes it fast. Every entry stays true for the whole transaction:
/// recording movements never changes an item, a location or a lot's
/// expiry and status, new lots are added here as they are created, and
/// balances are written through (SQL first, then here), so SQL readers in
/// the same transaction see the same numbers.
#[derive(Default)]
pub(crate) struct Lookups {
    items: FastMap<String, Rc<Item>>,
    locations: FastMap<String, Rc<Location>>,
    lots: FastMap<ItemId, FastMap<String, Lot>>,
    lot_count: usize,
    balances: FastMap<(LotId, LocationId, Portion), Balance>,
    /// The lab's time zone: the one the command read ([`Lookups::in_zone`]),
    /// else read once per transaction.
    zone: Option<crate::clock::Zone>,
    /// Set by [`Lookups::exclusive`] (an import holding the ledger to
    /// itself): the time of the latest movement in the ledger, kept as
    /// rows are posted. A movement dated at or after it has no later
    /// movements to walk.
    latest: Option<String>,
    /// With `latest`: the portions of a lot at a location (rows of
    /// `balances`), and the (lot, portion) rows of an item at a location,
    /// as read once and then kept as new balance rows are written.
    portions: FastMap<(LotId, LocationId), Vec<Portion>>,
    held: FastMap<(ItemId, LocationId), Vec<(Lot, Portion)>>,
    /// With `latest`: the balance rows this transaction created and the
    /// engine may still hold back (PostgreSQL's bulk load), by (lot,
    /// location) and by (item, location). The lookups read the ledger's
    /// tables without making the engine send its held writes first
    /// ([`Conn::query_all_before_held`]) and add these; every balance this
    /// transaction wrote is in `balances` (evicted only after the held
    /// writes are sent). Emptied each time the held writes are sent.
    created_portions: FastMap<(LotId, LocationId), Vec<Portion>>,
    created_rows: FastMap<(ItemId, LocationId), Vec<(Lot, Portion)>>,
    /// With `latest`: lots this transaction created (no balance row of
    /// theirs is in the database but those in `created_*`), and whether
    /// the ledger held no balance at all when it began (then none is
    /// but those): balance reads answered without a round trip. Cleared
    /// with `created_*`, and `empty` then false.
    fresh_lots: FastSet<LotId>,
    empty: bool,
    /// With `latest`: whether the engine holds writes back, so that the
    /// rows created are tracked here (on SQLite, which writes through,
    /// the database tells them and nothing is tracked).
    track_created: bool,
    /// With `latest`: the items that have order lines (an import creates
    /// none): a receipt's reference is looked up among the order lines
    /// only for those.
    order_items: FastSet<ItemId>,
    /// With `latest`: every lot of the database is in `lots` (read at
    /// once when there are not too many), so a lot not there does not
    /// exist: none is looked up by name.
    lots_complete: bool,
}

/// A balance as this transaction knows it: its quantity, and whether its
/// row exists (an UPDATE is cheaper than an upsert).
#[derive(Clone, Copy)]
struct Balance {
    quantity: i64,
    stored: bool,
}

/// A hash map keyed by our own ids and codes (see [`FastHasher`]).
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;
pub(crate) type FastSet<K> = std::collections::HashSet<K, BuildHasherDefault<FastHasher>>;

/// A multiply-rotate hasher (the Fx hash of rustc) for the lookups above.
/// Their keys are our own ids and the codes of a file being imported;
/// nothing is gained from SipHash's resistance to chosen keys, and it
/// cost more than the lookups it served.
#[derive(Default, Clone, Copy)]
pub(crate) struct FastHasher(u64);

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_i64(&mut self, n: i64) {
        self.add(n as u64);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Lookups {
    /// Lookups for a transaction that holds the ledger to itself (an
    /// import): the movements chain is locked for the rest of the
    /// transaction (on SQLite the write lock already is), so no other
    /// writer adds a movement or changes a balance until it ends, and what
    /// is read of the ledger once stays true but for this transaction's
    /// own writes, which are kept here as they are made. Spares the
    /// per-row reads of later movements and of a location's lots, which
    /// would otherwise stop the PostgreSQL bulk load at every row.
    pub(crate) fn exclusive(conn: Conn<'_>) -> Result<Lookups> {
        conn.lock_chain(&chain::MOVEMENTS)?;
        let latest: Option<String> = conn.query_one(&sql::LATEST_AT, args![], |r| r.get(0))?;
        let empty = conn
            .query_opt(&sql::ANY_BALANCE, args![], |_| Ok(()))?
            .is_none();
        let order_items = conn
            .query_all(&sql::ORDER_ITEMS, args![], |r| r.get(0))?
            .into_iter()
            .map(ItemId::new)
            .collect();
        let mut lk = Lookups {
            latest: Some(latest.unwrap_or_default()),
            track_created: conn.holds_writes(),
            empty,
            order_items,
            ..Lookups::default()
        };
        // Every lot at once, unless there are very many, when the engine
        // holds writes back: an import then asks for no lot by name (a
        // round trip each on PostgreSQL; SQLite's are cheap, and its
        // lookups stay bounded).
        if lk.track_created {
            let mut all = Vec::new();
            let mut complete = true;
            conn.for_each(&sql::ALL_LOTS, args![PRELOAD_LOTS + 1], |r| {
                if all.len() >= PRELOAD_LOTS as usize {
                    complete = false;
                } else {
                    all.push((ItemId::new(r.get(4)?), lot_row(r)?));
                }
                Ok(())
            })?;
            if complete {
                for (item, lot) in &all {
                    lk.lots
                        .entry(*item)
                        .or_default()
                        .insert(lot.lot.clone(), lot.clone());
                }
                lk.lot_count = all.len();
                lk.lots_complete = true;
            }
        }
        Ok(lk)
    }

    /// Whether the database can hold no balance row of `lot_id` but those
    /// this transaction created (known only when exclusive).
    fn only_created(&self, lot_id: LotId) -> bool {
        self.track_created && (self.empty || self.fresh_lots.contains(&lot_id))
    }

    /// Whether `item` may have order lines (always, unless exclusive).
    fn may_have_order_lines(&self, item: ItemId) -> bool {
        self.latest.is_none() || self.order_items.contains(&item)
    }

    /// Whether no movement in the ledger is dated after `at` (known only
    /// when exclusive).
    fn nothing_after(&self, at: &str) -> bool {
        self.latest.as_deref().is_some_and(|l| l <= at)
    }

    /// A movement dated `at` was posted.
    fn posted_at(&mut self, at: &str) {
        if let Some(l) = &mut self.latest
            && at > l.as_str()
        {
            at.clone_into(l);
        }
    }

    /// The portions of a lot at a location that have a balance row.
    fn portions(
        &mut self,
        conn: Conn<'_>,
        lot_id: LotId,
        location_id: LocationId,
    ) -> Result<Vec<Portion>> {
        if let Some(p) = self.portions.get(&(lot_id, location_id)) {
            return Ok(p.clone());
        }
        if self.latest.is_none() {
            return conn.query_all(&sql::PORTIONS, args![lot_id, location_id], |r| {
                portion_in(r, 0)
            });
        }
        let mut found = if self.only_created(lot_id) {
            Vec::new()
        } else {
            conn.query_all_before_held(&sql::PORTIONS, args![lot_id, location_id], |r| {
                portion_in(r, 0)
            })?
        };
        for p in self
            .created_portions
            .get(&(lot_id, location_id))
            .into_iter()
            .flatten()
        {
            if !found.contains(p) {
                found.push(*p);
            }
        }
        {
            if self.portions.len() >= self.limit() {
                self.portions.clear();
            }
            self.portions.insert((lot_id, location_id), found.clone());
        }
        Ok(found)
    }

    /// [`lots_at`]: every lot row of the item at the location
    /// (`LOTS_AT_LOCATION`), or only those with stock (`LOTS_WITH_STOCK`),
    /// from what this transaction knows when exclusive.
    fn lots_at(
        &mut self,
        conn: Conn<'_>,
        item: &Item,
        location_id: LocationId,
        with_stock: bool,
    ) -> Result<Vec<Held>> {
        if self.latest.is_none() {
            let query = if with_stock {
                &sql::LOTS_WITH_STOCK
            } else {
                &sql::LOTS_AT_LOCATION
            };
            return lots_at(conn, item, location_id, query);
        }
        let rows = match self.held.get(&(item.id, location_id)) {
            Some(rows) => rows.clone(),
            None => {
                let mut rows: Vec<(Lot, Portion)> = if self.track_created && self.empty {
                    Vec::new()
                } else {
                    lots_at_before_held(conn, item, location_id, &sql::LOTS_AT_LOCATION)?
                        .into_iter()
                        .map(|(lot, portion, _)| (lot, portion))
                        .collect()
                };
                for (lot, portion) in self
                    .created_rows
                    .get(&(item.id, location_id))
                    .into_iter()
                    .flatten()
                {
                    if !rows.iter().any(|(l, p)| l.id == lot.id && p == portion) {
                        rows.push((lot.clone(), *portion));
                    }
                }
                if self.held.len() >= self.limit() {
                    self.held.clear();
                }
                self.held.insert((item.id, location_id), rows.clone());
                rows
            }
        };
        let mut out = Vec::with_capacity(rows.len());
        for (lot, portion) in rows {
            let q = self.balance(conn, lot.id, location_id, portion)?;
            if q > 0 || !with_stock {
                out.push((lot, portion, q));
            }
        }
        Ok(out)
    }

    /// A balance row was written for the first time: the lists above
    /// gain it.
    fn new_balance_row(
        &mut self,
        conn: Conn<'_>,
        item: &Item,
        lot: &Lot,
        location_id: LocationId,
        portion: Portion,
    ) -> Result<()> {
        if self.latest.is_none() {
            return Ok(());
        }
        if self.created_portions.len() >= self.limit() {
            self.forget_created(conn)?;
        }
        if self.track_created {
            self.created_portions
                .entry((lot.id, location_id))
                .or_default()
                .push(portion);
            self.created_rows
                .entry((item.id, location_id))
                .or_default()
                .push((lot.clone(), portion));
        }
        if let Some(p) = self.portions.get_mut(&(lot.id, location_id))
            && !p.contains(&portion)
        {
            p.push(portion);
        }
        if let Some(rows) = self.held.get_mut(&(item.id, location_id))
            && !rows.iter().any(|(l, p)| l.id == lot.id && *p == portion)
        {
            rows.push((lot.clone(), portion));
        }
        Ok(())
    }

    /// Most entries a map holds (see [`HELD_LOOKUPS_LIMIT`]).
    fn limit(&self) -> usize {
        if self.track_created {
            HELD_LOOKUPS_LIMIT
        } else {
            LOOKUPS_LIMIT
        }
    }

    /// Send the held writes, then forget the rows created: the database
    /// tells them from now on.
    fn forget_created(&mut self, conn: Conn<'_>) -> Result<()> {
        conn.send_held()?;
        self.created_portions.clear();
        self.created_rows.clear();
        self.fresh_lots.clear();
        self.empty = false;
        Ok(())
    }

    /// Lookups whose dates are judged in `zone`, the lab's time zone as the
    /// command or request read it (`app::Actor::zone`), so a movement
    /// judges expiry in the zone its own "today" came from, without
    /// reading the setting again.
    pub(crate) fn in_zone(zone: crate::clock::Zone) -> Lookups {
        Lookups {
            zone: Some(zone),
            ..Lookups::default()
        }
    }

    /// The date of `at` in the lab's time zone (SPEC §10 "Time").
    pub(crate) fn lab_date(&mut self, conn: Conn<'_>, at: DateTime<Utc>) -> Result<NaiveDate> {
        let zone = match self.zone {
            Some(z) => z,
            None => {
                let z = crate::settings::lab_zone(conn)?;
                self.zone = Some(z);
                z
            }
        };
        Ok(lab_date(at, zone))
    }

    fn item(&mut self, conn: Conn<'_>, code: &str) -> Result<Rc<Item>> {
        if let Some(item) = self.items.get(code) {
            return Ok(Rc::clone(item));
        }
        let item = Rc::new(find_item(conn, code)?);
        if self.items.len() >= LOOKUPS_LIMIT {
            self.items.clear();
        }
        self.items.insert(code.to_owned(), Rc::clone(&item));
        Ok(item)
    }

    /// Read the item and the location a movement names in one statement,
    /// when neither is known yet (the first movement of a command): the
    /// lookups that follow find them here. Either unknown: nothing is
    /// kept, and each lookup then says which (with its suggestions).
    fn item_and_location(&mut self, conn: Conn<'_>, item: &str, location: &str) -> Result<()> {
        if self.items.contains_key(item) || self.locations.contains_key(location) {
            return Ok(());
        }
        if let Some((i, l)) = crate::catalogue::find_item_and_location(conn, item, location)? {
            if self.items.len() >= LOOKUPS_LIMIT {
                self.items.clear();
            }
            if self.locations.len() >= LOOKUPS_LIMIT {
                self.locations.clear();
            }
            self.items.insert(item.to_owned(), Rc::new(i));
            self.locations.insert(location.to_owned(), Rc::new(l));
        }
        Ok(())
    }

    fn location(&mut self, conn: Conn<'_>, code: &str) -> Result<Rc<Location>> {
        if let Some(loc) = self.locations.get(code) {
            return Ok(Rc::clone(loc));
        }
        let loc = Rc::new(find_location(conn, code)?);
        if self.locations.len() >= LOOKUPS_LIMIT {
            self.locations.clear();
        }
        self.locations.insert(code.to_owned(), Rc::clone(&loc));
        Ok(loc)
    }

    fn remember_lot(&mut self, item_id: ItemId, lot: &Lot) {
        if self.lot_count >= LOOKUPS_LIMIT && !self.lots_complete {
            self.lots.clear();
            self.lot_count = 0;
        }
        let lots = self.lots.entry(item_id).or_default();
        if lots.insert(lot.lot.clone(), lot.clone()).is_none() {
            self.lot_count += 1;
        }
    }

    /// [`find_lot`], remembered.
    fn lot(&mut self, conn: Conn<'_>, item_id: ItemId, name: &str) -> Result<Option<Lot>> {
        if let Some(lot) = self.lots.get(&item_id).and_then(|l| l.get(name)) {
            return Ok(Some(lot.clone()));
        }
        if self.lots_complete {
            // Every lot is here: the database's, and those created since.
            return Ok(None);
        }
        let found = find_lot(conn, item_id, name)?;
        if let Some(lot) = &found {
            self.remember_lot(item_id, lot);
        }
        Ok(found)
    }

    /// [`existing_lot`], remembered.
    fn existing_lot(&mut self, conn: Conn<'_>, item: &Item, name: &str) -> Result<Lot> {
        match self.lot(conn, item.id, name)? {
            Some(lot) => Ok(lot),
            None => existing_lot(conn, item, name),
        }
    }

    fn create_lot(
        &mut self,
        conn: Conn<'_>,
        item: &Item,
        name: &str,
        expiry: Option<NaiveDate>,
        now: &str,
        user: &str,
    ) -> Result<Lot> {
        let lot = create_lot(conn, item, name, expiry, now, user)?;
        self.remember_lot(item.id, &lot);
        if self.track_created {
            self.fresh_lots.insert(lot.id);
        }
        Ok(lot)
    }

    /// The balance of a portion of a lot at a location (0 when it has
    /// none), remembered; [`apply`] keeps it current.
    fn balance(
        &mut self,
        conn: Conn<'_>,
        lot_id: LotId,
        location_id: LocationId,
        portion: Portion,
    ) -> Result<i64> {
        Ok(self
            .stored_balance(conn, lot_id, location_id, portion)?
            .quantity)
    }

    fn stored_balance(
        &mut self,
        conn: Conn<'_>,
        lot_id: LotId,
        location_id: LocationId,
        portion: Portion,
    ) -> Result<Balance> {
        if let Some(b) = self.balances.get(&(lot_id, location_id, portion)) {
            return Ok(*b);
        }
        let params = args![lot_id, location_id, portion_key(portion)];
        // Exclusive: a balance this transaction wrote is in `balances`
        // unless evicted, and evicted only once sent (`set_balance`).
        let found: Option<i64> = if self.only_created(lot_id) {
            // Not created (it would be in `balances`, kept until sent).
            None
        } else if self.latest.is_some() {
            conn.query_opt_before_held(&sql::BALANCE, params, |r| r.get(0))?
        } else {
            conn.query_opt(&sql::BALANCE, params, |r| r.get(0))?
        };
        let b = Balance {
            quantity: found.unwrap_or(0),
            stored: found.is_some(),
        };
        self.set_balance(conn, lot_id, location_id, portion, b)?;
        Ok(b)
    }

    fn set_balance(
        &mut self,
        conn: Conn<'_>,
        lot_id: LotId,
        location_id: LocationId,
        portion: Portion,
        balance: Balance,
    ) -> Result<()> {
        if self.balances.len() >= self.limit() {
            if self.latest.is_some() {
                // The balances written here must reach the database before
                // they are forgotten: it answers for them from now on.
                self.forget_created(conn)?;
            }
            self.balances.clear();
        }
        self.balances
            .insert((lot_id, location_id, portion), balance);
        Ok(())
    }
}

/// A request to record one movement, as the CLI or an import row gives it.
/// `quantity` is as the user wrote it: positive for receive, issue,
/// transfer and dispose; signed for adjust; the counted quantity for count.
#[derive(Debug, Clone)]
pub struct MovementRequest {
    pub kind: MovementKind,
    pub item: String,
    pub quantity: Quantity,
    pub lot: Option<String>,
    pub expiry: Option<NaiveDate>,
    pub location: Option<String>,
    pub to_location: Option<String>,
    pub reason: Option<String>,
    pub reference: Option<String>,
    /// Purchase order reference a receipt counts against.
    pub order: Option<String>,
    pub note: Option<String>,
    /// When the movement happened (now, or an import row's timestamp).
    pub at: Timestamp,
    pub user: String,
    pub allow_expired: bool,
    /// Stream for the waste record of a dispose (else the item's).
    pub waste_stream: Option<String>,
    /// Whether a dispose writes its waste record (interactive yes, imports no).
    pub write_waste: bool,
    /// For a `count` applied by a stocktake: the book recorded when it was
    /// counted (SPEC §13), so movements made since are kept.
    pub book: Option<Quantity>,
    /// `--opened DATE`: the opened portion the movement acts on (SPEC §15).
    pub opened: Portion,
}

impl MovementRequest {
    /// A request with everything optional left empty.
    pub fn new(
        kind: MovementKind,
        item: &str,
        quantity: Quantity,
        at: Timestamp,
        user: &str,
    ) -> Self {
        MovementRequest {
            kind,
            item: item.to_owned(),
            quantity,
            lot: None,
            expiry: None,
            location: None,
            to_location: None,
            reason: None,
            reference: None,
            order: None,
            note: None,
            at,
            user: user.to_owned(),
            allow_expired: false,
            waste_stream: None,
            write_waste: true,
            book: None,
            opened: None,
        }
    }
}

/// One ledger row as written, with the balance it left at its location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Posted {
    pub id: MovementId,
    pub kind: MovementKind,
    pub item: String,
    pub lot: String,
    pub location: String,
    pub to_location: Option<String>,
    /// Signed change at `location` (a transfer adds the opposite at `to_location`).
    pub quantity: Quantity,
    /// The opened portion it acted on (an `open`: the portion it opened
    /// units into); `None` for sealed units.
    pub opened_on: Portion,
    /// Balance of this portion of the lot at `location` after the movement
    /// (an `open`: of the opened portion).
    pub balance: Quantity,
}

/// What one command wrote.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Outcome {
    pub movements: Vec<Posted>,
    pub waste_record: Option<i64>,
    pub warnings: Vec<String>,
}

/// A portion of a lot's balance at a location (SPEC §15): the date its
/// units were opened, or `None` for the sealed units.
pub type Portion = Option<NaiveDate>;

/// A portion as `balances.opened_on` stores it ('' for sealed).
pub(crate) fn portion_key(portion: Portion) -> String {
    portion.map(|d| d.to_string()).unwrap_or_default()
}

/// A stored portion ('' or NULL for sealed).
pub(crate) fn portion_of(text: Option<&str>) -> Portion {
    text.filter(|t| !t.is_empty()).and_then(parse_stored_date)
}

/// The portion stored in column `i` of a seam row ('' or NULL for sealed).
pub(crate) fn portion_in(r: &crate::store::Row<'_>, i: usize) -> Result<Portion> {
    Ok(portion_of(r.get::<Option<String>>(i)?.as_deref()))
}

/// The balance changes one ledger row makes (SPEC §2, §15): the one
/// definition every reader of the ledger uses (posting, backdating,
/// `stock --as-of`, reports, `check`). `quantity` is the signed change at
/// (`location`, `opened`); a transfer changes `to_location` by the
/// opposite in the same portion; an `open` (and its reversal) changes the
/// portion `to_opened` at the same location by the opposite.
pub(crate) fn legs<L: Copy>(
    location: L,
    to_location: Option<L>,
    opened: Portion,
    to_opened: Portion,
    quantity: i64,
) -> [Option<(L, Portion, i64)>; 2] {
    let second = match (to_location, to_opened) {
        (Some(to), _) => Some((to, opened, quantity.saturating_neg())),
        (None, Some(portion)) => Some((location, Some(portion), quantity.saturating_neg())),
        (None, None) => None,
    };
    [Some((location, opened, quantity)), second]
}

/// A lot as the ledger needs it.
#[derive(Debug, Clone)]
pub struct Lot {
    pub id: LotId,
    pub lot: String,
    pub expiry: Option<NaiveDate>,
    pub status: LotStatus,
}

impl Lot {
    /// The effective expiry of one portion: the lot's expiry for sealed
    /// units, the earlier of it and opening + in-use days for opened ones.
    pub fn effective_expiry(&self, item: &Item, portion: Portion) -> Option<NaiveDate> {
        effective_expiry(self.expiry, portion, item.in_use_days)
    }

    /// Usable stock: available (not pending, quarantined or recalled), and
    /// the portion not past its effective expiry on `as_of`.
    pub fn usable(&self, item: &Item, portion: Portion, as_of: NaiveDate) -> bool {
        Usability::of(self.status, self.effective_expiry(item, portion), as_of).is_usable()
    }

    fn label(&self) -> String {
        if self.lot.is_empty() {
            "(no lot)".into()
        } else {
            format!("lot {}", self.lot)
        }
    }
}

fn parse_opt_date(s: Option<String>) -> Option<NaiveDate> {
    s.and_then(|s| parse_stored_date(&s))
}

pub(crate) fn find_lot<'c>(
    conn: impl Into<Conn<'c>>,
    item_id: ItemId,
    lot: &str,
) -> Result<Option<Lot>> {
    let conn = conn.into();
    conn.query_opt(&sql::LOT_BY_NAME, args![item_id, lot], lot_row)
}

/// A lot from a row of `LOT_BY_NAME` (or `ALL_LOTS`).
fn lot_row(r: &crate::store::Row<'_>) -> Result<Lot> {
    Ok(Lot {
        id: r.get(0)?,
        lot: r.get(1)?,
        expiry: parse_opt_date(r.get(2)?),
        status: LotStatus::from_db(&r.get::<String>(3)?),
    })
}

/// A lot that must already exist; unknown lots list the item's lots.
pub(crate) fn existing_lot<'c>(conn: impl Into<Conn<'c>>, item: &Item, lot: &str) -> Result<Lot> {
    let conn = conn.into();
    if let Some(found) = find_lot(conn, item.id, lot)? {
        return Ok(found);
    }
    let known = conn.query_all(&sql::LOT_NAMES, args![item.id], |r| r.get::<String>(0))?;
    let mut suggestions = crate::store::closest(lot, known.clone());
    if suggestions.is_empty() && known.len() <= 6 {
        suggestions = known;
    }
    Err(Error::NotFound {
        entity: "lot",
        key: lot.to_owned(),
        within: crate::error::Within::of("item", &item.code),
        suggestions,
    })
}

/// A new lot, and its creation record: the chained evidence of its item,
/// number and expiry that `check` proves the lot row against.
pub(crate) fn create_lot<'c>(
    conn: impl Into<Conn<'c>>,
    item: &Item,
    lot: &str,
    expiry: Option<NaiveDate>,
    now: &str,
    user: &str,
) -> Result<Lot> {
    let conn = conn.into();
    let expiry_text = expiry.map(|d| d.to_string());
    let pending = item.acceptance_required;
    let id = LotId::new(conn.insert(
        &sql::INSERT_LOT,
        args![item.id, lot, expiry_text, now, pending],
    )?);
    crate::lots::record_creation(conn, id, item.id, lot, expiry_text.as_deref(), now, user)?;
    if pending {
        // SPEC §13: a new lot of such an item awaits acceptance.
        crate::acceptance::record_pending(conn, id, now, user)?;
    }
    Ok(Lot {
        id,
        lot: lot.to_owned(),
        expiry,
        status: LotStatus::Available.with_acceptance(pending),
    })
}

/// The lot a non-FEFO movement acts on: the named one, or for an item that
/// is not lot-tracked its single unnamed lot. A lot-tracked item must name
/// its lot (SPEC §10).
fn named_lot(
    conn: Conn<'_>,
    lk: &mut Lookups,
    item: &Item,
    req: &MovementRequest,
    create: bool,
    now: &str,
) -> Result<Lot> {
    let name = req.lot.as_deref().map_or("", str::trim);
    if name.is_empty() && item.lot_tracked {
        return Err(Error::missing(
            "lot",
            format!(
                "{} is lot-tracked, so a {} must name its lot (--lot)",
                item.code, req.kind
            ),
        ));
    }
    let lot = if create && name.is_empty() {
        match lk.lot(conn, item.id, name)? {
            Some(l) => l,
            None => lk.create_lot(conn, item, name, None, now, &req.user)?,
        }
    } else {
        lk.existing_lot(conn, item, name)?
    };
    check_expiry_matches(item, &lot, req.expiry)?;
    Ok(lot)
}

fn check_expiry_matches(item: &Item, lot: &Lot, given: Option<NaiveDate>) -> Result<()> {
    match (given, lot.expiry) {
        (Some(g), Some(e)) if g != e => Err(Error::invalid(
            "expiry",
            g.to_string(),
            format!("{} of {} expires on {e}", lot.label(), item.code),
        )),
        (Some(g), None) if !lot.lot.is_empty() => Err(Error::invalid(
            "expiry",
            g.to_string(),
            format!("{} of {} has no expiry recorded", lot.label(), item.code),
        )),
        _ => Ok(()),
    }
}

/// Change one maintained balance. Refuses to go below zero: the callers
/// check first to word a helpful message; this is the last line of defence.
#[allow(clippy::too_many_arguments)]
fn apply(
    conn: Conn<'_>,
    lk: &mut Lookups,
    item: &Item,
    lot: &Lot,
    location: &Location,
    portion: Portion,
    delta: i64,
    at: &str,
) -> Result<i64> {
    let stored = lk.stored_balance(conn, lot.id, location.id, portion)?;
    let current = stored.quantity;
    let new = current.checked_add(delta).unwrap_or(i64::MAX);
    if new > MAX_QUANTITY {
        return Err(Error::TooLarge {
            what: format!(
                "balance of {}{}{} at {}",
                item.code,
                lot_text(lot),
                portion_text(portion),
                location.code
            ),
            value: format!("{current} + {delta}"),
            limit: MAX_QUANTITY.to_string(),
            unit: "units of issue",
        });
    }
    // Only a reduction can take a later point below zero; adding stock
    // never walks the later movements (an import of receipts in any
    // order stays linear).
    if delta < 0 && !lk.nothing_after(at) {
        never_negative_later(conn, item, lot, location, portion, delta, current, at)?;
    }
    if new < 0 {
        return Err(Error::InsufficientStock {
            item: item.code.clone(),
            location: location.code.clone(),
            what: "",
            requested: -delta,
            available: current,
            detail: format!(" in {}{}", lot.label(), portion_text(portion)),
        });
    }
    let key = portion_key(portion);
    if stored.stored {
        conn.execute(&sql::UPDATE_BALANCE, args![lot.id, location.id, key, new])?;
    } else {
        conn.execute(
            &sql::INSERT_BALANCE,
            args![lot.id, location.id, key, item.id, new],
        )?;
        lk.new_balance_row(conn, item, lot, location.id, portion)?;
    }
    lk.set_balance(
        conn,
        lot.id,
        location.id,
        portion,
        Balance {
            quantity: new,
            stored: true,
        },
    )?;
    Ok(new)
}

/// `" lot L"`, or nothing for stock without a lot.
fn lot_text(lot: &Lot) -> String {
    if lot.lot.is_empty() {
        String::new()
    } else {
        format!(" lot {}", lot.lot)
    }
}

/// `" (opened D)"` for an opened portion, nothing for sealed units.
fn portion_text(portion: Portion) -> String {
    portion
        .map(|d| format!(" (opened {d})"))
        .unwrap_or_default()
}

/// The change one later ledger row (a row of [`sql::LATER_OF_LOT`]) made to
/// a portion at a location.
fn later_change(r: &crate::store::Row<'_>, location: LocationId, portion: Portion) -> Result<i64> {
    let (loc, to, q): (LocationId, Option<LocationId>, i64) = (r.get(3)?, r.get(4)?, r.get(5)?);
    let opened = portion_in(r, 6)?;
    let to_opened = portion_in(r, 7)?;
    Ok(legs(loc, to, opened, to_opened, q)
        .into_iter()
        .flatten()
        .filter(|(l, p, _)| *l == location && *p == portion)
        .map(|(_, _, q)| q)
        .sum())
}

/// SPEC §10 "Time": a movement dated `at` changes the balance at `at` and
/// at every later point of the ledger. For a reduction, walk the lot's
/// later movements back from the maintained balance `current`, and refuse
/// when the balance at `at`, or just after any later movement, plus
/// `delta` would be below zero, naming the first such point. (The upper
/// bound is checked on the maintained balance, by the caller.) A movement
/// dated now has no later movements: one index probe that finds nothing.
#[allow(clippy::too_many_arguments)]
fn never_negative_later(
    conn: Conn<'_>,
    item: &Item,
    lot: &Lot,
    location: &Location,
    portion: Portion,
    delta: i64,
    current: i64,
    at: &str,
) -> Result<()> {
    // (movement, its kind, its time, the balance just after it), latest first.
    let mut points: Vec<(i64, String, String, i64)> = Vec::new();
    let mut running = current;
    conn.for_each_read_first(&sql::LATER_OF_LOT, args![lot.id, at], |r| {
        let change = later_change(r, location.id, portion)?;
        if change != 0 {
            points.push((r.get(0)?, r.get(1)?, r.get(2)?, running));
            running -= change;
        }
        Ok(())
    })?;
    if points.is_empty() {
        return Ok(());
    }
    // `running` is now the balance at `at`, before this movement.
    if running + delta < 0 {
        return Err(Error::InsufficientStock {
            item: item.code.clone(),
            location: location.code.clone(),
            what: "",
            requested: -delta,
            available: running,
            detail: format!(
                "{}{} at {at}, the time the movement is dated",
                if lot.lot.is_empty() {
                    String::new()
                } else {
                    format!(" in lot {}", lot.lot)
                },
                portion_text(portion)
            ),
        });
    }
    for (id, kind, when, after) in points.into_iter().rev() {
        let balance = after + delta;
        if !(0..=MAX_QUANTITY).contains(&balance) {
            return Err(Error::NegativeLater {
                item: item.code.clone(),
                lot: format!("{}{}", lot_text(lot), portion_text(portion)),
                location: location.code.clone(),
                at: at.to_owned(),
                later: Box::new(crate::error::LaterMovement { id, kind, at: when }),
                balance,
            });
        }
    }
    Ok(())
}

/// The balance of a lot at a location as it stood at `at` (after every
/// movement stamped at or before it): the maintained balance less the
/// lot's later movements there.
fn balance_at(
    conn: Conn<'_>,
    lk: &mut Lookups,
    lot: &Lot,
    location: &Location,
    portion: Portion,
    at: &str,
) -> Result<i64> {
    let mut balance = lk.balance(conn, lot.id, location.id, portion)?;
    if lk.nothing_after(at) {
        return Ok(balance);
    }
    conn.for_each_read_first(&sql::LATER_OF_LOT, args![lot.id, at], |r| {
        balance -= later_change(r, location.id, portion)?;
        Ok(())
    })?;
    Ok(balance)
}

/// The parts of a ledger row beyond item, lot and places.
struct Row<'a> {
    kind: MovementKind,
    quantity: i64,
    counted: Option<i64>,
    reason: Option<&'a str>,
    reference: Option<&'a str>,
    order_id: Option<i64>,
    note: Option<&'a str>,
    reverses: Option<i64>,
    /// The portion the row acts on (`movements.opened_on`).
    opened: Portion,
    /// An `open` (or its reversal): the portion the units move into.
    to_opened: Portion,
}

impl<'a> Row<'a> {
    /// The row of a movement as requested: reason, reference and note as
    /// given, with the signed change at its location.
    fn of(req: &'a MovementRequest, quantity: i64) -> Row<'a> {
        Row {
            kind: req.kind,
            quantity,
            counted: None,
            reason: non_empty(req.reason.as_ref()),
            reference: non_empty(req.reference.as_ref()),
            order_id: None,
            note: non_empty(req.note.as_ref()),
            reverses: None,
            opened: req.opened,
            to_opened: None,
        }
    }
}

/// Write one ledger row and its balance changes. The only code that
/// inserts into `movements`.
#[allow(clippy::too_many_arguments)]
fn post(
    conn: Conn<'_>,
    lk: &mut Lookups,
    item: &Item,
    lot: &Lot,
    from: &Location,
    to: Option<&Location>,
    row: &Row<'_>,
    req: &MovementRequest,
    recorded_at: &str,
) -> Result<Posted> {
    let at = req.at.stamp();
    let mut after = apply(conn, lk, item, lot, from, row.opened, row.quantity, &at)?;
    if let Some(to) = to {
        apply(conn, lk, item, lot, to, row.opened, -row.quantity, &at)?;
    } else if let Some(portion) = row.to_opened {
        after = apply(conn, lk, item, lot, from, Some(portion), -row.quantity, &at)?;
    }
    // An adjust naming an order line's reference corrects what was
    // received on it (an exported reversal of a receipt comes back so).
    let order_id = match (row.order_id, row.kind, row.reference) {
        (Some(id), _, _) => Some(id),
        (None, MovementKind::Adjust, Some(reference)) if lk.may_have_order_lines(item.id) => {
            conn.query_opt(&sql::ORDER_LINE, args![reference, item.id], |r| {
                r.get::<i64>(0)
            })?
        }
        _ => None,
    };
    lk.posted_at(&at);
    let id = chain::append_cells(
        conn,
        &chain::MOVEMENTS,
        args![
            at,
            row.kind.as_str(),
            item.id,
            lot.id,
            from.id,
            to.map(|l| l.id),
            row.quantity,
            row.counted,
            row.reason,
            row.reference,
            order_id,
            row.note,
            row.reverses,
            req.user,
            recorded_at,
            row.opened.map(|d| d.to_string()),
            row.to_opened.map(|d| d.to_string()),
        ],
    )?;
    if let Some(order_id) = order_id {
        conn.execute(&sql::ORDER_RECEIVED, args![order_id, row.quantity])?;
    }
    // The lots kept for ended excursions this movement reaches back into
    // (maintained state, src/store/sqlite/migrations/excursion_lots.sql).
    if row.to_opened.is_none() {
        crate::temperature::unkeep_lots(conn, from.id, to.map(|l| l.id), &at)?;
    }
    Ok(Posted {
        id: MovementId::new(id),
        kind: row.kind,
        item: item.code.clone(),
        lot: lot.lot.clone(),
        location: from.code.clone(),
        to_location: to.map(|l| l.code.clone()),
        quantity: Quantity::bounded("quantity", row.quantity)?,
        opened_on: row.to_opened.or(row.opened),
        balance: Quantity::bounded("balance", after)?,
    })
}

fn non_empty(s: Option<&String>) -> Option<&str> {
    s.map(|s| s.trim()).filter(|s| !s.is_empty())
}

fn location_of(conn: Conn<'_>, lk: &mut Lookups, code: Option<&String>) -> Result<Rc<Location>> {
    lk.location(conn, non_empty(code).unwrap_or(DEFAULT_LOCATION))
}

/// Write one ledger row at one place (no transfer) and say so: the
/// outcome of a movement that is a single row.
#[allow(clippy::too_many_arguments)]
fn post_one(
    conn: Conn<'_>,
    lk: &mut Lookups,
    item: &Item,
    lot: &Lot,
    location: &Location,
    row: &Row<'_>,
    req: &MovementRequest,
    recorded_at: &str,
) -> Result<Outcome> {
    let posted = post(conn, lk, item, lot, location, None, row, req, recorded_at)?;
    Ok(Outcome {
        movements: vec![posted],
        ..Outcome::default()
    })
}

/// Record one movement inside an open transaction: the shared path of
/// every command and every import row.
pub(crate) fn record<'c>(
    conn: impl Into<Conn<'c>>,
    req: &MovementRequest,
    recorded_at: &str,
) -> Result<Outcome> {
    let conn = conn.into();
    record_with(conn, &mut Lookups::default(), req, recorded_at)
}

/// [`record`] with the lookups of earlier movements in the same
/// transaction: an import keeps one [`Lookups`] for the whole file.
pub(crate) fn record_with<'c>(
    conn: impl Into<Conn<'c>>,
    lk: &mut Lookups,
    req: &MovementRequest,
    recorded_at: &str,
) -> Result<Outcome> {
    let conn = conn.into();
    if req.at.stamp().as_str() > recorded_at {
        return Err(Error::invalid(
            "timestamp",
            req.at.stamp(),
            format!(
                "it is after now ({recorded_at}): the ledger records what has happened, so a movement may not be dated in the future"
            ),
        ));
    }
    let location = non_empty(req.location.as_ref()).unwrap_or(DEFAULT_LOCATION);
    lk.item_and_location(conn, &req.item, location)?;
    let item = lk.item(conn, &req.item)?;
    let item = &*item;
    match req.kind {
        MovementKind::Receive => receive(conn, lk, item, req, recorded_at),
        MovementKind::Issue => issue(conn, lk, item, req, recorded_at),
        MovementKind::Transfer => transfer(conn, lk, item, req, recorded_at),
        MovementKind::Adjust => adjust(conn, lk, item, req, recorded_at),
        MovementKind::Count => count(conn, lk, item, req, recorded_at),
        MovementKind::Dispose => dispose(conn, lk, item, req, recorded_at),
        MovementKind::Open => open(conn, lk, item, req, recorded_at),
        MovementKind::Reverse => Err(Error::Refused(Refusal::ReverseInImport)),
    }
}

fn require_positive(req: &MovementRequest) -> Result<()> {
    if req.quantity.get() <= 0 {
        return Err(Error::invalid(
            "quantity",
            req.quantity.get().to_string(),
            format!("a {} needs a whole number greater than zero", req.kind),
        ));
    }
    Ok(())
}

fn require_reason(req: &MovementRequest) -> Result<&str> {
    non_empty(req.reason.as_ref()).ok_or_else(|| {
        Error::missing(
            "reason",
            format!("every {} records why (--reason)", req.kind),
        )
    })
}

fn receive(
    conn: Conn<'_>,
    lk: &mut Lookups,
    item: &Item,
    req: &MovementRequest,
    recorded_at: &str,
) -> Result<Outcome> {
    require_positive(req)?;
    if !item.active {
        return Err(Error::Refused(Refusal::ItemRetired {
            item: item.code.clone(),
        }));
    }
    let name = non_empty(req.lot.as_ref()).unwrap_or("");
    if !item.lot_tracked && !name.is_empty() && lk.lot(conn, item.id, name)?.is_none() {
        return Err(Error::invalid(
            "lot",
            name,
            format!(
                "{} is not lot-tracked, so its stock has no lots; make it lot-tracked first with `labstock item edit {} --lot-tracked`, or receive without --lot",
                item.code, item.code
            ),
        ));
    }
    if item.lot_tracked && name.is_empty() {
        return Err(Error::missing(
            "lot",
            format!(
                "{} is lot-tracked: a receipt needs --lot and --expiry",
                item.code
            ),
        ));
    }
    if name.is_empty() && req.expiry.is_some() {
        return Err(Error::missing(
            "lot",
            "an expiry belongs to a lot: give --lot with --expiry",
        ));
    }
    let lot = match lk.lot(conn, item.id, name)? {
        Some(existing) => {
            if let (Some(given), Some(recorded)) = (req.expiry, existing.expiry)
                && given != recorded
            {
                return Err(Error::invalid(
                    "expiry",
                    given.to_string(),
                    format!(
                        "lot {} of {} was received before with expiry {recorded}; a lot has one expiry",
                        existing.lot, item.code
                    ),
                ));
            }
            if item.lot_tracked && existing.expiry.is_none() && req.expiry.is_none() {
                return Err(Error::missing(
                    "expiry",
                    format!("{} is lot-tracked: a receipt needs --expiry", item.code),
                ));
            }
            existing
        }
        None => {
            if item.lot_tracked && req.expiry.is_none() {
                return Err(Error::missing(
                    "expiry",
                    format!(
                        "{} is lot-tracked: a receipt of new lot {name} needs --expiry",
                        item.code
                    ),
                ));
            }
            lk.create_lot(conn, item, name, req.expiry, recorded_at, &req.user)?
        }
    };
    let mut warnings = Vec::new();
    let order = order_line(conn, lk, item, req)?;
    // A receipt against an order line is delivered where the line says
    // (a 2-8 C reagent ordered to a fridge), unless a location is named.
    // (Imports link by reference and keep SPEC §10's empty location = MAIN.)
    let ordered_to: Option<LocationId> = match &order {
        Some((order_id, ..)) if non_empty(req.order.as_ref()).is_some() => {
            conn.query_opt(&sql::ORDER_LOCATION, args![order_id], |r| r.get(0))?
        }
        _ => None,
    };
    let location = match (non_empty(req.location.as_ref()), ordered_to) {
        (None, Some(to)) => Rc::new(location_by_id(conn, to)?),
        (named, _) => lk.location(conn, named.unwrap_or(DEFAULT_LOCATION))?,
    };
    crate::catalogue::require_open_location(&location)?;
    if let (Some(to), Some((_, reference, ..))) = (ordered_to, &order)
        && to != location.id
    {
        let ordered_code = location_by_id(conn, to)?.code;
        warnings.push(format!(
            "order {reference} line for {} is for delivery to {ordered_code}; received at {} as asked",
            item.code, location.code
        ));
    }
    if let Some((order_id, reference, ordered, received)) = &order {
        let ended: Option<(String, Option<String>)> =
            conn.query_opt(&sql::ORDER_ENDED, args![order_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        if let Some((status, on)) = ended {
            warnings.push(format!(
                "order {reference} line for {} was {status}{}; the receipt is recorded against it but nothing more is expected on it",
                item.code,
                on.map(|d| format!(" on {d}")).unwrap_or_default()
            ));
        }
        let total = received + req.quantity.get();
        if total > *ordered {
            warnings.push(format!(
                "over-receipt on order {reference}: {total} received against {ordered} ordered ({} over)",
                total - ordered
            ));
        }
    }
    if lot.status == LotStatus::Pending {
        warnings.push(format!(
            "{} of {} is pending acceptance: the stock received is not usable until it is accepted (`labstock lot accept {} {} --result pass|fail`)",
            lot.label(),
            item.code,
            item.code,
            lot.lot
        ));
    } else if lot.status != LotStatus::Available {
        warnings.push(format!(
            "{} of {} is {}: the stock received is not usable until it is released",
            lot.label(),
            item.code,
            lot.status.as_str()
        ));
    }
    // The lab's date is read only for stock that has an expiry.
    let expiry = lot.effective_expiry(item, None);
    if expiry.is_some() && is_expired(expiry, lk.lab_date(conn, req.at.get())?) {
        warnings.push(format!(
            "{} of {} is already past its expiry",
            lot.label(),
            item.code
        ));
    }
    let reference = non_empty(req.reference.as_ref()).or(order.as_ref().map(|o| o.1.as_str()));
    let row = Row {
        reference,
        order_id: order.as_ref().map(|o| o.0),
        ..Row::of(req, req.quantity.get())
    };
    let posted = post(
        conn,
        lk,
        item,
        &lot,
        &location,
        None,
        &row,
        req,
        recorded_at,
    )?;
    Ok(Outcome {
        movements: vec![posted],
        waste_record: None,
        warnings,
    })
}

/// The order line a receipt counts against: `--order REF` must name a line
/// for this item; a `reference` that names one links quietly.
fn order_line(
    conn: Conn<'_>,
    lk: &Lookups,
    item: &Item,
    req: &MovementRequest,
) -> Result<Option<(i64, String, i64, i64)>> {
    let lookup = |reference: &str| -> Result<Option<(i64, String, i64, i64)>> {
        if !lk.may_have_order_lines(item.id) {
            return Ok(None);
        }
        conn.query_opt(&sql::ORDER_LINE, args![reference, item.id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
    };
    if let Some(reference) = non_empty(req.order.as_ref()) {
        return match lookup(reference)? {
            Some(line) => Ok(Some(line)),
            None => Err(Error::NotFound {
                entity: "order line",
                key: reference.to_owned(),
                within: crate::error::Within::for_("item", &item.code),
                suggestions: Vec::new(),
            }),
        };
    }
    // A receipt whose reference names an order line of the item is
    // received on it (SPEC §10), from the command line as from an import.
    if let Some(reference) = non_empty(req.reference.as_ref()) {
        return lookup(reference);
    }
    Ok(None)
}

/// Stock of an item at a location by lot and portion, as FEFO weighs it.
pub type Held = (Lot, Portion, i64);

/// Usable lots of an item at a location with stock, by portion, as FEFO
/// allocates them.
pub(crate) fn lots_with_stock<'c>(
    conn: impl Into<Conn<'c>>,
    item: &Item,
    location_id: LocationId,
) -> Result<Vec<Held>> {
    let conn = conn.into();
    lots_at(conn, item, location_id, &sql::LOTS_WITH_STOCK)
}

fn lots_at(conn: Conn<'_>, item: &Item, location_id: LocationId, query: &Sql) -> Result<Vec<Held>> {
    conn.query_all(query, args![item.id, location_id], held_row)
}

/// [`lots_at`] as the database holds them without the writes held back
/// ([`Conn::query_all_before_held`]).
fn lots_at_before_held(
    conn: Conn<'_>,
    item: &Item,
    location_id: LocationId,
    query: &Sql,
) -> Result<Vec<Held>> {
    conn.query_all_before_held(query, args![item.id, location_id], held_row)
}

/// A row of `LOTS_AT_LOCATION` / `LOTS_WITH_STOCK`.
fn held_row(r: &crate::store::Row<'_>) -> Result<Held> {
    Ok((
        Lot {
            id: r.get(0)?,
            lot: r.get(1)?,
            expiry: parse_opt_date(r.get(2)?),
            status: LotStatus::from_db(&r.get::<String>(3)?),
        },
        portion_in(r, 4)?,
        r.get(5)?,
    ))
}

/// FEFO's order of two portions (SPEC §15): the earlier effective expiry
/// first (none last), opened before sealed at equal expiry, then the
/// older lot, then the earlier opening.
fn fefo_order(item: &Item, a: (&Lot, Portion), b: (&Lot, Portion)) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (ea, eb) = (
        a.0.effective_expiry(item, a.1),
        b.0.effective_expiry(item, b.1),
    );
    match (ea, eb) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
    .then(b.1.is_some().cmp(&a.1.is_some()))
    .then(a.0.id.cmp(&b.0.id))
    .then(a.1.cmp(&b.1))
}

/// Allocate `quantity` first-expiry-first-out over the usable portions.
pub fn fefo_plan(
    held: &[Held],
    item: &Item,
    as_of: NaiveDate,
    quantity: i64,
) -> Option<Vec<(usize, i64)>> {
    let mut order: Vec<usize> = (0..held.len())
        .filter(|&i| held[i].0.usable(item, held[i].1, as_of))
        .collect();
    order.sort_by(|&a, &b| fefo_order(item, (&held[a].0, held[a].1), (&held[b].0, held[b].1)));
    let mut left = quantity;
    let mut plan = Vec::new();
    for i in order {
        if left == 0 {
            break;
        }
        let take = left.min(held[i].2);
        if take > 0 {
            plan.push((i, take));
            left -= take;
        }
    }
    (left == 0).then_some(plan)
}

/// What a reduction of a named lot may take, besides usable units.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Take {
    /// An issue: usable portions only (expired ones with `--allow-expired`).
    Usable { allow_expired: bool },
    /// A transfer: any portion, opened first.
    Any,
    /// A disposal: unusable (expired) portions first, then opened, then sealed.
    UnusableFirst,
}

/// The portions of a named lot at a location that a reduction of
/// `quantity` takes, as they stood at the movement's time: the portion
/// named by `--opened`, else the lot's opened units first (SPEC §15).
#[allow(clippy::too_many_arguments)]
fn take_from_lot(
    conn: Conn<'_>,
    lk: &mut Lookups,
    item: &Item,
    lot: &Lot,
    location: &Location,
    req: &MovementRequest,
    quantity: i64,
    take: Take,
) -> Result<Vec<(Portion, i64)>> {
    let at = req.at.stamp();
    if let Some(portion) = req.opened {
        let have = balance_at(conn, lk, lot, location, Some(portion), &at)?;
        if have < quantity {
            return Err(short_in_lot(
                item,
                lot,
                location,
                quantity,
                have,
                Some(portion),
            ));
        }
        return Ok(vec![(Some(portion), quantity)]);
    }
    let as_of = lk.lab_date(conn, req.at.get())?;
    let mut portions: Vec<(Portion, i64)> = lk
        .portions(conn, lot.id, location.id)?
        .into_iter()
        .map(|p| (p, 0))
        .collect();
    for (portion, held) in &mut portions {
        *held = balance_at(conn, lk, lot, location, *portion, &at)?;
    }
    portions.retain(|(_, held)| *held > 0);
    let usable = |p: Portion| !is_expired(lot.effective_expiry(item, p), as_of);
    // Units past their effective expiry, left out of an issue: if the
    // rest is not enough, the refusal says they expired.
    let mut expired_on = None;
    if let Take::Usable {
        allow_expired: false,
    } = take
    {
        expired_on = portions
            .iter()
            .filter(|(p, _)| !usable(*p))
            .filter_map(|(p, _)| lot.effective_expiry(item, *p))
            .min();
        portions.retain(|(p, _)| usable(*p));
    }
    portions.sort_by(|a, b| {
        let first = match take {
            Take::UnusableFirst => usable(a.0).cmp(&usable(b.0)),
            _ => std::cmp::Ordering::Equal,
        };
        first.then_with(|| fefo_order(item, (lot, a.0), (lot, b.0)))
    });
    let mut left = quantity;
    let mut plan = Vec::new();
    for (portion, held) in &portions {
        if left == 0 {
            break;
        }
        let q = left.min(*held);
        plan.push((*portion, q));
        left -= q;
    }
    if left > 0 {
        if let Some(expired_on) = expired_on {
            return Err(Error::Refused(Refusal::LotExpired {
                item: item.code.clone(),
                lot: lot.lot.clone(),
                expired_on,
            }));
        }
        let have: i64 = portions.iter().map(|(_, q)| q).sum();
        return Err(short_in_lot(item, lot, location, quantity, have, None));
    }
    Ok(plan)
}

fn short_in_lot(
    item: &Item,
    lot: &Lot,
    location: &Location,
    requested: i64,
    available: i64,
    portion: Portion,
) -> Error {
    Error::InsufficientStock {
        item: item.code.clone(),
        location: location.code.clone(),
        what: "",
        requested,
        available,
        detail: format!(" in {}{}", lot.label(), portion_text(portion)),
    }
}

fn issue(
    conn: Conn<'_>,
    lk: &mut Lookups,
    item: &Item,
    req: &MovementRequest,
    recorded_at: &str,
) -> Result<Outcome> {
    require_positive(req)?;
    let location = location_of(conn, lk, req.location.as_ref())?;
    let as_of = lk.lab_date(conn, req.at.get())?;
    let named = non_empty(req.lot.as_ref());
    let allocation: Vec<(Lot, Portion, i64)> = if named.is_some() || req.opened.is_some() {
        let lot = named_lot(conn, lk, item, req, false, recorded_at)?;
        check_issuable(item, &lot, req.opened, as_of, req.allow_expired)?;
        let take = Take::Usable {
            allow_expired: req.allow_expired,
        };
        match take_from_lot(
            conn,
            lk,
            item,
            &lot,
            &location,
            req,
            req.quantity.get(),
            take,
        ) {
            Ok(plan) => plan.into_iter().map(|(p, q)| (lot.clone(), p, q)).collect(),
            // Nothing usable left but units past their in-use date: say so.
            Err(err) if !req.allow_expired && req.opened.is_none() => {
                check_issuable(item, &lot, None, as_of, false)?;
                return Err(err);
            }
            Err(err) => return Err(err),
        }
    } else {
        // A backdated issue allocates over the stock as it stood then,
        // including lots emptied since.
        let at = req.at.stamp();
        let backdated = at.as_str() < recorded_at;
        let mut held = if backdated {
            lk.lots_at(conn, item, location.id, false)?
        } else {
            lk.lots_at(conn, item, location.id, true)?
        };
        if backdated {
            for (lot, portion, q) in &mut held {
                *q = balance_at(conn, lk, lot, &location, *portion, &at)?;
            }
        }
        held.retain(|(_, _, q)| *q > 0);
        match fefo_plan(&held, item, as_of, req.quantity.get()) {
            Some(plan) => plan
                .into_iter()
                .map(|(i, q)| (held[i].0.clone(), held[i].1, q))
                .collect(),
            None => {
                let mut err =
                    short_of_usable(conn, item, &location, &held, as_of, req.quantity.get())?;
                // A backdated issue was judged against the stock of its time.
                if at.as_str() < recorded_at
                    && let Error::InsufficientStock { detail, .. } = &mut err
                {
                    detail.push_str(&format!(" at {at}, the time the issue is dated"));
                }
                return Err(err);
            }
        }
    };
    let mut movements = Vec::with_capacity(allocation.len());
    for (lot, portion, q) in &allocation {
        let row = Row {
            opened: *portion,
            ..Row::of(req, -q)
        };
        movements.push(post(
            conn,
            lk,
            item,
            lot,
            &location,
            None,
            &row,
            req,
            recorded_at,
        )?);
    }
    Ok(Outcome {
        movements,
        waste_record: None,
        warnings: Vec::new(),
    })
}

fn check_issuable(
    item: &Item,
    lot: &Lot,
    portion: Portion,
    as_of: NaiveDate,
    allow_expired: bool,
) -> Result<()> {
    match lot.status {
        LotStatus::Available => {}
        LotStatus::Pending => {
            return Err(Error::LotPending {
                item: item.code.clone(),
                lot: lot.lot.clone(),
            });
        }
        other => {
            return Err(Error::Refused(Refusal::LotNotIssuable {
                item: item.code.clone(),
                lot: lot.lot.clone(),
                status: other.as_str(),
            }));
        }
    }
    if let Some(eff) = lot.effective_expiry(item, portion).filter(|e| *e < as_of)
        && !allow_expired
    {
        return Err(Error::Refused(Refusal::LotExpired {
            item: item.code.clone(),
            lot: lot.lot.clone(),
            expired_on: eff,
        }));
    }
    Ok(())
}

/// The refusal of an issue that needs more usable stock than there is:
/// how much is usable here, what is held but unusable, and where else
/// usable stock is.
fn short_of_usable(
    conn: Conn<'_>,
    item: &Item,
    location: &Location,
    held: &[Held],
    as_of: NaiveDate,
    requested: i64,
) -> Result<Error> {
    let usable: i64 = held
        .iter()
        .filter(|(l, p, _)| l.usable(item, *p, as_of))
        .map(|(_, _, q)| q)
        .sum();
    let pending: i64 = held
        .iter()
        .filter(|(l, _, _)| l.status == LotStatus::Pending)
        .map(|(_, _, q)| q)
        .sum();
    let unusable: i64 = held
        .iter()
        .filter(|(l, p, _)| !l.usable(item, *p, as_of) && l.status != LotStatus::Pending)
        .map(|(_, _, q)| q)
        .sum();
    let mut detail = String::new();
    if pending > 0 {
        detail.push_str(&format!(
            "; {pending} more held in lots awaiting acceptance (see `labstock report acceptance`)"
        ));
    }
    if unusable > 0 {
        detail.push_str(&format!(
            "; {unusable} more held in expired, quarantined or recalled lots"
        ));
    }
    let mut elsewhere = Vec::new();
    let others = conn.query_all(
        &sql::OTHER_LOCATIONS_WITH_STOCK,
        args![item.id, location.id],
        |r| Ok((r.get::<LocationId>(0)?, r.get::<String>(1)?)),
    )?;
    for (loc_id, code) in others {
        let q: i64 = lots_with_stock(conn, item, loc_id)?
            .iter()
            .filter(|(l, p, _)| l.usable(item, *p, as_of))
            .map(|(_, _, q)| q)
            .sum();
        if q > 0 {
            elsewhere.push(format!("{q} at {code}"));
        }
    }
    if !elsewhere.is_empty() {
        detail.push_str(&format!("; usable elsewhere: {}", elsewhere.join(", ")));
    }
    Ok(Error::InsufficientStock {
        item: item.code.clone(),
        location: location.code.clone(),
        what: "usable",
        requested,
        available: usable,
        detail,
    })
}

#[allow(clippy::too_many_arguments)]
fn require_stock(
    conn: Conn<'_>,
    lk: &mut Lookups,
    item: &Item,
    lot: &Lot,
    location: &Location,
    portion: Portion,
    quantity: i64,
) -> Result<()> {
    let have = lk.balance(conn, lot.id, location.id, portion)?;
    if have < quantity {
        return Err(short_in_lot(item, lot, location, quantity, have, portion));
    }
    Ok(())
}

fn transfer(
    conn: Conn<'_>,
    lk: &mut Lookups,
    item: &Item,
    req: &MovementRequest,
    recorded_at: &str,
) -> Result<Outcome> {
    require_positive(req)?;
    let from = location_of(conn, lk, req.location.as_ref())?;
    let to_code = non_empty(req.to_location.as_ref()).ok_or_else(|| {
        Error::missing(
            "destination location",
            "a transfer needs --to (to_location)",
        )
    })?;
    let to = lk.location(conn, to_code)?;
    crate::catalogue::require_open_location(&to)?;
    if to.id == from.id {
        return Err(Error::invalid(
            "destination location",
            to_code,
            format!(
                "a transfer must move stock somewhere other than {}",
                from.code
            ),
        ));
    }
    let lot = named_lot(conn, lk, item, req, false, recorded_at)?;
    let plan = take_from_lot(
        conn,
        lk,
        item,
        &lot,
        &from,
        req,
        req.quantity.get(),
        Take::Any,
    )?;
    let mut movements = Vec::with_capacity(plan.len());
    for (portion, q) in plan {
        let row = Row {
            opened: portion,
            ..Row::of(req, -q)
        };
        movements.push(post(
            conn,
            lk,
            item,
            &lot,
            &from,
            Some(&*to),
            &row,
            req,
            recorded_at,
        )?);
    }
    Ok(Outcome {
        movements,
        ..Outcome::default()
    })
}

fn adjust(
    conn: Conn<'_>,
    lk: &mut Lookups,
    item: &Item,
    req: &MovementRequest,
    recorded_at: &str,
) -> Result<Outcome> {
    if req.quantity.get() == 0 {
        return Err(Error::invalid(
            "quantity",
            "0",
            "an adjust needs a non-zero whole number (negative to remove stock)",
        ));
    }
    let reason = require_reason(req)?;
    let location = location_of(conn, lk, req.location.as_ref())?;
    let lot = named_lot(conn, lk, item, req, req.quantity.get() > 0, recorded_at)?;
    if req.quantity.get() < 0 {
        require_stock(
            conn,
            lk,
            item,
            &lot,
            &location,
            req.opened,
            -req.quantity.get(),
        )?;
    }
    let row = Row {
        reason: Some(reason),
        ..Row::of(req, req.quantity.get())
    };
    post_one(conn, lk, item, &lot, &location, &row, req, recorded_at)
}

fn count(
    conn: Conn<'_>,
    lk: &mut Lookups,
    item: &Item,
    req: &MovementRequest,
    recorded_at: &str,
) -> Result<Outcome> {
    if req.quantity.get() < 0 {
        return Err(Error::invalid(
            "counted quantity",
            req.quantity.get().to_string(),
            "a stocktake count is 0 or more",
        ));
    }
    let location = location_of(conn, lk, req.location.as_ref())?;
    let lot = named_lot(conn, lk, item, req, true, recorded_at)?;
    // The book is what the ledger held at the count's time: a count dated
    // earlier than later movements records the difference as it was then.
    // A count counts the sealed units unless it names an opened portion.
    let book = match req.book {
        Some(book) => book.get(),
        None => balance_at(conn, lk, &lot, &location, req.opened, &req.at.stamp())?,
    };
    let row = Row {
        counted: Some(req.quantity.get()),
        ..Row::of(req, req.quantity.get() - book)
    };
    let mut outcome = post_one(conn, lk, item, &lot, &location, &row, req, recorded_at)?;
    let warnings = &mut outcome.warnings;
    if book != req.quantity.get() {
        warnings.push(format!(
            "count differs from book: counted {}, book said {book} (difference {:+})",
            req.quantity.get(),
            req.quantity.get() - book
        ));
    }
    Ok(outcome)
}

fn dispose(
    conn: Conn<'_>,
    lk: &mut Lookups,
    item: &Item,
    req: &MovementRequest,
    recorded_at: &str,
) -> Result<Outcome> {
    require_positive(req)?;
    let reason = require_reason(req)?;
    let location = location_of(conn, lk, req.location.as_ref())?;
    let lot = named_lot(conn, lk, item, req, false, recorded_at)?;
    let plan = take_from_lot(
        conn,
        lk,
        item,
        &lot,
        &location,
        req,
        req.quantity.get(),
        Take::UnusableFirst,
    )?;
    let stream = if req.write_waste {
        match non_empty(req.waste_stream.as_ref()).or(item.waste_stream.as_deref()) {
            Some(code) => Some(waste::find_stream(conn, code)?),
            // Hazard text or GHS data (SPEC §2 `dispose`, §16).
            None if item.is_hazardous() => {
                return Err(Error::missing(
                    "waste stream",
                    format!(
                        "{} is hazardous, so its disposal goes in the waste register: give --waste-stream (e.g. \"16 05 06*\") or set the item's waste_stream",
                        item.code
                    ),
                ));
            }
            None => None,
        }
    } else {
        None
    };
    let mut movements = Vec::with_capacity(plan.len());
    for (portion, q) in plan {
        let row = Row {
            reason: Some(reason),
            opened: portion,
            ..Row::of(req, -q)
        };
        movements.push(post(
            conn,
            lk,
            item,
            &lot,
            &location,
            None,
            &row,
            req,
            recorded_at,
        )?);
    }
    // One waste record for the whole disposal, linked to its first movement.
    let waste_record = match (stream, movements.first()) {
        (Some(stream), Some(first)) => {
            let lot_text = if lot.lot.is_empty() {
                String::new()
            } else {
                format!(" lot {}", lot.lot)
            };
            let ids = movements
                .iter()
                .map(|m| format!("#{}", m.id))
                .collect::<Vec<_>>()
                .join(", ");
            let notes = format!(
                "disposed from stock: {} {}{lot_text} ({reason}), movement {ids}",
                item.code, item.name
            );
            Some(waste::record_disposal(
                conn,
                &waste::DisposalRecord {
                    date: &lk.lab_date(conn, req.at.get())?.to_string(),
                    stream: &stream.code,
                    quantity: req.quantity.get(),
                    notes,
                    movement_id: first.id.get(),
                    user: &req.user,
                    recorded_at,
                },
            )?)
        }
        _ => None,
    };
    Ok(Outcome {
        movements,
        waste_record,
        warnings: Vec::new(),
    })
}

/// Open units of a lot (SPEC §15): move QTY from the sealed portion to the
/// portion opened on the movement's date, at one location. Without a lot,
/// the sealed lot with the earliest expiry there is opened (FEFO); the
/// lot must be usable; the sealed units must be there at the time the
/// opening is dated (never before they were received, never in the future).
fn open(
    conn: Conn<'_>,
    lk: &mut Lookups,
    item: &Item,
    req: &MovementRequest,
    recorded_at: &str,
) -> Result<Outcome> {
    if req.quantity.get() < 0 {
        return close(conn, lk, item, req, recorded_at);
    }
    require_positive(req)?;
    let as_of = lk.lab_date(conn, req.at.get())?;
    // The portion: the day the units were opened, which is the opening's
    // own date unless an import row names an earlier one (a lot opened
    // under the old lot-wide rule keeps its date).
    if let Some(given) = req.opened.filter(|d| *d > as_of) {
        return Err(Error::invalid(
            "opened_on",
            given.to_string(),
            format!("a date on or before the opening's timestamp ({as_of})"),
        ));
    }
    let opened_on = req.opened.unwrap_or(as_of);
    let at = req.at.stamp();
    let quantity = req.quantity.get();
    let named = non_empty(req.lot.as_ref()).is_some();
    let location = match non_empty(req.location.as_ref()) {
        Some(code) => lk.location(conn, code)?,
        None if named => {
            let lot = named_lot(conn, lk, item, req, false, recorded_at)?;
            sole_location_of(conn, lk, item, &lot)?
        }
        None => lk.location(conn, DEFAULT_LOCATION)?,
    };
    let lot = if named || !item.lot_tracked {
        let lot = named_lot(conn, lk, item, req, false, recorded_at)?;
        check_issuable(item, &lot, None, as_of, false)?;
        lot
    } else {
        let mut held = lk.lots_at(conn, item, location.id, false)?;
        held.retain(|(_, p, _)| p.is_none());
        for (lot, _, q) in &mut held {
            *q = balance_at(conn, lk, lot, &location, None, &at)?;
        }
        held.retain(|(l, p, q)| *q > 0 && l.usable(item, *p, as_of));
        held.sort_by(|a, b| fefo_order(item, (&a.0, a.1), (&b.0, b.1)));
        match held.into_iter().next() {
            Some((lot, _, _)) => lot,
            None => {
                return Err(Error::InsufficientStock {
                    item: item.code.clone(),
                    location: location.code.clone(),
                    what: "usable sealed",
                    requested: quantity,
                    available: 0,
                    detail: String::new(),
                });
            }
        }
    };
    // Never before the lot's first receipt (named as such), never in the
    // future (refused for every movement by `record_with`).
    crate::lots::validate_opening(conn, &item.code, item.id, lot.id, opened_on, as_of)?;
    let sealed = balance_at(conn, lk, &lot, &location, None, &at)?;
    if sealed < quantity {
        return Err(Error::InsufficientStock {
            item: item.code.clone(),
            location: location.code.clone(),
            what: "sealed",
            requested: quantity,
            available: sealed,
            detail: format!(
                " in {}{}",
                lot.label(),
                if at.as_str() < recorded_at {
                    format!(" at {at}, the time the opening is dated")
                } else {
                    String::new()
                }
            ),
        });
    }
    let row = Row {
        opened: None,
        to_opened: Some(opened_on),
        ..Row::of(req, -quantity)
    };
    let mut outcome = post_one(conn, lk, item, &lot, &location, &row, req, recorded_at)?;
    let warnings = &mut outcome.warnings;
    if let Some(eff) = lot.effective_expiry(item, Some(opened_on))
        && item.in_use_days.is_some()
    {
        warnings.push(format!(
            "opened units of {} of {} are fit for use until {eff}",
            lot.label(),
            item.code
        ));
    }
    Ok(outcome)
}

/// An `open` with a negative quantity (an import row only: what an
/// exported reversal of an opening becomes): units of the opened portion
/// `opened_on` go back to sealed, with a reason.
fn close(
    conn: Conn<'_>,
    lk: &mut Lookups,
    item: &Item,
    req: &MovementRequest,
    recorded_at: &str,
) -> Result<Outcome> {
    let reason = require_reason(req)?;
    let Some(portion) = req.opened else {
        return Err(Error::missing(
            "opened_on",
            "an open with a negative quantity returns opened units to sealed: name the opened portion (opened_on)",
        ));
    };
    let location = location_of(conn, lk, req.location.as_ref())?;
    let lot = named_lot(conn, lk, item, req, false, recorded_at)?;
    let quantity = req.quantity.get().saturating_neg();
    require_stock(conn, lk, item, &lot, &location, Some(portion), quantity)?;
    let row = Row {
        reason: Some(reason),
        opened: None,
        to_opened: Some(portion),
        ..Row::of(req, quantity)
    };
    post_one(conn, lk, item, &lot, &location, &row, req, recorded_at)
}

/// The one location where a lot has sealed stock, for `open --lot` without
/// `--location`; more than one needs `--location`.
fn sole_location_of(
    conn: Conn<'_>,
    lk: &mut Lookups,
    item: &Item,
    lot: &Lot,
) -> Result<Rc<Location>> {
    let codes = conn.query_all(&sql::SEALED_LOCATIONS_OF_LOT, args![lot.id], |r| {
        r.get::<String>(0)
    })?;
    match codes.as_slice() {
        [] => lk.location(conn, DEFAULT_LOCATION),
        [one] => lk.location(conn, one),
        many => Err(Error::missing(
            "location",
            format!(
                "{} of {} has sealed units at {}: name one with --location",
                lot.label(),
                item.code,
                many.join(", ")
            ),
        )),
    }
}

/// Negate an earlier movement exactly (SPEC §2). The original stays; a
/// movement is reversed at most once, and a reversal is not reversed
/// (record the movement again instead). Every reversal says why (SPEC §9
/// `reverse … --reason R`): the reason is stored on the reversal.
pub(crate) fn reverse<'c>(
    conn: impl Into<Conn<'c>>,
    id: i64,
    reason: Option<&str>,
    at: Timestamp,
    user: &str,
    recorded_at: &str,
) -> Result<Outcome> {
    let conn = conn.into();
    let reason = reason
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| {
            Error::missing(
                "reason",
                "every reversal records why the movement is reversed (--reason)",
            )
        })?;
    let original = conn.query_opt(&sql::MOVEMENT_TO_REVERSE, args![id], |r| {
        Ok((
            (
                r.get::<String>(0)?,
                r.get::<ItemId>(1)?,
                r.get::<LotId>(2)?,
                r.get::<LocationId>(3)?,
                r.get::<Option<LocationId>>(4)?,
                r.get::<i64>(5)?,
                r.get::<Option<i64>>(6)?,
                r.get::<Option<i64>>(7)?,
            ),
            portion_in(r, 8)?,
            portion_in(r, 9)?,
        ))
    })?;
    let Some((
        (kind, item_id, lot_id, loc_id, to_id, quantity, order_id, reversed_by),
        opened,
        to_opened,
    )) = original
    else {
        return Err(Error::NotFound {
            entity: "movement",
            key: id.to_string(),
            within: None,
            suggestions: Vec::new(),
        });
    };
    if let Some(by) = reversed_by {
        return Err(Error::Refused(Refusal::AlreadyReversed { id, by }));
    }
    if kind == "reverse" {
        return Err(Error::Refused(Refusal::ReversalOfReversal { id }));
    }
    let (item, lot, from, to) = movement_parts(conn, item_id, lot_id, loc_id, to_id)?;
    let mut lk = Lookups::default();
    // The reversal takes back what the original added: check each place it
    // would reduce has the stock.
    if quantity > 0 {
        require_stock(conn, &mut lk, &item, &lot, &from, opened, quantity)?;
    }
    if let (Some(to), true) = (&to, quantity < 0) {
        require_stock(conn, &mut lk, &item, &lot, to, opened, -quantity)?;
    }
    if let (Some(portion), true) = (to_opened, quantity < 0) {
        require_stock(conn, &mut lk, &item, &lot, &from, Some(portion), -quantity)?;
    }
    let note = format!("reverses movement {id} ({kind})");
    let row = Row {
        kind: MovementKind::Reverse,
        quantity: -quantity,
        counted: None,
        reason: Some(reason),
        reference: None,
        order_id,
        note: Some(&note),
        reverses: Some(id),
        opened,
        to_opened,
    };
    let req = MovementRequest::new(
        MovementKind::Reverse,
        &item.code,
        Quantity::bounded("quantity", -quantity)?,
        at,
        user,
    );
    let posted = post(
        conn,
        &mut lk,
        &item,
        &lot,
        &from,
        to.as_ref(),
        &row,
        &req,
        recorded_at,
    )?;
    let mut warnings = Vec::new();
    if kind == "dispose" {
        let waste: Option<i64> =
            conn.query_opt(&sql::WASTE_OF_MOVEMENT, args![id], |r| r.get(0))?;
        if let Some(w) = waste {
            warnings.push(format!(
                "waste record {w} written by that disposal stays in the register; if the waste was not produced, withdraw it with `labstock waste correct {w} --withdraw --reason …`"
            ));
        }
    }
    Ok(Outcome {
        movements: vec![posted],
        waste_record: None,
        warnings,
    })
}

/// The movement `reverse --last` negates: the latest, in recorded order,
/// that `user` recorded and that is neither a reversal nor reversed.
/// Walks the ledger back from its newest row (the rowid), so a user's
/// recent work is found at once.
pub(crate) fn last_reversible<'c>(conn: impl Into<Conn<'c>>, user: &str) -> Result<i64> {
    let conn = conn.into();
    conn.query_opt(&sql::LAST_REVERSIBLE, args![user], |r| r.get(0))?
        .ok_or_else(|| Error::NothingToReverse {
            user: user.to_owned(),
        })
}

fn movement_parts(
    conn: Conn<'_>,
    item_id: ItemId,
    lot_id: LotId,
    loc_id: LocationId,
    to_id: Option<LocationId>,
) -> Result<(Item, Lot, Location, Option<Location>)> {
    let code: String = conn.query_one(&sql::ITEM_CODE, args![item_id], |r| r.get(0))?;
    let item = find_item(conn, &code)?;
    let lot_name: String = conn.query_one(&sql::LOT_NAME, args![lot_id], |r| r.get(0))?;
    let lot = existing_lot(conn, &item, &lot_name)?;
    let location = location_by_id(conn, loc_id)?;
    let to = to_id.map(|id| location_by_id(conn, id)).transpose()?;
    Ok((item, lot, location, to))
}

fn location_by_id(conn: Conn<'_>, id: LocationId) -> Result<Location> {
    conn.query_one(&sql::LOCATION_BY_ID, args![id], |r| {
        Ok(Location {
            id: r.get(0)?,
            code: r.get(1)?,
            name: r.get(2)?,
            retired_on: r.get(3)?,
        })
    })
}

/// One (item, lot, location) balance as of a date, with what reports need
/// to judge it.
#[derive(Debug, Clone)]
pub struct StockLine {
    pub item_id: ItemId,
    pub item: String,
    pub name: String,
    pub lot_id: LotId,
    pub lot: String,
    pub expiry: Option<NaiveDate>,
    /// The opened portion (SPEC §15); `None` for sealed units.
    pub opened_on: Portion,
    pub effective_expiry: Option<NaiveDate>,
    pub status: LotStatus,
    pub location_id: LocationId,
    pub location: String,
    pub quantity: i64,
}

/// Which balances to read.
#[derive(Debug, Clone, Copy, Default)]
pub struct StockFilter {
    pub item_id: Option<ItemId>,
    pub location_id: Option<LocationId>,
    pub lot_id: Option<LotId>,
}

/// Balances as they stood at the end of `as_of` (UTC): the maintained
/// balances, less the movements stamped after that moment. For today this
/// reads the balances and an empty index range, so its cost grows with the
/// number of balances, never with the length of the ledger.
pub fn stock_as_of<'c>(
    conn: impl Into<Conn<'c>>,
    filter: StockFilter,
    as_of: NaiveDate,
) -> Result<Vec<StockLine>> {
    let conn = conn.into();
    let after = end_of_day(as_of, crate::settings::lab_zone(conn)?);
    // What came after the as-of date, taken back off the balances below.
    // Usually nothing (as of today): then a zero balance stays zero and
    // is skipped in SQL before any join.
    let mut undo: HashMap<(LotId, LocationId, Portion), i64> = HashMap::new();
    conn.for_each(
        &sql::MOVEMENTS_AFTER,
        args![after, filter.item_id, filter.lot_id, filter.location_id],
        |r| {
            let lot = r.get::<LotId>(0)?;
            let legs = legs(
                r.get::<LocationId>(1)?,
                r.get::<Option<LocationId>>(2)?,
                portion_in(r, 4)?,
                portion_in(r, 5)?,
                r.get::<i64>(3)?,
            );
            for (loc, portion, q) in legs.into_iter().flatten() {
                *undo.entry((lot, loc, portion)).or_default() += q;
            }
            Ok(())
        },
    )?;
    let query = if filter.lot_id.is_some() {
        &sql::STOCK_OF_LOT
    } else if filter.item_id.is_some() {
        &sql::STOCK_OF_ITEM
    } else if filter.location_id.is_some() {
        &sql::STOCK_AT_LOCATION
    } else {
        &sql::STOCK_ALL
    };
    let mut lines: Vec<StockLine> = conn.query_all(
        query,
        args![
            filter.item_id,
            filter.location_id,
            filter.lot_id,
            undo.is_empty()
        ],
        |r| {
            let expiry = parse_opt_date(r.get(5)?);
            let opened = portion_in(r, 7)?;
            let in_use: Option<i64> = r.get(8)?;
            Ok(StockLine {
                item_id: r.get(0)?,
                item: r.get(1)?,
                name: r.get(2)?,
                lot_id: r.get(3)?,
                lot: r.get(4)?,
                expiry,
                opened_on: opened,
                effective_expiry: effective_expiry(expiry, opened, in_use),
                status: LotStatus::from_db(&r.get::<String>(6)?),
                location_id: r.get(9)?,
                location: r.get(10)?,
                quantity: r.get(11)?,
            })
        },
    )?;
    // Lot status as it stood at the end of the date: the one definition
    // every report uses (`lots::statuses_changed_after`; an empty index
    // range for today).
    let changed = crate::lots::statuses_changed_after(conn, as_of)?;
    if !changed.is_empty() {
        for line in &mut lines {
            if let Some(status) = changed.get(&line.lot_id) {
                line.status = *status;
            }
        }
    }
    if !undo.is_empty() {
        for line in &mut lines {
            if let Some(q) = undo.get(&(line.lot_id, line.location_id, line.opened_on)) {
                line.quantity -= q;
            }
        }
    }
    lines.retain(|l| l.quantity != 0);
    lines.sort_by(|a, b| {
        a.item
            .cmp(&b.item)
            .then_with(|| a.lot.cmp(&b.lot))
            .then_with(|| a.location.cmp(&b.location))
            .then_with(|| a.opened_on.cmp(&b.opened_on))
    });
    Ok(lines)
}

impl Store {
    /// Record one movement as its own transaction.
    pub fn record(&mut self, req: &MovementRequest, now: Timestamp) -> Result<Outcome> {
        let stamp = now.stamp();
        self.transact(|conn| record(conn, req, &stamp))
    }

    /// [`Store::record`], its dates judged in `zone`: the lab's time zone
    /// as the command or request already read it (`app::Actor::zone`).
    pub fn record_in_zone(
        &mut self,
        req: &MovementRequest,
        now: Timestamp,
        zone: crate::clock::Zone,
    ) -> Result<Outcome> {
        let stamp = now.stamp();
        self.transact(|conn| record_with(conn, &mut Lookups::in_zone(zone), req, &stamp))
    }

    /// Reverse movement `id` as its own transaction.
    pub fn reverse(
        &mut self,
        id: MovementId,
        reason: Option<&str>,
        now: Timestamp,
        user: &str,
    ) -> Result<Outcome> {
        let stamp = now.stamp();
        self.transact(|conn| reverse(conn, id.get(), reason, now, user, &stamp))
    }

    /// Reverse the latest movement `user` recorded that can still be
    /// reversed (`reverse --last`), as one transaction: the choice and the
    /// reversal see the same ledger. Returns the id of the movement
    /// reversed, with what was written.
    pub fn reverse_last(
        &mut self,
        reason: Option<&str>,
        now: Timestamp,
        user: &str,
    ) -> Result<(MovementId, Outcome)> {
        let stamp = now.stamp();
        self.transact(|conn| {
            let id = last_reversible(conn, user)?;
            let outcome = reverse(conn, id, reason, now, user, &stamp)?;
            Ok((MovementId::new(id), outcome))
        })
    }

    /// Stock lines as of a date, filtered.
    pub fn stock(&self, filter: StockFilter, as_of: NaiveDate) -> Result<Vec<StockLine>> {
        self.read(|conn| stock_as_of(conn, filter, as_of))
    }

    /// The filter for `stock`: an item, a location and a lot of that item,
    /// each by code, each of which must exist.
    pub fn stock_filter(
        &self,
        item: Option<&str>,
        location: Option<&str>,
        lot: Option<&str>,
    ) -> Result<StockFilter> {
        self.read(|conn| {
            let item = item.map(|c| find_item(conn, c)).transpose()?;
            let mut filter = StockFilter {
                item_id: item.as_ref().map(|i| i.id),
                location_id: location
                    .map(|l| find_location(conn, l))
                    .transpose()?
                    .map(|l| l.id),
                lot_id: None,
            };
            if let (Some(item), Some(lot)) = (&item, lot) {
                filter.lot_id = Some(existing_lot(conn, item, lot)?.id);
            }
            Ok(filter)
        })
    }
}
