//! Stocktakes (SPEC §13): the periodic count of a location.
//!
//! `start` writes the sheet: every balance at the location (of one
//! category, if named) as the book stood then. Each count records who,
//! when, the counted quantity and the book at that moment; a line counted
//! again takes its latest count. `apply` writes one `count` movement per
//! line, zero variances included (the evidence that the line was counted
//! and found right), each moving the balance by counted − book as recorded
//! at counting, so movements made between counting and applying are kept.
//! Everything is append-only, hash-chained evidence; a stocktake's status
//! is its one ending event (applied or cancelled), or open without one.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::args;
use crate::catalogue::{Item, Location, find_item, find_item_by_gtin, find_location};
use crate::chain;
use crate::error::{Error, Result, Within};
use crate::ledger::Portion;
use crate::ledger::{self, MovementRequest};
use crate::model::{
    Money, MovementKind, Quantity, Timestamp, check_quantity, parse_stored_date, stamp,
};
use crate::store::Conn;
use crate::store::Store;
use crate::store::sql::stocktake as sql;
use crate::values::{LocationId, LotId};

/// Where a stocktake stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Open,
    Applied,
    Cancelled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Applied => "applied",
            Status::Cancelled => "cancelled",
        }
    }
}

/// One stocktake, for `stocktake list`.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub id: i64,
    pub location: String,
    pub category: Option<String>,
    pub blind: bool,
    pub started_at: String,
    pub started_by: String,
    pub status: Status,
    pub lines: i64,
    pub counted: i64,
    pub ended_at: Option<String>,
    pub ended_by: Option<String>,
}

/// A line of the count sheet
/// (`item,name,lot,expiry,location,book,counted,opened_on`): one portion
/// of a lot, the sealed units or those opened on a day (SPEC §15).
#[derive(Debug, Clone, Serialize)]
pub struct SheetLine {
    pub item: String,
    pub name: String,
    pub lot: String,
    pub expiry: Option<NaiveDate>,
    pub location: String,
    /// Empty on a blind sheet.
    pub book: Option<i64>,
    pub counted: Option<i64>,
    /// The opened portion; empty for the sealed units.
    pub opened_on: Option<NaiveDate>,
}

/// A line of the variance review.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewLine {
    pub item: String,
    pub name: String,
    pub lot: String,
    pub location: String,
    /// The opened portion; empty for the sealed units.
    pub opened_on: Option<NaiveDate>,
    /// The book recorded at counting (at the start while uncounted).
    pub book: i64,
    pub counted: Option<i64>,
    pub variance: Option<i64>,
    pub unit_cost: Option<Money>,
    pub variance_value: Option<Money>,
}

/// The review with its totals.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub id: i64,
    pub lines: Vec<ReviewLine>,
    pub counted_lines: i64,
    pub uncounted_lines: i64,
    /// Sum of the variances in units (across items: a rough signal only).
    pub total_variance: i64,
    /// Sum of the variance values of the lines with a unit cost.
    pub total_variance_value: Money,
}

/// What one count recorded.
#[derive(Debug, Clone, Serialize)]
pub struct Counted {
    pub stocktake: i64,
    pub item: String,
    pub lot: String,
    pub opened_on: Option<NaiveDate>,
    pub counted: i64,
    pub book: i64,
}

/// What `apply` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Applied {
    pub stocktake: i64,
    pub movements: Vec<ledger::Posted>,
    pub zeroed: i64,
}

/// A count as a request: the item by code or by a scanned GTIN, the lot,
/// and the quantity (a scan without one adds 1 to the line's count).
#[derive(Debug, Clone)]
pub struct CountRequest {
    pub item: Option<String>,
    pub gtin: Option<String>,
    pub lot: Option<String>,
    /// The expiry of a lot found on the shelf that labstock does not know
    /// yet (a lot-tracked item's new lot needs one, as a receipt does).
    pub expiry: Option<NaiveDate>,
    /// The location the counter is at, when named: it must be the
    /// stocktake's.
    pub location: Option<String>,
    pub quantity: Option<i64>,
    /// The opened portion counted (`--opened DATE`); the sealed units
    /// unless given.
    pub opened: Option<NaiveDate>,
}

struct Header {
    id: i64,
    location: Location,
    category: Option<String>,
    blind: bool,
    status: Status,
}

