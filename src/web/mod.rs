//! `labstock serve`: the browser front end and the JSON API (SPEC §11), a
//! face like the command line. Routes parse HTTP into domain values, ask
//! the permission table ([`crate::app::roles`]) and call one `app::`
//! function; errors come back as [`crate::Error`] and are mapped to a
//! status in one place ([`error::ApiError`]). No SQL, rule or database
//! type lives here.
//!
//! Every database call runs off the async threads (`spawn_blocking`):
//! writes through SQLite's one writer connection, one at a time, or on
//! PostgreSQL through a few writer connections at once; reads on
//! connections of their own, in parallel (SQLite in WAL mode).

mod api;
mod auth;
mod body;
mod error;
mod pages;
mod state;
#[cfg(feature = "tls")]
mod tls;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::error::{Error, Result};
use crate::store::OpenOptions;
use state::ServerState;

/// The largest request body accepted (413 beyond it).
pub const BODY_LIMIT: usize = 64 * 1024;

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub db: PathBuf,
    pub open_options: OpenOptions,
    pub listen: String,
    /// The certificate chain and private key (PEM) when the server itself
    /// speaks TLS (cookies are then always `Secure`).
    pub tls: Option<(PathBuf, PathBuf)>,
}

/// Whether this labstock was built with TLS (`--tls-cert`).
pub const TLS_BUILT_IN: bool = cfg!(feature = "tls");

/// The address a request came from (for `X-Forwarded-Proto` trusted only
/// from loopback).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Peer(pub(crate) SocketAddr);

impl
    axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, tokio::net::TcpListener>>
    for Peer
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, tokio::net::TcpListener>) -> Self {
        Peer(*stream.remote_addr())
    }
}

/// Bind the address (exit 1 naming it when taken), report the bound
/// address through `ready` (the face prints it), and serve until Ctrl-C
/// or SIGTERM.
pub fn serve(options: &ServeOptions, ready: impl FnOnce(SocketAddr)) -> Result<()> {
    // Held here as well as by the router, so that the database connections
    // close after the runtime, outside any async context: PostgreSQL's
    // blocking client may not be dropped on an async thread.
    let state = Arc::new(ServerState::open(options)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .max_blocking_threads(state::BLOCKING_THREADS)
        .enable_all()
        .build()
        .map_err(|source| Error::Io {
            path: "<tokio runtime>".into(),
            source,
        })?;
    let shared = Arc::clone(&state);
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&options.listen)
            .await
            .map_err(|source| Error::Listen {
                addr: options.listen.clone(),
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| Error::Listen {
            addr: options.listen.clone(),
            source,
        })?;
        let app = router(shared);
        let io = |source| Error::Io {
            path: "<server>".into(),
            source,
        };
        match &options.tls {
            #[cfg(feature = "tls")]
            Some((cert, key)) => {
                let config = tls::config(cert, key)?;
                let listener = tls::TlsListener::new(listener, config).map_err(io)?;
                ready(addr);
                axum::serve(listener, app.into_make_service_with_connect_info::<Peer>())
                    .with_graceful_shutdown(shutdown())
                    .await
                    .map_err(io)
            }
            #[cfg(not(feature = "tls"))]
            Some((cert, _)) => Err(Error::invalid(
                "--tls-cert",
                cert.display().to_string(),
                "this labstock was built without TLS (cargo feature `tls`): serve behind a reverse proxy that terminates TLS",
            )),
            None => {
                ready(addr);
                axum::serve(listener, app.into_make_service_with_connect_info::<Peer>())
                    .with_graceful_shutdown(shutdown())
                    .await
                    .map_err(io)
            }
        }
    });
    drop(runtime);
    drop(state);
    served
}

/// Ctrl-C, or SIGTERM (systemd's stop).
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// Every route, behind the body limit and the security headers.
pub(crate) fn router(state: Arc<ServerState>) -> Router {
    Router::new()
        .merge(api::routes())
        .merge(pages::routes())
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(security_headers))
        .with_state(state)
}

/// Content-Security-Policy without inline script or style, no framing,
/// no sniffing, no referrer beyond the site; nothing cached.
async fn security_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; media-src 'self' data:; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
