-- Where each unit version lies, for the portal's map: its boundary (a GeoJSON MultiPolygon) or,
-- when the boundary is not known, its centre (a Point). A unit version is its code and its first
-- day (valid_from, '' when it has none), so the 2020 map and the 2026 map draw the units each
-- period had. A replaced shape is kept in change_log (entity 'boundary') with who and when.
CREATE TABLE unit_shapes (
    unit_code   TEXT NOT NULL,
    valid_from  TEXT NOT NULL,
    geometry    TEXT NOT NULL,
    changed_by  TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    PRIMARY KEY (unit_code, valid_from)
);
