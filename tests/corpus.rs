//! Differential test over the corpus: every program in `bench/corpus/`, as clang 22 IR at
//! -O0 and at -O2, run through `opm-driver run`, prints byte for byte what clang's own build
//! prints and exits the same way.

mod common;

use common::{Verdict, corpus_trials, differential};
use libtest_mimic::{Arguments, Failed};
use std::time::Duration;

fn main() {
    let args = Arguments::from_args();
    let trials = corpus_trials("corpus", |src, level, dir| {
        match differential(src, level, &[], &[], dir, Duration::from_secs(30))? {
            Verdict::Match => Ok(()),
            Verdict::ReferenceTimeout => {
                Err(Failed::from("clang's own build ran out of time (30 s)"))
            }
            Verdict::ReferenceCrash(code) => {
                Err(Failed::from(format!("clang's own build crashed (status {code})")))
            }
            Verdict::Unsupported(msg) => {
                Err(Failed::from(format!("the corpus must be fully supported: {msg}")))
            }
        }
    });
    assert!(trials.len() >= 50, "the corpus has at least 25 programs");
    libtest_mimic::run(&args, trials).exit();
}
