//! Tamper evidence: every row of an evidence table (the stock ledger, lot
//! creations, status changes and acceptances, equipment status changes, calibrations
//! and calibration intervals, the maintenance log, the waste register and
//! its containers and consignments, item edits, settings) carries a
//! SHA-256 hash chained to the previous row of its table.
//!
//! The append-only triggers stop mistakes made through SQL; they do not
//! stop someone who drops them. The chain makes such an edit visible
//! afterwards: `check` recomputes every hash from the row as it now stands
//! and names the first row that no longer matches, a row that was removed
//! (ids are consecutive by construction, so a gap is a deletion), and a row
//! that was slipped in without a hash.
//!
//! The hash covers the table name, the row id, the previous row's hash and
//! every column in a canonical, typed, length-prefixed encoding, so no two
//! different rows encode alike. It is computed from the very values bound
//! to the INSERT, which the STRICT tables store exactly as given.
//!
//! A chain without a secret proves integrity against edits, not against
//! someone who rewrites the whole chain with this algorithm: for that, the
//! head hashes (`labstock audit --heads`; `check` names the ledger's) are
//! written down outside the database, e.g. in the lab's weekly sign-off.

use crate::store::sql::marks::MARKS;
use crate::store::{Cell, Conn, Sql, ToCell};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::Result;

/// One chained table: its name and every column but `id` and `hash`, in
/// the order they are hashed. A unit test proves the list against the
/// schema, so a column added later cannot escape the hash. (A migration
/// that adds a column to a chained table must also version the encoding,
/// `labstock chain 1`, so rows sealed before it still verify.)
pub struct Chained {
    table: &'static str,
    columns: &'static [&'static str],
    /// How many of `columns` are always hashed. Columns after them were
    /// added by a later migration: they are hashed only when one of them
    /// holds a value, so a row sealed before they existed (all NULL)
    /// still verifies, and a row that uses them is sealed with them.
    base: usize,
    last: &'static str,
    insert: &'static str,
    rows: &'static str,
}

impl Chained {
    /// The table's name.
    pub fn table(&self) -> &'static str {
        self.table
    }

    /// The INSERT `append_cells` runs: `id`, the columns, `hash` (for the
    /// query-plan tests and the insert-floor benchmark).
    pub fn insert_sql(&self) -> &'static str {
        self.insert
    }

    /// How many leading columns a row's hash covers: every column when
    /// any added column holds a value, else the base columns.
    pub(crate) fn hashed(&self, is_null: impl Fn(usize) -> bool) -> usize {
        if (self.base..self.columns.len()).all(is_null) {
            self.base
        } else {
            self.columns.len()
        }
    }

    /// Every column but `id` and `hash`, in the order they are hashed
    /// (the PostgreSQL engine reads and hashes rows by these names).
    pub fn columns(&self) -> &'static [&'static str] {
        self.columns
    }

    /// The query `append_cells` reads the chain's last row with (for the
    /// query-plan tests: a backwards step of the rowid, which EXPLAIN QUERY
    /// PLAN shows as a SCAN that stops at its first row).
    pub fn last_sql(&self) -> &'static str {
        self.last
    }
}

/// Declare a chained table; its statements are written once
/// (`crate::store::sql::chain`), at compile time.
macro_rules! chained {
    ($name:ident, $table:literal, [$($col:literal),+ $(,)?]) => {
        chained!($name, $table, [$($col),+], added []);
    };
    ($name:ident, $table:literal, [$($col:literal),+ $(,)?], added [$($add:literal),* $(,)?]) => {
        pub const $name: Chained = Chained {
            table: $table,
            columns: &[$($col,)+ $($add),*],
            base: [$($col),+].len(),
            last: crate::store::sql::chain::chain_last!($table),
            insert: crate::store::sql::chain::chain_insert!($table, [$($col),+], [$($add),*]),
            rows: crate::store::sql::chain::chain_rows!($table, [$($col),+], [$($add),*]),
        };
    };
}

