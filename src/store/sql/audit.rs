//! The SQL of `audit` (src/audit.rs): every record that names a user, as
//! one trail, on either engine. The trail is written once ([`trail!`]);
//! only what the dialects spell differently is given per engine: SQLite's
//! `printf` against PostgreSQL's `round`, `trim_scale` and string
//! concatenation, `hex` against `encode`, and on PostgreSQL a collation for
//! the key and detail columns, whose sources mix `labstock_nocase` and
//! `"C"` (a UNION needs one).

use crate::store::Sql;

/// The trail's SELECTs, with the pieces each engine spells its own way.
/// Every audited record as (ord, at, user, record, id, action, entity
/// kind, entity key, detail), one SELECT per source; `ord` lists records
/// made in the same second in a sensible order (a thing before what was
/// done to it). A reading's min and max, and a seal's weight, are named
/// only when recorded.
macro_rules! trail {
    (c: $c:literal, signed: $signed:literal, waste_qty: $waste_qty:literal, seal_kg: $seal_kg:literal, temp_value: $temp_value:literal, temp_min: $temp_min:literal, temp_max: $temp_max:literal, import_hash: $import_hash:literal, sds_hash: $sds_hash:literal,) => {
        concat!(
            "SELECT 1 AS ord, created_at AS at, created_by AS \"user\", 'item' AS record, id, 'added' AS action, 'item' AS ekind, (code)",
            $c,
            " AS ekey, (name)",
            $c,
            " AS detail FROM items\n\
UNION ALL\n\
SELECT 2, c.at, c.\"user\", 'item_change', c.id, 'changed', 'item', (i.code)",
            $c,
            ",\n\
       (c.field || ': ' || coalesce(c.old_value, '(none)') || ' -> ' || coalesce(c.new_value, '(none)'))",
            $c,
            "\n\
  FROM item_changes c JOIN items i ON i.id = c.item_id\n\
UNION ALL\n\
SELECT 3, created_at, created_by, 'location', id, 'added', 'location', (code)",
            $c,
            ", (coalesce(name, ''))",
            $c,
            " FROM locations\n\
UNION ALL\n\
SELECT 3.5, c.at, c.\"user\", 'lot_creation', c.id, 'created', 'item', (i.code)",
            $c,
            ",\n\
       (CASE WHEN c.lot <> '' THEN 'lot ' || c.lot ELSE '(no lot)' END || coalesce('; expiry ' || c.expiry, ''))",
            $c,
            "\n\
  FROM lot_creations c JOIN items i ON i.id = c.item_id\n\
UNION ALL\n\
SELECT 3.7, a.at, a.\"user\", 'acceptance', a.id, a.result, 'item', (i.code)",
            $c,
            ",\n\
       ('lot ' || l.lot || CASE a.result WHEN 'pending' THEN ' received: awaiting acceptance'\n\
                               WHEN 'pass' THEN ' accepted' ELSE ' failed acceptance: quarantined' END\n\
       || coalesce('; reference ' || a.reference, '') || coalesce('; ' || a.notes, ''))",
            $c,
            "\n\
  FROM lot_acceptances a JOIN lots l ON l.id = a.lot_id JOIN items i ON i.id = l.item_id\n\
UNION ALL\n\
SELECT 4, e.at, e.\"user\", 'lot_event', e.id,\n\
       CASE WHEN p.on_date IS NOT NULL THEN 'correct_open' ELSE e.action END, 'item', (i.code)",
            $c,
            ",\n\
       ('lot ' || l.lot || coalesce(' on ' || e.on_date, '') || coalesce(' (recorded before as ' || p.on_date || ')', '')\n\
       || coalesce('; ' || e.reason, ''))",
            $c,
            "\n\
  FROM lot_events e JOIN lots l ON l.id = e.lot_id JOIN items i ON i.id = l.item_id\n\
  LEFT JOIN lot_events p ON e.action = 'open' AND p.id = (SELECT max(q.id) FROM lot_events q\n\
       WHERE q.lot_id = e.lot_id AND q.action = 'open' AND q.id < e.id)\n\
UNION ALL\n\
SELECT 5, m.recorded_at, m.\"user\", 'movement', m.id, m.kind, 'item', (i.code)",
            $c,
            ",\n\
       (CASE WHEN m.kind = 'transfer' THEN abs(m.quantity) || ' from ' || loc.code || ' to ' || tl.code\n\
            WHEN m.kind = 'count' THEN 'counted ' || m.counted || ' (' || ",
            $signed,
            " || ') at ' || loc.code\n\
            WHEN m.quantity < 0 THEN abs(m.quantity) || ' out of ' || loc.code\n\
            ELSE m.quantity || ' into ' || loc.code END\n\
       || CASE WHEN l.lot <> '' THEN '; lot ' || l.lot ELSE '' END\n\
       || coalesce('; reverses movement ' || m.reverses, '')\n\
       || coalesce('; ' || m.reason, '') || coalesce('; reference ' || m.reference, '')\n\
       || coalesce('; ' || m.note, '')\n\
       || CASE WHEN m.at <> m.recorded_at THEN '; dated ' || m.at ELSE '' END)",
            $c,
            "\n\
  FROM movements m JOIN items i ON i.id = m.item_id JOIN lots l ON l.id = m.lot_id\n\
  JOIN locations loc ON loc.id = m.location_id LEFT JOIN locations tl ON tl.id = m.to_location_id\n\
UNION ALL\n\
SELECT 6, o.created_at, o.created_by, 'order', o.id, 'added', 'order', (o.reference)",
            $c,
            ",\n\
       (i.code || ' x ' || o.quantity || coalesce(' from ' || o.supplier, '') || '; ordered ' || o.ordered_on)",
            $c,
            "\n\
  FROM orders o JOIN items i ON i.id = o.item_id\n\
UNION ALL\n\
SELECT 7, e.at, e.\"user\", 'order_event', e.id, e.status, 'order', (o.reference)",
            $c,
            ",\n\
       (i.code || '; ' || o.received || ' of ' || o.quantity || ' received; from ' || e.on_date\n\
       || coalesce('; ' || e.reason, ''))",
            $c,
            "\n\
  FROM order_events e JOIN orders o ON o.id = e.order_id JOIN items i ON i.id = o.item_id\n\
UNION ALL\n\
SELECT 8, created_at, created_by, 'equipment', id, 'registered', 'equipment', (asset_tag)",
            $c,
            ", (coalesce(description, ''))",
            $c,
            " FROM equipment\n\
UNION ALL\n\
SELECT 8.5, c.recorded_at, c.recorded_by, 'interval_change', c.id,\n\
       CASE c.origin WHEN 'edit' THEN 'changed' ELSE 'set' END, 'equipment', (e.asset_tag)",
            $c,
            ",\n\
       ('calibration interval ' || coalesce(c.old_interval, '(none)') || ' -> ' || coalesce(c.new_interval, '(none)')\n\
       || CASE WHEN c.effective_on IS NULL THEN ' from the start' ELSE ' from ' || c.effective_on END\n\
       || CASE c.origin WHEN 'migration' THEN ' (the interval on the register at the upgrade that began recording intervals)' ELSE '' END\n\
       || coalesce('; ' || c.reason, ''))",
            $c,
            "\n\
  FROM calibration_interval_changes c JOIN equipment e ON e.id = c.equipment_id\n\
UNION ALL\n\
SELECT 9, c.recorded_at, c.recorded_by, 'calibration', c.id, c.result, 'equipment', (e.asset_tag)",
            $c,
            ",\n\
       ('performed ' || c.performed_on || coalesce(' by ' || c.performed_by, '')\n\
       || coalesce('; certificate ' || c.certificate, '') || coalesce('; next due ' || c.next_due, '')\n\
       || coalesce('; ' || c.notes, ''))",
            $c,
            "\n\
  FROM calibrations c JOIN equipment e ON e.id = c.equipment_id\n\
UNION ALL\n\
SELECT 10, x.recorded_at, x.recorded_by, 'extension', x.id, 'extended', 'equipment', (e.asset_tag)",
            $c,
            ",\n\
       ('due ' || x.previous_due || ' extended to ' || x.extended_to || '; ' || x.reason || '; approved by ' || x.approved_by)",
            $c,
            "\n\
  FROM calibration_extensions x JOIN equipment e ON e.id = x.equipment_id\n\
UNION ALL\n\
SELECT 11, s.recorded_at, s.recorded_by, 'status_change', s.id, s.status, 'equipment', (e.asset_tag)",
            $c,
            ",\n\
       ('from ' || s.on_date || ': ' || s.reason)",
            $c,
            "\n\
  FROM equipment_status_changes s JOIN equipment e ON e.id = s.equipment_id\n\
UNION ALL\n\
SELECT 12, s.recorded_at, s.recorded_by, 'service', s.id, s.kind, 'equipment', (e.asset_tag)",
            $c,
            ",\n\
       ('performed ' || s.performed_on || ' by ' || s.performed_by || coalesce('; ' || s.notes, ''))",
            $c,
            "\n\
  FROM service_records s JOIN equipment e ON e.id = s.equipment_id\n\
UNION ALL\n\
SELECT 13, w.recorded_at, w.recorded_by, 'waste', w.id, w.origin, 'waste', (w.stream)",
            $c,
            ",\n\
       (w.date || ': ' || ",
            $waste_qty,
            " || ' ' || w.unit\n\
       || coalesce('; container ' || w.container, '') || coalesce('; note ' || w.consignment_note, '')\n\
       || coalesce('; corrects record ' || w.corrects, '') || coalesce('; ' || w.reason, '')\n\
       || coalesce('; ' || w.notes, ''))",
            $c,
            "\n\
  FROM waste_records w\n\
UNION ALL\n\
SELECT 14, c.recorded_at, c.opened_by, 'container', c.id, 'opened', 'container', (c.code)",
            $c,
            ",\n\
       (c.stream || ' at ' || loc.code || ' on ' || c.opened_on || coalesce('; ' || c.type, ''))",
            $c,
            "\n\
  FROM waste_containers c JOIN locations loc ON loc.id = c.location_id\n\
UNION ALL\n\
SELECT 15, s.recorded_at, s.sealed_by, 'seal', s.id, 'sealed', 'container', (c.code)",
            $c,
            ",\n\
       ('on ' || s.sealed_on || CASE WHEN s.weight_milli IS NULL THEN '' ELSE '; ' || ",
            $seal_kg,
            " || ' kg' END)",
            $c,
            "\n\
  FROM waste_container_seals s JOIN waste_containers c ON c.id = s.container_id\n\
UNION ALL\n\
SELECT 16, recorded_at, recorded_by, 'consignment', id, 'collected', 'consignment', (note)",
            $c,
            ",\n\
       ('by ' || carrier || ' on ' || collected_on || coalesce(' to ' || destination, ''))",
            $c,
            "\n\
  FROM waste_consignments\n\
UNION ALL\n\
SELECT 17, at, \"user\", 'setting', id, 'set', 'setting', (key)",
            $c,
            ", (key || ' = ' || value)",
            $c,
            " FROM settings\n\
UNION ALL\n\
SELECT 18, at, \"user\", 'import', id, CASE WHEN again <> 0 THEN 'imported again' ELSE 'imported' END, 'import', (kind)",
            $c,
            ",\n\
       (rows || ' rows, ' || bytes || ' bytes; sha256 ' || ",
            $import_hash,
            ")",
            $c,
            "\n\
  FROM imports\n\
UNION ALL\n\
SELECT 19, s.at, s.\"user\", 'stocktake', s.id, 'started', 'stocktake', (CAST(s.id AS TEXT))",
            $c,
            ",\n\
       ('at ' || loc.code || coalesce('; category ' || s.category, '') || CASE WHEN s.blind <> 0 THEN '; blind' ELSE '' END\n\
       || '; ' || (SELECT count(*) FROM stocktake_lines l WHERE l.stocktake_id = s.id) || ' lines on the sheet')",
            $c,
            "\n\
  FROM stocktakes s JOIN locations loc ON loc.id = s.location_id\n\
UNION ALL\n\
SELECT 20, c.at, c.\"user\", 'stocktake_count', c.id, 'counted', 'stocktake', (CAST(c.stocktake_id AS TEXT))",
            $c,
            ",\n\
       (i.code || CASE WHEN l.lot <> '' THEN ' lot ' || l.lot ELSE '' END || ': counted ' || c.counted || ', book ' || c.book)",
            $c,
            "\n\
  FROM stocktake_counts c JOIN items i ON i.id = c.item_id JOIN lots l ON l.id = c.lot_id\n\
UNION ALL\n\
SELECT 21, e.at, e.\"user\", 'stocktake_event', e.id, e.action, 'stocktake', (CAST(e.stocktake_id AS TEXT))",
            $c,
            ",\n\
       (CASE WHEN e.zero_uncounted <> 0 THEN 'uncounted lines zeroed' ELSE '' END)",
            $c,
            "\n\
  FROM stocktake_events e\n\
UNION ALL\n\
SELECT 22, c.at, c.\"user\", 'location_change', c.id, 'changed', 'location', (loc.code)",
            $c,
            ",\n\
       (c.field || ': ' || coalesce(c.old_value, '(none)') || ' -> ' || coalesce(c.new_value, '(none)'))",
            $c,
            "\n\
  FROM location_changes c JOIN locations loc ON loc.id = c.location_id\n\
UNION ALL\n\
SELECT 23, r.recorded_at, r.\"user\", 'temperature_reading', r.id, 'recorded', 'location', (loc.code)",
            $c,
            ",\n\
       (r.at || ': ' || ",
            $temp_value,
            " || ' °C'\n\
       || CASE WHEN r.min IS NULL THEN '' ELSE '; min ' || ",
            $temp_min,
            " END\n\
       || CASE WHEN r.max IS NULL THEN '' ELSE '; max ' || ",
            $temp_max,
            " END\n\
       || coalesce('; ' || r.note, ''))",
            $c,
            "\n\
  FROM temperature_readings r JOIN locations loc ON loc.id = r.location_id\n\
UNION ALL\n\
SELECT 24, d.at, d.\"user\", 'excursion_decision', d.id, d.decision, 'excursion', (CAST(d.excursion_id AS TEXT))",
            $c,
            ",\n\
       (d.reason || CASE WHEN d.lots <> '' THEN '; lots ' || d.lots ELSE '' END)",
            $c,
            "\n\
  FROM excursion_decisions d\n\
UNION ALL\n\
SELECT 5.5, b.at, b.\"user\", 'batch', b.id, 'prepared', 'item', (i.code)",
            $c,
            ",\n\
       ('batch ' || l.lot || ': ' || b.quantity || ' made at ' || loc.code || ' on ' || b.prepared_on\n\
       || '; expiry ' || b.expiry || '; receipt movement ' || b.movement_id || coalesce('; ' || b.note, ''))",
            $c,
            "\n\
  FROM batches b JOIN items i ON i.id = b.item_id JOIN lots l ON l.id = b.lot_id\n\
  JOIN locations loc ON loc.id = b.location_id\n\
UNION ALL\n\
SELECT 5.6, b.at, b.\"user\", 'batch_component', c.id, CASE WHEN c.quantity IS NULL THEN 'traced' ELSE 'issued' END,\n\
       'item', (ci.code)",
            $c,
            ",\n\
       (CASE WHEN cl.lot <> '' THEN 'lot ' || cl.lot ELSE '(no lot)' END\n\
       || CASE WHEN c.quantity IS NULL THEN ' (traced only)' ELSE ' x ' || c.quantity || ' (movement ' || c.movement_id || ')' END\n\
       || ' into batch ' || bl.lot || ' of ' || bi.code || coalesce('; expires ' || c.expires, ''))",
            $c,
            "\n\
  FROM batch_components c JOIN batches b ON b.id = c.batch_id JOIN items ci ON ci.id = c.item_id\n\
  JOIN lots cl ON cl.id = c.lot_id JOIN items bi ON bi.id = b.item_id JOIN lots bl ON bl.id = b.lot_id\n\
UNION ALL\n\
SELECT 25, c.at, c.\"user\", 'account_change', c.id, c.action, 'account', (a.name)",
            $c,
            ", (c.detail)",
            $c,
            "\n\
  FROM account_changes c JOIN accounts a ON a.id = c.account_id\n\
UNION ALL\n\
SELECT 26, r.at, r.\"user\", 'sds', r.id, 'added', 'item', (i.code)",
            $c,
            ",\n\
       ('safety data sheet revised ' || r.revised || coalesce(' from ' || r.supplier, '')\n\
       || coalesce('; file ' || r.filename, '') || '; ' || r.bytes || ' bytes; sha256 ' || ",
            $sds_hash,
            ")",
            $c,
            "\n\
  FROM sds_revisions r JOIN items i ON i.id = r.item_id\n\
UNION ALL\n\
SELECT 27, c.at, c.\"user\", 'sds_confirmation', c.id, 'confirmed', 'item', (i.code)",
            $c,
            ",\n\
       ('safety data sheet revised ' || r.revised || ' confirmed current on ' || c.confirmed_on\n\
       || coalesce('; ' || c.note, ''))",
            $c,
            "\n\
  FROM sds_confirmations c JOIN sds_revisions r ON r.id = c.revision_id JOIN items i ON i.id = c.item_id"
        )
    };
}