fn header(conn: Conn<'_>, id: i64) -> Result<Header> {
    let row: Option<(i64, Option<String>, bool, Option<String>)> =
        conn.query_opt(&sql::HEADER, args![id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
    let Some((location_id, category, blind, action)) = row else {
        return Err(Error::NotFound {
            entity: "stocktake",
            key: id.to_string(),
            within: None,
            suggestions: Vec::new(),
        });
    };
    let location = conn.query_one(&ledger::sql::LOCATION_BY_ID, args![location_id], |r| {
        Ok(Location {
            id: r.get(0)?,
            code: r.get(1)?,
            name: r.get(2)?,
            retired_on: r.get(3)?,
        })
    })?;
    let status = match action.as_deref() {
        Some("applied") => Status::Applied,
        Some(_) => Status::Cancelled,
        None => Status::Open,
    };
    Ok(Header {
        id,
        location,
        category,
        blind,
        status,
    })
}

fn require_open(h: &Header) -> Result<()> {
    if h.status == Status::Open {
        Ok(())
    } else {
        Err(Error::StocktakeClosed {
            id: h.id,
            status: h.status.as_str(),
        })
    }
}

fn in_category(item: &Item, category: Option<&str>) -> bool {
    category.is_none_or(|c| {
        item.category
            .as_deref()
            .is_some_and(|mine| mine.to_lowercase() == c.to_lowercase())
    })
}

/// The lot a count names: a lot-tracked item's count names an existing
/// lot (a lot the book does not have at this location may be counted);
/// other items count their one unnamed lot.
fn counted_lot(
    conn: Conn<'_>,
    item: &Item,
    lot: Option<&str>,
    expiry: Option<NaiveDate>,
    now: &str,
    user: &str,
) -> Result<ledger::Lot> {
    let name = lot.map_or("", str::trim);
    if item.lot_tracked && name.is_empty() {
        return Err(Error::missing(
            "lot",
            format!("{} is lot-tracked: count each lot (--lot)", item.code),
        ));
    }
    if !item.lot_tracked && !name.is_empty() {
        return Err(Error::invalid(
            "lot",
            name,
            format!("{} is not lot-tracked: count it without --lot", item.code),
        ));
    }
    if let Some(found) = ledger::find_lot(conn, item.id, name)? {
        if let (Some(given), Some(recorded)) = (expiry, found.expiry)
            && given != recorded
        {
            return Err(Error::invalid(
                "expiry",
                given.to_string(),
                format!("lot {name} of {} expires on {recorded}", item.code),
            ));
        }
        return Ok(found);
    }
    // A lot found on the shelf that labstock has never seen: counted into
    // being, with its expiry, as a receipt would create it.
    if !name.is_empty() {
        let Some(expiry) = expiry else {
            return Err(Error::missing(
                "expiry",
                format!(
                    "lot {name} of {} is not known yet: give its expiry (--expiry) to count it",
                    item.code
                ),
            ));
        };
        return ledger::create_lot(conn, item, name, Some(expiry), now, user);
    }
    if name.is_empty() {
        return Err(Error::invalid(
            "item",
            &item.code,
            "none of it was ever received, so there is no line to count; receive what was found with `labstock receive`",
        ));
    }
    Err(Error::NotFound {
        entity: "lot",
        key: name.to_owned(),
        within: Some(Within {
            relation: "of",
            entity: "item",
            key: item.code.clone(),
        }),
        suggestions: Vec::new(),
    })
}

fn balance(
    conn: Conn<'_>,
    lot_id: LotId,
    location_id: LocationId,
    portion: Portion,
) -> Result<i64> {
    Ok(conn
        .query_opt(
            &ledger::sql::BALANCE,
            args![lot_id, location_id, ledger::portion_key(portion)],
            |r| r.get(0),
        )?
        .unwrap_or(0))
}

/// A line of a stocktake: one portion of a lot at its location.
type LineKey = (LotId, Portion);

/// The latest count of each line of a stocktake: (line, item id, book,
/// counted).
fn latest_counts(
    conn: Conn<'_>,
    id: i64,
) -> Result<Vec<(LineKey, crate::values::ItemId, i64, i64)>> {
    conn.query_all(&sql::LATEST_COUNTS, args![id], |r| {
        Ok((
            (r.get(0)?, ledger::portion_in(r, 1)?),
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
        ))
    })
}

/// Every line: the sheet's (line, item id, book at start) and lines
/// counted that the sheet did not have (book at start 0).
fn lines(conn: Conn<'_>, id: i64) -> Result<Vec<(LineKey, crate::values::ItemId, i64)>> {
    let mut rows = conn.query_all(&sql::SHEET_LINES, args![id], |r| {
        Ok(((r.get(0)?, ledger::portion_in(r, 1)?), r.get(2)?, r.get(3)?))
    })?;
    for (line, item, _, _) in latest_counts(conn, id)? {
        if !rows.iter().any(|(l, ..)| *l == line) {
            rows.push((line, item, 0));
        }
    }
    Ok(rows)
}

/// (item code, item name, lot, expiry, unit cost) of a lot.
type LotText = (String, String, String, Option<NaiveDate>, Option<Money>);

fn describe(conn: Conn<'_>, lot_id: LotId) -> Result<LotText> {
    conn.query_one(&sql::DESCRIBE_LOT, args![lot_id], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get::<Option<String>>(3)?
                .as_deref()
                .and_then(parse_stored_date),
            r.get::<Option<i64>>(4)?.map(Money),
        ))
    })
}

