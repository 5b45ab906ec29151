-- Order search (SQLite): each order's searchable text, lowercased by the
-- application (orders/search.rs), with an FTS5 trigram index over it for
-- substrings of three characters or more, in Chinese as in Latin text.
-- Applied after the shared migrations at every start; each statement is
-- idempotent. `id` is an INTEGER PRIMARY KEY so VACUUM keeps the ids the
-- index refers to.
CREATE TABLE IF NOT EXISTS order_search (
    id INTEGER PRIMARY KEY,
    order_id TEXT NOT NULL UNIQUE REFERENCES distribution_orders(id) ON DELETE CASCADE,
    isv_org_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS order_search_recent ON order_search(isv_org_id, created_at, order_id);
CREATE VIRTUAL TABLE IF NOT EXISTS order_search_fts USING fts5(
    body, content = 'order_search', content_rowid = 'id', tokenize = 'trigram case_sensitive 1'
);
CREATE TRIGGER IF NOT EXISTS order_search_added AFTER INSERT ON order_search BEGIN
    INSERT INTO order_search_fts (rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER IF NOT EXISTS order_search_removed AFTER DELETE ON order_search BEGIN
    INSERT INTO order_search_fts (order_search_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER IF NOT EXISTS order_search_changed AFTER UPDATE ON order_search BEGIN
    INSERT INTO order_search_fts (order_search_fts, rowid, body) VALUES ('delete', old.id, old.body);
    INSERT INTO order_search_fts (rowid, body) VALUES (new.id, new.body);
END;
