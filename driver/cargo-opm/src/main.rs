//! `cargo opm`: OpenPassMarket for cargo projects. `tune` searches the best pass pipeline for
//! a binary's whole program (rustc's fat-LTO module: the crate, its dependencies and the parts
//! of std it uses) and compares the winner with cargo's own builds; `build` builds the binary
//! with the stored winner, exactly as it was measured; `test` runs the crate's tests built
//! with it, and falls back on the next-best candidate when a test fails.
//!
//! The binary is also its own compiler worker: the engine starts `cargo-opm worker`.

mod args;
mod build_cmd;
mod cargo;
mod compile;
mod error;
mod measure;
mod project;
mod session;
mod store;
mod test_cmd;
mod toolchain;
mod tune;

use args::{Cli, Command};
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let result = match Cli::parse() {
        Cli::Worker { memory_limit_mib } => {
            return match opm_engine::worker::serve(memory_limit_mib) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("cargo-opm worker: {e}");
                    ExitCode::from(2)
                }
            };
        }
        Cli::Opm(Command::Tune(a)) => tune::tune(&a),
        Cli::Opm(Command::Build(a)) => build_cmd::build(&a),
        Cli::Opm(Command::Test(a)) => test_cmd::test(&a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cargo-opm: error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
