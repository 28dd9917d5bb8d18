//! What OpenPassMarket's binaries say about their own build. Only binaries depend on this
//! crate: a library takes what it records (the commit, for a lab's runs) as an argument.

/// The commit the binaries were built from (`git rev-parse --short=12 HEAD` at build time;
/// `unknown` outside a git checkout). Uncommitted changes are not part of it.
pub const COMMIT: &str = env!("OPM_COMMIT");

/// opm's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
