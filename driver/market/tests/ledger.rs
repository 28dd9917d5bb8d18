//! The governance ledger on real SQLite files with real signatures: appends verify; an entry
//! edited behind the ledger's back is named by its index; the triggers refuse UPDATE and
//! DELETE; proofs go through JSON and verify offline, and only for what they prove; a lost
//! tail fails the consistency check; two copies sync; a fork is reported and nothing is
//! appended; an untrusted key's checkpoint is refused; roots are RFC 6962's.

use opm_backend::BackendKind;
use opm_market::attest::{self, SigningKey, VerifyingKey};
use opm_market::ledger::{
    self, Checkpoint, ConsistencyProofDoc, Decision, Entry, InclusionProofDoc, Ledger, LedgerError,
    SyncBundle, VerifyReport,
};
use opm_market::{Adapter, Plan};
use opm_search::MetricDelta;
use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The time of entry `i`'s append.
const T0: u64 = 1_800_000_000;

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn public(seed: u8) -> VerifyingKey {
    key(seed).verifying_key()
}

/// A decision of each kind in turn, told apart by `i`.
fn decision(i: u64) -> Decision {
    let adapter = Adapter {
        name: format!("adapter-{i}"),
        backend: BackendKind::Llvm,
        version: "1.0.0".into(),
        tools: [("llvm".to_string(), "22.1.8".to_string())].into(),
        target: "x86_64-pc-linux-gnu".into(),
    };
    let digest = format!("{i:064x}");
    match i % 6 {
        0 => Decision::AdapterAdmitted { adapter, report_sha256: digest },
        1 => Decision::AdapterRefused {
            adapter,
            report_sha256: digest,
            failed: vec!["roundtrip".into(), "determinism".into()],
        },
        2 => Decision::PlanPublished {
            plan: Plan {
                id: format!("plan-{i}"),
                backend: BackendKind::Gcc,
                pipeline: "-O2 -funroll-loops".into(),
                kind_of_program: Some("loops".into()),
                improved: vec![MetricDelta {
                    metric: "runtime".into(),
                    before: Some(1.25),
                    after: Some(0.1 * i as f64),
                }],
            },
            attestation_sha256: digest,
        },
        3 => Decision::PlanRevoked { plan_id: format!("plan-{}", i - 1), why: "slower".into() },
        4 => {
            let k = public((i % 200) as u8 + 20);
            Decision::KeyAdded { key_id: attest::key_id(&k), public_key: hex::encode(k.as_bytes()) }
        }
        _ => Decision::KeyRevoked { key_id: digest, why: "rotated".into() },
    }
}

/// A ledger in a directory of its own (a machine of its own).
struct Machine {
    _dir: tempfile::TempDir,
    path: PathBuf,
    ledger: Ledger,
}

fn machine() -> Machine {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let ledger = Ledger::open(&path).unwrap();
    Machine { _dir: dir, path, ledger }
}

/// Appends the decisions `from..to` in batches of `batch`, each batch signed with `key`.
fn fill(ledger: &mut Ledger, key: &SigningKey, from: u64, to: u64, batch: u64) -> Checkpoint {
    let mut last = None;
    let mut i = from;
    while i < to {
        let end = (i + batch).min(to);
        let decisions: Vec<Decision> = (i..end).map(decision).collect();
        last = Some(ledger.append(&decisions, key, T0 + i).unwrap());
        i = end;
    }
    last.unwrap()
}

fn root_of(ledger: &Ledger, keys: &[VerifyingKey]) -> String {
    ledger.verify(keys).unwrap().root
}

fn raw(path: &Path) -> Connection {
    Connection::open(path).unwrap()
}

fn stored_leaf(path: &Path, index: i64) -> Vec<u8> {
    raw(path).query_row("SELECT leaf FROM entries WHERE idx = ?1", [index], |r| r.get(0)).unwrap()
}

fn rfc_leaf_hash(leaf: &[u8]) -> [u8; 32] {
    Sha256::new().chain_update([0u8]).chain_update(leaf).finalize().into()
}

fn rfc_node_hash(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
    Sha256::new().chain_update([1u8]).chain_update(left).chain_update(right).finalize().into()
}

