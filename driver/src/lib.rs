//! OpenPassMarket's driver: loading inputs into the canonical IR, checking them, compiling
//! them through a backend and running the result. The `opm-driver` binary is a thin CLI over
//! this library.

pub mod build;
pub mod toolchain;

pub use build::{Backend, DriverError, Input};
