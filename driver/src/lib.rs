//! OpenPassMarket's driver: loading inputs into the canonical IR, checking them, compiling
//! them through a backend and running the result. The `opm-driver` binary is a thin CLI over
//! this library.

pub mod build;
pub mod engine;
pub mod lab;
pub mod model;
pub mod optimize;
pub mod pipeline;
pub mod progress;
pub mod report;
pub mod rng;
pub mod search;
pub mod toolchain;
pub mod worker;

pub use build::{Backend, DriverError, Input};