fn sort_lines<T>(rows: &mut [T], key: impl Fn(&T) -> (&str, &str, Option<NaiveDate>)) {
    rows.sort_by(|a, b| key(a).cmp(&key(b)));
}

fn record_count(
    conn: Conn<'_>,
    h: &Header,
    req: &CountRequest,
    now: &str,
    user: &str,
) -> Result<Counted> {
    require_open(h)?;
    if let Some(loc) = req.location.as_deref().filter(|l| !l.trim().is_empty()) {
        let named = find_location(conn, loc)?;
        if named.id != h.location.id {
            return Err(Error::StocktakeElsewhere {
                id: h.id,
                location: h.location.code.clone(),
                given: named.code,
            });
        }
    }
    let item = match (&req.item, &req.gtin) {
        (_, Some(gtin)) => find_item_by_gtin(conn, gtin)?,
        (Some(code), None) => find_item(conn, code)?,
        (None, None) => {
            return Err(Error::missing(
                "item",
                "a count names the item (or scans its code)",
            ));
        }
    };
    if !in_category(&item, h.category.as_deref()) {
        return Err(Error::invalid(
            "item",
            &item.code,
            format!(
                "stocktake {} counts category {}; {} is {}",
                h.id,
                h.category.as_deref().unwrap_or(""),
                item.code,
                item.category.as_deref().unwrap_or("in no category")
            ),
        ));
    }
    let lot = counted_lot(conn, &item, req.lot.as_deref(), req.expiry, now, user)?;
    let counted = match req.quantity {
        Some(q) if q < 0 => {
            return Err(Error::invalid(
                "counted quantity",
                q.to_string(),
                "a count is 0 or more",
            ));
        }
        Some(q) => {
            check_quantity("counted quantity", q, &q.to_string())?;
            q
        }
        // A scan without a quantity counts one more unit of the line.
        None => {
            let previous: Option<i64> = conn.query_opt(
                &sql::PREVIOUS_COUNT,
                args![h.id, lot.id, req.opened.map(|d| d.to_string())],
                |r| r.get(0),
            )?;
            // Counts are bounded (SPEC §10), so one more cannot overflow.
            let next = previous.unwrap_or(0) + 1;
            check_quantity("counted quantity", next, &next.to_string())?;
            next
        }
    };
    let book = balance(conn, lot.id, h.location.id, req.opened)?;
    chain::append_cells(
        conn,
        &chain::STOCKTAKE_COUNTS,
        args![
            h.id,
            item.id,
            lot.id,
            book,
            counted,
            now,
            user,
            req.opened.map(|d| d.to_string())
        ],
    )?;
    Ok(Counted {
        stocktake: h.id,
        item: item.code,
        lot: lot.lot,
        opened_on: req.opened,
        counted,
        book,
    })
}

