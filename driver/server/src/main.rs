//! `opm-registry`: serve a market store over HTTPS, and manage who may use it.

use clap::{Parser, Subcommand};
use opm_server::access::{Access, Role};
use opm_server::{Config, certs, tls};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "opm-registry",
    version,
    about = "OpenPassMarket's registry server: a market store (registry, ledger) over HTTPS, with tokens or client certificates and roles"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the store until SIGINT or SIGTERM. Prints `listening on URL` once the socket is
    /// bound (with port 0, the port the system chose).
    Serve {
        /// The store's directory (registry.sqlite, ledger.sqlite, access.sqlite and the
        /// documents they name); created when missing.
        #[arg(long, alias = "db", value_name = "DIR")]
        store: PathBuf,
        /// The server's certificate chain (PEM).
        #[arg(long, value_name = "FILE", required_unless_present = "insecure_loopback")]
        cert: Option<PathBuf>,
        /// The server's private key (PEM).
        #[arg(long, value_name = "FILE", required_unless_present = "insecure_loopback")]
        key: Option<PathBuf>,
        /// Require a client certificate issued by this CA (PEM); its common name identifies
        /// the client, its organizational unit is its role (reader, publisher or admin).
        #[arg(long, value_name = "FILE")]
        client_ca: Option<PathBuf>,
        /// The address to listen on.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8443")]
        listen: SocketAddr,
        /// Plain HTTP, without TLS: only on a loopback address (for trying it out).
        #[arg(long, conflicts_with_all = ["cert", "key", "client_ca"])]
        insecure_loopback: bool,
        /// The Ed25519 key that signs the ledger's checkpoints [default: DIR/server.key,
        /// made at the first start].
        #[arg(long, value_name = "FILE")]
        signing_key: Option<PathBuf>,
        /// The largest request body, in bytes.
        #[arg(long, value_name = "BYTES", default_value_t = 4 << 20)]
        body_limit: usize,
        /// Requests per second per client.
        #[arg(long, value_name = "N", default_value_t = 50)]
        rate: u32,
        /// Requests a client may send at once above its rate.
        #[arg(long, value_name = "N", default_value_t = 100)]
        burst: u32,
        /// Each contributor's privacy budget ε over every release of the signals they share
        /// (fixed when the store's signals.sqlite is made).
        #[arg(long, value_name = "EPSILON", default_value_t = 1.0)]
        epsilon: f64,
        /// What one release of a cell's aggregate costs each of its contributors.
        #[arg(long, value_name = "EPSILON", default_value_t = 0.1)]
        release_epsilon: f64,
    },
    /// Bearer tokens: make one (printed once, never stored), revoke one, list them.
    Token {
        #[arg(long, alias = "db", value_name = "DIR", global = true)]
        store: Option<PathBuf>,
        #[command(subcommand)]
        action: TokenAction,
    },
    /// A certificate authority of the registry's own, in DIR (ca.pem, ca.key).
    Ca {
        #[arg(long, value_name = "DIR")]
        dir: PathBuf,
        /// The CA's name.
        #[arg(long, default_value = "opm registry CA")]
        name: String,
    },
    /// A certificate from the registry's CA, written as OUT.pem and OUT.key.
    Cert {
        /// The CA's directory (made by `opm-registry ca`).
        #[arg(long, value_name = "DIR")]
        ca: PathBuf,
        /// Where the certificate and its key go: OUT.pem and OUT.key.
        #[arg(short = 'o', long, value_name = "OUT")]
        out: PathBuf,
        #[command(subcommand)]
        kind: CertKind,
    },
}

#[derive(Subcommand)]
enum TokenAction {
    /// Make a token for NAME with a role; the token is printed once.
    Add {
        name: String,
        #[arg(long, value_parser = ["reader", "publisher", "admin"])]
        role: String,
    },
    /// Revoke NAME's token: it stops working at its next request.
    Revoke {
        name: String,
        #[arg(long)]
        why: String,
    },
    /// The tokens' names, roles and revocations (never the tokens).
    List,
}

