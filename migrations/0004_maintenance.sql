-- Remote maintenance: the customer's grant per installed app, the ISV's
-- maintenance sessions, and the second identity on audit entries.

CREATE TABLE maintenance_grants (
    app_id        TEXT PRIMARY KEY REFERENCES apps(id) ON DELETE CASCADE,
    order_id      TEXT NOT NULL REFERENCES distribution_orders(id),
    -- Access is open while now < open_until; NULL or past means closed.
    open_until    BIGINT,
    requested_at  BIGINT,
    request_note  TEXT NOT NULL DEFAULT '',
    changed_at    BIGINT NOT NULL
);
CREATE INDEX maintenance_grants_order ON maintenance_grants(order_id);

CREATE TABLE maintenance_sessions (
    id              TEXT PRIMARY KEY,
    order_id        TEXT NOT NULL REFERENCES distribution_orders(id),
    app_id          TEXT NOT NULL,
    customer_org_id TEXT NOT NULL,
    isv_org_id      TEXT NOT NULL,
    isv_user_id     TEXT NOT NULL REFERENCES users(id),
    started_at      BIGINT NOT NULL,
    ended_at        BIGINT,
    end_reason      TEXT
);
CREATE INDEX maintenance_sessions_order ON maintenance_sessions(order_id, started_at);
CREATE INDEX maintenance_sessions_app ON maintenance_sessions(app_id, ended_at);

-- A browser session in maintenance acts inside the customer's organization.
ALTER TABLE sessions ADD COLUMN maintenance_id TEXT;

-- The organization of the real actor, when it differs from the entry's.
ALTER TABLE audit_entries ADD COLUMN actor_org_id TEXT;

-- The app a change concerns, so an order's timeline can find its entries.
ALTER TABLE audit_entries ADD COLUMN app_id TEXT;
CREATE INDEX audit_entries_app ON audit_entries(app_id, at);
