-- labstock schema, version 1.
--
-- The one source of the database schema. `Store::open` applies it to a new
-- database and records the version in PRAGMA user_version; later changes go
-- in migrations/ as appended files, never by editing this one once released.
--
-- Conventions: every table is STRICT; dates are TEXT `YYYY-MM-DD`; timestamps
-- are TEXT RFC 3339 in UTC (`2026-11-21T09:15:00Z`), so text order is time
-- order; money is INTEGER pence; user-facing codes compare NOCASE.
-- Evidence tables (the stock ledger, lot events, calibration, service and
-- waste records, status changes) are append-only, enforced by triggers,
-- and each of their rows carries `hash`: SHA-256 over the row chained to
-- the previous row's hash (src/chain.rs), so an edit made with another tool,
-- even one that dropped the triggers, is found by `labstock check`. Their
-- ids are consecutive by construction; a gap is a deleted row.

PRAGMA application_id = 1279415124; -- 0x4C425354, 'LBST': marks a labstock database

CREATE TABLE locations (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(trim(code)) > 0),
    name        TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
) STRICT;

CREATE TABLE items (
    id               INTEGER PRIMARY KEY,
    code             TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(trim(code)) > 0),
    name             TEXT NOT NULL,
    category         TEXT,
    unit             TEXT NOT NULL DEFAULT 'each',
    pack_size        INTEGER NOT NULL DEFAULT 1 CHECK (pack_size >= 1),
    reorder_level    INTEGER CHECK (reorder_level >= 0),
    max_level        INTEGER CHECK (max_level >= 0),
    reorder_qty      INTEGER CHECK (reorder_qty >= 1),
    lead_time_days   INTEGER CHECK (lead_time_days >= 0),
    supplier         TEXT,
    supplier_ref     TEXT,
    unit_cost_pence  INTEGER CHECK (unit_cost_pence >= 0),
    storage          TEXT,
    hazard           TEXT,
    lot_tracked      INTEGER NOT NULL DEFAULT 0 CHECK (lot_tracked IN (0, 1)),
    gtin             TEXT UNIQUE CHECK (gtin IS NULL OR (length(gtin) = 14 AND gtin NOT GLOB '*[^0-9]*')),
    waste_stream     TEXT,
    in_use_days      INTEGER CHECK (in_use_days >= 0),
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL,
    CHECK (max_level IS NULL OR reorder_level IS NULL OR max_level > reorder_level)
) STRICT;
CREATE INDEX items_supplier ON items (supplier, code);

