-- Validation rules (DHIS2's shape: left side, operator, right side, importance), and what
-- applying them found when values were written.

CREATE TABLE validation_rules (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    left_side   TEXT NOT NULL,
    operator    TEXT NOT NULL,
    right_side  TEXT NOT NULL,
    importance  TEXT NOT NULL,
    tolerance   TEXT NOT NULL
);

CREATE TABLE validation_findings (
    id              INTEGER PRIMARY KEY,
    rule            TEXT NOT NULL,
    unit            TEXT NOT NULL,
    period          TEXT NOT NULL,
    importance      TEXT NOT NULL,
    left_value      TEXT NOT NULL,
    right_value     TEXT NOT NULL,
    found_by        TEXT NOT NULL,
    found_at        TEXT NOT NULL,
    source_kind     TEXT NOT NULL,
    source_detail   TEXT NOT NULL
);
