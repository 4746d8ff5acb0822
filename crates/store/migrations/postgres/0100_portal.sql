-- The public portal (crates/store/src/portal.rs): the instance's main portal and a sub-portal
-- per commune, their categories, articles with every revision, the addresses an article had
-- before (they redirect), linked websites, and who edits or approves on which portal.

CREATE TABLE portals (
    code        TEXT PRIMARY KEY,
    unit_code   TEXT NOT NULL,
    name        TEXT NOT NULL,
    is_main     BIGINT NOT NULL,
    address     TEXT NOT NULL,
    phone       TEXT NOT NULL,
    email       TEXT NOT NULL,
    about       TEXT NOT NULL
);

CREATE TABLE portal_categories (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    portal      TEXT NOT NULL REFERENCES portals (code),
    slug        TEXT NOT NULL,
    name        TEXT NOT NULL,
    parent      BIGINT REFERENCES portal_categories (id),
    position    BIGINT NOT NULL,
    UNIQUE (portal, slug)
);

CREATE TABLE articles (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    portal      TEXT NOT NULL REFERENCES portals (code),
    category    BIGINT REFERENCES portal_categories (id),
    slug        TEXT NOT NULL,
    title       TEXT NOT NULL,
    sapo        TEXT NOT NULL,
    body        TEXT NOT NULL,
    body_html   TEXT NOT NULL,
    byline      TEXT NOT NULL,
    source      TEXT NOT NULL,
    featured    BIGINT NOT NULL,
    state       TEXT NOT NULL,
    published_at TEXT,
    revision    BIGINT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (portal, slug)
);
CREATE INDEX articles_public ON articles (portal, state, published_at);
CREATE INDEX articles_changed ON articles (updated_at);

-- Every version of an article as it was saved or stepped, with who, when, from where and why.
CREATE TABLE article_revisions (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article     BIGINT NOT NULL REFERENCES articles (id),
    revision    BIGINT NOT NULL,
    action      TEXT NOT NULL,
    reason      TEXT NOT NULL,
    category    BIGINT,
    slug        TEXT NOT NULL,
    title       TEXT NOT NULL,
    sapo        TEXT NOT NULL,
    body        TEXT NOT NULL,
    byline      TEXT NOT NULL,
    source      TEXT NOT NULL,
    featured    BIGINT NOT NULL,
    state       TEXT NOT NULL,
    published_at TEXT,
    changed_by  TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    changed_from TEXT NOT NULL,
    UNIQUE (article, revision)
);

-- Addresses an article had before its title (and slug) changed: they redirect to it.
CREATE TABLE article_old_slugs (
    portal      TEXT NOT NULL,
    slug        TEXT NOT NULL,
    article     BIGINT NOT NULL REFERENCES articles (id),
    PRIMARY KEY (portal, slug)
);

CREATE TABLE portal_links (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    portal      TEXT NOT NULL REFERENCES portals (code),
    position    BIGINT NOT NULL,
    name        TEXT NOT NULL,
    url         TEXT NOT NULL
);

-- Who edits (writes, submits) or approves (publishes, returns, withdraws) on which portal.
CREATE TABLE portal_grants (
    username    TEXT NOT NULL,
    portal      TEXT NOT NULL REFERENCES portals (code),
    role        TEXT NOT NULL,
    PRIMARY KEY (username, portal)
);
