-- Version 4 (PostgreSQL only; no SQLite counterpart: the tables and
-- columns are unchanged). The codes of items and locations indexed as
-- stored, byte for byte (collation "C"), beside their case-insensitive
-- UNIQUE keys. A movement reads its item and its location by the code it
-- names (src/store/sql/catalogue.rs, ITEM_AND_LOCATION_BY_CODE) through
-- these first: comparing by `labstock_nocase` makes a new server process
-- open the ICU collation, about a third of a millisecond that every
-- command-line process paid once (BENCHMARKS.md). A code typed in another
-- case is still found through the UNIQUE keys, as before.
CREATE INDEX IF NOT EXISTS items_code_exact ON items (code COLLATE "C");
CREATE INDEX IF NOT EXISTS locations_code_exact ON locations (code COLLATE "C");
