-- Migration: reagent acceptance (SPEC §13, issue 16).
--
-- An item may require each NEW lot to be verified before use
-- (`items.acceptance_required`). Such a lot is received `pending`, and its
-- verification (`lot accept … --result pass|fail`) is chained evidence.
--
-- Representation. `lots.status` has a CHECK (available, quarantined,
-- recalled) and `lots` is the parent of the ledger, balances, lot events
-- and creation records: widening the CHECK means rebuilding the table,
-- which needs `PRAGMA foreign_keys = OFF`, and that pragma is a no-op
-- inside the migration's transaction. So pending is not a fourth value of
-- `status` but a flag beside it, `lots.pending`, a cache like `status`:
-- the lot's effective status is `pending` while the flag is set and
-- `status` is `available` (a quarantine or recall of a pending lot still
-- shows as such, and a release returns it to pending). `check` proves the
-- flag against `lot_acceptances`, the append-only, hash-chained records:
-- a `pending` row written when the lot was created, then at most one
-- decision (`pass` or `fail`). A fail is also recorded as a quarantine in
-- `lot_events`, so the lot's status stays proven by its events as before.
-- No backfill: lots that exist were never pending.

ALTER TABLE items ADD COLUMN acceptance_required INTEGER NOT NULL DEFAULT 0
    CHECK (acceptance_required IN (0, 1));
ALTER TABLE lots ADD COLUMN pending INTEGER NOT NULL DEFAULT 0
    CHECK (pending IN (0, 1));

CREATE TABLE lot_acceptances (
    id         INTEGER PRIMARY KEY,
    lot_id     INTEGER NOT NULL REFERENCES lots (id),
    result     TEXT NOT NULL CHECK (result = 'pending' OR result = 'pass' OR result = 'fail'),
    reference  TEXT,
    notes      TEXT,
    at         TEXT NOT NULL,
    user       TEXT NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;
CREATE TRIGGER lot_acceptances_no_update BEFORE UPDATE ON lot_acceptances
BEGIN
    SELECT RAISE(ABORT, 'acceptance records are append-only');
END;
CREATE TRIGGER lot_acceptances_no_delete BEFORE DELETE ON lot_acceptances
BEGIN
    SELECT RAISE(ABORT, 'acceptance records are append-only');
END;
-- A lot is pending once (when created) and decided at most once, after.
CREATE TRIGGER lot_acceptances_in_order BEFORE INSERT ON lot_acceptances
WHEN (NEW.result = 'pending' AND EXISTS (SELECT 1 FROM lot_acceptances WHERE lot_id = NEW.lot_id))
  OR (NEW.result <> 'pending' AND (
        NOT EXISTS (SELECT 1 FROM lot_acceptances WHERE lot_id = NEW.lot_id AND result = 'pending')
        OR EXISTS (SELECT 1 FROM lot_acceptances WHERE lot_id = NEW.lot_id AND result <> 'pending')))
BEGIN
    SELECT RAISE(ABORT, 'a lot is pending once and accepted or rejected once');
END;
-- A lot's records (`check`, `lot accept`) and the decisions after a date
-- (`lots::statuses_changed_after`, every report `--as-of`).
CREATE INDEX lot_acceptances_lot ON lot_acceptances (lot_id);
CREATE INDEX lot_acceptances_at ON lot_acceptances (at);
