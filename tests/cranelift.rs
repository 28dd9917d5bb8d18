//! The Cranelift backend end to end: programs built through `opm-driver run --backend
//! cranelift` print byte for byte what clang's own build prints and exit the same way.
//!
//! - `cranelift::corpus::<program>::<O0|O2>`: every program of `bench/corpus/` as clang 22 IR
//!   at that level. An "unsupported" rejection fails unless the program is in
//!   [`UNSUPPORTED_ALLOWED`].
//! - `cranelift::csmith::<O0|O2>`: a csmith campaign per level, as `tests/csmith.rs` runs it
//!   for LLVM, and `cranelift::csmith_inline::unoptimised`, one from clang's unoptimised IR
//!   (`-O1 -Xclang -disable-llvm-passes`, whose functions may be inlined, which at -O0 are all
//!   `noinline`) built with `opt_level=speed,inline=small`:
//!   `OPM_CRANELIFT_CSMITH_COUNT` (default 30) matching programs per level from the
//!   base seed `OPM_CRANELIFT_CSMITH_SEED` (fresh when unset; printed, with the replay line).
//! - `cranelift::data::<program>::<O0|O2>`: C programs of `tests/data/` aimed at the ABI:
//!   `printf_doubles` (a variadic call with doubles, some on the stack), `byval_odd`
//!   (structures passed in memory whose size is not a multiple of 8), `volatile_bitfield`
//!   (a 3-byte volatile store next to a byte it must not touch), `variadic_indirect`
//!   (variadic functions, ours and the C library's, called through pointers), `vla` (a
//!   variable-length array), `fmuladd_fused` (built with `-mfma`: `llvm.fmuladd` rounds
//!   once, as clang's build does on a processor with FMA; not run on one without), and
//!   `inline_asm` and `inline_asm_intel` (built with `-masm=intel`, as Rust's `asm!` writes
//!   it): inline asm of every kind of operand, `cpuid` among it, and `x86_intrinsics`
//!   (`xgetbv`, `rdtsc`, `rdtscp`, `pause`, fences), outlined into functions LLVM compiles,
//!   and `used_hooks` (statics nothing refers to, kept by `@llvm.compiler.used`).
//! - `cranelift::constructs::<program>::<O0|O2>[::speed]`: C programs of `tests/data/` with
//!   what rustc and clang emit beyond plain C, with Cranelift's default settings and with
//!   `opt_level=speed`: `cl_atomics` (every `__atomic` read-modify-write on every width and on
//!   floats, compare-exchange strong and weak, fences, two threads sharing counters),
//!   `cl_tls` (thread-local variables of every kind and TLS model, four threads), `cl_goto`
//!   (computed goto through a static and a local table of labels, a label in a variable),
//!   `cl_barrier` (empty `asm volatile` memory barriers and a `black_box`),
//!   `cl_float_select` (conversions to `u64` around 2^63 and 2^64, selects of floats on every
//!   float compare with NaN and signed zeros: the forms lowered without branches),
//!   `cl_libm_sqrt` (`sqrt` and `sqrtf` of every class of argument, with `errno` after each:
//!   the square root instruction, and the C library's call only for a NaN result),
//!   `cl_divrem` (division and remainder of the same operands, signed and unsigned, 8 to 64
//!   bits, in either order: one division for both), `fpclass` (`llvm.is.fpclass`: each
//!   class of floats and doubles alone and combined, `isnan`/`isinf`/`isfinite`/`isnormal`)
//!   and `vla_dynamic` (dynamic stack allocations: variable-length arrays in loops, nested,
//!   in a recursion, over-aligned, left by `goto`, and `__builtin_alloca` in a loop, under a
//!   1 GiB limit of address space that a leak of them would pass), `structors`
//!   (constructors and destructors with and without priorities, in `@llvm.global_ctors` and
//!   `@llvm.global_dtors`) and `aliases` (of variables and functions, chained, internal and
//!   weak, called, written and in initializers through the alias), `setjmp_longjmp`
//!   (`setjmp`/`sigsetjmp` and `longjmp` out of a recursion and nested handlers: at -O2,
//!   doubles computed before `setjmp` and read only after its second return, which a loop of
//!   calls on the first return's path would overwrite in shared spill slots), `cl_locals`
//!   (see `cranelift::locals_in_registers`).
//! - `cranelift::atomic_rmw_ll`: `tests/data/cl_atomic_rmw.ll`, every `atomicrmw` operation
//!   of LLVM 22 (those C cannot spell too: `uinc_wrap`, `udec_wrap`, `usub_cond`,
//!   `usub_sat`, `fmaximum`, `fminimum`), `cmpxchg` weak and volatile, atomic loads and
//!   stores of every ordering and scope, every fence, prints what clang's build prints.
//! - `cranelift::vector_gep_ll`: `tests/data/vector_gep.ll`, `getelementptr` on vectors of
//!   pointers (a vector of indices, a vector of bases, a struct field by a splat, constant
//!   lanes, `zeroinitializer`), as LLVM's SLP vectorizer leaves it, and
//!   `tests/data/cttz_elts.ll`, `llvm.experimental.cttz.elts` (the loop vectorizer's early
//!   exits), and `tests/data/x86_movemask.ll`, x86's sign masks (`_mm_movemask_epi8`,
//!   `_mm_movemask_ps`, `_mm_movemask_pd`), and `tests/data/masked_memory.ll`,
//!   `llvm.masked.load`/`llvm.masked.store` (lanes whose mask is false untouched), likewise.
//! - `cranelift::refusals`: what the backend does not lower is a clean "unsupported" error
//!   (exit 2) naming it, at -O0 and -O2: inline assembly whose code refers to a symbol
//!   (`cl_asm_symbol.c`), `long double` (`cl_long_double.c`), `__float128` (`cl_fp128.c`),
//!   the division of a `_BitInt(256)` (`wide_division.c`) and a vector of `i136`
//!   (`wide_vectors.ll`), an indirect variadic call whose arguments fill every
//!   integer argument register (`cl_variadic_full.c`) and an `__int128` argument on the stack
//!   before one that takes the register it leaves (`cl_i128_straddle.c`). (Exception
//!   handling builds: `tests/cli.rs` and `tests/rust.rs`; aliases: `aliases.c`.)
//! - `cranelift::bad_setting_is_a_usage_error`: `--pipeline bogus=1` exits 2 naming `bogus`.
//! - `cranelift::phi_swap`: phis that swap and rotate on a back edge (parallel copies).
//! - `cranelift::no_valid_candidate_says_why`: `optimize` of a program Cranelift cannot
//!   build (`cl_long_double.c`) exits 1 with a last line naming the construct, the function
//!   and the instruction, at -O0 and -O2.
//! - `cranelift::available_externally`: `tests/data/extern_inline.c` from clang's unoptimised
//!   IR, whose glibc inline functions are `available_externally` copies: declarations here.
//! - `cranelift::vectors_whole`: `tests/data/simd_whole.ll` (vector arithmetic, masks,
//!   shuffles, reductions, conversions) prints what clang's build prints with vectors kept
//!   whole and split into lanes, on the SSE2 baseline and with SSSE3; kept whole, its vector
//!   functions are made of SIMD instructions, which split into lanes they are not.
//! - `cranelift::locals_in_registers`: `tests/data/cl_locals.c` at -O0 (every local in an
//!   `alloca`: scalars of every type in loops and branches, a local whose address escapes, a
//!   union read as another type, and non-volatile locals written between `setjmp` and
//!   `longjmp`, which at -O0 read as written) prints what clang's -O0 build prints with
//!   `locals=registers` (the default), `locals=memory` and `opt_level=speed`; with the
//!   default, its function of scalar locals reads and writes no stack memory, with
//!   `locals=memory` it does.
//! - `cranelift::inlining`: `tests/data/cl_inline.c` from clang's unoptimised IR (small
//!   helpers reading and writing globals, taking the address of strings and functions, with
//!   a local array, a switch, float constants, a structure returned, recursion, and one
//!   `noinline`) prints what clang's build prints with `inline=small`, without (the default)
//!   and with `opt_level=speed,inline=small`; inlined, its loop calls none of the small
//!   helpers but the `noinline` one.
//!
//! One program: `cargo test -p opm-cli --test cranelift -- cranelift::corpus::nbody`.

