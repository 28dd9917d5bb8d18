//! The structural hash of a module: equal for modules that differ only in the names of local
//! values and blocks.

use crate::module::Module;
use crate::print::{PrintOptions, print_module};
use sha2::{Digest, Sha256};

/// A 128-bit hash of the module's structure, as 32 hex digits. Stable across runs and
/// machines: it hashes the printed module with local names replaced by numbers.
pub fn structural_hash(module: &Module) -> String {
    let text = print_module(module, PrintOptions { anonymous_locals: true });
    let digest = Sha256::digest(text.as_bytes());
    hex::encode(&digest[..16])
}

impl Module {
    /// See [`structural_hash`].
    pub fn structural_hash(&self) -> String {
        structural_hash(self)
    }
}
