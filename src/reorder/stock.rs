//! Stock as of a date, lean enough for reports over every item. Reports
//! walk the balances that hold stock (a partial index keeps them apart
//! from the many emptied lots of a long history), with their lot's expiry
//! and status, and the movements stamped after the end of the as-of date
//! are taken back out — an empty index range for today — so the cost
//! grows with the stock on hand, never with the length of the ledger. Lot
//! status and opening are judged as of the date too, by the one
//! definition in `crate::lots` (`statuses_changed_after`, `opening_as_of`).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::args;
use crate::clock::end_of_day;
use crate::error::Result;
use crate::ledger::{Portion, legs, portion_of};
use crate::lots;
use crate::model::{LotStatus, Usability, effective_expiry};
use crate::store::{Cell, Conn, Row};
use crate::values::{ItemId, LocationId, LotId};

/// One balance (lot at a location) as of a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Balance<'r> {
    pub item_id: ItemId,
    pub lot_id: LotId,
    pub location_id: LocationId,
    /// The opened portion (SPEC §15); `None` for sealed units.
    pub opened_on: Portion,
    pub quantity: i64,
    /// The lot number (empty for an item that is not lot-tracked).
    pub lot: &'r str,
    /// The printed expiry.
    pub expiry: Option<NaiveDate>,
    /// The earlier of `expiry` and opening + in-use days for an opened
    /// portion; `expiry` for sealed units.
    pub effective_expiry: Option<NaiveDate>,
    /// Status as it stood at the end of the as-of date.
    pub status: LotStatus,
}

impl Balance<'_> {
    pub(crate) fn usability(&self, as_of: NaiveDate) -> Usability {
        Usability::of(self.status, self.effective_expiry, as_of)
    }
}

/// A text column without copying it (NULL as `None`).
fn text<'c>(cell: &'c Cell<'_>) -> Result<Option<&'c str>> {
    match cell {
        Cell::Null => Ok(None),
        Cell::Text(t) => Ok(Some(t)),
        other => Err(crate::error::Error::Sqlite {
            detail: format!("expected text, found {}", other.kind()),
        }),
    }
}

/// A stored `YYYY-MM-DD` date (read for every balance, so without the
/// general format parser).
fn date(text: Option<&str>) -> Option<NaiveDate> {
    let b = text?.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return text?.parse().ok();
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(i32::try_from(num(0..4)?).ok()?, num(5..7)?, num(8..10)?)
}

/// What is needed to judge stock as of a date: the changes stamped after
/// it, and lot statuses that changed after it.
struct Later {
    /// Quantity recorded after the as-of date, per (lot, location, portion).
    undo: HashMap<(LotId, LocationId, Portion), i64>,
    statuses: HashMap<LotId, LotStatus>,
}

impl Later {
    fn read(conn: Conn<'_>, location_id: Option<LocationId>, as_of: NaiveDate) -> Result<Later> {
        let after = end_of_day(as_of, crate::settings::lab_zone(conn)?);
        let mut undo: HashMap<(LotId, LocationId, Portion), i64> = HashMap::new();
        conn.for_each(
            &super::sql::LATER_MOVEMENTS,
            args![after, location_id],
            |r| {
                let (lot, loc, to, q): (LotId, LocationId, Option<LocationId>, i64) =
                    (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
                let opened = portion_of(text(&r.cell(4)?)?);
                let to_opened = portion_of(text(&r.cell(5)?)?);
                for (place, portion, change) in
                    legs(loc, to, opened, to_opened, q).into_iter().flatten()
                {
                    *undo.entry((lot, place, portion)).or_default() += change;
                }
                Ok(())
            },
        )?;
        if let Some(only) = location_id {
            undo.retain(|(_, loc, _), _| *loc == only);
        }
        undo.retain(|_, q| *q != 0);
        Ok(Later {
            undo,
            statuses: lots::statuses_changed_after(conn, as_of)?,
        })
    }
}

/// The text columns of a balance row (lot, expiry, status, opening),
/// held while its [`Balance`] borrows them.
struct Texts<'r>([Cell<'r>; 4]);

impl<'r> Texts<'r> {
    fn of(r: &'r Row<'_>) -> Result<Texts<'r>> {
        Ok(Texts([r.cell(4)?, r.cell(5)?, r.cell(6)?, r.cell(7)?]))
    }
}

/// One row of [`super::sql::BALANCES_HELD`]: the balance, then its lot
/// (in-use days only looked up for opened lots).
fn balance<'t>(r: &Row<'_>, texts: &'t Texts<'_>, later: &Later) -> Result<Balance<'t>> {
    let [lot, expiry, status, opened] = &texts.0;
    let lot_id: LotId = r.get(1)?;
    let location_id: LocationId = r.get(2)?;
    let expiry = date(text(expiry)?);
    let opened = portion_of(text(opened)?);
    let changed = if later.statuses.is_empty() {
        None
    } else {
        later.statuses.get(&lot_id).copied()
    };
    let status = match changed {
        Some(s) => s,
        None => LotStatus::from_db(text(status)?.unwrap_or_default()),
    };
    let undo = if later.undo.is_empty() {
        0
    } else {
        later
            .undo
            .get(&(lot_id, location_id, opened))
            .copied()
            .unwrap_or(0)
    };
    Ok(Balance {
        item_id: r.get(0)?,
        lot_id,
        location_id,
        opened_on: opened,
        quantity: r.get::<i64>(3)? - undo,
        lot: text(lot)?.unwrap_or_default(),
        expiry,
        effective_expiry: effective_expiry(expiry, opened, r.get(8)?),
        status,
    })
}

/// Call `f` with every balance that held stock at the end of `as_of`, at
/// one location or everywhere.
pub(crate) fn for_each_balance<'c>(
    conn: impl Into<Conn<'c>>,
    location_id: Option<LocationId>,
    as_of: NaiveDate,
    mut f: impl FnMut(&Balance<'_>) -> Result<()>,
) -> Result<()> {
    let conn = conn.into();
    let later = Later::read(conn, location_id, as_of)?;
    // Balances with stock now, through the partial index balances_in_stock.
    let mut seen: HashSet<(LotId, LocationId, Portion)> = HashSet::new();
    conn.for_each(&super::sql::BALANCES_HELD, args![location_id], |r| {
        let texts = Texts::of(r)?;
        let b = balance(r, &texts, &later)?;
        if !later.undo.is_empty() {
            seen.insert((b.lot_id, b.location_id, b.opened_on));
        }
        if b.quantity != 0 {
            f(&b)?;
        }
        Ok(())
    })?;
    // For a past date: balances empty now that held stock then.
    if later.undo.keys().any(|k| !seen.contains(k)) {
        for (lot, loc, portion) in later.undo.keys().filter(|k| !seen.contains(k)) {
            conn.for_each(
                &super::sql::BALANCE_OF_LOT,
                args![lot, loc, crate::ledger::portion_key(*portion)],
                |r| {
                    let texts = Texts::of(r)?;
                    let b = balance(r, &texts, &later)?;
                    if b.quantity != 0 {
                        f(&b)?;
                    }
                    Ok(())
                },
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_dates_parse_fast_and_strictly() {
        assert_eq!(
            date(Some("2026-11-21")),
            NaiveDate::from_ymd_opt(2026, 11, 21)
        );
        assert_eq!(date(Some("2026-02-30")), None);
        assert_eq!(date(Some("2026-1a-01")), None);
        assert_eq!(date(Some("")), None);
        assert_eq!(date(None), None);
    }
}
