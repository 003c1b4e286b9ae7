-- Hazards and safety data sheets (SPEC §16, issue 20).
--
-- `items.ghs`, `signal_word`, `h_statements`, `p_statements`: the GHS/CLP
-- classification of an item, settings like any other (changes recorded in
-- `item_changes`), codes checked against the GB CLP lists by labstock and
-- stored as the list writes them, separated by spaces.
ALTER TABLE items ADD COLUMN ghs TEXT CHECK (ghs IS NULL OR length(ghs) > 0);
ALTER TABLE items ADD COLUMN signal_word TEXT CHECK (signal_word IS NULL OR signal_word IN ('Danger', 'Warning'));
ALTER TABLE items ADD COLUMN h_statements TEXT CHECK (h_statements IS NULL OR length(h_statements) > 0);
ALTER TABLE items ADD COLUMN p_statements TEXT CHECK (p_statements IS NULL OR length(p_statements) > 0);
-- The hazardous items (a pictogram or an H statement): `report coshh`,
-- `report sds` and the digest start from them, not from every item.
CREATE INDEX items_hazardous ON items (code) WHERE ghs IS NOT NULL OR h_statements IS NOT NULL;

-- The documents of safety data sheets, stored once each by their SHA-256
-- (the same PDF sent again for another item is not stored twice).
-- Append-only; `check` proves each document against its hash.
CREATE TABLE sds_documents (
    id        INTEGER PRIMARY KEY,
    sha256    BLOB NOT NULL UNIQUE CHECK (length(sha256) = 32),
    bytes     INTEGER NOT NULL CHECK (bytes > 0),
    document  BLOB NOT NULL
) STRICT;

-- Every revision of every item's SDS, as added (evidence: chained,
-- append-only). The current one is the latest revision date, then the
-- latest added.
CREATE TABLE sds_revisions (
    id         INTEGER PRIMARY KEY,
    item_id    INTEGER NOT NULL REFERENCES items (id),
    revised    TEXT NOT NULL,
    supplier   TEXT,
    sha256     BLOB NOT NULL CHECK (length(sha256) = 32) REFERENCES sds_documents (sha256),
    bytes      INTEGER NOT NULL CHECK (bytes > 0),
    filename   TEXT,
    at         TEXT NOT NULL,
    user       TEXT NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;
CREATE INDEX sds_revisions_item ON sds_revisions (item_id, revised, id);

-- `sds confirm`: someone checked with the supplier that a revision is
-- still current (UK REACH art. 31(9)), which clears its review.
CREATE TABLE sds_confirmations (
    id           INTEGER PRIMARY KEY,
    item_id      INTEGER NOT NULL REFERENCES items (id),
    revision_id  INTEGER NOT NULL REFERENCES sds_revisions (id),
    confirmed_on TEXT NOT NULL,
    note         TEXT,
    at           TEXT NOT NULL,
    user         TEXT NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;
CREATE INDEX sds_confirmations_revision ON sds_confirmations (revision_id, confirmed_on);

CREATE TRIGGER sds_documents_no_update BEFORE UPDATE ON sds_documents
BEGIN SELECT RAISE(ABORT, 'safety data sheets are append-only'); END;
CREATE TRIGGER sds_documents_no_delete BEFORE DELETE ON sds_documents
BEGIN SELECT RAISE(ABORT, 'safety data sheets are append-only'); END;
CREATE TRIGGER sds_revisions_no_update BEFORE UPDATE ON sds_revisions
BEGIN SELECT RAISE(ABORT, 'safety data sheet records are append-only'); END;
CREATE TRIGGER sds_revisions_no_delete BEFORE DELETE ON sds_revisions
BEGIN SELECT RAISE(ABORT, 'safety data sheet records are append-only'); END;
CREATE TRIGGER sds_confirmations_no_update BEFORE UPDATE ON sds_confirmations
BEGIN SELECT RAISE(ABORT, 'safety data sheet records are append-only'); END;
CREATE TRIGGER sds_confirmations_no_delete BEFORE DELETE ON sds_confirmations
BEGIN SELECT RAISE(ABORT, 'safety data sheet records are append-only'); END;
