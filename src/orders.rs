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
use serde::Serialize;

use crate::args;
use crate::catalogue::{Item, find_item, find_location};
use crate::chain;
use crate::clock::end_of_day;
use crate::error::{Error, Refusal, Result};
use crate::import::{self, CsvRow, Format, ImportContext, ImportSummary};
use crate::ledger::DEFAULT_LOCATION;
use crate::model::{parse_date, positive_quantity, stamp};
use crate::store::{Conn, Row};
use crate::store::{Store, closest};
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

/// The statements of this area (`crate::store::sql::orders`), where
/// `received_by!`, THE definition of what was received on a line, lives.
pub use crate::store::sql::orders as sql;

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

/// Order lines whose maintained `received` differs from the ledger's
/// (the definition over every movement): (reference, item, stored, ledger).
pub(crate) fn received_disagreeing<'c>(
    conn: impl Into<Conn<'c>>,
) -> Result<Vec<(String, String, i64, i64)>> {
    conn.into().query_all(
        &sql::RECEIVED_DISAGREEING,
        args![end_of_day(everything(), crate::clock::Zone::UTC)],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )
}

fn line_from_row(r: &Row<'_>, day: &str) -> Result<OrderLine> {
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
        i64::try_from(left).map_err(|_| Error::TooLarge {
            what: "outstanding quantity".into(),
            value: left.to_string(),
            limit: i64::MAX.to_string(),
            unit: "units",
        })?
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
fn line_by_id(conn: Conn<'_>, id: i64, as_of: NaiveDate) -> Result<Option<OrderLine>> {
    let end = end_of_day(as_of, crate::settings::lab_zone(conn)?);
    let day = as_of.to_string();
    conn.query_opt(&sql::LINE_BY_ID, args![end, id], |r| line_from_row(r, &day))
}

/// Order lines with `received` as of the end of `as_of`, by reference then item.
pub(crate) fn lines_as_of<'c>(
    conn: impl Into<Conn<'c>>,
    filter: LineFilter,
    as_of: NaiveDate,
) -> Result<Vec<OrderLine>> {
    let conn = conn.into();
    let end = end_of_day(as_of, crate::settings::lab_zone(conn)?);
    let day = as_of.to_string();
    conn.query_all(
        &sql::LINES_AS_OF,
        args![
            end,
            filter.item_id,
            filter.location_id,
            filter.counting_only,
            day
        ],
        |r| line_from_row(r, &day),
    )
}

