-- Each organization shows times in its own time zone (an IANA name, chosen
-- at creation and editable by its admins). Organizations made before this
-- keep showing UTC, as they did, until an admin picks their zone.
ALTER TABLE organizations ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
