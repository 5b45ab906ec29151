//! The workload: the demo data plus buyer organizations, what the ISV's app
//! held before, and the calls each round sends.

use super::*;

/// The demo data plus buyer organizations, and what the ISV's app held
/// before the test touched it.
pub(crate) struct Load {
    pub(crate) t: TestDb,
    pub(crate) app_id: String,
    pub(crate) forms: Vec<String>,
    pub(crate) icon: String,
    pub(crate) description: String,
    /// Email, password and organization of each buyer organization's admin.
    pub(crate) buyers: Vec<(String, &'static str, String)>,
    pub(crate) seeded_fields: HashSet<String>,
    pub(crate) version0: i64,
    pub(crate) audited0: i64,
}

impl Load {
    pub(crate) async fn new() -> Load {
        let t = common::fresh_sqlite().await;
        app::demo::seed(&t.db, t.clock.now_ms()).await.unwrap();
        let (app_id, icon, description, version0): (String, String, String, i64) =
            sqlx::query_as(
                "SELECT id, icon, description, version FROM apps WHERE name LIKE $1 || '%' AND origin = 'own'",
            )
            .bind("客户拜访管理")
            .fetch_one(&t.db.pool)
            .await
            .unwrap();
        let forms = strings(
            &t.db,
            "SELECT id FROM forms WHERE app_id = $1 ORDER BY position",
            &app_id,
        )
        .await;
        let seeded_fields = fields_of(&t.db, &app_id).await;
        let audited0 = count(&t.db, super::killed::CHANGES, &app_id).await;
        let mut buyers = Vec::new();
        for email in ["admin@north.example", "admin@south.example"] {
            let org = strings(
                &t.db,
                "SELECT m.org_id FROM memberships m JOIN users u ON u.id = m.user_id \
                 WHERE u.email = $1 AND m.role = 'admin'",
                email,
            )
            .await
            .remove(0);
            buyers.push((email.to_string(), "fenfa-demo", org));
        }
        for i in 0..4 {
            let email = format!("buyer{i}@crash.example");
            let u = t.user(&email).await;
            let org = t.org(&u, &format!("Crash buyer {i}")).await;
            buyers.push((email, "correct horse", org));
        }
        // The server process is to be the only one with the file open when
        // it is killed, as in production.
        t.db.pool.close().await;
        Load {
            t,
            app_id,
            forms,
            icon,
            description,
            buyers,
            seeded_fields,
            version0,
            audited0,
        }
    }

    /// The ISV admin's and each buyer admin's session.
    pub(crate) async fn sign_in(&self, server: &Instance) -> (String, Vec<String>) {
        let isv = server.session("isv-admin@acme.example", "fenfa-demo").await;
        let mut buyers = Vec::new();
        for (email, password, _) in &self.buyers {
            buyers.push(server.session(email, password).await);
        }
        (isv, buyers)
    }

    /// A new unlimited link for the ISV's app, selling its latest version
    /// (the first link publishes the app as it is then).
    pub(crate) async fn link(&self, server: &Instance, isv: &str) -> String {
        let body = form(&[
            ("app_id", &self.app_id),
            ("expires_days", "30"),
            ("max_purchases", ""),
            ("bound_org", ""),
            ("note", ""),
        ]);
        let a = server
            .call("/api/distribution/create_link", &body, Some(isv))
            .await;
        assert_eq!(a.status, 200, "{}", a.json);
        a.json["path"]
            .as_str()
            .unwrap()
            .trim_start_matches("/l/")
            .to_string()
    }

    /// One purchase per (buyer, link): the calls of each buyer, in order.
    pub(crate) fn purchases(&self, round: usize, tokens: &[String]) -> Vec<Vec<Call<Purchase>>> {
        (0..self.buyers.len())
            .map(|b| {
                tokens
                    .iter()
                    .enumerate()
                    .map(|(l, token)| {
                        let p = Purchase {
                            buyer: b,
                            token: token.clone(),
                            key: format!("r{round}-b{b}-l{l}"),
                        };
                        let body = p.body(&self.buyers[b].2);
                        ("/api/distribution/buy", body, p)
                    })
                    .collect()
            })
            .collect()
    }

    pub(crate) fn field_adds(&self, round: usize) -> Vec<Call<String>> {
        (0..EDITS)
            .map(|i| {
                let label = format!("r{round} f{i}");
                let body = form(&[
                    ("app_id", &self.app_id),
                    ("form_id", &self.forms[i % self.forms.len()]),
                    ("label", &label),
                    ("field_type", "text"),
                    ("required", "no"),
                ]);
                ("/api/apps/add_field", body, label)
            })
            .collect()
    }

    pub(crate) fn renames(&self, round: usize) -> Vec<Call<String>> {
        (0..EDITS)
            .map(|i| {
                let name = format!("客户拜访管理 r{round}.{i}");
                let body = form(&[
                    ("app_id", &self.app_id),
                    ("name", &name),
                    ("icon", &self.icon),
                    ("description", &self.description),
                ]);
                ("/api/apps/update", body, name)
            })
            .collect()
    }
}
