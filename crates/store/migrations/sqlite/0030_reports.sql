-- Reports as generated: the document and every figure it printed (JSON), with the template
-- that wrote it, so a report can be shown again as it was and compared with today's figures.

CREATE TABLE reports (
    id              INTEGER PRIMARY KEY,
    unit            TEXT NOT NULL,
    period          TEXT NOT NULL,
    template        TEXT NOT NULL,
    template_text   TEXT NOT NULL,
    document        TEXT NOT NULL,
    figures         TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL
);

CREATE INDEX reports_unit_period ON reports (unit, period);
