//! Purchase order lines (SPEC §1, §10): adding them (`order add`,
//! `import orders`), ending them (`order cancel`, `order close`) and what
//! is still on order as of a date.
//!
//! What was received on a line has one definition, `received_by!`: the
//! movements linked to it by `order_id` (a receipt whose `--order` or
//! `reference` names the line, an `adjust` naming it — how an exported
//! reversal of a receipt comes back — and the reversals of these), plus
//! receipts and corrections naming its (reference, item) that were recorded
//! before the line existed and so could not be linked (the ledger is
//! append-only), and their reversals. `order list`, reorder's `on_order`
//! and `check` read it; `orders.received` is its cache, maintained by every
//! movement and by a new line (which starts from the receipts before it),
//! proven by `check`, and read by the over-receipt warning.

use std::collections::HashMap;
use std::io::Read;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::catalogue::{Item, find_item, find_location};
use crate::chain;
use crate::clock::end_of_day;
use crate::db::{Store, closest};
use crate::error::{Error, Refusal, Result};
use crate::import::{self, CsvRow, Format, ImportContext, ImportSummary};
use crate::ledger::DEFAULT_LOCATION;
use crate::model::{parse_date, positive_quantity, stamp};
use crate::values::{ItemId, LocationId};

/// The `orders` import format (SPEC §7).
pub const ORDERS: Format = Format {
    kind: "orders",
    columns: &[
        "reference",
        "supplier",
        "item",
        "quantity",
        "ordered_on",
        "expected_on",
        "location",
    ],
    required: &["reference", "item", "quantity"],
};

/// A new order line, as `order add` or an import row gives it.
#[derive(Debug, Clone)]
pub struct NewOrder {
    pub reference: String,
    pub item: String,
    pub quantity: i64,
    /// Else the supplier of the reference's other lines, else the item's.
    pub supplier: Option<String>,
    pub ordered_on: NaiveDate,
    pub expected_on: Option<NaiveDate>,
    /// Delivery location; else MAIN.
    pub location: Option<String>,
}

/// Which order lines to end, and how (`order cancel` / `order close`).
#[derive(Debug, Clone, Copy)]
pub struct OrderEnd<'a> {
    pub reference: &'a str,
    /// One line (its item), or every open line of the order.
    pub item: Option<&'a str>,
    pub how: EndAs,
    pub reason: Option<&'a str>,
    /// The day the lines stop counting as on order.
    pub on: NaiveDate,
}

/// How an order line ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndAs {
    /// Will not be delivered (the rest of it, if part-received).
    Cancelled,
    /// Complete as it stands (e.g. the supplier short-shipped and that is accepted).
    Closed,
}

impl EndAs {
    fn as_str(self) -> &'static str {
        match self {
            EndAs::Cancelled => "cancelled",
            EndAs::Closed => "closed",
        }
    }
}

/// One order line with what has been received against it as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderLine {
    #[serde(skip)]
    pub id: i64,
    #[serde(skip)]
    pub item_id: ItemId,
    pub reference: String,
    pub supplier: Option<String>,
    pub item: String,
    pub name: String,
    pub location: String,
    pub ordered_on: String,
    pub expected_on: Option<String>,
    pub quantity: i64,
    pub received: i64,
    /// max(0, quantity − received) while the line is open, else 0.
    pub outstanding: i64,
    /// `open`, `part-received`, `received`, `over-received`, `cancelled`, `closed`.
    pub state: String,
    pub closed_on: Option<String>,
}

/// Header of `order list`.
pub const ORDER_LIST_HEADERS: &[&str] = &[
    "reference",
    "supplier",
    "item",
    "name",
    "location",
    "ordered_on",
    "expected_on",
    "quantity",
    "received",
    "outstanding",
    "state",
    "closed_on",
];

/// Which lines to read.
#[derive(Debug, Clone, Copy, Default)]
pub struct LineFilter {
    pub item_id: Option<ItemId>,
    pub location_id: Option<LocationId>,
    /// Only lines that count on the as-of date: ordered by then and not
    /// ended by then (SPEC §10).
    pub counting_only: bool,
}

/// An as-of date after every record: the state of things now, including
/// anything stamped later than today.
fn everything() -> NaiveDate {
    NaiveDate::from_ymd_opt(9999, 12, 30).unwrap_or(NaiveDate::MIN)
}

