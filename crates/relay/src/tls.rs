//! Built-in HTTPS (rustls with ring), for a relay with no reverse proxy in
//! front. The certificate is read again when its files change, so a renewed
//! Let's Encrypt certificate is used without a restart.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use crate::config::TlsFiles;

/// A TLS handshake that takes longer than this is dropped, so slow clients
/// cannot hold connections open without ever speaking HTTP.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read the TLS certificate {path}: {reason}")]
    Certificate { path: String, reason: String },
    #[error("cannot read the TLS private key {path}: {reason}")]
    Key { path: String, reason: String },
    #[error("the TLS private key does not belong to the certificate: {0}")]
    Mismatch(String),
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Reads and checks a certificate chain and its key.
pub fn load_key(files: &TlsFiles) -> Result<CertifiedKey, TlsError> {
    let cert_error = |reason: String| TlsError::Certificate {
        path: files.cert_path.display().to_string(),
        reason,
    };
    let chain = CertificateDer::pem_file_iter(&files.cert_path)
        .map_err(|e| cert_error(e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| cert_error(e.to_string()))?;
    if chain.is_empty() {
        return Err(cert_error("it holds no PEM certificate".into()));
    }
    let key = PrivateKeyDer::from_pem_file(&files.key_path).map_err(|e| TlsError::Key {
        path: files.key_path.display().to_string(),
        reason: e.to_string(),
    })?;
    CertifiedKey::from_der(chain, key, &provider()).map_err(|e| TlsError::Mismatch(e.to_string()))
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Hands every handshake the current certificate; `reload_if_changed`
/// swaps in a renewed one.
#[derive(Debug)]
pub struct CertificateStore {
    files: TlsFiles,
    current: RwLock<(Arc<CertifiedKey>, Option<SystemTime>, Option<SystemTime>)>,
}

impl CertificateStore {
    pub fn load(files: &TlsFiles) -> Result<Self, TlsError> {
        let key = load_key(files)?;
        Ok(CertificateStore {
            current: RwLock::new((
                Arc::new(key),
                modified(&files.cert_path),
                modified(&files.key_path),
            )),
            files: files.clone(),
        })
    }

    /// Reads the files again if either changed. A renewal caught half-written
    /// (or broken) keeps the old certificate and says so; the next check retries.
    pub fn reload_if_changed(&self) -> Result<bool, TlsError> {
        let stamps = (
            modified(&self.files.cert_path),
            modified(&self.files.key_path),
        );
        {
            let current = self.current.read().unwrap_or_else(|p| p.into_inner());
            if (current.1, current.2) == stamps {
                return Ok(false);
            }
        }
        let key = load_key(&self.files)?;
        *self.current.write().unwrap_or_else(|p| p.into_inner()) =
            (Arc::new(key), stamps.0, stamps.1);
        tracing::info!("TLS certificate reloaded");
        Ok(true)
    }

    fn certificate(&self) -> Arc<CertifiedKey> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .0
            .clone()
    }
}

#[derive(Debug)]
struct Resolver(Arc<CertificateStore>);

impl ResolvesServerCert for Resolver {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.0.certificate())
    }
}

/// The rustls server settings: TLS 1.2 and 1.3, HTTP/1.1.
pub fn acceptor(certificates: Arc<CertificateStore>) -> Result<TlsAcceptor, TlsError> {
    let mut config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Mismatch(e.to_string()))?
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(Resolver(certificates)));
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// A listener that yields connections whose TLS handshake is done. Handshakes
/// run in their own tasks so one slow client never holds up the others.
#[derive(Debug)]
pub struct TlsListener {
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
    accepting: tokio::task::JoinHandle<()>,
}

impl TlsListener {
    pub fn new(tcp: TcpListener, acceptor: TlsAcceptor) -> std::io::Result<Self> {
        let local = tcp.local_addr()?;
        let (sender, ready) = mpsc::channel(64);
        let accepting = tokio::spawn(async move {
            loop {
                let (stream, peer) = match tcp.accept().await {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        // Out of file descriptors and the like: wait, do not spin.
                        tracing::warn!(%error, "accepting a connection failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let acceptor = acceptor.clone();
                let sender = sender.clone();
                tokio::spawn(async move {
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                        Ok(Ok(tls)) => {
                            let _ = sender.send((tls, peer)).await;
                        }
                        Ok(Err(error)) => tracing::debug!(%error, "TLS handshake failed"),
                        Err(_) => tracing::debug!("TLS handshake timed out"),
                    }
                });
            }
        });
        Ok(TlsListener {
            ready,
            local,
            accepting,
        })
    }
}

impl Drop for TlsListener {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(connection) => connection,
            // The accepting task ended (the server is stopping): accept nothing more.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.local)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_pair(dir: &Path, name: &str) -> TlsFiles {
        let generated = rcgen::generate_simple_self_signed(vec![name.to_owned()]).unwrap();
        let files = TlsFiles {
            cert_path: dir.join("cert.pem"),
            key_path: dir.join("key.pem"),
        };
        std::fs::write(&files.cert_path, generated.cert.pem()).unwrap();
        std::fs::write(&files.key_path, generated.signing_key.serialize_pem()).unwrap();
        files
    }

    #[test]
    fn a_missing_or_mismatched_key_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let files = write_pair(dir.path(), "localhost");
        let missing = TlsFiles {
            key_path: dir.path().join("nope.pem"),
            ..files.clone()
        };
        assert!(matches!(load_key(&missing), Err(TlsError::Key { .. })));
        let other = rcgen::generate_simple_self_signed(vec!["other".to_owned()]).unwrap();
        std::fs::write(&files.key_path, other.signing_key.serialize_pem()).unwrap();
        assert!(matches!(load_key(&files), Err(TlsError::Mismatch(_))));
        std::fs::write(&files.cert_path, "not a certificate").unwrap();
        assert!(matches!(
            load_key(&files),
            Err(TlsError::Certificate { .. })
        ));
    }

    #[test]
    fn a_renewed_certificate_is_picked_up_and_a_broken_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let files = write_pair(dir.path(), "localhost");
        let store = CertificateStore::load(&files).unwrap();
        let before = store.certificate().cert[0].clone();
        assert!(!store.reload_if_changed().unwrap(), "nothing changed");

        // Make sure the modification time moves even on coarse clocks.
        std::thread::sleep(Duration::from_millis(20));
        write_pair(dir.path(), "localhost");
        let later = SystemTime::now() + Duration::from_secs(5);
        for path in [&files.cert_path, &files.key_path] {
            std::fs::File::options()
                .write(true)
                .open(path)
                .unwrap()
                .set_modified(later)
                .unwrap();
        }
        assert!(store.reload_if_changed().unwrap());
        assert_ne!(store.certificate().cert[0], before);

        let renewed = store.certificate().cert[0].clone();
        std::fs::write(&files.cert_path, "half-written").unwrap();
        assert!(store.reload_if_changed().is_err());
        assert_eq!(
            store.certificate().cert[0],
            renewed,
            "the old one stays in use"
        );
    }
}
