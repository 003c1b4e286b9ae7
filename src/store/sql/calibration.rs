//! The SQL of the equipment register and its calibration
//! (src/calibration/): the register, the records of each asset's life
//! (calibrations, extensions, status changes, interval changes, the
//! maintenance log), the calibration-due report and `check`'s proofs.
//!
//! Dates are `YYYY-MM-DD` text, compared as text (PostgreSQL's columns
//! are `COLLATE "C"`, so byte order there as in SQLite). A parameter that
//! may be NULL (no as-of day) is cast on PostgreSQL so that its type is
//! known. An interval record applying from the start has no
//! `effective_on` and sorts first: SQLite puts NULL first, PostgreSQL is
//! told `NULLS FIRST`.

use crate::store::Sql;

/// The columns of `equipment` that make an `Equipment`, in
/// `equipment_of` order.
macro_rules! equipment_columns {
    () => {
        "id, asset_tag, description, manufacturer, model, serial, location, \
         category, calibration_interval, status, in_service_date, registered_status, last_calibrated, \
         last_result, next_due, created_at, created_by, last_event_on"
    };
}

/// An asset by tag (`equipment` UNIQUE asset_tag, NOCASE).
pub const EQUIPMENT_BY_TAG: Sql = Sql::both(concat!(
    "SELECT ",
    equipment_columns!(),
    " FROM equipment WHERE asset_tag = ?1"
));
/// An asset by tag, for a write: on PostgreSQL its row is locked until
/// commit, so two writers of one asset (two calibrations, a calibration
/// and a status change) take turns and each replays what the other
/// committed (SQLite's one writer already holds the database).
pub const EQUIPMENT_BY_TAG_FOR_UPDATE: Sql = Sql::each(
    concat!(
        "SELECT ",
        equipment_columns!(),
        " FROM equipment WHERE asset_tag = ?1"
    ),
    concat!(
        "SELECT ",
        equipment_columns!(),
        " FROM equipment WHERE asset_tag = ?1 FOR UPDATE"
    ),
);
/// Every asset tag, for suggestions (`closest` orders them itself).
pub const ASSET_TAGS: Sql = Sql::both("SELECT asset_tag FROM equipment");
/// An asset's tag as stored, by tag (NOCASE).
pub const ASSET_TAG: Sql = Sql::both("SELECT asset_tag FROM equipment WHERE asset_tag = ?1");

/// The columns `INSERT_EQUIPMENT` writes, and its values.
macro_rules! insert_equipment {
    () => {
        "INSERT INTO equipment (asset_tag, description, manufacturer, model, serial, location, \
         category, calibration_interval, status, registered_status, in_service_date, created_at, created_by) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12)"
    };
}
/// A new asset; its id.
pub const INSERT_EQUIPMENT: Sql = Sql::each(
    insert_equipment!(),
    concat!(insert_equipment!(), " RETURNING id"),
);
/// The register, by asset tag (byte order); only one status (?1) or
/// category (?2, NOCASE) when given.
pub const EQUIPMENT_LIST: Sql = Sql::each(
    concat!(
        "SELECT ",
        equipment_columns!(),
        " FROM equipment \
         WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR category = ?2 COLLATE NOCASE) \
         ORDER BY asset_tag COLLATE BINARY"
    ),
    concat!(
        "SELECT ",
        equipment_columns!(),
        " FROM equipment \
         WHERE (CAST(?1 AS TEXT) IS NULL OR status = ?1) \
           AND (CAST(?2 AS TEXT) IS NULL OR category = ?2 COLLATE labstock_nocase) \
         ORDER BY asset_tag COLLATE \"C\""
    ),
);
/// Every asset, by asset tag (byte order), for `check`.
pub const ALL_EQUIPMENT: Sql = Sql::each(
    concat!(
        "SELECT ",
        equipment_columns!(),
        " FROM equipment ORDER BY asset_tag COLLATE BINARY"
    ),
    concat!(
        "SELECT ",
        equipment_columns!(),
        " FROM equipment ORDER BY asset_tag COLLATE \"C\""
    ),
);
/// An asset's descriptive settings.
pub const UPDATE_EQUIPMENT: Sql = Sql::both(
    "UPDATE equipment SET description = ?2, manufacturer = ?3, model = ?4, serial = ?5, \
     location = ?6, category = ?7, in_service_date = ?8 WHERE id = ?1",
);

/// The asset's next place in recording order.
pub const NEXT_SEQ: Sql =
    Sql::both("UPDATE equipment SET event_seq = event_seq + 1 WHERE id = ?1 RETURNING event_seq");
