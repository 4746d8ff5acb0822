-- The indicators a portal's home page shows as its headline figures (space-separated codes,
-- in order), from the latest period its unit's figures were approved for.
ALTER TABLE portals ADD COLUMN headline TEXT NOT NULL DEFAULT '';

-- The public reads what a unit has approved: found by the unit, not by data set and period.
CREATE INDEX submissions_approved ON submissions (unit_code, state);
