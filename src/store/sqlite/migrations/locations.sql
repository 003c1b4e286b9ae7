-- Locations are edited and retired (SPEC §9): a retired location keeps its
-- history and takes no new stock. Every change is a chained record.
ALTER TABLE locations ADD COLUMN retired_on TEXT;

CREATE TABLE location_changes (
    id           INTEGER PRIMARY KEY,
    location_id  INTEGER NOT NULL REFERENCES locations (id),
    field        TEXT NOT NULL,
    old_value    TEXT,
    new_value    TEXT,
    at           TEXT NOT NULL,
    user         TEXT NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;
CREATE INDEX location_changes_location ON location_changes (location_id, id);
CREATE TRIGGER location_changes_no_update BEFORE UPDATE ON location_changes
BEGIN SELECT RAISE(ABORT, 'location changes are append-only'); END;
CREATE TRIGGER location_changes_no_delete BEFORE DELETE ON location_changes
BEGIN SELECT RAISE(ABORT, 'location changes are append-only'); END;
