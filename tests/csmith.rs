//! Differential test over random programs: csmith programs with fresh seeds, as clang 22 IR
//! at -O0 and at -O2, run through `opm-driver run`, print what clang's own build prints.
//!
//! Each run needs `OPM_CSMITH_COUNT` (default 30) matching programs per level. A program whose
//! reference build runs out of time is replaced by the next seed, as is one that opm rejects
//! with a clean "unsupported" error for a known limit (integers wider than 128 bits, from
//! csmith's packed bitfields). The seeds are printed; `OPM_CSMITH_SEED=S OPM_CSMITH_COUNT=N`
//! replays a run. A larger campaign: `OPM_CSMITH_COUNT=500 cargo test --release --test csmith`.
//! The campaign itself is in `common/csmith.rs`, shared with the Cranelift tests.

mod common;

use common::csmith::Campaign;
use libtest_mimic::Arguments;

fn main() {
    let args = Arguments::from_args();
    let trials = Campaign {
        name: "csmith",
        seed_var: "OPM_CSMITH_SEED",
        count_var: "OPM_CSMITH_COUNT",
        driver_args: &[],
        known_limits: &[],
        levels: common::csmith::BOTH_LEVELS,
    }
    .trials();
    libtest_mimic::run(&args, trials).exit();
}
