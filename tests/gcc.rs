//! The GCC backend end to end: programs built through `opm-driver run --backend gcc` (the
//! canonical IR emitted as C, compiled by gcc) print byte for byte what clang's own build
//! prints and exit the same way.
//!
//! - `gcc::corpus::<program>::<O0|O2>`: every program of `bench/corpus/` as clang 22 IR at
//!   that level, through gcc -O2; and the emitted C compiles without a warning under `-Wall`
//!   at -O0, -O2 and -O3.
//! - `gcc::csmith::<O0|O2>`: a csmith campaign per level through gcc -O2:
//!   `OPM_GCC_CSMITH_COUNT` (default 30) matching programs per level from the base seed
//!   `OPM_GCC_CSMITH_SEED` (fresh when unset; printed, with the replay line).
//! - `gcc::data::<program>`: the programs of `tests/data/` aimed at calling conventions,
//!   phis, vectors, volatile bit-fields, dynamic stack allocation (`vla.c`, and
//!   `vla_dynamic.c`: in loops, nested, recursive, over-aligned), constructors and
//!   destructors (`structors.c`), symbol aliases (`aliases.c`), inline asm in AT&T and Intel
//!   syntax (`inline_asm.c`, `inline_asm_intel.c`), x86 intrinsics of one instruction
//!   (`x86_intrinsics.c`: `rdtsc`, `rdtscp`, `xgetbv`, `pause`, fences), symbols kept by
//!   `@llvm.compiler.used` (`used_hooks.c`: statics nothing refers to), `setjmp`/`longjmp`
//!   (`setjmp_longjmp.c`: volatile locals and values read after the second return),
//!   integers wider than 128 bits (`wide_ints.c`: the bit-fields of packed structures that
//!   clang reads and writes as `i136`, and `_BitInt(200)`/`_BitInt(256)` arithmetic;
//!   `wide_division.c`; `wide_vectors.ll`, vectors of `i136` as the SLP vectorizer makes them),
//!   `llvm.fmuladd` fused
//!   where clang's build fuses it (`fmuladd_fused.c`, built with `-mfma`; not run on a
//!   processor without FMA), floats in memory (unaligned, NaN payloads), the classes of floats
//!   (`llvm.is.fpclass`) and variadic functions called through pointers, at several gcc
//!   levels;
//!   and `gcc_packed_vectors.ll` (vectors of lanes that are not whole bytes in memory, as
//!   LLVM packs them), `gcc_unreachable_eh.ll` (cleanup blocks nothing reaches, as rustc's
//!   `panic=abort` modules keep them, left out), `vector_gep.ll` (`getelementptr` on
//!   vectors of pointers), `cttz_elts.ll` (`llvm.experimental.cttz.elts`) and
//!   `x86_movemask.ll` (x86's sign masks, `_mm_movemask_epi8` …) and `masked_memory.ll`
//!   (`llvm.masked.load`/`store`), which `cranelift::*_ll` build too.
//! - `gcc::available_externally`: `tests/data/extern_inline.c` from clang's unoptimised IR,
//!   whose glibc inline functions are `available_externally` copies: declarations here.
//! - `gcc::pipelines_are_checked`: an unknown flag and an excluded one exit 2 naming them.
//! - `gcc::constructs::<program>`: the programs `tests/data/gcc_*` that use what plain C does
//!   not have — atomics (every `atomicrmw`, `cmpxchg`, fences, a counter shared by two
//!   threads), thread-locals, computed goto, inline assembly and barriers, `long double` and
//!   `__float128`, aliases, libc's string functions (as gcc's built-ins), the intrinsics
//!   rustc emits (saturating float-to-integer conversions, 128-bit funnel shifts and
//!   saturating arithmetic, `x86.sse2.pause`), integer locals declared signed because they
//!   are compared as signed and read unsigned by every other operation — as
//!   `gcc::data` runs them, with the C they give warning-free and the construct emitted
//!   natively (`__atomic_*`, `__thread`, `goto *`, `__asm__`, …).
//! - `gcc::refusals::<construct>`: what the backend refuses (exception handling that can run,
//!   named by its `invoke` wherever its landing pad is, or by its `resume`; an integer wider
//!   than 128 bits passed to a function other code may call, an alias of a constant
//!   expression, Intel-syntax asm with a memory operand, a table of block addresses used
//!   outside its function, 16-byte atomics) exits 2 naming it.
//!
//! One program: `cargo test -p opm-cli --test gcc -- gcc::corpus::nbody`.

mod common;

