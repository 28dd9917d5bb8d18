//! The market as a user meets it: signed attestations replayed offline in a fresh process,
//! the registry, and the governance ledger.

mod common;

use common::{clang_compile, corpus, driver, run, scratch};
use opm_market::attest::{Envelope, SigningKey, Statement};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(600);

fn opm(args: &[&str]) -> common::Outcome {
    let mut cmd = Command::new(driver());
    cmd.args(args);
    run(cmd, LIMIT)
}

/// `opm-driver replay` in a fresh process that knows nothing but its arguments: an empty
/// environment with an empty `HOME`, run from another directory.
fn replay_fresh(attestation: &Path, public: &Path, home: &Path) -> common::Outcome {
    std::fs::create_dir_all(home).unwrap();
    let mut cmd = Command::new(driver());
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .current_dir(home)
        .arg("replay")
        .arg(attestation)
        .arg("--public-key")
        .arg(public);
    run(cmd, LIMIT)
}

fn keys(dir: &Path) -> (PathBuf, PathBuf) {
    let key = dir.join("signing.key");
    if !key.exists() {
        let made = opm(&["keys", "generate", "--key", key.to_str().unwrap()]);
        assert_eq!(made.code, Some(0), "{}", made.stderr_text());
    }
    let public = PathBuf::from(format!("{}.pub", key.display()));
    (key, public)
}

fn secret(key: &Path) -> SigningKey {
    opm_market::keys::read_secret(key).unwrap()
}

/// A search on `ir` that signs its winner into `attestation`.
fn attested_search(ir: &Path, attestation: &Path, key: &Path, extra: &[&str]) {
    let mut args = vec![
        "optimize",
        ir.to_str().unwrap(),
        "--quiet",
        "--jobs",
        "1",
        "--attest",
        attestation.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "-o",
    ];
    let out = attestation.with_extension("best");
    args.push(out.to_str().unwrap());
    args.extend_from_slice(extra);
    let o = opm(&args);
    assert_eq!(o.code, Some(0), "{}: {}", ir.display(), o.stderr_text());
}

