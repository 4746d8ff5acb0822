-- The web application: accounts, sessions, machine tokens, data sets, and the submission
-- workflow (submitted, approved = locked, reopened) with every step kept.

CREATE TABLE users (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    password_hash   TEXT NOT NULL,
    role            TEXT NOT NULL,
    unit_code       TEXT,
    groups          TEXT NOT NULL,
    disabled        BIGINT NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL
);

-- Only a hash of the session identifier is kept: a copy of the database opens no session.
CREATE TABLE sessions (
    id_hash     TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    csrf        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);

CREATE TABLE api_tokens (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);

CREATE TABLE data_sets (
    code            TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    period_type     TEXT NOT NULL,
    deadline_days   BIGINT NOT NULL,
    indicators      TEXT NOT NULL
);

-- The current state of each (data set, unit, period); every step is in submission_events.
CREATE TABLE submissions (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    data_set    TEXT NOT NULL,
    unit_code   TEXT NOT NULL,
    period      TEXT NOT NULL,
    state       TEXT NOT NULL,
    submitted_at TEXT,
    updated_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (data_set, unit_code, period)
);

CREATE TABLE submission_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    data_set    TEXT NOT NULL,
    unit_code   TEXT NOT NULL,
    period      TEXT NOT NULL,
    action      TEXT NOT NULL,
    reason      TEXT NOT NULL,
    done_by     TEXT NOT NULL,
    done_at     TEXT NOT NULL
);
CREATE INDEX submission_events_key ON submission_events (data_set, unit_code, period);
