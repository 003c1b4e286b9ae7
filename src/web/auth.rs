//! Who is asking: the session cookie `labstock_session` or
//! `Authorization: Bearer TOKEN`, checked on every request against the
//! database (sessions are stored server-side, as a hash of their id);
//! the same-origin rule for state changes made with a cookie; and the
//! permission check against the one table in [`crate::app::roles`].

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};

use super::error::ApiError;
use super::state::ServerState;
use crate::accounts::Principal;
use crate::app::Actor;
use crate::app::roles::{self, Action};

pub(super) const COOKIE: &str = "labstock_session";

/// How the request proved who it is.
#[derive(Debug, Clone)]
pub(super) enum Credential {
    Session(String),
    Token,
}

/// A signed-in account, for a route that needs one.
#[derive(Debug, Clone)]
pub(super) struct Authed {
    pub(crate) who: Principal,
    pub(crate) credential: Credential,
}

impl Authed {
    /// 403 unless the account's role may take `action`.
    pub(crate) fn require(&self, action: Action) -> Result<(), ApiError> {
        if roles::allows(self.who.role, action) {
            Ok(())
        } else {
            Err(ApiError::forbidden(
                self.who.role,
                roles::lowest_role(action),
            ))
        }
    }

    /// The session id, when signed in with a cookie.
    pub(crate) fn session(&self) -> Option<&str> {
        match &self.credential {
            Credential::Session(s) => Some(s),
            Credential::Token => None,
        }
    }
}

/// The value of the session cookie, if the request carries one.
pub(super) fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}

fn is_state_change(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether a request comes from this site's own pages: `Sec-Fetch-Site`
/// when the browser sends it, else `Origin` against `Host`. A request
/// with neither (not a browser's) passes: it cannot carry a browser's
/// cookie across sites, and `SameSite=Strict` stops those that would.
pub(super) fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site.trim(), "same-origin" | "none");
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let origin_host = origin
            .split_once("://")
            .map_or("", |(_, rest)| rest)
            .trim_end_matches('/');
        return !host.is_empty() && origin_host.eq_ignore_ascii_case(host.trim());
    }
    true
}

/// Whether the browser reached us over HTTPS: the server's own TLS, or a
/// reverse proxy on this machine that says so.
pub(super) fn is_https(state: &ServerState, headers: &HeaderMap, peer: SocketAddr) -> bool {
    state.tls
        || (peer.ip().is_loopback()
            && headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|p| p.trim().eq_ignore_ascii_case("https")))
}

/// The `Set-Cookie` value that starts (or, with an empty id, ends) a session.
pub(super) fn set_cookie(session: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    if session.is_empty() {
        format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}")
    } else {
        // The server ends it after 10 hours idle; the browser keeps it for
        // the browser session.
        format!("{COOKIE}={session}; Path=/; HttpOnly; SameSite=Strict{secure}")
    }
}

/// Who the request is from, if anyone: `Ok(None)` when it carries no valid
/// credential; `Err` for a cross-site state change with a cookie.
pub(super) async fn identify(
    state: &Arc<ServerState>,
    parts: &Parts,
) -> Result<Option<Authed>, ApiError> {
    if let Some(token) = bearer(&parts.headers) {
        let found = state
            .read(move |store, clock| {
                let actor = Actor::new("", clock);
                crate::app::accounts::token(store, &token, actor)
            })
            .await?;
        return Ok(found.map(|who| Authed {
            who,
            credential: Credential::Token,
        }));
    }
    let Some(session) = session_cookie(&parts.headers) else {
        return Ok(None);
    };
    if is_state_change(&parts.method) && !same_origin(&parts.headers) {
        return Err(ApiError::cross_origin());
    }
    let id = session.clone();
    let found = state
        .read(move |store, clock| {
            let actor = Actor::new("", clock);
            crate::app::accounts::session(store, &id, actor)
        })
        .await?;
    let Some((who, touch)) = found else {
        return Ok(None);
    };
    if touch {
        let id = session.clone();
        state
            .write(None, move |store, actor| {
                crate::app::accounts::touch_session(store, &id, actor)
            })
            .await?;
    }
    Ok(Some(Authed {
        who,
        credential: Credential::Session(session),
    }))
}

impl FromRequestParts<Arc<ServerState>> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<ServerState>,
    ) -> Result<Self, Self::Rejection> {
        identify(state, parts)
            .await?
            .ok_or_else(ApiError::unauthorized)
    }
}
