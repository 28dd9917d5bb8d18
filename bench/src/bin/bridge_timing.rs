//! How long the LLVM bridge takes on each corpus program: LLVM's parser, import into the
//! canonical IR, the canonical verifier, export back to LLVM (builder + LLVM's verifier),
//! and printing. Each figure is the median of several runs.
//!
//! `cargo run --release -p opm-bench --bin bridge-timing [-- --runs N] [-- --level -O0]`

use opm_bench::{corpus, emit_ir, median_time, ms};
use opm_ir::print::{PrintOptions, print_module};
use opm_llvm::inkwell::context::Context;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let flag = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1));
    let runs: usize = flag("--runs").map_or(Ok(11), |s| s.parse())?;
    let levels: Vec<String> =
        flag("--level").map_or_else(|| vec!["-O0".into(), "-O2".into()], |l| vec![l.clone()]);
    let dir = tempfile::tempdir()?;
    println!(
        "{:<22} {:>4} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "program", "lvl", "insts", "parse ms", "import", "verify", "export", "imp+exp", "print"
    );
    let mut rows = Vec::new();
    for src in corpus()? {
        for level in &levels {
            let name = src.file_stem().unwrap().to_string_lossy().into_owned();
            let ir = dir.path().join(format!("{name}{level}.ll"));
            emit_ir(&src, &ir, level)?;
            let bytes = std::fs::read(&ir)?;
            let ctx = Context::create();
            let parsed = opm_llvm::parse_bytes(&ctx, &bytes, "input.ll")?;
            let module = opm_llvm::import_module(&parsed)?;

            let parse = median_time(runs, || {
                let c = Context::create();
                opm_llvm::parse_bytes(&c, &bytes, "input.ll").expect("parses");
            });
            let import = median_time(runs, || {
                opm_llvm::import_module(&parsed).expect("imports");
            });
            let verify = median_time(runs, || {
                assert!(opm_verifier::verify_module(&module).is_empty());
            });
            let export = median_time(runs, || {
                let c = Context::create();
                opm_llvm::export_module(&c, &module).expect("exports");
            });
            let print = median_time(runs, || {
                print_module(&module, PrintOptions::default());
            });
            let insts = module.instruction_count();
            println!(
                "{:<22} {:>4} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
                name,
                level.trim_start_matches('-'),
                insts,
                ms(parse),
                ms(import),
                ms(verify),
                ms(export),
                ms(import + export),
                ms(print)
            );
            rows.push((insts, name, level.clone(), import + export));
        }
    }
    if let Some((insts, name, level, t)) = rows.iter().max_by_key(|r| r.0) {
        println!(
            "\nlargest: {name} at {level} ({insts} instructions): import + export {} ms \
             (median of {runs})",
            ms(*t)
        );
    }
    Ok(())
}
