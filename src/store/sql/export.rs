//! The SQL of the exports (src/export.rs, `export movements` in
//! src/import.rs).

use crate::store::Sql;

/// Every movement in ledger order, with what its CSV row needs: the
/// order line's reference (linked, or a reversed receipt's), the portion
/// and whether it is an opening's reversal.
pub const MOVEMENTS: Sql = Sql::both(
    "SELECT m.id, m.at, m.kind, i.code, m.quantity, m.counted, l.lot, l.expiry, loc.code, tl.code, \
     m.reason, m.reference, m.\"user\", m.note, m.reverses, \
     coalesce(o.reference, CASE WHEN om.kind = 'receive' OR om.kind = 'adjust' THEN om.reference END), \
     coalesce(m.to_opened_on, m.opened_on), CASE WHEN m.to_opened_on IS NOT NULL THEN 1 ELSE 0 END \
     FROM movements m JOIN items i ON i.id = m.item_id JOIN lots l ON l.id = m.lot_id \
     JOIN locations loc ON loc.id = m.location_id LEFT JOIN locations tl ON tl.id = m.to_location_id \
     LEFT JOIN orders o ON o.id = m.order_id LEFT JOIN movements om ON om.id = m.reverses \
     ORDER BY m.id",
);

/// What each column of an export is read from: a SELECT whose result
/// columns are named as the format's, in any order (a column it lacks is
/// written empty). Locations in the order made.
pub const LOCATIONS: Sql = Sql::both(
    "SELECT code, name, min_temp, max_temp, \
     CASE WHEN min_temp IS NULL AND tolerance_minutes = 0 THEN NULL ELSE tolerance_minutes END \
     AS tolerance_minutes, site FROM locations ORDER BY id",
);
/// Readings in the order recorded, each with who recorded it.
pub const TEMPERATURES: Sql = Sql::both(
    "SELECT loc.code AS location, r.at AS timestamp, r.value, r.min, r.max, r.\"user\" AS recorded_by, \
     r.note FROM temperature_readings r JOIN locations loc ON loc.id = r.location_id ORDER BY r.id",
);
/// The catalogue in the order made.
pub const ITEMS: Sql = Sql::both(
    "SELECT code, name, category, unit, pack_size, reorder_level, max_level, reorder_qty, \
     lead_time_days, supplier, supplier_ref, unit_cost_pence AS unit_cost, storage, hazard, \
     CASE WHEN lot_tracked = 1 THEN 'true' ELSE 'false' END AS lot_tracked, gtin, waste_stream, \
     in_use_days, CASE WHEN acceptance_required = 1 THEN 'true' ELSE 'false' END AS acceptance_required, \
     shelf_life_days, ghs, signal_word, h_statements, p_statements FROM items ORDER BY id",
);
/// Order lines in the order made.
pub const ORDERS: Sql = Sql::both(
    "SELECT o.reference, o.supplier, i.code AS item, o.quantity, o.ordered_on, o.expected_on, \
     loc.code AS location FROM orders o JOIN items i ON i.id = o.item_id \
     JOIN locations loc ON loc.id = o.location_id ORDER BY o.id",
);
/// The equipment register in the order made.
pub const EQUIPMENT: Sql = Sql::both(
    "SELECT asset_tag, description, manufacturer, model, serial, location, category, \
     calibration_interval, registered_status AS status, in_service_date FROM equipment ORDER BY id",
);
/// Calibrations in the order recorded.
pub const CALIBRATIONS: Sql = Sql::both(
    "SELECT e.asset_tag, c.performed_on, c.result, c.performed_by, c.certificate, c.next_due, c.notes \
     FROM calibrations c JOIN equipment e ON e.id = c.equipment_id ORDER BY c.id",
);
/// The register as it stands: every record not replaced by a correction,
/// withdrawn ones (quantity 0) left out.
pub const WASTE: Sql = Sql::both(
    "SELECT w.date, w.stream, w.quantity_milli AS quantity, w.unit, w.container, w.consignment_note, \
     w.carrier, w.recorded_by, w.notes, w.physical_form, w.hp_codes FROM waste_records w \
     WHERE w.quantity_milli > 0 AND NOT EXISTS (SELECT 1 FROM waste_records c WHERE c.corrects = w.id) \
     ORDER BY w.date, w.id",
);