#[test]
fn appended_decisions_verify_and_read_back() {
    let mut a = machine();
    let k = key(1);
    assert_eq!(a.ledger.size().unwrap(), 0);
    assert_eq!(a.ledger.latest_checkpoint().unwrap(), None);
    let mut sizes = Vec::new();
    let mut i = 0;
    for batch in [1u64, 3, 10, 1, 25] {
        let decisions: Vec<Decision> = (i..i + batch).map(decision).collect();
        let cp = a.ledger.append(&decisions, &k, T0 + i).unwrap();
        i += batch;
        assert_eq!(cp.size, i);
        cp.verify(&[k.verifying_key()]).unwrap();
        sizes.push(i);
    }
    assert_eq!(a.ledger.size().unwrap(), 40);
    let report = a.ledger.verify(&[k.verifying_key()]).unwrap();
    assert_eq!(report.entries, 40);
    assert_eq!(report.checkpoints, 5);
    let latest = a.ledger.latest_checkpoint().unwrap().unwrap();
    assert_eq!(report.latest.as_ref(), Some(&latest));
    assert_eq!(report.root, latest.root);
    assert_eq!(latest.size, 40);
    let stored: Vec<u64> = a.ledger.checkpoints().unwrap().iter().map(|c| c.size).collect();
    assert_eq!(stored, sizes);
    assert_eq!(VerifyReport::from_json(&report.to_json()).unwrap(), report);

    let entries = a.ledger.entries(0, 100).unwrap();
    assert_eq!(entries.len(), 40);
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(e.index, i as u64);
        // The leaf is what serde wrote for the entry, byte for byte. (Compared as bytes: serde_json
        // reads `1.4000000000000001` back as 1.4, so a plan's floats may come back one ulp
        // off; the stored and synced bytes never change.)
        let appended = Entry { index: i as u64, time: e.time, decision: decision(i as u64) };
        assert_eq!(stored_leaf(&a.path, i as i64), serde_json::to_vec(&appended).unwrap());
        if !matches!(e.decision, Decision::PlanPublished { .. }) {
            assert_eq!(e.decision, decision(i as u64));
        }
    }
    // The batch of 10 (entries 4..14) was appended at one time.
    assert_eq!(entries[4].time, T0 + 4);
    assert_eq!(entries[13].time, T0 + 4);
    assert_eq!(entries[14].time, T0 + 14);
    assert_eq!(a.ledger.entries(17, 18).unwrap()[0].index, 17);
    assert_eq!(a.ledger.entries(38, 45).unwrap().len(), 2);

    // Opened again, the file is the same ledger.
    drop(a.ledger);
    let again = Ledger::open(&a.path).unwrap();
    assert_eq!(again.verify(&[k.verifying_key()]).unwrap(), report);

    // Without the signer's key, its checkpoints are not trusted.
    match again.verify(&[public(2)]) {
        Err(LedgerError::Untrusted { size: 1, key_id }) => {
            assert_eq!(key_id, attest::key_id(&k.verifying_key()))
        }
        other => panic!("expected an untrusted checkpoint, got {other:?}"),
    }
}

