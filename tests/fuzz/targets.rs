//! The bodies of the fuzz targets: what opm itself parses from users and peers. Each takes
//! arbitrary bytes and may panic only when a property opm promises fails (a panic anywhere
//! below is a finding). Shared by the `cargo fuzz` project beside this file (one binary per
//! target in `fuzz_targets/`) and by `tests/reliability.rs`, which runs a seeded sample of
//! mutants of `seeds/<target>/` through every target in the test suite.

use opm_backend::BackendKind;
use std::sync::OnceLock;

/// A target's body.
pub type Target = fn(&[u8]);

/// Every target, by name.
pub const TARGETS: [(&str, Target); 8] = [
    ("pipeline_llvm", pipeline_llvm),
    ("pipeline_cranelift", pipeline_cranelift),
    ("pipeline_gcc", pipeline_gcc),
    ("signals", signals),
    ("manifest", manifest),
    ("attestation", attestation),
    ("ledger_proof", ledger_proof),
    ("registry_request", registry_request),
];

/// The public key of `seeds/`' attestations and ledger proofs.
pub const SEED_KEY: &str = "3ad604a694f25608a51847d9ed66de1aa2dd9642038d5677d150f2a712c9cb09";

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

fn backend(kind: BackendKind) -> Option<&'static dyn opm_backend::Backend> {
    static BACKENDS: OnceLock<Vec<Box<dyn opm_backend::Backend>>> = OnceLock::new();
    let all = BACKENDS.get_or_init(|| {
        [BackendKind::Llvm, BackendKind::Cranelift, BackendKind::Gcc]
            .into_iter()
            .filter_map(|k| opm_engine::backends::open(k).ok())
            .collect()
    });
    all.iter().find(|b| b.kind() == kind).map(|b| b.as_ref())
}

/// A pipeline that parses prints as text that parses to the same pipeline.
fn pipeline(kind: BackendKind, data: &[u8]) {
    let (Some(text), Some(backend)) = (text(data), backend(kind)) else { return };
    if let Ok(p) = backend.parse_pipeline(text) {
        let printed = p.text();
        match backend.parse_pipeline(&printed) {
            Ok(again) => assert_eq!(again, p, "`{text}` printed as `{printed}` reads otherwise"),
            Err(e) => panic!("`{text}` parsed, but its text `{printed}` does not: {e}"),
        }
    }
}

pub fn pipeline_llvm(data: &[u8]) {
    pipeline(BackendKind::Llvm, data)
}

pub fn pipeline_cranelift(data: &[u8]) {
    pipeline(BackendKind::Cranelift, data)
}

pub fn pipeline_gcc(data: &[u8]) {
    pipeline(BackendKind::Gcc, data)
}

/// A signals file (`optimize --resume`): every signal read writes back as JSON that reads as
/// the same signal.
pub fn signals(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let problem = text
        .lines()
        .find_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .and_then(|v| v.get("problem").and_then(|p| p.as_str()).map(str::to_string))
        .unwrap_or_default();
    let (read, _skipped) = opm_engine::signals::parse_signals(text, &problem);
    for s in read {
        let json = serde_json::to_value(&s).expect("a signal serializes");
        let back: opm_search::PerformanceSignal =
            serde_json::from_value(json.clone()).expect("a signal read back");
        assert_eq!(serde_json::to_value(&back).expect("serializes"), json);
    }
}

/// A lab's `manifest.json`.
pub fn manifest(data: &[u8]) {
    if let Some(text) = text(data) {
        let _ = opm_lab::run::parse_manifest(text);
    }
}

/// An attestation (`attest verify`, `replay`): read, verified by a key that did not sign it
/// and by the seeds' key; one that verifies writes back as JSON that verifies.
pub fn attestation(data: &[u8]) {
    use opm_market::attest::Envelope;
    let Some(text) = text(data) else { return };
    let Ok(envelope) = Envelope::from_json(text) else { return };
    let stranger = opm_market::attest::SigningKey::from_bytes(&[7; 32]).verifying_key();
    assert!(envelope.verify(&stranger).is_err(), "an attestation verified by a stranger's key");
    if let Ok(key) = opm_market::keys::read_public(SEED_KEY)
        && envelope.verify(&key).is_ok()
    {
        let again = Envelope::from_json(&envelope.to_json()).expect("written back, read");
        assert!(again.verify(&key).is_ok(), "a verified attestation, written back, fails");
    }
}

/// A ledger proof as `ledger check` reads it (`{"checkpoint", "inclusion"}` or `{"old", "new",
/// "consistency"}`), checked with the seeds' key; or a sync bundle or a checkpoint alone.
pub fn ledger_proof(data: &[u8]) {
    use opm_market::ledger::{
        Checkpoint, ConsistencyProofDoc, InclusionProofDoc, SyncBundle, verify_consistency,
        verify_inclusion,
    };
    let Some(text) = text(data) else { return };
    let Ok(key) = opm_market::keys::read_public(SEED_KEY) else { return };
    let _ = SyncBundle::from_json(text);
    let _ = Checkpoint::from_json(text).map(|cp| cp.verify(&[key]));
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(text) else { return };
    let field =
        |name: &str| -> Option<Checkpoint> { serde_json::from_value(doc.get(name)?.clone()).ok() };
    if let Some(inc) = doc.get("inclusion") {
        let (Ok(proof), Some(cp)) =
            (serde_json::from_value::<InclusionProofDoc>(inc.clone()), field("checkpoint"))
        else {
            return;
        };
        let _ = cp.verify(&[key]);
        let _ = verify_inclusion(proof.entry.as_bytes(), &proof, &cp);
    } else if let Some(con) = doc.get("consistency") {
        let (Ok(proof), Some(old), Some(new)) = (
            serde_json::from_value::<ConsistencyProofDoc>(con.clone()),
            field("old"),
            field("new"),
        ) else {
            return;
        };
        let _ = old.verify(&[key]);
        let _ = verify_consistency(&old, &new, &proof);
    }
}

/// A registry server's request body: the first line names the route (`publish`, `key`,
/// `admit`, `share`, `why`), the rest is the body, checked as the server does before its store.
pub fn registry_request(data: &[u8]) {
    let split = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
    let route = String::from_utf8_lossy(&data[..split]);
    let body = data.get(split + 1..).unwrap_or_default();
    let _ = opm_server::check_request_body(route.trim(), body);
}
