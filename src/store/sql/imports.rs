//! The SQL of the import log (src/import/log.rs, SPEC §10 Imports) and of
//! an import's bulk load on PostgreSQL (src/import.rs).

use crate::store::Sql;

/// The earlier import of identical content (`imports_content`).
pub const EARLIER_IMPORT: Sql = Sql::both(
    "SELECT at, \"user\", rows FROM imports WHERE kind = ?1 AND sha256 = ?2 ORDER BY id LIMIT 1",
);

/// PostgreSQL's bulk load of an import (src/store/postgres/bulk.rs): the
/// new balance rows, from arrays (lot, location, portion, item, quantity).
pub const BULK_NEW_BALANCES: &str = "INSERT INTO balances (lot_id, location_id, opened_on, item_id, quantity) \
     SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::bigint[])";

/// PostgreSQL's bulk load: ids for new lots, a block at a time, from the
/// identity's own sequence (so nothing else can be given them).
pub const BULK_LOT_IDS: &str =
    "SELECT nextval(pg_get_serial_sequence('lots', 'id')) FROM generate_series(1, $1::bigint)";

/// PostgreSQL's bulk load: new lots (`INSERT_LOT`'s columns, their ids
/// given), in COPY's text format.
pub const BULK_LOTS: &str = "COPY lots (id, item_id, lot, expiry, created_at, pending) FROM STDIN";

/// PostgreSQL's bulk load: the latest quantity of balances that have a
/// row, from arrays (lot, location, portion, quantity), each found by
/// `balances_pkey`.
pub const BULK_BALANCES: &str = "UPDATE balances b SET quantity = u.quantity \
       FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[]) \
            AS u (lot_id, location_id, opened_on, quantity) \
      WHERE b.lot_id = u.lot_id AND b.location_id = u.location_id \
        AND b.opened_on = u.opened_on COLLATE \"C\"";

/// PostgreSQL's initial load into an empty ledger: whether the ledger
/// has a row. (Its balances may: the import's own, sent before any of
/// its ledger rows.)
pub const BULK_LEDGER_HAS_ROWS: &str = "SELECT EXISTS (SELECT 1 FROM movements)";

/// PostgreSQL's initial load: a table's secondary indexes (every index
/// but those of its primary key and unique constraints), each with the
/// statement that makes it again.
pub const BULK_LEDGER_INDEXES: &str = "SELECT i.relname::text, pg_get_indexdef(i.oid) \
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid \
      WHERE x.indrelid = $1::text::regclass AND NOT x.indisprimary \
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c \
                         WHERE c.conindid = i.oid AND c.conrelid = x.indrelid \
                           AND c.contype IN ('p', 'u', 'x')) \
      ORDER BY i.relname";

/// PostgreSQL's initial load: a table's foreign keys, each with its
/// definition (`FOREIGN KEY (…) REFERENCES …`).
pub const BULK_LEDGER_FOREIGN_KEYS: &str = "SELECT conname::text, pg_get_constraintdef(oid) \
       FROM pg_constraint \
      WHERE conrelid = $1::text::regclass AND contype = 'f' \
      ORDER BY conname";

/// PostgreSQL's initial load: the lock timeout the connection was given
/// (the busy timeout), put back after the tables are taken.
pub const BULK_LOCK_TIMEOUT: &str = "SELECT current_setting('lock_timeout')";

/// PostgreSQL's initial load: put the lock timeout back (this
/// transaction).
pub const BULK_SET_LOCK_TIMEOUT: &str = "SELECT set_config('lock_timeout', $1, true)";

/// PostgreSQL's initial load: memory for sorting the ledger to make its
/// indexes again (this transaction).
pub const BULK_INDEX_MEMORY: &str = "SET LOCAL maintenance_work_mem = '256MB'";
