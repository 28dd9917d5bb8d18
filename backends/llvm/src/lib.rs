//! opm-llvm