chained!(
    MOVEMENTS,
    "movements",
    [
        "at",
        "kind",
        "item_id",
        "lot_id",
        "location_id",
        "to_location_id",
        "quantity",
        "counted",
        "reason",
        "reference",
        "order_id",
        "note",
        "reverses",
        "user",
        "recorded_at"
    ],
    // SPEC §15: the opened portion a movement acts on, and the portion an
    // `open` moves units into (migration `opening`).
    added["opened_on", "to_opened_on"]
);
chained!(
    ITEM_CHANGES,
    "item_changes",
    ["item_id", "field", "old_value", "new_value", "at", "user"]
);
chained!(
    LOT_EVENTS,
    "lot_events",
    ["lot_id", "action", "on_date", "reason", "at", "user"]
);
chained!(
    LOT_ACCEPTANCES,
    "lot_acceptances",
    ["lot_id", "result", "reference", "notes", "at", "user"]
);
chained!(
    LOT_CREATIONS,
    "lot_creations",
    ["lot_id", "item_id", "lot", "expiry", "at", "user"]
);
chained!(
    WASTE_CONTAINERS,
    "waste_containers",
    [
        "code",
        "stream",
        "type",
        "location_id",
        "opened_on",
        "opened_by",
        "recorded_at"
    ]
);
chained!(
    WASTE_CONTAINER_SEALS,
    "waste_container_seals",
    [
        "container_id",
        "sealed_on",
        "weight_milli",
        "sealed_by",
        "recorded_at"
    ]
);
chained!(
    WASTE_CONSIGNMENTS,
    "waste_consignments",
    [
        "note",
        "carrier",
        "carrier_registration",
        "collected_on",
        "destination",
        "recorded_by",
        "recorded_at"
    ]
);
chained!(
    WASTE_RECORDS,
    "waste_records",
    [
        "date",
        "stream",
        "quantity_milli",
        "unit",
        "physical_form",
        "hp_codes",
        "container",
        "container_id",
        "consignment_note",
        "carrier",
        "recorded_by",
        "notes",
        "origin",
        "movement_id",
        "corrects",
        "reason",
        "recorded_at"
    ]
);
chained!(
    WASTE_CONSIGNMENT_CONTAINERS,
    "waste_consignment_containers",
    ["container_id", "consignment_id"]
);
chained!(
    WASTE_CONSIGNMENT_RECORDS,
    "waste_consignment_records",
    ["record_id", "consignment_id"]
);
chained!(
    CALIBRATIONS,
    "calibrations",
    [
        "equipment_id",
        "seq",
        "performed_on",
        "result",
        "performed_by",
        "certificate",
        "next_due",
        "notes",
        "recorded_at",
        "recorded_by"
    ]
);
chained!(
    CALIBRATION_EXTENSIONS,
    "calibration_extensions",
    [
        "equipment_id",
        "calibration_id",
        "seq",
        "granted_on",
        "previous_due",
        "extended_to",
        "reason",
        "approved_by",
        "recorded_at",
        "recorded_by"
    ]
);
chained!(
    CALIBRATION_INTERVAL_CHANGES,
    "calibration_interval_changes",
    [
        "equipment_id",
        "seq",
        "origin",
        "effective_on",
        "old_interval",
        "new_interval",
        "reason",
        "recorded_at",
        "recorded_by"
    ]
);
chained!(
    EQUIPMENT_STATUS_CHANGES,
    "equipment_status_changes",
    [
        "equipment_id",
        "seq",
        "on_date",
        "status",
        "reason",
        "recorded_at",
        "recorded_by"
    ]
);
chained!(
    SERVICE_RECORDS,
    "service_records",
    [
        "equipment_id",
        "performed_on",
        "kind",
        "performed_by",
        "notes",
        "recorded_at",
        "recorded_by"
    ]
);

chained!(
    ORDER_EVENTS,
    "order_events",
    ["order_id", "status", "on_date", "reason", "at", "user"]
);

chained!(SETTINGS, "settings", ["key", "value", "at", "user"]);
chained!(
    IMPORTS,
    "imports",
    ["kind", "sha256", "bytes", "rows", "again", "at", "user"]
);

