//! Adapters that break their contract are refused, with the check named: one lists a pass it
//! cannot run, one gives another object every time. Both wrap the real LLVM adapter; the
//! well-behaved wrapper passes, so the checks refuse what is broken and nothing else.

use opm_backend::{Backend, BackendKind, Compiler, Error, Pipeline, Space};
use opm_conformance::{Isolation, Options, Program, Subject, check};
use opm_market::Status;
use std::path::Path;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

#[derive(Clone, Copy, PartialEq)]
enum Flaw {
    None,
    ListsAPassItCannotRun,
    DiffersBetweenRuns,
}

struct Wrapped {
    llvm: Box<dyn Backend>,
    flaw: Flaw,
}

impl Backend for Wrapped {
    fn kind(&self) -> BackendKind {
        self.llvm.kind()
    }
    fn tool_versions(&self) -> Vec<(String, String)> {
        self.llvm.tool_versions()
    }
    fn space(&self) -> Space {
        self.llvm.space()
    }
    fn parse_pipeline(&self, text: &str) -> Result<Pipeline, Error> {
        self.llvm.parse_pipeline(text)
    }
    fn prepare(&self, module: &opm_ir::Module) -> Result<Box<dyn Compiler>, Error> {
        let inner = self.llvm.prepare(module)?;
        Ok(Box::new(Stamping { inner, flaw: self.flaw }))
    }
    fn listing(&self, json: bool) -> String {
        let mut listing = self.llvm.listing(json);
        if self.flaw == Flaw::ListsAPassItCannotRun {
            listing.push_str(
                "{\"about\":\"folds everything\",\"level\":\"function\",\"name\":\"frobnicate\",\
                 \"search\":true,\"text\":\"function(frobnicate)\"}\n",
            );
        }
        listing
    }
}

/// Each object it returns ends with a byte counted up across compilations.
struct Stamping {
    inner: Box<dyn Compiler>,
    flaw: Flaw,
}

static STAMP: AtomicU8 = AtomicU8::new(0);

impl Compiler for Stamping {
    fn compile(&mut self, pipeline: &Pipeline, limit: Duration) -> Result<Vec<u8>, Error> {
        let mut object = self.inner.compile(pipeline, limit)?;
        if self.flaw == Flaw::DiffersBetweenRuns {
            object.push(STAMP.fetch_add(1, Ordering::Relaxed));
        }
        Ok(object)
    }
}

fn program(dir: &Path) -> Program {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/corpus/crc32.c");
    let ir = dir.join("crc32.ll");
    let out = std::process::Command::new("clang-22")
        .args(["-O1", "-Xclang", "-disable-llvm-passes", "-S", "-emit-llvm", "-w"])
        .arg(&src)
        .arg("-o")
        .arg(&ir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Program { name: "crc32".into(), ir, args: Vec::new() }
}

fn statuses(flaw: Flaw) -> (bool, Vec<(String, Status)>, String, opm_market::ConformanceReport) {
    let dir = tempfile::tempdir().unwrap();
    let llvm = opm_engine::backends::open(BackendKind::Llvm).unwrap();
    let adapter = Wrapped { llvm, flaw };
    let subject = Subject { backend: &adapter, isolation: Isolation::InProcess, claimed: None };
    let opts =
        Options { programs: vec![program(dir.path())], jobs: 2, limit: Duration::from_secs(120) };
    let report = check(&subject, &opts);
    let statuses = report.checks.iter().map(|c| (c.check.clone(), c.status)).collect();
    (report.conformant(), statuses, report.render(), report)
}

fn status_of(statuses: &[(String, Status)], check: &str) -> Status {
    statuses.iter().find(|(c, _)| c == check).map(|(_, s)| *s).unwrap()
}

#[test]
fn an_adapter_that_keeps_its_contract_passes() {
    let (conformant, statuses, text, _) = statuses(Flaw::None);
    assert!(conformant, "{text}");
    assert_eq!(statuses.len(), 5, "{text}");
}

#[test]
fn an_adapter_listing_a_pass_it_cannot_run_is_refused_naming_the_check() {
    let (conformant, statuses, text, _) = statuses(Flaw::ListsAPassItCannotRun);
    assert!(!conformant, "{text}");
    assert_eq!(status_of(&statuses, "specs-run"), Status::Fail, "{text}");
    assert_eq!(status_of(&statuses, "determinism"), Status::Pass, "{text}");
    assert!(text.contains("llvm/frobnicate (`function(frobnicate)`): refused"), "{text}");
    assert!(text.contains("NOT conformant: llvm fails specs-run\n"), "{text}");
}

#[test]
fn an_adapter_whose_output_differs_between_runs_is_refused_naming_the_check() {
    let (conformant, statuses, text, _) = statuses(Flaw::DiffersBetweenRuns);
    assert!(!conformant, "{text}");
    assert_eq!(status_of(&statuses, "determinism"), Status::Fail, "{text}");
    assert_eq!(status_of(&statuses, "specs-run"), Status::Pass, "{text}");
    assert!(text.contains("NOT conformant: llvm fails determinism\n"), "{text}");
}

#[test]
fn a_report_is_a_contract_that_reads_back() {
    let (_, _, _, report) = statuses(Flaw::DiffersBetweenRuns);
    let text = opm_market::Contract::new(report.clone()).to_json();
    let back: opm_market::Contract<opm_market::ConformanceReport> =
        opm_market::Contract::from_json(&text).unwrap();
    assert_eq!(back.body, report);
    assert_eq!(back.body.failed(), vec!["determinism".to_string()]);
}
