-- Programs beside the indicators: NTM criteria sets (as data), the communes assessed on them and
-- every assessment ever recorded; OCOP products and evaluations; support funds and projects;
-- documents and the tasks they assign, with every state of each task.

CREATE TABLE ntm_sets (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    level_code  TEXT NOT NULL
);

CREATE TABLE ntm_criteria (
    set_code    TEXT NOT NULL REFERENCES ntm_sets (code),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    group_name  TEXT NOT NULL,
    position    BIGINT NOT NULL,
    PRIMARY KEY (set_code, code)
);

CREATE TABLE ntm_indicators (
    set_code    TEXT NOT NULL REFERENCES ntm_sets (code),
    code        TEXT NOT NULL,
    criterion   TEXT NOT NULL,
    name        TEXT NOT NULL,
    position    BIGINT NOT NULL,
    PRIMARY KEY (set_code, code)
);

-- region '' is the threshold for every region without its own.
CREATE TABLE ntm_thresholds (
    set_code    TEXT NOT NULL REFERENCES ntm_sets (code),
    indicator   TEXT NOT NULL,
    region      TEXT NOT NULL,
    operator    TEXT NOT NULL,
    threshold   TEXT NOT NULL,
    PRIMARY KEY (set_code, indicator, region)
);

CREATE TABLE ntm_enrolments (
    set_code    TEXT NOT NULL REFERENCES ntm_sets (code),
    commune     TEXT NOT NULL,
    region      TEXT,
    target_year BIGINT,
    PRIMARY KEY (set_code, commune)
);

-- Only ever added to: a new value for the same day supersedes, the earlier one stays.
CREATE TABLE ntm_assessments (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    set_code    TEXT NOT NULL REFERENCES ntm_sets (code),
    commune     TEXT NOT NULL,
    indicator   TEXT NOT NULL,
    assessed_on TEXT NOT NULL,
    value       TEXT NOT NULL,
    evidence    TEXT NOT NULL,
    assessed_by TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    source      TEXT NOT NULL
);
CREATE INDEX ntm_assessments_commune ON ntm_assessments (set_code, commune);

CREATE TABLE ocop_products (
    code            TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    producer        TEXT NOT NULL,
    producer_type   TEXT NOT NULL,
    commune         TEXT NOT NULL,
    product_group   TEXT NOT NULL
);

CREATE TABLE ocop_evaluations (
    product         TEXT NOT NULL REFERENCES ocop_products (code),
    year            BIGINT NOT NULL,
    score           TEXT NOT NULL,
    stars           BIGINT,
    certified_on    TEXT,
    certificate     TEXT NOT NULL,
    PRIMARY KEY (product, year)
);

CREATE TABLE fund_plans (
    fund        TEXT NOT NULL,
    year        BIGINT NOT NULL,
    name        TEXT NOT NULL,
    plan_amount TEXT NOT NULL,
    PRIMARY KEY (fund, year)
);

CREATE TABLE projects (
    code            TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    commune         TEXT NOT NULL,
    fund            TEXT NOT NULL,
    year            BIGINT NOT NULL,
    carried_over    BIGINT NOT NULL,
    step            TEXT NOT NULL,
    step_date       TEXT,
    support         TEXT NOT NULL,
    disbursed       TEXT NOT NULL
);

CREATE TABLE documents (
    doc_number  TEXT PRIMARY KEY,
    issued_on   TEXT NOT NULL,
    issuer      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    summary     TEXT NOT NULL
);

CREATE TABLE tasks (
    code        TEXT PRIMARY KEY,
    document    TEXT NOT NULL REFERENCES documents (doc_number),
    agency      TEXT NOT NULL,
    title       TEXT NOT NULL,
    deadline    TEXT,
    cites       TEXT NOT NULL,
    status      TEXT NOT NULL,
    status_date TEXT
);

-- Every state of every task, the first included: who set it, when, from which file or command.
CREATE TABLE task_history (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task        TEXT NOT NULL REFERENCES tasks (code),
    status      TEXT NOT NULL,
    status_date TEXT,
    note        TEXT NOT NULL,
    changed_by  TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    source      TEXT NOT NULL
);
