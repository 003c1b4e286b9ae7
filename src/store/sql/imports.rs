//! The SQL of the import log (src/import/log.rs, SPEC §10 Imports) and of
//! an import's bulk load on PostgreSQL (src/import.rs).

use crate::store::Sql;

/// The earlier import of identical content (`imports_content`).
pub const EARLIER_IMPORT: Sql = Sql::both(
    "SELECT at, \"user\", rows FROM imports WHERE kind = ?1 AND sha256 = ?2 ORDER BY id LIMIT 1",
);
