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