mod common;

use common::csmith::{Campaign, WIDE_INTS};
use common::{Verdict, corpus_trials, differential, driver, repo_root, run, scratch};
use libtest_mimic::{Arguments, Failed, Trial};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// What every build here passes to `opm-driver run` (Cranelift's default settings).
const CRANELIFT: &[&str] = &["--backend", "cranelift"];

/// Corpus programs that Cranelift may reject as unsupported, as (program, reason). Keep it
/// short: each entry names the construct and why Cranelift cannot express it.
const UNSUPPORTED_ALLOWED: &[(&str, &str)] = &[];

fn main() {
    let args = Arguments::from_args();
    let mut trials = corpus_trials("cranelift::corpus", |src, level, dir| {
        let name = src.file_stem().unwrap().to_string_lossy().into_owned();
        match differential(src, level, &[], CRANELIFT, dir, Duration::from_secs(30))? {
            Verdict::Match => Ok(()),
            Verdict::ReferenceTimeout => {
                Err(Failed::from("clang's own build ran out of time (30 s)"))
            }
            Verdict::ReferenceCrash(code) => {
                Err(Failed::from(format!("clang's own build crashed (status {code})")))
            }
            Verdict::Unsupported(_) if UNSUPPORTED_ALLOWED.iter().any(|(p, _)| *p == name) => {
                Ok(())
            }
            Verdict::Unsupported(msg) => Err(Failed::from(format!(
                "the corpus must be supported by Cranelift (or {name} listed, with its reason, \
                 in UNSUPPORTED_ALLOWED): {msg}"
            ))),
        }
    });
    assert!(trials.len() >= 50, "the corpus has at least 25 programs");
    trials.extend(
        Campaign {
            name: "cranelift::csmith",
            seed_var: "OPM_CRANELIFT_CSMITH_SEED",
            count_var: "OPM_CRANELIFT_CSMITH_COUNT",
            driver_args: CRANELIFT,
            known_limits: WIDE_INTS,
            levels: common::csmith::BOTH_LEVELS,
        }
        .trials(),
    );
    trials.extend(
        Campaign {
            name: "cranelift::csmith_inline",
            seed_var: "OPM_CRANELIFT_CSMITH_SEED",
            count_var: "OPM_CRANELIFT_CSMITH_COUNT",
            driver_args: &["--backend", "cranelift", "--pipeline", "opt_level=speed,inline=small"],
            known_limits: WIDE_INTS,
            levels: &[common::UNOPTIMISED],
        }
        .trials(),
    );
    let data = [
        "printf_doubles",
        "byval_odd",
        "volatile_bitfield",
        "variadic_indirect",
        "vla",
        "fmuladd_fused",
        "inline_asm",
        "inline_asm_intel",
        "x86_intrinsics",
        "used_hooks",
        "wide_ints",
    ];
    for program in data {
        for level in ["-O0", "-O2"] {
            let name = format!("cranelift::data::{program}::{}", level.trim_start_matches('-'));
            let dir = name.replace("::", "-");
            trials.push(Trial::test(name, move || data_program(program, level, &scratch(&dir))));
        }
    }
    for program in CONSTRUCTS {
        for level in ["-O0", "-O2"] {
            for pipeline in ["", "opt_level=speed"] {
                let mut name =
                    format!("cranelift::constructs::{program}::{}", level.trim_start_matches('-'));
                if !pipeline.is_empty() {
                    name.push_str("::speed");
                }
                let dir = name.replace("::", "-");
                trials.push(Trial::test(name, move || {
                    construct_program(program, level, pipeline, &scratch(&dir))
                }));
            }
        }
    }
    trials.push(Trial::test("cranelift::atomic_rmw_ll", || ll_program("cl_atomic_rmw.ll")));
    trials.push(Trial::test("cranelift::vector_gep_ll", || ll_program("vector_gep.ll")));
    trials.push(Trial::test("cranelift::cttz_elts_ll", || ll_program("cttz_elts.ll")));
    trials.push(Trial::test("cranelift::x86_movemask_ll", || ll_program("x86_movemask.ll")));
    trials.push(Trial::test("cranelift::masked_memory_ll", || ll_program("masked_memory.ll")));
    trials.push(Trial::test("cranelift::refusals", refusals));
    trials.push(Trial::test("cranelift::bad_setting_is_a_usage_error", bad_setting));
    trials.push(Trial::test("cranelift::phi_swap", phi_swap));
    trials.push(Trial::test("cranelift::no_valid_candidate_says_why", no_valid_candidate));
    trials.push(Trial::test("cranelift::vectors_whole", vectors_whole));
    trials.push(Trial::test("cranelift::locals_in_registers", locals_in_registers));
    trials.push(Trial::test("cranelift::inlining", inlining));
    trials.push(common::available_externally_trial("cranelift", CRANELIFT));
    libtest_mimic::run(&args, trials).exit();
}

