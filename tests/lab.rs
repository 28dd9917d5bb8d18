//! The benchmark lab end to end, on a tiny corpus (LLVM and Cranelift, whose objects carry
//! the module's name: the same program must compile to the same binary under every tag) and a
//! temporary database: a run, the same run again (resumed: nothing to do), a second tag of the
//! same thing (`compare` flags nothing: the same binaries are never flagged), a third tag whose
//! program has more code (`-DEXTRA`: its `.text` and instruction count grow whatever the
//! machine's load, so `compare` flags them and exits 1), the report and the export (run times
//! on both clocks, judged in CPU time). Nothing here depends on timing: how run times are
//! judged is tested on recorded samples (`opm-lab`'s `compare` and `report` tests). One test, so that its timed runs never share the machine with
//! another test of this binary.

mod common;

use common::{driver, run, scratch};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(600);

/// A program whose run time grows with its argument (an FNV-1a hash of `n` × 100000 words);
/// built with `-DEXTRA`, it also hashes `n` once more, which takes more code.
const WORK: &str = r#"#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 100;
    unsigned long h = 1469598103934665603UL;
    for (long i = 0; i < n * 100000; i++) { h ^= (unsigned long)i; h *= 1099511628211UL; }
    printf("%lu\n", h);
#ifdef EXTRA
    unsigned long g = (unsigned long)n;
    for (long i = 0; i < n; i++) { g = g * 31 + (unsigned long)(i ^ (i >> 3)); }
    printf("%lu\n", g);
#endif
    return 0;
}
"#;

fn bench(db: &Path, args: &[&str]) -> common::Outcome {
    let mut cmd = Command::new(driver());
    cmd.arg("bench").args(args).arg("--db").arg(db);
    run(cmd, LIMIT)
}

/// A lab of the presets on LLVM and Cranelift; `quiet: false` shows its progress (on stderr,
/// which is not a terminal here: a line per ended task).
fn lab(corpus: &Path, db: &Path, tag: &str, quiet: bool) -> common::Outcome {
    let corpus = corpus.to_str().unwrap();
    let args = ["--corpus", corpus, "--backends", "llvm,cranelift", "--strategies", "presets"];
    let quiet: &[&str] = if quiet { &["--quiet"] } else { &[] };
    bench(db, &[&args[..], quiet, &["--runs", "5", "--jobs", "1", "--tag", tag]].concat())
}

#[test]
fn a_lab_runs_resumes_compares_reports_and_exports() {
    let dir = scratch("lab");
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(corpus.join("work.c"), WORK).unwrap();
    let manifest = |cflags: &str| {
        format!(r#"{{"programs": {{"work": {{"args": ["30"], "cflags": [{cflags}]}}}}}}"#)
    };
    std::fs::write(corpus.join("manifest.json"), manifest("")).unwrap();
    let db = dir.join("lab.sqlite");
    let _ = std::fs::remove_file(&db);

    let first = lab(&corpus, &db, "a", false);
    assert_eq!(first.code, Some(0), "{}\n{}", first.stdout_text(), first.stderr_text());
    assert!(first.stdout_text().contains("2 searches run, 0 already measured, 0 failed"));
    // Progress without a terminal: one plain line per task, no escape codes.
    let progress = first.stderr_text();
    assert!(progress.contains("1/2 work · llvm · presets: done\n"), "{progress}");
    assert!(progress.contains("2/2 work · cranelift · presets: done\n"), "{progress}");
    assert!(!progress.contains('\x1b') && !progress.contains('\r'), "{progress:?}");
    let again = lab(&corpus, &db, "a", false);
    assert!(again.stdout_text().contains("0 searches run, 2 already measured"), "resumed");
    assert!(again.stderr_text().contains("1/2 work · llvm · presets: already measured"));

    // The same thing under another tag: the same binaries, the same input, nothing flagged.
    assert_eq!(lab(&corpus, &db, "b", true).code, Some(0));
    let same = bench(&db, &["compare", "a", "b"]);
    let text = same.stdout_text();
    assert_eq!(same.code, Some(0), "{text}");
    assert!(text.contains("regressions: 0") && text.contains("improvements: 0"), "{text}");
    // Per backend: the reference's run time, the smallest `.text` and instruction count.
    assert!(text.contains("not flagged: 6 ("), "{text}");
    // Run times compared in CPU time, which both runs recorded.
    assert!(text.contains("run times: CPU time (cpu_ms)"), "{text}");

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

    // More code (`-DEXTRA`): every backend's smallest `.text` and instruction count grow, which
    // no load on the machine changes; flagged, exit status 1.
    std::fs::write(corpus.join("manifest.json"), manifest(r#""-DEXTRA""#)).unwrap();
    assert_eq!(lab(&corpus, &db, "c", true).code, Some(0));
    let larger = bench(&db, &["compare", "a", "c"]);
    let text = larger.stdout_text();
    assert_eq!(larger.code, Some(1), "{text}");
    let regressions = text.split("improvements:").next().unwrap();
    for backend in ["llvm", "cranelift"] {
        for metric in ["text_bytes", "instcount"] {
            let row = regressions.lines().find(|l| {
                let words: Vec<&str> = l.split_whitespace().collect();
                words.starts_with(&["work", backend, metric])
            });
            let row = row.unwrap_or_else(|| panic!("{backend} {metric} not flagged:\n{text}"));
            let change = row.split_whitespace().find(|w| w.ends_with('%')).unwrap();
            let change: f64 = change.trim_end_matches('%').parse().unwrap();
            assert!(change >= 1.0, "{row}");
        }
    }

    // The report: Markdown with the headline table, and the four charts.
    let out = dir.join("report");
    let report = bench(&db, &["report", "a", "--out", out.to_str().unwrap()]);
    assert_eq!(report.code, Some(0), "{}", report.stderr_text());
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("| llvm |") && md.contains("speedup.svg"), "{md}");
    // Run times in CPU time; each program's noise and the timing rules stated.
    assert!(md.contains("run time ms (CPU)") && md.contains("noise (CV of O2)"), "{md}");
    assert!(md.contains("## Timing"), "{md}");
    for chart in ["speedup.svg", "size.svg", "pareto.svg", "progress.svg"] {
        let svg = std::fs::read_to_string(out.join(chart)).unwrap();
        assert!(svg.starts_with("<svg"), "{chart}");
    }

    // The export: one record per pipeline, every sample of the timed runs, compile times
    // without opm's checks.
    let export = bench(&db, &["export", "a"]);
    assert_eq!(export.code, Some(0));
    let records: Vec<serde_json::Value> =
        export.stdout_text().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(records.len() >= 3, "the presets: {}", records.len());
    let o2 = records.iter().find(|r| r["pipeline"] == "default<O2>").expect("O2 measured");
    assert_eq!(o2["program"], "work");
    assert_eq!(o2["runtime_ms"].as_array().map(Vec::len), Some(5), "{o2}");
    // The same runs' CPU time, beside their wall-clock time.
    assert_eq!(o2["cpu_ms"].as_array().map(Vec::len), Some(5), "{o2}");
    assert!(o2["compile_ms"].as_array().is_some_and(|c| !c.is_empty()), "{o2}");

    // Unknown tags are the user's error.
    let unknown = bench(&db, &["compare", "a", "nope"]);
    assert_eq!(unknown.code, Some(2), "{}", unknown.stderr_text());
}
