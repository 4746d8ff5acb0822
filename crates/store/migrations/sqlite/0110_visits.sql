-- The portal's visit counter (crates/store/src/visits.rs): page views by people per portal and
-- day, and per article and day, added in batches by the server. No address is kept.
CREATE TABLE portal_visits (
    portal      TEXT NOT NULL,
    day         TEXT NOT NULL,
    views       INTEGER NOT NULL,
    PRIMARY KEY (portal, day)
);

CREATE TABLE article_visits (
    article     INTEGER NOT NULL,
    day         TEXT NOT NULL,
    views       INTEGER NOT NULL,
    PRIMARY KEY (article, day)
);
