//! The benchmark lab end to end, on a tiny corpus (LLVM and Cranelift, whose objects carry
//! the module's name: the same program must compile to the same binary under every tag) and a
//! temporary database: a run, the same
//! run again (resumed: nothing to do), a second tag of the same thing (`compare` flags
//! nothing), a third with a 20% heavier input (`compare` flags the slowdown and exits 1), the
//! report and the export. One test, so that its timed runs never share the machine with
//! another test of this binary.

mod common;

use common::{driver, run, scratch};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(600);

/// A program whose run time grows with its argument (an FNV-1a hash of `n` × 100000 words).
const WORK: &str = r#"#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 100;
    unsigned long h = 1469598103934665603UL;
    for (long i = 0; i < n * 100000; i++) { h ^= (unsigned long)i; h *= 1099511628211UL; }
    printf("%lu\n", h);
    return 0;
}
"#;

fn bench(db: &Path, args: &[&str]) -> common::Outcome {
    let mut cmd = Command::new(driver());
    cmd.arg("bench").args(args).arg("--db").arg(db);
    run(cmd, LIMIT)
}

fn lab(corpus: &Path, db: &Path, tag: &str) -> common::Outcome {
    let corpus = corpus.to_str().unwrap();
    let args =
        ["--corpus", corpus, "--backends", "llvm,cranelift", "--strategies", "presets", "--quiet"];
    bench(db, &[&args[..], &["--runs", "5", "--jobs", "1", "--tag", tag]].concat())
}

#[test]
fn a_lab_runs_resumes_compares_reports_and_exports() {
    let dir = scratch("lab");
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(corpus.join("work.c"), WORK).unwrap();
    let manifest = |n: &str| format!(r#"{{"programs": {{"work": {{"args": ["{n}"]}}}}}}"#);
    std::fs::write(corpus.join("manifest.json"), manifest("300")).unwrap();
    let db = dir.join("lab.sqlite");
    let _ = std::fs::remove_file(&db);

    let first = lab(&corpus, &db, "a");
    assert_eq!(first.code, Some(0), "{}\n{}", first.stdout_text(), first.stderr_text());
    assert!(first.stdout_text().contains("2 searches run, 0 already measured, 0 failed"));
    let again = lab(&corpus, &db, "a");
    assert!(again.stdout_text().contains("0 searches run, 2 already measured"), "resumed");

    // The same thing under another tag: the same binaries, the same input, nothing flagged.
    assert_eq!(lab(&corpus, &db, "b").code, Some(0));
    let same = bench(&db, &["compare", "a", "b"]);
    let text = same.stdout_text();
    assert_eq!(same.code, Some(0), "{text}");
    assert!(text.contains("regressions: 0") && text.contains("improvements: 0"), "{text}");

    // Every pipeline compiled to the same binary under both tags.
    let hashes = |tag: &str| {
        let out = bench(&db, &["export", tag]).stdout_text();
        let mut v: Vec<String> = out
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .map(|r| format!("{} {} {}", r["backend"], r["pipeline"], r["binary_hash"]))
            .collect();
        v.sort();
        v
    };
    assert_eq!(hashes("a"), hashes("b"));

    // A 20% heavier input: the reference pipeline's run time is flagged, exit status 1.
    std::fs::write(corpus.join("manifest.json"), manifest("360")).unwrap();
    assert_eq!(lab(&corpus, &db, "c").code, Some(0));
    let slower = bench(&db, &["compare", "a", "c"]);
    let text = slower.stdout_text();
    assert_eq!(slower.code, Some(1), "{text}");
    let rows: Vec<&str> =
        text.lines().filter(|l| l.contains("work") && l.contains("runtime_ms")).collect();
    assert!(!rows.is_empty() && text.contains("improvements: 0"), "{text}");
    for row in rows {
        let change = row.split_whitespace().find(|w| w.ends_with('%')).unwrap();
        let change: f64 = change.trim_end_matches('%').parse().unwrap();
        assert!((10.0..35.0).contains(&change), "about +20%: {row}");
    }

    // The report: Markdown with the headline table, and the four charts.
    let out = dir.join("report");
    let report = bench(&db, &["report", "a", "--out", out.to_str().unwrap()]);
    assert_eq!(report.code, Some(0), "{}", report.stderr_text());
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("| llvm |") && md.contains("speedup.svg"), "{md}");
    for chart in ["speedup.svg", "size.svg", "pareto.svg", "progress.svg"] {
        let svg = std::fs::read_to_string(out.join(chart)).unwrap();
        assert!(svg.starts_with("<svg"), "{chart}");
    }

    // The export: one record per pipeline, every sample of the timed runs.
    let export = bench(&db, &["export", "a"]);
    assert_eq!(export.code, Some(0));
    let records: Vec<serde_json::Value> =
        export.stdout_text().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(records.len() >= 3, "the presets: {}", records.len());
    let o2 = records.iter().find(|r| r["pipeline"] == "default<O2>").expect("O2 measured");
    assert_eq!(o2["program"], "work");
    assert_eq!(o2["runtime_ms"].as_array().map(Vec::len), Some(5), "{o2}");

    // Unknown tags are the user's error.
    let unknown = bench(&db, &["compare", "a", "nope"]);
    assert_eq!(unknown.code, Some(2), "{}", unknown.stderr_text());
}