#[derive(Subcommand)]
enum CertKind {
    /// A server certificate for these DNS names or IP addresses.
    Server {
        #[arg(required = true)]
        names: Vec<String>,
    },
    /// A client certificate for NAME with a role.
    Client {
        name: String,
        #[arg(long, value_parser = ["reader", "publisher", "admin"])]
        role: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("opm-registry: {message}");
            ExitCode::from(2)
        }
    }
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn role(name: &str) -> Result<Role, String> {
    Role::from_name(name).ok_or_else(|| format!("unknown role `{name}`"))
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Serve {
            store,
            cert,
            key,
            client_ca,
            listen,
            insecure_loopback,
            signing_key,
            body_limit,
            rate,
            burst,
            epsilon,
            release_epsilon,
        } => {
            let tls = match (insecure_loopback, cert, key) {
                (true, _, _) => None,
                (false, Some(cert), Some(key)) => Some(tls::TlsFiles { cert, key, client_ca }),
                _ => return Err("give --cert and --key (or --insecure-loopback)".into()),
            };
            std::fs::create_dir_all(&store).map_err(|e| format!("{}: {e}", store.display()))?;
            let signing_key = match signing_key {
                Some(k) => k,
                None => default_signing_key(&store)?,
            };
            let config = Config {
                store,
                signing_key,
                listen,
                tls,
                body_limit,
                rate,
                burst,
                reload_every: Duration::from_secs(2),
                epsilon,
                release_epsilon,
            };
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("cannot start the runtime: {e}"))?;
            runtime.block_on(async {
                let handle = axum_server::Handle::new();
                let stopper = handle.clone();
                tokio::spawn(async move {
                    stop_signal().await;
                    eprintln!("opm-registry: stopping");
                    stopper.graceful_shutdown(Some(Duration::from_secs(5)));
                });
                opm_server::serve(config, handle).await.map_err(|e| e.to_string())
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Token { store, action } => {
            let store = store.ok_or("give the store with --store DIR")?;
            std::fs::create_dir_all(&store).map_err(|e| format!("{}: {e}", store.display()))?;
            let access = Access::open(&store.join("access.sqlite")).map_err(|e| e.to_string())?;
            match action {
                TokenAction::Add { name, role: r } => {
                    let token = access.add(&name, role(&r)?, now()).map_err(|e| e.to_string())?;
                    println!("{token}");
                }
                TokenAction::Revoke { name, why } => {
                    access.revoke(&name, &why).map_err(|e| e.to_string())?;
                    println!("revoked the token of {name}");
                }
                TokenAction::List => {
                    for t in access.list().map_err(|e| e.to_string())? {
                        let revoked =
                            t.revoked.map(|w| format!("  [revoked: {w}]")).unwrap_or_default();
                        println!("{:<24} {:<10} {}{revoked}", t.name, t.role, t.created);
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Ca { dir, name } => {
            let ca = certs::new_ca(&name).map_err(|e| e.to_string())?;
            let (cert, _) = certs::write(&ca, &dir, "ca").map_err(|e| e.to_string())?;
            println!("{}", cert.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Cert { ca, out, kind } => {
            let authority = certs::read_ca(&ca).map_err(|e| e.to_string())?;
            let issued = match kind {
                CertKind::Server { names } => certs::server_cert(&authority, &names),
                CertKind::Client { name, role: r } => {
                    certs::client_cert(&authority, &name, role(&r)?)
                }
            }
            .map_err(|e| e.to_string())?;
            let dir = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            let stem = out
                .file_name()
                .and_then(|s| s.to_str())
                .ok_or_else(|| format!("{}: not a file name", out.display()))?;
            let (cert, key) = certs::write(&issued, dir, stem).map_err(|e| e.to_string())?;
            println!("{}\n{}", cert.display(), key.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// DIR/server.key, made when missing.
fn default_signing_key(store: &Path) -> Result<PathBuf, String> {
    let path = store.join("server.key");
    if !path.exists() {
        opm_market::keys::generate(&path).map_err(|e| e.to_string())?;
    }
    Ok(path)
}

async fn stop_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = match signal(SignalKind::terminate()) {
        Ok(s) => s,
        Err(_) => return std::future::pending().await,
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
