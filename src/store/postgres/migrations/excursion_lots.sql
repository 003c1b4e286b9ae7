-- Version 2 (SQLite migration `excursion_lots`, SQLite version 15).
-- The lots held during each ended excursion, kept (maintained state, see
-- src/store/sqlite/migrations/excursion_lots.sql): a movement dated at or before an
-- ended excursion's end at its location or destination drops that row
-- (the ledger's posting code does it, not a trigger).
CREATE TABLE excursion_lots (
    excursion_id  bigint PRIMARY KEY REFERENCES excursions (id) ON DELETE CASCADE DEFERRABLE,
    location_id   bigint NOT NULL REFERENCES locations (id) DEFERRABLE,
    from_at       text COLLATE "C" NOT NULL,
    to_at         text COLLATE "C" NOT NULL CHECK (to_at >= from_at),
    lots          text COLLATE "C" NOT NULL
);
CREATE INDEX excursion_lots_end ON excursion_lots (location_id, to_at);
CREATE INDEX excursions_ended ON excursions (location_id) WHERE to_at IS NOT NULL;

