-- Storage temperatures (SPEC §15). A location with a range is monitored;
-- temperatures are stored in hundredths of a degree Celsius. Readings are
-- evidence (append-only, chained) and carry the range and tolerance they
-- were judged against, so a later edit of the range cannot rewrite what a
-- reading meant. Excursions are maintained from the readings as they
-- arrive (proven by `check`); decisions about them are evidence.
ALTER TABLE locations ADD COLUMN min_temp INTEGER;
ALTER TABLE locations ADD COLUMN max_temp INTEGER;
ALTER TABLE locations ADD COLUMN tolerance_minutes INTEGER NOT NULL DEFAULT 0;

CREATE TABLE temperature_readings (
    id           INTEGER PRIMARY KEY,
    location_id  INTEGER NOT NULL REFERENCES locations (id),
    at           TEXT NOT NULL,
    value        INTEGER NOT NULL CHECK (value BETWEEN -20000 AND 20000),
    min          INTEGER CHECK (min BETWEEN -20000 AND 20000),
    max          INTEGER CHECK (max BETWEEN -20000 AND 20000),
    range_min    INTEGER NOT NULL,
    range_max    INTEGER NOT NULL CHECK (range_max > range_min),
    tolerance    INTEGER NOT NULL CHECK (tolerance >= 0),
    note         TEXT,
    user         TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32),
    UNIQUE (location_id, at)
) STRICT;
-- The in-range readings of a location by time: the bounds of a run of
-- out-of-range readings are one seek each.
CREATE INDEX temperature_readings_in_range ON temperature_readings (location_id, at)
 WHERE value BETWEEN range_min AND range_max
   AND coalesce(min, value) BETWEEN range_min AND range_max
   AND coalesce(max, value) BETWEEN range_min AND range_max;
CREATE TRIGGER temperature_readings_no_update BEFORE UPDATE ON temperature_readings
BEGIN SELECT RAISE(ABORT, 'temperature readings are append-only'); END;
CREATE TRIGGER temperature_readings_no_delete BEFORE DELETE ON temperature_readings
BEGIN SELECT RAISE(ABORT, 'temperature readings are append-only'); END;

-- Maintained state: one row per run of out-of-range readings. `id` is the
-- id of the run's first out-of-range reading and never changes.
CREATE TABLE excursions (
    id           INTEGER PRIMARY KEY REFERENCES temperature_readings (id),
    location_id  INTEGER NOT NULL REFERENCES locations (id),
    first_at     TEXT NOT NULL,
    from_at      TEXT NOT NULL,
    to_at        TEXT,
    last_at      TEXT NOT NULL,
    readings     INTEGER NOT NULL CHECK (readings > 0),
    peak         INTEGER NOT NULL,
    tolerance    INTEGER NOT NULL
) STRICT;
CREATE INDEX excursions_location ON excursions (location_id, first_at);

CREATE TABLE excursion_decisions (
    id            INTEGER PRIMARY KEY,
    excursion_id  INTEGER NOT NULL UNIQUE REFERENCES temperature_readings (id),
    decision      TEXT NOT NULL CHECK (decision = 'released' OR decision = 'quarantined'),
    reason        TEXT NOT NULL CHECK (reason <> ''),
    lots          TEXT NOT NULL,
    at            TEXT NOT NULL,
    user          TEXT NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;
CREATE TRIGGER excursion_decisions_no_update BEFORE UPDATE ON excursion_decisions
BEGIN SELECT RAISE(ABORT, 'excursion decisions are append-only'); END;
CREATE TRIGGER excursion_decisions_no_delete BEFORE DELETE ON excursion_decisions
BEGIN SELECT RAISE(ABORT, 'excursion decisions are append-only'); END;
