-- Version 3 (PostgreSQL only; no SQLite counterpart: the tables and
-- columns are unchanged). `labstock_nocase` again, with the same meaning
-- (every Unicode letter's case ignored, accents kept: ICU strength 2) but
-- named by ICU's own keyword, `und@colStrength=secondary`, instead of the
-- language tag `und-u-ks-level2`. On PostgreSQL 15 with Debian's ICU a
-- server process opened the tagged collation in 4 – 8 ms on first use,
-- every process again (a command-line `receive` paid it in a 15 ms
-- budget), the keyword form in under 1 ms (BENCHMARKS.md, "The first use
-- of labstock_nocase"). A collation's locale cannot be altered, so every
-- column that uses it moves to the new one (their indexes are rebuilt, no
-- table is rewritten), the old one is dropped and the new one takes its
-- name, so the statements that say `COLLATE labstock_nocase` are
-- unchanged.
CREATE COLLATION labstock_nocase_secondary (provider = icu, locale = 'und@colStrength=secondary', deterministic = false);
DROP INDEX movements_unlinked_order_refs;
DO $$
DECLARE
    col record;
BEGIN
    FOR col IN
        SELECT c.relname AS tab, a.attname AS name
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        WHERE a.attcollation = 'labstock_nocase'::regcollation
          AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
          AND c.relnamespace = current_schema()::regnamespace
        ORDER BY c.relname, a.attnum
    LOOP
        EXECUTE format('ALTER TABLE %I ALTER COLUMN %I TYPE text COLLATE labstock_nocase_secondary',
                       col.tab, col.name);
    END LOOP;
END
$$;
DROP COLLATION labstock_nocase;
ALTER COLLATION labstock_nocase_secondary RENAME TO labstock_nocase;
CREATE INDEX movements_unlinked_order_refs ON movements (item_id, reference COLLATE labstock_nocase, at, quantity)
    WHERE order_id IS NULL AND reference IS NOT NULL AND (kind = 'receive' OR kind = 'adjust');