chained!(
    STOCKTAKES,
    "stocktakes",
    ["location_id", "category", "blind", "at", "user"]
);
chained!(
    STOCKTAKE_LINES,
    "stocktake_lines",
    ["stocktake_id", "item_id", "lot_id", "book"],
    added["opened_on"]
);
chained!(
    STOCKTAKE_COUNTS,
    "stocktake_counts",
    [
        "stocktake_id",
        "item_id",
        "lot_id",
        "book",
        "counted",
        "at",
        "user"
    ],
    added["opened_on"]
);
chained!(
    STOCKTAKE_EVENTS,
    "stocktake_events",
    ["stocktake_id", "action", "zero_uncounted", "at", "user"]
);

chained!(
    LOCATION_CHANGES,
    "location_changes",
    [
        "location_id",
        "field",
        "old_value",
        "new_value",
        "at",
        "user"
    ]
);

chained!(
    TEMPERATURE_READINGS,
    "temperature_readings",
    [
        "location_id",
        "at",
        "value",
        "min",
        "max",
        "range_min",
        "range_max",
        "tolerance",
        "note",
        "user",
        "recorded_at"
    ]
);
chained!(
    EXCURSION_DECISIONS,
    "excursion_decisions",
    ["excursion_id", "decision", "reason", "lots", "at", "user"]
);
chained!(
    BATCHES,
    "batches",
    [
        "item_id",
        "lot_id",
        "location_id",
        "quantity",
        "prepared_on",
        "expiry",
        "movement_id",
        "note",
        "at",
        "user"
    ]
);
chained!(
    BATCH_COMPONENTS,
    "batch_components",
    [
        "batch_id",
        "item_id",
        "lot_id",
        "quantity",
        "movement_id",
        "expires"
    ]
);
chained!(
    ACCOUNT_CHANGES,
    "account_changes",
    ["account_id", "action", "detail", "at", "user"]
);

chained!(
    SDS_REVISIONS,
    "sds_revisions",
    [
        "item_id", "revised", "supplier", "sha256", "bytes", "filename", "at", "user"
    ]
);
chained!(
    SDS_CONFIRMATIONS,
    "sds_confirmations",
    [
        "item_id",
        "revision_id",
        "confirmed_on",
        "note",
        "at",
        "user"
    ]
);

/// Every chained table, in the order `check` reports them.
pub const TABLES: &[&Chained] = &[
    &MOVEMENTS,
    &LOT_EVENTS,
    &LOT_CREATIONS,
    &LOT_ACCEPTANCES,
    &ITEM_CHANGES,
    &ORDER_EVENTS,
    &CALIBRATIONS,
    &CALIBRATION_EXTENSIONS,
    &CALIBRATION_INTERVAL_CHANGES,
    &EQUIPMENT_STATUS_CHANGES,
    &SERVICE_RECORDS,
    &WASTE_RECORDS,
    &WASTE_CONTAINERS,
    &WASTE_CONTAINER_SEALS,
    &WASTE_CONSIGNMENTS,
    &WASTE_CONSIGNMENT_CONTAINERS,
    &WASTE_CONSIGNMENT_RECORDS,
    &SETTINGS,
    &LOCATION_CHANGES,
    &ACCOUNT_CHANGES,
    &STOCKTAKES,
    &STOCKTAKE_LINES,
    &STOCKTAKE_COUNTS,
    &STOCKTAKE_EVENTS,
    &IMPORTS,
    &TEMPERATURE_READINGS,
    &EXCURSION_DECISIONS,
    &BATCHES,
    &BATCH_COMPONENTS,
    &SDS_REVISIONS,
    &SDS_CONFIRMATIONS,
];

/// The hash before a table's first row.
pub(crate) const GENESIS: [u8; 32] = [0; 32];

