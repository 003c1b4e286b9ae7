//! The browser pages (SPEC §11).

use std::sync::Arc;

use axum::Router;

use super::state::ServerState;

pub(super) fn routes() -> Router<Arc<ServerState>> {
    Router::new()
}