/// The status an asset was registered with (where its replay starts).
pub const REGISTERED_STATUS: Sql =
    Sql::both("SELECT registered_status FROM equipment WHERE id = ?1");
/// A replayed state, into the maintained columns.
pub const STORE_STATE: Sql = Sql::both(
    "UPDATE equipment SET status = ?2, last_calibration_id = ?3, last_calibrated = ?4, \
     last_result = ?5, next_due = ?6, extension_id = ?7, last_event_on = ?8 WHERE id = ?1",
);

/// One asset's calibrations on or before ?2 (all when NULL), as replay
/// events (`calibrations_asset`).
pub const EVENT_CALIBRATIONS: Sql = Sql::each(
    "SELECT id, performed_on, seq, result, next_due FROM calibrations \
     WHERE equipment_id = ?1 AND (?2 IS NULL OR performed_on <= ?2)",
    "SELECT id, performed_on, seq, result, next_due FROM calibrations \
     WHERE equipment_id = ?1 AND (CAST(?2 AS TEXT) IS NULL OR performed_on <= ?2)",
);
/// One asset's extensions on or before ?2 (`calibration_extensions_asset`).
pub const EVENT_EXTENSIONS: Sql = Sql::each(
    "SELECT id, granted_on, seq, calibration_id, extended_to FROM calibration_extensions \
     WHERE equipment_id = ?1 AND (?2 IS NULL OR granted_on <= ?2)",
    "SELECT id, granted_on, seq, calibration_id, extended_to FROM calibration_extensions \
     WHERE equipment_id = ?1 AND (CAST(?2 AS TEXT) IS NULL OR granted_on <= ?2)",
);
/// One asset's status changes on or before ?2
/// (`equipment_status_changes_asset`).
pub const EVENT_STATUS_CHANGES: Sql = Sql::each(
    "SELECT id, on_date, seq, status FROM equipment_status_changes \
     WHERE equipment_id = ?1 AND (?2 IS NULL OR on_date <= ?2)",
    "SELECT id, on_date, seq, status FROM equipment_status_changes \
     WHERE equipment_id = ?1 AND (CAST(?2 AS TEXT) IS NULL OR on_date <= ?2)",
);
/// One asset's interval records in force on ?2
/// (`calibration_interval_changes_asset`).
pub const EVENT_INTERVALS: Sql = Sql::each(
    "SELECT id, effective_on, seq, new_interval FROM calibration_interval_changes \
     WHERE equipment_id = ?1 AND (?2 IS NULL OR effective_on IS NULL OR effective_on <= ?2)",
    "SELECT id, effective_on, seq, new_interval FROM calibration_interval_changes \
     WHERE equipment_id = ?1 AND (CAST(?2 AS TEXT) IS NULL OR effective_on IS NULL OR effective_on <= ?2)",
);

/// Every asset's calibrations on or before ?1, in one pass.
pub const BULK_CALIBRATIONS: Sql = Sql::both(
    "SELECT equipment_id, id, performed_on, seq, result, next_due FROM calibrations \
     WHERE performed_on <= ?1",
);
/// Every asset's extensions on or before ?1.
pub const BULK_EXTENSIONS: Sql = Sql::both(
    "SELECT equipment_id, id, granted_on, seq, calibration_id, extended_to \
     FROM calibration_extensions WHERE granted_on <= ?1",
);
/// Every asset's status changes on or before ?1.
pub const BULK_STATUS_CHANGES: Sql = Sql::both(
    "SELECT equipment_id, id, on_date, seq, status FROM equipment_status_changes \
     WHERE on_date <= ?1",
);
/// Every asset's interval records in force on ?1.
pub const BULK_INTERVALS: Sql = Sql::both(
    "SELECT equipment_id, id, effective_on, seq, new_interval \
     FROM calibration_interval_changes WHERE effective_on IS NULL OR effective_on <= ?1",
);

