//! OpenPassMarket's registry server (`opm-registry serve`): a market store (`opm_market::store`)
//! served over HTTPS with rustls. Clients identify themselves with a bearer token
//! ([`access`]) or a client certificate from the registry's CA ([`certs`]); each has a role
//! (reader, publisher, admin) and a rate limit. The routes are listed in `API.md` beside this
//! crate. The server reaches no compiler: it verifies attestations and serves proofs, and the
//! conformance checks that admit an adapter run on the admin's machine.

pub mod access;
pub mod certs;
mod routes;
pub mod tls;

pub use routes::check_request_body;

use access::Access;
use axum_server::Handle;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use opm_market::aggregate::{Bounds, PoolSettings, Release, SignalPool};
use opm_market::attest::SigningKey;
use opm_market::store::Store;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How to serve.
#[derive(Clone, Debug)]
pub struct Config {
    /// The market store's directory (registry.sqlite, ledger.sqlite, access.sqlite, …).
    pub store: PathBuf,
    /// The key that signs the ledger's checkpoints.
    pub signing_key: PathBuf,
    pub listen: SocketAddr,
    /// `None`: plain HTTP, only on a loopback address.
    pub tls: Option<tls::TlsFiles>,
    /// The largest request body, in bytes.
    pub body_limit: usize,
    /// Requests per second per client, and the burst above it.
    pub rate: u32,
    pub burst: u32,
    /// How often the TLS files are checked for changes.
    pub reload_every: Duration,
    /// Each contributor's privacy budget ε over every release of the shared signals, and
    /// what one release costs.
    pub epsilon: f64,
    pub release_epsilon: f64,
}

/// Why the server cannot start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("{0}")]
    Config(String),
    #[error("cannot listen on {addr}: {source}")]
    Listen { addr: SocketAddr, source: std::io::Error },
}

pub(crate) struct State {
    pub store: Store,
    pub key: SigningKey,
    pub access: std::path::PathBuf,
    pub writes: tokio::sync::Mutex<()>,
    pub limiter: DefaultKeyedRateLimiter<String>,
    pub body_limit: usize,
    pub pool: std::sync::Mutex<SignalPool>,
    pub release_epsilon: f64,
    /// Releases already made, by cell, with the cell's generation when made: asking again
    /// returns the same release (post-processing costs no budget) until someone shares anew.
    pub releases: std::sync::Mutex<ReleaseCache>,
}

/// See [`State::releases`].
#[derive(Default)]
pub(crate) struct ReleaseCache {
    pub generation: std::collections::HashMap<(String, String), u64>,
    pub made: std::collections::HashMap<(String, String), (u64, Release)>,
}