-- Every change to an item's settings, who made it and when: the catalogue
-- may change, but never silently. Append-only.
CREATE TABLE item_changes (
    id        INTEGER PRIMARY KEY,
    item_id   INTEGER NOT NULL REFERENCES items (id),
    field     TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    at        TEXT NOT NULL,
    user      TEXT NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;
CREATE INDEX item_changes_item ON item_changes (item_id, id);
CREATE TRIGGER item_changes_no_update BEFORE UPDATE ON item_changes
BEGIN
    SELECT RAISE(ABORT, 'item changes are append-only');
END;
CREATE TRIGGER item_changes_no_delete BEFORE DELETE ON item_changes
BEGIN
    SELECT RAISE(ABORT, 'item changes are append-only');
END;

-- Per-location reorder levels override the item's for `report reorder --location`.
CREATE TABLE item_levels (
    item_id        INTEGER NOT NULL REFERENCES items (id),
    location_id    INTEGER NOT NULL REFERENCES locations (id),
    reorder_level  INTEGER NOT NULL CHECK (reorder_level >= 0),
    max_level      INTEGER CHECK (max_level IS NULL OR max_level > reorder_level),
    PRIMARY KEY (item_id, location_id)
) STRICT, WITHOUT ROWID;

-- A lot of an item. Items that are not lot-tracked keep their stock in one
-- lot whose `lot` is the empty string, so every balance has a lot.
CREATE TABLE lots (
    id          INTEGER PRIMARY KEY,
    item_id     INTEGER NOT NULL REFERENCES items (id),
    lot         TEXT NOT NULL COLLATE BINARY,
    expiry      TEXT,
    status      TEXT NOT NULL DEFAULT 'available'
                CHECK (status = 'available' OR status = 'quarantined' OR status = 'recalled'),
    opened_on   TEXT,
    created_at  TEXT NOT NULL,
    UNIQUE (item_id, lot)
) STRICT;
CREATE INDEX lots_expiry ON lots (expiry);

-- Every change of a lot's status or opening, who and why: evidence for recalls.
CREATE TABLE lot_events (
    id       INTEGER PRIMARY KEY,
    lot_id   INTEGER NOT NULL REFERENCES lots (id),
    action   TEXT NOT NULL CHECK (action = 'quarantine' OR action = 'release' OR action = 'recall' OR action = 'open'),
    on_date  TEXT,
    reason   TEXT,
    at       TEXT NOT NULL,
    user     TEXT NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;
CREATE INDEX lot_events_lot ON lot_events (lot_id, id);

-- The stock ledger. `quantity` is the signed change at `location_id`; a
-- transfer also changes `to_location_id` by -quantity. `counted` keeps what a
-- stocktake counted; `reverses` names the movement a reversal negates (at most
-- one reversal per movement).
--
-- Every insert pays for every index and constraint here, so each earns its
-- place (BENCHMARKS.md measures them). The CHECKs on `kind` here and on
-- `lots.status` (and every list of three or more values in this schema)
-- are written with OR rather than IN (...): SQLite builds a
-- temporary b-tree for an IN list of three or more values on every
-- execution, which cost about a third of each ledger insert.
CREATE TABLE movements (
    id              INTEGER PRIMARY KEY,
    at              TEXT NOT NULL,
    kind            TEXT NOT NULL
                    CHECK (kind = 'receive' OR kind = 'issue' OR kind = 'transfer' OR kind = 'adjust'
                           OR kind = 'count' OR kind = 'dispose' OR kind = 'reverse'),
    item_id         INTEGER NOT NULL REFERENCES items (id),
    lot_id          INTEGER NOT NULL REFERENCES lots (id),
    location_id     INTEGER NOT NULL REFERENCES locations (id),
    to_location_id  INTEGER REFERENCES locations (id),
    quantity        INTEGER NOT NULL,
    counted         INTEGER CHECK (counted >= 0),
    reason          TEXT,
    reference       TEXT,
    order_id        INTEGER REFERENCES orders (id),
    note            TEXT,
    reverses        INTEGER REFERENCES movements (id),
    user            TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32),
    CHECK ((kind = 'transfer') = (to_location_id IS NOT NULL) OR kind = 'reverse'),
    CHECK ((kind = 'reverse') = (reverses IS NOT NULL)),
    CHECK (kind IN ('count', 'reverse') OR quantity <> 0)
) STRICT;
-- The bin card of a lot (`history ITEM --lot L`, `trace`) in ledger order,
-- and of an item (`history ITEM`, sorted from the item's range). One index
-- serves both: a second one on (lot_id, id) cost every insert another
-- random b-tree descent (BENCHMARKS.md) for queries this one answers.
CREATE INDEX movements_item ON movements (item_id, lot_id, id);
-- Balances as of a past date (`stock_as_of` takes back what came after)
-- and every report over a date range.
CREATE INDEX movements_at ON movements (at);
-- Receipts against an order line (`check`, on-order quantities); (at,
-- quantity) make "received as of a date" an index-only read (reorder report).
CREATE INDEX movements_order ON movements (order_id, at, quantity) WHERE order_id IS NOT NULL;
-- At most one reversal per movement, and "was this reversed?". Partial:
-- the few reversals are indexed, not a NULL entry for every movement.
CREATE UNIQUE INDEX movements_reverses ON movements (reverses) WHERE reverses IS NOT NULL;

CREATE TRIGGER movements_no_update BEFORE UPDATE ON movements
BEGIN
    SELECT RAISE(ABORT, 'the stock ledger is append-only: correct a movement with `labstock reverse` or `labstock adjust`');
END;
CREATE TRIGGER movements_no_delete BEFORE DELETE ON movements
BEGIN
    SELECT RAISE(ABORT, 'the stock ledger is append-only: correct a movement with `labstock reverse` or `labstock adjust`');
END;
CREATE TRIGGER lot_events_no_update BEFORE UPDATE ON lot_events
BEGIN
    SELECT RAISE(ABORT, 'lot events are append-only');
END;
CREATE TRIGGER lot_events_no_delete BEFORE DELETE ON lot_events
BEGIN
    SELECT RAISE(ABORT, 'lot events are append-only');
END;

-- Maintained balances: a cache of the ledger, updated in the same
-- transaction as every movement and proven by `labstock check`.
CREATE TABLE balances (
    lot_id       INTEGER NOT NULL REFERENCES lots (id),
    location_id  INTEGER NOT NULL REFERENCES locations (id),
    item_id      INTEGER NOT NULL REFERENCES items (id),
    quantity     INTEGER NOT NULL,
    PRIMARY KEY (lot_id, location_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX balances_item ON balances (item_id, location_id);
CREATE INDEX balances_location ON balances (location_id);

-- Purchase order lines. `received` is maintained from receipts naming the
-- order; `closed_on` ends a line (cancelled or closed) from that date.
CREATE TABLE orders (
    id           INTEGER PRIMARY KEY,
    reference    TEXT NOT NULL COLLATE NOCASE,
    supplier     TEXT,
    item_id      INTEGER NOT NULL REFERENCES items (id),
    quantity     INTEGER NOT NULL CHECK (quantity >= 1),
    ordered_on   TEXT NOT NULL,
    expected_on  TEXT,
    location_id  INTEGER NOT NULL REFERENCES locations (id),
    received     INTEGER NOT NULL DEFAULT 0,
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status = 'open' OR status = 'cancelled' OR status = 'closed'),
    closed_on    TEXT,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    UNIQUE (reference, item_id)
) STRICT;
CREATE INDEX orders_item ON orders (item_id);

-- ---------------------------------------------------------------------------
-- Hazardous-waste register (SPEC §1, §5, §7, §10 Waste).
--
-- Streams are editable reference data; everything else is evidence and
-- append-only. A container's life (opened, sealed, consigned) is three
-- append-only facts in three tables rather than updates of one row, so the
-- database itself refuses to seal a container twice or consign it twice
-- (primary keys) and refuses any rewrite (triggers). Quantities are INTEGER
-- thousandths (`quantity_milli`: 12.5 kg = 12500), so totals are exact sums
-- of integers, never of binary floating point.

-- Waste streams (List of Waste codes), seeded by `init`, editable. The
-- asterisk of a hazardous entry is part of its code.
CREATE TABLE waste_streams (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    hazardous   INTEGER NOT NULL CHECK (hazardous IN (0, 1)),
    container   TEXT,
    route       TEXT,
    CHECK ((code LIKE '%*') = (hazardous = 1))
) STRICT;

-- A physical waste container (sharps bin, yellow bag, chemical drum),
-- traceable from the bench where it was opened to its consignment.
CREATE TABLE waste_containers (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(trim(code)) > 0),
    stream       TEXT NOT NULL REFERENCES waste_streams (code),
    type         TEXT,
    location_id  INTEGER NOT NULL REFERENCES locations (id),
    opened_on    TEXT NOT NULL,
    opened_by    TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;

-- Sealing a container: at most one seal per container.
CREATE TABLE waste_container_seals (
    id             INTEGER PRIMARY KEY,
    container_id   INTEGER NOT NULL UNIQUE REFERENCES waste_containers (id),
    sealed_on      TEXT NOT NULL,
    weight_milli   INTEGER CHECK (weight_milli > 0),
    sealed_by      TEXT NOT NULL,
    recorded_at    TEXT NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;

-- One collection of waste by a carrier under one consignment note (or,
-- for non-hazardous waste only, a waste transfer note reference).
CREATE TABLE waste_consignments (
    id                    INTEGER PRIMARY KEY,
    note                  TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(trim(note)) > 0),
    carrier               TEXT NOT NULL,
    carrier_registration  TEXT,
    collected_on          TEXT NOT NULL,
    destination           TEXT,
    recorded_by           TEXT NOT NULL,
    recorded_at           TEXT NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;

-- The waste register: append-only; a correction is a new record naming the
-- record it corrects, with the reason (at most one correction each; a
-- correction with quantity 0 withdraws the record). `container` is the
-- container id as written; `container_id` links it when the container is
-- in the register. `origin` says where the record came from; a record from
-- stock names its dispose movement (one record per movement).
CREATE TABLE waste_records (
    id                INTEGER PRIMARY KEY,
    date              TEXT NOT NULL,
    stream            TEXT NOT NULL REFERENCES waste_streams (code),
    quantity_milli    INTEGER NOT NULL CHECK (quantity_milli > 0 OR (quantity_milli = 0 AND corrects IS NOT NULL)),
    unit              TEXT NOT NULL CHECK (unit = 'kg' OR unit = 'L' OR unit = 'items' OR unit = 'containers'),
    physical_form     TEXT CHECK (physical_form = 'solid' OR physical_form = 'liquid' OR physical_form = 'sludge' OR physical_form = 'powder' OR physical_form = 'gas' OR physical_form = 'mixed'),
    hp_codes          TEXT,
    container         TEXT,
    container_id      INTEGER REFERENCES waste_containers (id),
    consignment_note  TEXT,
    carrier           TEXT,
    recorded_by       TEXT NOT NULL,
    notes             TEXT,
    origin            TEXT NOT NULL CHECK (origin = 'record' OR origin = 'import' OR origin = 'dispose' OR origin = 'seal' OR origin = 'correction'),
    movement_id       INTEGER UNIQUE REFERENCES movements (id),
    corrects          INTEGER UNIQUE REFERENCES waste_records (id),
    reason            TEXT,
    recorded_at       TEXT NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32),
    CHECK ((origin = 'dispose') = (movement_id IS NOT NULL)),
    CHECK ((origin = 'correction') = (corrects IS NOT NULL)),
    CHECK ((corrects IS NULL) = (reason IS NULL))
) STRICT;
-- By date, covering what `report waste --totals` reads (stream, unit,
-- quantity; the id is the rowid), so the totals never touch the table.
CREATE INDEX waste_records_date ON waste_records (date, stream, unit, quantity_milli);
-- The records still without a consignment note (the warning every `report
-- waste` prints for hazardous ones over 30 days old); only they pay for it.
CREATE INDEX waste_records_unconsigned ON waste_records (date) WHERE consignment_note IS NULL;
CREATE INDEX waste_records_stream ON waste_records (stream, date);
CREATE INDEX waste_records_container ON waste_records (container_id) WHERE container_id IS NOT NULL;

-- Which consignment carried a container, and each record (a record in a
-- consigned container is linked with it). At most one consignment each.
CREATE TABLE waste_consignment_containers (
    id              INTEGER PRIMARY KEY,
    container_id    INTEGER NOT NULL UNIQUE REFERENCES waste_containers (id),
    consignment_id  INTEGER NOT NULL REFERENCES waste_consignments (id),
    hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;
CREATE INDEX waste_consignment_containers_c ON waste_consignment_containers (consignment_id);
CREATE TABLE waste_consignment_records (
    id              INTEGER PRIMARY KEY,
    record_id       INTEGER NOT NULL UNIQUE REFERENCES waste_records (id),
    consignment_id  INTEGER NOT NULL REFERENCES waste_consignments (id),
    hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;
CREATE INDEX waste_consignment_records_c ON waste_consignment_records (consignment_id);

CREATE TRIGGER waste_records_no_update BEFORE UPDATE ON waste_records
BEGIN
    SELECT RAISE(ABORT, 'the waste register is append-only: record a correction instead (`labstock waste correct ID`)');
END;
CREATE TRIGGER waste_records_no_delete BEFORE DELETE ON waste_records
BEGIN
    SELECT RAISE(ABORT, 'the waste register is append-only: record a correction instead (`labstock waste correct ID`)');
END;
CREATE TRIGGER waste_containers_no_update BEFORE UPDATE ON waste_containers
BEGIN
    SELECT RAISE(ABORT, 'waste containers are append-only evidence');
END;
CREATE TRIGGER waste_containers_no_delete BEFORE DELETE ON waste_containers
BEGIN
    SELECT RAISE(ABORT, 'waste containers are append-only evidence');
END;
CREATE TRIGGER waste_container_seals_no_update BEFORE UPDATE ON waste_container_seals
BEGIN
    SELECT RAISE(ABORT, 'container seals are append-only evidence: a sealed container stays sealed');
END;
CREATE TRIGGER waste_container_seals_no_delete BEFORE DELETE ON waste_container_seals
BEGIN
    SELECT RAISE(ABORT, 'container seals are append-only evidence: a sealed container stays sealed');
END;
CREATE TRIGGER waste_consignments_no_update BEFORE UPDATE ON waste_consignments
BEGIN
    SELECT RAISE(ABORT, 'consignments are append-only evidence');
END;
CREATE TRIGGER waste_consignments_no_delete BEFORE DELETE ON waste_consignments
BEGIN
    SELECT RAISE(ABORT, 'consignments are append-only evidence');
END;
CREATE TRIGGER waste_consignment_containers_no_update BEFORE UPDATE ON waste_consignment_containers
BEGIN
    SELECT RAISE(ABORT, 'consignments are append-only evidence: a container is consigned once');
END;
CREATE TRIGGER waste_consignment_containers_no_delete BEFORE DELETE ON waste_consignment_containers
BEGIN
    SELECT RAISE(ABORT, 'consignments are append-only evidence: a container is consigned once');
END;
CREATE TRIGGER waste_consignment_records_no_update BEFORE UPDATE ON waste_consignment_records
BEGIN
    SELECT RAISE(ABORT, 'consignments are append-only evidence: a record is consigned once');
END;
CREATE TRIGGER waste_consignment_records_no_delete BEFORE DELETE ON waste_consignment_records
BEGIN
    SELECT RAISE(ABORT, 'consignments are append-only evidence: a record is consigned once');
END;
-- End of the hazardous-waste register.
-- ---------------------------------------------------------------------------

-- Equipment register (the calibration issue extends this section).
-- `registered_status` is the status the asset was registered with; `status`
-- and the calibration columns below it are maintained from the asset's
-- history (calibrations, extensions, status changes) in the same
-- transaction as every record, so today's calibration-due report reads one
-- row per asset. `last_event_on` is the date of the latest dated record: a
-- report as of an earlier day replays that asset's records instead.
-- `event_seq` numbers the asset's records in the order they were made, so
-- two records on one day replay in recording order.
CREATE TABLE equipment (
    id                    INTEGER PRIMARY KEY,
    asset_tag             TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(trim(asset_tag)) > 0),
    description           TEXT,
    manufacturer          TEXT,
    model                 TEXT,
    serial                TEXT,
    location              TEXT,
    category              TEXT,
    calibration_interval  TEXT CHECK (calibration_interval IS NULL OR calibration_interval GLOB '[1-9]*[dwmy]'),
    status                TEXT NOT NULL DEFAULT 'in_service'
                          CHECK (status = 'in_service' OR status = 'out_of_service' OR status = 'quarantined' OR status = 'condemned'),
    in_service_date       TEXT,
    created_at            TEXT NOT NULL,
    created_by            TEXT NOT NULL,
    registered_status     TEXT NOT NULL DEFAULT 'in_service'
                          CHECK (registered_status = 'in_service' OR registered_status = 'out_of_service' OR registered_status = 'quarantined' OR registered_status = 'condemned'),
    last_calibration_id   INTEGER REFERENCES calibrations (id),
    last_calibrated       TEXT,
    last_result           TEXT CHECK (last_result = 'pass' OR last_result = 'fail' OR last_result = 'adjusted'),
    next_due              TEXT,
    extension_id          INTEGER REFERENCES calibration_extensions (id),
    last_event_on         TEXT,
    event_seq             INTEGER NOT NULL DEFAULT 0 CHECK (event_seq >= 0)
) STRICT;
CREATE INDEX equipment_last_event ON equipment (last_event_on) WHERE last_event_on IS NOT NULL;

-- ---------------------------------------------------------------------------
-- Calibration (issue 4): calibration records, documented extensions, manual
-- status changes and the maintenance log. All four are evidence and
-- append-only; a mistake is corrected by a new record. `seq` is the
-- asset's `equipment.event_seq` when the record was made.

CREATE TABLE calibrations (
    id            INTEGER PRIMARY KEY,
    equipment_id  INTEGER NOT NULL REFERENCES equipment (id),
    seq           INTEGER NOT NULL,
    performed_on  TEXT NOT NULL,
    result        TEXT NOT NULL CHECK (result = 'pass' OR result = 'fail' OR result = 'adjusted'),
    performed_by  TEXT,
    certificate   TEXT,
    next_due      TEXT CHECK (next_due IS NULL OR next_due >= performed_on),
    notes         TEXT,
    recorded_at   TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32),
    UNIQUE (equipment_id, seq)
) STRICT;
-- The latest calibration of an asset as of a day is one index probe.
CREATE INDEX calibrations_asset ON calibrations (equipment_id, performed_on, seq);

-- An extension moves the due date set by one calibration (no implicit grace
-- period: each extension names its reason and approver).
CREATE TABLE calibration_extensions (
    id              INTEGER PRIMARY KEY,
    equipment_id    INTEGER NOT NULL REFERENCES equipment (id),
    calibration_id  INTEGER NOT NULL REFERENCES calibrations (id),
    seq             INTEGER NOT NULL,
    granted_on      TEXT NOT NULL,
    previous_due    TEXT NOT NULL,
    extended_to     TEXT NOT NULL CHECK (extended_to > previous_due),
    reason          TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    approved_by     TEXT NOT NULL CHECK (length(trim(approved_by)) > 0),
    recorded_at     TEXT NOT NULL,
    recorded_by     TEXT NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32),
    UNIQUE (equipment_id, seq)
) STRICT;
CREATE INDEX calibration_extensions_asset ON calibration_extensions (equipment_id, granted_on, seq);

-- Manual status changes (out of service, quarantine, condemned, back in
-- service): who, when, why. Changes made by calibration results are not
-- stored twice: they replay from the calibration records.
CREATE TABLE equipment_status_changes (
    id            INTEGER PRIMARY KEY,
    equipment_id  INTEGER NOT NULL REFERENCES equipment (id),
    seq           INTEGER NOT NULL,
    on_date       TEXT NOT NULL,
    status        TEXT NOT NULL
                  CHECK (status = 'in_service' OR status = 'out_of_service' OR status = 'quarantined' OR status = 'condemned'),
    reason        TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    recorded_at   TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32),
    UNIQUE (equipment_id, seq)
) STRICT;
CREATE INDEX equipment_status_changes_asset ON equipment_status_changes (equipment_id, on_date, seq);

-- The maintenance log: planned preventive maintenance, repairs and
-- electrical safety tests.
CREATE TABLE service_records (
    id            INTEGER PRIMARY KEY,
    equipment_id  INTEGER NOT NULL REFERENCES equipment (id),
    performed_on  TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind = 'ppm' OR kind = 'repair' OR kind = 'electrical-safety'),
    performed_by  TEXT NOT NULL,
    notes         TEXT,
    recorded_at   TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;
CREATE INDEX service_records_asset ON service_records (equipment_id, performed_on, id);

CREATE TRIGGER calibrations_no_update BEFORE UPDATE ON calibrations
BEGIN
    SELECT RAISE(ABORT, 'calibration records are append-only: record a new calibration or an extension');
END;
CREATE TRIGGER calibrations_no_delete BEFORE DELETE ON calibrations
BEGIN
    SELECT RAISE(ABORT, 'calibration records are append-only: record a new calibration or an extension');
END;
CREATE TRIGGER calibration_extensions_no_update BEFORE UPDATE ON calibration_extensions
BEGIN
    SELECT RAISE(ABORT, 'calibration extensions are append-only');
END;
CREATE TRIGGER calibration_extensions_no_delete BEFORE DELETE ON calibration_extensions
BEGIN
    SELECT RAISE(ABORT, 'calibration extensions are append-only');
END;
CREATE TRIGGER equipment_status_changes_no_update BEFORE UPDATE ON equipment_status_changes
BEGIN
    SELECT RAISE(ABORT, 'equipment status changes are append-only: record a new status change');
END;
CREATE TRIGGER equipment_status_changes_no_delete BEFORE DELETE ON equipment_status_changes
BEGIN
    SELECT RAISE(ABORT, 'equipment status changes are append-only: record a new status change');
END;
CREATE TRIGGER service_records_no_update BEFORE UPDATE ON service_records
BEGIN
    SELECT RAISE(ABORT, 'the maintenance log is append-only: add a new service record');
END;
CREATE TRIGGER service_records_no_delete BEFORE DELETE ON service_records
BEGIN
    SELECT RAISE(ABORT, 'the maintenance log is append-only: add a new service record');
END;
-- An asset with history is never deleted (its records are evidence).
CREATE TRIGGER equipment_no_delete BEFORE DELETE ON equipment
BEGIN
    SELECT RAISE(ABORT, 'equipment is never deleted (append-only register): mark it condemned');
END;

-- Reorder and orders (issue 3).
-- Who ended an order line and why (`order cancel` / `order close`).
ALTER TABLE orders ADD COLUMN closed_by TEXT;
ALTER TABLE orders ADD COLUMN close_reason TEXT;
-- The end of an order line (`order cancel` / `order close`): who, when
-- and why, append-only and hash-chained. The line's `status`, `closed_on`,
-- `closed_by` and `close_reason` above are maintained from it in the same
-- transaction and proven against it by `check`. A line ends once.
CREATE TABLE order_events (
    id        INTEGER PRIMARY KEY,
    order_id  INTEGER NOT NULL UNIQUE REFERENCES orders (id),
    status    TEXT NOT NULL CHECK (status = 'cancelled' OR status = 'closed'),
    on_date   TEXT NOT NULL,
    reason    TEXT,
    at        TEXT NOT NULL,
    user      TEXT NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;
CREATE TRIGGER order_events_no_update BEFORE UPDATE ON order_events
BEGIN
    SELECT RAISE(ABORT, 'order events are append-only');
END;
CREATE TRIGGER order_events_no_delete BEFORE DELETE ON order_events
BEGIN
    SELECT RAISE(ABORT, 'order events are append-only');
END;
-- Receipts that name an order reference but were recorded before the order
-- line existed (e.g. movements imported before orders) are not linked by
-- `order_id` (the ledger is append-only); the reorder report matches them
-- on (item, reference) through this index, so on_order is right whatever
-- the order of imports.
CREATE INDEX movements_unlinked_receipts ON movements (item_id, reference COLLATE NOCASE, at, quantity)
    WHERE kind = 'receive' AND order_id IS NULL;
-- Balances that hold stock: after years of receipts most balances are
-- emptied lots; reports (reorder, expiry, usage) walk only these.
CREATE INDEX balances_in_stock ON balances (lot_id, location_id, quantity) WHERE quantity <> 0;