fn state_of(status: &str, quantity: i64, received: i64) -> &'static str {
    match status {
        "cancelled" => "cancelled",
        "closed" => "closed",
        _ if received == 0 => "open",
        _ if received < quantity => "part-received",
        _ if received == quantity => "received",
        _ => "over-received",
    }
}

/// What was received on order line `o` by the moment ?1: THE definition
/// of "received on an order line" (SPEC §10: receipts match the line on
/// (reference, item)), used by `order list`, reorder's `on_order`, the
/// over-receipt warning (through `orders.received`, maintained from it)
/// and `check`, which proves `orders.received` against it.
///
/// A movement counts against a line when it is linked to it by
/// `order_id` (a receipt naming the line's reference, `--order`, an
/// imported receipt correction, or the reversal of any of these), or,
/// recorded before the line existed and so unlinked (the ledger is
/// append-only), when it is a receipt or receipt correction (`adjust`)
/// naming the line's (reference, item), or the unlinked reversal of one.
/// Each half is one index range (`movements_order`,
/// `movements_unlinked_order_refs`).
macro_rules! received_by {
    ($end:literal) => {
        concat!(
            "((SELECT coalesce(SUM(m.quantity), 0) FROM movements m \
               WHERE m.order_id = o.id AND m.at < ",
            $end,
            ") \
             + (SELECT coalesce(SUM(m.quantity + coalesce( \
                     (SELECT r.quantity FROM movements r WHERE r.reverses = m.id AND r.order_id IS NULL AND r.at < ",
            $end,
            "), 0)), 0) \
                  FROM movements m \
                 WHERE m.item_id = o.item_id AND m.reference = o.reference COLLATE NOCASE \
                   AND m.order_id IS NULL AND m.reference IS NOT NULL \
                   AND (m.kind = 'receive' OR m.kind = 'adjust') AND m.at < ",
            $end,
            "))"
        )
    };
}

/// The columns of an [`OrderLine`], with `received` by the moment ?1.
macro_rules! line_columns {
    () => {
        concat!(
            "SELECT o.id, o.item_id, o.reference, o.supplier, i.code, i.name, loc.code, o.ordered_on, \
                    o.expected_on, o.quantity, o.status, o.closed_on, ",
            received_by!("?1"),
            " FROM orders o JOIN items i ON i.id = o.item_id JOIN locations loc ON loc.id = o.location_id "
        )
    };
}

/// Order lines with what was received against them by the end of a day
/// (?1), by item (?2), location (?3), and only those counting as on
/// order on ?5 (?4).
pub const LINES_AS_OF: &str = concat!(
    line_columns!(),
    "WHERE (?2 IS NULL OR o.item_id = ?2) AND (?3 IS NULL OR o.location_id = ?3) \
       AND (NOT ?4 OR (o.ordered_on <= ?5 AND (o.closed_on IS NULL OR o.closed_on > ?5))) \
     ORDER BY o.reference COLLATE BINARY, i.code COLLATE BINARY"
);

/// One order line by id (?2), with what was received by the moment ?1:
/// what `order add` and each `import orders` row read back (primary key).
pub const LINE_BY_ID: &str = concat!(line_columns!(), "WHERE o.id = ?2");

/// The lines of one order (reference ?2), with what was received on each
/// by the moment ?1 (`orders` UNIQUE (reference, item_id)).
pub const LINES_OF_ORDER: &str = concat!(
    line_columns!(),
    "WHERE o.reference = ?2 ORDER BY i.code COLLATE BINARY"
);

/// The movements that count against the lines of order ?1, by the same
/// definition as `received_by!`: linked to a line by `order_id`
/// (`movements_order`), or unlinked receipts and receipt corrections
/// naming a line's (reference, item) (`movements_unlinked_order_refs`),
/// and the unlinked reversals of these; oldest first.
pub const ORDER_RECEIPTS: &str = "WITH line AS (SELECT id, item_id, reference FROM orders WHERE reference = ?1), \
     counted AS ( \
       SELECT m.id FROM line o JOIN movements m ON m.order_id = o.id \
       UNION \
       SELECT m.id FROM line o JOIN movements m ON m.item_id = o.item_id \
              AND m.reference = o.reference COLLATE NOCASE \
        WHERE m.order_id IS NULL AND m.reference IS NOT NULL \
          AND (m.kind = 'receive' OR m.kind = 'adjust')), \
     reversals AS ( \
       SELECT r.id FROM counted c JOIN movements r ON r.reverses = c.id WHERE r.order_id IS NULL) \
     SELECT m.id, m.at, m.kind, i.code, l.lot, loc.code, m.quantity, m.user \
       FROM movements m JOIN items i ON i.id = m.item_id JOIN lots l ON l.id = m.lot_id \
       JOIN locations loc ON loc.id = m.location_id \
      WHERE m.id IN (SELECT id FROM counted UNION SELECT id FROM reversals) \
      ORDER BY m.id";

