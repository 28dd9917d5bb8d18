//! OpenPassMarket's evaluation engine: from an input file to measured candidates.
//!
//! - [`input`]: a `.ll`/`.bc` file into a verified canonical module;
//! - [`backends`]: the backends this build has, behind [`opm_backend::Backend`];
//! - [`build`]: a module through a backend and the linker into an executable;
//! - [`worker`]: crash-isolated compiler processes and their protocol (both sides);
//! - [`engine`]: candidates evaluated in parallel, timed runs alone on the machine, the
//!   reference build every output is compared with;
//! - [`signals`]: signals files, written as each candidate is final and read back on resume;
//! - [`timing`]: runs too short to time repeated, two builds timed in interleaved pairs;
//! - [`optimize`]: the search loop within its budget, the winner's checks, and the table
//!   ([`report`]) and progress bar ([`progress`]) a user sees.

pub mod atomic;
pub mod backends;
pub mod build;
pub mod engine;
pub mod error;
pub mod input;
pub mod optimize;
pub mod progress;
pub mod report;
mod runs;
pub mod signals;
pub mod timing;
pub mod toolchain;
pub mod worker;

pub use error::Error;
pub use input::Input;

/// Locks `m`, also when a thread panicked while holding it: what it guards (a pool of idle
/// workers, a file, counters) stays usable.
pub(crate) fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
