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