/// Serves until `handle` is told to shut down (or SIGINT/SIGTERM, with `signals`). Prints
/// `listening on URL` on standard output once the socket is bound.
pub async fn serve(config: Config, handle: Handle<SocketAddr>) -> Result<(), ServeError> {
    if config.tls.is_none() && !config.listen.ip().is_loopback() {
        return Err(ServeError::Config(format!(
            "plain HTTP is only for a loopback address, not {}: give --cert and --key",
            config.listen
        )));
    }
    let store = Store::open(&config.store).map_err(|e| ServeError::Config(e.to_string()))?;
    // Open once, so that a store it cannot read fails at the start, not at the first request.
    store.registry().map_err(|e| ServeError::Config(e.to_string()))?;
    store.ledger().map_err(|e| ServeError::Config(e.to_string()))?;
    let access = config.store.join("access.sqlite");
    Access::open(&access).map_err(|e| ServeError::Config(e.to_string()))?;
    let key = opm_market::keys::read_secret(&config.signing_key)
        .map_err(|e| ServeError::Config(e.to_string()))?;
    let settings =
        PoolSettings { epsilon_per_contributor: config.epsilon, bounds: Bounds::DEFAULT };
    let pool = SignalPool::open(&config.store.join("signals.sqlite"), settings)
        .map_err(|e| ServeError::Config(e.to_string()))?;
    if !(config.release_epsilon.is_finite() && config.release_epsilon > 0.0) {
        return Err(ServeError::Config("--release-epsilon must be above 0".into()));
    }
    let rate = NonZeroU32::new(config.rate.max(1)).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(config.burst.max(1)).unwrap_or(NonZeroU32::MIN);
    let state = Arc::new(State {
        store,
        key,
        access,
        writes: tokio::sync::Mutex::new(()),
        limiter: RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst)),
        body_limit: config.body_limit,
        pool: std::sync::Mutex::new(pool),
        release_epsilon: config.release_epsilon,
        releases: std::sync::Mutex::new(ReleaseCache::default()),
    });
    let app = routes::router(state);
    let service = app.into_make_service_with_connect_info::<SocketAddr>();
    let listening = {
        let handle = handle.clone();
        let scheme = if config.tls.is_some() { "https" } else { "http" };
        tokio::spawn(async move {
            if let Some(addr) = handle.listening().await {
                println!("listening on {scheme}://{addr}");
            }
        })
    };
    let result = match &config.tls {
        Some(files) => {
            let rustls = tls::server_config(files).map_err(ServeError::Config)?;
            let rustls = axum_server::tls_rustls::RustlsConfig::from_config(rustls);
            tokio::spawn(reload(files.clone(), rustls.clone(), config.reload_every));
            axum_server::bind_rustls(config.listen, rustls).handle(handle).serve(service).await
        }
        None => axum_server::bind(config.listen).handle(handle).serve(service).await,
    };
    listening.abort();
    result.map_err(|source| ServeError::Listen { addr: config.listen, source })
}

/// Reads the TLS files again when they change (checked every `every`) or on SIGHUP; a
/// configuration that does not load is reported and the current one kept.
async fn reload(
    files: tls::TlsFiles,
    rustls: axum_server::tls_rustls::RustlsConfig,
    every: Duration,
) {
    let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok();
    let mut seen = tls::stamp(&files);
    loop {
        let signalled = async {
            match hangup.as_mut() {
                Some(h) => {
                    h.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        let forced = tokio::select! {
            () = tokio::time::sleep(every) => false,
            () = signalled => true,
        };
        let now = tls::stamp(&files);
        if !forced && now == seen {
            continue;
        }
        seen = now;
        match tls::server_config(&files) {
            Ok(config) => {
                rustls.reload_from_config(config);
                eprintln!("opm-registry: TLS certificate and key loaded again");
            }
            Err(e) => eprintln!("opm-registry: TLS files not loaded again, kept the last: {e}"),
        }
    }
}

/// A server started by [`start`] on a thread of its own: stopped when dropped.
pub struct Running {
    /// `https://127.0.0.1:PORT` (or `http://` without TLS).
    pub url: String,
    handle: Handle<SocketAddr>,
    thread: Option<std::thread::JoinHandle<Result<(), ServeError>>>,
}

impl Running {
    /// Stops the server (connections are closed at once) and waits for its thread.
    pub fn stop(mut self) -> Result<(), ServeError> {
        self.handle.shutdown();
        match self.thread.take().map(std::thread::JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(ServeError::Config("the server's thread panicked".into())),
            None => Ok(()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.handle.shutdown();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Serves `config` on a thread of its own (for tests and benchmarks that need a server in
/// their process), returning once it listens.
pub fn start(config: Config) -> Result<Running, ServeError> {
    let handle = Handle::new();
    let scheme = if config.tls.is_some() { "https" } else { "http" };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| ServeError::Config(format!("cannot start the runtime: {e}")))?;
    let serving = handle.clone();
    let thread = std::thread::spawn(move || runtime.block_on(serve(config, serving)));
    let waiting = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ServeError::Config(format!("cannot start the runtime: {e}")))?;
    let listening = waiting.block_on(async {
        tokio::time::timeout(Duration::from_secs(30), handle.listening()).await.ok().flatten()
    });
    match listening {
        Some(addr) => {
            Ok(Running { url: format!("{scheme}://{addr}"), handle, thread: Some(thread) })
        }
        None => {
            handle.shutdown();
            match thread.join() {
                Ok(Err(e)) => Err(e),
                _ => Err(ServeError::Config("the server did not start listening".into())),
            }
        }
    }
}
