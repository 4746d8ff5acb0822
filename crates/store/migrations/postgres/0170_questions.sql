-- Citizens' questions to a portal (hỏi đáp, crates/store/src/questions.rs) and comments on a
-- draft published for comment (góp ý dự thảo: article names it), with the office's answer:
-- one row per question in its current state, every step in question_revisions.
-- state: new (not yet public), answered (question and answer public), set_aside (never public,
-- with the reason in note). The contact is for the office only: no public page shows it.
-- asked_from lets the portal hold back a flood from one address.
CREATE TABLE questions (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    portal      TEXT NOT NULL REFERENCES portals (code),
    article     BIGINT REFERENCES articles (id),
    name        TEXT NOT NULL,
    contact     TEXT NOT NULL,
    question    TEXT NOT NULL,
    asked_at    TEXT NOT NULL,
    asked_from  TEXT NOT NULL,
    state       TEXT NOT NULL,
    answer      TEXT NOT NULL,
    note        TEXT NOT NULL,
    answered_at TEXT,
    revision    BIGINT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX questions_portal ON questions (portal, state, answered_at);
CREATE INDEX questions_from ON questions (asked_from, asked_at);
CREATE INDEX questions_article ON questions (article, state);

-- The articles open for comment (a draft document put to the public) and the last day comments
-- are taken, Vietnam's date. Changes go to change_log (entity 'comment_period').
CREATE TABLE comment_periods (
    article     BIGINT PRIMARY KEY REFERENCES articles (id),
    last_day    TEXT NOT NULL,
    changed_by  TEXT NOT NULL,
    changed_at  TEXT NOT NULL
);

CREATE TABLE question_revisions (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    question_id BIGINT NOT NULL REFERENCES questions (id),
    revision    BIGINT NOT NULL,
    action      TEXT NOT NULL,
    state       TEXT NOT NULL,
    answer      TEXT NOT NULL,
    note        TEXT NOT NULL,
    changed_by  TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    changed_from TEXT NOT NULL,
    UNIQUE (question_id, revision)
);
