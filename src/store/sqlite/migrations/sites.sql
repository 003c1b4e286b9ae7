-- Sites group locations for a network (SPEC §12): every location is at one
-- site, MAIN unless given. A change of site is a chained location change.
ALTER TABLE locations ADD COLUMN site TEXT NOT NULL DEFAULT 'MAIN' COLLATE NOCASE
    CHECK (length(trim(site)) > 0);
CREATE INDEX locations_site ON locations (site);
