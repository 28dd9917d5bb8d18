//! The pass catalog against LLVM 22 itself: every entry (wrapped at its level) and every preset
//! must parse and run, with the verifier after each pass, on a small real module; levels and
//! parameters must be the ones `opt --print-passes` lists.
//!
//! `opt --print-passes` needs `/usr/lib/llvm-22/bin` (`apt-get install llvm-22`); without it
//! that test fails and says so.

use opm_llvm::catalog::{self, Level, PRESETS, PassInfo};
use opm_llvm::inkwell::context::Context;
use opm_llvm::{Codegen, CodegenLevel, parse_bytes};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Command;

/// A loop nest, a loop with a call to an internal function, a global and a constant table,
/// an alloca. No loop exits through a switch and no control flow is irreducible: LLVM 22
/// crashes on those with `unify-loop-exits` and `fix-irreducible` (search: false; see
/// `tests/data/crash_*.ll` at the repository's root).
const MODULE: &str = r#"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

@counter = global i32 0, align 4
@table = internal constant [8 x i32] [i32 3, i32 1, i32 4, i32 1, i32 5, i32 9, i32 2, i32 6], align 16

define internal i32 @square(i32 %x) {
  %m = mul nsw i32 %x, %x
  ret i32 %m
}

define i32 @sum(ptr %a, i32 %n) {
entry:
  %s.addr = alloca i32, align 4
  store i32 0, ptr %s.addr, align 4
  %pos = icmp sgt i32 %n, 0
  br i1 %pos, label %loop, label %exit

loop:
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %idx = zext i32 %i to i64
  %p = getelementptr inbounds i32, ptr %a, i64 %idx
  %v = load i32, ptr %p, align 4
  %sq = call i32 @square(i32 %v)
  %k = and i32 %i, 7
  %kk = zext i32 %k to i64
  %tp = getelementptr inbounds [8 x i32], ptr @table, i64 0, i64 %kk
  %t = load i32, ptr %tp, align 4
  %s = load i32, ptr %s.addr, align 4
  %add = add nsw i32 %sq, %t
  %s.next = add nsw i32 %s, %add
  store i32 %s.next, ptr %s.addr, align 4
  %c = load i32, ptr @counter, align 4
  %c.next = add nsw i32 %c, 1
  store i32 %c.next, ptr @counter, align 4
  %i.next = add nuw nsw i32 %i, 1
  %more = icmp slt i32 %i.next, %n
  br i1 %more, label %loop, label %exit

exit:
  %r = load i32, ptr %s.addr, align 4
  ret i32 %r
}

define i32 @main() {
entry:
  %m = alloca [16 x i32], align 16
  br label %outer

outer:
  %i = phi i64 [ 0, %entry ], [ %i.next, %latch ]
  br label %inner

inner:
  %j = phi i64 [ 0, %outer ], [ %j.next, %inner ]
  %ij = mul nuw nsw i64 %i, %j
  %v = trunc i64 %ij to i32
  %row = mul nuw nsw i64 %j, 4
  %idx = add nuw nsw i64 %row, %i
  %p = getelementptr inbounds i32, ptr %m, i64 %idx
  store i32 %v, ptr %p, align 4
  %j.next = add nuw nsw i64 %j, 1
  %j.more = icmp ult i64 %j.next, 4
  br i1 %j.more, label %inner, label %latch

latch:
  %i.next = add nuw nsw i64 %i, 1
  %i.more = icmp ult i64 %i.next, 4
  br i1 %i.more, label %outer, label %done

done:
  %s = call i32 @sum(ptr %m, i32 16)
  %r = and i32 %s, 255
  ret i32 %r
}
"#;

/// Runs `pipeline` over a fresh copy of [`MODULE`] with the verifier after each pass, then
/// verifies the result.
fn run(codegen: &Codegen, pipeline: &str) -> Result<(), String> {
    let ctx = Context::create();
    let module =
        parse_bytes(&ctx, MODULE.as_bytes(), "catalog.ll").expect("the test module parses");
    module.verify().expect("the test module verifies");
    codegen.run_pipeline(&module, pipeline, true).map_err(|e| e.to_string())?;
    module.verify().map_err(|e| format!("`{pipeline}` leaves an invalid module: {e}"))
}

fn codegen() -> Codegen {
    Codegen::new("x86_64-pc-linux-gnu", CodegenLevel::Default).expect("x86-64 target machine")
}

#[test]
fn every_pass_runs_alone_at_its_level() {
    let codegen = codegen();
    let failures: Vec<String> = catalog::passes()
        .iter()
        .filter_map(|p| run(&codegen, &p.level.wrap(&p.text())).err())
        .collect();
    assert!(failures.is_empty(), "catalog passes LLVM rejects:\n{}", failures.join("\n"));
}

#[test]
fn every_preset_runs() {
    let codegen = codegen();
    let names: Vec<&str> = PRESETS.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["O0", "O1", "O2", "O3", "Os", "Oz"]);
    for (name, pipeline) in PRESETS {
        assert_eq!(*pipeline, format!("default<{name}>"));
        run(&codegen, pipeline).unwrap_or_else(|e| panic!("preset {name}: {e}"));
    }
}

