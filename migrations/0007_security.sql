-- Security round 2.
-- Accounts made by `--seed-demo` are marked, so demo data is never attached
-- to an account somebody else registered with a demo address.
ALTER TABLE users ADD COLUMN is_demo INTEGER NOT NULL DEFAULT 0;
-- Set for an operator made by `create-operator`: the one-time password must
-- be replaced before anything else.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
-- When the owner of the address proved it (a link mailed to it). Only a
-- verified address can be invited into an organization.
ALTER TABLE users ADD COLUMN email_verified_at BIGINT;
-- Sign-in attempts are counted before the password check, in the same
-- statement that decides whether the attempt may go ahead; this remembers
-- what that statement decided.
ALTER TABLE sign_in_failures ADD COLUMN refused INTEGER NOT NULL DEFAULT 0;
-- A link mailed to an address proves its owner reads it. Only hashes of
-- the tokens are stored.
CREATE TABLE email_verifications (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX email_verifications_user ON email_verifications(user_id);

-- Members join by invitation to an address; the invitee accepts it signed
-- in with that address (the mailed token verifies it).
CREATE TABLE invitations (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    email        TEXT NOT NULL,
    role         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    invited_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    accepted_at  BIGINT,
    accepted_by  TEXT,
    withdrawn_at BIGINT
);
CREATE INDEX invitations_org ON invitations(org_id, created_at);
