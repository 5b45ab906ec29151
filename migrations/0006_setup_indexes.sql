-- The Order Center shows, per order, whether the installed copy still has
-- something to configure again. These partial indexes hold only such rows,
-- so that question is one index probe per table instead of a scan of the
-- copy's forms, templates and services.
CREATE INDEX forms_needs_config ON forms(app_id) WHERE process_needs_config = 1;
CREATE INDEX notification_templates_needs_config ON notification_templates(app_id) WHERE needs_config = 1;
CREATE INDEX services_needs_config ON services(app_id) WHERE needs_config = 1;
