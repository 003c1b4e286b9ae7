//! The bin card and the recall trace: reading the ledger of one item or
//! one lot back, in the order it was recorded, with running balances.

use serde::Serialize;

use crate::catalogue::{find_item, find_location};
use crate::error::Result;
use crate::ledger::existing_lot;
use crate::model::MovementId;
use crate::store::Conn;
use crate::store::Store;
use crate::values::{ItemId, LocationId, LotId};
use crate::{args, store::Row};

/// One line of the bin card.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryRow {
    pub id: MovementId,
    pub at: String,
    pub kind: String,
    pub lot: String,
    pub location: String,
    pub to_location: Option<String>,
    /// Signed change at `location` as recorded.
    pub quantity: i64,
    /// Change to the balance this card follows (a transfer between two
    /// locations changes the item's total by nothing).
    pub change: i64,
    pub balance: i64,
    pub counted: Option<i64>,
    pub reason: Option<String>,
    pub reference: Option<String>,
    pub user: String,
    pub note: Option<String>,
    /// The opened portion it acted on (an `open`: the portion it opened
    /// units into); empty for sealed units (SPEC §15).
    pub opened_on: Option<String>,
}

struct Raw {
    id: MovementId,
    at: String,
    kind: String,
    lot: String,
    location_id: LocationId,
    location: String,
    to_location_id: Option<LocationId>,
    to_location: Option<String>,
    opened_on: Option<String>,
    /// An `open` or its reversal: units change portion, not place.
    opens: bool,
    quantity: i64,
    counted: Option<i64>,
    reason: Option<String>,
    reference: Option<String>,
    user: String,
    note: Option<String>,
}

/// The SQL of the bin card, shared with the query-plan tests
/// (tests/cli/plans.rs).
pub use crate::store::sql::history as sql;

/// A movement as the bin-card queries select it.
fn raw_from(r: &Row<'_>) -> Result<Raw> {
    Ok(Raw {
        id: r.get(0)?,
        at: r.get(1)?,
        kind: r.get(2)?,
        lot: r.get(3)?,
        location_id: r.get(4)?,
        location: r.get(5)?,
        to_location_id: r.get(6)?,
        to_location: r.get(7)?,
        quantity: r.get(8)?,
        counted: r.get(9)?,
        reason: r.get(10)?,
        reference: r.get(11)?,
        user: r.get(12)?,
        note: r.get(13)?,
        opened_on: r.get(14)?,
        opens: r.get(15)?,
    })
}

fn movements_of(conn: Conn<'_>, item_id: ItemId, lot_id: Option<LotId>) -> Result<Vec<Raw>> {
    match lot_id {
        None => conn.query_all(&sql::ITEM_MOVEMENTS, args![item_id], raw_from),
        Some(lot_id) => conn.query_all(&sql::LOT_MOVEMENTS, args![item_id, lot_id], raw_from),
    }
}

/// Direction of a lot's units in one movement, for the recall trace.
#[derive(Debug, Clone, Serialize)]
pub struct TraceRow {
    pub id: MovementId,
    pub at: String,
    pub kind: String,
    pub from: String,
    pub to: String,
    pub quantity: i64,
    pub reason: Option<String>,
    pub reference: Option<String>,
    pub user: String,
    pub note: Option<String>,
}

/// Where every unit of a lot went: totals by destination and what is left.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TraceSummary {
    pub received: i64,
    pub issued: i64,
    pub disposed: i64,
    pub adjusted: i64,
    pub on_hand: Vec<(String, i64)>,
    /// When the lot is a batch (SPEC §14): the component lots it was made
    /// from, recursively.
    pub made_from: Vec<crate::prepare::BatchLink>,
    /// The batches made from the lot, and from those, recursively.
    pub made_into: Vec<crate::prepare::BatchLink>,
}

impl Store {
    /// The bin card of an item, or of one lot, optionally at one location.
    pub fn history(
        &self,
        item: &str,
        lot: Option<&str>,
        location: Option<&str>,
    ) -> Result<Vec<HistoryRow>> {
        self.read(|conn| bin_card(conn, item, lot, location))
    }

