-- A validation rule's own message for people (issue 12; DHIS2's `instruction`): what a
-- commune clerk reads when a figure breaks the rule. Empty: the rule's name is shown.

ALTER TABLE validation_rules ADD COLUMN message TEXT NOT NULL DEFAULT '';
