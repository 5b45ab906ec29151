//! Versions server functions, at `/api/versions/...`.

use super::domain::*;
#[cfg(feature = "ssr")]
use super::queries;
use crate::values::{AppId, VersionId};

crate::api!(
    /// An app's published versions and what publishing now would carry.
    get_versions at "versions/view" for member (app_id: AppId) -> VersionsView, |c|
        queries::view(&c.s.db, &c.ctx, &app_id).await
);

crate::api!(
    /// Publishes the app as it is now under a version number its changes allow.
    publish_version at "versions/publish" for member
    (app_id: AppId, version: String, notes: String) -> VersionId, |c| {
        let p = Publish::parse(&version, &notes)?;
        queries::publish(&c.s.db, &c.ctx, &app_id, &p, c.now).await
    }
);
