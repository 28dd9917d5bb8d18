//! opm-bench
