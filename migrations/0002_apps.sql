-- Apps and their parts. Positions order siblings; needs_config marks parts a
-- deployed copy must reconfigure (used by distribution).

CREATE TABLE apps (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    icon        TEXT NOT NULL,
    description TEXT NOT NULL,
    origin      TEXT NOT NULL DEFAULT 'own',
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    updated_by  TEXT NOT NULL
);
CREATE INDEX apps_org ON apps(org_id, updated_at);

CREATE TABLE app_admins (
    app_id  TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (app_id, user_id)
);
CREATE INDEX app_admins_user ON app_admins(user_id);

CREATE TABLE forms (
    id       TEXT PRIMARY KEY,
    app_id   TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    name     TEXT NOT NULL,
    kind     TEXT NOT NULL,
    position BIGINT NOT NULL,
    -- A process form's approval steps must be set up again (deployed copies).
    process_needs_config INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX forms_app ON forms(app_id, position);

CREATE TABLE fields (
    id           TEXT PRIMARY KEY,
    form_id      TEXT NOT NULL REFERENCES forms(id) ON DELETE CASCADE,
    label        TEXT NOT NULL,
    field_type   TEXT NOT NULL,
    required     INTEGER NOT NULL,
    options_json TEXT NOT NULL,
    position     BIGINT NOT NULL
);
CREATE INDEX fields_form ON fields(form_id, position);

CREATE TABLE process_steps (
    id             TEXT PRIMARY KEY,
    form_id        TEXT NOT NULL REFERENCES forms(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    approvers_json TEXT NOT NULL,
    position       BIGINT NOT NULL
);
CREATE INDEX process_steps_form ON process_steps(form_id, position);

CREATE TABLE notification_templates (
    id              TEXT PRIMARY KEY,
    app_id          TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    form_id         TEXT NOT NULL REFERENCES forms(id) ON DELETE CASCADE,
    trigger_event   TEXT NOT NULL,
    recipients_json TEXT NOT NULL,
    message         TEXT NOT NULL,
    needs_config    INTEGER NOT NULL DEFAULT 0,
    position        BIGINT NOT NULL
);
CREATE INDEX notification_templates_app ON notification_templates(app_id, position);

-- The credential never leaves the server: it is read only by server code that
-- calls the service, never by a query that answers the browser.
CREATE TABLE services (
    id                TEXT PRIMARY KEY,
    app_id            TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    endpoint          TEXT NOT NULL,
    credential        TEXT,
    credential_set_at BIGINT,
    needs_config      INTEGER NOT NULL DEFAULT 0,
    position          BIGINT NOT NULL
);
CREATE INDEX services_app ON services(app_id, position);
