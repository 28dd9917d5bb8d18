//! [`Store`]: a market's store in one directory: the registry (`registry.sqlite`), its
//! governance ledger (`ledger.sqlite`), and the documents the ledger's entries name by digest
//! (`reports/SHA256.json`, `attestations/SHA256.json`). The decisions that change both the
//! registry and the ledger are made here, once, for the command line and the registry server
//! alike. Nothing here reaches a compiler: a plan's pipeline is read by its backend's syntax
//! alone, and the registry checks its specs against what the backend's admitted adapter offers.

use crate::attest::{self, Envelope, SigningKey, Statement, VerifyingKey};
use crate::ledger::{Checkpoint, Decision, Ledger, LedgerError};
use crate::registry::{Registry, RegistryError};
use crate::{ConformanceReport, PassSpec, Plan, ProblemRef};
use opm_backend::{BackendKind, Nest, Pipeline};
use std::path::{Path, PathBuf};

/// Why the store cannot do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// A file of the store cannot be read or written.
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    /// The attestation's signature does not verify with the key given.
    #[error("attestation rejected: {0}")]
    Rejected(String),
    /// The attestation is signed by a key the ledger does not trust.
    #[error(
        "signed by key {key_id}, which this registry does not trust; record a key-added \
         decision for it first"
    )]
    Untrusted { key_id: String },
    /// A key to revoke that the ledger never added (or revoked already).
    #[error("key {key_id} is not a key this registry trusts")]
    UnknownKey { key_id: String },
    /// The attested plan is not its backend's syntax.
    #[error("the plan `{plan}`: {why}")]
    BadPlan { plan: String, why: String },
}

/// What [`Store::publish`] did.
#[derive(Clone, Debug)]
pub struct Published {
    pub plan: Plan,
    /// The SHA-256 of the attestation's file under `attestations/`.
    pub attestation_sha256: String,
    /// False when the same attestation had been published before: nothing was appended.
    pub new: bool,
    /// The ledger's checkpoint after the publication.
    pub checkpoint: Checkpoint,
}

/// A market's store directory.
#[derive(Clone, Debug)]
pub struct Store {
    dir: PathBuf,
}

/// The kinds of documents a store keeps by digest.
pub const DOCUMENTS: [&str; 2] = ["reports", "attestations"];

impl Store {
    /// The store in `dir`, created when missing.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir)
            .map_err(|source| StoreError::Io { path: dir.to_path_buf(), source })?;
        Ok(Store { dir: dir.to_path_buf() })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn registry(&self) -> Result<Registry, StoreError> {
        Ok(Registry::open(&self.dir.join("registry.sqlite"))?)
    }

    pub fn ledger(&self) -> Result<Ledger, StoreError> {
        Ok(Ledger::open(&self.dir.join("ledger.sqlite"))?)
    }

    /// Keeps `text` under `kind/SHA256.json` (written to a temporary file, then renamed, so
    /// that a document is never half there) and returns the digest.
    pub fn keep(&self, kind: &str, text: &str) -> Result<String, StoreError> {
        let digest = attest::sha256_hex(text.as_bytes());
        let dir = self.dir.join(kind);
        let io = |path: &Path, source| StoreError::Io { path: path.to_path_buf(), source };
        std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
        let path = dir.join(format!("{digest}.json"));
        if path.is_file() {
            return Ok(digest);
        }
        let tmp = dir.join(format!(".{digest}.{}.tmp", std::process::id()));
        std::fs::write(&tmp, text).map_err(|e| io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| io(&path, e))?;
        Ok(digest)
    }

