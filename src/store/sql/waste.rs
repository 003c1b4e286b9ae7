//! The SQL of the hazardous-waste register (src/waste/): streams,
//! containers, disposal records, consignments and their reports.
//!
//! Where a parameter is only tested for NULL PostgreSQL cannot tell its
//! type from `?N IS NULL`, so its text says `CAST(?N AS TEXT) IS NULL`
//! (SQLite keeps the shorter form its plans were proven with). Container
//! codes and consignment notes are NOCASE on SQLite and `labstock_nocase`
//! on PostgreSQL, so `=` finds them in any case on both; the container
//! list sorts them as NOCASE does (`lower` under "C" folds ASCII only).

use crate::store::Sql;

/// A stream by its canonical code.
pub const STREAM_BY_CODE: Sql =
    Sql::both("SELECT code, name, hazardous, container, route FROM waste_streams WHERE code = ?1");
/// Every stream code, for suggestions.
pub const STREAM_CODES: Sql = Sql::both("SELECT code FROM waste_streams");
/// Every stream, by code (byte order: `code` is BINARY / "C").
pub const STREAMS: Sql =
    Sql::both("SELECT code, name, hazardous, container, route FROM waste_streams ORDER BY code");
/// A new stream (`waste stream add`).
pub const INSERT_STREAM: Sql = Sql::both(
    "INSERT INTO waste_streams (code, name, hazardous, container, route) VALUES (?1, ?2, ?3, ?4, ?5)",
);
/// A stream's description, container colour and route (`waste stream edit`).
pub const UPDATE_STREAM: Sql =
    Sql::both("UPDATE waste_streams SET name = ?2, container = ?3, route = ?4 WHERE code = ?1");
/// (name, hazardous) of a stream.
pub const STREAM_DESCRIPTION: Sql =
    Sql::both("SELECT name, hazardous FROM waste_streams WHERE code = ?1");

/// The columns of a container, in `container_of` order.
macro_rules! container_select {
    () => {
        "SELECT c.id, c.code, c.stream, s.hazardous, c.type, l.code, c.opened_on, \
         z.sealed_on, z.weight_milli, k.id, k.note \
         FROM waste_containers c JOIN waste_streams s ON s.code = c.stream \
         JOIN locations l ON l.id = c.location_id \
         LEFT JOIN waste_container_seals z ON z.container_id = c.id \
         LEFT JOIN waste_consignment_containers cc ON cc.container_id = c.id \
         LEFT JOIN waste_consignments k ON k.id = cc.consignment_id"
    };
}

/// A registered container by code (NOCASE).
pub const CONTAINER_BY_CODE: Sql = Sql::both(concat!(container_select!(), " WHERE c.code = ?1"));
/// Every container code, for suggestions.
pub const CONTAINER_CODES: Sql = Sql::both("SELECT code FROM waste_containers");
/// Every container, oldest first, then by code in NOCASE order.
pub const CONTAINERS: Sql = Sql::each(
    concat!(container_select!(), " ORDER BY c.opened_on, c.code"),
    concat!(
        container_select!(),
        " ORDER BY c.opened_on, lower(c.code COLLATE \"C\") COLLATE \"C\", c.code COLLATE \"C\""
    ),
);
/// The records in a container that still count (not corrected, not
/// withdrawn).
pub const LIVE_RECORDS_IN: Sql = Sql::both(
    "SELECT count(*) FROM waste_records r WHERE r.container_id = ?1 AND r.quantity_milli > 0 \
     AND NOT EXISTS (SELECT 1 FROM waste_records x WHERE x.corrects = r.id)",
);

/// A record being corrected, with the record correcting it and the
/// consignment it left on, if any.
pub const ORIGINAL: Sql = Sql::both(
    "SELECT r.id, r.date, r.stream, r.quantity_milli, r.unit, r.physical_form, r.hp_codes, r.container, \
     r.container_id, r.consignment_note, r.carrier, r.notes, \
     (SELECT x.id FROM waste_records x WHERE x.corrects = r.id), k.id, k.note \
     FROM waste_records r LEFT JOIN waste_consignment_records l ON l.record_id = r.id \
     LEFT JOIN waste_consignments k ON k.id = l.consignment_id WHERE r.id = ?1",
);

