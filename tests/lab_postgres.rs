//! The lab on PostgreSQL (`--db postgres://…`), on a cluster this test starts itself (a
//! temporary directory, a port on 127.0.0.1) and stops: the same lab on SQLite and on
//! PostgreSQL measures the same instruction counts and sizes; a run resumes; `compare`,
//! `report` and `export` read PostgreSQL as they read SQLite; the schema is versioned there
//! too (a newer one is refused); a server that is not there is a clear error, exit 2, which
//! never shows the URL's password.

mod common;

use common::postgres::Cluster;
use common::{driver, run, scratch};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(600);

const SUM: &str = r#"#include <stdio.h>
int main(void) {
    unsigned s = 0;
    for (unsigned i = 0; i < 1000; i++) s += i * i ^ (s >> 3);
    printf("%u\n", s);
    return 0;
}
"#;

const TABLE: &str = r#"#include <stdio.h>
static int t[64];
int main(void) {
    for (int i = 0; i < 64; i++) t[i] = i * 7 % 13;
    long s = 0;
    for (int r = 0; r < 100; r++) for (int i = 0; i < 64; i++) s += t[(i + r) % 64];
    printf("%ld\n", s);
    return 0;
}
"#;

fn bench(db: &str, args: &[&str]) -> common::Outcome {
    let mut cmd = Command::new(driver());
    cmd.arg("bench").args(args).args(["--db", db]);
    run(cmd, LIMIT)
}

/// Presets and a seeded random search on LLVM and Cranelift, for the smallest code.
fn lab(corpus: &Path, db: &str, tag: &str) -> common::Outcome {
    let corpus = corpus.to_str().unwrap();
    bench(
        db,
        &[
            "--corpus",
            corpus,
            "--backends",
            "llvm,cranelift",
            "--strategies",
            "presets,random",
            "--objective",
            "size",
            "--budget-evals",
            "6",
            "--jobs",
            "1",
            "--seed",
            "3",
            "--quiet",
            "--tag",
            tag,
        ],
    )
}

/// Per program, backend and pipeline: the instruction count, the `.text` size and the
/// verdicts, from `bench export`.
fn results(db: &str, tag: &str) -> BTreeSet<String> {
    let out = bench(db, &["export", tag]);
    assert_eq!(out.code, Some(0), "{}", out.stderr_text());
    out.stdout_text()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|r| {
            let fields = ["program", "backend", "pipeline", "instcount", "text_bytes", "verdicts"];
            fields.map(|f| r[f].to_string()).join(" ")
        })
        .collect()
}

#[test]
fn a_lab_on_postgresql_measures_what_it_measures_on_sqlite() {
    let dir = scratch("lab-postgres");
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(corpus.join("sum.c"), SUM).unwrap();
    std::fs::write(corpus.join("table.c"), TABLE).unwrap();
    let cluster = Cluster::start();
    let pg = cluster.database("lab");
    let sqlite = dir.join("lab.sqlite");
    let sqlite = sqlite.to_str().unwrap();

    let on_sqlite = lab(&corpus, sqlite, "a");
    assert_eq!(on_sqlite.code, Some(0), "{}", on_sqlite.stderr_text());
    let on_pg = lab(&corpus, &pg, "a");
    let text = on_pg.stdout_text();
    assert_eq!(on_pg.code, Some(0), "{text}\n{}", on_pg.stderr_text());
    assert!(text.contains("8 searches run, 0 already measured, 0 failed"), "{text}");
    assert!(text.contains(&format!("database {pg}")), "{text}");
    let expected = results(sqlite, "a");
    assert!(expected.len() >= 8, "{expected:?}");
    assert_eq!(results(&pg, "a"), expected, "the same measurements on both databases");

    // Resumed: nothing to do.
    let again = lab(&corpus, &pg, "a");
    assert!(again.stdout_text().contains("0 searches run, 8 already measured"), "resumed");

    // A second tag, compared with the first: the same code, nothing flagged.
    assert_eq!(lab(&corpus, &pg, "b").code, Some(0));
    let same = bench(&pg, &["compare", "a", "b"]);
    let text = same.stdout_text();
    assert_eq!(same.code, Some(0), "{text}\n{}", same.stderr_text());
    assert!(text.contains("regressions: 0") && text.contains("improvements: 0"), "{text}");

    let out = dir.join("report");
    let report = bench(&pg, &["report", "a", "--out", out.to_str().unwrap()]);
    assert_eq!(report.code, Some(0), "{}", report.stderr_text());
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("| llvm |") && md.contains("| cranelift |"), "{md}");

    let unknown = bench(&pg, &["export", "nope"]);
    assert_eq!(unknown.code, Some(2));
    assert!(unknown.stderr_text().contains("no run tagged `nope`"), "{}", unknown.stderr_text());

    // The schema's version is kept in the database; one written by a newer opm is refused.
    let mut client = postgres::Client::connect(&pg, postgres::NoTls).unwrap();
    let version: i64 = client.query_one("SELECT version FROM opm_schema", &[]).unwrap().get(0);
    assert_eq!(version, opm_lab::store::PG_SCHEMA_VERSION);
    client.execute("UPDATE opm_schema SET version = 99", &[]).unwrap();
    let newer = bench(&pg, &["export", "a"]);
    assert_eq!(newer.code, Some(2));
    assert!(newer.stderr_text().contains("schema version 99"), "{}", newer.stderr_text());

    // No server there: a clear error, exit 2, and the password is not shown.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let gone = format!("postgres://opm:s3cret@127.0.0.1:{port}/lab");
    let refused = lab(&corpus, &gone, "c");
    let err = refused.stderr_text();
    assert_eq!(refused.code, Some(2), "{err}");
    assert!(err.contains("PostgreSQL") && err.contains("connect"), "{err}");
    assert!(!err.contains("s3cret") && !refused.stdout_text().contains("s3cret"), "{err}");
}
