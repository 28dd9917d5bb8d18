//! `opm-driver registry` and `opm-driver ledger`: the market's store on this machine, a
//! directory holding the registry (registry.sqlite), its ledger (ledger.sqlite), and the
//! conformance reports and attestations the ledger's entries name by digest.

use crate::args::{ConformanceArgs, LedgerAction, RegistryAction, StoreArgs};
use crate::{Failure, key_path, to_text, write_output};
use opm_backend::BackendKind;
use opm_engine::Error;
use opm_market::attest::{SigningKey, VerifyingKey, key_id};
use opm_market::ledger::{
    Checkpoint, ConsistencyProofDoc, Decision, InclusionProofDoc, Ledger, LedgerError,
    verify_consistency, verify_inclusion,
};
use opm_market::registry::{Kind, Listing, Query, Registry, RegistryError};
use opm_market::{Plan, ProblemRef};
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

/// The store's directory and what it holds.
struct Store {
    dir: PathBuf,
}

impl Store {
    fn open(args: &StoreArgs) -> Result<Store, Failure> {
        let dir = match &args.store {
            Some(d) => d.clone(),
            None => default_store()?,
        };
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(Store { dir })
    }

    fn registry(&self) -> Result<Registry, Failure> {
        Ok(Registry::open(&self.dir.join("registry.sqlite"))?)
    }

    fn ledger(&self) -> Result<Ledger, Failure> {
        Ok(Ledger::open(&self.dir.join("ledger.sqlite"))?)
    }

