//! TLS in the server itself (`--tls-cert`, `--tls-key`), with rustls.
//! Handshakes run each in a task of its own, with a time limit, so a
//! client that connects and says nothing holds up no one else.

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::server::TlsStream;

use crate::error::{Error, Result};

/// How long a client may take over its handshake.
const HANDSHAKE_LIMIT: Duration = Duration::from_secs(10);

/// The certificate chain and key, read and checked at start.
pub(crate) fn config(cert: &Path, key: &Path) -> Result<Arc<ServerConfig>> {
    let bad = |path: &Path, why: String| Error::Invalid {
        what: "TLS file".into(),
        value: path.display().to_string(),
        expected: why,
    };
    let missing = |path: &Path| {
        if path.exists() {
            None
        } else {
            Some(Error::FileNotFound {
                path: path.to_owned(),
            })
        }
    };
    if let Some(e) = missing(cert).or_else(|| missing(key)) {
        return Err(e);
    }
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|e| bad(cert, format!("a PEM certificate chain ({e})")))?
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| bad(cert, format!("a PEM certificate chain ({e})")))?;
    if chain.is_empty() {
        return Err(bad(cert, "a PEM file with at least one CERTIFICATE".into()));
    }
    let key_der = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| bad(key, format!("a PEM private key ({e})")))?;
    let config = ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(chain, key_der)
        .map_err(|e| bad(key, format!("the private key of the certificate ({e})")))?;
    Ok(Arc::new(config))
}

/// A listener whose connections have finished their TLS handshake.
pub(crate) struct TlsListener {
    local: SocketAddr,
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
}

impl TlsListener {
    pub(crate) fn new(tcp: TcpListener, config: Arc<ServerConfig>) -> io::Result<TlsListener> {
        let local = tcp.local_addr()?;
        let acceptor = TlsAcceptor::from(config);
        let (tx, ready) = mpsc::channel(64);
        tokio::spawn(async move {
            loop {
                let Ok((stream, peer)) = tcp.accept().await else {
                    // Out of file descriptors and the like: wait, then go on.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let (acceptor, tx) = (acceptor.clone(), tx.clone());
                tokio::spawn(async move {
                    if let Ok(Ok(tls)) =
                        tokio::time::timeout(HANDSHAKE_LIMIT, acceptor.accept(stream)).await
                    {
                        let _ = tx.send((tls, peer)).await;
                    }
                });
            }
        });
        Ok(TlsListener { local, ready })
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(ready) => ready,
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.local)
    }
}

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, TlsListener>>
    for super::Peer
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, TlsListener>) -> Self {
        super::Peer(*stream.remote_addr())
    }
}
