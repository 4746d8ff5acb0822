-- Approval level by level (issue 18). A data set names its approval levels in order, as the
-- roles that act at each ("office leader"; empty: one level, the office or a leader). A
-- submission counts the levels that have accepted it and remembers who submitted it (who
-- may not accept it); every step records the level it was taken at.

ALTER TABLE data_sets ADD COLUMN levels TEXT NOT NULL DEFAULT '';
ALTER TABLE submissions ADD COLUMN level BIGINT NOT NULL DEFAULT 0;
ALTER TABLE submissions ADD COLUMN submitted_by TEXT;
ALTER TABLE submission_events ADD COLUMN level BIGINT NOT NULL DEFAULT 0;
