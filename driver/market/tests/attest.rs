//! Attestations: DSSE's own test vector, signatures that verify only untouched and only with
//! the signer's key, and key files that only their owner may read.

use opm_backend::BackendKind;
use opm_market::attest::{self, Envelope, PlanPredicate, Statement};
use opm_market::keys;
use opm_search::Objective;
use std::os::unix::fs::PermissionsExt;

#[test]
fn pae_is_dsses_test_vector() {
    let pae = attest::pae("http://example.com/HelloWorld", b"hello world");
    assert_eq!(pae, b"DSSEv1 29 http://example.com/HelloWorld 11 hello world");
}

fn statement() -> Statement {
    let predicate = PlanPredicate {
        plan: "function(sroa),gvn".into(),
        backend: BackendKind::Llvm,
        tools: [("opm".to_string(), "0.1.0".to_string()), ("llvm".into(), "22.1.8".into())].into(),
        target: "x86_64-pc-linux-gnu".into(),
        host_cpu: "a 2-core machine".into(),
        objective: Objective::Instcount,
        module_hash: "5d41402abc4b2a76".into(),
        run_args: Vec::new(),
        metrics: attest::AttestedMetrics {
            instcount: Some(305),
            text_bytes: Some(1616),
            runtime: None,
        },
        baseline: Some(attest::AttestedBaseline {
            name: "O2".into(),
            plan: "default<O2>".into(),
            metrics: attest::AttestedMetrics {
                instcount: Some(422),
                text_bytes: Some(1873),
                runtime: None,
            },
        }),
        bucket: Some("s8-l1-c0-mi".into()),
    };
    Statement::new("crc32.ll", b"; a module\n", predicate)
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("opm-market-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_signed_statement_verifies_untouched_and_only_so() {
    let dir = scratch("sign");
    let key = keys::generate(&dir.join("signing.key")).unwrap();
    let public = key.verifying_key();
    let envelope = Envelope::sign(&statement(), &key);
    let read = Envelope::from_json(&envelope.to_json()).unwrap();
    let verified = read.verify(&public).unwrap();
    assert_eq!(verified, statement());
    assert!(verified.is_subject(b"; a module\n"));
    assert!(!verified.is_subject(b"; another module\n"));

    // One byte of the payload flipped: the signature no longer verifies.
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut payload = b64.decode(&envelope.payload).unwrap();
    let at = payload.len() / 2;
    payload[at] ^= 1;
    let flipped = Envelope { payload: b64.encode(&payload), ..envelope.clone() };
    assert!(matches!(flipped.verify(&public), Err(attest::AttestError::BadSignature(_))));
    // Another payload type: refused before anything else, and signed over too.
    let typed = Envelope { payload_type: "application/json".into(), ..envelope.clone() };
    assert!(matches!(typed.verify(&public), Err(attest::AttestError::PayloadType(_))));
    // Another key: no signature of it.
    let other = keys::generate(&dir.join("other.key")).unwrap();
    let e = envelope.verify(&other.verifying_key()).unwrap_err();
    assert!(matches!(e, attest::AttestError::NoSignature(_)), "{e}");
    // A signature moved under the other key's id still does not verify.
    let mut forged = envelope.clone();
    forged.signatures[0].keyid = attest::key_id(&other.verifying_key());
    let e = forged.verify(&other.verifying_key()).unwrap_err();
    assert!(matches!(e, attest::AttestError::BadSignature(_)), "{e}");
}

#[test]
fn a_secret_key_is_its_owners_alone() {
    let dir = scratch("keys");
    let path = dir.join("nested/signing.key");
    let key = keys::generate(&path).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert_eq!(keys::read_secret(&path).unwrap().to_bytes(), key.to_bytes());
    let public = keys::public_path(&path);
    let from_file = keys::read_public(public.to_str().unwrap()).unwrap();
    assert_eq!(from_file, key.verifying_key());
    let hex = hex::encode(key.verifying_key().as_bytes());
    assert_eq!(keys::read_public(&hex).unwrap(), key.verifying_key());

    let again = keys::generate(&path).unwrap_err();
    assert!(again.to_string().contains("exists already"), "{again}");

    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let exposed = keys::read_secret(&path).unwrap_err();
    assert!(exposed.to_string().contains("is readable by others (mode 0644)"), "{exposed}");

    std::fs::write(&public, "not a key\n").unwrap();
    assert!(keys::read_public(public.to_str().unwrap()).is_err());
}

#[test]
fn what_a_plan_improved_is_read_against_its_baseline() {
    let s = statement();
    let p = &s.predicate;
    let deltas = p.metrics.deltas_from(&p.baseline.as_ref().unwrap().metrics);
    let got: Vec<(&str, Option<f64>, Option<f64>)> =
        deltas.iter().map(|d| (d.metric.as_str(), d.before, d.after)).collect();
    assert_eq!(
        got,
        [("instcount", Some(422.0), Some(305.0)), ("text_bytes", Some(1873.0), Some(1616.0))]
    );
}
