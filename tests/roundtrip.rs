//! Properties of the LLVM bridge and the printer on real code (the corpus at -O0 and -O2):
//! - the imported module satisfies every invariant of the verifier;
//! - import ∘ export is the identity: building the module back in LLVM and importing it
//!   again gives the same canonical module;
//! - the printer's text is accepted by LLVM's parser and verifier and imports to the same
//!   canonical module.
//!
//! Beside the C corpus: the construct files of `tests/data/constructs/` and the Rust corpus
//! (`tests/rust/`) as rustc emits it, each program at one of opt-level 0, 1 and 3 per run
//! (rotating with a printed seed; every level: `OPM_RUST_LEVELS=0,1,3`).

mod common;

use common::{clang_compile, construct_trials, corpus_trials};
use libtest_mimic::{Arguments, Failed};
use opm_ir::print::{PrintOptions, print_module};
use opm_llvm::inkwell::context::Context;
use std::path::Path;

fn check(ir: &Path) -> Result<(), Failed> {
    let module = opm_llvm::load_file(ir)?;
    let violations = opm_verifier::verify_module(&module);
    if !violations.is_empty() {
        let list: Vec<String> = violations.iter().take(20).map(|v| v.to_string()).collect();
        return Err(format!("verifier rejects an imported module:\n{}", list.join("\n")).into());
    }

    let ctx = Context::create();
    let built = opm_llvm::export_module(&ctx, &module)?;
    let again = opm_llvm::import_module(&built)?;
    if again != module {
        return Err(first_mismatch("export then import", &module, &again).into());
    }

    let text = print_module(&module, PrintOptions::default());
    let ctx = Context::create();
    let parsed = opm_llvm::parse_bytes(&ctx, text.as_bytes(), "printed.ll")?;
    opm_llvm::verify_input(&parsed, "printed.ll")?;
    let mut reparsed = opm_llvm::import_module(&parsed)?;
    // LLVM names a parsed module after its buffer; the `; ModuleID` line is a comment.
    reparsed.name.clone_from(&module.name);
    if reparsed != module {
        return Err(first_mismatch("print then parse", &module, &reparsed).into());
    }
    if reparsed.structural_hash() != module.structural_hash() {
        return Err("equal modules with different structural hashes".into());
    }
    Ok(())
}

/// Names the first function or global that differs.
fn first_mismatch(what: &str, a: &opm_ir::Module, b: &opm_ir::Module) -> String {
    for (x, y) in a.functions.iter().zip(&b.functions) {
        if x != y {
            let opts = PrintOptions::default();
            return format!(
                "{what} changes function @{}:\n--- before\n{}\n--- after\n{}",
                x.name,
                opm_ir::print::print_function(x, opts),
                opm_ir::print::print_function(y, opts)
            );
        }
    }
    for (x, y) in a.globals.iter().zip(&b.globals) {
        if x != y {
            return format!("{what} changes global @{}: {x:?} vs {y:?}", x.name);
        }
    }
    for (x, y) in a.aliases.iter().zip(&b.aliases) {
        if x != y {
            return format!("{what} changes alias @{}: {x:?} vs {y:?}", x.name);
        }
    }
    if a.flags != b.flags {
        return format!("{what} changes the module flags: {:?} vs {:?}", a.flags, b.flags);
    }
    format!(
        "{what} changes the module header or symbol lists: {:?} vs {:?}",
        (&a.name, &a.source_filename, &a.target_triple, &a.data_layout, a.functions.len()),
        (&b.name, &b.source_filename, &b.target_triple, &b.data_layout, b.functions.len())
    )
}

fn main() {
    let args = Arguments::from_args();
    let mut trials = corpus_trials("roundtrip", |src, level, dir| {
        let ir = dir.join("module.ll");
        clang_compile(src, &ir, level, &[])?;
        check(&ir)
    });
    trials.extend(construct_trials("roundtrip", |file, level, dir| {
        if level.is_empty() {
            return check(file);
        }
        let ir = dir.join("module.ll");
        clang_compile(file, &ir, level, &[])?;
        check(&ir)
    }));
    for (src, level) in common::rust_trials("roundtrip") {
        let name = src.file_stem().unwrap().to_string_lossy().into_owned();
        let test_name = format!("roundtrip::rust::{name}::O{level}");
        trials.push(libtest_mimic::Trial::test(test_name.clone(), move || {
            let ir = common::scratch(&test_name.replace("::", "-")).join("module.ll");
            common::rustc_emit_ir(&src, &level, &ir)?;
            check(&ir)
        }));
    }
    libtest_mimic::run(&args, trials).exit();
}
