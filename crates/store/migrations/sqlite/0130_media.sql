-- Pictures and PDF files of a portal (crates/store/src/media.rs), kept in the database so a
-- backup holds them and every instance serves them. One row per upload (the same bytes sent
-- twice to a portal are one row, found by their digest), and each file made from it: a
-- picture at each of its widths, a PDF as sent (width 0). Uploads are never changed; who sent
-- one, when and from where is on its row.
CREATE TABLE media (
    id          INTEGER PRIMARY KEY,
    portal      TEXT NOT NULL REFERENCES portals (code),
    -- The start of the digest: the file's public address (/media/{address}-{width}.jpg).
    address     TEXT NOT NULL,
    digest      TEXT NOT NULL,
    format      TEXT NOT NULL,
    name        TEXT NOT NULL,
    alt         TEXT NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    size        INTEGER NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_from TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    UNIQUE (portal, digest)
);
CREATE INDEX media_address ON media (address);

CREATE TABLE media_files (
    media       INTEGER NOT NULL REFERENCES media (id),
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    mime        TEXT NOT NULL,
    extension   TEXT NOT NULL,
    data        BLOB NOT NULL,
    PRIMARY KEY (media, width)
);
