//! Rows: the ISV's own app, and the customers' installed copies.

use super::{post, Row};
use crate::callers::{ACME_USERS, ACTING_IN_AN_ORG, APP_EDITORS, ORG_ADMINS};
use crate::common::world::Caller::*;

pub(super) fn rows() -> Vec<Row> {
    vec![
        // Apps: the ISV's own app
        post("/api/apps/list", "", ACTING_IN_AN_ORG).seeing("{app}", ACME_USERS),
        post("/api/apps/get", "app_id={app}", ACME_USERS),
        post(
            "/api/apps/create",
            "name=New+app&icon=chart&description=",
            ORG_ADMINS,
        ),
        post(
            "/api/apps/update",
            "app_id={app}&name=Renamed&icon=chart&description=x",
            APP_EDITORS,
        ),
        post("/api/apps/delete", "app_id={app}", APP_EDITORS),
        post(
            "/api/apps/add_admin",
            "app_id={app}&user_id={newdev}",
            APP_EDITORS,
        ),
        post(
            "/api/apps/remove_admin",
            "app_id={app}&user_id={isv_dev}",
            APP_EDITORS,
        ),
        post(
            "/api/apps/add_form",
            "app_id={app}&name=New&kind=plain",
            APP_EDITORS,
        ),
        post(
            "/api/apps/rename_form",
            "app_id={app}&form_id={form}&name=Renamed",
            APP_EDITORS,
        ),
        post(
            "/api/apps/move_form",
            "app_id={app}&form_id={form}&direction=down",
            APP_EDITORS,
        ),
        post(
            "/api/apps/delete_form",
            "app_id={app}&form_id={form}",
            APP_EDITORS,
        ),
        post(
            "/api/apps/add_field",
            "app_id={app}&form_id={form}&label=New&field_type=text&required=no&options=",
            APP_EDITORS,
        ),
        post(
            "/api/apps/update_field",
            "app_id={app}&field_id={field}&label=Changed&field_type=text&required=no&options=",
            APP_EDITORS,
        ),
        post(
            "/api/apps/move_field",
            "app_id={app}&field_id={field}&direction=down",
            APP_EDITORS,
        ),
        post(
            "/api/apps/delete_field",
            "app_id={app}&field_id={field}",
            APP_EDITORS,
        ),
        post(
            "/api/apps/add_step",
            "app_id={app}&form_id={form}&name=Check",
            APP_EDITORS,
        ),
        post(
            "/api/apps/rename_step",
            "app_id={app}&step_id={step}&name=Checked",
            APP_EDITORS,
        ),
        post(
            "/api/apps/move_step",
            "app_id={app}&step_id={step}&direction=down",
            APP_EDITORS,
        ),
        post(
            "/api/apps/delete_step",
            "app_id={app}&step_id={step}",
            APP_EDITORS,
        ),
        post(
            "/api/apps/add_approver",
            "app_id={app}&step_id={step}&user_id={newdev}",
            APP_EDITORS,
        ),
        post(
            "/api/apps/remove_approver",
            "app_id={app}&step_id={step}&user_id={isv_admin}",
            APP_EDITORS,
        ),
        post(
            "/api/apps/add_template",
            "app_id={app}&form_id={form}&trigger=approved&message=Done",
            APP_EDITORS,
        ),
        post(
            "/api/apps/update_template",
            "app_id={app}&template_id={template}&trigger=approved&message=Changed",
            APP_EDITORS,
        ),
        post(
            "/api/apps/delete_template",
            "app_id={app}&template_id={template}",
            APP_EDITORS,
        ),
        post(
            "/api/apps/add_recipient",
            "app_id={app}&template_id={template}&recipient=user:{newdev}",
            APP_EDITORS,
        ),
        post(
            "/api/apps/remove_recipient",
            "app_id={app}&template_id={template}&recipient=submitter",
            APP_EDITORS,
        ),
        post(
            "/api/apps/add_service",
            "app_id={app}&name=ERP&endpoint=https%3A%2F%2Ferp.example&credential=",
            APP_EDITORS,
        ),
        post(
            "/api/apps/update_service",
            "app_id={app}&service_id={service}&name=ERP&endpoint=https%3A%2F%2Ferp.example",
            APP_EDITORS,
        ),
        post(
            "/api/apps/set_credential",
            "app_id={app}&service_id={service}&credential=new-secret",
            APP_EDITORS,
        ),
        post(
            "/api/apps/delete_service",
            "app_id={app}&service_id={service}",
            APP_EDITORS,
        ),
        // Apps: the customer's installed copies
        post(
            "/api/apps/get",
            "app_id={installed}",
            &[CustomerAdmin, CustomerMember, IsvInMaintenance],
        ),
        post(
            "/api/apps/rename_form",
            "app_id={installed}&form_id={installed_form}&name=Renamed",
            &[CustomerAdmin, IsvInMaintenance],
        ),
        post(
            "/api/apps/get",
            "app_id={other_installed}",
            &[OtherOrgAdmin],
        ),
        // Maintenance fixes the app; what the customer owns stays the customer's.
        post(
            "/api/apps/update_service",
            "app_id={installed}&service_id={installed_service}&name=ERP&endpoint=https%3A%2F%2Ferp.example",
            &[CustomerAdmin, IsvInMaintenance],
        ),
        post("/api/apps/delete", "app_id={installed}", &[CustomerAdmin]),
        post(
            "/api/apps/add_admin",
            "app_id={installed}&user_id={member_north}",
            &[CustomerAdmin],
        ),
    ]
}