#[test]
fn all_passes_compose_into_one_pipeline() {
    let all: Vec<String> = catalog::passes().iter().map(PassInfo::pipeline).collect();
    run(&codegen(), &all.join(",")).unwrap();
}

/// The check above can fail: LLVM rejects a pass nested below its level.
#[test]
fn a_pass_below_its_level_is_rejected() {
    let codegen = codegen();
    for p in catalog::passes() {
        let wrong = match p.level {
            Level::Module | Level::Cgscc => Level::Function,
            Level::Function => Level::Loop,
            // LLVM nests a loop pass named in a function pipeline by itself; `loop(licm)`
            // is a fatal error (it would end this process), not a parse error.
            Level::Loop | Level::LoopMssa => continue,
        };
        let pipeline = wrong.wrap(&p.text());
        assert!(run(&codegen, &pipeline).is_err(), "LLVM accepts `{pipeline}`");
    }
    assert!(run(&codegen, "function(no-such-pass)").is_err());
}

#[test]
fn entries_are_well_formed() {
    let mut names = HashSet::new();
    for p in catalog::passes() {
        assert!(names.insert(p.name), "{} is listed twice", p.name);
        assert!(!p.about.is_empty() && !p.about.contains('\n'), "{}: about", p.name);
        assert!(!p.name.contains(['<', '>', '(', ')', ',']), "{}: name", p.name);
        assert!(!p.params.contains(['<', '>', '(', ')', ',']), "{}: params", p.name);
        assert_eq!(catalog::find(p.name), Some(p));
        if p.name.contains("instcombine") && p.name != "aggressive-instcombine" {
            assert_eq!(p.params, "no-verify-fixpoint", "{} must not verify its fixpoint", p.name);
        }
        if !p.search {
            assert!(p.about.len() > 20, "{}: say why it is left out of the search", p.name);
        }
    }
    assert!(catalog::find("instcombine").is_some());
    assert!(catalog::find("verify").is_none());
    assert!(catalog::find("internalize").is_none());
    for name in ["licm", "lnicm"] {
        assert_eq!(catalog::find(name).map(|p| p.level), Some(Level::LoopMssa), "{name}");
    }
    for p in catalog::passes().iter().filter(|p| p.level == Level::LoopMssa) {
        assert!(["licm", "lnicm"].contains(&p.name), "{} needs no MemorySSA adaptor", p.name);
    }
    for level in [Level::Module, Level::Cgscc, Level::Function, Level::Loop, Level::LoopMssa] {
        assert!(catalog::passes().iter().any(|p| p.level == level), "no {} pass", level.name());
    }
}

/// The passes `opt --print-passes` lists, by name: the levels it lists each under and the
/// parameters it accepts (`"a;b;max=N"`, empty when none).
fn opt_passes() -> HashMap<String, Vec<(Level, String)>> {
    let opt = Path::new("/usr/lib/llvm-22/bin/opt");
    assert!(
        opt.exists(),
        "{} not found: install LLVM 22 (`apt-get install llvm-22`)",
        opt.display()
    );
    let out = Command::new(opt).arg("--print-passes").output().expect("run opt --print-passes");
    assert!(out.status.success());
    let mut map: HashMap<String, Vec<(Level, String)>> = HashMap::new();
    let mut level = None;
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        if !line.starts_with(' ') {
            level = match line.trim_end_matches(':') {
                "Module passes" | "Module passes with params" => Some(Level::Module),
                "CGSCC passes" | "CGSCC passes with params" => Some(Level::Cgscc),
                "Function passes" | "Function passes with params" => Some(Level::Function),
                "LoopNest passes" | "Loop passes" | "Loop passes with params" => Some(Level::Loop),
                _ => None,
            };
            continue;
        }
        let Some(level) = level else { continue };
        let entry = line.trim();
        let (name, params) = match entry.split_once('<') {
            Some((n, rest)) => (n, rest.strip_suffix('>').unwrap_or(rest)),
            None => (entry, ""),
        };
        map.entry(name.to_string()).or_default().push((level, params.to_string()));
    }
    map
}

#[test]
fn levels_and_parameters_are_the_ones_opt_lists() {
    let listed = opt_passes();
    assert!(listed.contains_key("instcombine") && listed.contains_key("licm"), "opt's list");
    for p in catalog::passes() {
        let level = if p.level == Level::LoopMssa { Level::Loop } else { p.level };
        let Some(entries) = listed.get(p.name) else {
            panic!("opt does not list {}", p.name);
        };
        let Some((_, accepted)) = entries.iter().find(|(l, _)| *l == level) else {
            panic!("opt lists {} at {:?}, not at {}", p.name, entries, p.level.name());
        };
        for param in p.params.split(';').filter(|s| !s.is_empty()) {
            let key = param.split_once('=').map_or(param, |(k, _)| k);
            let ok = accepted
                .split(';')
                .any(|a| a == param || a.split_once('=').is_some_and(|(k, _)| k == key));
            assert!(ok, "{}: parameter {param} is not among <{accepted}>", p.name);
        }
    }
}
