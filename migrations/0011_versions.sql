-- Versions and upgrades. Every part of an app keeps the key of the part it
-- came from in the ISV's source app (NULL: the part is its own origin, its
-- key is its id), so versions and copies can be merged part by part.
ALTER TABLE forms ADD COLUMN origin_key TEXT;
ALTER TABLE fields ADD COLUMN origin_key TEXT;
ALTER TABLE process_steps ADD COLUMN origin_key TEXT;
ALTER TABLE notification_templates ADD COLUMN origin_key TEXT;
ALTER TABLE services ADD COLUMN origin_key TEXT;

-- A published version of an ISV's app, immutable. No foreign key to apps:
-- copies keep their merge base even when the source app is deleted.
CREATE TABLE app_versions (
    id            TEXT PRIMARY KEY,
    app_id        TEXT NOT NULL,
    isv_org_id    TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    major         BIGINT NOT NULL,
    minor         BIGINT NOT NULL,
    patch         BIGINT NOT NULL,
    notes         TEXT NOT NULL,
    snapshot_json TEXT NOT NULL,
    -- The bump its changes needed from the version before (NULL: the first).
    level         TEXT,
    changes       BIGINT NOT NULL,
    published_by  TEXT NOT NULL REFERENCES users(id),
    published_at  BIGINT NOT NULL,
    UNIQUE (app_id, major, minor, patch)
);

-- What a link sells, and its number as shown (NULL: a link made before
-- versions, selling the snapshot it froze).
ALTER TABLE distribution_links ADD COLUMN version_id TEXT;
ALTER TABLE distribution_links ADD COLUMN version TEXT;
-- The version an order's copy holds now (NULL: bought before versions).
ALTER TABLE distribution_orders ADD COLUMN version_id TEXT;
ALTER TABLE distribution_orders ADD COLUMN version TEXT;
-- A copy's merge base: the published version it last took.
ALTER TABLE apps ADD COLUMN base_version_id TEXT;

-- A version offered to one order, and what the customer did with it:
-- offered, applied, declined, failed, superseded (by a later offer) or
-- rolled_back. The definitions before and after the last apply (and
-- rollback) make each step undoable by the same merge.
CREATE TABLE upgrades (
    id              TEXT PRIMARY KEY,
    order_id        TEXT NOT NULL REFERENCES distribution_orders(id),
    isv_org_id      TEXT NOT NULL,
    customer_org_id TEXT NOT NULL,
    app_id          TEXT NOT NULL,
    version_id      TEXT NOT NULL REFERENCES app_versions(id),
    version         TEXT NOT NULL,
    state           TEXT NOT NULL,
    offered_by      TEXT NOT NULL REFERENCES users(id),
    offered_at      BIGINT NOT NULL,
    decided_by      TEXT,
    decided_at      BIGINT,
    from_version_id TEXT,
    from_version    TEXT,
    before_json     TEXT,
    after_json      TEXT,
    rb_before_json  TEXT,
    rb_after_json   TEXT,
    UNIQUE (order_id, version_id)
);
CREATE INDEX upgrades_app ON upgrades(app_id, state);

-- The order's upgrade state as the Order Center filters it (NULL: none offered).
ALTER TABLE distribution_orders ADD COLUMN upgrade_state TEXT;
