//! opm-verifier
