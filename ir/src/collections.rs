//! Hash maps and sets whose iteration order, and so the order of everything built by
//! iterating them, is the same in every process: std's default hasher draws random keys per
//! process. A worker's candidates must allocate in the same order in every run, since LLVM
//! passes that order objects by address (GVNSink) give a result that depends on where
//! the objects lie (see the worker's zygote in `opm-engine`).

use std::collections::hash_map::DefaultHasher;
use std::hash::BuildHasherDefault;

/// The hasher: SipHash-1-3 with fixed keys.
pub type Fixed = BuildHasherDefault<DefaultHasher>;

/// A `HashMap` with the fixed hasher (make one with `HashMap::default()`).
pub type HashMap<K, V> = std::collections::HashMap<K, V, Fixed>;

/// A `HashSet` with the fixed hasher (make one with `HashSet::default()`).
pub type HashSet<T> = std::collections::HashSet<T, Fixed>;