    /// A document kept by [`Store::keep`]: `None` when the store has none of that kind and
    /// digest (or `kind` is not one of [`DOCUMENTS`], or `digest` is not 64 hex digits).
    pub fn kept(&self, kind: &str, digest: &str) -> Result<Option<String>, StoreError> {
        let digest_like = digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit());
        if !DOCUMENTS.contains(&kind) || !digest_like {
            return Ok(None);
        }
        let path = self.dir.join(kind).join(format!("{}.json", digest.to_ascii_lowercase()));
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(StoreError::Io { path, source }),
        }
    }

    /// A signed attestation's plan into the registry, and its decision into the ledger.
    /// The envelope must verify with `signer`, and `signer` must be `key`'s public half or a
    /// key the ledger added (and did not revoke since). The plan's id is the first 16 digits
    /// of the attestation's digest; publishing the same attestation again changes nothing.
    pub fn publish(
        &self,
        envelope: &Envelope,
        signer: &VerifyingKey,
        key: &SigningKey,
        now: u64,
    ) -> Result<Published, StoreError> {
        let statement = envelope.verify(signer).map_err(|e| StoreError::Rejected(e.to_string()))?;
        let mut ledger = self.ledger()?;
        let signer_id = attest::key_id(signer);
        if *signer != key.verifying_key() && !plan_signers(&ledger)?.contains(&signer_id) {
            return Err(StoreError::Untrusted { key_id: signer_id });
        }
        let attestation = envelope.to_json();
        let (plan, uses, problem) = plan_of(&statement, &attestation)?;
        let attestation_sha256 = self.keep("attestations", &attestation)?;
        let mut registry = self.registry()?;
        let known = registry.show(&plan.id)?.is_some();
        registry.publish_plan(&plan, &uses, Some(&problem))?;
        if known {
            let checkpoint = ledger.latest_checkpoint()?.unwrap_or_else(Checkpoint::empty);
            return Ok(Published { plan, attestation_sha256, new: false, checkpoint });
        }
        let checkpoint = ledger.append(
            &[Decision::PlanPublished {
                plan: plan.clone(),
                attestation_sha256: attestation_sha256.clone(),
            }],
            key,
            now,
        )?;
        Ok(Published { plan, attestation_sha256, new: true, checkpoint })
    }

    /// Withdraws a published plan, with the reason, in the registry and the ledger.
    pub fn revoke_plan(
        &self,
        id: &str,
        why: &str,
        key: &SigningKey,
        now: u64,
    ) -> Result<Checkpoint, StoreError> {
        let mut ledger = self.ledger()?;
        self.registry()?.revoke_plan(id, why)?;
        Ok(ledger.append(
            &[Decision::PlanRevoked { plan_id: id.to_string(), why: why.to_string() }],
            key,
            now,
        )?)
    }

    /// Withdraws an admitted adapter, with the reason, in the registry and the ledger.
    pub fn revoke_adapter(
        &self,
        name: &str,
        why: &str,
        key: &SigningKey,
        now: u64,
    ) -> Result<Checkpoint, StoreError> {
        let mut ledger = self.ledger()?;
        self.registry()?.revoke_adapter(name, why)?;
        Ok(ledger.append(
            &[Decision::AdapterRevoked { adapter: name.to_string(), why: why.to_string() }],
            key,
            now,
        )?)
    }

    /// Lets `public` sign plans from now on (a key-added decision).
    pub fn add_key(
        &self,
        public: &VerifyingKey,
        key: &SigningKey,
        now: u64,
    ) -> Result<Checkpoint, StoreError> {
        let decision = Decision::KeyAdded {
            key_id: attest::key_id(public),
            public_key: hex::encode(public.as_bytes()),
        };
        Ok(self.ledger()?.append(&[decision], key, now)?)
    }

    /// Stops `key_id` from signing plans (a key-revoked decision); it must have been added.
    pub fn revoke_key(
        &self,
        key_id: &str,
        why: &str,
        key: &SigningKey,
        now: u64,
    ) -> Result<Checkpoint, StoreError> {
        let mut ledger = self.ledger()?;
        if !plan_signers(&ledger)?.iter().any(|k| k == key_id) {
            return Err(StoreError::UnknownKey { key_id: key_id.to_string() });
        }
        let decision = Decision::KeyRevoked { key_id: key_id.to_string(), why: why.to_string() };
        Ok(ledger.append(&[decision], key, now)?)
    }

    /// Records a conformance report's verdict: a conformant adapter is admitted with `specs`
    /// (what it lists), a failing one refused; either way the report is kept and the decision
    /// appended. Returns the decision and the checkpoint.
    pub fn decide_adapter(
        &self,
        report: &ConformanceReport,
        specs: &[PassSpec],
        key: &SigningKey,
        now: u64,
    ) -> Result<(Decision, Checkpoint), StoreError> {
        let mut ledger = self.ledger()?;
        let text = crate::Contract::new(report.clone()).to_json();
        let report_sha256 = self.keep("reports", &text)?;
        let decision = if report.conformant() {
            self.registry()?.admit_adapter(&report.adapter, specs)?;
            Decision::AdapterAdmitted { adapter: report.adapter.clone(), report_sha256 }
        } else {
            Decision::AdapterRefused {
                adapter: report.adapter.clone(),
                report_sha256,
                failed: report.failed(),
            }
        };
        let checkpoint = ledger.append(std::slice::from_ref(&decision), key, now)?;
        Ok((decision, checkpoint))
    }
}