/// A program of `tests/data/` at `level` prints what clang's build prints. `printf_doubles`:
/// the variadic calling convention (vector registers, `%al`, stack slots) is what the C
/// library expects; `byval_odd`: structures passed in memory keep their bytes.
fn data_program(program: &str, level: &str, dir: &Path) -> Result<(), Failed> {
    let src = repo_root().join(format!("tests/data/{program}.c"));
    let flags = common::data_flags(program);
    if flags.contains(&"-mfma") && !common::has_fma() {
        eprintln!("{program}: not run, this processor has no FMA");
        return Ok(());
    }
    match differential(&src, level, flags, CRANELIFT, dir, Duration::from_secs(30))? {
        Verdict::Match => Ok(()),
        other => Err(Failed::from(format!("expected a match with clang's build: {other:?}"))),
    }
}

/// The C programs of `tests/data/` with constructs beyond plain C that the backend lowers.
const CONSTRUCTS: &[&str] = &[
    "cl_atomics",
    "cl_tls",
    "cl_goto",
    "cl_barrier",
    "cl_float_select",
    "cl_libm_sqrt",
    "cl_divrem",
    "fpclass",
    "vla_dynamic",
    "structors",
    "aliases",
    "setjmp_longjmp",
    "cl_locals",
];

/// A program of [`CONSTRUCTS`] at `level`, built with the Cranelift settings `pipeline`,
/// prints what clang's build prints.
fn construct_program(program: &str, level: &str, pipeline: &str, dir: &Path) -> Result<(), Failed> {
    let src = repo_root().join(format!("tests/data/{program}.c"));
    let mut args = CRANELIFT.to_vec();
    args.extend(["--pipeline", pipeline]);
    match differential(&src, level, &[], &args, dir, Duration::from_secs(60))? {
        Verdict::Match => Ok(()),
        other => Err(Failed::from(format!("expected a match with clang's build: {other:?}"))),
    }
}

