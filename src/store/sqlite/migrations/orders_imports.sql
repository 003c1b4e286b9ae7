-- Migration: orders and imports (issue 12, defects 5, 12 and 18).
--
-- 1. Received on an order line has one definition (src/orders.rs,
--    `RECEIVED`): the movements linked to the line by `order_id`, plus,
--    for movements recorded before the line existed (the ledger is
--    append-only, so they could not be linked), the unlinked receipts and
--    receipt corrections (`adjust`, which is how an exported reversal comes
--    back) naming the line's (reference, item), and the reversals of
--    those. This index serves the second half; it replaces the one that
--    covered receipts only.
DROP INDEX movements_unlinked_receipts;
CREATE INDEX movements_unlinked_order_refs ON movements (item_id, reference COLLATE NOCASE, at, quantity)
    WHERE order_id IS NULL AND reference IS NOT NULL AND (kind = 'receive' OR kind = 'adjust');

-- 2. Every import, by kind and the SHA-256 of the file's bytes: a file
--    identical to one already imported is refused unless `--again`
--    (SPEC §10 Imports). Evidence: append-only and hash-chained.
CREATE TABLE imports (
    id       INTEGER PRIMARY KEY,
    kind     TEXT NOT NULL CHECK (length(kind) > 0),
    sha256   BLOB NOT NULL CHECK (length(sha256) = 32),
    bytes    INTEGER NOT NULL CHECK (bytes >= 0),
    rows     INTEGER NOT NULL CHECK (rows >= 0),
    again    INTEGER NOT NULL CHECK (again IN (0, 1)),
    at       TEXT NOT NULL,
    user     TEXT NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;
-- "Was this file imported before?": one probe at the start of every import.
CREATE INDEX imports_content ON imports (kind, sha256);
CREATE TRIGGER imports_no_update BEFORE UPDATE ON imports
BEGIN
    SELECT RAISE(ABORT, 'the import log is append-only');
END;
CREATE TRIGGER imports_no_delete BEFORE DELETE ON imports
BEGIN
    SELECT RAISE(ABORT, 'the import log is append-only');
END;

-- 3. Backfill: `orders.received` of existing lines from the one definition
--    (before, it counted linked movements only, so a receipt recorded
--    before its line was missing from it while `order list` counted it).
UPDATE orders SET received =
      (SELECT coalesce(SUM(m.quantity), 0) FROM movements m WHERE m.order_id = orders.id)
    + (SELECT coalesce(SUM(m.quantity + coalesce(
              (SELECT r.quantity FROM movements r WHERE r.reverses = m.id AND r.order_id IS NULL), 0)), 0)
         FROM movements m
        WHERE m.item_id = orders.item_id AND m.reference = orders.reference COLLATE NOCASE
          AND m.order_id IS NULL AND m.reference IS NOT NULL AND (m.kind = 'receive' OR m.kind = 'adjust'));
