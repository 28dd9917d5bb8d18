//! Signed attestations: what a search found, as an in-toto Statement (v1) whose subject is the
//! input module's digest and whose predicate is the plan with what was measured, in a DSSE
//! envelope signed with Ed25519. Verifying one needs the envelope and a public key, nothing
//! else: no compiler, no network.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::Signer;
pub use ed25519_dalek::{SigningKey, VerifyingKey};
use opm_backend::BackendKind;
use opm_search::Objective;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::Digest;
use std::collections::BTreeMap;

/// The DSSE payload type of an in-toto Statement.
pub const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
/// An in-toto Statement's `_type`, version 1.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// The type of opm's predicate: a plan and what it measured.
pub const PREDICATE_TYPE: &str = "urn:opm:predicate:plan:v1";

/// DSSE's pre-authentication encoding of a payload and its type: what is signed.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out =
        format!("DSSEv1 {} {} {} ", payload_type.len(), payload_type, payload.len()).into_bytes();
    out.extend_from_slice(payload);
    out
}

/// A key's id: the SHA-256 of its 32 bytes, in hex.
pub fn key_id(key: &VerifyingKey) -> String {
    sha256_hex(key.as_bytes())
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

/// What the subject is known by.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Subject {
    /// The input file's name as the search was given it.
    pub name: String,
    /// `sha256` of the file's bytes.
    pub digest: BTreeMap<String, String>,
}

/// Run time as measured: every sample, their median and 95% interval, on `clock`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AttestedRuntime {
    pub samples_ns: Vec<u64>,
    pub median_ns: f64,
    pub ci95_ns: (f64, f64),
    /// The clock of the times: CPU or wall (attestations made before it was said: wall).
    #[serde(default)]
    pub clock: opm_search::Clock,
}

/// The metrics a plan produced.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AttestedMetrics {
    /// Instructions of the canonical IR (exact).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instcount: Option<u64>,
    /// `.text` bytes of the object (exact).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<AttestedRuntime>,
}

/// What was found for the subject, and where.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PlanPredicate {
    /// The plan, in its backend's syntax.
    pub plan: String,
    pub backend: BackendKind,
    /// The versions of opm and of the tools the backend drives.
    pub tools: BTreeMap<String, String>,
    /// The target triple.
    pub target: String,
    /// The host's CPU, as the kernel names it.
    pub host_cpu: String,
    pub objective: Objective,
    /// The module's structural hash (`LocalProblem::module_hash`).
    pub module_hash: String,
    /// The arguments the program ran with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub run_args: Vec<String>,
    pub metrics: AttestedMetrics,
    /// The baseline the search compared with (`default<O2>`, `-O2`), measured in the same
    /// search: what the plan improved on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<AttestedBaseline>,
    /// The kind of program the module is: its feature bucket
    /// ([`crate::aggregate::bucket`]), coarse counters only, never a name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket: Option<String>,
}

/// A baseline measured beside the plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AttestedBaseline {
    /// Its name (`O2`).
    pub name: String,
    /// Its pipeline, in the backend's syntax.
    pub plan: String,
    pub metrics: AttestedMetrics,
}

impl AttestedMetrics {
    /// Each metric both have, as a change from `before` to these: `instcount`, `text_bytes`,
    /// `runtime_median_ns` (every one lower-is-better).
    pub fn deltas_from(&self, before: &AttestedMetrics) -> Vec<opm_search::MetricDelta> {
        let pairs = [
            ("instcount", before.instcount.map(|v| v as f64), self.instcount.map(|v| v as f64)),
            ("text_bytes", before.text_bytes.map(|v| v as f64), self.text_bytes.map(|v| v as f64)),
            (
                "runtime_median_ns",
                before.runtime.as_ref().map(|r| r.median_ns),
                self.runtime.as_ref().map(|r| r.median_ns),
            ),
        ];
        pairs
            .into_iter()
            .filter(|(_, b, a)| b.is_some() && a.is_some())
            .map(|(metric, before, after)| opm_search::MetricDelta {
                metric: metric.into(),
                before,
                after,
            })
            .collect()
    }
}

/// An in-toto Statement (v1) with opm's predicate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Statement {
    #[serde(rename = "_type")]
    pub statement_type: String,
    pub subject: Vec<Subject>,
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    pub predicate: PlanPredicate,
}