/// The LLVM IR file `tests/data/<file>` prints what clang's build of it prints, with
/// Cranelift's default settings and with `opt_level=speed`.
fn ll_program(file: &str) -> Result<(), Failed> {
    let dir = scratch(&format!("cranelift-{}", file.replace(['.', '_'], "-")));
    let file = repo_root().join("tests/data").join(file);
    let reference = clang_reference(&file, &dir.join("reference"))?;
    if reference.code != Some(0) || reference.stdout.is_empty() {
        return Err(Failed::from(format!("clang's build failed: {}", reference.stderr_text())));
    }
    for pipeline in ["", "opt_level=speed"] {
        let mut cmd = Command::new(driver());
        cmd.arg("run").arg(&file).args(CRANELIFT).args(["--pipeline", pipeline]);
        let ours = run(cmd, Duration::from_secs(120));
        if ours.stdout != reference.stdout || ours.code != reference.code {
            return Err(Failed::from(format!(
                "--pipeline `{pipeline}`: Cranelift's build (exit {:?}) differs from clang's \
                 (exit {:?}): {}\n{}",
                ours.code,
                reference.code,
                common::first_difference(&reference.stdout_text(), &ours.stdout_text()),
                ours.stderr_text()
            )));
        }
    }
    Ok(())
}

