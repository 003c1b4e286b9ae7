-- Migration 1 → 2: lot evidence (issue 12, defects 6 and 8).
--
-- A lot's creation becomes chained evidence, so `check` can prove every
-- lot row (item, number, expiry, status, opening) from records that
-- cannot be edited unseen. It is a table of its own rather than a
-- `create` action in `lot_events`: widening that table's CHECK would mean
-- rebuilding an evidence table, and a table of its own also seals the
-- lot's item and number (what a recall is traced by), one record per lot
-- (UNIQUE). The Rust half of the migration (src/store/sqlite/migrations.rs) writes
-- the creation record of every lot that already exists.

CREATE TABLE lot_creations (
    id       INTEGER PRIMARY KEY,
    lot_id   INTEGER NOT NULL UNIQUE REFERENCES lots (id),
    item_id  INTEGER NOT NULL REFERENCES items (id),
    lot      TEXT NOT NULL COLLATE BINARY,
    expiry   TEXT,
    at       TEXT NOT NULL,
    user     TEXT NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;
CREATE TRIGGER lot_creations_no_update BEFORE UPDATE ON lot_creations
BEGIN
    SELECT RAISE(ABORT, 'lot creation records are append-only');
END;
CREATE TRIGGER lot_creations_no_delete BEFORE DELETE ON lot_creations
BEGIN
    SELECT RAISE(ABORT, 'lot creation records are append-only');
END;

-- Lots whose status changed after a date (`lots::statuses_as_of`, every
-- report `--as-of`) are found through this index, not by reading every
-- lot event.
CREATE INDEX lot_events_at ON lot_events (at);

-- A lot is opened once; a later `open` event corrects the date of the
-- first and must say why (`lot open --correct --reason`). The lot's
-- `opened_on` is the date of its latest `open` event.
CREATE TRIGGER lot_events_open_correction_needs_reason BEFORE INSERT ON lot_events
WHEN NEW.action = 'open' AND (NEW.reason IS NULL OR length(trim(NEW.reason)) = 0)
     AND EXISTS (SELECT 1 FROM lot_events WHERE lot_id = NEW.lot_id AND action = 'open')
BEGIN
    SELECT RAISE(ABORT, 'a lot is opened once: a correction of its opening date needs a reason');
END;