/// A loose record named by `waste consign --record`, with what decides
/// whether it may leave: its correction, its consignment, its container.
pub const LOOSE_RECORD: Sql = Sql::both(
    "SELECT r.stream, s.hazardous, r.date, r.quantity_milli, r.consignment_note, \
     (SELECT x.id FROM waste_records x WHERE x.corrects = r.id), k.note, \
     c.id, c.code, EXISTS (SELECT 1 FROM waste_consignment_containers cc WHERE cc.container_id = c.id) \
     FROM waste_records r JOIN waste_streams s ON s.code = r.stream \
     LEFT JOIN waste_consignment_records l ON l.record_id = r.id \
     LEFT JOIN waste_consignments k ON k.id = l.consignment_id \
     LEFT JOIN waste_containers c ON c.id = r.container_id WHERE r.id = ?1",
);
/// A consignment by note (NOCASE), as stored.
pub const CONSIGNMENT_NOTE: Sql = Sql::both("SELECT note FROM waste_consignments WHERE note = ?1");
/// The records in a container not yet on a consignment, by id.
pub const UNCONSIGNED_IN_CONTAINER: Sql = Sql::both(
    "SELECT r.id, r.consignment_note FROM waste_records r WHERE r.container_id = ?1 \
     AND NOT EXISTS (SELECT 1 FROM waste_consignment_records l WHERE l.record_id = r.id) ORDER BY r.id",
);
/// The live records of one consignment: (stream, unit, quantity).
pub const CONSIGNED_RECORDS: Sql = Sql::both(
    "SELECT r.stream, r.unit, r.quantity_milli FROM waste_consignment_records l \
     JOIN waste_records r ON r.id = l.record_id WHERE l.consignment_id = ?1 AND r.quantity_milli > 0 \
     AND NOT EXISTS (SELECT 1 FROM waste_records x WHERE x.corrects = r.id)",
);

/// The columns of a register row, in `waste_row` order.
macro_rules! record_select {
    () => {
        "SELECT r.id, r.date, r.stream, s.name, s.hazardous, r.quantity_milli, r.unit, r.container, \
         COALESCE(r.consignment_note, k.note), COALESCE(r.carrier, k.carrier), r.recorded_by, \
         r.physical_form, r.hp_codes, r.origin, r.movement_id, r.corrects, \
         (SELECT x.id FROM waste_records x WHERE x.corrects = r.id), r.reason, r.notes \
         FROM waste_records r JOIN waste_streams s ON s.code = r.stream \
         LEFT JOIN waste_consignment_records l ON l.record_id = r.id \
         LEFT JOIN waste_consignments k ON k.id = l.consignment_id "
    };
}

/// Every record dated ?1..=?2 (of stream ?3 unless NULL), corrected ones
/// and withdrawals included (`waste list`).
pub const RECORDS: Sql = Sql::each(
    concat!(
        record_select!(),
        "WHERE r.date BETWEEN ?1 AND ?2 AND (?3 IS NULL OR r.stream = ?3) ORDER BY r.date, r.id"
    ),
    concat!(
        record_select!(),
        "WHERE r.date BETWEEN ?1 AND ?2 AND (CAST(?3 AS TEXT) IS NULL OR r.stream = ?3) \
         ORDER BY r.date, r.id"
    ),
);
/// The live records dated ?1..=?2 (of stream ?3 unless NULL): not
/// corrected, not withdrawn (`report waste`).
pub const LIVE_RECORDS: Sql = Sql::each(
    concat!(
        record_select!(),
        "WHERE r.date BETWEEN ?1 AND ?2 AND (?3 IS NULL OR r.stream = ?3) \
         AND r.quantity_milli > 0 AND NOT EXISTS (SELECT 1 FROM waste_records x WHERE x.corrects = r.id) \
         ORDER BY r.date, r.id"
    ),
    concat!(
        record_select!(),
        "WHERE r.date BETWEEN ?1 AND ?2 AND (CAST(?3 AS TEXT) IS NULL OR r.stream = ?3) \
         AND r.quantity_milli > 0 AND NOT EXISTS (SELECT 1 FROM waste_records x WHERE x.corrects = r.id) \
         ORDER BY r.date, r.id"
    ),
);

