-- Calibration interval changes (issue 12, defect 4): an asset's interval
-- is a dated, chained record, so the interval as of any day is derivable
-- and an edit can never rewrite history.
--
-- `origin` says where a record came from: `registered` (the interval an
-- asset was registered or imported with), `migration` (the interval on the
-- register when a database made before this table was upgraded: earlier
-- edits were not recorded), or `edit` (`equipment edit
-- --calibration-interval`). The first two apply from the start of the
-- asset's history and carry no `effective_on`; an edit applies from its
-- `effective_on` day. `new_interval` NULL means "needs no calibration".
-- `seq` is the asset's `equipment.event_seq` when the record was made, so
-- a change and a calibration on one day replay in recording order.
-- `equipment.calibration_interval` is maintained from the latest record in
-- the same transaction and proven against it by `check`.
CREATE TABLE calibration_interval_changes (
    id             INTEGER PRIMARY KEY,
    equipment_id   INTEGER NOT NULL REFERENCES equipment (id),
    seq            INTEGER NOT NULL,
    origin         TEXT NOT NULL CHECK (origin = 'registered' OR origin = 'migration' OR origin = 'edit'),
    effective_on   TEXT,
    old_interval   TEXT CHECK (old_interval IS NULL OR old_interval GLOB '[1-9]*[dwmy]'),
    new_interval   TEXT CHECK (new_interval IS NULL OR new_interval GLOB '[1-9]*[dwmy]'),
    reason         TEXT,
    recorded_at    TEXT NOT NULL,
    recorded_by    TEXT NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32),
    CHECK ((origin = 'edit') = (effective_on IS NOT NULL)),
    CHECK (origin = 'edit' OR old_interval IS NULL),
    UNIQUE (equipment_id, seq)
) STRICT;
-- The interval of an asset as of a day is one index probe; at most one
-- record applies from the start.
CREATE INDEX calibration_interval_changes_asset ON calibration_interval_changes (equipment_id, effective_on, seq);
CREATE UNIQUE INDEX calibration_interval_changes_start ON calibration_interval_changes (equipment_id)
    WHERE effective_on IS NULL;
CREATE TRIGGER calibration_interval_changes_no_update BEFORE UPDATE ON calibration_interval_changes
BEGIN
    SELECT RAISE(ABORT, 'calibration interval changes are append-only: record a new change with `labstock equipment edit TAG --calibration-interval I`');
END;
CREATE TRIGGER calibration_interval_changes_no_delete BEFORE DELETE ON calibration_interval_changes
BEGIN
    SELECT RAISE(ABORT, 'calibration interval changes are append-only: record a new change with `labstock equipment edit TAG --calibration-interval I`');
END;
