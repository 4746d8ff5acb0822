-- The leaders' work schedule (lịch công tác) of a portal (crates/store/src/schedule.rs): one row
-- per engagement in its current state, every version in schedule_revisions.
-- state: draft, published, cancelled. changed_after_publication: when a published engagement
-- last changed, which the public page shows.
CREATE TABLE schedule_items (
    id          INTEGER PRIMARY KEY,
    portal      TEXT NOT NULL REFERENCES portals (code),
    day         TEXT NOT NULL,
    start_time  TEXT NOT NULL,
    content     TEXT NOT NULL,
    chair       TEXT NOT NULL,
    participants TEXT NOT NULL,
    place       TEXT NOT NULL,
    preparer    TEXT NOT NULL,
    state       TEXT NOT NULL,
    published_at TEXT,
    changed_after_publication TEXT,
    revision    INTEGER NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX schedule_days ON schedule_items (portal, day);

CREATE TABLE schedule_revisions (
    id          INTEGER PRIMARY KEY,
    item        INTEGER NOT NULL REFERENCES schedule_items (id),
    revision    INTEGER NOT NULL,
    action      TEXT NOT NULL,
    day         TEXT NOT NULL,
    start_time  TEXT NOT NULL,
    content     TEXT NOT NULL,
    chair       TEXT NOT NULL,
    participants TEXT NOT NULL,
    place       TEXT NOT NULL,
    preparer    TEXT NOT NULL,
    state       TEXT NOT NULL,
    changed_by  TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    changed_from TEXT NOT NULL,
    UNIQUE (item, revision)
);