/// Append one row to a chained table in the caller's transaction, on
/// either engine, and return its id. The id is the last row's + 1, so the
/// chain has no gaps: on SQLite the IMMEDIATE transaction holds the write
/// lock, on PostgreSQL the chain's advisory lock (src/store/mod.rs), so no
/// other writer can take the same id or chain to the same row.
pub(crate) fn append_cells(conn: Conn<'_>, table: &Chained, values: &[&dyn ToCell]) -> Result<i64> {
    debug_assert_eq!(values.len(), table.columns.len(), "{}", table.table);
    conn.lock_chain(table)?;
    let (last_id, last_hash) = conn.chain_head(table)?.unwrap_or((0, GENESIS.to_vec()));
    let id = last_id + 1;
    let cells: Vec<Cell<'_>> = values.iter().map(|v| v.to_cell()).collect();
    let hashed = table.hashed(|i| matches!(cells[i], Cell::Null));
    let mut h = begin(table.table, id, &last_hash, hashed);
    for c in &cells[..hashed] {
        put_cell(&mut h, c);
    }
    let hash: [u8; 32] = h.finalize().into();
    conn.insert_chained(table, id, values, &hash)?;
    Ok(id)
}

/// SHA-256 over the canonical encoding of one row (any engine: the
/// PostgreSQL engine hashes the same typed values).
pub(crate) fn digest(table: &str, id: i64, prev: &[u8], values: &[Cell<'_>]) -> [u8; 32] {
    let mut h = begin(table, id, prev, values.len());
    for v in values {
        put_cell(&mut h, v);
    }
    h.finalize().into()
}

/// The hash of a row so far: everything but its columns.
pub(crate) fn begin(table: &str, id: i64, prev: &[u8], columns: usize) -> Sha256 {
    let mut h = Sha256::new();
    h.update(b"labstock chain 1\0");
    put_bytes(&mut h, table.as_bytes());
    h.update(id.to_be_bytes());
    put_bytes(&mut h, prev);
    h.update((columns as u64).to_be_bytes());
    h
}

/// One column: its type (NULL 0, integer 1, real 2, text 3, blob 4),
/// then its value (an integer as 8 big-endian bytes, a real as the 8
/// big-endian bytes of its IEEE 754 bits, text as its UTF-8 bytes and a
/// blob as its bytes, each of those two length-prefixed).
pub(crate) fn put_cell(h: &mut Sha256, c: &Cell<'_>) {
    match c {
        Cell::Null => h.update([0]),
        Cell::Integer(i) => {
            h.update([1]);
            h.update(i.to_be_bytes());
        }
        Cell::Real(f) => {
            h.update([2]);
            h.update(f.to_bits().to_be_bytes());
        }
        Cell::Text(t) => {
            h.update([3]);
            put_bytes(h, t.as_bytes());
        }
        Cell::Blob(b) => {
            h.update([4]);
            put_bytes(h, b);
        }
    }
}

fn put_bytes(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_be_bytes());
    h.update(bytes);
}

/// Lower-case hex, for people.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The last row of one chain: what an auditor writes down to detect a
/// later rewrite of the whole chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Head {
    pub table: String,
    pub rows: i64,
    pub last_id: i64,
    pub hash: String,
}

/// What verifying every chain found.
#[derive(Debug, Clone, Default)]
pub struct Verified {
    /// Rows whose hash was recomputed.
    pub rows: i64,
    pub heads: Vec<Head>,
    /// One sentence per broken chain, naming its first bad row.
    pub problems: Vec<String>,
}

/// The last row of every chain, read without verifying (one index probe
/// each), on either engine. Ids are consecutive, so the last id is the
/// row count of an intact chain.
pub fn heads<'c>(conn: impl Into<Conn<'c>>) -> Result<Vec<Head>> {
    let conn = conn.into();
    let mut out = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let last = conn.query_opt(&Sql::both(table.last), crate::args![], |r| {
            Ok((r.get::<i64>(0)?, r.get::<Vec<u8>>(1)?))
        })?;
        out.push(Head {
            table: table.table.to_owned(),
            rows: last.as_ref().map_or(0, |(id, _)| *id),
            last_id: last.as_ref().map_or(0, |(id, _)| *id),
            hash: last.map(|(_, h)| hex(&h)).unwrap_or_default(),
        });
    }
    Ok(out)
}

