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
