//! `cargo opm build`: the binary built with the stored winner.
//!
//! The module is built again as `tune` built it (cargo's fat LTO with rustc's temporary files
//! kept) and prepared the same way, then compiled exactly as the search measured the winner: in a worker, from the
//! module's bitcode, the pipeline applied step by step with the checks, then code generation,
//! and linked with rustc's link line. When the sources have not changed, the result has the
//! identity the search recorded: what was measured is what is built.

use crate::args::BuildArgs;
use crate::compile::ModuleBuilder;
use crate::error::Error;
use crate::session::Session;

pub fn build(args: &BuildArgs) -> Result<(), Error> {
    let s = Session::open(&args.project)?;
    let winner = s.store.winner()?;
    let args_now = &s.project.args;
    if winner.profile != args_now.profile || winner.cargo_args != args_now.passthrough {
        eprintln!(
            "cargo-opm: note: `tune` built the module with --profile {} and CARGO-ARGS `{}`; \
             this build uses --profile {} and `{}`",
            winner.profile,
            winner.cargo_args.join(" "),
            args_now.profile,
            args_now.passthrough.join(" ")
        );
    }
    eprintln!("cargo-opm: building `{}`'s whole program (fat LTO)", s.bin.name);
    let (_, module) = s.build_module(false)?;
    let prepared = s.store.build_module();
    crate::session::prepare_timed(&module.bitcode, &prepared)?;
    let plan = winner.plan();
    eprintln!("cargo-opm: compiling it with the winner `{plan}` ({})", plan.label());
    let mut builder = ModuleBuilder::load_plan(&prepared, &plan)?;
    let exe = s.store.exe();
    let compiled = builder.build(&winner.pipeline, &module.link, &exe)?;
    if winner.identity.as_deref() == Some(compiled.identity.as_str()) {
        eprintln!(
            "cargo-opm: built what `tune` measured ({} {}; .text {} bytes in the object)",
            if winner.backend.transforms_ir() { "IR" } else { "object" },
            compiled.identity,
            compiled.text_bytes
        );
    } else {
        eprintln!(
            "cargo-opm: note: the module changed since `cargo opm tune` (sources, dependencies \
             or cargo arguments): it is built with the stored winner, which was measured on \
             the earlier module; run `cargo opm tune` to search again"
        );
    }
    println!("{}", exe.display());
    Ok(())
}
