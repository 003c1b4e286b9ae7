//! The SQL of safety data sheets and the COSHH inventory (src/sds.rs).

use crate::store::Sql;

/// The current revision of an item: newest revision date, then the
/// latest added (`sds_revisions_item`).
pub const CURRENT: Sql = Sql::both(
    "SELECT r.id, r.revised, r.supplier, r.sha256, r.bytes, r.filename, r.at, r.\"user\", \
     (SELECT max(c.confirmed_on) FROM sds_confirmations c WHERE c.revision_id = r.id) \
     FROM sds_revisions r WHERE r.item_id = ?1 ORDER BY r.revised DESC, r.id DESC LIMIT 1",
);
/// Every revision of one item, or of every item (?1 NULL), oldest first.
pub const LIST: Sql = Sql::each(
    "SELECT r.id, r.revised, r.supplier, r.sha256, r.bytes, r.filename, r.at, r.user, \
     (SELECT max(c.confirmed_on) FROM sds_confirmations c WHERE c.revision_id = r.id), i.code, \
     r.id = (SELECT r2.id FROM sds_revisions r2 WHERE r2.item_id = r.item_id \
             ORDER BY r2.revised DESC, r2.id DESC LIMIT 1) \
     FROM sds_revisions r JOIN items i ON i.id = r.item_id \
     WHERE ?1 IS NULL OR r.item_id = ?1 ORDER BY i.code COLLATE BINARY, r.revised, r.id",
    "SELECT r.id, r.revised, r.supplier, r.sha256, r.bytes, r.filename, r.at, r.\"user\", \
     (SELECT max(c.confirmed_on) FROM sds_confirmations c WHERE c.revision_id = r.id), i.code, \
     r.id = (SELECT r2.id FROM sds_revisions r2 WHERE r2.item_id = r.item_id \
             ORDER BY r2.revised DESC, r2.id DESC LIMIT 1) \
     FROM sds_revisions r JOIN items i ON i.id = r.item_id \
     WHERE CAST(?1 AS BIGINT) IS NULL OR r.item_id = ?1 ORDER BY i.code COLLATE \"C\", r.revised, r.id",
);
/// A document by its hash.
pub const DOCUMENT: Sql = Sql::both("SELECT document FROM sds_documents WHERE sha256 = ?1");
pub const HAS_DOCUMENT: Sql = Sql::both("SELECT 1 FROM sds_documents WHERE sha256 = ?1");
/// A new document (content-addressed; its id the next, as SQLite's rowid
/// would be: taken under the SDS chain's lock on PostgreSQL).
pub const INSERT_DOCUMENT: Sql = Sql::each(
    "INSERT INTO sds_documents (sha256, bytes, document) VALUES (?1, ?2, ?3)",
    "INSERT INTO sds_documents (id, sha256, bytes, document) \
     VALUES ((SELECT coalesce(max(id), 0) + 1 FROM sds_documents), ?1, ?2, ?3)",
);
/// The hazardous items (a pictogram or an H statement) with their
/// current SDS's revision date and last confirmation, for `report sds`
/// and the digest (`items_hazardous`, `sds_revisions_item`).
pub const HAZARDOUS_WITH_SDS: Sql = Sql::each(
    "SELECT i.code, i.name, i.ghs, i.signal_word, r.revised, \
     (SELECT max(c.confirmed_on) FROM sds_confirmations c WHERE c.revision_id = r.id) \
     FROM items i LEFT JOIN sds_revisions r ON r.id = \
       (SELECT r2.id FROM sds_revisions r2 WHERE r2.item_id = i.id ORDER BY r2.revised DESC, r2.id DESC LIMIT 1) \
     WHERE (i.ghs IS NOT NULL OR i.h_statements IS NOT NULL) AND i.active = 1 \
     ORDER BY i.code COLLATE BINARY",
    "SELECT i.code, i.name, i.ghs, i.signal_word, r.revised, \
     (SELECT max(c.confirmed_on) FROM sds_confirmations c WHERE c.revision_id = r.id) \
     FROM items i LEFT JOIN sds_revisions r ON r.id = \
       (SELECT r2.id FROM sds_revisions r2 WHERE r2.item_id = i.id ORDER BY r2.revised DESC, r2.id DESC LIMIT 1) \
     WHERE (i.ghs IS NOT NULL OR i.h_statements IS NOT NULL) AND i.active = 1 \
     ORDER BY i.code COLLATE \"C\"",
);
/// The COSHH inventory: each hazardous item's stock by location, with
/// its current SDS's revision date. SQLite's CROSS JOIN keeps the order:
/// the hazardous items first (`items_hazardous`, a partial index), then
/// their balances (`balances_item`), never every balance of the lab.
pub const COSHH: Sql = Sql::each(
    "SELECT i.code, i.name, loc.code, sum(b.quantity), i.unit, i.ghs, i.signal_word, \
     i.h_statements, (SELECT r2.revised FROM sds_revisions r2 WHERE r2.item_id = i.id \
                      ORDER BY r2.revised DESC, r2.id DESC LIMIT 1) \
     FROM items i CROSS JOIN balances b ON b.item_id = i.id JOIN locations loc ON loc.id = b.location_id \
     WHERE (i.ghs IS NOT NULL OR i.h_statements IS NOT NULL) AND (?1 IS NULL OR b.location_id = ?1) \
     GROUP BY b.item_id, b.location_id HAVING sum(b.quantity) <> 0 \
     ORDER BY loc.code COLLATE BINARY, i.code COLLATE BINARY",
    "SELECT i.code, i.name, loc.code, sum(b.quantity), i.unit, i.ghs, i.signal_word, \
     i.h_statements, (SELECT r2.revised FROM sds_revisions r2 WHERE r2.item_id = i.id \
                      ORDER BY r2.revised DESC, r2.id DESC LIMIT 1) \
     FROM items i JOIN balances b ON b.item_id = i.id JOIN locations loc ON loc.id = b.location_id \
     WHERE (i.ghs IS NOT NULL OR i.h_statements IS NOT NULL) \
       AND (CAST(?1 AS BIGINT) IS NULL OR b.location_id = ?1) \
     GROUP BY i.id, loc.id HAVING sum(b.quantity) <> 0 \
     ORDER BY loc.code COLLATE \"C\", i.code COLLATE \"C\"",
);
/// Every stored document, for `check`.
pub const DOCUMENTS: Sql =
    Sql::both("SELECT id, sha256, bytes, document FROM sds_documents ORDER BY id");
