//! Stock as of a date, lean enough for reports over every item: ids and
//! numbers only, no strings. The maintained balances are read (summed per
//! lot for the reorder list, per lot and location for the lots the expiry
//! report wants) and the movements stamped after the end of the as-of date
//! are taken back out — an empty index range for today — so the cost
//! grows with the number of lots and balances, never with the length of
//! the ledger. Lot status and opening are judged as of the date too, from
//! the append-only `lot_events`.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{Connection, Row, params};

use crate::error::Result;
use crate::ledger::end_of_day;
use crate::model::{LotStatus, effective_expiry, is_expired};

/// One lot's stock as of a date, over all locations or at the one asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LotStock {
    pub item_id: i64,
    pub quantity: i64,
    /// The earlier of `expiry` and opening + in-use days (opening only
    /// when it happened on or before the as-of date).
    pub effective_expiry: Option<NaiveDate>,
    /// Status as it stood at the end of the as-of date.
    pub status: LotStatus,
}

/// Whether stock can be used on the as-of date (SPEC §2), and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Usability {
    Usable,
    Expired,
    Quarantined,
    Recalled,
}

impl LotStock {
    pub(crate) fn usability(&self, as_of: NaiveDate) -> Usability {
        match self.status {
            LotStatus::Quarantined => Usability::Quarantined,
            LotStatus::Recalled => Usability::Recalled,
            LotStatus::Available if is_expired(self.effective_expiry, as_of) => Usability::Expired,
            LotStatus::Available => Usability::Usable,
        }
    }
}

/// A text column without copying it (NULL as `None`).
pub(crate) fn text<'r>(r: &'r Row<'_>, i: usize) -> rusqlite::Result<Option<&'r str>> {
    Ok(r.get_ref(i)?.as_str_or_null()?)
}

fn date(text: Option<&str>) -> Option<NaiveDate> {
    text.and_then(|t| t.parse().ok())
}

/// What is needed to judge stock as of a date: the changes stamped after
/// it, and lot statuses that changed after it.
pub(crate) struct Later {
    /// Quantity recorded after the as-of date, per (lot, location).
    undo: HashMap<(i64, i64), i64>,
    statuses: HashMap<i64, LotStatus>,
}

impl Later {
    pub(crate) fn read(
        conn: &Connection,
        location_id: Option<i64>,
        as_of: NaiveDate,
    ) -> Result<Later> {
        let after = end_of_day(as_of);
        let mut undo: HashMap<(i64, i64), i64> = HashMap::new();
        let mut later = conn.prepare_cached(
            "SELECT lot_id, location_id, to_location_id, quantity FROM movements \
             WHERE at >= ?1 AND (?2 IS NULL OR location_id = ?2 OR to_location_id = ?2)",
        )?;
        let mut rows = later.query(params![after, location_id])?;
        while let Some(r) = rows.next()? {
            let (lot, loc, to, q): (i64, i64, Option<i64>, i64) =
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            *undo.entry((lot, loc)).or_default() += q;
            if let Some(to) = to {
                *undo.entry((lot, to)).or_default() -= q;
            }
        }
        Ok(Later {
            undo,
            statuses: statuses_as_of(conn, &after)?,
        })
    }

    /// The change after the date to one balance.
    pub(crate) fn at(&self, lot_id: i64, location_id: i64) -> i64 {
        self.undo.get(&(lot_id, location_id)).copied().unwrap_or(0)
    }

    /// A lot's status as of the date, given its status now.
    pub(crate) fn status(&self, lot_id: i64, now: &str) -> LotStatus {
        match self.statuses.get(&lot_id) {
            Some(s) => *s,
            None => LotStatus::from_db(now),
        }
    }

    /// A lot's effective expiry as of the date: an opening after the date
    /// had not happened yet.
    pub(crate) fn effective_expiry(
        as_of: NaiveDate,
        expiry: Option<&str>,
        opened_on: Option<&str>,
        in_use_days: Option<i64>,
    ) -> (Option<NaiveDate>, Option<NaiveDate>) {
        let expiry = date(expiry);
        let opened = date(opened_on).filter(|d| *d <= as_of);
        (expiry, effective_expiry(expiry, opened, in_use_days))
    }

    fn per_lot(&self, location_id: Option<i64>) -> HashMap<i64, i64> {
        let mut by_lot: HashMap<i64, i64> = HashMap::new();
        for ((lot, loc), q) in &self.undo {
            if location_id.is_none_or(|l| l == *loc) {
                *by_lot.entry(*lot).or_default() += q;
            }
        }
        by_lot
    }
}

/// Each lot's total stock at the end of `as_of`, over all locations or at
/// one; lots with none are left out.
pub(crate) fn lot_totals_as_of(
    conn: &Connection,
    location_id: Option<i64>,
    as_of: NaiveDate,
) -> Result<Vec<LotStock>> {
    let later = Later::read(conn, location_id, as_of)?;
    let undo = later.per_lot(location_id);
    // Zero balances stay in the table once a lot has been somewhere, so a
    // lot emptied since the as-of date is still found and `undo` restores it.
    // in_use_days is looked up only for opened lots.
    let mut stmt = conn.prepare_cached(
        "SELECT l.id, l.item_id, l.expiry, l.status, l.opened_on, \
                CASE WHEN l.opened_on IS NULL THEN NULL \
                     ELSE (SELECT i.in_use_days FROM items i WHERE i.id = l.item_id) END, s.q \
         FROM (SELECT lot_id, SUM(quantity) AS q FROM balances WHERE ?1 IS NULL OR location_id = ?1 \
               GROUP BY lot_id) s \
         JOIN lots l ON l.id = s.lot_id WHERE s.q <> 0 OR ?2",
    )?;
    let mut rows = stmt.query(params![location_id, !undo.is_empty()])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let lot_id: i64 = r.get(0)?;
        let quantity = r.get::<_, i64>(6)? - undo.get(&lot_id).copied().unwrap_or(0);
        if quantity == 0 {
            continue;
        }
        let (_, effective_expiry) =
            Later::effective_expiry(as_of, text(r, 2)?, text(r, 4)?, r.get(5)?);
        out.push(LotStock {
            item_id: r.get(1)?,
            quantity,
            effective_expiry,
            status: later.status(lot_id, text(r, 3)?.unwrap_or_default()),
        });
    }
    Ok(out)
}

/// Lots whose status changed after `after`: their status as it stood then
/// (the last quarantine/release/recall before, else available). Lots not
/// in the map have the status they have now.
fn statuses_as_of(conn: &Connection, after: &str) -> Result<HashMap<i64, LotStatus>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.lot_id, (SELECT e.action FROM lot_events e WHERE e.lot_id = c.lot_id \
                AND e.action IN ('quarantine', 'release', 'recall') AND e.at < ?1 \
                ORDER BY e.at DESC, e.id DESC LIMIT 1) \
         FROM (SELECT DISTINCT lot_id FROM lot_events \
               WHERE at >= ?1 AND action IN ('quarantine', 'release', 'recall')) c",
    )?;
    let rows = stmt.query_map([after], |r| {
        let action: Option<String> = r.get(1)?;
        let status = match action.as_deref() {
            Some("quarantine") => LotStatus::Quarantined,
            Some("recall") => LotStatus::Recalled,
            _ => LotStatus::Available,
        };
        Ok((r.get::<_, i64>(0)?, status))
    })?;
    Ok(rows.collect::<rusqlite::Result<HashMap<_, _>>>()?)
}
