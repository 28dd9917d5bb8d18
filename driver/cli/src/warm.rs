//! `optimize --registry URL|DIR`: a search that starts from the plans a registry suggests for
//! programs of the same kind (the feature bucket of `opm_market::aggregate::bucket`), and
//! `--publish`, which gives the winner back: its signed attestation and, to a server, its
//! ratio against the baseline as a privacy-budgeted signal. Only the bucket, the plan and the
//! ratio leave the machine; never IR or a name.

use crate::args::{ServerArgs, WarmArgs};
use crate::market::{client, published_text};
use opm_backend::BackendKind;
use opm_client::{Client, ClientError};
use opm_engine::Input;
use opm_market::attest::{Envelope, SigningKey, Statement};
use opm_market::registry::metric_named;
use opm_market::store::{Store, StoreError};
use opm_search::Objective;
use std::path::{Path, PathBuf};

use crate::Failure;

/// Where the suggestions come from and the results go.
enum Source {
    Server(Client),
    Store(Store),
}

/// A warm start's registry and the program's kind.
pub(crate) struct Warm {
    source: Source,
    /// The registry as the user named it.
    label: String,
    /// The program's feature bucket.
    pub(crate) bucket: String,
    limit: usize,
}

/// Whether `registry` names a server rather than a store directory.
fn is_url(registry: &str) -> bool {
    registry.starts_with("https://") || registry.starts_with("http://")
}

/// The feature bucket of `module`: what kind of program it is, and nothing more.
pub(crate) fn bucket_of(module: &opm_ir::Module) -> String {
    let features = module.features();
    opm_market::aggregate::bucket(|name| features.get(name))
}

impl Warm {
    /// The registry of `--registry`, `None` without one. Checked before the search starts.
    pub(crate) fn open(args: &WarmArgs, file: &Path) -> Result<Option<Warm>, Failure> {
        let Some(registry) = &args.registry else {
            return Ok(None);
        };
        let source = if is_url(registry) {
            let server = ServerArgs {
                server: Some(registry.clone()),
                ca: args.ca.clone(),
                token: args.token.clone(),
                client_cert: args.client_cert.clone(),
                client_key: args.client_key.clone(),
            };
            match client(&server)? {
                Some(c) => Source::Server(c),
                None => return Ok(None),
            }
        } else {
            if args.ca.is_some() || args.token.is_some() || args.client_cert.is_some() {
                return Err(Failure::Usage(
                    "--ca, --token, --client-cert and --client-key go with a registry server \
                     (--registry https://HOST:PORT), not a store directory"
                        .into(),
                ));
            }
            let dir = PathBuf::from(registry);
            if !dir.join("registry.sqlite").is_file() {
                return Err(Failure::Usage(format!(
                    "--registry {registry}: not a registry server's URL, nor a store directory \
                     (no registry.sqlite in it)"
                )));
            }
            Source::Store(Store::open(&dir)?)
        };
        Ok(Some(Warm {
            source,
            label: registry.clone(),
            bucket: bucket_of(&Input::load(file)?.module),
            limit: args.suggestions,
        }))
    }

    /// The pipelines to evaluate first, best first, with a note on standard error of where
    /// they came from.
    pub(crate) fn plans(
        &self,
        backend: BackendKind,
        objective: Objective,
    ) -> Result<Vec<String>, Failure> {
        let (plans, how) = match &self.source {
            Source::Server(c) => {
                let found = c.suggestions(&self.bucket, self.limit)?;
                let plans: Vec<String> = found
                    .plans
                    .into_iter()
                    .filter(|p| p.backend == backend)
                    .map(|p| p.pipeline)
                    .collect();
                let withheld = match found.withheld {
                    0 => String::new(),
                    n => format!("; {n} withheld, their contributors' privacy budget spent"),
                };
                (plans, format!("by their noisy mean ratio{withheld}"))
            }
            Source::Store(store) => {
                let metric = metric_named(objective.name());
                let found = store.registry()?.suggest(&self.bucket, backend, metric, self.limit)?;
                let same = found.iter().filter(|s| s.same_kind).count();
                let plans = found.into_iter().map(|s| s.plan.pipeline).collect();
                (
                    plans,
                    format!("{same} measured on programs of this kind, then the best of others"),
                )
            }
        };
        eprintln!(
            "opm-driver: warm start: {} plan{} from {} for programs of kind {} ({how})",
            plans.len(),
            if plans.len() == 1 { "" } else { "s" },
            self.label,
            self.bucket
        );
        Ok(plans)
    }

    /// Publishes the winner's attestation and, to a server, shares its ratio against its
    /// baseline (the objective's metric, as attested) for this program's bucket.
    pub(crate) fn publish(
        &self,
        envelope: &Envelope,
        statement: &Statement,
        key: &SigningKey,
    ) -> Result<(), Failure> {
        let signer = key.verifying_key();
        let refused = |e: String| Failure::Message {
            code: 1,
            message: format!("--publish to {}: {e}", self.label),
        };
        match &self.source {
            Source::Store(store) => {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs());
                let published =
                    store.publish(envelope, &signer, key, now).map_err(|e| match e {
                        StoreError::Rejected(_)
                        | StoreError::Untrusted { .. }
                        | StoreError::BadPlan { .. } => refused(e.to_string()),
                        other => other.into(),
                    })?;
                eprint!("opm-driver: {}", published_text(&published));
            }
            Source::Server(c) => {
                let status = |e: ClientError| match e {
                    ClientError::Status { .. } => refused(e.to_string()),
                    other => other.into(),
                };
                let published = c.publish(envelope, &signer).map_err(status)?;
                eprint!("opm-driver: {}", published_text(&published.clone().into()));
                let Some(ratio) = attested_ratio(statement) else {
                    eprintln!(
                        "opm-driver: note: no ratio against a baseline was measured; no signal \
                         shared"
                    );
                    return Ok(());
                };
                c.share(&self.bucket, &published.plan.id, ratio).map_err(status)?;
                eprintln!(
                    "opm-driver: shared its ratio {ratio:.4} against {} for programs of kind {}",
                    statement.predicate.baseline.as_ref().map_or("the baseline", |b| &b.name),
                    self.bucket
                );
            }
        }
        Ok(())
    }
}

/// The attested plan's objective metric over its baseline's.
fn attested_ratio(statement: &Statement) -> Option<f64> {
    let p = &statement.predicate;
    let metric = metric_named(p.objective.name());
    let baseline = p.baseline.as_ref()?;
    let delta =
        p.metrics.deltas_from(&baseline.metrics).into_iter().find(|d| d.metric == metric)?;
    let ratio = delta.after? / delta.before?;
    (ratio.is_finite() && ratio > 0.0).then_some(ratio)
}