/// Marks that move whenever anything the reports read is written: the
/// last id of every chain (every change of stock, status, setting or
/// record is a chained row) and of the tables whose rows are added without
/// one (items, locations, lots, orders, equipment). Equal marks mean the
/// same data, so a summary computed for them may be reused (the server's
/// dashboard). One index probe each.
pub fn change_marks(conn: Conn<'_>) -> Result<Vec<i64>> {
    let mut out = Vec::with_capacity(TABLES.len() + MARKS.len());
    for table in TABLES {
        let last = conn.query_opt(&Sql::both(table.last), crate::args![], |r| r.get::<i64>(0))?;
        out.push(last.unwrap_or(0));
    }
    for sql in MARKS {
        let last = conn.query_one(&sql, crate::args![], |r| r.get::<Option<i64>>(0))?;
        out.push(last.unwrap_or(0));
    }
    Ok(out)
}

/// Recompute every chain from the rows as they now stand, on either
/// engine (`check`, and `copy` proving its PostgreSQL target).
pub fn verify<'c>(conn: impl Into<Conn<'c>>) -> Result<Verified> {
    let conn = conn.into();
    let mut out = Verified::default();
    for table in TABLES {
        verify_table(conn, table, &mut out)?;
    }
    Ok(out)
}

/// Walk one table in id order. Each row is hashed against the stored hash
/// of the row before it, so one edited row shows as exactly one bad row
/// rather than breaking everything after it.
fn verify_table(conn: Conn<'_>, table: &Chained, out: &mut Verified) -> Result<()> {
    let all = table.columns.len();
    let mut walk = Walk::new(table);
    conn.for_each(&Sql::both(table.rows), crate::args![], |r| {
        let id: i64 = r.get(0)?;
        // Hashed straight from the row: no copy of its values.
        let n = table.hashed(|i| matches!(r.cell(i + 1), Ok(Cell::Null)));
        let mut h = begin(table.table, id, walk.prev_hash(), n);
        for i in 1..=n {
            put_cell(&mut h, &r.cell(i)?);
        }
        let stored = r.cell(all + 1)?;
        let stored = match &stored {
            Cell::Blob(b) => Some(&b[..]),
            _ => None,
        };
        walk.row(id, h.finalize().into(), stored);
        Ok(())
    })?;
    walk.finish(out);
    Ok(())
}

/// The walk of one chain in id order, whatever engine the rows come
/// from: feed it each row's id, recomputed hash and stored hash.
pub(crate) struct Walk<'t> {
    table: &'t Chained,
    prev_id: i64,
    prev_hash: Vec<u8>,
    first: Option<String>,
    broken: i64,
    count: i64,
}

