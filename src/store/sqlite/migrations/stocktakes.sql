-- Stocktakes (SPEC §13): a count of one location (optionally one
-- category), its sheet as the book stood at the start, every count with
-- the book at that moment, and how it ended. All evidence: append-only and
-- hash-chained; the status of a stocktake is its latest event (none: open).
CREATE TABLE stocktakes (
    id           INTEGER PRIMARY KEY,
    location_id  INTEGER NOT NULL REFERENCES locations (id),
    category     TEXT,
    blind        INTEGER NOT NULL CHECK (blind = 0 OR blind = 1),
    at           TEXT NOT NULL,
    user         TEXT NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;
CREATE INDEX stocktakes_location ON stocktakes (location_id, id);

CREATE TABLE stocktake_lines (
    id            INTEGER PRIMARY KEY,
    stocktake_id  INTEGER NOT NULL REFERENCES stocktakes (id),
    item_id       INTEGER NOT NULL REFERENCES items (id),
    lot_id        INTEGER NOT NULL REFERENCES lots (id),
    book          INTEGER NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;
CREATE INDEX stocktake_lines_stocktake ON stocktake_lines (stocktake_id, lot_id);

CREATE TABLE stocktake_counts (
    id            INTEGER PRIMARY KEY,
    stocktake_id  INTEGER NOT NULL REFERENCES stocktakes (id),
    item_id       INTEGER NOT NULL REFERENCES items (id),
    lot_id        INTEGER NOT NULL REFERENCES lots (id),
    book          INTEGER NOT NULL,
    counted       INTEGER NOT NULL CHECK (counted >= 0),
    at            TEXT NOT NULL,
    user          TEXT NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;
CREATE INDEX stocktake_counts_stocktake ON stocktake_counts (stocktake_id, lot_id, id);

CREATE TABLE stocktake_events (
    id              INTEGER PRIMARY KEY,
    stocktake_id    INTEGER NOT NULL REFERENCES stocktakes (id),
    action          TEXT NOT NULL CHECK (action = 'applied' OR action = 'cancelled'),
    zero_uncounted  INTEGER NOT NULL CHECK (zero_uncounted = 0 OR zero_uncounted = 1),
    at              TEXT NOT NULL,
    user            TEXT NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32),
    UNIQUE (stocktake_id)
) STRICT;

CREATE TRIGGER stocktakes_no_update BEFORE UPDATE ON stocktakes
BEGIN SELECT RAISE(ABORT, 'stocktakes are evidence: append-only'); END;
CREATE TRIGGER stocktakes_no_delete BEFORE DELETE ON stocktakes
BEGIN SELECT RAISE(ABORT, 'stocktakes are evidence: append-only'); END;
CREATE TRIGGER stocktake_lines_no_update BEFORE UPDATE ON stocktake_lines
BEGIN SELECT RAISE(ABORT, 'stocktake sheets are evidence: append-only'); END;
CREATE TRIGGER stocktake_lines_no_delete BEFORE DELETE ON stocktake_lines
BEGIN SELECT RAISE(ABORT, 'stocktake sheets are evidence: append-only'); END;
CREATE TRIGGER stocktake_counts_no_update BEFORE UPDATE ON stocktake_counts
BEGIN SELECT RAISE(ABORT, 'stocktake counts are evidence: count again to correct one'); END;
CREATE TRIGGER stocktake_counts_no_delete BEFORE DELETE ON stocktake_counts
BEGIN SELECT RAISE(ABORT, 'stocktake counts are evidence: count again to correct one'); END;
CREATE TRIGGER stocktake_events_no_update BEFORE UPDATE ON stocktake_events
BEGIN SELECT RAISE(ABORT, 'stocktake events are evidence: append-only'); END;
CREATE TRIGGER stocktake_events_no_delete BEFORE DELETE ON stocktake_events
BEGIN SELECT RAISE(ABORT, 'stocktake events are evidence: append-only'); END;