/// The hot SQL of `report waste --totals`: the records in a date range,
/// read from the covering index `waste_records_date` alone (no table
/// row, no per-record subquery, no sort); grouped in one pass in Rust.
pub const TOTALS_RECORDS: Sql = Sql::each(
    "SELECT r.id, r.date, r.stream, r.unit, r.quantity_milli \
     FROM waste_records r \
     WHERE r.date BETWEEN ?1 AND ?2 AND (?3 IS NULL OR r.stream = ?3) AND r.quantity_milli > 0",
    "SELECT r.id, r.date, r.stream, r.unit, r.quantity_milli \
     FROM waste_records r \
     WHERE r.date BETWEEN ?1 AND ?2 AND (CAST(?3 AS TEXT) IS NULL OR r.stream = ?3) \
     AND r.quantity_milli > 0",
);
/// The records that a later record corrects (so no longer count), from
/// the unique index on `corrects`, which skips the NULLs.
pub const CORRECTED_RECORDS: Sql =
    Sql::both("SELECT corrects FROM waste_records WHERE corrects IS NOT NULL");

/// The standing records under a consignment note (their own, or their
/// consignment's), of stream ?1 unless NULL, dated up to ?2 unless NULL.
pub const CONSIGNMENT_LINES: Sql = Sql::each(
    "SELECT COALESCE(r.consignment_note, k.note), k.collected_on, r.date, COALESCE(k.carrier, r.carrier), \
     k.carrier_registration, k.destination, r.stream, s.name, s.hazardous, r.unit, r.quantity_milli, r.container \
     FROM waste_records r JOIN waste_streams s ON s.code = r.stream \
     LEFT JOIN waste_consignment_records l ON l.record_id = r.id \
     LEFT JOIN waste_consignments k ON k.id = l.consignment_id \
     WHERE COALESCE(r.consignment_note, k.note) IS NOT NULL AND (?1 IS NULL OR r.stream = ?1) \
     AND (?2 IS NULL OR r.date <= ?2) \
     AND NOT EXISTS (SELECT 1 FROM waste_records x WHERE x.corrects = r.id) ORDER BY r.date, r.id",
    "SELECT COALESCE(r.consignment_note, k.note), k.collected_on, r.date, COALESCE(k.carrier, r.carrier), \
     k.carrier_registration, k.destination, r.stream, s.name, s.hazardous, r.unit, r.quantity_milli, r.container \
     FROM waste_records r JOIN waste_streams s ON s.code = r.stream \
     LEFT JOIN waste_consignment_records l ON l.record_id = r.id \
     LEFT JOIN waste_consignments k ON k.id = l.consignment_id \
     WHERE COALESCE(r.consignment_note, k.note) IS NOT NULL AND (CAST(?1 AS TEXT) IS NULL OR r.stream = ?1) \
     AND (CAST(?2 AS TEXT) IS NULL OR r.date <= ?2) \
     AND NOT EXISTS (SELECT 1 FROM waste_records x WHERE x.corrects = r.id) ORDER BY r.date, r.id",
);

/// Hazardous live records dated before ?1 with no consignment note: read
/// through the partial index `waste_records_unconsigned`, which holds only
/// the records without a note (every `report waste` runs it for its
/// warnings).
pub const UNCONSIGNED: Sql = Sql::both(
    "SELECT r.id, r.date, r.stream, r.quantity_milli, r.unit, r.container \
     FROM waste_records r JOIN waste_streams s ON s.code = r.stream \
     WHERE s.hazardous = 1 AND r.date < ?1 AND r.consignment_note IS NULL \
     AND NOT EXISTS (SELECT 1 FROM waste_consignment_records l WHERE l.record_id = r.id) \
     AND r.quantity_milli > 0 AND NOT EXISTS (SELECT 1 FROM waste_records x WHERE x.corrects = r.id) \
     ORDER BY r.date, r.id",
);