/// The files of `tests/data/` the backend refuses, with what the error must name.
const REFUSED: &[(&str, &[&str])] = &[
    (
        "cl_asm_symbol.c",
        &["inline asm \"call seven", "refers to another symbol or section", "in function @main"],
    ),
    ("cl_long_double.c", &["`x86_fp80`", "in function @"]),
    ("cl_fp128.c", &["`fp128`", "in function @main"]),
    (
        "wide_division.c",
        &["div` on the integer type `i256` (wider than 128 bits)", "in function @main"],
    ),
    ("wide_vectors.ll", &["`insertelement` on the integer type `i136`", "in function @main"]),
    (
        "cl_variadic_full.c",
        &["an indirect call of a variadic function whose arguments fill every integer argument"],
    ),
    (
        "cl_i128_straddle.c",
        &["an `i128` argument that x86-64 SysV passes on the stack", "in function @after_wide"],
    ),
];

/// Each file of [`REFUSED`] (a C program at -O0 and -O2, an `.ll` file as it is) makes
/// `opm-driver run --backend cranelift` exit 2 with an "unsupported" error naming the
/// construct, and no panic.
fn refusals() -> Result<(), Failed> {
    let dir = scratch("cranelift-refusals");
    for (file, wanted) in REFUSED {
        let src = repo_root().join("tests/data").join(file);
        let inputs: Vec<(String, std::path::PathBuf)> = if file.ends_with(".c") {
            let mut v = Vec::new();
            for level in ["-O0", "-O2"] {
                let ir = dir.join(format!("{file}{level}.ll"));
                common::clang_compile(&src, &ir, level, &[]).map_err(Failed::from)?;
                v.push((format!("{file} at {level}"), ir));
            }
            v
        } else {
            vec![(file.to_string(), src)]
        };
        for (what, ir) in inputs {
            let mut cmd = Command::new(driver());
            cmd.arg("run").arg(&ir).args(CRANELIFT);
            let o = run(cmd, Duration::from_secs(120));
            let err = o.stderr_text();
            let named = err.contains("unsupported:") && wanted.iter().all(|w| err.contains(w));
            if o.code != Some(2) || !named || err.contains("panicked") {
                return Err(Failed::from(format!(
                    "{what}: expected exit 2 and an unsupported error naming {wanted:?}; got \
                     exit {:?}:\n{err}",
                    o.code
                )));
            }
        }
    }
    Ok(())
}

/// A Cranelift setting that does not exist is the user's error: exit 2, a message that names
/// it, no panic; for `run` and `compile` alike.
fn bad_setting() -> Result<(), Failed> {
    let file = repo_root().join("tests/data/echo_args.ll");
    let exe = scratch("cranelift-bad-setting").join("echo_args");
    let pipeline = ["--pipeline", "bogus=1"];
    let mut run_cmd = Command::new(driver());
    run_cmd.arg("run").arg(&file).args(CRANELIFT).args(pipeline);
    let mut compile_cmd = Command::new(driver());
    compile_cmd.arg("compile").arg(&file).arg("-o").arg(&exe).args(CRANELIFT).args(pipeline);
    for (what, cmd) in [("run", run_cmd), ("compile", compile_cmd)] {
        let o = run(cmd, Duration::from_secs(120));
        let err = o.stderr_text();
        if o.code != Some(2) || !err.contains("bogus") || err.contains("panicked") {
            return Err(Failed::from(format!(
                "`opm-driver {what} … --backend cranelift --pipeline bogus=1` should exit 2 \
                 with a message naming `bogus`; it exited {:?} with:\n{err}",
                o.code
            )));
        }
    }
    Ok(())
}

