//! Rows: accounts, organizations, members and invitations.

use super::{post, Row};
use crate::callers::{IN_AN_ORG, ORG_ADMINS, SELF};
use crate::common::world::{Caller::*, ALL};

pub(super) fn rows() -> Vec<Row> {
    vec![
        // Accounts
        post("/api/me", "", &ALL),
        post(
            "/api/sign_up",
            "email=fresh%40new.example&display_name=Fresh&password=fenfa-demo",
            &ALL,
        ),
        post(
            "/api/sign_in",
            "email=admin%40plain.example&password=fenfa-demo",
            &ALL,
        ),
        post("/api/sign_out", "", &ALL),
        post(
            "/api/change_password",
            "current_password=fenfa-demo&new_password=another-secret",
            SELF,
        ),
        post(
            "/api/switch_org",
            "org_id={north}",
            &[CustomerAdmin, CustomerMember],
        ),
        post(
            "/api/create_org",
            "name=New+Org&time_zone=Asia%2FTokyo",
            SELF,
        ),
        post("/api/set_time_zone", "time_zone=Asia%2FTokyo", ORG_ADMINS),
        post("/api/rename_org", "name=Renamed+Ltd", ORG_ADMINS),
        post("/api/list_members", "", IN_AN_ORG)
            .seeing("member@north.example", &[CustomerAdmin, CustomerMember]),
        post(
            "/api/invite_member",
            "email=operator%40fenfa.example&role=member",
            ORG_ADMINS,
        ),
        post("/api/list_invitations", "", ORG_ADMINS)
            .seeing("pending@north.example", &[CustomerAdmin]),
        post(
            "/api/withdraw_invitation",
            "invitation_id={invitation}",
            &[CustomerAdmin],
        ),
        post("/api/invitation", "token={invitation_token}", &ALL),
        // Only the invited address may accept; no caller here has it.
        post("/api/accept_invitation", "token={invitation_token}", &[]),
        post("/api/verify_email", "token=00ff", &[]),
        post("/api/resend_verification", "", SELF),
        post(
            "/api/change_role",
            "user_id={member_north}&role=admin",
            &[CustomerAdmin],
        ),
        post(
            "/api/remove_member",
            "user_id={member_north}",
            &[CustomerAdmin],
        ),
        post("/api/operator_orgs", "", &[Operator]),
        post(
            "/api/set_certification",
            "org_id={north}&level=basic",
            &[Operator],
        ),
        post("/api/set_language", "lang=en", &ALL),
    ]
}
