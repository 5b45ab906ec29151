-- Failed sign-ins per account (`email:<address>`) and per client address
-- (`addr:<ip>`), shared by every server instance. A row only exists while
-- there are recent failures.
CREATE TABLE sign_in_failures (
    key       TEXT PRIMARY KEY,
    failures  BIGINT NOT NULL,
    last_at   BIGINT NOT NULL
);
