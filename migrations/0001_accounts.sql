-- Portable SQL: the same file serves SQLite and PostgreSQL.
-- Ids are random text, times are unix milliseconds, flags are integers.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_operator   INTEGER NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL
);

CREATE TABLE organizations (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    cert_level  TEXT NOT NULL DEFAULT 'none',
    created_at  BIGINT NOT NULL
);

CREATE TABLE memberships (
    org_id     TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user ON memberships(user_id);

-- Server-side sessions; only a hash of the cookie value is stored.
CREATE TABLE sessions (
    id_hash       TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    current_org   TEXT,
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Append-only record of changes; written in the same transaction as the change.
CREATE TABLE audit_entries (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL,
    actor_user_id TEXT NOT NULL,
    acting_as     TEXT NOT NULL,
    action        TEXT NOT NULL,
    target        TEXT NOT NULL,
    before_json   TEXT,
    after_json    TEXT,
    at            BIGINT NOT NULL
);
CREATE INDEX audit_entries_org ON audit_entries(org_id, at);