#[test]
fn roots_are_rfc_6962s() {
    let mut a = machine();
    let k = key(1);
    // The empty tree: SHA-256 of nothing.
    let empty = a.ledger.append(&[], &k, T0).unwrap();
    assert_eq!(empty.size, 0);
    assert_eq!(empty.root, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_eq!(ledger::empty_root(), empty.root);
    assert_eq!(Checkpoint::empty().root, empty.root);
    // The leaf hash of the empty leaf, as Certificate Transparency's test data has it.
    assert_eq!(
        hex::encode(ledger::leaf_hash(b"")),
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    );

    let leaf =
        |i: u64| serde_json::to_vec(&Entry { index: i, time: T0, decision: decision(i) }).unwrap();
    let one = a.ledger.append(&[decision(0)], &k, T0).unwrap();
    let h0 = rfc_leaf_hash(&leaf(0));
    assert_eq!(one.root, hex::encode(h0));
    assert_eq!(ledger::leaf_hash(&leaf(0)), h0);

    let three = a.ledger.append(&[decision(1), decision(2)], &k, T0).unwrap();
    let (h1, h2) = (rfc_leaf_hash(&leaf(1)), rfc_leaf_hash(&leaf(2)));
    // MTH(D[3]) = H(0x01 || MTH(D[0:2]) || MTH(D[2:3])).
    assert_eq!(three.root, hex::encode(rfc_node_hash(&rfc_node_hash(&h0, &h1), &h2)));
    let stored: Vec<u8> = raw(&a.path)
        .query_row("SELECT leaf_hash FROM entries WHERE idx = 2", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, h2);

    // The signature covers the documented text.
    let text = format!("opm-ledger-checkpoint v1\n3\n{}\n", three.root);
    assert_eq!(Checkpoint::signed_text(3, &three.root), text);
    use base64::Engine as _;
    let sig = base64::engine::general_purpose::STANDARD.decode(&three.signature).unwrap();
    let sig = ed25519_dalek::Signature::from_slice(&sig).unwrap();
    k.verifying_key().verify_strict(text.as_bytes(), &sig).unwrap();
}

#[test]
fn update_and_delete_are_refused_by_the_database() {
    let mut a = machine();
    let k = key(1);
    fill(&mut a.ledger, &k, 0, 20, 5);
    let root = root_of(&a.ledger, &[k.verifying_key()]);
    let conn = raw(&a.path);
    for sql in [
        "UPDATE entries SET leaf = x'00' WHERE idx = 3",
        "UPDATE entries SET leaf_hash = x'00'",
        "DELETE FROM entries WHERE idx = 19",
        "DELETE FROM entries",
        "UPDATE checkpoints SET root = 'ab'",
        "DELETE FROM checkpoints WHERE size = 20",
        // Anywhere but at the end.
        "INSERT INTO entries (idx, leaf, leaf_hash) VALUES (25, x'00', x'00')",
        "INSERT OR REPLACE INTO entries (idx, leaf, leaf_hash) VALUES (3, x'00', x'00')",
    ] {
        let err = conn.execute(sql, []).expect_err(sql).to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    assert_eq!(a.ledger.size().unwrap(), 20);
    assert_eq!(root_of(&a.ledger, &[k.verifying_key()]), root);
}

/// Drops the update trigger, runs `edit`, and lets `Ledger::open` put the trigger back.
fn behind_its_back(path: &Path, edit: impl FnOnce(&Connection)) -> Ledger {
    let conn = raw(path);
    conn.execute_batch("DROP TRIGGER entries_no_update; DROP TRIGGER entries_no_delete").unwrap();
    edit(&conn);
    drop(conn);
    let ledger = Ledger::open(path).unwrap();
    let err = raw(path).execute("UPDATE entries SET leaf = x'00'", []).unwrap_err();
    assert!(err.to_string().contains("append-only"), "the trigger is back: {err}");
    ledger
}

/// Entry 17 with another reason for its revocation: the same shape, other bytes.
fn forged_17(path: &Path) -> Vec<u8> {
    let mut entry: Entry = serde_json::from_slice(&stored_leaf(path, 17)).unwrap();
    match &mut entry.decision {
        Decision::KeyRevoked { why, .. } => *why = "never happened".into(),
        other => panic!("entry 17 is {other:?}"),
    }
    serde_json::to_vec(&entry).unwrap()
}

fn expect_tampered(result: Result<VerifyReport, LedgerError>, index: u64, why: &str) {
    match result {
        Err(LedgerError::Tampered { index: i, why: w }) => {
            assert_eq!(i, index, "{w}");
            assert!(w.contains(why), "{w}");
        }
        other => panic!("expected entry {index} tampered ({why}), got {other:?}"),
    }
}

#[test]
fn an_entry_edited_behind_the_ledgers_back_is_named() {
    let k = key(1);
    let keys = [k.verifying_key()];

    // Its bytes changed, its stored leaf hash not.
    let mut a = machine();
    fill(&mut a.ledger, &k, 0, 40, 10);
    a.ledger.verify(&keys).unwrap();
    let forged = forged_17(&a.path);
    let ledger = behind_its_back(&a.path, |c| {
        c.execute("UPDATE entries SET leaf = ?1 WHERE idx = 17", [&forged]).unwrap();
    });
    expect_tampered(ledger.verify(&keys), 17, "no longer hash to its stored leaf hash");
    // Reading it still works: the forgery is well formed.
    assert!(ledger.entries(17, 18).is_ok());

    // Its bytes and its leaf hash changed together, one checkpoint per entry: the checkpoint
    // of size 18 names it.
    let mut b = machine();
    fill(&mut b.ledger, &k, 0, 40, 1);
    let forged = forged_17(&b.path);
    let ledger = behind_its_back(&b.path, |c| {
        c.execute(
            "UPDATE entries SET leaf = ?1, leaf_hash = ?2 WHERE idx = 17",
            params![forged, &rfc_leaf_hash(&forged)[..]],
        )
        .unwrap();
    });
    expect_tampered(ledger.verify(&keys), 17, "changed together with its stored leaf hash");

    // The same in batches of 10: the checkpoint of size 20 is the first that fails, and it
    // names the entries it covers.
    let mut c = machine();
    fill(&mut c.ledger, &k, 0, 40, 10);
    let forged = forged_17(&c.path);
    let ledger = behind_its_back(&c.path, |conn| {
        conn.execute(
            "UPDATE entries SET leaf = ?1, leaf_hash = ?2 WHERE idx = 17",
            params![forged, &rfc_leaf_hash(&forged)[..]],
        )
        .unwrap();
    });
    match ledger.verify(&keys) {
        Err(LedgerError::BadCheckpoint { size: 20, why }) => {
            assert!(why.contains("entries 10 to 19"), "{why}")
        }
        other => panic!("expected the checkpoint of size 20 to fail, got {other:?}"),
    }

    // Garbage bytes with a matching hash, and then a leaf stored as text: tampered, no panic.
    let mut d = machine();
    fill(&mut d.ledger, &k, 0, 40, 10);
    let garbage = [0xffu8, 0x00, 0x7b];
    let ledger = behind_its_back(&d.path, |c| {
        c.execute(
            "UPDATE entries SET leaf = ?1, leaf_hash = ?2 WHERE idx = 17",
            params![&garbage[..], &rfc_leaf_hash(&garbage)[..]],
        )
        .unwrap();
    });
    expect_tampered(ledger.verify(&keys), 17, "not an entry");
    assert!(matches!(ledger.entries(0, 40), Err(LedgerError::Tampered { index: 17, .. })));
    assert!(matches!(ledger.prove_inclusion(17, 40), Err(LedgerError::Tampered { index: 17, .. })));
    assert!(ledger.prove_inclusion(16, 40).is_ok());
    let ledger = behind_its_back(&d.path, |c| {
        c.execute("UPDATE entries SET leaf = 'text' WHERE idx = 17", []).unwrap();
    });
    expect_tampered(ledger.verify(&keys), 17, "stored as");

    // An entry gone from the middle.
    let mut e = machine();
    fill(&mut e.ledger, &k, 0, 40, 10);
    let ledger = behind_its_back(&e.path, |c| {
        c.execute("DELETE FROM entries WHERE idx = 17", []).unwrap();
    });
    expect_tampered(ledger.verify(&keys), 17, "missing");

    // An earlier edit is the one named.
    let mut f = machine();
    fill(&mut f.ledger, &k, 0, 40, 10);
    let forged = forged_17(&f.path);
    let ledger = behind_its_back(&f.path, |c| {
        c.execute("UPDATE entries SET leaf = ?1 WHERE idx = 17", [&forged]).unwrap();
        c.execute("UPDATE entries SET leaf = x'00' WHERE idx = 30", []).unwrap();
    });
    expect_tampered(ledger.verify(&keys), 17, "leaf hash");
}

#[test]
fn proofs_go_through_json_and_verify_offline_only_for_what_they_prove() {
    let mut a = machine();
    let k = key(1);
    fill(&mut a.ledger, &k, 0, 40, 10);
    let checkpoints = a.ledger.checkpoints().unwrap();
    let cp = |size: u64| checkpoints.iter().find(|c| c.size == size).unwrap().clone();
    let cp40 = cp(40);

    for size in [10, 20, 30, 40] {
        for index in [0, 1, 9, size / 2, size - 1] {
            let doc = a.ledger.prove_inclusion(index, size).unwrap();
            let read = InclusionProofDoc::from_json(&doc.to_json()).unwrap();
            assert_eq!(read, doc);
            ledger::verify_inclusion(read.entry.as_bytes(), &read, &cp(size)).unwrap();
            assert_eq!(read.entry().unwrap().decision, decision(index));
        }
    }

    let doc = a.ledger.prove_inclusion(17, 40).unwrap();
    // Another entry's bytes with this path.
    let other = a.ledger.prove_inclusion(18, 40).unwrap();
    assert!(matches!(
        ledger::verify_inclusion(other.entry.as_bytes(), &doc, &cp40),
        Err(LedgerError::NotIncluded { index: 17, size: 40, .. })
    ));
    // The right bytes, but claimed at another index (hash field made to match).
    let moved = InclusionProofDoc { index: 18, ..doc.clone() };
    assert!(ledger::verify_inclusion(doc.entry.as_bytes(), &moved, &cp40).is_err());
    // Another entry's bytes with its own hash put in the proof: the path does not lead there.
    let swapped = InclusionProofDoc {
        entry: other.entry.clone(),
        leaf_hash: other.leaf_hash.clone(),
        ..doc.clone()
    };
    assert!(ledger::verify_inclusion(swapped.entry.as_bytes(), &swapped, &cp40).is_err());
    // A checkpoint of another size, and one of the same size claimed for a smaller tree.
    assert!(ledger::verify_inclusion(doc.entry.as_bytes(), &doc, &cp(30)).is_err());
    let small = a.ledger.prove_inclusion(17, 20).unwrap();
    let claimed = InclusionProofDoc { size: 40, ..small.clone() };
    assert!(ledger::verify_inclusion(small.entry.as_bytes(), &claimed, &cp40).is_err());
    // One hash of the path changed, a hash dropped, a hash not hex.
    let mut flipped = doc.clone();
    flipped.path[2] = format!("{:064x}", 7);
    assert!(ledger::verify_inclusion(doc.entry.as_bytes(), &flipped, &cp40).is_err());
    let mut short = doc.clone();
    short.path.pop();
    assert!(ledger::verify_inclusion(doc.entry.as_bytes(), &short, &cp40).is_err());
    let mut garbage = doc.clone();
    garbage.path[0] = "not hex".into();
    assert!(ledger::verify_inclusion(doc.entry.as_bytes(), &garbage, &cp40).is_err());
    let huge = InclusionProofDoc { index: u64::MAX - 1, size: u64::MAX, ..doc.clone() };
    let huge_cp = Checkpoint { size: u64::MAX, ..cp40.clone() };
    assert!(ledger::verify_inclusion(doc.entry.as_bytes(), &huge, &huge_cp).is_err());

    for (old, new) in [(10, 20), (10, 40), (20, 30), (30, 40), (20, 40), (40, 40)] {
        let doc = a.ledger.prove_consistency(old, new).unwrap();
        let read = ConsistencyProofDoc::from_json(&doc.to_json()).unwrap();
        assert_eq!(read, doc);
        ledger::verify_consistency(&cp(old), &cp(new), &read).unwrap();
    }
    // From the empty tree, everything is consistent.
    let from_empty = a.ledger.prove_consistency(0, 40).unwrap();
    ledger::verify_consistency(&Checkpoint::empty(), &cp40, &from_empty).unwrap();

    let proof = a.ledger.prove_consistency(10, 30).unwrap();
    // Checkpoints of other sizes than the proof's.
    assert!(ledger::verify_consistency(&cp(20), &cp(40), &proof).is_err());
    // The proof's sizes rewritten to fit them.
    let relabelled = ConsistencyProofDoc { old_size: 20, new_size: 40, ..proof.clone() };
    assert!(matches!(
        ledger::verify_consistency(&cp(20), &cp(40), &relabelled),
        Err(LedgerError::Inconsistent { old_size: 20, new_size: 40, .. })
    ));
    // Old and new swapped.
    let swapped = ConsistencyProofDoc { old_size: 30, new_size: 10, ..proof.clone() };
    assert!(ledger::verify_consistency(&cp(30), &cp(10), &swapped).is_err());
    // A hash of the proof changed.
    let mut flipped = proof.clone();
    flipped.path[0] = format!("{:064x}", 1);
    assert!(ledger::verify_consistency(&cp(10), &cp(30), &flipped).is_err());
    // The new checkpoint's root changed (its signature no longer holds either).
    let moved = Checkpoint { root: cp(20).root, ..cp(30) };
    assert!(ledger::verify_consistency(&cp(10), &moved, &proof).is_err());
    assert!(moved.verify(&[k.verifying_key()]).is_err());

    // What the ledger does not hold.
    assert!(matches!(a.ledger.prove_inclusion(40, 40), Err(LedgerError::NotFound(_))));
    assert!(matches!(a.ledger.prove_inclusion(3, 41), Err(LedgerError::NotFound(_))));
    assert!(matches!(a.ledger.prove_consistency(10, 41), Err(LedgerError::NotFound(_))));
    assert!(a.ledger.prove_consistency(30, 20).is_err());
    for text in ["", "{", "[]", r#"{"index": -1}"#] {
        assert!(matches!(InclusionProofDoc::from_json(text), Err(LedgerError::Malformed { .. })));
        assert!(ConsistencyProofDoc::from_json(text).is_err());
        assert!(SyncBundle::from_json(text).is_err());
        assert!(Checkpoint::from_json(text).is_err());
    }
}

#[test]
fn a_lost_tail_fails_the_consistency_check() {
    let k = key(1);
    let keys = [k.verifying_key()];
    let mut a = machine();
    fill(&mut a.ledger, &k, 0, 40, 10);
    // A client saw the log at 40 entries.
    let cp40 = a.ledger.latest_checkpoint().unwrap().unwrap();
    let cp30 = a.ledger.checkpoints().unwrap()[2].clone();
    assert_eq!(cp30.size, 30);

    // A copy whose last ten entries, and the checkpoint that covered them, are gone: it is
    // self-consistent at 30, which only the consistency check against 40 exposes.
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("ledger.db");
    std::fs::copy(&a.path, &cut).unwrap();
    let mut t = behind_its_back(&cut, |c| {
        c.execute_batch(
            "DROP TRIGGER checkpoints_no_delete;
             DELETE FROM entries WHERE idx >= 30;
             DELETE FROM checkpoints WHERE size > 30;",
        )
        .unwrap();
    });
    assert_eq!(t.size().unwrap(), 30);
    assert_eq!(t.verify(&keys).unwrap().latest, Some(cp30.clone()));
    assert!(matches!(
        t.check_checkpoint(&cp40),
        Err(LedgerError::Inconsistent { old_size: 30, new_size: 40, .. })
    ));
    assert!(matches!(t.since(&cp40), Err(LedgerError::Inconsistent { .. })));
    assert!(t.prove_consistency(40, 30).is_err());
    // Its latest checkpoint is smaller than the one the client holds.
    let proof = ConsistencyProofDoc { old_size: 40, new_size: 30, path: Vec::new() };
    match ledger::verify_consistency(&cp40, &cp30, &proof) {
        Err(LedgerError::Inconsistent { why, .. }) => assert!(why.contains("lost its tail")),
        other => panic!("expected inconsistent, got {other:?}"),
    }

    // It grows again with other decisions: the proof from 40 to its new size fails.
    let regrown = fill(&mut t, &k, 100, 115, 15);
    assert_eq!(regrown.size, 45);
    t.verify(&keys).unwrap();
    let proof = t.prove_consistency(40, 45).unwrap();
    assert!(matches!(
        ledger::verify_consistency(&cp40, &regrown, &proof),
        Err(LedgerError::Inconsistent { old_size: 40, new_size: 45, .. })
    ));
    assert!(matches!(t.check_checkpoint(&cp40), Err(LedgerError::Fork { size: 40, .. })));
    assert!(matches!(t.since(&cp40), Err(LedgerError::Fork { size: 40, .. })));
    // Whereas the honest ledger's own proof holds.
    let mut a2 = a.ledger;
    let honest = fill(&mut a2, &k, 40, 45, 5);
    let proof = a2.prove_consistency(40, 45).unwrap();
    ledger::verify_consistency(&cp40, &honest, &proof).unwrap();

    // A copy that lost its last entries but kept their checkpoint fails verify by itself.
    let dir2 = tempfile::tempdir().unwrap();
    let cut2 = dir2.path().join("ledger.db");
    std::fs::copy(&a.path, &cut2).unwrap();
    let t2 = behind_its_back(&cut2, |c| {
        c.execute("DELETE FROM entries WHERE idx >= 42", []).unwrap();
    });
    match t2.verify(&keys) {
        Err(LedgerError::BadCheckpoint { size: 45, why }) => assert!(why.contains("only 42")),
        other => panic!("expected the checkpoint of size 45 to fail, got {other:?}"),
    }
}

#[test]
fn two_ledgers_sync_and_end_with_one_root() {
    let (ka, kb) = (key(1), key(2));
    let trusted = [ka.verifying_key(), kb.verifying_key()];
    let mut a = machine();
    let mut b = machine();
    fill(&mut a.ledger, &ka, 0, 25, 7);

    // B has nothing: it sends the empty tree's checkpoint.
    let theirs = b.ledger.latest_checkpoint().unwrap().unwrap_or_else(Checkpoint::empty);
    let bundle = a.ledger.since(&theirs).unwrap();
    assert_eq!(bundle.entries.len(), 25);
    let bundle = SyncBundle::from_json(&bundle.to_json()).unwrap();
    assert_eq!(b.ledger.receive(&bundle, &trusted).unwrap(), 25);
    assert_eq!(b.ledger.size().unwrap(), 25);
    assert_eq!(b.ledger.latest_checkpoint().unwrap(), a.ledger.latest_checkpoint().unwrap());
    assert_eq!(root_of(&b.ledger, &trusted), root_of(&a.ledger, &trusted));
    assert_eq!(b.ledger.entries(0, 25).unwrap(), a.ledger.entries(0, 25).unwrap());
    // The same bundle again appends nothing.
    assert_eq!(b.ledger.receive(&bundle, &trusted).unwrap(), 0);
    assert_eq!(b.ledger.size().unwrap(), 25);

    // A moves on; B asks with its checkpoint and gets only the delta.
    fill(&mut a.ledger, &ka, 25, 35, 4);
    let theirs = b.ledger.latest_checkpoint().unwrap().unwrap();
    b.ledger.check_checkpoint(&a.ledger.latest_checkpoint().unwrap().unwrap()).unwrap_err();
    a.ledger.check_checkpoint(&theirs).unwrap();
    let bundle = a.ledger.since(&theirs).unwrap();
    assert_eq!((bundle.from_size, bundle.entries.len(), bundle.checkpoint.size), (25, 10, 35));
    assert_eq!(b.ledger.receive(&bundle, &trusted).unwrap(), 10);
    assert_eq!(root_of(&b.ledger, &trusted), root_of(&a.ledger, &trusted));

    // Now B decides, and A takes B's entries the same way.
    fill(&mut b.ledger, &kb, 35, 38, 3);
    let bundle = b.ledger.since(&a.ledger.latest_checkpoint().unwrap().unwrap()).unwrap();
    assert_eq!(a.ledger.receive(&bundle, &trusted).unwrap(), 3);
    assert_eq!(root_of(&b.ledger, &trusted), root_of(&a.ledger, &trusted));
    assert_eq!(a.ledger.size().unwrap(), 38);

    // An old bundle after that appends nothing and is no fork.
    let old = SyncBundle::from_json(&bundle.to_json()).unwrap();
    assert_eq!(b.ledger.receive(&old, &trusted).unwrap(), 0);

    // A bundle changed on the way: refused, nothing appended.
    fill(&mut a.ledger, &ka, 38, 45, 7);
    let mut changed = a.ledger.since(&b.ledger.latest_checkpoint().unwrap().unwrap()).unwrap();
    changed.entries[3] = changed.entries[3].replace("rotated", "retired");
    assert!(matches!(
        b.ledger.receive(&changed, &trusted),
        Err(LedgerError::Inconsistent { old_size: 38, new_size: 45, .. })
    ));
    // Its proof changed.
    let mut bad_proof = a.ledger.since(&b.ledger.latest_checkpoint().unwrap().unwrap()).unwrap();
    bad_proof.proof.path[0] = format!("{:064x}", 5);
    assert!(matches!(
        b.ledger.receive(&bad_proof, &trusted),
        Err(LedgerError::Inconsistent { .. })
    ));
    // An entry left out.
    let mut short = a.ledger.since(&b.ledger.latest_checkpoint().unwrap().unwrap()).unwrap();
    short.entries.pop();
    assert!(matches!(b.ledger.receive(&short, &trusted), Err(LedgerError::Malformed { .. })));
    assert_eq!(b.ledger.size().unwrap(), 38);
    b.ledger.verify(&trusted).unwrap();

    // A bundle that starts beyond what B holds.
    let ahead = a.ledger.since(&a.ledger.checkpoints().unwrap()[0]).unwrap();
    let mut c = machine();
    fill(&mut c.ledger, &ka, 0, 3, 3);
    let from_later = a.ledger.since(&a.ledger.checkpoints().unwrap()[2]).unwrap();
    assert!(from_later.from_size > 3);
    assert!(matches!(
        c.ledger.receive(&from_later, &trusted),
        Err(LedgerError::Inconsistent { .. })
    ));
    // From its own first checkpoint it catches up, checking the entries it already has.
    assert_eq!(ahead.from_size, 7);
    let mut d = machine();
    fill(&mut d.ledger, &ka, 0, 7, 7);
    assert_eq!(d.ledger.receive(&ahead, &trusted).unwrap(), 38);
    assert_eq!(root_of(&d.ledger, &trusted), root_of(&a.ledger, &trusted));
}

#[test]
fn a_fork_is_reported_and_nothing_is_appended() {
    let (ka, kb) = (key(1), key(2));
    let trusted = [ka.verifying_key(), kb.verifying_key()];
    let mut a = machine();
    let mut b = machine();
    let shared = fill(&mut a.ledger, &ka, 0, 10, 10);
    b.ledger.receive(&a.ledger.since(&Checkpoint::empty()).unwrap(), &trusted).unwrap();
    // Both decide on their own: same size, different entries.
    let cpa = fill(&mut a.ledger, &ka, 10, 15, 5);
    let cpb = fill(&mut b.ledger, &kb, 50, 55, 5);
    assert_eq!((cpa.size, cpb.size), (15, 15));
    assert_ne!(cpa.root, cpb.root);
    let (root_a, root_b) = (root_of(&a.ledger, &trusted), root_of(&b.ledger, &trusted));
    let checkpoints_b = b.ledger.checkpoints().unwrap();

    match a.ledger.check_checkpoint(&cpb) {
        Err(LedgerError::Fork { size: 15, ours, theirs }) => {
            assert_eq!((ours, theirs), (cpa.root.clone(), cpb.root.clone()))
        }
        other => panic!("expected a fork at 15, got {other:?}"),
    }
    assert!(matches!(a.ledger.since(&cpb), Err(LedgerError::Fork { size: 15, .. })));
    assert!(matches!(b.ledger.since(&cpa), Err(LedgerError::Fork { size: 15, .. })));
    let none = ConsistencyProofDoc { old_size: 15, new_size: 15, path: Vec::new() };
    assert!(matches!(
        ledger::verify_consistency(&cpb, &cpa, &none),
        Err(LedgerError::Fork { size: 15, .. })
    ));

    // A's entries since their shared checkpoint reach B: B's entries 10..15 differ.
    let bundle = a.ledger.since(&shared).unwrap();
    match b.ledger.receive(&bundle, &trusted) {
        Err(LedgerError::Fork { size: 15, ours, theirs }) => {
            assert_eq!((ours, theirs), (cpb.root.clone(), cpa.root.clone()))
        }
        other => panic!("expected a fork at 15, got {other:?}"),
    }
    // A moves further ahead: still a fork at B's size, still nothing appended.
    fill(&mut a.ledger, &ka, 15, 22, 7);
    let bundle = a.ledger.since(&shared).unwrap();
    assert!(matches!(b.ledger.receive(&bundle, &trusted), Err(LedgerError::Fork { size: 15, .. })));
    // The whole of A from the empty tree: the same.
    let bundle = a.ledger.since(&Checkpoint::empty()).unwrap();
    assert!(matches!(b.ledger.receive(&bundle, &trusted), Err(LedgerError::Fork { size: 15, .. })));
    // A bundle that claims B's checkpoint had another root.
    let mut claimed = a.ledger.since(&shared).unwrap();
    claimed.from_root = format!("{:064x}", 9);
    assert!(matches!(
        b.ledger.receive(&claimed, &trusted),
        Err(LedgerError::Fork { size: 10, .. })
    ));

    assert_eq!(b.ledger.size().unwrap(), 15);
    assert_eq!(root_of(&b.ledger, &trusted), root_b);
    assert_eq!(b.ledger.checkpoints().unwrap(), checkpoints_b);
    assert_eq!(a.ledger.size().unwrap(), 22);
    assert_ne!(root_of(&a.ledger, &trusted), root_a);
}

#[test]
fn checkpoints_of_untrusted_keys_are_refused() {
    let (ka, kc) = (key(1), key(3));
    let mut a = machine();
    let mut b = machine();
    let cp = fill(&mut a.ledger, &ka, 0, 12, 4);
    let read = Checkpoint::from_json(&cp.to_json()).unwrap();
    assert_eq!(read, cp);
    read.verify(&[public(9), ka.verifying_key()]).unwrap();

    let bundle = a.ledger.since(&Checkpoint::empty()).unwrap();
    match b.ledger.receive(&bundle, &[kc.verifying_key()]) {
        Err(LedgerError::Untrusted { size: 12, key_id }) => assert_eq!(key_id, cp.key_id),
        other => panic!("expected an untrusted checkpoint, got {other:?}"),
    }
    assert_eq!(b.ledger.size().unwrap(), 0);
    assert!(b.ledger.checkpoints().unwrap().is_empty());

    // A's key id on C's signature.
    let forged =
        Checkpoint { signature: Checkpoint::sign(12, &cp.root, &kc).signature, ..cp.clone() };
    assert!(matches!(
        forged.verify(&[ka.verifying_key()]),
        Err(LedgerError::BadCheckpoint { size: 12, .. })
    ));
    let mut bundle_forged = bundle.clone();
    bundle_forged.checkpoint = forged;
    assert!(b.ledger.receive(&bundle_forged, &[ka.verifying_key()]).is_err());
    // A signed checkpoint whose size was changed; a root not in canonical form.
    let resized = Checkpoint { size: 11, ..cp.clone() };
    assert!(resized.verify(&[ka.verifying_key()]).is_err());
    let upper = Checkpoint { root: cp.root.to_uppercase(), ..cp.clone() };
    assert!(matches!(upper.verify(&[ka.verifying_key()]), Err(LedgerError::BadCheckpoint { .. })));
    let garbled = Checkpoint { signature: "!!".into(), ..cp.clone() };
    assert!(garbled.verify(&[ka.verifying_key()]).is_err());
    assert_eq!(b.ledger.size().unwrap(), 0);
    // With A's key, the same bundle goes in.
    assert_eq!(b.ledger.receive(&bundle, &[ka.verifying_key()]).unwrap(), 12);
}

#[test]
fn a_key_is_added_only_under_its_own_id() {
    let mut a = machine();
    let k = key(1);
    let other = public(5);
    let wrong = Decision::KeyAdded {
        key_id: attest::key_id(&other),
        public_key: hex::encode(public(6).as_bytes()),
    };
    let err = a.ledger.append(&[decision(0), wrong], &k, T0).unwrap_err();
    assert!(matches!(err, LedgerError::Malformed { what: "decision", .. }), "{err}");
    let not_hex = Decision::KeyAdded { key_id: "x".into(), public_key: "zz".into() };
    assert!(a.ledger.append(&[not_hex], &k, T0).is_err());
    assert_eq!(a.ledger.size().unwrap(), 0);
    assert!(a.ledger.checkpoints().unwrap().is_empty());
}

#[test]
fn a_newer_database_is_refused() {
    let a = machine();
    drop(a.ledger);
    raw(&a.path).pragma_update(None, "user_version", ledger::DATABASE_VERSION + 1).unwrap();
    match Ledger::open(&a.path) {
        Err(LedgerError::NewerSchema { found }) => {
            assert_eq!(found, ledger::DATABASE_VERSION + 1)
        }
        Err(e) => panic!("expected a newer schema, got {e}"),
        Ok(_) => panic!("expected a newer schema, the ledger opened"),
    }
}

#[test]
fn documents_match_their_json_schemas() {
    let mut a = machine();
    let k = key(1);
    let cp = fill(&mut a.ledger, &k, 0, 12, 6);
    fn check<T: schemars::JsonSchema>(value: serde_json::Value) {
        let schema = schemars::schema_for!(T).to_value();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let errors: Vec<String> = validator.iter_errors(&value).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}\n{value}");
    }
    for e in a.ledger.entries(0, 12).unwrap() {
        check::<Entry>(serde_json::to_value(&e).unwrap());
    }
    check::<Checkpoint>(serde_json::to_value(&cp).unwrap());
    check::<SyncBundle>(
        serde_json::to_value(a.ledger.since(&Checkpoint::empty()).unwrap()).unwrap(),
    );
    check::<InclusionProofDoc>(
        serde_json::to_value(a.ledger.prove_inclusion(3, 12).unwrap()).unwrap(),
    );
    check::<ConsistencyProofDoc>(
        serde_json::to_value(a.ledger.prove_consistency(6, 12).unwrap()).unwrap(),
    );
    check::<VerifyReport>(
        serde_json::to_value(a.ledger.verify(&[k.verifying_key()]).unwrap()).unwrap(),
    );
    // The decision's tag is kebab-case.
    let json = serde_json::to_value(decision(2)).unwrap();
    assert_eq!(json["decision"], "plan-published");
}

/// Timings at 100,000 entries. Run with
/// `cargo test --release -p opm-market --test ledger -- --ignored --nocapture`.
#[test]
#[ignore]
fn a_hundred_thousand_entries() {
    use std::time::Instant;
    const N: u64 = 100_000;
    let (ka, kb) = (key(1), key(2));
    let trusted = [ka.verifying_key(), kb.verifying_key()];
    let mut a = machine();
    let mut b = machine();
    let decisions: Vec<Decision> = (0..N).map(decision).collect();

    let t = Instant::now();
    let cp = a.ledger.append(&decisions, &ka, T0).unwrap();
    eprintln!("append {N} in one transaction: {:?}", t.elapsed());
    let t = Instant::now();
    let one = a.ledger.append(&[decision(N)], &ka, T0).unwrap();
    eprintln!("append 1 more to {N}: {:?}", t.elapsed());
    let t = Instant::now();
    let report = a.ledger.verify(&trusted).unwrap();
    eprintln!("verify {} entries: {:?}", report.entries, t.elapsed());
    assert_eq!(report.root, one.root);

    let t = Instant::now();
    let bundle = a.ledger.since(&Checkpoint::empty()).unwrap();
    let text = bundle.to_json();
    eprintln!("since (empty) → bundle of {} bytes: {:?}", text.len(), t.elapsed());
    let t = Instant::now();
    let bundle = SyncBundle::from_json(&text).unwrap();
    let appended = b.ledger.receive(&bundle, &trusted).unwrap();
    eprintln!("receive {appended} entries: {:?}", t.elapsed());
    assert_eq!(appended, N + 1);

    fill(&mut a.ledger, &ka, N + 1, N + 1001, 1000);
    let t = Instant::now();
    let bundle = a.ledger.since(&b.ledger.latest_checkpoint().unwrap().unwrap()).unwrap();
    let appended = b.ledger.receive(&bundle, &trusted).unwrap();
    eprintln!("delta sync of {appended} entries onto {}: {:?}", N + 1, t.elapsed());
    assert_eq!(root_of(&b.ledger, &trusted), root_of(&a.ledger, &trusted));

    let t = Instant::now();
    let proof = a.ledger.prove_inclusion(N / 2, cp.size).unwrap();
    ledger::verify_inclusion(proof.entry.as_bytes(), &proof, &cp).unwrap();
    eprintln!("prove and check an inclusion at {N}: {:?}", t.elapsed());
    let t = Instant::now();
    let latest = a.ledger.latest_checkpoint().unwrap().unwrap();
    let proof = a.ledger.prove_consistency(cp.size, latest.size).unwrap();
    ledger::verify_consistency(&cp, &latest, &proof).unwrap();
    eprintln!("prove and check a consistency {} → {}: {:?}", cp.size, latest.size, t.elapsed());
    eprintln!("database: {} bytes", std::fs::metadata(&a.path).unwrap().len());
}
