-- Opened containers by units (SPEC §15, §2 `open`).
--
-- Opening applies to units, not to a whole lot: a balance is split into a
-- sealed portion (`opened_on` empty) and opened portions keyed by the date
-- they were opened. An `open` movement moves units from the sealed portion
-- to an opened one at the same location; every other movement acts on one
-- portion, named by `movements.opened_on` (NULL: sealed). `to_opened_on`
-- is set only on an `open` and its reversal: the portion the units move
-- into (a transfer keeps its portion at both ends).
--
-- The movement kinds gain `open`. Widening a CHECK changes no stored row,
-- so the table's definition is edited in place (the procedure SQLite
-- documents for such changes, "Making Other Kinds Of Table Schema
-- Changes"), in the Rust half of this migration, rather than copying a
-- ledger of millions of rows into a new table.
ALTER TABLE movements ADD COLUMN opened_on TEXT
    CHECK (opened_on IS NULL OR length(opened_on) = 10);
ALTER TABLE movements ADD COLUMN to_opened_on TEXT
    CHECK (to_opened_on IS NULL OR (length(to_opened_on) = 10 AND to_location_id IS NULL));

-- Balances per portion. A cache of the ledger (proven by `check`), so it
-- is rebuilt here: every existing balance is sealed until the Rust half
-- opens the lots that were opened under the old lot-wide rule.
CREATE TABLE balances_by_portion (
    lot_id       INTEGER NOT NULL REFERENCES lots (id),
    location_id  INTEGER NOT NULL REFERENCES locations (id),
    opened_on    TEXT NOT NULL DEFAULT '',
    item_id      INTEGER NOT NULL REFERENCES items (id),
    quantity     INTEGER NOT NULL,
    PRIMARY KEY (lot_id, location_id, opened_on)
) STRICT, WITHOUT ROWID;
INSERT INTO balances_by_portion (lot_id, location_id, opened_on, item_id, quantity)
    SELECT lot_id, location_id, '', item_id, quantity FROM balances;
DROP TABLE balances;
ALTER TABLE balances_by_portion RENAME TO balances;
CREATE INDEX balances_item ON balances (item_id, location_id);
CREATE INDEX balances_location ON balances (location_id);
CREATE INDEX balances_in_stock ON balances (lot_id, location_id, quantity) WHERE quantity <> 0;

-- A stocktake counts portions too: each sheet line and each count names
-- the opened portion it is of (NULL: the sealed units).
ALTER TABLE stocktake_lines ADD COLUMN opened_on TEXT
    CHECK (opened_on IS NULL OR length(opened_on) = 10);
ALTER TABLE stocktake_counts ADD COLUMN opened_on TEXT
    CHECK (opened_on IS NULL OR length(opened_on) = 10);
