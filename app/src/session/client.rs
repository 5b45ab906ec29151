//! Who is signed in, as the pages in the browser (and the server render) see it.

use crate::accounts::api::{CreateOrg, SignIn, SignOut, SignUp, SwitchOrg};
use crate::accounts::Me;
use crate::error::AppError;
use leptos::prelude::*;

/// Who is signed in, refreshed whenever an action changes it.
#[derive(Clone, Copy)]
pub struct SessionCtx {
    pub me: Resource<Result<Option<Me>, AppError>>,
    pub sign_in: ServerAction<SignIn>,
    pub sign_up: ServerAction<SignUp>,
    pub sign_out: ServerAction<SignOut>,
    pub switch_org: ServerAction<SwitchOrg>,
    pub create_org: ServerAction<CreateOrg>,
    /// Bumped by pages whose actions change the session in other ways.
    pub epoch: RwSignal<u32>,
}

impl SessionCtx {
    /// Reloads who is signed in and where (after a purchase switched organization).
    pub fn refresh(&self) {
        self.epoch.update(|e| *e += 1);
    }

    /// Whether the signed-in caller passes `may`, once the session is known:
    /// pages ask only for data the server would give this caller.
    pub async fn caller_may(self, may: impl FnOnce(&Me) -> bool) -> bool {
        matches!(self.me.await, Ok(Some(me)) if may(&me))
    }

    /// Reloads who is signed in whenever `succeeded()` turns true: for
    /// actions that change the session as a side effect (a password, an
    /// organization joined, an address verified).
    pub fn refresh_when(self, succeeded: impl Fn() -> bool + Send + Sync + 'static) {
        Effect::new(move |_| {
            if succeeded() {
                self.refresh();
            }
        });
    }
}

pub fn use_session() -> SessionCtx {
    expect_context::<SessionCtx>()
}
