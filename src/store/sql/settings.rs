//! The SQL of the lab's settings (src/settings.rs).

use crate::store::Sql;

/// The value in force for a setting: its latest record.
pub const CURRENT: Sql =
    Sql::both("SELECT value FROM settings WHERE key = ?1 ORDER BY id DESC LIMIT 1");
/// Every setting in force, by key.
pub const ALL: Sql = Sql::each(
    "SELECT s.key, s.value, s.at, s.user FROM settings s \
     WHERE s.id = (SELECT max(id) FROM settings t WHERE t.key = s.key) ORDER BY s.key",
    "SELECT s.key, s.value, s.at, s.\"user\" FROM settings s \
     WHERE s.id = (SELECT max(id) FROM settings t WHERE t.key = s.key) ORDER BY s.key COLLATE \"C\"",
);