impl<'t> Walk<'t> {
    pub(crate) fn new(table: &'t Chained) -> Walk<'t> {
        Walk {
            table,
            prev_id: 0,
            prev_hash: GENESIS.to_vec(),
            first: None,
            broken: 0,
            count: 0,
        }
    }

    /// The stored hash of the row before the next one: what the next
    /// row's hash chains to.
    pub(crate) fn prev_hash(&self) -> &[u8] {
        &self.prev_hash
    }

    /// One row: its id, the hash recomputed from its values (chained to
    /// [`Walk::prev_hash`]) and the hash stored with it.
    pub(crate) fn row(&mut self, id: i64, computed: [u8; 32], stored: Option<&[u8]>) {
        let table = self.table.table;
        self.count += 1;
        let problem = if id == self.prev_id + 1 {
            match stored {
                None => Some(format!(
                    "{table} row {id} has no hash: it was written outside labstock"
                )),
                Some(h) if h[..] != computed[..] => Some(format!(
                    "{table} row {id} no longer matches its hash: it was changed outside labstock (run `labstock audit --entity {}:{id}`)",
                    record_name(table)
                )),
                Some(_) => None,
            }
        } else {
            Some(gap(table, self.prev_id, id))
        };
        if let Some(p) = problem {
            self.broken += 1;
            self.first.get_or_insert(p);
        }
        self.prev_id = id;
        self.prev_hash = stored.map(<[u8]>::to_vec).unwrap_or_default();
    }

    /// The chain's head and its problem, if any, added to `out`.
    pub(crate) fn finish(self, out: &mut Verified) {
        let table = self.table.table;
        out.rows += self.count;
        out.heads.push(Head {
            table: table.to_owned(),
            rows: self.count,
            last_id: self.prev_id,
            hash: if self.count == 0 {
                String::new()
            } else {
                hex(&self.prev_hash)
            },
        });
        if let Some(first) = self.first {
            out.problems.push(if self.broken > 1 {
                format!(
                    "{first}; {} later row(s) of {table} also fail",
                    self.broken - 1
                )
            } else {
                first
            });
        }
    }
}

fn gap(table: &str, prev_id: i64, id: i64) -> String {
    let missing = if id - prev_id == 2 {
        format!("row {} is missing", prev_id + 1)
    } else {
        format!("rows {}–{} are missing", prev_id + 1, id - 1)
    };
    format!(
        "{table} {missing}: deleted outside labstock (the chain goes from row {prev_id} to row {id})"
    )
}

/// The audit record kind a table's rows are listed under.
pub(crate) fn record_name(table: &str) -> &'static str {
    match table {
        "movements" => "movement",
        "lot_events" => "lot_event",
        "lot_creations" => "lot_creation",
        "lot_acceptances" => "acceptance",
        "item_changes" => "item_change",
        "order_events" => "order_event",
        "calibrations" => "calibration",
        "calibration_extensions" => "extension",
        "calibration_interval_changes" => "interval_change",
        "equipment_status_changes" => "status_change",
        "service_records" => "service",
        "waste_records" => "waste",
        "waste_containers" => "container",
        "waste_container_seals" => "seal",
        "waste_consignments" => "consignment",
        "waste_consignment_containers" => "consigned_container",
        "imports" => "import",
        "batches" => "batch",
        "batch_components" => "batch_component",
        "sds_revisions" => "sds",
        "sds_confirmations" => "sds_confirmation",
        _ => "consigned_record",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_distinguishes_types_and_boundaries() {
        let all = [
            digest(
                "t",
                1,
                &GENESIS,
                &[Cell::Text("ab".into()), Cell::Text("c".into())],
            ),
            digest(
                "t",
                1,
                &GENESIS,
                &[Cell::Text("a".into()), Cell::Text("bc".into())],
            ),
            digest("t", 1, &GENESIS, &[Cell::Integer(1)]),
            digest("t", 1, &GENESIS, &[Cell::Text("1".into())]),
            digest("t", 2, &GENESIS, &[Cell::Integer(1)]),
            digest("u", 1, &GENESIS, &[Cell::Integer(1)]),
            digest("t", 1, &GENESIS, &[Cell::Null]),
            digest("t", 1, &[1; 32], &[Cell::Null]),
        ];
        for (i, x) in all.iter().enumerate() {
            for y in &all[i + 1..] {
                assert_ne!(x, y);
            }
        }
    }

    /// The encoding itself, pinned: a row of every type hashes to the
    /// bytes the first sealed databases were written with (computed
    /// independently of this code), so existing chains keep verifying.
    #[test]
    fn encoding_is_pinned() {
        let prev: Vec<u8> = (0..32).collect();
        let got = digest(
            "movements",
            7,
            &prev,
            &[
                Cell::Null,
                Cell::Integer(-42),
                Cell::Real(2.5),
                Cell::Text("Ethanol é".into()),
                Cell::Blob(vec![0, 255].into()),
            ],
        );
        assert_eq!(
            hex(&got),
            "87330393693e3d65ccf8fc5aeb80698718febab52fc077e9c67a468ac3d0b5bb"
        );
    }

    #[test]
    fn hex_is_lower_case_and_padded() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
    }
}