#[test]
fn replay_in_a_fresh_process_reproduces_every_corpus_search() {
    let dir = scratch("market-replay-corpus");
    let (key, public) = keys(&dir);
    let programs = corpus();
    assert!(programs.len() >= 20, "the corpus has {} programs", programs.len());
    // Two at a time: each program's search, then its replay with nothing but the
    // attestation, the module beside it and the public key.
    let failures: Vec<String> = std::thread::scope(|scope| {
        let chunks: Vec<Vec<PathBuf>> =
            programs.chunks(programs.len().div_ceil(2)).map(|c| c.to_vec()).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let (dir, key, public) = (&dir, &key, &public);
                scope.spawn(move || {
                    let mut failures = Vec::new();
                    for src in chunk {
                        let stem = src.file_stem().unwrap().to_string_lossy().into_owned();
                        let work = dir.join(&stem);
                        std::fs::create_dir_all(&work).unwrap();
                        let ir = work.join(format!("{stem}.ll"));
                        clang_compile(&src, &ir, "-O1", &["-Xclang", "-disable-llvm-passes"])
                            .unwrap();
                        let att = work.join("plan.attestation.json");
                        attested_search(
                            &ir,
                            &att,
                            key,
                            &["--strategy", "random", "--budget-evals", "4", "--no-run"],
                        );
                        let r = replay_fresh(&att, public, &work.join("home"));
                        let text = r.stdout_text();
                        let exact = text.contains("instcount: reproduced")
                            && text.contains("text_bytes: reproduced")
                            && text.ends_with("replay: reproduced\n");
                        if r.code != Some(0) || !exact {
                            failures.push(format!("{stem}: {text}{}", r.stderr_text()));
                        }
                    }
                    failures
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    assert!(failures.is_empty(), "not reproduced:\n{}", failures.join("\n"));
}

/// A statement like `att`'s, changed by `edit`, signed again with `key` into `out`.
fn resigned(att: &Path, key: &Path, out: &Path, edit: impl FnOnce(&mut Statement)) {
    let public = secret(key).verifying_key();
    let envelope = Envelope::from_json(&std::fs::read_to_string(att).unwrap()).unwrap();
    let mut statement = envelope.verify(&public).unwrap();
    edit(&mut statement);
    std::fs::write(out, Envelope::sign(&statement, &secret(key)).to_json()).unwrap();
}

#[test]
fn replay_keeps_a_tool_mismatch_apart_from_a_difference() {
    let dir = scratch("market-replay-claims");
    let (key, public) = keys(&dir);
    let src = common::repo_root().join("bench/corpus/crc32.c");
    let ir = dir.join("crc32.ll");
    clang_compile(&src, &ir, "-O1", &["-Xclang", "-disable-llvm-passes"]).unwrap();
    let att = dir.join("crc32.attestation.json");
    attested_search(&ir, &att, &key, &["--strategy", "presets"]);
    let home = dir.join("home");

    // What was signed replays.
    let ok = replay_fresh(&att, &public, &home);
    assert_eq!(ok.code, Some(0), "{}{}", ok.stdout_text(), ok.stderr_text());

    // A signed claim the plan does not make good: exit 1, the metric named.
    let inflated = dir.join("inflated.json");
    resigned(&att, &key, &inflated, |s| {
        let n = s.predicate.metrics.instcount.unwrap();
        s.predicate.metrics.instcount = Some(n - 1);
    });
    let differs = replay_fresh(&inflated, &public, &home);
    assert_eq!(differs.code, Some(1), "{}", differs.stdout_text());
    assert!(differs.stdout_text().contains("instcount: DIFFERS"), "{}", differs.stdout_text());
    assert!(differs.stdout_text().contains("replay: DIFFERS"), "{}", differs.stdout_text());

    // Attested with another LLVM: not run, exit 3, both versions named.
    let elsewhere = dir.join("elsewhere.json");
    resigned(&att, &key, &elsewhere, |s| {
        s.predicate.tools.insert("llvm".into(), "22.0.0".into());
    });
    let mismatch = replay_fresh(&elsewhere, &public, &home);
    assert_eq!(mismatch.code, Some(3), "{}", mismatch.stdout_text());
    let text = mismatch.stdout_text();
    assert!(
        text.contains("cannot replay: tool mismatch (attested llvm 22.0.0, here 22."),
        "{text}"
    );
    assert!(!text.contains("instcount:"), "nothing is measured: {text}");

    // One byte of the payload changed: rejected before anything runs.
    let mut envelope: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&att).unwrap()).unwrap();
    let mut payload = envelope["payload"].as_str().unwrap().as_bytes().to_vec();
    let at = payload.len() / 3;
    payload[at] = if payload[at] == b'A' { b'B' } else { b'A' };
    envelope["payload"] = String::from_utf8(payload).unwrap().into();
    let tampered = dir.join("tampered.json");
    std::fs::write(&tampered, envelope.to_string()).unwrap();
    let rejected = replay_fresh(&tampered, &public, &home);
    assert_eq!(rejected.code, Some(1));
    assert!(rejected.stderr_text().contains("rejected"), "{}", rejected.stderr_text());

    // Another module under the attested name: rejected by its digest.
    let copy = dir.join("copy");
    std::fs::create_dir_all(&copy).unwrap();
    std::fs::copy(&att, copy.join("a.json")).unwrap();
    std::fs::write(copy.join("crc32.ll"), std::fs::read_to_string(&ir).unwrap() + "\n").unwrap();
    let other = replay_fresh(&copy.join("a.json"), &public, &home);
    assert_eq!(other.code, Some(1));
    assert!(other.stderr_text().contains("is not the attested module"), "{}", other.stderr_text());
}

#[test]
fn the_three_adapters_are_conformant() {
    let dir = scratch("market-conformance");
    let corpus = common::repo_root().join("bench/corpus");
    for backend in ["llvm", "cranelift", "gcc"] {
        let report = dir.join(format!("{backend}.json"));
        let o = opm(&[
            "conformance",
            "--backend",
            backend,
            "--corpus",
            corpus.to_str().unwrap(),
            "--programs",
            "crc32,sieve",
            "--report",
            report.to_str().unwrap(),
        ]);
        let text = o.stdout_text();
        assert_eq!(o.code, Some(0), "{backend}:\n{text}{}", o.stderr_text());
        assert!(text.ends_with(&format!("conformant: {backend} may be admitted\n")), "{text}");
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
        assert_eq!(json["contract"], "ConformanceReport");
        let checks = json["checks"].as_array().unwrap();
        let names: Vec<&str> = checks.iter().map(|c| c["check"].as_str().unwrap()).collect();
        assert_eq!(
            names,
            [
                "tool-versions",
                "determinism",
                "specs-run",
                "presets-preserve-output",
                "unsupported-is-an-error"
            ]
        );
        assert!(checks.iter().all(|c| c["status"] == "pass" && c["required"] == true), "{text}");
        assert!(json["specs"].as_u64().unwrap() >= 20, "{backend} lists its specs");
    }
    // No corpus: a usage error, not a report.
    let none = opm(&[
        "conformance",
        "--backend",
        "llvm",
        "--corpus",
        dir.join("nowhere").to_str().unwrap(),
    ]);
    assert_eq!(none.code, Some(2), "{}", none.stderr_text());
}

fn store_cmd(store: &Path, key: &Path, args: &[&str]) -> common::Outcome {
    let mut cmd = Command::new(driver());
    cmd.arg(args[0]).arg("--store").arg(store).arg("--key").arg(key).args(&args[1..]);
    run(cmd, LIMIT)
}

#[test]
fn a_registry_admits_publishes_finds_and_revokes_and_its_ledger_records_each_decision() {
    let dir = scratch("market-registry");
    let (key, public) = keys(&dir);
    let store = dir.join("store");
    let corpus = common::repo_root().join("bench/corpus");
    let admitted = store_cmd(
        &store,
        &key,
        &[
            "registry",
            "admit",
            "--backend",
            "llvm",
            "--corpus",
            corpus.to_str().unwrap(),
            "--programs",
            "crc32",
        ],
    );
    assert_eq!(admitted.code, Some(0), "{}{}", admitted.stdout_text(), admitted.stderr_text());
    assert!(admitted.stdout_text().contains("checkpoint: size 1 "), "{}", admitted.stdout_text());

    // A search's signed winner, published: its specs are the admitted adapter's.
    let ir = dir.join("crc32.ll");
    clang_compile(&corpus.join("crc32.c"), &ir, "-O1", &["-Xclang", "-disable-llvm-passes"])
        .unwrap();
    let att = dir.join("crc32.attestation.json");
    attested_search(&ir, &att, &key, &["--budget-evals", "16", "--no-run"]);
    let published = store_cmd(
        &store,
        &key,
        &["registry", "publish", att.to_str().unwrap(), "--public-key", public.to_str().unwrap()],
    );
    assert_eq!(published.code, Some(0), "{}", published.stderr_text());
    let id = published.stdout_text().split_whitespace().nth(2).unwrap().to_string();

    // Signed by a key the registry has not been told to trust: refused until it is added.
    let other = dir.join("other");
    std::fs::create_dir_all(&other).unwrap();
    let (other_key, other_public) = keys(&other);
    let att2 = dir.join("crc32.other.json");
    attested_search(&ir, &att2, &other_key, &["--strategy", "presets", "--no-run"]);
    let refused = store_cmd(
        &store,
        &key,
        &[
            "registry",
            "publish",
            att2.to_str().unwrap(),
            "--public-key",
            other_public.to_str().unwrap(),
        ],
    );
    assert_eq!(refused.code, Some(1), "{}", refused.stdout_text());
    assert!(refused.stderr_text().contains("does not trust"), "{}", refused.stderr_text());
    let other_vk = opm_market::keys::read_public(other_public.to_str().unwrap()).unwrap();
    let decision = dir.join("key-added.json");
    std::fs::write(
        &decision,
        serde_json::json!({
            "decision": "key-added",
            "key_id": opm_market::attest::key_id(&other_vk),
            "public_key": opm_market::keys::public_hex(&other_vk),
        })
        .to_string(),
    )
    .unwrap();
    let added = store_cmd(&store, &key, &["ledger", "append", decision.to_str().unwrap()]);
    assert_eq!(added.code, Some(0), "{}", added.stderr_text());
    let again = store_cmd(
        &store,
        &key,
        &[
            "registry",
            "publish",
            att2.to_str().unwrap(),
            "--public-key",
            other_public.to_str().unwrap(),
        ],
    );
    assert_eq!(again.code, Some(0), "{}", again.stderr_text());

    // Discovery: by what a plan improved, by name, by adapter and level.
    let found =
        store_cmd(&store, &key, &["registry", "search", "--improved", "instcount", "--json"]);
    let plans: serde_json::Value = serde_json::from_str(&found.stdout_text()).unwrap();
    assert!(plans.as_array().unwrap().iter().any(|p| p["id"] == id.as_str()), "{plans}");
    let gvn = store_cmd(
        &store,
        &key,
        &["registry", "search", "gvn", "--adapter", "llvm", "--level", "function"],
    );
    assert!(gvn.stdout_text().contains("llvm/gvn "), "{}", gvn.stdout_text());
    let shown = store_cmd(&store, &key, &["registry", "show", &id, "--json"]);
    assert_eq!(shown.code, Some(0), "{}", shown.stderr_text());
    assert!(!shown.stdout_text().contains("define "), "no IR in the registry");

    // Revoked: out of searches, still shown with why.
    let revoked = store_cmd(
        &store,
        &key,
        &["registry", "revoke", &id, "--why", "miscompiles on a newer LLVM"],
    );
    assert_eq!(revoked.code, Some(0), "{}", revoked.stderr_text());
    let found = store_cmd(&store, &key, &["registry", "search", "--improved", "instcount"]);
    assert!(!found.stdout_text().contains(&id), "{}", found.stdout_text());
    let shown = store_cmd(&store, &key, &["registry", "show", &id]);
    assert!(
        shown.stdout_text().contains("revoked: miscompiles on a newer LLVM"),
        "{}",
        shown.stdout_text()
    );

    // Every decision is in the ledger, which verifies.
    let ledger = store_cmd(&store, &key, &["ledger", "show", "--json"]);
    let doc: serde_json::Value = serde_json::from_str(&ledger.stdout_text()).unwrap();
    let kinds: Vec<&str> = doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["decision"]["decision"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["adapter-admitted", "plan-published", "key-added", "plan-published", "plan-revoked"]
    );
    let verified = store_cmd(&store, &key, &["ledger", "verify"]);
    assert_eq!(verified.code, Some(0), "{}", verified.stderr_text());
    assert!(
        verified.stdout_text().starts_with("verified: 5 entries"),
        "{}",
        verified.stdout_text()
    );

    // The module's digest stands for it: no IR in the registry, the ledger or what they keep.
    let ir_text = std::fs::read_to_string(&ir).unwrap();
    let body = ir_text.lines().find(|l| l.starts_with("define ")).unwrap();
    let mut files = vec![store.join("registry.sqlite"), store.join("ledger.sqlite")];
    for kept in ["attestations", "reports"] {
        files.extend(std::fs::read_dir(store.join(kept)).unwrap().map(|e| e.unwrap().path()));
    }
    for f in files {
        let bytes = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
        assert!(
            !bytes.contains(body) && !bytes.contains("source_filename"),
            "{} holds IR",
            f.display()
        );
    }
    use base64::Engine;
    let envelope: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&att).unwrap()).unwrap();
    let payload = base64::engine::general_purpose::STANDARD
        .decode(envelope["payload"].as_str().unwrap())
        .unwrap();
    let statement = String::from_utf8(payload).unwrap();
    assert!(statement.contains("\"sha256\""), "{statement}");
    assert!(!statement.contains(body), "the attestation holds IR");
    // It says what kind of program it was for, and nothing more.
    let bucket =
        serde_json::from_str::<serde_json::Value>(&statement).unwrap()["predicate"]["bucket"]
            .as_str()
            .map(str::to_string)
            .unwrap();
    assert!(opm_market::aggregate::is_bucket(&bucket), "{bucket}");

    // A later search of a program of that kind starts from the plans still published (not
    // the revoked one), and gives its own winner back to the store.
    let warm = opm(&[
        "optimize",
        ir.to_str().unwrap(),
        "--quiet",
        "--no-run",
        "--budget-evals",
        "10",
        // Another objective than the revoked plan's: a winner of its own to publish.
        "--objective",
        "size",
        "--registry",
        store.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "--publish",
    ]);
    assert_eq!(warm.code, Some(0), "{}", warm.stderr_text());
    let said = warm.stderr_text();
    let started = format!(
        "warm start: 1 plan from {} for programs of kind {bucket} (1 measured on programs of \
         this kind",
        store.display()
    );
    assert!(said.contains(&started), "{said}");
    assert!(said.contains("opm-driver: published plan "), "{said}");
    let verified = store_cmd(&store, &key, &["ledger", "verify"]);
    assert!(
        verified.stdout_text().starts_with("verified: 6 entries"),
        "{}",
        verified.stdout_text()
    );
}

