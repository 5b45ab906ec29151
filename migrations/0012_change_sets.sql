-- Change sets: what one remote-maintenance session changed in an installed
-- app (or what a customer's revert changed back), property by property.
-- The definition before and after is kept whole; the changes are their diff.
CREATE TABLE change_sets (
    id            TEXT PRIMARY KEY,
    app_id        TEXT NOT NULL,
    -- The customer organization (the app's).
    org_id        TEXT NOT NULL,
    -- maintenance | revert
    kind          TEXT NOT NULL,
    -- The maintenance session (kind maintenance) and its order.
    session_id    TEXT,
    order_id      TEXT,
    -- The change set a revert undid.
    reverts_id    TEXT,
    author_id     TEXT NOT NULL,
    author_org_id TEXT NOT NULL,
    started_at    BIGINT NOT NULL,
    changed_at    BIGINT NOT NULL,
    before_json   TEXT NOT NULL,
    after_json    TEXT NOT NULL,
    -- Part key -> row id at the start: a part deleted here comes back with
    -- its id, so its records' values are its values again.
    ids_json      TEXT NOT NULL,
    -- Change id -> when it was last made.
    times_json    TEXT NOT NULL,
    changes       BIGINT NOT NULL DEFAULT 0,
    -- Comma-separated risky kinds: process, recipients, endpoints, deletions.
    risky         TEXT NOT NULL DEFAULT '',
    reviewed_at   BIGINT,
    reviewed_by   TEXT
);
CREATE INDEX change_sets_app ON change_sets(app_id, started_at);
CREATE INDEX change_sets_session ON change_sets(session_id);
CREATE INDEX change_sets_order ON change_sets(order_id, started_at);
