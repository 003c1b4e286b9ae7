//! The SQL of storage temperatures (src/temperature.rs): readings, the
//! excursions maintained from them, the lots kept for ended excursions
//! (src/store/sqlite/migrations/excursion_lots.sql), decisions, and what `check`
//! proves of them.
//!
//! Location codes are ordered by their column's collation on both engines
//! (SQLite `NOCASE`, PostgreSQL `labstock_nocase`), as `report excursions`
//! and `temp list` always ordered them.

use crate::store::Sql;

/// SQL true when a reading (columns of `temperature_readings`) is in its
/// range: value, min and max all within (the partial index's condition,
/// `temperature_readings_in_range`, on both engines).
macro_rules! in_range {
    () => {
        "value BETWEEN range_min AND range_max \
         AND coalesce(min, value) BETWEEN range_min AND range_max \
         AND coalesce(max, value) BETWEEN range_min AND range_max"
    };
}

/// The last in-range reading of a location before a time.
pub const IN_RANGE_BEFORE: Sql = Sql::both(concat!(
    "SELECT at FROM temperature_readings WHERE location_id = ?1 AND at < ?2 AND ",
    in_range!(),
    " ORDER BY at DESC LIMIT 1"
));
/// The first in-range reading of a location after a time.
pub const IN_RANGE_AFTER: Sql = Sql::both(concat!(
    "SELECT at FROM temperature_readings WHERE location_id = ?1 AND at > ?2 AND ",
    in_range!(),
    " ORDER BY at LIMIT 1"
));
/// A location's readings from a time (inclusive) to another (inclusive, or
/// to the end: ?3 NULL), oldest first.
pub const READINGS_BETWEEN: Sql = Sql::each(
    "SELECT id, at, value, min, max, range_min, range_max, tolerance \
     FROM temperature_readings WHERE location_id = ?1 AND at >= ?2 AND (?3 IS NULL OR at <= ?3) ORDER BY at",
    "SELECT id, at, value, min, max, range_min, range_max, tolerance \
     FROM temperature_readings WHERE location_id = ?1 AND at >= ?2 \
     AND (CAST(?3 AS TEXT) IS NULL OR at <= ?3) ORDER BY at",
);
/// The reading of a location at a timestamp.
pub const READING_AT: Sql = Sql::both(
    "SELECT value, min, max FROM temperature_readings WHERE location_id = ?1 AND at = ?2",
);
/// A location's range and tolerance (range NULL: not monitored).
pub const MONITORING: Sql =
    Sql::both("SELECT min_temp, max_temp, tolerance_minutes FROM locations WHERE id = ?1");
/// A location's new range.
pub const SET_RANGE: Sql =
    Sql::both("UPDATE locations SET min_temp = ?2, max_temp = ?3 WHERE id = ?1");
/// A location's new tolerance.
pub const SET_TOLERANCE: Sql =
    Sql::both("UPDATE locations SET tolerance_minutes = ?2 WHERE id = ?1");

/// The excursions of a location that began after ?2 and before ?3 (NULL:
/// to the end), with their decisions (`excursions_location`).
pub const EXCURSIONS_WITHIN: Sql = Sql::each(
    "SELECT e.id, e.from_at, e.to_at, d.decision FROM excursions e \
     LEFT JOIN excursion_decisions d ON d.excursion_id = e.id \
     WHERE e.location_id = ?1 AND e.first_at > ?2 AND (?3 IS NULL OR e.first_at < ?3)",
    "SELECT e.id, e.from_at, e.to_at, d.decision FROM excursions e \
     LEFT JOIN excursion_decisions d ON d.excursion_id = e.id \
     WHERE e.location_id = ?1 AND e.first_at > ?2 AND (CAST(?3 AS TEXT) IS NULL OR e.first_at < ?3)",
);
/// An excursion refreshed away (its kept lots go with it: ON DELETE
/// CASCADE).
pub const DELETE_EXCURSION: Sql = Sql::both("DELETE FROM excursions WHERE id = ?1");
/// An excursion as the readings now make it.
pub const INSERT_EXCURSION: Sql = Sql::both(
    "INSERT INTO excursions (id, location_id, first_at, from_at, to_at, last_at, readings, peak, tolerance) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
);
/// The excursion of a location that a reading at ?2 belongs to.
pub const EXCURSION_AT: Sql = Sql::both(
    "SELECT id FROM excursions WHERE location_id = ?1 AND first_at <= ?2 AND last_at >= ?2",
);