    /// One page of an item's bin card, newest first: `limit` rows after
    /// the `offset` newest, with the running balance each left, and how
    /// many movements the card has. Reads only the rows of the page (and
    /// the newer ones, for the balance): the item's balance now, less what
    /// the newer movements changed, is the balance after each row, so a
    /// page costs the same however long the history.
    pub fn history_page(
        &self,
        item: &str,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<HistoryRow>, usize)> {
        self.read(|conn| bin_card_page(conn, item, offset, limit))
    }

    /// Trace one lot for a recall: every movement of its units, and a summary.
    pub fn trace(&self, item: &str, lot: &str) -> Result<(Vec<TraceRow>, TraceSummary)> {
        self.read(|conn| trace_lot(conn, item, lot))
    }
}

/// [`Store::trace`] in the caller's transaction, with the batch links of
/// the lot (the batches made from it, or the lots it was made from).
fn trace_lot(conn: Conn<'_>, item: &str, lot: &str) -> Result<(Vec<TraceRow>, TraceSummary)> {
    {
        let item = find_item(conn, item)?;
        let lot = existing_lot(conn, &item, lot)?;
        let mut rows = Vec::new();
        let mut summary = TraceSummary::default();
        let mut on_hand: Vec<(String, i64)> = Vec::new();
        let mut bump = |loc: &str, q: i64| match on_hand.iter_mut().find(|(l, _)| l == loc) {
            Some(e) => e.1 += q,
            None => on_hand.push((loc.to_owned(), q)),
        };
        for m in movements_of(conn, item.id, Some(lot.id))? {
            let (from, to, q) = match &m.to_location {
                Some(to) if m.quantity < 0 => (m.location.clone(), to.clone(), -m.quantity),
                Some(to) => (to.clone(), m.location.clone(), m.quantity),
                // An opening moves units from sealed to opened in place.
                None if m.opens => {
                    let opened = format!(
                        "{} (opened {})",
                        m.location,
                        m.opened_on.as_deref().unwrap_or("")
                    );
                    if m.quantity < 0 {
                        (m.location.clone(), opened, -m.quantity)
                    } else {
                        (opened, m.location.clone(), m.quantity)
                    }
                }
                None if m.quantity >= 0 => (source_of(&m), m.location.clone(), m.quantity),
                None => (m.location.clone(), sink_of(&m), -m.quantity),
            };
            if !m.opens {
                bump(&m.location, m.quantity);
            }
            if let Some(to) = &m.to_location {
                bump(to, -m.quantity);
            }
            match m.kind.as_str() {
                "receive" => summary.received += m.quantity,
                "issue" => summary.issued -= m.quantity,
                "dispose" => summary.disposed -= m.quantity,
                "transfer" | "open" => {}
                _ if m.opens => {}
                _ if m.to_location.is_none() => summary.adjusted += m.quantity,
                _ => {}
            }
            rows.push(TraceRow {
                id: m.id,
                at: m.at,
                kind: m.kind,
                from,
                to,
                quantity: q,
                reason: m.reason,
                reference: m.reference,
                user: m.user,
                note: m.note,
            });
        }
        on_hand.retain(|(_, q)| *q != 0);
        on_hand.sort();
        summary.on_hand = on_hand;
        summary.made_from = crate::prepare::made_from(conn, lot.id)?;
        summary.made_into = crate::prepare::made_into(conn, lot.id)?;
        Ok((rows, summary))
    }
}

