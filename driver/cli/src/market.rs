//! `opm-driver registry` and `opm-driver ledger`: the market's store on this machine, a
//! directory holding the registry (registry.sqlite), its ledger (ledger.sqlite), and the
//! conformance reports and attestations the ledger's entries name by digest; or, with
//! `--server`, a registry server through opm-client, printed the same way.

use crate::args::{
    ConformanceArgs, LedgerAction, RegistryAction, RegistryArgs, ServerArgs, StoreArgs,
};
use crate::{Failure, key_path, to_text, write_output};
use opm_backend::BackendKind;
use opm_client::{Client, ClientConfig, ClientError};
use opm_engine::Error;
use opm_market::attest::{SigningKey, VerifyingKey};
use opm_market::ledger::{
    Checkpoint, ConsistencyProofDoc, Decision, InclusionProofDoc, Ledger, LedgerError,
    verify_consistency, verify_inclusion,
};
use opm_market::registry::{Kind, Listing, Query, RegistryError, Shown};
use opm_market::store::{Published, Store, StoreError, prefix};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

impl From<RegistryError> for Failure {
    fn from(e: RegistryError) -> Failure {
        let code = match e {
            RegistryError::Open { .. } | RegistryError::Newer { .. } => 2,
            _ => 1,
        };
        Failure::Message { code, message: e.to_string() }
    }
}

impl From<LedgerError> for Failure {
    fn from(e: LedgerError) -> Failure {
        let code = match e {
            LedgerError::Open { .. } | LedgerError::NewerSchema { .. } => 2,
            _ => 1,
        };
        Failure::Message { code, message: e.to_string() }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        match e {
            StoreError::Registry(e) => e.into(),
            StoreError::Ledger(e) => e.into(),
            other => Failure::Message { code: 1, message: other.to_string() },
        }
    }
}

/// A registry server's refusal is a failure of what was asked (exit status 1); a server
/// that cannot be reached or understood, or a client that cannot be set up, exit status 2.
impl From<ClientError> for Failure {
    fn from(e: ClientError) -> Failure {
        let code = match e {
            ClientError::Status { .. } => 1,
            ClientError::Connect { .. } | ClientError::Decode { .. } | ClientError::Config(_) => 2,
        };
        Failure::Message { code, message: e.to_string() }
    }
}

/// The environment variable a registry server's token is read from without `--token`.
const TOKEN_VARIABLE: &str = "OPM_REGISTRY_TOKEN";

/// The client of the server in `--server`, `None` without one.
pub(crate) fn client(args: &ServerArgs) -> Result<Option<Client>, Failure> {
    let Some(url) = &args.server else {
        let given = args.ca.is_some()
            || args.token.is_some()
            || args.client_cert.is_some()
            || args.client_key.is_some();
        if given {
            return Err(Failure::Usage(
                "--ca, --token, --client-cert and --client-key go with --server URL".into(),
            ));
        }
        return Ok(None);
    };
    let token =
        args.token.clone().or_else(|| std::env::var(TOKEN_VARIABLE).ok()).filter(|t| !t.is_empty());
    let identity = match (&args.client_cert, &args.client_key) {
        (Some(cert), Some(key)) => Some((cert.clone(), key.clone())),
        (None, None) => None,
        _ => return Err(Failure::Usage("give --client-cert and --client-key together".into())),
    };
    let config = ClientConfig {
        url: url.clone(),
        ca: args.ca.clone(),
        token,
        identity,
        timeout: opm_client::DEFAULT_TIMEOUT,
    };
    Ok(Some(Client::connect(&config)?))
}

/// The store in `--store`, else the default one.
fn open_store(args: &StoreArgs) -> Result<Store, Failure> {
    let dir = match &args.store {
        Some(d) => d.clone(),
        None => default_store()?,
    };
    Ok(Store::open(&dir)?)
}