/// The keys the ledger says may sign plans: added, and not revoked since.
pub fn plan_signers(ledger: &Ledger) -> Result<Vec<String>, LedgerError> {
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

/// The plan an attestation states, the keys of the specs it uses (each once, in the order of
/// first use) and the problem it was measured on.
fn plan_of(
    statement: &Statement,
    attestation: &str,
) -> Result<(Plan, Vec<String>, ProblemRef), StoreError> {
    let p = &statement.predicate;
    let pipeline = Pipeline::read(p.backend, &p.plan)
        .map_err(|e| StoreError::BadPlan { plan: p.plan.clone(), why: e.to_string() })?;
    let uses: Vec<String> = pipeline.passes.iter().map(|e| spec_key(p.backend, e)).collect();
    let improved =
        p.baseline.as_ref().map(|b| p.metrics.deltas_from(&b.metrics)).unwrap_or_default();
    let plan = Plan {
        id: prefix(&attest::sha256_hex(attestation.as_bytes()), 16),
        backend: p.backend,
        pipeline: p.plan.clone(),
        // A bucket as `aggregate::bucket` writes it, or nothing: no other text is kept.
        kind_of_program: p.bucket.clone().filter(|b| crate::aggregate::is_bucket(b)),
        improved,
    };
    let digest =
        statement.subject.first().and_then(|s| s.digest.get("sha256").cloned()).unwrap_or_default();
    let problem = ProblemRef {
        id: format!("{}/{}", prefix(&digest, 16), p.objective.name()),
        module_digest: digest,
        objective: p.objective,
    };
    Ok((plan, uses, problem))
}

/// The first `n` characters of `text` (a digest, as a short name; whatever it holds).
pub fn prefix(text: &str, n: usize) -> String {
    text.chars().take(n).collect()
}

/// The key of the spec that a pipeline's element of `backend` uses: `llvm/gvn`,
/// `cranelift/opt_level`, `gcc/-funroll-loops` (for `-fno-unroll-loops` too), `gcc/-falign-loops`
/// (for `-falign-loops=16`), `gcc/--param=max-unroll-times`.
pub fn spec_key(backend: BackendKind, element: &opm_backend::PassSpec) -> String {
    let name = match element.nest {
        Nest::Flag => {
            let option = element.name.as_str();
            let base = match option.strip_prefix("--param=") {
                Some(rest) => format!("--param={}", rest.split('=').next().unwrap_or(rest)),
                None => option.split('=').next().unwrap_or(option).to_string(),
            };
            match base.strip_prefix("-fno-") {
                Some(rest) => format!("-f{rest}"),
                None => base,
            }
        }
        _ => element.name.clone(),
    };
    format!("{}/{name}", backend.name())
}