    /// Keeps `text` under `kind/SHA256.json` and returns the digest.
    fn keep(&self, kind: &str, text: &str) -> Result<String, Failure> {
        let digest = opm_market::attest::sha256_hex(text.as_bytes());
        let dir = self.dir.join(kind);
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let path = dir.join(format!("{digest}.json"));
        std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
        Ok(digest)
    }
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

pub(crate) fn run_registry(args: &StoreArgs, action: RegistryAction) -> Result<ExitCode, Failure> {
    let store = Store::open(args)?;
    match action {
        RegistryAction::Admit { checks } => admit(&store, args, &checks),
        RegistryAction::Publish { attestation, public_key } => {
            publish(&store, args, &attestation, &public_key)
        }
        RegistryAction::Revoke { id, why } => {
            let key = signing_key(args)?;
            store.registry()?.revoke_plan(&id, &why)?;
            let cp = store.ledger()?.append(
                &[Decision::PlanRevoked { plan_id: id.clone(), why }],
                &key,
                now(),
            )?;
            write_output(None, &format!("revoked plan {id}\n{}", checkpoint_line(&cp)))?;
            Ok(ExitCode::SUCCESS)
        }
        RegistryAction::List { kind, json } => {
            let kind = kind.as_deref().and_then(Kind::from_name);
            listings(&store.registry()?.list(kind)?, json)
        }
        RegistryAction::Show { id, json } => match store.registry()?.show(&id)? {
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
            None => {
                Err(Failure::Message { code: 1, message: format!("nothing registered as `{id}`") })
            }
        },
        RegistryAction::Search { text, adapter, level, improved, all, json } => {
            let level = match level {
                Some(l) => Some(serde_json::from_value(serde_json::Value::String(l.clone())).map_err(
                    |_| Failure::Usage(format!("--level {l}: not a level (module, cgscc, function, loop, loop-mssa, setting, flag)")),
                )?),
                None => None,
            };
            let query = Query { text, adapter, level, improved, include_revoked: all };
            listings(&store.registry()?.search(&query)?, json)
        }
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
    let mut registry = store.registry()?;
    let mut ledger = store.ledger()?;
    let kind = BackendKind::from(checks.backend);
    let backend = opm_engine::backends::open(kind)?;
    // What the registry holds of this adapter is what it claims.
    let claimed = registry
        .adapters()?
        .into_iter()
        .find(|a| a.adapter.name == kind.name() && a.revoked.is_none())
        .map(|a| a.adapter.tools);
    let report = crate::conformance(checks, backend.as_ref(), claimed)?;
    let report_sha256 =
        store.keep("reports", &opm_market::Contract::new(report.clone()).to_json())?;
    let mut text = report.render();
    let decision = if report.conformant() {
        let listed = opm_conformance::specs::listed(backend.as_ref())
            .map_err(|message| Failure::Message { code: 1, message })?;
        registry
            .admit_adapter(&report.adapter, &opm_conformance::specs::registry_specs(&listed))?;
        Decision::AdapterAdmitted { adapter: report.adapter.clone(), report_sha256 }
    } else {
        Decision::AdapterRefused {
            adapter: report.adapter.clone(),
            report_sha256,
            failed: report.failed(),
        }
    };
    let cp = ledger.append(&[decision], &key, now())?;
    text.push_str(&checkpoint_line(&cp));
    write_output(None, &text)?;
    Ok(if report.conformant() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// The keys the ledger says may sign plans: added, and not revoked since.
fn plan_signers(ledger: &Ledger) -> Result<Vec<String>, Failure> {
    let mut keys = Vec::new();
    for e in ledger.entries(0, ledger.size()?)? {
        match e.decision {
            Decision::KeyAdded { key_id, .. } => keys.push(key_id),
            Decision::KeyRevoked { key_id, .. } => keys.retain(|k| *k != key_id),
            _ => {}
        }
    }
    Ok(keys)
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
    let statement = envelope.verify(&signer).map_err(|e| Failure::Message {
        code: 1,
        message: format!("{}: rejected: {e}", path.display()),
    })?;
    let mut ledger = store.ledger()?;
    let signer_id = key_id(&signer);
    if signer != key.verifying_key() && !plan_signers(&ledger)?.contains(&signer_id) {
        return Err(Failure::Message {
            code: 1,
            message: format!(
                "{}: signed by key {signer_id}, which this registry does not trust; record a \
                 key-added decision for it first (opm-driver ledger append)",
                path.display()
            ),
        });
    }
    let p = &statement.predicate;
    let backend = opm_engine::backends::open(p.backend)?;
    let pipeline = backend.parse_pipeline(&p.plan).map_err(|e| Failure::Message {
        code: 1,
        message: format!("the plan `{}`: {e}", p.plan),
    })?;
    // The registry keeps each spec once, in the order of first use.
    let uses: Vec<String> =
        pipeline.passes.iter().map(|e| opm_conformance::specs::spec_key(p.backend, e)).collect();
    let attestation_text = envelope.to_json();
    let attestation_sha256 = store.keep("attestations", &attestation_text)?;
    let improved =
        p.baseline.as_ref().map(|b| p.metrics.deltas_from(&b.metrics)).unwrap_or_default();
    let plan = Plan {
        id: prefix(&attestation_sha256, 16),
        backend: p.backend,
        pipeline: p.plan.clone(),
        kind_of_program: None,
        improved,
    };
    let digest =
        statement.subject.first().and_then(|s| s.digest.get("sha256").cloned()).unwrap_or_default();
    let problem = ProblemRef {
        id: format!("{}/{}", prefix(&digest, 16), p.objective.name()),
        module_digest: digest,
        objective: p.objective,
    };
    store.registry()?.publish_plan(&plan, &uses, Some(&problem))?;
    let cp = ledger.append(
        &[Decision::PlanPublished { plan: plan.clone(), attestation_sha256 }],
        &key,
        now(),
    )?;
    write_output(
        None,
        &format!(
            "published plan {} ({}: {})\n{}",
            plan.id,
            p.backend.name(),
            p.plan,
            checkpoint_line(&cp)
        ),
    )?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn run_ledger(args: &StoreArgs, action: LedgerAction) -> Result<ExitCode, Failure> {
    match action {
        LedgerAction::Show { from, json } => {
            let ledger = Store::open(args)?.ledger()?;
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
            let cp = Store::open(args)?.ledger()?.append(&[d], &key, now())?;
            write_output(None, &checkpoint_line(&cp))?;
            Ok(ExitCode::SUCCESS)
        }
        LedgerAction::Verify { public_key } => {
            let keys = trusted(args, &public_key)?;
            let ledger = Store::open(args)?.ledger()?;
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
            let ledger = Store::open(args)?.ledger()?;
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
        LedgerAction::Sync { from, public_key } => {
            let keys = trusted(args, &public_key)?;
            let store = Store::open(args)?;
            let mut mine = store.ledger()?;
            let other_path = from.join("ledger.sqlite");
            if !other_path.is_file() {
                return Err(Failure::Usage(format!("{}: no ledger there", other_path.display())));
            }
            let other = Ledger::open(&other_path)?;
            let start = Instant::now();
            let ours = mine.latest_checkpoint()?.unwrap_or_else(Checkpoint::empty);
            let bundle = other.since(&ours)?;
            let appended = mine.receive(&bundle, &keys)?;
            write_output(
                None,
                &format!(
                    "appended {appended} entries from {} ({:.2} s)\n{}",
                    from.display(),
                    start.elapsed().as_secs_f64(),
                    checkpoint_line(&bundle.checkpoint)
                ),
            )?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The first `n` characters of `text` (a digest, as a short name; whatever it holds).
fn prefix(text: &str, n: usize) -> String {
    text.chars().take(n).collect()
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
