-- The lots held during each ended excursion (SPEC §15 `report excursions`,
-- column `lots`), kept so that the report reads them instead of sweeping
-- the ledger of every location at every run. Maintained state, not
-- evidence: derived from the ledger, rebuildable, proven by `check`.
--
-- One row per excursion that has ended, written when the excursion gets
-- its end (src/temperature.rs, `keep_lots`): the text of the report's
-- column for its window `from_at..=to_at`. A row is only valid for that
-- window: it goes with its excursion (ON DELETE CASCADE; an excursion is
-- replaced, never updated, when readings move it).
--
-- What the ledger held at a location during a window depends on the
-- movements at or into that location dated at or before the window's
-- end. So a movement posted with such a date (a backdated one) drops the
-- rows of the excursions at its location and its destination that ended
-- at or after its time: one probe of `excursion_lots_end`, which a
-- movement dated now never matches. The ledger's posting code does it, in
-- the movement's transaction (src/ledger.rs `post`, the only code that
-- inserts into `movements`, calls `temperature::unkeep_lots`), rather than
-- an AFTER INSERT trigger: a trigger on `movements` makes every ledger
-- insert a multi-row write, for which SQLite compiles the scans of the
-- tables that refer to `movements` into its program, and it is parsed at
-- every open. An `open` (and its reversal) moves units between portions of
-- one balance and changes no lot's holding, so it drops nothing. The
-- report computes a missing row from the ledger, as it does for a running
-- excursion; the next reading at that location keeps it again.
CREATE TABLE excursion_lots (
    excursion_id  INTEGER PRIMARY KEY REFERENCES excursions (id) ON DELETE CASCADE,
    location_id   INTEGER NOT NULL REFERENCES locations (id),
    from_at       TEXT NOT NULL,
    to_at         TEXT NOT NULL CHECK (to_at >= from_at),
    lots          TEXT NOT NULL
) STRICT;
CREATE INDEX excursion_lots_end ON excursion_lots (location_id, to_at);
-- Whether a location has an ended excursion without kept lots is two
-- counts over one location's entries of this index and of
-- `excursion_lots_end`, so a reading that changes nothing pays two short
-- index walks, not a probe of `excursion_lots` per excursion.
CREATE INDEX excursions_ended ON excursions (location_id) WHERE to_at IS NOT NULL;