/// One asset's calibration records, in replay order.
pub const CALIBRATIONS_OF: Sql = Sql::both(
    "SELECT id, seq, performed_on, result, performed_by, certificate, next_due, notes, \
     recorded_at, recorded_by FROM calibrations WHERE equipment_id = ?1 \
     ORDER BY performed_on, seq",
);
/// One asset's extensions, in replay order.
pub const EXTENSIONS_OF: Sql = Sql::both(
    "SELECT id, seq, calibration_id, granted_on, previous_due, extended_to, reason, \
     approved_by, recorded_at, recorded_by FROM calibration_extensions \
     WHERE equipment_id = ?1 ORDER BY granted_on, seq",
);
/// One asset's manual status changes, in replay order.
pub const STATUS_CHANGES_OF: Sql = Sql::both(
    "SELECT id, seq, on_date, status, reason, recorded_at, recorded_by \
     FROM equipment_status_changes WHERE equipment_id = ?1 ORDER BY on_date, seq",
);
/// One asset's maintenance log, by date.
pub const SERVICE_OF: Sql = Sql::both(
    "SELECT id, performed_on, kind, performed_by, notes, recorded_at, recorded_by \
     FROM service_records WHERE equipment_id = ?1 ORDER BY performed_on, id",
);
/// One asset's interval records in the order they apply (the one from
/// the start first).
pub const INTERVAL_CHANGES_OF: Sql = Sql::each(
    "SELECT id, seq, origin, effective_on, old_interval, new_interval, reason, \
     recorded_at, recorded_by FROM calibration_interval_changes \
     WHERE equipment_id = ?1 ORDER BY effective_on, seq",
    "SELECT id, seq, origin, effective_on, old_interval, new_interval, reason, \
     recorded_at, recorded_by FROM calibration_interval_changes \
     WHERE equipment_id = ?1 ORDER BY effective_on NULLS FIRST, seq",
);
/// The day an asset's latest dated interval change took effect.
pub const LAST_INTERVAL_EFFECTIVE: Sql =
    Sql::both("SELECT max(effective_on) FROM calibration_interval_changes WHERE equipment_id = ?1");
/// An asset's maintained calibration interval.
pub const SET_INTERVAL: Sql =
    Sql::both("UPDATE equipment SET calibration_interval = ?2 WHERE id = ?1");
/// The assets with an interval, for the migration's backfill.
pub const ASSETS_WITH_INTERVAL: Sql = Sql::both(
    "SELECT id, calibration_interval, created_at, created_by FROM equipment \
     WHERE calibration_interval IS NOT NULL ORDER BY id",
);
/// Each asset's maintained interval beside its latest interval record and
/// how many it has, by asset tag (byte order), for `check`.
pub const INTERVALS_AGAINST_RECORDS: Sql = Sql::each(
    "SELECT e.asset_tag, e.calibration_interval, \
            (SELECT c.new_interval FROM calibration_interval_changes c \
              WHERE c.equipment_id = e.id ORDER BY c.seq DESC LIMIT 1), \
            (SELECT count(*) FROM calibration_interval_changes c WHERE c.equipment_id = e.id) \
     FROM equipment e ORDER BY e.asset_tag COLLATE BINARY",
    "SELECT e.asset_tag, e.calibration_interval, \
            (SELECT c.new_interval FROM calibration_interval_changes c \
              WHERE c.equipment_id = e.id ORDER BY c.seq DESC LIMIT 1), \
            (SELECT count(*) FROM calibration_interval_changes c WHERE c.equipment_id = e.id) \
     FROM equipment e ORDER BY e.asset_tag COLLATE \"C\"",
);

/// The assets the calibration-due report may list, from the maintained
/// state on `equipment` alone (?1 the as-of date, ?2 the end of the
/// window); the last column says whether the asset has a record after ?1
/// and must be replayed as of ?1 (including an interval set or cleared
/// after ?1: the interval as of ?1 decides whether it needs calibration).
pub const DUE_CANDIDATES: Sql = Sql::each(
    "SELECT id, asset_tag, description, location, status, registered_status, \
     calibration_interval, last_calibrated, last_result, next_due, extension_id, \
     coalesce(last_event_on > ?1, 0) \
     FROM equipment \
     WHERE (calibration_interval IS NOT NULL OR last_event_on > ?1) \
       AND (last_event_on > ?1 \
            OR (status <> 'condemned' AND (next_due IS NULL OR next_due <= ?2)))",
    "SELECT id, asset_tag, description, location, status, registered_status, \
     calibration_interval, last_calibrated, last_result, next_due, extension_id, \
     coalesce(last_event_on > ?1, false) \
     FROM equipment \
     WHERE (calibration_interval IS NOT NULL OR last_event_on > ?1) \
       AND (last_event_on > ?1 \
            OR (status <> 'condemned' AND (next_due IS NULL OR next_due <= ?2)))",
);
/// The extension behind a due date.
pub const EXTENSION_NOTE: Sql = Sql::both(
    "SELECT previous_due, extended_to, approved_by, reason FROM calibration_extensions WHERE id = ?1",
);