impl Statement {
    /// The statement that `predicate` holds for the file `name` with bytes `module`.
    pub fn new(name: &str, module: &[u8], predicate: PlanPredicate) -> Statement {
        let digest = sha256_hex(module);
        Statement {
            statement_type: STATEMENT_TYPE.into(),
            subject: vec![Subject {
                name: name.into(),
                digest: [("sha256".to_string(), digest)].into(),
            }],
            predicate_type: PREDICATE_TYPE.into(),
            predicate,
        }
    }

    /// Whether `module` is the subject's file: its SHA-256 is the attested one.
    pub fn is_subject(&self, module: &[u8]) -> bool {
        let digest = sha256_hex(module);
        self.subject.iter().any(|s| s.digest.get("sha256") == Some(&digest))
    }
}

/// One signature of an envelope.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EnvelopeSignature {
    pub keyid: String,
    /// Base64.
    pub sig: String,
}

/// A DSSE envelope.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Envelope {
    /// Base64 of the payload.
    pub payload: String,
    #[serde(rename = "payloadType")]
    pub payload_type: String,
    pub signatures: Vec<EnvelopeSignature>,
}

/// Why an envelope is not a valid attestation.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum AttestError {
    #[error("not a DSSE envelope: {0}")]
    Malformed(String),
    #[error("payload type `{0}`, not `{PAYLOAD_TYPE}`")]
    PayloadType(String),
    #[error("no signature by key {0}")]
    NoSignature(String),
    #[error(
        "the signature by key {0} does not verify: the envelope was changed or signed by another key"
    )]
    BadSignature(String),
    #[error("the payload is not an opm statement: {0}")]
    Statement(String),
}

impl Envelope {
    /// `statement` signed with `key`.
    pub fn sign(statement: &Statement, key: &SigningKey) -> Envelope {
        // A statement holds strings, numbers and maps with string keys: it always serializes.
        let payload = serde_json::to_vec(statement).unwrap_or_default();
        let signature = key.sign(&pae(PAYLOAD_TYPE, &payload));
        Envelope {
            payload: BASE64.encode(&payload),
            payload_type: PAYLOAD_TYPE.into(),
            signatures: vec![EnvelopeSignature {
                keyid: key_id(&key.verifying_key()),
                sig: BASE64.encode(signature.to_bytes()),
            }],
        }
    }

    /// Reads an envelope from JSON text.
    pub fn from_json(text: &str) -> Result<Envelope, AttestError> {
        serde_json::from_str(text).map_err(|e| AttestError::Malformed(e.to_string()))
    }

    /// The envelope as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The statement, once the payload type is in-toto's and `key`'s signature over the
    /// payload verifies (strictly: no malleable signatures).
    pub fn verify(&self, key: &VerifyingKey) -> Result<Statement, AttestError> {
        if self.payload_type != PAYLOAD_TYPE {
            return Err(AttestError::PayloadType(self.payload_type.clone()));
        }
        let id = key_id(key);
        let signature = self
            .signatures
            .iter()
            .find(|s| s.keyid == id)
            .ok_or_else(|| AttestError::NoSignature(id.clone()))?;
        let payload = BASE64
            .decode(&self.payload)
            .map_err(|e| AttestError::Malformed(format!("payload: {e}")))?;
        let bad = || AttestError::BadSignature(id.clone());
        let bytes: [u8; 64] =
            BASE64.decode(&signature.sig).ok().and_then(|b| b.try_into().ok()).ok_or_else(bad)?;
        let sig = ed25519_dalek::Signature::from_bytes(&bytes);
        key.verify_strict(&pae(&self.payload_type, &payload), &sig).map_err(|_| bad())?;
        let statement: Statement =
            serde_json::from_slice(&payload).map_err(|e| AttestError::Statement(e.to_string()))?;
        if statement.statement_type != STATEMENT_TYPE {
            return Err(AttestError::Statement(format!("_type `{}`", statement.statement_type)));
        }
        if statement.predicate_type != PREDICATE_TYPE {
            return Err(AttestError::Statement(format!(
                "predicateType `{}`",
                statement.predicate_type
            )));
        }
        Ok(statement)
    }
}