impl Store {
    /// Start a stocktake of `location` and write its sheet; returns its id.
    /// A second open stocktake of the same location is refused.
    pub fn stocktake_start(
        &mut self,
        location: &str,
        blind: bool,
        category: Option<&str>,
        now: DateTime<Utc>,
        user: &str,
    ) -> Result<i64> {
        self.transact(|conn| {
            let location = find_location(conn, location)?;
            // Starters take turns (PostgreSQL: the chain's lock), so the
            // second sees the first's stocktake open.
            conn.lock_chain(&chain::STOCKTAKES)?;
            let open: Option<i64> =
                conn.query_opt(&sql::OPEN_AT, args![location.id], |r| r.get(0))?;
            if let Some(open) = open {
                return Err(Error::StocktakeAlreadyOpen {
                    id: open,
                    location: location.code,
                });
            }
            let category = category.map(str::trim).filter(|c| !c.is_empty());
            let id = chain::append_cells(
                conn,
                &chain::STOCKTAKES,
                args![location.id, category, blind, stamp(now), user],
            )?;
            let book: Vec<(i64, i64, i64, Option<String>, Portion)> =
                conn.query_all(&sql::BOOK_AT, args![location.id], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        ledger::portion_in(r, 4)?,
                    ))
                })?;
            for (lot, item, quantity, item_category, portion) in book {
                let matches = category.is_none_or(|c| {
                    item_category
                        .as_deref()
                        .is_some_and(|mine| mine.to_lowercase() == c.to_lowercase())
                });
                if matches {
                    chain::append_cells(
                        conn,
                        &chain::STOCKTAKE_LINES,
                        args![id, item, lot, quantity, portion.map(|d| d.to_string())],
                    )?;
                }
            }
            Ok(id)
        })
    }

    /// The count sheet: every line, sorted by item, lot.
    pub fn stocktake_sheet(&self, id: i64) -> Result<Vec<SheetLine>> {
        self.read(|conn| {
            let h = header(conn, id)?;
            let counts = latest_counts(conn, id)?;
            let mut rows = Vec::new();
            for (line, _, book) in lines(conn, id)? {
                let (item, name, lot, expiry, _) = describe(conn, line.0)?;
                let counted = counts.iter().find(|c| c.0 == line).map(|c| c.3);
                rows.push(SheetLine {
                    item,
                    name,
                    lot,
                    expiry,
                    location: h.location.code.clone(),
                    book: (!h.blind).then_some(book),
                    counted,
                    opened_on: line.1,
                });
            }
            sort_lines(&mut rows, |r| {
                (r.item.as_str(), r.lot.as_str(), r.opened_on)
            });
            Ok(rows)
        })
    }

    /// Record one count (SPEC §13: with the book at this moment).
    pub fn stocktake_count(
        &mut self,
        id: i64,
        req: &CountRequest,
        now: DateTime<Utc>,
        user: &str,
    ) -> Result<Counted> {
        self.transact(|conn| {
            let h = open_header(conn, id)?;
            record_count(conn, &h, req, &stamp(now), user)
        })
    }

    /// Record many counts, all or none (`stocktake enter FILE`).
    pub fn stocktake_enter(
        &mut self,
        id: i64,
        counts: &[(u64, CountRequest)],
        now: DateTime<Utc>,
        user: &str,
    ) -> Result<Vec<Counted>> {
        let now = stamp(now);
        self.transact(|conn| {
            let h = open_header(conn, id)?;
            let mut done = Vec::with_capacity(counts.len());
            for (line, req) in counts {
                done.push(
                    record_count(conn, &h, req, &now, user).map_err(|e| e.at_row(*line, None))?,
                );
            }
            Ok(done)
        })
    }

    /// Variances by line, with their value, and the totals.
    pub fn stocktake_review(&self, id: i64) -> Result<Review> {
        self.read(|conn| {
            let h = header(conn, id)?;
            let counts = latest_counts(conn, id)?;
            let mut review = Review {
                id,
                lines: Vec::new(),
                counted_lines: 0,
                uncounted_lines: 0,
                total_variance: 0,
                total_variance_value: Money(0),
            };
            for (line, _, start_book) in lines(conn, id)? {
                let (item, name, lot, _, unit_cost) = describe(conn, line.0)?;
                let count = counts.iter().find(|c| c.0 == line);
                let (book, counted) = match count {
                    Some(c) => (c.2, Some(c.3)),
                    None => (start_book, None),
                };
                let variance = counted.map(|c| c - book);
                let variance_value = match (variance, unit_cost) {
                    (Some(v), Some(cost)) => Some(Money(cost.pence().checked_mul(v).ok_or(
                        Error::TooLarge {
                            what: "variance value".into(),
                            value: format!("{v} x {cost}"),
                            limit: i64::MAX.to_string(),
                            unit: "pence",
                        },
                    )?)),
                    _ => None,
                };
                if counted.is_some() {
                    review.counted_lines += 1;
                } else {
                    review.uncounted_lines += 1;
                }
                review.total_variance += variance.unwrap_or(0);
                review.total_variance_value = Money(
                    review.total_variance_value.pence() + variance_value.map_or(0, Money::pence),
                );
                review.lines.push(ReviewLine {
                    item,
                    name,
                    lot,
                    location: h.location.code.clone(),
                    opened_on: line.1,
                    book,
                    counted,
                    variance,
                    unit_cost,
                    variance_value,
                });
            }
            sort_lines(&mut review.lines, |r| {
                (r.item.as_str(), r.lot.as_str(), r.opened_on)
            });
            Ok(review)
        })
    }

    /// Apply a stocktake: one `count` movement per line, in one
    /// transaction. Uncounted lines are refused unless `zero_uncounted`.
    pub fn stocktake_apply(
        &mut self,
        id: i64,
        zero_uncounted: bool,
        now: DateTime<Utc>,
        user: &str,
    ) -> Result<Applied> {
        self.transact(|conn| apply(conn, id, zero_uncounted, now, user))
    }

    /// Cancel an open stocktake: its counts stay as evidence; nothing moves.
    pub fn stocktake_cancel(&mut self, id: i64, now: DateTime<Utc>, user: &str) -> Result<()> {
        self.transact(|conn| {
            let h = open_header(conn, id)?;
            require_open(&h)?;
            chain::append_cells(
                conn,
                &chain::STOCKTAKE_EVENTS,
                args![id, "cancelled", false, stamp(now), user],
            )?;
            Ok(())
        })
    }

    /// Every stocktake, newest first.
    pub fn stocktakes(&self) -> Result<Vec<Summary>> {
        self.read(|conn| {
            conn.query_all(&sql::SUMMARIES, args![], |r| {
                let action: Option<String> = r.get(6)?;
                let sheet: i64 = r.get(9)?;
                let extra: i64 = r.get(11)?;
                Ok(Summary {
                    id: r.get(0)?,
                    location: r.get(1)?,
                    category: r.get(2)?,
                    blind: r.get(3)?,
                    started_at: r.get(4)?,
                    started_by: r.get(5)?,
                    status: match action.as_deref() {
                        Some("applied") => Status::Applied,
                        Some(_) => Status::Cancelled,
                        None => Status::Open,
                    },
                    ended_at: r.get(7)?,
                    ended_by: r.get(8)?,
                    lines: sheet + extra,
                    counted: r.get(10)?,
                })
            })
        })
    }
}