/// A store whose ledger holds `n` key-added decisions (one checkpoint per decision).
fn ledger_of(store: &Path, key: &Path, n: usize, seed: u8) {
    std::fs::create_dir_all(store).unwrap();
    let mut ledger = opm_market::ledger::Ledger::open(&store.join("ledger.sqlite")).unwrap();
    let signer = secret(key);
    for i in 0..n {
        let vk = SigningKey::from_bytes(&[seed.wrapping_add(i as u8); 32]).verifying_key();
        let d = opm_market::ledger::Decision::KeyAdded {
            key_id: opm_market::attest::key_id(&vk),
            public_key: opm_market::keys::public_hex(&vk),
        };
        ledger.append(&[d], &signer, 1_800_000_000).unwrap();
    }
}

#[test]
fn a_ledger_names_what_was_changed_behind_its_back_and_proves_offline() {
    let dir = scratch("market-ledger");
    let (key, public) = keys(&dir);
    let store = dir.join("a");
    ledger_of(&store, &key, 30, 1);
    let ok = store_cmd(&store, &key, &["ledger", "verify"]);
    assert_eq!(ok.code, Some(0), "{}", ok.stderr_text());

    // Proofs that anyone with the public key checks without the store.
    let proof = dir.join("inclusion.json");
    let p = store_cmd(&store, &key, &["ledger", "prove", "--index", "17"]);
    assert_eq!(p.code, Some(0), "{}", p.stderr_text());
    std::fs::write(&proof, p.stdout_text()).unwrap();
    let holds = opm(&[
        "ledger",
        "check",
        proof.to_str().unwrap(),
        "--public-key",
        public.to_str().unwrap(),
    ]);
    assert_eq!(holds.code, Some(0), "{}", holds.stderr_text());
    assert!(
        holds.stdout_text().starts_with("holds: entry 17 is in the tree of size 30"),
        "{}",
        holds.stdout_text()
    );
    let mut forged: serde_json::Value = serde_json::from_str(&p.stdout_text()).unwrap();
    forged["inclusion"]["index"] = 16.into();
    std::fs::write(&proof, forged.to_string()).unwrap();
    let fails = opm(&[
        "ledger",
        "check",
        proof.to_str().unwrap(),
        "--public-key",
        public.to_str().unwrap(),
    ]);
    assert_eq!(fails.code, Some(1), "{}", fails.stdout_text());
    let c = store_cmd(&store, &key, &["ledger", "prove", "--old-size", "12"]);
    let consistency = dir.join("consistency.json");
    std::fs::write(&consistency, c.stdout_text()).unwrap();
    let holds = opm(&[
        "ledger",
        "check",
        consistency.to_str().unwrap(),
        "--public-key",
        public.to_str().unwrap(),
    ]);
    assert!(
        holds.stdout_text().starts_with("holds: the tree of size 30 extends the tree of size 12"),
        "{}{}",
        holds.stdout_text(),
        holds.stderr_text()
    );

    // Entry 17 edited behind the ledger's back (its trigger dropped, then restored).
    let tampered = dir.join("tampered");
    std::fs::create_dir_all(&tampered).unwrap();
    std::fs::copy(store.join("ledger.sqlite"), tampered.join("ledger.sqlite")).unwrap();
    let conn = rusqlite::Connection::open(tampered.join("ledger.sqlite")).unwrap();
    let sql: String = conn
        .query_row("SELECT sql FROM sqlite_master WHERE name = 'entries_no_update'", [], |r| {
            r.get(0)
        })
        .unwrap();
    conn.execute_batch("DROP TRIGGER entries_no_update").unwrap();
    let leaf: Vec<u8> =
        conn.query_row("SELECT leaf FROM entries WHERE idx = 17", [], |r| r.get(0)).unwrap();
    let edited = String::from_utf8(leaf).unwrap().replace("1800000000", "1800000001");
    conn.execute("UPDATE entries SET leaf = ?1 WHERE idx = 17", [edited.as_bytes()]).unwrap();
    conn.execute_batch(&sql).unwrap();
    drop(conn);
    let bad = store_cmd(&tampered, &key, &["ledger", "verify"]);
    assert_eq!(bad.code, Some(1), "{}", bad.stdout_text());
    assert!(bad.stderr_text().contains("entry 17 "), "{}", bad.stderr_text());

    // A store behind syncs; one whose tail was cut, and has grown otherwise since, is a fork.
    let behind = dir.join("behind");
    std::fs::create_dir_all(&behind).unwrap();
    let synced = store_cmd(&behind, &key, &["ledger", "sync", "--from", store.to_str().unwrap()]);
    assert_eq!(synced.code, Some(0), "{}", synced.stderr_text());
    assert!(synced.stdout_text().starts_with("appended 30 entries"), "{}", synced.stdout_text());
    ledger_of(&store, &key, 5, 100);
    let delta = store_cmd(&behind, &key, &["ledger", "sync", "--from", store.to_str().unwrap()]);
    assert!(delta.stdout_text().starts_with("appended 5 entries"), "{}", delta.stdout_text());
    let forked = dir.join("forked");
    ledger_of(&forked, &key, 30, 1);
    ledger_of(&forked, &key, 5, 200);
    let fork = store_cmd(&behind, &key, &["ledger", "sync", "--from", forked.to_str().unwrap()]);
    assert_eq!(fork.code, Some(1), "{}", fork.stdout_text());
    assert!(fork.stderr_text().contains("a fork at size 35"), "{}", fork.stderr_text());
    let still = store_cmd(&behind, &key, &["ledger", "verify"]);
    assert!(
        still.stdout_text().starts_with("verified: 35 entries"),
        "nothing appended: {}",
        still.stdout_text()
    );
}

