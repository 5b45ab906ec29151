-- Using an app: the records its people submit, the approvals they run and
-- the in-app messages they send. Records keep their own copy of each
-- value's label and type, and have no foreign key to forms or fields: a
-- definition change never drops what a user entered.

CREATE TABLE records (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL,
    app_id       TEXT NOT NULL,
    form_id      TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    -- submitted | in_approval | approved | rejected
    status       TEXT NOT NULL,
    values_json  TEXT NOT NULL,
    -- The text values, lower-cased, for the records search.
    search_text  TEXT NOT NULL,
    -- The approval steps the record started with (a later edit of the
    -- process does not change a running approval).
    steps_json   TEXT NOT NULL,
    current_step BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX records_form ON records(form_id, submitted_at, id);

-- Who may read a record without being an admin of its app: its submitter
-- and every approver of its steps. Carries the sort key for keyset paging.
CREATE TABLE record_readers (
    record_id    TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    form_id      TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    PRIMARY KEY (record_id, user_id)
);
CREATE INDEX record_readers_user ON record_readers(user_id, form_id, submitted_at, record_id);

-- The current step's approvers: each one's To do.
CREATE TABLE record_tasks (
    record_id  TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    step       BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (record_id, user_id)
);
CREATE INDEX record_tasks_user ON record_tasks(user_id, created_at);

-- A record's history: submitted, each decision, each message sent or not.
CREATE TABLE record_events (
    record_id TEXT NOT NULL,
    seq       BIGINT NOT NULL,
    at        BIGINT NOT NULL,
    kind      TEXT NOT NULL,
    actor_id  TEXT NOT NULL,
    -- A step's name, or whom a message went to.
    detail    TEXT NOT NULL,
    comment   TEXT NOT NULL,
    PRIMARY KEY (record_id, seq)
);

CREATE TABLE messages (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    app_id     TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at    BIGINT
);
CREATE INDEX messages_user ON messages(user_id, org_id, created_at);

-- When a third-party service is called: on which form's which event.
CREATE TABLE service_calls (
    service_id    TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    form_id       TEXT NOT NULL REFERENCES forms(id) ON DELETE CASCADE,
    trigger_event TEXT NOT NULL,
    PRIMARY KEY (service_id, form_id, trigger_event)
);
CREATE INDEX service_calls_form ON service_calls(form_id, trigger_event);

-- The outbox: one row per call to make, written in the transaction of the
-- record's event and sent by a worker (never in the user's request). A
-- worker claims a row with a lease, so one call goes out once even with
-- several server instances. A service still needing setup holds its rows.
CREATE TABLE deliveries (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL,
    app_id          TEXT NOT NULL,
    service_id      TEXT NOT NULL,
    record_id       TEXT NOT NULL,
    event           TEXT NOT NULL,
    body            TEXT NOT NULL,
    -- pending | sent | failed (gave up after its retry window)
    status          TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    -- Retries stop after this (24 hours from the event or a manual retry).
    retry_until     BIGINT NOT NULL,
    lease_until     BIGINT NOT NULL DEFAULT 0,
    last_code       BIGINT,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT
);
CREATE INDEX deliveries_due ON deliveries(status, next_attempt_at);
CREATE INDEX deliveries_service ON deliveries(service_id, created_at);

-- "Allow the provider to see data" for the current access period (off by
-- default; closing or re-opening access turns it off again).
ALTER TABLE maintenance_grants ADD COLUMN data_access INTEGER NOT NULL DEFAULT 0;

-- Who may use an app: everyone in the organization (the default) or the
-- members chosen in app_users (its admins and the organization's always may).
ALTER TABLE apps ADD COLUMN use_by TEXT NOT NULL DEFAULT 'everyone';
CREATE TABLE app_users (
    app_id  TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (app_id, user_id)
);
CREATE INDEX app_users_user ON app_users(user_id);