/// A stocktake's header for a write: its writers (counts, apply, cancel)
/// take turns on PostgreSQL (the ending events' chain lock), so a count
/// never lands on a stocktake another session has just applied.
fn open_header(conn: Conn<'_>, id: i64) -> Result<Header> {
    conn.lock_chain(&chain::STOCKTAKE_EVENTS)?;
    header(conn, id)
}

/// See [`Store::stocktake_apply`].
fn apply(
    conn: Conn<'_>,
    id: i64,
    zero_uncounted: bool,
    now: DateTime<Utc>,
    user: &str,
) -> Result<Applied> {
    let h = open_header(conn, id)?;
    require_open(&h)?;
    let counts = latest_counts(conn, id)?;
    let all = lines(conn, id)?;
    let uncounted: Vec<LineKey> = all
        .iter()
        .filter(|(line, ..)| !counts.iter().any(|c| c.0 == *line))
        .map(|(line, ..)| *line)
        .collect();
    if !uncounted.is_empty() && !zero_uncounted {
        let mut names = Vec::new();
        for (lot, portion) in uncounted.iter().take(10) {
            let (item, _, lot, ..) = describe(conn, *lot)?;
            let opened = portion
                .map(|d| format!(" (opened {d})"))
                .unwrap_or_default();
            names.push(if lot.is_empty() {
                format!("{item}{opened}")
            } else {
                format!("{item} lot {lot}{opened}")
            });
        }
        return Err(Error::StocktakeUncounted {
            id,
            count: uncounted.len(),
            lines: names.join(", "),
        });
    }
    let stamp_now = stamp(now);
    let mut applied = Applied {
        stocktake: id,
        movements: Vec::new(),
        zeroed: 0,
    };
    let mut lk = ledger::Lookups::default();
    for ((lot_id, portion), _, _) in &all {
        let (item, _, lot, ..) = describe(conn, *lot_id)?;
        let (book, counted, note) = match counts.iter().find(|c| c.0 == (*lot_id, *portion)) {
            Some(c) => (
                c.2,
                c.3,
                format!("stocktake {id}: counted {} against book {}", c.3, c.2),
            ),
            None => {
                applied.zeroed += 1;
                let book = balance(conn, *lot_id, h.location.id, *portion)?;
                (book, 0, format!("stocktake {id}: not counted, zeroed"))
            }
        };
        let mut req = MovementRequest::new(
            MovementKind::Count,
            &item,
            Quantity::bounded("counted quantity", counted)?,
            Timestamp::new("now", now)?,
            user,
        );
        req.lot = (!lot.is_empty()).then_some(lot);
        req.location = Some(h.location.code.clone());
        req.reference = Some(format!("stocktake {id}"));
        req.note = Some(note);
        req.book = Some(Quantity::bounded("book quantity", book)?);
        req.opened = *portion;
        let outcome = ledger::record_with(conn, &mut lk, &req, &stamp_now)?;
        applied.movements.extend(outcome.movements);
    }
    chain::append_cells(
        conn,
        &chain::STOCKTAKE_EVENTS,
        args![id, "applied", zero_uncounted, stamp_now, user],
    )?;
    Ok(applied)
}

