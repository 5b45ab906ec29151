-- Renewal links: a link bound to one order (and its customer); buying it
-- extends that order's licence instead of deploying a copy.
ALTER TABLE distribution_links ADD COLUMN renews_order_id TEXT;
-- Each renewal bought, under its buy form's idempotency key: a double
-- click or a resent form renews once.
CREATE TABLE licence_renewals (
    idempotency_key TEXT PRIMARY KEY,
    order_id        TEXT NOT NULL,
    link_id         TEXT NOT NULL,
    buyer_user_id   TEXT NOT NULL,
    at              BIGINT NOT NULL
);