use common::csmith::{Campaign, WIDE_INTS};
use common::{Verdict, corpus_trials, differential, driver, repo_root, run, scratch};
use libtest_mimic::{Arguments, Failed, Trial};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// What the differential builds pass to `opm-driver run`.
const GCC_O2: &[&str] = &["--backend", "gcc", "--pipeline", "-O2"];

fn main() {
    let args = Arguments::from_args();
    let mut trials = corpus_trials("gcc::corpus", |src, level, dir| {
        match differential(src, level, &[], GCC_O2, dir, Duration::from_secs(60))? {
            Verdict::Match => {}
            other => return Err(Failed::from(format!("expected a match with clang: {other:?}"))),
        }
        warning_free(src, level, dir)
    });
    assert!(trials.len() >= 50, "the corpus has at least 25 programs");
    trials.extend(
        Campaign {
            name: "gcc::csmith",
            seed_var: "OPM_GCC_CSMITH_SEED",
            count_var: "OPM_GCC_CSMITH_COUNT",
            driver_args: GCC_O2,
            known_limits: WIDE_INTS,
            levels: common::csmith::BOTH_LEVELS,
        }
        .trials(),
    );
    let data = [
        "printf_doubles.c",
        "byval_odd.c",
        "volatile_bitfield.c",
        "vla.c",
        "phi_swap.ll",
        "float_memory.c",
        "fpclass.c",
        "variadic_indirect.c",
        "vla_dynamic.c",
        "structors.c",
        "fmuladd_fused.c",
        "aliases.c",
        "inline_asm.c",
        "inline_asm_intel.c",
        "x86_intrinsics.c",
        "used_hooks.c",
        "setjmp_longjmp.c",
        "wide_ints.c",
        "wide_division.c",
    ];
    let gcc_data = [
        "gcc_packed_vectors.ll",
        "gcc_unreachable_eh.ll",
        "vector_gep.ll",
        "cttz_elts.ll",
        "x86_movemask.ll",
        "masked_memory.ll",
        "wide_vectors.ll",
    ];
    for program in data.into_iter().chain(["simd_whole.ll"]).chain(gcc_data) {
        let name = format!("gcc::data::{}", program.replace('.', "_"));
        trials.push(Trial::test(name, move || data_program(program)));
    }
    for (program, native) in CONSTRUCTS {
        let name =
            format!("gcc::constructs::{}", program.trim_start_matches("gcc_").replace('.', "_"));
        trials.push(Trial::test(name, move || construct_program(program, native)));
    }
    for (file, expected) in REFUSALS {
        let name = format!(
            "gcc::refusals::{}",
            file.trim_start_matches("gcc_refuse_").trim_end_matches(".ll")
        );
        trials.push(Trial::test(name, move || refused(file, expected)));
    }
    trials.push(Trial::test("gcc::pipelines_are_checked", pipelines_are_checked));
    trials.push(common::available_externally_trial("gcc", GCC_O2));
    libtest_mimic::run(&args, trials).exit();
}

/// The C emitted for `src` at `level` compiles without a warning under `-Wall` at gcc's
/// -O0, -O2 and -O3 (with the flags the backend always passes).
fn warning_free(src: &Path, level: &str, dir: &Path) -> Result<(), Failed> {
    let stem = src.file_stem().unwrap().to_string_lossy().into_owned();
    // The IR the differential build compiled (`differential` names it so).
    let ir = dir.join(format!("{stem}.{}.ll", level.trim_start_matches('-')));
    if !ir.is_file() {
        common::clang_compile(src, &ir, level, &[]).map_err(Failed::from)?;
    }
    let c = dir.join(format!("{stem}{level}.c"));
    let mut cmd = Command::new(driver());
    cmd.arg("compile").arg(&ir).arg("-o").arg(dir.join("exe")).arg("--emit-c").arg(&c);
    // The C is the same whatever the flags; -O0 only makes the build that writes it quick.
    cmd.args(["--backend", "gcc", "--pipeline", "-O0"]);
    let o = run(cmd, Duration::from_secs(120));
    if o.code != Some(0) {
        return Err(Failed::from(format!("compile --emit-c failed: {}", o.stderr_text())));
    }
    for opt in ["-O0", "-O2", "-O3"] {
        let mut gcc =
            Command::new(opm_gcc::Gcc::find().map_err(|e| Failed::from(e.to_string()))?.path());
        gcc.args(opm_gcc::compiler::FIXED_ARGS).args(["-Wall", opt, "-c"]).arg(&c);
        gcc.arg("-o").arg(dir.join("warnings.o"));
        let o = run(gcc, Duration::from_secs(120));
        let text = o.stderr_text();
        if o.code != Some(0) || !text.trim().is_empty() {
            return Err(Failed::from(format!(
                "gcc -Wall {opt} on the C emitted for {stem} at {level} (kept in {}):\n{text}",
                c.display()
            )));
        }
    }
    Ok(())
}

