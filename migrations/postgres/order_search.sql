-- Order search (PostgreSQL): each order's searchable text, lowercased by the
-- application (orders/search.rs), with a pg_trgm GIN index serving
-- `LIKE '%…%'` for substrings of three characters or more. pg_trgm is a
-- trusted extension: the database's owner may create it. Applied after the
-- shared migrations at every start; each statement is idempotent.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE IF NOT EXISTS order_search (
    id BIGSERIAL PRIMARY KEY,
    order_id TEXT NOT NULL UNIQUE REFERENCES distribution_orders(id) ON DELETE CASCADE,
    isv_org_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS order_search_recent ON order_search(isv_org_id, created_at, order_id);
CREATE INDEX IF NOT EXISTS order_search_body ON order_search USING gin (body gin_trgm_ops);