/// Drop the kept lots of a location's excursions that ended at or after a
/// time (`excursion_lots_end`; a movement dated now matches none).
pub const UNKEEP: Sql =
    Sql::both("DELETE FROM excursion_lots WHERE location_id = ?1 AND to_at >= ?2");
/// The ended excursions of a location whose held lots are not kept (just
/// ended, moved by a reading, or dropped by a backdated movement), in time
/// order.
pub const UNKEPT: Sql = Sql::both(
    "SELECT e.from_at, e.to_at, e.id FROM excursions e \
     WHERE e.location_id = ?1 AND e.to_at IS NOT NULL \
       AND NOT EXISTS (SELECT 1 FROM excursion_lots k WHERE k.excursion_id = e.id) \
     ORDER BY e.from_at, e.first_at",
);
/// How many ended excursions of a location have no kept lots.
pub const UNKEPT_COUNT: Sql = Sql::both(
    "SELECT (SELECT count(*) FROM excursions WHERE location_id = ?1 AND to_at IS NOT NULL) \
     - (SELECT count(*) FROM excursion_lots WHERE location_id = ?1)",
);
/// The lots held during an ended excursion, kept.
pub const INSERT_KEPT: Sql = Sql::both(
    "INSERT INTO excursion_lots (excursion_id, location_id, from_at, to_at, lots) \
     VALUES (?1, ?2, ?3, ?4, ?5)",
);
/// Every location with an ended excursion (the migration that keeps them
/// all).
pub const ENDED_LOCATIONS: Sql = Sql::both(
    "SELECT DISTINCT location_id FROM excursions WHERE to_at IS NOT NULL ORDER BY location_id",
);
/// The kept lots of an excursion, if kept for its window as it stands.
pub const KEPT: Sql = Sql::both(
    "SELECT lots FROM excursion_lots WHERE excursion_id = ?1 AND from_at = ?2 AND to_at = ?3",
);

/// Each lot a location holds or held (a balance row exists for each),
/// with what it holds now, its item and lot number. PostgreSQL groups by
/// the keys the other columns depend on.
pub const LOTS_AT: Sql = Sql::each(
    "SELECT b.lot_id, sum(b.quantity), i.code, l.lot FROM balances b JOIN lots l ON l.id = b.lot_id \
     JOIN items i ON i.id = b.item_id WHERE b.location_id = ?1 GROUP BY b.lot_id",
    "SELECT b.lot_id, sum(b.quantity), i.code, l.lot FROM balances b JOIN lots l ON l.id = b.lot_id \
     JOIN items i ON i.id = b.item_id WHERE b.location_id = ?1 GROUP BY b.lot_id, i.id, l.id",
);
/// A lot's movements after a time, sealed units only, in ledger order
/// (`movements_lot_at`).
pub const LOT_MOVEMENTS_AFTER: Sql = Sql::both(
    "SELECT at, location_id, to_location_id, quantity FROM movements \
     WHERE lot_id = ?1 AND at > ?2 AND to_opened_on IS NULL ORDER BY at, id",
);

/// The columns of an excursion as stored, with its decision.
macro_rules! stored {
    () => {
        "SELECT e.id, e.location_id, loc.code, e.from_at, e.to_at, e.last_at, e.readings, e.peak, \
         e.tolerance, d.decision, d.\"user\", d.reason, d.at, d.lots FROM excursions e \
         JOIN locations loc ON loc.id = e.location_id \
         LEFT JOIN excursion_decisions d ON d.excursion_id = e.id"
    };
}
/// Every excursion, or a location's (?1), by location and time.
pub const STORED: Sql = Sql::each(
    concat!(
        stored!(),
        " WHERE (?1 IS NULL OR e.location_id = ?1) ORDER BY loc.code, e.first_at"
    ),
    concat!(
        stored!(),
        " WHERE (CAST(?1 AS BIGINT) IS NULL OR e.location_id = ?1) ORDER BY loc.code, e.first_at"
    ),
);
/// One excursion, by id.
pub const STORED_BY_ID: Sql = Sql::both(concat!(stored!(), " WHERE e.id = ?1"));

