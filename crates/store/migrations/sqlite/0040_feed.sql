-- The change feed: a one-row counter every recorded write transaction takes the next number
-- of (see crates/store/src/feed.rs). Writers queue on it, so the ids of value revisions and
-- change log rows become visible in commit order and a server can read what came after the
-- ids it has seen.
CREATE TABLE store_revision (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    revision    BIGINT NOT NULL
);
INSERT INTO store_revision (id, revision) VALUES (1, 0);

