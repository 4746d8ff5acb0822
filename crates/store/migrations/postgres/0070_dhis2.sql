-- Which DHIS2 identifier became which code of ours (crates/store/src/dhis2.rs), recorded by a
-- metadata import so that data value sets import and export with DHIS2's identifiers.
-- kind: orgUnit, dataElement (dhis2 is `DE` or `DE|COC`), indicator, dataSet, validationRule.
CREATE TABLE dhis2_ids (
    kind        TEXT NOT NULL,
    dhis2       TEXT NOT NULL,
    code        TEXT,
    ours        TEXT NOT NULL,
    PRIMARY KEY (kind, dhis2)
);
