//! The registry server under load: `--clients 32` concurrent clients for `--seconds 10`,
//! half publishing signed attestations (each a new plan, each a ledger entry), half reading
//! (a listing, a plan shown, the latest checkpoint), over HTTPS with bearer tokens, against
//! `opm-registry serve` on 127.0.0.1. Beside it, in the same run, the same operations by as
//! many threads on a store of the same content through the library (`opm_market::store`):
//! what the server adds (TLS, HTTP, authentication, JSON) is the ratio of the two. Prints, per
//! side and operation, how many were done, p50 and p99 latency and operations per second;
//! then checks that every acknowledged publication is in the ledger once and that the ledger
//! verifies.
//!
//! `cargo build --release -p opm-server && cargo run --release -p opm-bench --bin
//! registry-load [-- --clients 32 --seconds 10]`

use anyhow::{Context, bail};
use clap::Parser;
use opm_client::{Client, ClientConfig};
use opm_market::attest::{Envelope, PlanPredicate, SigningKey, Statement};
use opm_market::ledger::{Decision, Ledger};
use opm_market::registry::Registry;
use opm_market::store::Store;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(about = "The registry server's latency and throughput under concurrent clients")]
struct Args {
    #[arg(long, default_value_t = 32)]
    clients: usize,
    #[arg(long, default_value_t = 10)]
    seconds: u64,
}

/// The `opm-registry` binary: `OPM_REGISTRY`, else the workspace's release build.
fn registry_binary() -> anyhow::Result<PathBuf> {
    let path = match std::env::var_os("OPM_REGISTRY") {
        Some(p) => PathBuf::from(p),
        None => opm_bench::target_dir().join("release").join("opm-registry"),
    };
    if !path.is_file() {
        bail!("{} not found: build it with `cargo build --release -p opm-server`", path.display());
    }
    Ok(path)
}

/// A store with the LLVM adapter admitted (two passes offered) and `signer` trusted.
fn prepare(store: &Path, signer: &SigningKey, registry_key: &SigningKey) -> anyhow::Result<()> {
    let mut registry = Registry::open(&store.join("registry.sqlite"))?;
    let adapter = serde_json::from_value(serde_json::json!({
        "name": "llvm", "backend": "llvm", "version": "0.1.0",
        "tools": { "llvm": "22.1.8" }, "target": "x86_64-pc-linux-gnu"
    }))?;
    let specs: Vec<opm_market::PassSpec> = ["instcombine", "simplifycfg"]
        .iter()
        .map(|n| {
            serde_json::from_value(serde_json::json!({
                "adapter": "llvm", "name": n, "nest": "function", "may_change": []
            }))
        })
        .collect::<Result<_, _>>()?;
    registry.admit_adapter(&adapter, &specs)?;
    Store::open(store)?.add_key(&signer.verifying_key(), registry_key, 0)?;
    Ok(())
}

/// The `n`th attestation of one client: a statement of its own (its module differs), so a
/// plan of its own.
fn attestation(signer: &SigningKey, client: usize, n: usize) -> anyhow::Result<Envelope> {
    let predicate: PlanPredicate = serde_json::from_value(serde_json::json!({
        "backend": "llvm", "plan": "function(instcombine,simplifycfg)", "objective": "instcount",
        "metrics": { "instcount": 90 }, "tools": { "llvm": "22.1.8", "opm": "0.1.0" },
        "target": "x86_64-pc-linux-gnu", "host_cpu": "x86-64", "module_hash": "00"
    }))?;
    let module = format!("; client {client} module {n}\n");
    Ok(Envelope::sign(&Statement::new("prog.ll", module.as_bytes(), predicate), signer))
}

/// Latencies of one operation, in seconds.
#[derive(Default)]
struct Samples(Vec<f64>);

impl Samples {
    fn quantile(&self, q: f64) -> f64 {
        let mut v = self.0.clone();
        v.sort_by(f64::total_cmp);
        if v.is_empty() {
            return f64::NAN;
        }
        v[((v.len() - 1) as f64 * q).round() as usize]
    }
}

