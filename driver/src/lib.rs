//! opm-driver