/// What is on order per item as of a date: the lines that count and what
/// each still has outstanding (lines with nothing outstanding left out).
///
/// With `site`, only the lines ordered to that site's locations.
pub(crate) fn on_order<'c>(
    conn: impl Into<Conn<'c>>,
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
pub(crate) fn insert_order<'c>(
    conn: impl Into<Conn<'c>>,
    order: &NewOrder,
    now: &str,
    user: &str,
) -> Result<OrderLine> {
    let conn = conn.into();
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
    let existing: Option<String> =
        conn.query_opt(&sql::LINE_EXISTS, args![reference, item.id], |r| r.get(0))?;
    if let Some(existing) = existing {
        return Err(Error::AlreadyExists {
            entity: "order line",
            key: existing,
            within: crate::error::Within::for_("item", &item.code),
        });
    }
    let reference_supplier: Option<(String, String)> =
        conn.query_opt(&sql::REFERENCE_SUPPLIER, args![reference], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
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
    let id = conn.insert(
        &sql::INSERT_LINE,
        args![
            reference,
            supplier,
            item.id,
            order.quantity,
            order.ordered_on,
            order.expected_on,
            location.id,
            now,
            user,
        ],
    )?;
    // Receipts recorded before the line (movements imported before
    // orders) were received on it: `orders.received` starts from them.
    let line = line_by_id(conn, id, everything())?.ok_or_else(|| {
        Error::Refused(Refusal::OrderLineNotWritten {
            reference: reference.to_string(),
        })
    })?;
    if line.received != 0 {
        conn.execute(&sql::SET_RECEIVED, args![id, line.received])?;
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

/// An unknown order reference, with the closest known ones.
fn unknown_order(conn: Conn<'_>, reference: &str) -> Result<Error> {
    let known = conn.query_all(&sql::REFERENCES, args![], |r| r.get::<String>(0))?;
    Ok(Error::NotFound {
        entity: "order",
        key: reference.to_owned(),
        within: None,
        suggestions: closest(reference, known),
    })
}

/// A line of an order as `order cancel|close` reads it.
struct LineToEnd {
    id: i64,
    item: String,
    status: String,
    closed_on: Option<String>,
    reference: String,
}

/// End the open lines of an order inside a transaction (see
/// [`Store::end_order`]).
fn end_order_in(
    conn: Conn<'_>,
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
    let reference = reference.trim();
    let lines = conn.query_all(&sql::LINES_TO_END, args![reference], |r| {
        Ok(LineToEnd {
            id: r.get(0)?,
            item: r.get(1)?,
            status: r.get(2)?,
            closed_on: r.get(3)?,
            reference: r.get(4)?,
        })
    })?;
    if lines.is_empty() {
        return Err(unknown_order(conn, reference)?);
    }
    let chosen: Vec<&LineToEnd> = match item {
        Some(code) => {
            let item = find_item(conn, code)?;
            let line: Vec<&LineToEnd> = lines.iter().filter(|l| l.item == item.code).collect();
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
    let open: Vec<&&LineToEnd> = chosen.iter().filter(|l| l.status == "open").collect();
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
        conn.execute(&sql::END_LINE, args![id, how.as_str(), on, user, reason])?;
        chain::append_cells(
            conn,
            &chain::ORDER_EVENTS,
            args![id, how.as_str(), on, reason, now, user],
        )?;
    }
    let mut ended = Vec::with_capacity(ids.len());
    for id in &ids {
        ended.extend(line_by_id(conn, *id, everything())?);
    }
    Ok(ended)
}

impl Store {
    /// Add one order line (`order add`).
    pub fn add_order(&mut self, order: &NewOrder, now: &str, user: &str) -> Result<OrderLine> {
        self.transact(|conn| insert_order(conn, order, now, user))
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
        self.read(|conn| {
            let item_id = item.map(|c| find_item(conn, c)).transpose()?.map(|i| i.id);
            let mut lines = lines_as_of(
                conn,
                LineFilter {
                    item_id,
                    ..LineFilter::default()
                },
                as_of,
            )?;
            if let Some(s) = supplier {
                let s = crate::reorder::known_supplier(conn, s)?;
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
        })
    }

    /// One order by reference: every line (ended ones too) with what was
    /// received as of the end of `as_of`, and the movements received on it.
    pub fn order(&self, reference: &str, as_of: NaiveDate) -> Result<Order> {
        let reference = reference.trim();
        self.read(|conn| {
            let end = end_of_day(as_of, crate::settings::lab_zone(conn)?);
            let day = as_of.to_string();
            let lines = conn.query_all(&sql::LINES_OF_ORDER, args![end, reference], |r| {
                line_from_row(r, &day)
            })?;
            if lines.is_empty() {
                return Err(unknown_order(conn, reference)?);
            }
            let receipts = conn.query_all(&sql::ORDER_RECEIPTS, args![reference], |r| {
                Ok(OrderReceipt {
                    movement: r.get(0)?,
                    at: r.get(1)?,
                    kind: r.get(2)?,
                    item: r.get(3)?,
                    lot: r.get::<Option<String>>(4)?.filter(|l| !l.is_empty()),
                    location: r.get(5)?,
                    quantity: r.get(6)?,
                    user: r.get(7)?,
                })
            })?;
            Ok(Order {
                reference: reference.to_owned(),
                lines,
                receipts,
            })
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
        self.transact(|conn| end_order_in(conn, end, now, user))
    }
}
