//! Hash maps and sets whose iteration order, and so the order of everything built by
//! iterating them, is the same in every process: std's default hasher draws random keys per
//! process. A worker's candidates must allocate in the same order in every run, since LLVM
//! passes that order objects by address (GVNSink) give a result that depends on where
//! the objects lie (see the worker's zygote in `opm-engine`).

/// The hasher: rustc's Fx hash, which has no keys (several times faster than std's
/// SipHash-1-3 on the small keys of the canonical IR: value and block numbers, names).
pub type Fixed = rustc_hash::FxBuildHasher;

/// A `HashMap` with the fixed hasher (make one with `HashMap::default()`).
pub type HashMap<K, V> = std::collections::HashMap<K, V, Fixed>;

/// A `HashSet` with the fixed hasher (make one with `HashSet::default()`).
pub type HashSet<T> = std::collections::HashSet<T, Fixed>;