/// What clang's build of the IR file `file` (linked to `exe`) does when run.
fn clang_reference(file: &Path, exe: &Path) -> Result<common::Outcome, Failed> {
    let mut clang = Command::new(common::clang());
    clang.arg("-w").arg(file).arg("-o").arg(exe);
    let built = run(clang, Duration::from_secs(120));
    if built.code != Some(0) {
        return Err(Failed::from(format!("clang failed: {}", built.stderr_text())));
    }
    Ok(run(Command::new(exe), Duration::from_secs(30)))
}

/// A loop whose phis swap two values and rotate three: Cranelift's build prints what clang's
/// build of the same IR prints.
fn phi_swap() -> Result<(), Failed> {
    let file = repo_root().join("tests/data/phi_swap.ll");
    let reference = clang_reference(&file, &scratch("cranelift-phi-swap").join("phi_swap"))?;
    let mut cmd = Command::new(driver());
    cmd.arg("run").arg(&file).args(CRANELIFT);
    let ours = run(cmd, Duration::from_secs(120));
    if ours.stdout != reference.stdout || ours.code != reference.code {
        return Err(Failed::from(format!(
            "clang printed (exit {:?}):\n{}\nCranelift printed (exit {:?}):\n{}\n{}",
            reference.code,
            reference.stdout_text(),
            ours.code,
            ours.stdout_text(),
            ours.stderr_text()
        )));
    }
    // The rotation must be visible: four different lines.
    let text = reference.stdout_text();
    let lines: std::collections::HashSet<&str> = text.lines().collect();
    if lines.len() != 4 {
        return Err(Failed::from("the reference output should have four different lines"));
    }
    Ok(())
}

/// `optimize` of a program the backend cannot build (a `long double`, `x86_fp80`) has no
/// valid candidate: it exits 1 and its last line says how the candidates ended, naming the
/// construct, the function and the instruction.
fn no_valid_candidate() -> Result<(), Failed> {
    let src = repo_root().join("tests/data/cl_long_double.c");
    let dir = scratch("cranelift-no-valid-candidate");
    for level in ["-O0", "-O2"] {
        let ir = dir.join(format!("long_double{level}.ll"));
        common::clang_compile(&src, &ir, level, &[]).map_err(Failed::from)?;
        let mut cmd = Command::new(driver());
        cmd.arg("optimize").arg(&ir).args(CRANELIFT).args(["--budget-evals", "2", "--jobs", "1"]);
        let o = run(cmd, Duration::from_secs(120));
        let out = o.stdout_text();
        let why = out.lines().find(|l| l.starts_with("no winner: no candidate is valid: 2 of 2"));
        let named = why.is_some_and(|l| {
            l.contains("unsupported: ")
                && l.contains("`x86_fp80`")
                && l.contains("in function @main, instruction `")
        });
        if o.code != Some(1) || !named {
            return Err(Failed::from(format!(
                "at {level}: expected `optimize` to exit 1 saying that no candidate is valid, \
                 with the unsupported `x86_fp80` in @main; got exit {:?}:\n{out}\n{}",
                o.code,
                o.stderr_text()
            )));
        }
    }
    Ok(())
}

/// The functions of `tests/data/simd_whole.ll` that work on vectors, and whether they work on
/// integer vectors (which split into lanes leave no packed SIMD instruction).
const SIMD_FUNCTIONS: &[(&str, bool)] = &[
    ("int_arith", true),
    ("masks", true),
    ("shuffles", true),
    ("reductions", true),
    ("floats", false),
    ("narrow", true),
    ("wide", true),
];

