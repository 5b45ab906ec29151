-- Distribution links, orders and purchase requests.

CREATE TABLE distribution_links (
    id             TEXT PRIMARY KEY,
    -- SHA-256 of the token; the token itself is never stored.
    token_hash     TEXT NOT NULL UNIQUE,
    isv_org_id     TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    source_app_id  TEXT NOT NULL,
    app_name       TEXT NOT NULL,
    app_version    BIGINT NOT NULL,
    snapshot_json  TEXT NOT NULL,
    created_by     TEXT NOT NULL REFERENCES users(id),
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    max_purchases  BIGINT,
    purchases      BIGINT NOT NULL DEFAULT 0,
    views          BIGINT NOT NULL DEFAULT 0,
    bound_org_id   TEXT,
    note           TEXT NOT NULL DEFAULT '',
    revoked_at     BIGINT
);
CREATE INDEX distribution_links_app ON distribution_links(source_app_id, created_at);

CREATE TABLE distribution_orders (
    id               TEXT PRIMARY KEY,
    order_no         TEXT NOT NULL UNIQUE,
    link_id          TEXT NOT NULL REFERENCES distribution_links(id),
    isv_org_id       TEXT NOT NULL REFERENCES organizations(id),
    customer_org_id  TEXT NOT NULL REFERENCES organizations(id),
    buyer_user_id    TEXT NOT NULL REFERENCES users(id),
    source_app_id    TEXT NOT NULL,
    installed_app_id TEXT NOT NULL,
    app_version      BIGINT NOT NULL,
    idempotency_key  TEXT NOT NULL UNIQUE,
    created_at       BIGINT NOT NULL,
    -- One copy of a link's app per customer organization.
    UNIQUE (link_id, customer_org_id)
);
CREATE INDEX distribution_orders_isv ON distribution_orders(isv_org_id, created_at, id);
CREATE INDEX distribution_orders_customer ON distribution_orders(customer_org_id);

-- A member asks the organization's admins to buy through a link.
CREATE TABLE purchase_requests (
    id            TEXT PRIMARY KEY,
    link_id       TEXT NOT NULL REFERENCES distribution_links(id),
    org_id        TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    requested_by  TEXT NOT NULL REFERENCES users(id),
    created_at    BIGINT NOT NULL,
    -- open, bought, dismissed
    status        TEXT NOT NULL DEFAULT 'open'
);
CREATE INDEX purchase_requests_org ON purchase_requests(org_id, status);
