-- The core record: units with their history, lineage, indicators, values and every revision.
-- Decimals are stored as exact decimal text, dates as ISO text (YYYY-MM-DD): the same
-- representation on both backends, so one SQL code path serves both.

CREATE TABLE units (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    parent      TEXT,
    valid_from  TEXT,
    valid_to    TEXT
);
CREATE INDEX units_code ON units (code);

CREATE TABLE lineage_events (
    id          INTEGER PRIMARY KEY,
    event_date  TEXT NOT NULL,
    kind        TEXT NOT NULL,
    from_code   TEXT NOT NULL,
    to_code     TEXT NOT NULL,
    share       TEXT,
    UNIQUE (event_date, from_code, to_code)
);

CREATE TABLE indicators (
    code            TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    name_en         TEXT,
    unit            TEXT NOT NULL,
    group_path      TEXT NOT NULL,
    aggregate       TEXT NOT NULL,
    time_aggregate  TEXT NOT NULL,
    decimals        INTEGER NOT NULL,
    price_basis     TEXT,
    formula         TEXT
);

CREATE TABLE data_values (
    id              INTEGER PRIMARY KEY,
    indicator       TEXT NOT NULL REFERENCES indicators (code),
    unit_id         INTEGER NOT NULL REFERENCES units (id),
    period          TEXT NOT NULL,
    period_start    TEXT NOT NULL,
    period_end      TEXT NOT NULL,
    series          TEXT NOT NULL,
    value           TEXT NOT NULL,
    status          TEXT NOT NULL,
    note            TEXT NOT NULL,
    revision        INTEGER NOT NULL,
    updated_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    source_kind     TEXT NOT NULL,
    source_detail   TEXT NOT NULL,
    UNIQUE (indicator, unit_id, period, series)
);
CREATE INDEX data_values_unit ON data_values (unit_id, period_start);

-- Every state a value has had, the current one included; rows are only ever added.
CREATE TABLE value_revisions (
    id              INTEGER PRIMARY KEY,
    value_id        INTEGER NOT NULL REFERENCES data_values (id),
    revision        INTEGER NOT NULL,
    value           TEXT NOT NULL,
    status          TEXT NOT NULL,
    note            TEXT NOT NULL,
    changed_by      TEXT NOT NULL,
    changed_at      TEXT NOT NULL,
    source_kind     TEXT NOT NULL,
    source_detail   TEXT NOT NULL,
    UNIQUE (value_id, revision)
);

-- Changes to units, lineage and indicators, with who, when and what was there before.
CREATE TABLE change_log (
    id          INTEGER PRIMARY KEY,
    entity      TEXT NOT NULL,
    entity_key  TEXT NOT NULL,
    action      TEXT NOT NULL,
    before      TEXT,
    after       TEXT,
    changed_by  TEXT NOT NULL,
    changed_at  TEXT NOT NULL
);

-- Facts about the database itself (which dataset it holds, when it was created).
CREATE TABLE meta (
    key     TEXT PRIMARY KEY,
    value   TEXT NOT NULL
);
