//! What the link page keeps in memory so that a view is neither a JSON parse
//! nor a database write: links' snapshots (frozen when the link is made, so
//! never stale) and view counts, written every `db::UPKEEP_EVERY` by
//! `spawn_flusher`. A crash loses at most the views of that interval; views
//! are a statistic. One cache per application state (`AppState::links`).

use crate::apps::snapshot::AppSnapshot;
use crate::db::Db;
use crate::values::LinkId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Snapshots kept at most; past it the map starts again (links are few and
/// a miss is one parse).
const MAX_SNAPSHOTS: usize = 4096;

#[derive(Default, Debug)]
pub struct LinkCache {
    snapshots: Mutex<HashMap<String, Arc<AppSnapshot>>>,
    views: Mutex<HashMap<String, i64>>,
    /// Held (shared) while a reader adds pending views to stored ones and
    /// (exclusively) while a flush moves them, so no view is seen twice or
    /// missed in between.
    flushing: tokio::sync::RwLock<()>,
}

impl LinkCache {
    pub fn snapshot(&self, link_id: &LinkId) -> Option<Arc<AppSnapshot>> {
        lock(&self.snapshots).get(link_id.as_str()).cloned()
    }

    pub fn keep_snapshot(&self, link_id: &LinkId, snapshot: Arc<AppSnapshot>) {
        let mut map = lock(&self.snapshots);
        if map.len() >= MAX_SNAPSHOTS {
            map.clear();
        }
        map.insert(link_id.to_string(), snapshot);
    }

    pub fn count_view(&self, link_id: &LinkId) {
        *lock(&self.views).entry(link_id.to_string()).or_default() += 1;
    }

    /// Runs `read` (which reads stored view counts) and returns its result
    /// with the views this process has counted but not yet written.
    pub async fn with_pending_views<T, F: std::future::Future<Output = T>>(
        &self,
        read: F,
    ) -> (T, HashMap<String, i64>) {
        let _guard = self.flushing.read().await;
        let stored = read.await;
        (stored, lock(&self.views).clone())
    }

    /// Writes the counted views in one transaction.
    pub async fn flush(&self, db: &Db) -> Result<(), sqlx::Error> {
        let _guard = self.flushing.write().await;
        let pending = lock(&self.views).clone();
        if pending.is_empty() {
            return Ok(());
        }
        let mut tx = db.begin_write().await?;
        for (id, n) in &pending {
            sqlx::query("UPDATE distribution_links SET views = views + $1 WHERE id = $2")
                .bind(n)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        let mut views = lock(&self.views);
        for (id, n) in pending {
            if let Some(v) = views.get_mut(&id) {
                *v -= n;
                if *v == 0 {
                    views.remove(&id);
                }
            }
        }
        Ok(())
    }
}

impl LinkCache {
    /// Writes counted views every `UPKEEP_EVERY` while the cache is in use
    /// (the task ends, with a last write, once the cache is dropped).
    pub fn spawn_flusher(cache: &Arc<LinkCache>, db: Db) {
        let cache = Arc::downgrade(cache);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(crate::db::UPKEEP_EVERY).await;
                let Some(cache) = cache.upgrade() else { break };
                if let Err(e) = cache.flush(&db).await {
                    tracing::warn!(error = %e, "writing link view counts failed; kept for the next try");
                }
            }
        });
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding these maps leaves them consistent (plain inserts).
    m.lock().unwrap_or_else(|e| e.into_inner())
}
