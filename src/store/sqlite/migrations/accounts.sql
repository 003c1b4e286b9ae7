-- Accounts, roles and the server's sessions (SPEC §11).
--
-- `accounts` holds each account as it stands now (its role, password hash
-- and whether it is disabled); every change to it is a chained record in
-- `account_changes` (evidence, listed by `audit`), which never holds a
-- password or its hash. API tokens are stored as SHA-256 hashes.
-- Sessions and sign-in failures are operational state of the server, not
-- evidence: they are not chained and are deleted when they end.
CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
    full_name     TEXT,
    -- An OR chain, not IN (…): a list of three or more makes SQLite build
    -- a temporary b-tree on every insert (tests/cli/plans.rs).
    role          TEXT NOT NULL
                  CHECK (role = 'viewer' OR role = 'assistant' OR role = 'supervisor'
                         OR role = 'manager' OR role = 'auditor'),
    password_hash TEXT NOT NULL,
    disabled_at   TEXT,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL
) STRICT;

CREATE TABLE account_changes (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    action      TEXT NOT NULL,
    detail      TEXT NOT NULL,
    at          TEXT NOT NULL,
    user        TEXT NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;
CREATE INDEX account_changes_account ON account_changes (account_id, id);
CREATE TRIGGER account_changes_no_update BEFORE UPDATE ON account_changes
BEGIN SELECT RAISE(ABORT, 'account changes are append-only'); END;
CREATE TRIGGER account_changes_no_delete BEFORE DELETE ON account_changes
BEGIN SELECT RAISE(ABORT, 'account changes are append-only'); END;

CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    token_hash  BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    expires_on  TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
) STRICT;

CREATE TABLE sessions (
    id_hash     BLOB PRIMARY KEY CHECK (length(id_hash) = 32),
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    created_at  TEXT NOT NULL,
    last_seen   TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE login_failures (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL,
    at    TEXT NOT NULL
) STRICT;
CREATE INDEX login_failures_name ON login_failures (name, at);