/// Vectors kept whole (the default, `vectors=native`) and split (`vectors=lanes`) print what
/// clang's build prints, and the object shows which is which.
fn vectors_whole() -> Result<(), Failed> {
    let file = repo_root().join("tests/data/simd_whole.ll");
    let dir = scratch("cranelift-vectors-whole");
    let reference = clang_reference(&file, &dir.join("reference"))?;
    let ssse3 = host_takes("has_sse3,has_ssse3");
    let mut pipelines = vec!["", "vectors=lanes", "opt_level=speed", "opt_level=none"];
    if ssse3 {
        pipelines
            .extend(["opt_level=speed,has_sse3,has_ssse3", "vectors=lanes,has_sse3,has_ssse3"]);
    }
    for pipeline in pipelines {
        let mut cmd = Command::new(driver());
        cmd.arg("run").arg(&file).args(CRANELIFT).args(["--pipeline", pipeline]);
        let ours = run(cmd, Duration::from_secs(120));
        if ours.stdout != reference.stdout || ours.code != reference.code {
            return Err(Failed::from(format!(
                "--pipeline `{pipeline}`: clang printed (exit {:?}):\n{}\nCranelift printed \
                 (exit {:?}):\n{}\n{}",
                reference.code,
                reference.stdout_text(),
                ours.code,
                ours.stdout_text(),
                ours.stderr_text()
            )));
        }
    }
    for (pipeline, whole) in [("", true), ("vectors=lanes", false)] {
        let exe = dir.join(if whole { "whole" } else { "lanes" });
        let listing = build_and_list(&file, pipeline, &exe)?;
        for &(function, integer) in SIMD_FUNCTIONS {
            let packed = packed_simd(&listing, function);
            if whole && packed == 0 || !whole && integer && packed != 0 {
                return Err(Failed::from(format!(
                    "--pipeline `{pipeline}`: @{function} has {packed} packed SIMD \
                     instructions; kept whole it must have some, split into lanes none"
                )));
            }
        }
    }
    Ok(())
}

/// `tests/data/cl_locals.c` at -O0 through Cranelift prints what clang's -O0 build prints
/// with its locals in registers and in memory, and only in memory does its function of
/// scalar locals (`mix`) address the stack.
fn locals_in_registers() -> Result<(), Failed> {
    let pipelines = [("", false), ("locals=memory", true), ("opt_level=speed", false)];
    let listings = checked_listings("cl_locals", "-O0", pipelines.map(|(p, _)| p))?;
    for ((pipeline, in_memory), listing) in pipelines.iter().zip(listings) {
        let stack = function_lines(&listing, "mix")
            .filter(|line| line.contains("(%rsp)") || line.contains("(%rbp)"))
            .count();
        if (stack > 0) != *in_memory {
            return Err(Failed::from(format!(
                "--pipeline `{pipeline}`: @mix has {stack} instructions addressing the stack; \
                 its locals in registers it must have none, in memory some"
            )));
        }
    }
    Ok(())
}

/// `tests/data/cl_inline.c` from clang's unoptimised IR through Cranelift prints what clang's
/// build prints with small functions inlined (`inline=small`) and without (the default);
/// `hot` calls `step` only without, and the `noinline` function `kept` in every build.
fn inlining() -> Result<(), Failed> {
    let pipelines = [("inline=small", true), ("", false), ("opt_level=speed,inline=small", true)];
    let listings = checked_listings("cl_inline", common::UNOPTIMISED, pipelines.map(|(p, _)| p))?;
    for ((pipeline, inlined), listing) in pipelines.iter().zip(listings) {
        let calls = |callee: &str| {
            let target = format!("<{callee}>");
            function_lines(&listing, "hot")
                .filter(|line| line.contains("call") && line.ends_with(&target))
                .count()
        };
        let (step, kept) = (calls("step"), calls("kept"));
        if (step == 0) != *inlined || kept == 0 {
            return Err(Failed::from(format!(
                "--pipeline `{pipeline}`: @hot calls @step {step} times and @kept {kept} times; \
                 @step must be inlined with inline=small and called without, @kept \
                 (noinline) always called"
            )));
        }
    }
    Ok(())
}