/// Read a counts file (`item,lot,location,counted`, header first; `lot`
/// and `location` may be empty): each row a count, numbered by its line.
/// Unknown or missing columns and bad numbers are refused with the line.
pub fn read_counts(source: impl std::io::Read) -> Result<Vec<(u64, CountRequest)>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(source);
    let headers = reader
        .headers()
        .map_err(|e| Error::Csv(format!("cannot read the header row: {e}")))?
        .clone();
    let known = ["item", "lot", "location", "counted", "expiry", "opened_on"];
    for h in &headers {
        if !known.contains(&h.trim()) {
            return Err(Error::invalid(
                "column",
                h,
                "a counts file has the columns item,lot,location,counted (and expiry for a lot not yet known, opened_on for opened units)",
            ));
        }
    }
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (Some(item_col), Some(counted_col)) = (col("item"), col("counted")) else {
        return Err(Error::missing(
            "column",
            "a counts file needs at least the columns item and counted",
        ));
    };
    let (lot_col, location_col, expiry_col, opened_col) =
        (col("lot"), col("location"), col("expiry"), col("opened_on"));
    let mut counts = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| Error::Csv(format!("{e}")))?;
        let line = record.position().map_or(0, csv::Position::line);
        let cell = |i: Option<usize>| {
            i.and_then(|i| record.get(i))
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let counted_text = cell(Some(counted_col)).unwrap_or_default();
        let counted = crate::model::parse_count("counted", &counted_text)
            .map_err(|e| e.at_row(line, Some("counted")))?;
        counts.push((
            line,
            CountRequest {
                item: Some(cell(Some(item_col)).ok_or_else(|| {
                    Error::missing("item", "every row names its item").at_row(line, Some("item"))
                })?),
                gtin: None,
                lot: cell(lot_col),
                expiry: cell(expiry_col)
                    .map(|e| {
                        crate::model::parse_date("expiry", &e)
                            .map_err(|err| err.at_row(line, Some("expiry")))
                    })
                    .transpose()?,
                location: cell(location_col),
                quantity: Some(counted),
                opened: cell(opened_col)
                    .map(|d| {
                        crate::model::parse_date("opened_on", &d)
                            .map_err(|err| err.at_row(line, Some("opened_on")))
                    })
                    .transpose()?,
            },
        ));
    }
    Ok(counts)
}
