//! The server's errors: `{"error", "hint"?, "exit_code"}` with the CLI's
//! message and exit code. A library [`Error`] gets its status from
//! [`Error::http_status`] here and nowhere else; the statuses that belong
//! to the server itself (401 not signed in, 403 not allowed or not the
//! same origin, 429 locked, 413 too large, 400 a malformed request) are
//! made by the constructors below. A 500 never carries internals.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::Error;

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ApiError {
    #[serde(skip)]
    pub(crate) status: StatusCode,
    pub(crate) error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) hint: Option<String>,
    pub(crate) exit_code: i32,
    #[serde(skip)]
    retry_after: Option<u64>,
    /// A scanned GTIN no item has (the scan station offers to link it).
    #[serde(skip)]
    pub(crate) unknown_gtin: Option<String>,
}

/// The CLI's usage-error exit code, for requests the server cannot read.
const USAGE: i32 = 2;

impl ApiError {
    fn new(status: StatusCode, error: impl Into<String>, exit_code: i32) -> ApiError {
        ApiError {
            status,
            error: error.into(),
            hint: None,
            exit_code,
            retry_after: None,
            unknown_gtin: None,
        }
    }

    #[must_use]
    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> ApiError {
        self.hint = Some(hint.into());
        self
    }

    /// 400: a request the server cannot read (malformed JSON, a field of
    /// the wrong type, an unknown field, another recorder named).
    pub(crate) fn bad_request(error: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, error, USAGE)
    }

    /// 401: not signed in, or the session or token is not (or no longer) valid.
    pub(crate) fn unauthorized() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "not signed in", 1)
            .with_hint("sign in (POST /api/v1/session) or send Authorization: Bearer TOKEN")
    }

    /// 401 for a sign-in: the same whether the name or the password was wrong.
    pub(crate) fn wrong_credentials() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "wrong user name or password", 1)
    }

    /// 403: the role lacks the permission.
    pub(crate) fn forbidden(
        role: crate::accounts::Role,
        lowest: crate::accounts::Role,
    ) -> ApiError {
        let error = format!("a {role} may not do this");
        let hint =
            if lowest == crate::accounts::Role::Manager || role != crate::accounts::Role::Auditor {
                format!("it needs the role {lowest} or above")
            } else {
                "an auditor reads everything and writes nothing".to_owned()
            };
        ApiError::new(StatusCode::FORBIDDEN, error, 1).with_hint(hint)
    }

    /// 403: a state change with a cookie from another site.
    pub(crate) fn cross_origin() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "a change with a session cookie must come from this site's own pages",
            1,
        )
    }

    /// 429: too many failed sign-ins for the name.
    pub(crate) fn locked(seconds: u64) -> ApiError {
        let mut e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too many failed sign-ins for this name: try again later",
            1,
        )
        .with_hint("ask a manager to check the account (labstock user list) if you have forgotten the password");
        e.retry_after = Some(seconds.max(1));
        e
    }

    /// 413: the body is larger than the server takes.
    pub(crate) fn too_large() -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the request body is larger than {} bytes",
                super::BODY_LIMIT
            ),
            USAGE,
        )
    }

    /// 404 for a path the server does not have.
    pub(crate) fn no_route() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "no such page or API route", USAGE)
    }

    /// 500 with no internals in the body (the server logs the detail).
    pub(crate) fn internal(detail: &str) -> ApiError {
        log_error(detail);
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the server could not complete the request",
            1,
        )
    }
}

/// One line on the server's standard error. Never given a password,
/// token or session id.
pub(super) fn log_error(detail: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "labstock serve: {detail}");
}

/// The one mapping of a library error to HTTP (SPEC §11).
impl From<Error> for ApiError {
    fn from(e: Error) -> ApiError {
        let status =
            StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            let mut out = ApiError::internal(&e.to_string());
            out.exit_code = e.exit_code();
            return out;
        }
        let mut out = ApiError::new(status, e.to_string(), e.exit_code());
        out.hint = e.hint();
        if let Error::Refused(crate::error::Refusal::UnknownGtin { gtin }) = &e {
            out.unknown_gtin = Some(gtin.clone());
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            out.retry_after = Some(1);
        }
        out
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(&self)).into_response();
        if let Some(s) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&s.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}