/// The audit trail, oldest first, narrowed by user (?1), from (?2),
/// before (?3), entity or record kind (?4) and key (?5), each NULL for
/// "any".
pub const TRAIL: Sql = Sql::each(
    concat!(
        "SELECT at, \"user\", record, id, action, ekind || ':' || ekey, detail FROM (",
        trail!(
            c: "",
            signed: "printf('%+d', m.quantity)",
            waste_qty: "printf('%g', w.quantity_milli / 1000.0)",
            seal_kg: "printf('%g', s.weight_milli / 1000.0)",
            temp_value: "printf('%.2f', r.value / 100.0)",
            temp_min: "printf('%.2f', r.min / 100.0)",
            temp_max: "printf('%.2f', r.max / 100.0)",
            import_hash: "lower(hex(sha256))",
            sds_hash: "lower(hex(r.sha256))",
        ),
        ") t\n\
WHERE (?1 IS NULL OR \"user\" = ?1 COLLATE NOCASE)\n\
  AND (?2 IS NULL OR at >= ?2) AND (?3 IS NULL OR at < ?3)\n\
  AND (?4 IS NULL OR ((ekind = ?4 AND (?5 IS NULL OR ekey = ?5 COLLATE NOCASE))\n\
                    OR (record = ?4 AND (?5 IS NULL OR CAST(id AS TEXT) = ?5))))\n\
ORDER BY at, ord, id"
    ),
    concat!(
        "SELECT at, \"user\", record, id, action, ekind || ':' || ekey, detail FROM (",
        trail!(
            c: " COLLATE \"C\"",
            signed: "CASE WHEN m.quantity >= 0 THEN '+' ELSE '' END || m.quantity",
            waste_qty: "trim_scale(w.quantity_milli / 1000.0)",
            seal_kg: "trim_scale(s.weight_milli / 1000.0)",
            temp_value: "round(r.value / 100.0, 2)",
            temp_min: "round(r.min / 100.0, 2)",
            temp_max: "round(r.max / 100.0, 2)",
            import_hash: "encode(sha256, 'hex')",
            sds_hash: "encode(r.sha256, 'hex')",
        ),
        ") t\n\
WHERE (CAST(?1 AS TEXT) IS NULL OR \"user\" = ?1 COLLATE labstock_nocase)\n\
  AND (CAST(?2 AS TEXT) IS NULL OR at >= ?2) AND (CAST(?3 AS TEXT) IS NULL OR at < ?3)\n\
  AND (CAST(?4 AS TEXT) IS NULL OR ((ekind = ?4 AND (CAST(?5 AS TEXT) IS NULL OR ekey = ?5 COLLATE labstock_nocase))\n\
                    OR (record = ?4 AND (CAST(?5 AS TEXT) IS NULL OR CAST(id AS TEXT) = ?5))))\n\
ORDER BY at, ord, id"
    ),
);