/// What the clients of one side did: per operation, its latencies; and the plans published.
struct Side {
    ops: Vec<(&'static str, Samples)>,
    published: Vec<String>,
    wall: f64,
}

/// One client's work: publish (even clients) or read (odd), until `until`.
trait Target: Send + Sync {
    fn publish(&self, envelope: &Envelope, signer: &SigningKey) -> anyhow::Result<String>;
    fn read(&self, plan: Option<&str>) -> anyhow::Result<()>;
}

struct Remote(Client);

impl Target for Remote {
    fn publish(&self, envelope: &Envelope, signer: &SigningKey) -> anyhow::Result<String> {
        Ok(self.0.publish(envelope, &signer.verifying_key())?.plan.id)
    }
    fn read(&self, plan: Option<&str>) -> anyhow::Result<()> {
        self.0.list(Some(opm_market::registry::Kind::Adapter))?;
        if let Some(p) = plan {
            self.0.show(p)?;
        }
        self.0.checkpoint()?;
        Ok(())
    }
}

struct Local {
    store: Store,
    key: SigningKey,
    writes: std::sync::Mutex<()>,
}

impl Target for Local {
    fn publish(&self, envelope: &Envelope, signer: &SigningKey) -> anyhow::Result<String> {
        let _w = self.writes.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
        Ok(self.store.publish(envelope, &signer.verifying_key(), &self.key, 0)?.plan.id)
    }
    fn read(&self, plan: Option<&str>) -> anyhow::Result<()> {
        let registry = self.store.registry()?;
        registry.list(Some(opm_market::registry::Kind::Adapter))?;
        if let Some(p) = plan {
            registry.show(p)?;
        }
        self.store.ledger()?.latest_checkpoint()?;
        Ok(())
    }
}

fn drive(targets: Vec<Arc<dyn Target>>, signer: &SigningKey, seconds: u64) -> anyhow::Result<Side> {
    let start = Instant::now();
    let until = start + Duration::from_secs(seconds);
    let mut handles = Vec::new();
    for (i, target) in targets.into_iter().enumerate() {
        let signer = signer.clone();
        handles.push(std::thread::spawn(
            move || -> anyhow::Result<(Samples, Samples, Vec<String>)> {
                let (mut writes, mut reads, mut published) =
                    (Samples::default(), Samples::default(), Vec::new());
                let mut n = 0;
                while Instant::now() < until {
                    if i % 2 == 0 {
                        let envelope = attestation(&signer, i, n)?;
                        n += 1;
                        let t = Instant::now();
                        published.push(target.publish(&envelope, &signer)?);
                        writes.0.push(t.elapsed().as_secs_f64());
                    } else {
                        let t = Instant::now();
                        target.read(None)?;
                        reads.0.push(t.elapsed().as_secs_f64());
                    }
                }
                Ok((writes, reads, published))
            },
        ));
    }
    let (mut writes, mut reads, mut published) =
        (Samples::default(), Samples::default(), Vec::new());
    for h in handles {
        let (w, r, p) = h.join().map_err(|_| anyhow::anyhow!("a client thread panicked"))??;
        writes.0.extend(w.0);
        reads.0.extend(r.0);
        published.extend(p);
    }
    Ok(Side {
        ops: vec![("publish", writes), ("read", reads)],
        published,
        wall: start.elapsed().as_secs_f64(),
    })
}

fn check_ledger(store: &Path, key: &SigningKey, published: &[String]) -> anyhow::Result<()> {
    let ledger = Ledger::open(&store.join("ledger.sqlite"))?;
    ledger.verify(&[key.verifying_key()])?;
    let mut in_ledger: Vec<String> = ledger
        .entries(0, ledger.size()?)?
        .into_iter()
        .filter_map(|e| match e.decision {
            Decision::PlanPublished { plan, .. } => Some(plan.id),
            _ => None,
        })
        .collect();
    in_ledger.sort();
    let mut acknowledged = published.to_vec();
    acknowledged.sort();
    if in_ledger != acknowledged {
        bail!(
            "{}: {} publications acknowledged, {} in the ledger",
            store.display(),
            acknowledged.len(),
            in_ledger.len()
        );
    }
    println!("{}: ledger verifies; {} publications, each once", store.display(), in_ledger.len());
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let binary = registry_binary()?;
    let tmp = tempfile::tempdir()?;
    let key_of = |seed: u8| SigningKey::from_bytes(&[seed; 32]);
    let signer = key_of(7);
    let key_file = tmp.path().join("registry.key");
    let registry_key = opm_market::keys::generate(&key_file)?;

    // Certificates and the two stores.
    let ca = opm_server::certs::new_ca("load CA")?;
    let pki = tmp.path().join("pki");
    opm_server::certs::write(&ca, &pki, "ca")?;
    let server_cert = opm_server::certs::server_cert(&ca, &["127.0.0.1".to_string()])?;
    let (cert, key) = opm_server::certs::write(&server_cert, &pki, "server")?;
    let remote_store = tmp.path().join("remote");
    let local_store = tmp.path().join("local");
    prepare(&remote_store, &signer, &registry_key)?;
    prepare(&local_store, &signer, &registry_key)?;
    let token = |name: &str, role: &str| -> anyhow::Result<String> {
        let out = Command::new(&binary)
            .args(["token", "add", name, "--role", role, "--store"])
            .arg(&remote_store)
            .output()?;
        if !out.status.success() {
            bail!("token add: {}", String::from_utf8_lossy(&out.stderr));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let publisher = token("load-publisher", "publisher")?;
    let reader = token("load-reader", "reader")?;

    let mut child = Command::new(&binary)
        .args(["serve", "--listen", "127.0.0.1:0", "--rate", "1000000", "--burst", "1000000"])
        .arg("--store")
        .arg(&remote_store)
        .arg("--cert")
        .arg(&cert)
        .arg("--key")
        .arg(&key)
        .arg("--signing-key")
        .arg(&key_file)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("starting opm-registry")?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().context("stdout")?).read_line(&mut line)?;
    let url = line.trim().strip_prefix("listening on ").context("no listening line")?.to_string();
    println!("opm-registry at {url}; {} clients, {} s per side", args.clients, args.seconds);

    let remote: Vec<Arc<dyn Target>> = (0..args.clients)
        .map(|i| -> anyhow::Result<Arc<dyn Target>> {
            let mut config = ClientConfig::new(url.clone());
            config.ca = Some(pki.join("ca.pem"));
            config.token = Some(if i % 2 == 0 { publisher.clone() } else { reader.clone() });
            Ok(Arc::new(Remote(Client::connect(&config)?)))
        })
        .collect::<Result<_, _>>()?;
    let server_side = drive(remote, &signer, args.seconds);
    let _ = child.kill();
    let _ = child.wait();
    let server_side = server_side?;
    let local = Arc::new(Local {
        store: Store::open(&local_store)?,
        key: registry_key.clone(),
        writes: std::sync::Mutex::new(()),
    });
    let local_side = drive(
        (0..args.clients).map(|_| local.clone() as Arc<dyn Target>).collect(),
        &signer,
        args.seconds,
    )?;

    println!("\n| side | operation | done | per s | p50 ms | p99 ms |");
    println!("|---|---|---:|---:|---:|---:|");
    for (name, side) in [("server (HTTPS)", &server_side), ("library", &local_side)] {
        for (op, s) in &side.ops {
            println!(
                "| {name} | {op} | {} | {:.0} | {:.2} | {:.2} |",
                s.0.len(),
                s.0.len() as f64 / side.wall,
                s.quantile(0.5) * 1e3,
                s.quantile(0.99) * 1e3
            );
        }
    }
    for (op, i) in [("publish", 0), ("read", 1)] {
        let (s, l) = (&server_side.ops[i].1, &local_side.ops[i].1);
        println!(
            "{op}: server/library p50 latency {:.2}, throughput {:.2}",
            s.quantile(0.5) / l.quantile(0.5),
            (s.0.len() as f64 / server_side.wall) / (l.0.len() as f64 / local_side.wall)
        );
    }
    check_ledger(&remote_store, &registry_key, &server_side.published)?;
    check_ledger(&local_store, &registry_key, &local_side.published)?;
    Ok(())
}