/// The bin card of an item, or of one lot, optionally at one location,
/// read in the caller's transaction.
fn bin_card(
    conn: Conn<'_>,
    item: &str,
    lot: Option<&str>,
    location: Option<&str>,
) -> Result<Vec<HistoryRow>> {
    let item = find_item(conn, item)?;
    let lot_id = lot
        .map(|l| existing_lot(conn, &item, l))
        .transpose()?
        .map(|l| l.id);
    let loc_id = location
        .map(|l| find_location(conn, l))
        .transpose()?
        .map(|l| l.id);
    let mut balance = 0;
    let mut rows = Vec::new();
    for m in movements_of(conn, item.id, lot_id)? {
        let change = match loc_id {
            None => {
                if m.to_location_id.is_some() || m.opens {
                    0
                } else {
                    m.quantity
                }
            }
            Some(at) if m.opens => {
                if m.location_id != at {
                    continue;
                }
                0
            }
            Some(at) => {
                let mut c = 0;
                if m.location_id == at {
                    c += m.quantity;
                }
                if m.to_location_id == Some(at) {
                    c -= m.quantity;
                }
                if c == 0 && m.location_id != at && m.to_location_id != Some(at) {
                    continue;
                }
                c
            }
        };
        balance += change;
        rows.push(HistoryRow {
            id: m.id,
            at: m.at,
            kind: m.kind,
            lot: m.lot,
            location: m.location,
            to_location: m.to_location,
            opened_on: m.opened_on,
            quantity: m.quantity,
            change,
            balance,
            counted: m.counted,
            reason: m.reason,
            reference: m.reference,
            user: m.user,
            note: m.note,
        });
    }
    Ok(rows)
}

/// [`Store::history_page`] in the caller's transaction.
fn bin_card_page(
    conn: Conn<'_>,
    item: &str,
    offset: usize,
    limit: usize,
) -> Result<(Vec<HistoryRow>, usize)> {
    let item = find_item(conn, item)?;
    let total: i64 = conn.query_one(&sql::ITEM_MOVEMENT_COUNT, args![item.id], |r| r.get(0))?;
    let now: i64 = conn.query_one(&sql::ITEM_BALANCE, args![item.id], |r| r.get(0))?;
    // A transfer, or an opening, leaves the item's total as it was.
    let change = |quantity: i64, to: Option<LocationId>, opens: bool| {
        if to.is_some() || opens { 0 } else { quantity }
    };
    let mut newer: i64 = 0;
    conn.for_each(
        &sql::ITEM_NEWEST_CHANGES,
        args![item.id, i64::try_from(offset).unwrap_or(i64::MAX)],
        |r| {
            newer += change(r.get(0)?, r.get(1)?, r.get::<Option<String>>(2)?.is_some());
            Ok(())
        },
    )?;
    let mut balance = now - newer;
    let rows = conn.query_all(
        &sql::ITEM_MOVEMENTS_NEWEST,
        args![
            item.id,
            i64::try_from(limit).unwrap_or(i64::MAX),
            i64::try_from(offset).unwrap_or(i64::MAX)
        ],
        raw_from,
    )?;
    let mut out = Vec::new();
    for m in rows {
        let c = change(m.quantity, m.to_location_id, m.opens);
        out.push(HistoryRow {
            id: m.id,
            at: m.at,
            kind: m.kind,
            lot: m.lot,
            location: m.location,
            to_location: m.to_location,
            opened_on: m.opened_on,
            quantity: m.quantity,
            change: c,
            balance,
            counted: m.counted,
            reason: m.reason,
            reference: m.reference,
            user: m.user,
            note: m.note,
        });
        balance -= c;
    }
    Ok((out, usize::try_from(total).unwrap_or(0)))
}

fn source_of(m: &Raw) -> String {
    match m.kind.as_str() {
        // A batch's receipt, written by `prepare` (SPEC §14).
        "receive"
            if m.reference.is_none()
                && m.note
                    .as_deref()
                    .is_some_and(|n| n == "prepared" || n.starts_with("prepared; ")) =>
        {
            "prepared".into()
        }
        "receive" => m
            .reference
            .as_ref()
            .map_or_else(|| "delivery".into(), |r| format!("delivery {r}")),
        "count" => "stocktake gain".into(),
        "adjust" => "adjustment".into(),
        "reverse" => "reversal".into(),
        other => other.to_owned(),
    }
}

fn sink_of(m: &Raw) -> String {
    match m.kind.as_str() {
        "issue" => m
            .reference
            .as_ref()
            .map_or_else(|| "issued".into(), |r| format!("issued ({r})")),
        "dispose" => "disposed".into(),
        "count" => "stocktake loss".into(),
        "adjust" => "adjustment".into(),
        "reverse" => "reversal".into(),
        other => other.to_owned(),
    }
}