/// A movement that counts against an order's lines (the order's page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderReceipt {
    pub movement: i64,
    pub at: String,
    pub kind: String,
    pub item: String,
    pub lot: Option<String>,
    pub location: String,
    pub quantity: i64,
    pub user: String,
}

/// Columns of an order's receipts.
pub const ORDER_RECEIPT_HEADERS: &[&str] = &[
    "movement", "at", "kind", "item", "lot", "location", "quantity", "user",
];

/// One order: its lines as of a date and the movements received on them.
#[derive(Debug, Clone)]
pub struct Order {
    pub reference: String,
    pub lines: Vec<OrderLine>,
    pub receipts: Vec<OrderReceipt>,
}

/// `orders.received` of every line beside what the ledger says it is
/// (the definition over the whole ledger), for `check`.
pub const RECEIVED_DISAGREEING: &str = concat!(
    "SELECT o.reference, i.code, o.received, ",
    received_by!("?1"),
    " AS ledger FROM orders o JOIN items i ON i.id = o.item_id WHERE o.received <> ledger ORDER BY o.id"
);

/// Order lines whose maintained `received` differs from the ledger's
/// (the definition over every movement): (reference, item, stored, ledger).
pub(crate) fn received_disagreeing(conn: &Connection) -> Result<Vec<(String, String, i64, i64)>> {
    let mut stmt = conn.prepare(RECEIVED_DISAGREEING)?;
    let rows = stmt.query_map([end_of_day(everything(), chrono_tz::Tz::UTC)], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The supplier of a reference's first line that names one
/// (`orders` UNIQUE (reference, item_id), then the line's item by key).
pub const REFERENCE_SUPPLIER: &str = "SELECT o.supplier, i.code FROM orders o JOIN items i ON i.id = o.item_id \
     WHERE o.reference = ?1 AND o.supplier IS NOT NULL ORDER BY o.reference, o.item_id LIMIT 1";

/// Whether the (reference, item) line exists (`orders` UNIQUE (reference, item_id)).
pub const LINE_EXISTS: &str = "SELECT reference FROM orders WHERE reference = ?1 AND item_id = ?2";

/// A new order line, with what was already received on it.
pub const INSERT_LINE: &str = "INSERT INTO orders (reference, supplier, item_id, quantity, ordered_on, expected_on, location_id, \
     created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

fn line_from_row(r: &rusqlite::Row<'_>, day: &str) -> rusqlite::Result<OrderLine> {
    let quantity: i64 = r.get(9)?;
    let status: String = r.get(10)?;
    let closed_on: Option<String> = r.get(11)?;
    let received: i64 = r.get(12)?;
    // A line ended after the as-of date was still open then.
    let ended = closed_on.as_deref().is_some_and(|c| c <= day);
    let status = if ended { status.as_str() } else { "open" };
    let outstanding = if ended {
        0
    } else {
        let left = (i128::from(quantity) - i128::from(received)).max(0);
        i64::try_from(left).map_err(|_| rusqlite::Error::IntegralValueOutOfRange(12, received))?
    };
    Ok(OrderLine {
        id: r.get(0)?,
        item_id: r.get(1)?,
        reference: r.get(2)?,
        supplier: r.get(3)?,
        item: r.get(4)?,
        name: r.get(5)?,
        location: r.get(6)?,
        ordered_on: r.get(7)?,
        expected_on: r.get(8)?,
        quantity,
        received,
        outstanding,
        state: state_of(status, quantity, received).to_owned(),
        closed_on: closed_on.filter(|_| ended),
    })
}

/// One order line as of the end of `as_of`.
fn line_by_id(conn: &Connection, id: i64, as_of: NaiveDate) -> Result<Option<OrderLine>> {
    let end = end_of_day(as_of, crate::settings::lab_zone(conn)?);
    let day = as_of.to_string();
    Ok(conn
        .prepare_cached(LINE_BY_ID)?
        .query_row(params![end, id], |r| line_from_row(r, &day))
        .optional()?)
}

/// Order lines with `received` as of the end of `as_of`, by reference then item.
pub(crate) fn lines_as_of(
    conn: &Connection,
    filter: LineFilter,
    as_of: NaiveDate,
) -> Result<Vec<OrderLine>> {
    let end = end_of_day(as_of, crate::settings::lab_zone(conn)?);
    let day = as_of.to_string();
    let mut stmt = conn.prepare_cached(LINES_AS_OF)?;
    let rows = stmt.query_map(
        params![
            end,
            filter.item_id,
            filter.location_id,
            filter.counting_only,
            day
        ],
        |r| line_from_row(r, &day),
    )?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// What is on order per item as of a date: the lines that count and what
/// each still has outstanding (lines with nothing outstanding left out).
///
/// With `site`, only the lines ordered to that site's locations.
pub(crate) fn on_order(
    conn: &Connection,
    location_id: Option<LocationId>,
    site: Option<&crate::sites::Site>,
    as_of: NaiveDate,
) -> Result<HashMap<ItemId, Vec<(String, i64)>>> {
    let lines = lines_as_of(
        conn,
        LineFilter {
            location_id,
            counting_only: true,
            ..LineFilter::default()
        },
        as_of,
    )?;
    let mut by_item: HashMap<ItemId, Vec<(String, i64)>> = HashMap::new();
    for line in lines
        .into_iter()
        .filter(|l| l.outstanding > 0)
        .filter(|l| site.is_none_or(|s| s.holds_code(&l.location)))
    {
        by_item
            .entry(line.item_id)
            .or_default()
            .push((line.reference, line.outstanding));
    }
    Ok(by_item)
}

/// The column of an `orders` row a refusal concerns.
fn order_error_column(e: &Error) -> Option<&'static str> {
    match e {
        Error::NotFound { entity: "item", .. } => Some("item"),
        Error::NotFound {
            entity: "location", ..
        } => Some("location"),
        Error::AlreadyExists { .. } => Some("reference"),
        Error::Refused(Refusal::ItemRetiredForOrder { .. } | Refusal::ItemRetired { .. }) => {
            Some("item")
        }
        Error::Invalid { what, .. } | Error::Missing { what, .. } => match what.as_str() {
            "reference" | "order reference" => Some("reference"),
            "quantity" => Some("quantity"),
            "expected_on" => Some("expected_on"),
            "supplier" => Some("supplier"),
            _ => None,
        },
        _ => None,
    }
}

/// Insert one order line inside an open transaction (shared by `order add`
/// and `import orders`). Refuses an unknown or retired item, an unknown
/// location, a (reference, item) line that exists, and a supplier that
/// differs from the reference's other lines.
pub(crate) fn insert_order(
    conn: &Connection,
    order: &NewOrder,
    now: &str,
    user: &str,
) -> Result<OrderLine> {
    let reference = order.reference.trim();
    if reference.is_empty() {
        return Err(Error::missing(
            "order reference",
            "every order line has a reference",
        ));
    }
    if reference.chars().any(char::is_control) {
        return Err(Error::invalid(
            "order reference",
            reference,
            "control characters are not allowed",
        ));
    }
    if order.quantity < 1 {
        return Err(Error::invalid(
            "quantity",
            order.quantity.to_string(),
            "an order line is for a whole number greater than zero",
        ));
    }
    let item: Item = find_item(conn, &order.item)?;
    if !item.active {
        return Err(Error::Refused(Refusal::ItemRetiredForOrder {
            item: item.code.clone(),
        }));
    }
    if let Some(expected) = order.expected_on
        && expected < order.ordered_on
    {
        return Err(Error::invalid(
            "expected_on",
            expected.to_string(),
            format!(
                "a delivery cannot be expected before the order date {}",
                order.ordered_on
            ),
        ));
    }
    let location = find_location(
        conn,
        order
            .location
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .unwrap_or(DEFAULT_LOCATION),
    )?;
    let existing: Option<String> = conn
        .prepare_cached(LINE_EXISTS)?
        .query_row(params![reference, item.id], |r| r.get(0))
        .optional()?;
    if let Some(existing) = existing {
        return Err(Error::AlreadyExists {
            entity: "order line",
            key: existing,
            within: crate::error::Within::for_("item", &item.code),
        });
    }
    let reference_supplier: Option<(String, String)> = conn
        .prepare_cached(REFERENCE_SUPPLIER)?
        .query_row([reference], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let given = order
        .supplier
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let supplier = match (given, &reference_supplier) {
        (Some(g), Some((theirs, line))) if !g.eq_ignore_ascii_case(theirs) => {
            return Err(Error::invalid(
                "supplier",
                g,
                format!(
                    "order {reference} is with {theirs} (line {line}); one purchase order goes to one supplier"
                ),
            ));
        }
        (Some(g), _) => Some(g.to_owned()),
        (None, Some((theirs, _))) => Some(theirs.clone()),
        (None, None) => item.supplier.clone(),
    };
    conn.prepare_cached(INSERT_LINE)?.execute(params![
        reference,
        supplier,
        item.id,
        order.quantity,
        order.ordered_on.to_string(),
        order.expected_on.map(|d| d.to_string()),
        location.id,
        now,
        user,
    ])?;
    let id = conn.last_insert_rowid();
    // Receipts recorded before the line (movements imported before
    // orders) were received on it: `orders.received` starts from them.
    let line = line_by_id(conn, id, everything())?.ok_or_else(|| {
        Error::Refused(Refusal::OrderLineNotWritten {
            reference: reference.to_string(),
        })
    })?;
    if line.received != 0 {
        conn.prepare_cached("UPDATE orders SET received = ?2 WHERE id = ?1")?
            .execute(params![id, line.received])?;
    }
    Ok(line)
}

/// Import order lines (SPEC §7): all or nothing.
pub fn import_orders(
    store: &mut Store,
    source: impl Read,
    ctx: ImportContext<'_>,
) -> Result<ImportSummary> {
    let now = stamp(ctx.now);
    let today = crate::clock::lab_date(ctx.now, ctx.zone);
    import::run(store, &ORDERS, source, &ctx, |conn, row, summary| {
        let order = order_from_row(row, today)?;
        let line = insert_order(conn, &order, &now, ctx.user).map_err(|e| {
            let column = order_error_column(&e);
            e.at_row(row.line, column)
        })?;
        if line.received > line.quantity {
            summary.warnings.push(format!(
                "line {}: order {} {}: {} already received against {} ordered",
                row.line, line.reference, line.item, line.received, line.quantity
            ));
        }
        summary.written += 1;
        Ok(())
    })
}

fn order_from_row(row: &CsvRow<'_>, today: NaiveDate) -> Result<NewOrder> {
    Ok(NewOrder {
        reference: row.need("reference")?.to_owned(),
        item: row.need("item")?.to_owned(),
        quantity: row
            .parse("quantity", positive_quantity)?
            .ok_or_else(|| Error::missing("quantity", "this column may not be empty"))?,
        supplier: row.get("supplier").map(str::to_owned),
        ordered_on: row
            .parse("ordered_on", |v| parse_date("ordered_on", v))?
            .unwrap_or(today),
        expected_on: row.parse("expected_on", |v| parse_date("expected_on", v))?,
        location: row.get("location").map(str::to_owned),
    })
}

impl Store {
    /// Add one order line (`order add`).
    pub fn add_order(&mut self, order: &NewOrder, now: &str, user: &str) -> Result<OrderLine> {
        let tx = self.write()?;
        let line = insert_order(&tx, order, now, user)?;
        tx.commit()?;
        Ok(line)
    }

    /// Order lines as of a date. Unless `all`, only lines with something
    /// outstanding (open and part-received).
    pub fn order_lines(
        &self,
        item: Option<&str>,
        supplier: Option<&str>,
        all: bool,
        as_of: NaiveDate,
    ) -> Result<Vec<OrderLine>> {
        let item_id = item
            .map(|c| find_item(self.sqlite()?, c))
            .transpose()?
            .map(|i| i.id);
        let mut lines = lines_as_of(
            self.sqlite()?,
            LineFilter {
                item_id,
                ..LineFilter::default()
            },
            as_of,
        )?;
        if let Some(s) = supplier {
            let s = crate::reorder::known_supplier(self.sqlite()?, s)?;
            lines.retain(|l| {
                l.supplier
                    .as_deref()
                    .is_some_and(|x| x.eq_ignore_ascii_case(&s))
            });
        }
        if !all {
            lines.retain(|l| l.outstanding > 0);
        }
        Ok(lines)
    }

    /// One order by reference: every line (ended ones too) with what was
    /// received as of the end of `as_of`, and the movements received on it.
    pub fn order(&self, reference: &str, as_of: NaiveDate) -> Result<Order> {
        let reference = reference.trim();
        let end = end_of_day(as_of, crate::settings::lab_zone(self.sqlite()?)?);
        let day = as_of.to_string();
        let lines = self
            .sqlite()?
            .prepare_cached(LINES_OF_ORDER)?
            .query_map(params![end, reference], |r| line_from_row(r, &day))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        if lines.is_empty() {
            let mut known = self
                .sqlite()?
                .prepare("SELECT DISTINCT reference FROM orders")?;
            let known = known
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            return Err(Error::NotFound {
                entity: "order",
                key: reference.to_owned(),
                within: None,
                suggestions: closest(reference, known),
            });
        }
        let receipts = self
            .sqlite()?
            .prepare_cached(ORDER_RECEIPTS)?
            .query_map([reference], |r| {
                Ok(OrderReceipt {
                    movement: r.get(0)?,
                    at: r.get(1)?,
                    kind: r.get(2)?,
                    item: r.get(3)?,
                    lot: r.get::<_, Option<String>>(4)?.filter(|l| !l.is_empty()),
                    location: r.get(5)?,
                    quantity: r.get(6)?,
                    user: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Order {
            reference: reference.to_owned(),
            lines,
            receipts,
        })
    }

    /// End the open lines of an order (all of them, or the one for `item`)
    /// as cancelled or closed from `on`, recorded at `now` by `user`.
    /// Returns the lines ended.
    pub fn end_order(
        &mut self,
        end: &OrderEnd<'_>,
        now: &str,
        user: &str,
    ) -> Result<Vec<OrderLine>> {
        let OrderEnd {
            reference,
            item,
            how,
            reason,
            on,
        } = *end;
        let tx = self.write()?;
        let reference = reference.trim();
        struct Line {
            id: i64,
            item: String,
            status: String,
            closed_on: Option<String>,
            reference: String,
        }
        let mut stmt = tx.prepare(
            "SELECT o.id, i.code, o.status, o.closed_on, o.reference FROM orders o \
             JOIN items i ON i.id = o.item_id WHERE o.reference = ?1 ORDER BY i.code COLLATE BINARY",
        )?;
        let lines = stmt
            .query_map([reference], |r| {
                Ok(Line {
                    id: r.get(0)?,
                    item: r.get(1)?,
                    status: r.get(2)?,
                    closed_on: r.get(3)?,
                    reference: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        drop(stmt);
        if lines.is_empty() {
            let mut known = tx.prepare("SELECT DISTINCT reference FROM orders")?;
            let known = known
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            return Err(Error::NotFound {
                entity: "order",
                key: reference.to_owned(),
                within: None,
                suggestions: closest(reference, known),
            });
        }
        let chosen: Vec<&Line> = match item {
            Some(code) => {
                let item = find_item(&tx, code)?;
                let line: Vec<&Line> = lines.iter().filter(|l| l.item == item.code).collect();
                if line.is_empty() {
                    return Err(Error::NotFound {
                        entity: "order line",
                        key: reference.to_owned(),
                        within: crate::error::Within::for_("item", &item.code),
                        suggestions: lines.iter().map(|l| l.item.clone()).collect(),
                    });
                }
                line
            }
            None => lines.iter().collect(),
        };
        let open: Vec<&&Line> = chosen.iter().filter(|l| l.status == "open").collect();
        if let (true, Some(done)) = (open.is_empty(), chosen.first()) {
            return Err(Error::Refused(Refusal::OrderLineEnded {
                reference: done.reference.clone(),
                item: done.item.clone(),
                status: done.status.clone(),
                closed_on: done.closed_on.clone(),
                action: match how {
                    EndAs::Cancelled => "cancel",
                    EndAs::Closed => "close",
                },
            }));
        }
        let ids: Vec<i64> = open.iter().map(|l| l.id).collect();
        for id in &ids {
            tx.execute(
                "UPDATE orders SET status = ?2, closed_on = ?3, closed_by = ?4, close_reason = ?5 WHERE id = ?1",
                params![id, how.as_str(), on.to_string(), user, reason],
            )?;
            chain::append(
                &tx,
                &chain::ORDER_EVENTS,
                params![id, how.as_str(), on.to_string(), reason, now, user],
            )?;
        }
        let mut ended = Vec::with_capacity(ids.len());
        for id in &ids {
            ended.extend(line_by_id(&tx, *id, everything())?);
        }
        tx.commit()?;
        Ok(ended)
    }
}