/// `tests/data/<program>.c` at clang's `level`, built through Cranelift with each of
/// `pipelines`: each build must print what clang's build prints; their `objdump -d` listings.
fn checked_listings<const N: usize>(
    program: &str,
    level: &str,
    pipelines: [&str; N],
) -> Result<Vec<String>, Failed> {
    let src = repo_root().join(format!("tests/data/{program}.c"));
    let dir = scratch(&format!("cranelift-{program}"));
    let ir = dir.join(format!("{program}.ll"));
    let reference = dir.join(format!("{program}.ref"));
    common::clang_compile(&src, &ir, level, &[])?;
    common::clang_compile(&src, &reference, level, &[])?;
    let reference = run(Command::new(&reference), Duration::from_secs(30));
    if reference.code != Some(0) || reference.stdout.is_empty() {
        return Err(Failed::from(format!("clang's build failed: {}", reference.stderr_text())));
    }
    let mut listings = Vec::new();
    for pipeline in pipelines {
        let exe = dir.join(format!("{program}-{}", pipeline.replace(['=', ','], "-")));
        listings.push(build_and_list(&ir, pipeline, &exe)?);
        let ours = run(Command::new(&exe), Duration::from_secs(30));
        if ours.stdout != reference.stdout || ours.code != reference.code {
            return Err(Failed::from(format!(
                "--pipeline `{pipeline}`: clang printed (exit {:?}):\n{}\nCranelift printed \
                 (exit {:?}):\n{}",
                reference.code,
                reference.stdout_text(),
                ours.code,
                ours.stdout_text(),
            )));
        }
    }
    Ok(listings)
}

/// Builds `ir` through Cranelift with the settings `pipeline` into `exe`; its `objdump -d`
/// listing.
fn build_and_list(ir: &Path, pipeline: &str, exe: &Path) -> Result<String, Failed> {
    let mut cmd = Command::new(driver());
    cmd.arg("compile").arg(ir).arg("-o").arg(exe).args(CRANELIFT);
    cmd.args(["--pipeline", pipeline]);
    let built = run(cmd, Duration::from_secs(120));
    if built.code != Some(0) {
        return Err(Failed::from(format!("compile failed: {}", built.stderr_text())));
    }
    let mut objdump = Command::new("objdump");
    objdump.args(["-d", "--no-show-raw-insn"]).arg(exe);
    Ok(run(objdump, Duration::from_secs(60)).stdout_text())
}

/// The instructions of `function` in an `objdump -d` listing.
fn function_lines<'l>(listing: &'l str, function: &str) -> impl Iterator<Item = &'l str> {
    let header = format!("<{function}>:");
    listing
        .lines()
        .skip_while(move |line| !line.ends_with(&header))
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
}

/// Whether this host offers the Cranelift ISA flags `flags` (a pipeline naming them builds).
fn host_takes(flags: &str) -> bool {
    let file = repo_root().join("tests/data/echo_args.ll");
    let exe = scratch("cranelift-host-takes").join("echo_args");
    let mut cmd = Command::new(driver());
    cmd.arg("compile").arg(&file).arg("-o").arg(&exe).args(CRANELIFT);
    cmd.args(["--pipeline", flags]);
    run(cmd, Duration::from_secs(120)).code == Some(0)
}

/// The packed-integer and shuffle instructions (`paddd`, `pcmpgtd`, `pshufd`, `punpckldq`, …)
/// of `function` in an `objdump -d` listing.
fn packed_simd(listing: &str, function: &str) -> usize {
    function_lines(listing, function)
        .filter(|line| {
            let mnemonic = line.split('\t').nth(1).unwrap_or("").split_whitespace().next();
            mnemonic.is_some_and(|m| m.starts_with('p') && m != "push" && m != "pop")
                && line.contains("%xmm")
        })
        .count()
}