#[test]
fn a_finished_search_or_one_over_every_backend_is_attested_and_replays() {
    let dir = scratch("market-attest-sign");
    let (key, public) = keys(&dir);
    let src = common::repo_root().join("bench/corpus/sieve.c");
    let ir = dir.join("sieve.ll");
    clang_compile(&src, &ir, "-O1", &["-Xclang", "-disable-llvm-passes"]).unwrap();
    let home = dir.join("home");

    // After the search: from the report it printed.
    let o = opm(&[
        "optimize",
        ir.to_str().unwrap(),
        "--quiet",
        "--json",
        "--budget-evals",
        "6",
        "--no-run",
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    let report = dir.join("report.json");
    std::fs::write(&report, o.stdout_text()).unwrap();
    let att = dir.join("signed-after.json");
    let signed = opm(&[
        "attest",
        "sign",
        report.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "-o",
        att.to_str().unwrap(),
    ]);
    assert_eq!(signed.code, Some(0), "{}", signed.stderr_text());
    let r = replay_fresh(&att, &public, &home);
    assert_eq!(r.code, Some(0), "{}{}", r.stdout_text(), r.stderr_text());
    let best: serde_json::Value = serde_json::from_str(&o.stdout_text()).unwrap();
    let n = best["best"]["metrics"]["instcount"].as_u64().unwrap();
    assert!(
        r.stdout_text().contains(&format!("instcount: reproduced: attested {n}, here {n}")),
        "{}",
        r.stdout_text()
    );
    // Not the module searched: refused.
    let other = dir.join("other.ll");
    clang_compile(
        &common::repo_root().join("bench/corpus/crc32.c"),
        &other,
        "-O1",
        &["-Xclang", "-disable-llvm-passes"],
    )
    .unwrap();
    let wrong = opm(&[
        "attest",
        "sign",
        report.to_str().unwrap(),
        "--module",
        other.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "-o",
        dir.join("x.json").to_str().unwrap(),
    ]);
    assert_eq!(wrong.code, Some(1), "{}", wrong.stderr_text());
    assert!(
        wrong.stderr_text().contains("not the module the search was for"),
        "{}",
        wrong.stderr_text()
    );

    // Over every backend: the best single backend's search is attested.
    let all = dir.join("all.json");
    let o = opm(&[
        "optimize",
        ir.to_str().unwrap(),
        "--quiet",
        "--backend",
        "all",
        "--budget-evals",
        "12",
        "--no-run",
        "--attest",
        all.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    let r = replay_fresh(&all, &public, &home);
    assert_eq!(r.code, Some(0), "{}{}", r.stdout_text(), r.stderr_text());
    assert!(r.stdout_text().contains("text_bytes: reproduced"), "{}", r.stdout_text());
}

/// `opm-driver … --server URL --ca CA --token TOKEN ARGS…` (the token by environment, as a
/// user keeps it out of the shell's history).
fn remote(command: &str, url: &str, ca: &Path, token: &str, args: &[&str]) -> common::Outcome {
    let mut cmd = Command::new(driver());
    cmd.env("OPM_REGISTRY_TOKEN", token)
        .arg(command)
        .args(args)
        .arg("--server")
        .arg(url)
        .arg("--ca")
        .arg(ca);
    run(cmd, LIMIT)
}

#[test]
fn a_registry_server_admits_publishes_and_serves_over_tls_and_its_ledger_syncs() {
    use opm_server::access::{Access, Role};
    let dir = scratch("market-server");
    let (key, public) = keys(&dir);
    // The registry's machine: a CA, a certificate for 127.0.0.1, tokens, the server.
    let ca = opm_server::certs::new_ca("test registry CA").unwrap();
    let pki = dir.join("pki");
    let (ca_pem, _) = opm_server::certs::write(&ca, &pki, "ca").unwrap();
    let cert = opm_server::certs::server_cert(&ca, &["127.0.0.1".to_string()]).unwrap();
    let (cert, cert_key) = opm_server::certs::write(&cert, &pki, "server").unwrap();
    let store = dir.join("registry-store");
    std::fs::create_dir_all(&store).unwrap();
    let access = Access::open(&store.join("access.sqlite")).unwrap();
    let admin = access.add("admin", Role::Admin, 0).unwrap();
    let publisher = access.add("pat", Role::Publisher, 0).unwrap();
    let reader = access.add("ann", Role::Reader, 0).unwrap();
    let server_key = dir.join("registry.key");
    let server_secret = opm_market::keys::generate(&server_key).unwrap();
    let server_public = dir.join("registry.pub");
    std::fs::write(&server_public, opm_market::keys::public_text(&server_secret.verifying_key()))
        .unwrap();
    let server = opm_server::start(opm_server::Config {
        store: store.clone(),
        signing_key: server_key,
        listen: "127.0.0.1:0".parse().unwrap(),
        tls: Some(opm_server::tls::TlsFiles { cert, key: cert_key, client_ca: None }),
        body_limit: 4 << 20,
        rate: 1000,
        burst: 1000,
        reload_every: Duration::from_secs(60),
        epsilon: 1.0,
        release_epsilon: 0.1,
    })
    .unwrap();
    let url = server.url.clone();

    // The admin runs conformance on their machine and sends the report.
    let corpus = common::repo_root().join("bench/corpus");
    let admitted = remote(
        "registry",
        &url,
        &ca_pem,
        &admin,
        &[
            "admit",
            "--backend",
            "llvm",
            "--corpus",
            corpus.to_str().unwrap(),
            "--programs",
            "crc32",
        ],
    );
    assert_eq!(admitted.code, Some(0), "{}{}", admitted.stdout_text(), admitted.stderr_text());
    assert!(admitted.stdout_text().contains("checkpoint: size 1 "), "{}", admitted.stdout_text());
    let added = remote("registry", &url, &ca_pem, &admin, &["add-key", public.to_str().unwrap()]);
    assert_eq!(added.code, Some(0), "{}", added.stderr_text());

    // A publisher's signed search, published over the network.
    let ir = dir.join("crc32.ll");
    clang_compile(&corpus.join("crc32.c"), &ir, "-O1", &["-Xclang", "-disable-llvm-passes"])
        .unwrap();
    let att = dir.join("crc32.attestation.json");
    attested_search(&ir, &att, &key, &["--budget-evals", "12", "--no-run"]);
    let publish = ["publish", att.to_str().unwrap(), "--public-key", public.to_str().unwrap()];
    // A reader may not.
    let refused = remote("registry", &url, &ca_pem, &reader, &publish);
    assert_eq!(refused.code, Some(1), "{}", refused.stdout_text());
    assert!(refused.stderr_text().contains("403"), "{}", refused.stderr_text());
    let published = remote("registry", &url, &ca_pem, &publisher, &publish);
    assert_eq!(published.code, Some(0), "{}", published.stderr_text());
    let text = published.stdout_text();
    assert!(text.starts_with("published plan ") && text.contains("checkpoint: size 3 "), "{text}");
    let id = text.split_whitespace().nth(2).unwrap().to_string();

    // Anyone with a reader's token finds and reads it.
    let found = remote("registry", &url, &ca_pem, &reader, &["search", "--improved", "instcount"]);
    assert_eq!(found.code, Some(0), "{}", found.stderr_text());
    assert!(found.stdout_text().contains(&id), "{}", found.stdout_text());
    let shown = remote("registry", &url, &ca_pem, &reader, &["show", &id]);
    assert_eq!(shown.code, Some(0), "{}", shown.stderr_text());
    assert!(shown.stdout_text().starts_with(&format!("plan {id}\n")), "{}", shown.stdout_text());

    // Another machine's store follows the registry's ledger over the network, verified.
    let mirror = dir.join("mirror");
    let synced = remote(
        "ledger",
        &url,
        &ca_pem,
        &reader,
        &[
            "sync",
            "--store",
            mirror.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
            "--public-key",
            server_public.to_str().unwrap(),
        ],
    );
    assert_eq!(synced.code, Some(0), "{}", synced.stderr_text());
    assert!(synced.stdout_text().starts_with("appended 3 entries"), "{}", synced.stdout_text());
    let verified = opm(&[
        "ledger",
        "verify",
        "--store",
        mirror.to_str().unwrap(),
        "--public-key",
        server_public.to_str().unwrap(),
    ]);
    assert_eq!(verified.code, Some(0), "{}", verified.stderr_text());
    assert!(
        verified.stdout_text().starts_with("verified: 3 entries"),
        "{}",
        verified.stdout_text()
    );

    // Searches that start warm: a publisher's search gives its winner back as a plan and as
    // a privacy-budgeted signal of its program's kind; a reader's later search of a program
    // of that kind is offered the plan and evaluates it first; a reader may not publish.
    let warm = |token: &str, extra: &[&str]| {
        let mut cmd = Command::new(driver());
        cmd.env("OPM_REGISTRY_TOKEN", token)
            .args(["optimize", ir.to_str().unwrap(), "--quiet", "--no-run", "--registry", &url])
            .arg("--ca")
            .arg(&ca_pem)
            .args(extra);
        run(cmd, LIMIT)
    };
    let key_arg = key.to_str().unwrap();
    let given = warm(&publisher, &["--budget-evals", "14", "--key", key_arg, "--publish"]);
    assert_eq!(given.code, Some(0), "{}", given.stderr_text());
    let said = given.stderr_text();
    assert!(said.contains(&format!("warm start: 0 plans from {url} ")), "{said}");
    let plan_line = said.lines().find(|l| l.starts_with("opm-driver: published plan ")).unwrap();
    // `published plan ID (llvm: PIPELINE)`, then ` (published before; …)` for the same one.
    let pipeline = plan_line.split_once("(llvm: ").unwrap().1;
    let pipeline = pipeline.split(" (published before").next().unwrap();
    let pipeline = pipeline.strip_suffix(')').unwrap();
    assert!(said.contains("shared its ratio "), "{said}");
    let signals = dir.join("warm.jsonl");
    let reader_run =
        warm(&reader, &["--budget-evals", "10", "--signals", signals.to_str().unwrap()]);
    assert_eq!(reader_run.code, Some(0), "{}", reader_run.stderr_text());
    assert!(
        reader_run.stderr_text().contains(&format!("warm start: 1 plan from {url} ")),
        "{}",
        reader_run.stderr_text()
    );
    // Evaluated in the first batch, with the baselines (of which it may be one).
    let first: Vec<serde_json::Value> = std::fs::read_to_string(&signals)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|s: &serde_json::Value| s["origin"] == "preset" || s["origin"] == "registry")
        .collect();
    assert!(first.iter().any(|s| s["pipeline"] == pipeline), "{pipeline} not in {first:?}");
    let refused = warm(&reader, &["--budget-evals", "6", "--key", key_arg, "--publish"]);
    assert_eq!(refused.code, Some(1), "{}", refused.stderr_text());
    assert!(refused.stderr_text().contains("403"), "{}", refused.stderr_text());
    assert!(refused.stdout_text().contains("best (instcount "), "{}", refused.stdout_text());
    server.stop().unwrap();
}