/// `$XDG_DATA_HOME/opm/market`, else `~/.local/share/opm/market`.
fn default_store() -> Result<PathBuf, Failure> {
    crate::xdg_dir("XDG_DATA_HOME", ".local/share").map(|d| d.join("opm/market")).ok_or_else(|| {
        Failure::Usage(
            "neither XDG_DATA_HOME nor HOME is set: give the store with --store DIR".into(),
        )
    })
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn signing_key(args: &StoreArgs) -> Result<SigningKey, Failure> {
    Ok(opm_market::keys::read_secret(&key_path(args.key.as_deref())?)?)
}

/// The keys given, else the signing key's public half.
fn trusted(args: &StoreArgs, given: &[String]) -> Result<Vec<VerifyingKey>, Failure> {
    if given.is_empty() {
        return Ok(vec![signing_key(args)?.verifying_key()]);
    }
    let mut keys = Vec::new();
    for k in given {
        keys.push(opm_market::keys::read_public(k)?);
    }
    Ok(keys)
}

fn checkpoint_line(c: &Checkpoint) -> String {
    format!("checkpoint: size {} root {} signed by key {}\n", c.size, c.root, c.key_id)
}

pub(crate) fn run_registry(
    args: &RegistryArgs,
    action: RegistryAction,
) -> Result<ExitCode, Failure> {
    if let Some(client) = client(&args.remote)? {
        if args.local.store.is_some() || args.local.key.is_some() {
            return Err(Failure::Usage(
                "--store and --key are this machine's store and its key; with --server, the \
                 registry server keeps and signs"
                    .into(),
            ));
        }
        return run_remote_registry(&client, action);
    }
    let args = &args.local;
    let store = open_store(args)?;
    match action {
        RegistryAction::Admit { checks } => admit(&store, args, &checks),
        RegistryAction::Publish { attestation, public_key } => {
            publish(&store, args, &attestation, &public_key)
        }
        RegistryAction::Revoke { id, why } => {
            let cp = store.revoke_plan(&id, &why, &signing_key(args)?, now())?;
            write_output(None, &format!("revoked plan {id}\n{}", checkpoint_line(&cp)))?;
            Ok(ExitCode::SUCCESS)
        }
        RegistryAction::RevokeAdapter { name, why } => {
            let cp = store.revoke_adapter(&name, &why, &signing_key(args)?, now())?;
            write_output(None, &format!("revoked adapter {name}\n{}", checkpoint_line(&cp)))?;
            Ok(ExitCode::SUCCESS)
        }
        RegistryAction::AddKey { public_key } => {
            let public = opm_market::keys::read_public(&public_key)?;
            let cp = store.add_key(&public, &signing_key(args)?, now())?;
            write_output(None, &key_added_text(&public, &cp))?;
            Ok(ExitCode::SUCCESS)
        }
        RegistryAction::RevokeKey { key_id, why } => {
            let cp = store.revoke_key(&key_id, &why, &signing_key(args)?, now())?;
            write_output(None, &format!("revoked key {key_id}\n{}", checkpoint_line(&cp)))?;
            Ok(ExitCode::SUCCESS)
        }
        RegistryAction::List { kind, json } => {
            let kind = kind.as_deref().and_then(Kind::from_name);
            listings(&store.registry()?.list(kind)?, json)
        }
        RegistryAction::Show { id, json } => show(store.registry()?.show(&id)?, &id, json),
        RegistryAction::Search { text, adapter, level, improved, all, json } => {
            let query = query(text, adapter, level, improved, all)?;
            listings(&store.registry()?.search(&query)?, json)
        }
    }
}

/// The registry commands through a registry server: what they print is what the local
/// ones print.
fn run_remote_registry(client: &Client, action: RegistryAction) -> Result<ExitCode, Failure> {
    match action {
        RegistryAction::Admit { checks } => admit_remote(client, &checks),
        RegistryAction::Publish { attestation, public_key } => {
            let (envelope, signer) = crate::read_envelope(&attestation, &public_key)?;
            let published = client.publish(&envelope, &signer).map_err(|e| match e {
                ClientError::Status { .. } => {
                    Failure::Message { code: 1, message: format!("{}: {e}", attestation.display()) }
                }
                other => other.into(),
            })?;
            write_output(None, &published_text(&published.into()))?;
            Ok(ExitCode::SUCCESS)
        }
        RegistryAction::Revoke { id, why } => {
            let cp = client.revoke_plan(&id, &why)?;
            write_output(None, &format!("revoked plan {id}\n{}", checkpoint_line(&cp)))?;
            Ok(ExitCode::SUCCESS)
        }
        RegistryAction::RevokeAdapter { name, why } => {
            let cp = client.revoke_adapter(&name, &why)?;
            write_output(None, &format!("revoked adapter {name}\n{}", checkpoint_line(&cp)))?;
            Ok(ExitCode::SUCCESS)
        }
        RegistryAction::AddKey { public_key } => {
            let public = opm_market::keys::read_public(&public_key)?;
            let cp = client.add_key(&public)?;
            write_output(None, &key_added_text(&public, &cp))?;
            Ok(ExitCode::SUCCESS)
        }
        RegistryAction::RevokeKey { key_id, why } => {
            let cp = client.revoke_key(&key_id, &why)?;
            write_output(None, &format!("revoked key {key_id}\n{}", checkpoint_line(&cp)))?;
            Ok(ExitCode::SUCCESS)
        }
        RegistryAction::List { kind, json } => {
            let kind = kind.as_deref().and_then(Kind::from_name);
            listings(&client.list(kind)?, json)
        }
        RegistryAction::Show { id, json } => show(client.show(&id)?, &id, json),
        RegistryAction::Search { text, adapter, level, improved, all, json } => {
            let query = query(text, adapter, level, improved, all)?;
            listings(&client.search(&query)?, json)
        }
    }
}

/// What `registry add-key` prints.
fn key_added_text(public: &VerifyingKey, cp: &Checkpoint) -> String {
    format!("added key {}\n{}", opm_market::attest::key_id(public), checkpoint_line(cp))
}

/// `registry search`'s query; `--level` must name a level.
fn query(
    text: Option<String>,
    adapter: Option<String>,
    level: Option<String>,
    improved: Option<String>,
    all: bool,
) -> Result<Query, Failure> {
    let level = match level {
        Some(l) => {
            Some(serde_json::from_value(serde_json::Value::String(l.clone())).map_err(|_| {
                Failure::Usage(format!(
                    "--level {l}: not a level (module, cgscc, function, loop, loop-mssa, \
                     setting, flag)"
                ))
            })?)
        }
        None => None,
    };
    Ok(Query { text, adapter, level, improved, include_revoked: all })
}

/// `registry show`: the node's contract and edges, or as JSON; exit status 1 when there is
/// none.
fn show(shown: Option<Shown>, id: &str, json: bool) -> Result<ExitCode, Failure> {
    match shown {
        Some(shown) if json => {
            write_output(None, &to_text(&serde_json::to_value(&shown).unwrap_or_default())?)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(shown) => {
            let mut text = serde_json::to_string_pretty(&shown.contract).unwrap_or_default();
            text.insert_str(0, &format!("{} {}\n", shown.kind, shown.id));
            text.push('\n');
            if let Some(why) = &shown.revoked {
                text.push_str(&format!("revoked: {why}\n"));
            }
            for e in &shown.edges {
                text.push_str(&format!(
                    "{} {} {}\n",
                    node_text(&e.from),
                    // The relation as its contract writes it: `belongs-to`, `uses`, …
                    serde_json::to_value(e.relation)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    node_text(&e.to)
                ));
            }
            write_output(None, &text)?;
            Ok(ExitCode::SUCCESS)
        }
        None => Err(Failure::Message { code: 1, message: format!("nothing registered as `{id}`") }),
    }
}

/// A node as `kind id` (`spec llvm/gvn`).
fn node_text(node: &opm_market::Node) -> String {
    let v = serde_json::to_value(node).unwrap_or_default();
    format!("{} {}", v["node"].as_str().unwrap_or("?"), v["id"].as_str().unwrap_or("?"))
}

fn listings(list: &[Listing], json: bool) -> Result<ExitCode, Failure> {
    let text = if json {
        to_text(&serde_json::to_value(list).unwrap_or_default())?
    } else {
        list.iter()
            .map(|l| {
                let revoked =
                    l.revoked.as_ref().map(|w| format!("  [revoked: {w}]")).unwrap_or_default();
                format!("{:<8} {:<40} {}{revoked}\n", l.kind.to_string(), l.id, l.summary)
            })
            .collect()
    };
    write_output(None, &text)?;
    Ok(ExitCode::SUCCESS)
}

/// Conformance, then the registry and the ledger: admitted, or refused with the report.
fn admit(store: &Store, args: &StoreArgs, checks: &ConformanceArgs) -> Result<ExitCode, Failure> {
    let key = signing_key(args)?;
    // Both open before the checks run, so that a store it cannot use fails at once.
    let registry = store.registry()?;
    store.ledger()?;
    let (report, specs) = check_adapter(checks, registry.adapters()?)?;
    let (_, cp) = store.decide_adapter(&report, &specs, &key, now())?;
    admitted(&report, &cp)
}

/// `admit --server`: the checks run here, the registry server decides and records.
fn admit_remote(client: &Client, checks: &ConformanceArgs) -> Result<ExitCode, Failure> {
    // Asked before the checks run, so that a server it cannot use fails at once.
    let adapters = client.adapters()?;
    let (report, specs) = check_adapter(checks, adapters)?;
    let (_, cp) = client.decide_adapter(&report, &specs)?;
    admitted(&report, &cp)
}

/// An adapter's conformance checks, and the specs it lists when it is conformant (none when
/// not). `adapters`: what the registry holds, whose record of this adapter is what it claims.
fn check_adapter(
    checks: &ConformanceArgs,
    adapters: Vec<opm_market::registry::AdapterRecord>,
) -> Result<(opm_market::ConformanceReport, Vec<opm_market::PassSpec>), Failure> {
    let kind = BackendKind::from(checks.backend);
    let backend = opm_engine::backends::open(kind)?;
    let claimed = adapters
        .into_iter()
        .find(|a| a.adapter.name == kind.name() && a.revoked.is_none())
        .map(|a| a.adapter.tools);
    let report = crate::conformance(checks, backend.as_ref(), claimed)?;
    let specs = if report.conformant() {
        let listed = opm_conformance::specs::listed(backend.as_ref())
            .map_err(|message| Failure::Message { code: 1, message })?;
        opm_conformance::specs::registry_specs(&listed)
    } else {
        Vec::new()
    };
    Ok((report, specs))
}

/// What `admit` prints, and its exit status: 1 when the adapter is not conformant.
fn admitted(report: &opm_market::ConformanceReport, cp: &Checkpoint) -> Result<ExitCode, Failure> {
    let mut text = report.render();
    text.push_str(&checkpoint_line(cp));
    write_output(None, &text)?;
    Ok(if report.conformant() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// A signed attestation's plan into the registry: verified, signed by a key the ledger
/// trusts (or the store's own), its specs offered by an admitted adapter.
fn publish(
    store: &Store,
    args: &StoreArgs,
    path: &Path,
    public: &str,
) -> Result<ExitCode, Failure> {
    let key = signing_key(args)?;
    let (envelope, signer) = crate::read_envelope(path, public)?;
    let published = store.publish(&envelope, &signer, &key, now()).map_err(|e| match e {
        StoreError::Rejected(_) | StoreError::Untrusted { .. } | StoreError::BadPlan { .. } => {
            Failure::Message { code: 1, message: format!("{}: {e}", path.display()) }
        }
        other => other.into(),
    })?;
    write_output(None, &published_text(&published))?;
    Ok(ExitCode::SUCCESS)
}

/// What `registry publish` prints, here and through a registry server.
pub(crate) fn published_text(p: &Published) -> String {
    let again = if p.new { "" } else { " (published before; nothing changed)" };
    format!(
        "published plan {} ({}: {}){again}\n{}",
        p.plan.id,
        p.plan.backend.name(),
        p.plan.pipeline,
        checkpoint_line(&p.checkpoint)
    )
}

pub(crate) fn run_ledger(args: &StoreArgs, action: LedgerAction) -> Result<ExitCode, Failure> {
    match action {
        LedgerAction::Show { from, json } => {
            let ledger = open_store(args)?.ledger()?;
            let entries = ledger.entries(from, ledger.size()?)?;
            let latest = ledger.latest_checkpoint()?;
            let text = if json {
                to_text(&serde_json::json!({ "entries": entries, "checkpoint": latest }))?
            } else {
                let mut t: String = entries
                    .iter()
                    .map(|e| {
                        let d = serde_json::to_value(&e.decision).unwrap_or_default();
                        let kind = d["decision"].as_str().unwrap_or("?").to_string();
                        format!("{:>6}  {}  {kind:<16} {}\n", e.index, e.time, summary(&e.decision))
                    })
                    .collect();
                t.push_str(
                    &latest.as_ref().map(checkpoint_line).unwrap_or_else(|| "empty\n".into()),
                );
                t
            };
            write_output(None, &text)?;
            Ok(ExitCode::SUCCESS)
        }
        LedgerAction::Append { decision } => {
            let text = std::fs::read_to_string(&decision).map_err(|e| Error::io(&decision, e))?;
            let d: Decision = serde_json::from_str(&text).map_err(|e| Failure::Message {
                code: 2,
                message: format!("{}: not a decision: {e}", decision.display()),
            })?;
            let key = signing_key(args)?;
            let cp = open_store(args)?.ledger()?.append(&[d], &key, now())?;
            write_output(None, &checkpoint_line(&cp))?;
            Ok(ExitCode::SUCCESS)
        }
        LedgerAction::Verify { public_key } => {
            let keys = trusted(args, &public_key)?;
            let ledger = open_store(args)?.ledger()?;
            let start = Instant::now();
            let report = ledger.verify(&keys)?;
            write_output(
                None,
                &format!(
                    "verified: {} entries, {} checkpoints, root {} ({:.2} s)\n",
                    report.entries,
                    report.checkpoints,
                    report.root,
                    start.elapsed().as_secs_f64()
                ),
            )?;
            Ok(ExitCode::SUCCESS)
        }
        LedgerAction::Prove { index, old_size, size } => {
            let ledger = open_store(args)?.ledger()?;
            let checkpoints = ledger.checkpoints()?;
            let at = |n: u64| {
                checkpoints.iter().find(|c| c.size == n).cloned().ok_or_else(|| Failure::Message {
                    code: 1,
                    message: format!("no checkpoint of size {n} in this ledger"),
                })
            };
            let size = match size {
                Some(s) => s,
                None => ledger.latest_checkpoint()?.map_or(0, |c| c.size),
            };
            let doc = match (index, old_size) {
                (Some(i), _) => serde_json::json!({
                    "inclusion": ledger.prove_inclusion(i, size)?,
                    "checkpoint": at(size)?,
                }),
                (None, Some(old)) => serde_json::json!({
                    "consistency": ledger.prove_consistency(old, size)?,
                    "old": at(old)?,
                    "new": at(size)?,
                }),
                (None, None) => return Err(Failure::Usage("give --index or --old-size".into())),
            };
            write_output(None, &to_text(&doc)?)?;
            Ok(ExitCode::SUCCESS)
        }
        LedgerAction::Check { proof, public_key } => check_proof(&proof, &public_key),
        LedgerAction::Sync { from, remote, public_key } => {
            let keys = trusted(args, &public_key)?;
            let store = open_store(args)?;
            let mut mine = store.ledger()?;
            let start = Instant::now();
            let ours = mine.latest_checkpoint()?.unwrap_or_else(Checkpoint::empty);
            let (bundle, source) = match (from, client(&remote)?) {
                (Some(from), None) => {
                    let other_path = from.join("ledger.sqlite");
                    if !other_path.is_file() {
                        return Err(Failure::Usage(format!(
                            "{}: no ledger there",
                            other_path.display()
                        )));
                    }
                    let source = from.display().to_string();
                    let bundle = Ledger::open(&other_path)?
                        .since(&ours)
                        .map_err(|e| not_extending(&source, e))?;
                    (bundle, source)
                }
                (None, Some(client)) => (server_since(&client, &ours)?, client.url().to_string()),
                _ => return Err(Failure::Usage("give --from DIR or --server URL".into())),
            };
            let appended = mine.receive(&bundle, &keys).map_err(|e| not_extending(&source, e))?;
            write_output(
                None,
                &format!(
                    "appended {appended} entries from {source} ({:.2} s)\n{}",
                    start.elapsed().as_secs_f64(),
                    checkpoint_line(&bundle.checkpoint)
                ),
            )?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A fork, or a tree that does not extend ours, said as such; other errors as they are.
fn not_extending(source: &str, e: LedgerError) -> Failure {
    match e {
        LedgerError::Fork { .. } | LedgerError::Inconsistent { .. } => Failure::Message {
            code: 1,
            message: format!("the ledger of {source} does not extend this one: {e}"),
        },
        other => other.into(),
    }
}

/// What a registry server's ledger holds beyond `ours`. The server refuses with 409 when
/// its tree does not extend ours (a fork, or ours is ahead of it), 404 while it has no
/// checkpoint.
fn server_since(
    client: &Client,
    ours: &Checkpoint,
) -> Result<opm_market::ledger::SyncBundle, Failure> {
    client.since(ours).map_err(|e| match e.status() {
        Some(409) => Failure::Message {
            code: 1,
            message: format!(
                "the ledger of {} does not extend this one (a fork, or this one is ahead): {e}",
                client.url()
            ),
        },
        Some(404) => Failure::Message {
            code: 1,
            message: format!("the ledger of {} has no checkpoint yet: {e}", client.url()),
        },
        _ => e.into(),
    })
}

/// One line about a decision.
fn summary(d: &Decision) -> String {
    match d {
        Decision::AdapterAdmitted { adapter, report_sha256 } => {
            format!("{} (report {})", adapter.name, prefix(report_sha256, 12))
        }
        Decision::AdapterRefused { adapter, failed, .. } => {
            format!("{} (failed {})", adapter.name, failed.join(", "))
        }
        Decision::PlanPublished { plan, .. } => {
            format!("{} {}: {}", plan.id, plan.backend.name(), plan.pipeline)
        }
        Decision::PlanRevoked { plan_id, why } => format!("{plan_id}: {why}"),
        Decision::AdapterRevoked { adapter, why } => format!("{adapter}: {why}"),
        Decision::KeyAdded { key_id, .. } => key_id.clone(),
        Decision::KeyRevoked { key_id, why } => format!("{key_id}: {why}"),
    }
}

/// `ledger check`: a proof from `prove`, verified with no store.
fn check_proof(path: &Path, public: &[String]) -> Result<ExitCode, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let doc: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Failure::Message { code: 2, message: format!("{}: {e}", path.display()) })?;
    let mut keys = Vec::new();
    for k in public {
        keys.push(opm_market::keys::read_public(k)?);
    }
    let read = |field: &str| -> Result<Checkpoint, Failure> {
        let value = doc.get(field).cloned().unwrap_or_default();
        serde_json::from_value(value).map_err(|e| Failure::Message {
            code: 2,
            message: format!("{}: `{field}` is not a checkpoint: {e}", path.display()),
        })
    };
    let malformed = |e: serde_json::Error| Failure::Message {
        code: 2,
        message: format!("{}: {e}", path.display()),
    };
    let outcome: Result<String, LedgerError> = if let Some(inc) = doc.get("inclusion") {
        let proof: InclusionProofDoc = serde_json::from_value(inc.clone()).map_err(malformed)?;
        let cp = read("checkpoint")?;
        cp.verify(&keys).and_then(|()| verify_inclusion(proof.entry.as_bytes(), &proof, &cp)).map(
            |()| {
                format!(
                    "holds: entry {} is in the tree of size {} (root {})\n",
                    proof.index, cp.size, cp.root
                )
            },
        )
    } else if let Some(con) = doc.get("consistency") {
        let proof: ConsistencyProofDoc = serde_json::from_value(con.clone()).map_err(malformed)?;
        let (old, new) = (read("old")?, read("new")?);
        old.verify(&keys)
            .and_then(|()| new.verify(&keys))
            .and_then(|()| verify_consistency(&old, &new, &proof))
            .map(|()| {
                format!(
                    "holds: the tree of size {} extends the tree of size {}\n",
                    new.size, old.size
                )
            })
    } else {
        return Err(Failure::Message {
            code: 2,
            message: format!("{}: neither an inclusion nor a consistency proof", path.display()),
        });
    };
    match outcome {
        Ok(text) => {
            write_output(None, &text)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("opm-driver: {}: does not hold: {e}", path.display());
            Ok(ExitCode::from(1))
        }
    }
}