/// A program of `tests/data/` (C at -O0 and -O2, or IR as it is) prints what clang's build
/// prints through gcc at -O0, -O2 and -O3.
fn data_program(program: &str) -> Result<(), Failed> {
    let src = repo_root().join("tests/data").join(program);
    let dir = scratch(&format!("gcc-data-{}", program.replace('.', "_")));
    let levels: &[&str] = if program.ends_with(".c") { &["-O0", "-O2"] } else { &[""] };
    let flags = common::data_flags(program);
    if flags.contains(&"-mfma") && !common::has_fma() {
        eprintln!("{program}: not run, this processor has no FMA");
        return Ok(());
    }
    for level in levels {
        let ir = if program.ends_with(".c") {
            let ir = dir.join(format!("ir{level}.ll"));
            common::clang_compile(&src, &ir, level, flags).map_err(Failed::from)?;
            ir
        } else {
            src.clone()
        };
        let exe = dir.join("reference");
        let mut clang = Command::new(common::clang());
        clang.arg("-w").arg(&ir).arg("-o").arg(&exe).arg("-lm");
        let built = run(clang, Duration::from_secs(120));
        if built.code != Some(0) {
            return Err(Failed::from(format!("clang failed: {}", built.stderr_text())));
        }
        let reference = run(Command::new(&exe), Duration::from_secs(30));
        for opt in ["-O0", "-O2", "-O3"] {
            let mut cmd = Command::new(driver());
            cmd.arg("run").arg(&ir).args(["--backend", "gcc", "--pipeline", opt]);
            let ours = run(cmd, Duration::from_secs(120));
            if ours.stdout != reference.stdout || ours.code != reference.code {
                return Err(Failed::from(format!(
                    "{program} {level} through gcc {opt}: clang printed (exit {:?}):\n{}\n\
                     gcc printed (exit {:?}):\n{}\n{}",
                    reference.code,
                    reference.stdout_text(),
                    ours.code,
                    ours.stdout_text(),
                    ours.stderr_text()
                )));
            }
        }
    }
    Ok(())
}

/// A flag gcc's catalog does not have, and one excluded because it changes the program's
/// meaning, are the user's errors: exit 2 with a message naming them.
fn pipelines_are_checked() -> Result<(), Failed> {
    let file = repo_root().join("tests/data/echo_args.ll");
    for (flag, expected) in [("-fbogus-flag", "-fbogus-flag"), ("-ffast-math", "excluded")] {
        let mut cmd = Command::new(driver());
        cmd.arg("run").arg(&file).args(["--backend", "gcc", "--pipeline", flag]);
        let o = run(cmd, Duration::from_secs(120));
        let err = o.stderr_text();
        if o.code != Some(2) || !err.contains(expected) || err.contains("panicked") {
            return Err(Failed::from(format!(
                "`run --backend gcc --pipeline {flag}` should exit 2 with a message naming \
                 `{expected}`; it exited {:?} with:\n{err}",
                o.code
            )));
        }
    }
    Ok(())
}

/// The programs of `tests/data/` built on constructs plain C lacks, each with what its C must
/// contain (the construct emitted natively, not imitated).
const CONSTRUCTS: [(&str, &[&str]); 11] = [
    (
        "gcc_atomics.c",
        &[
            "__atomic_fetch_add(",
            "__atomic_fetch_nand(",
            "__atomic_compare_exchange_n(",
            "__atomic_thread_fence(",
            "__atomic_signal_fence(",
        ],
    ),
    (
        "gcc_atomicrmw.ll",
        &["__atomic_fetch_xor(", "__atomic_exchange_n(", "while (!__atomic_compare_exchange_n("],
    ),
    ("gcc_tls.c", &["__thread ", "tls_model(\"initial-exec\")", "tls_model(\"local-dynamic\")"]),
    ("gcc_computed_goto.c", &["goto *(void *)(", "&&bb"]),
    ("gcc_asm.c", &["__asm__ __volatile__(\"\"", "\"memory\"", "bswap %0", "%k1"]),
    ("gcc_long_double.c", &["long double", "_Float128"]),
    ("gcc_alias.c", &["__attribute__((alias(\""]),
    (
        "gcc_string_builtins.c",
        &[
            "__builtin_strlen(",
            "__builtin_strcmp(",
            "__builtin_strncmp(",
            "__builtin_memcmp(",
            "__builtin_strchr(",
        ],
    ),
    (
        "gcc_alloc_builtins.c",
        &["__builtin_malloc(", "__builtin_calloc(", "__builtin_realloc(", "__builtin_free("],
    ),
    ("gcc_rust_intrinsics.ll", &["__builtin_isnan(", "_overflow("]),
    ("gcc_signed_locals.c", &["  int32_t v", "  int64_t v"]),
];