/// `temp list`: readings of a location (?1, or all), from ?2 (inclusive)
/// to ?3 (exclusive), by location and time.
pub const READINGS: Sql = Sql::each(
    "SELECT loc.code, r.at, r.value, r.min, r.max, r.range_min, r.range_max, r.user, r.note \
     FROM temperature_readings r JOIN locations loc ON loc.id = r.location_id \
     WHERE (?1 IS NULL OR r.location_id = ?1) AND (?2 IS NULL OR r.at >= ?2) AND (?3 IS NULL OR r.at < ?3) \
     ORDER BY loc.code, r.at",
    "SELECT loc.code, r.at, r.value, r.min, r.max, r.range_min, r.range_max, r.\"user\", r.note \
     FROM temperature_readings r JOIN locations loc ON loc.id = r.location_id \
     WHERE (CAST(?1 AS BIGINT) IS NULL OR r.location_id = ?1) \
       AND (CAST(?2 AS TEXT) IS NULL OR r.at >= ?2) AND (CAST(?3 AS TEXT) IS NULL OR r.at < ?3) \
     ORDER BY loc.code, r.at",
);
/// The monitored locations (or one, ?1), by code.
pub const MONITORED: Sql = Sql::each(
    "SELECT id, code FROM locations WHERE min_temp IS NOT NULL AND (?1 IS NULL OR id = ?1) ORDER BY code",
    "SELECT id, code FROM locations WHERE min_temp IS NOT NULL \
     AND (CAST(?1 AS BIGINT) IS NULL OR id = ?1) ORDER BY code",
);

/// `check`: every location with readings or excursions.
pub const CHECKED_LOCATIONS: Sql = Sql::both(
    "SELECT DISTINCT r.location_id, loc.code FROM temperature_readings r \
     JOIN locations loc ON loc.id = r.location_id \
     UNION SELECT e.location_id, loc.code FROM excursions e JOIN locations loc ON loc.id = e.location_id \
     ORDER BY 1",
);
/// `check`: a location's excursions as stored, in time order.
pub const STORED_RUNS: Sql = Sql::both(
    "SELECT id, first_at, from_at, to_at, last_at, readings, peak, tolerance FROM excursions \
     WHERE location_id = ?1 ORDER BY first_at",
);
/// `check`: kept lots whose window is not their excursion's.
pub const STALE_KEPT: Sql = Sql::both(
    "SELECT k.excursion_id, loc.code, k.from_at, k.to_at, e.from_at, e.to_at FROM excursion_lots k \
     JOIN excursions e ON e.id = k.excursion_id JOIN locations loc ON loc.id = e.location_id \
     WHERE k.from_at <> e.from_at OR e.to_at IS NULL OR k.to_at <> e.to_at OR k.location_id <> e.location_id \
     ORDER BY k.excursion_id",
);
/// `check`: every location with kept lots, by code.
pub const KEPT_LOCATIONS: Sql = Sql::both(
    "SELECT DISTINCT k.location_id, loc.code FROM excursion_lots k \
     JOIN locations loc ON loc.id = k.location_id ORDER BY loc.code",
);
/// `check`: a location's kept lots for windows as they stand, in time
/// order.
pub const KEPT_ROWS: Sql = Sql::both(
    "SELECT k.excursion_id, k.from_at, k.to_at, k.lots FROM excursion_lots k \
     JOIN excursions e ON e.id = k.excursion_id \
     WHERE k.location_id = ?1 AND e.location_id = k.location_id AND e.from_at = k.from_at AND e.to_at = k.to_at \
     ORDER BY k.from_at, e.first_at",
);
