//! The SQL of accounts, sessions and API tokens (src/accounts.rs).

use crate::store::Sql;

macro_rules! account_columns {
    () => {
        "id, name, full_name, role, CASE WHEN disabled_at IS NULL THEN 0 ELSE 1 END, created_at, created_by"
    };
}

/// An account by name (`accounts` UNIQUE name, NOCASE).
pub const ACCOUNT_BY_NAME: Sql = Sql::both(concat!(
    "SELECT ",
    account_columns!(),
    " FROM accounts WHERE name = ?1"
));
/// Every account, by name ignoring case.
pub const ACCOUNTS: Sql = Sql::each(
    concat!(
        "SELECT ",
        account_columns!(),
        " FROM accounts ORDER BY name COLLATE NOCASE"
    ),
    concat!(
        "SELECT ",
        account_columns!(),
        " FROM accounts ORDER BY lower(name) COLLATE \"C\", name COLLATE \"C\""
    ),
);
/// Active managers other than one account.
pub const OTHER_MANAGERS: Sql = Sql::both(
    "SELECT count(*) FROM accounts WHERE role = 'manager' AND disabled_at IS NULL AND id <> ?1",
);
/// Whether any active manager exists.
pub const ANY_MANAGER: Sql =
    Sql::both("SELECT count(*) FROM accounts WHERE role = 'manager' AND disabled_at IS NULL");
/// A new account, and its id.
pub const INSERT_ACCOUNT: Sql = Sql::each(
    "INSERT INTO accounts (name, full_name, role, password_hash, created_at, created_by) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    "INSERT INTO accounts (name, full_name, role, password_hash, created_at, created_by) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
);
pub const SET_ROLE: Sql = Sql::both("UPDATE accounts SET role = ?2 WHERE id = ?1");
pub const SET_PASSWORD: Sql = Sql::both("UPDATE accounts SET password_hash = ?2 WHERE id = ?1");
pub const DISABLE: Sql = Sql::both("UPDATE accounts SET disabled_at = ?2 WHERE id = ?1");
/// Every session of an account.
pub const END_SESSIONS_OF: Sql = Sql::both("DELETE FROM sessions WHERE account_id = ?1");
/// A new API token, and its id.
pub const INSERT_TOKEN: Sql = Sql::each(
    "INSERT INTO api_tokens (account_id, token_hash, expires_on, created_at, created_by) \
     VALUES (?1, ?2, ?3, ?4, ?5)",
    "INSERT INTO api_tokens (account_id, token_hash, expires_on, created_at, created_by) \
     VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
);
/// A name's recent sign-in failures, oldest first.
pub const FAILURES: Sql =
    Sql::both("SELECT at FROM login_failures WHERE name = ?1 AND at >= ?2 ORDER BY at");
/// What a sign-in checks of an account.
pub const SIGN_IN: Sql = Sql::both(
    "SELECT id, name, role, password_hash, CASE WHEN disabled_at IS NULL THEN 1 ELSE 0 END \
     FROM accounts WHERE name = ?1",
);
pub const INSERT_SESSION: Sql = Sql::both(
    "INSERT INTO sessions (id_hash, account_id, created_at, last_seen) VALUES (?1, ?2, ?3, ?3)",
);
pub const CLEAR_FAILURES: Sql = Sql::both("DELETE FROM login_failures WHERE name = ?1");
pub const INSERT_FAILURE: Sql = Sql::both("INSERT INTO login_failures (name, at) VALUES (?1, ?2)");
pub const FORGET_OLD_FAILURES: Sql = Sql::both("DELETE FROM login_failures WHERE at < ?1");
/// A live session's account.
pub const SESSION: Sql = Sql::both(
    "SELECT a.id, a.name, a.role, s.last_seen FROM sessions s \
     JOIN accounts a ON a.id = s.account_id \
     WHERE s.id_hash = ?1 AND a.disabled_at IS NULL",
);
pub const TOUCH_SESSION: Sql = Sql::both("UPDATE sessions SET last_seen = ?2 WHERE id_hash = ?1");
pub const END_SESSION: Sql = Sql::both("DELETE FROM sessions WHERE id_hash = ?1");
/// An unexpired token's account.
pub const TOKEN: Sql = Sql::both(
    "SELECT a.id, a.name, a.role FROM api_tokens t \
     JOIN accounts a ON a.id = t.account_id \
     WHERE t.token_hash = ?1 AND a.disabled_at IS NULL \
       AND (t.expires_on IS NULL OR t.expires_on >= ?2)",
);
