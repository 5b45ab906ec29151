-- Licences: the terms a link offers and the licence of each order. Orders
-- and links made before licences have none: forever, for everyone.
ALTER TABLE distribution_links ADD COLUMN terms_json TEXT;
ALTER TABLE distribution_orders ADD COLUMN licence_json TEXT;
-- trial | paid (NULL: before licences, as paid).
ALTER TABLE distribution_orders ADD COLUMN licence_kind TEXT;
-- The licence's timeline, computed in the customer's time zone whenever
-- the licence changes (NULL: never), so any query can tell its state.
ALTER TABLE distribution_orders ADD COLUMN licence_ends BIGINT;
ALTER TABLE distribution_orders ADD COLUMN licence_read_only_from BIGINT;
ALTER TABLE distribution_orders ADD COLUMN licence_archived_from BIGINT;
ALTER TABLE distribution_orders ADD COLUMN licence_suspended BIGINT NOT NULL DEFAULT 0;
-- The smallest reminder (30, 7, 1 days before the end) sent for the
-- current end; cleared whenever the end changes.
ALTER TABLE distribution_orders ADD COLUMN licence_reminded BIGINT;
CREATE INDEX distribution_orders_licence_ends ON distribution_orders(licence_ends);
-- One trial per customer organization and app, ever (uninstalling does
-- not give a second).
CREATE TABLE licence_trials (
    customer_org_id TEXT NOT NULL,
    source_app_id   TEXT NOT NULL,
    order_id        TEXT NOT NULL,
    at              BIGINT NOT NULL,
    PRIMARY KEY (customer_org_id, source_app_id)
);
-- When a member was chosen to use an app: over the seats, the latest
-- granted lose the right to submit first.
ALTER TABLE app_users ADD COLUMN granted_at BIGINT NOT NULL DEFAULT 0;
