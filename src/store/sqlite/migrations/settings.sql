-- Settings of the lab (the time zone first; later the digest's mail
-- settings): dated records, never edited. The value in force is the
-- latest row of its key; every change stays, with who and when.
CREATE TABLE settings (
    id     INTEGER PRIMARY KEY,
    key    TEXT NOT NULL,
    value  TEXT NOT NULL,
    at     TEXT NOT NULL,
    user   TEXT NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;
CREATE INDEX settings_key ON settings (key, id);
CREATE TRIGGER settings_no_update BEFORE UPDATE ON settings
BEGIN
    SELECT RAISE(ABORT, 'settings are dated records: change one with `labstock config set`');
END;
CREATE TRIGGER settings_no_delete BEFORE DELETE ON settings
BEGIN
    SELECT RAISE(ABORT, 'settings are dated records: change one with `labstock config set`');
END;

-- A backdated movement's "never negative at any later point" check reads
-- the later movements of the lot it touches, and only those.
CREATE INDEX movements_lot_at ON movements (lot_id, at);

-- Item settings as of a date (`report reorder --as-of`) undo the edits
-- recorded after it, found by time.
CREATE INDEX item_changes_at ON item_changes (at);
