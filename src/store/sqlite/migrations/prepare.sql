-- Made-up solutions (SPEC §14, issue 17).
--
-- `items.shelf_life_days`: a prepared item's stability, a setting like
-- `in_use_days` (changes recorded in `item_changes`).
--
-- A batch is a lot of a prepared item received by `prepare`; its
-- composition is evidence, so `batches` (one row per batch: what was made,
-- when, by whom, the expiry decided and the receipt that put it in stock)
-- and `batch_components` (one row per component lot: the quantity issued
-- from it, or NULL when it was recorded for traceability only, and the
-- issue movement) are append-only and hash-chained, and `check` proves
-- them against the ledger and the lots.
--
-- `recipes` are settings, not evidence: the usual components of a
-- prepared item, replaced whole by `item recipe`, each replacement
-- recorded in `item_changes` (field `recipe`) like any other setting.
ALTER TABLE items ADD COLUMN shelf_life_days INTEGER CHECK (shelf_life_days >= 0);

CREATE TABLE batches (
    id           INTEGER PRIMARY KEY,
    item_id      INTEGER NOT NULL REFERENCES items (id),
    lot_id       INTEGER NOT NULL UNIQUE REFERENCES lots (id),
    location_id  INTEGER NOT NULL REFERENCES locations (id),
    quantity     INTEGER NOT NULL CHECK (quantity > 0),
    prepared_on  TEXT NOT NULL,
    expiry       TEXT NOT NULL,
    movement_id  INTEGER NOT NULL REFERENCES movements (id),
    note         TEXT,
    at           TEXT NOT NULL,
    user         TEXT NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;
CREATE INDEX batches_item ON batches (item_id, id);

CREATE TABLE batch_components (
    id           INTEGER PRIMARY KEY,
    batch_id     INTEGER NOT NULL REFERENCES batches (id),
    item_id      INTEGER NOT NULL REFERENCES items (id),
    lot_id       INTEGER NOT NULL REFERENCES lots (id),
    quantity     INTEGER CHECK (quantity IS NULL OR quantity > 0),
    movement_id  INTEGER REFERENCES movements (id),
    expires      TEXT,
    hash BLOB NOT NULL CHECK (length(hash) = 32),
    CHECK ((quantity IS NULL) = (movement_id IS NULL))
) STRICT;
-- A batch's components (`trace` of a batch) and the batches a lot went
-- into (`trace` of a component lot, `lot recall`).
CREATE INDEX batch_components_batch ON batch_components (batch_id, id);
CREATE INDEX batch_components_lot ON batch_components (lot_id, batch_id);

CREATE TRIGGER batches_no_update BEFORE UPDATE ON batches
BEGIN SELECT RAISE(ABORT, 'batch records are append-only'); END;
CREATE TRIGGER batches_no_delete BEFORE DELETE ON batches
BEGIN SELECT RAISE(ABORT, 'batch records are append-only'); END;
CREATE TRIGGER batch_components_no_update BEFORE UPDATE ON batch_components
BEGIN SELECT RAISE(ABORT, 'batch records are append-only'); END;
CREATE TRIGGER batch_components_no_delete BEFORE DELETE ON batch_components
BEGIN SELECT RAISE(ABORT, 'batch records are append-only'); END;

CREATE TABLE recipes (
    item_id            INTEGER NOT NULL REFERENCES items (id),
    position           INTEGER NOT NULL,
    component_item_id  INTEGER NOT NULL REFERENCES items (id),
    quantity           INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (item_id, position),
    CHECK (component_item_id <> item_id)
) STRICT, WITHOUT ROWID;