/// Programs of [`CONSTRUCTS`] whose construct only unoptimised IR has: the signed locals
/// are the loads of a C variable's stack slot, which clang -O2 turns into `smin`/`smax`.
const UNOPTIMISED_ONLY: &[&str] = &["gcc_signed_locals.c"];

/// A program of [`CONSTRUCTS`]: it prints what clang's build prints through gcc at -O0, -O2
/// and -O3 ([`data_program`]), and the C emitted for it (at each clang level for C) has no
/// warning under `-Wall` and contains each of `native`.
fn construct_program(program: &str, native: &[&str]) -> Result<(), Failed> {
    data_program(program)?;
    let src = repo_root().join("tests/data").join(program);
    let dir = scratch(&format!("gcc-construct-{}", program.replace('.', "_")));
    let levels: &[&str] = if program.ends_with(".c") { &["-O0", "-O2"] } else { &[""] };
    for level in levels {
        let c = if program.ends_with(".c") {
            warning_free(&src, level, &dir)?;
            let stem = src.file_stem().unwrap().to_string_lossy().into_owned();
            dir.join(format!("{stem}{level}.c"))
        } else {
            let c = dir.join("emitted.c");
            let mut cmd = Command::new(driver());
            cmd.arg("compile").arg(&src).arg("-o").arg(dir.join("exe")).arg("--emit-c").arg(&c);
            cmd.args(["--backend", "gcc"]);
            let o = run(cmd, Duration::from_secs(120));
            if o.code != Some(0) {
                return Err(Failed::from(format!("compile --emit-c failed: {}", o.stderr_text())));
            }
            c
        };
        let text = std::fs::read_to_string(&c).map_err(|e| Failed::from(e.to_string()))?;
        if *level != "-O0" && UNOPTIMISED_ONLY.contains(&program) {
            continue;
        }
        for needle in native {
            if !text.contains(needle) {
                return Err(Failed::from(format!(
                    "the C emitted for {program} {level} (kept in {}) lacks `{needle}`",
                    c.display()
                )));
            }
        }
    }
    Ok(())
}

/// What the GCC backend refuses, by file of `tests/data/`, with what its message names.
const REFUSALS: [(&str, &str); 8] = [
    ("gcc_refuse_invoke.ll", "`invoke` (exception handling has no C equivalent)"),
    ("gcc_refuse_invoke_late.ll", "`invoke` (exception handling has no C equivalent)"),
    ("gcc_refuse_resume.ll", "`resume` (exception handling has no C equivalent)"),
    ("gcc_refuse_i256.ll", "the integer type `i256`"),
    ("gcc_refuse_alias_expr.ll", "the alias @third of a constant expression"),
    ("gcc_refuse_asm_intel.ll", "Intel syntax with a memory operand"),
    ("gcc_refuse_label_table.ll", "used outside @dispatch"),
    ("gcc_refuse_atomic128.ll", "16-byte atomic"),
];

/// `run --backend gcc` of `file` exits 2 with an `unsupported` message naming `expected`
/// and the GCC backend, without a panic.
fn refused(file: &str, expected: &str) -> Result<(), Failed> {
    let path = repo_root().join("tests/data").join(file);
    let mut cmd = Command::new(driver());
    cmd.arg("run").arg(&path).args(["--backend", "gcc"]);
    let o = run(cmd, Duration::from_secs(120));
    let err = o.stderr_text();
    if o.code != Some(2)
        || !err.contains("unsupported:")
        || !err.contains(expected)
        || !err.contains("GCC backend")
        || err.contains("panicked")
    {
        return Err(Failed::from(format!(
            "`run --backend gcc {file}` should exit 2 with an `unsupported` message of the GCC \
             backend naming `{expected}`; it exited {:?} with:\n{err}",
            o.code
        )));
    }
    Ok(())
}
