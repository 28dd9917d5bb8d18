//! Compiles the C++ shim (`shim/shim.cpp`) against the LLVM 22 headers that llvm-sys uses.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=shim/shim.cpp");
    println!("cargo:rerun-if-env-changed=LLVM_SYS_221_PREFIX");
    let prefix = std::env::var("LLVM_SYS_221_PREFIX").unwrap_or_else(|_| "/usr/lib/llvm-22".into());
    let llvm_config = PathBuf::from(&prefix).join("bin/llvm-config");
    let output = Command::new(&llvm_config).arg("--cxxflags").output().unwrap_or_else(|e| {
        panic!(
            "cannot run {}: {e}; install LLVM 22 (apt-get install llvm-22-dev) \
             or set LLVM_SYS_221_PREFIX",
            llvm_config.display()
        )
    });
    assert!(output.status.success(), "{} --cxxflags failed", llvm_config.display());
    let mut build = cc::Build::new();
    build.cpp(true).file("shim/shim.cpp").warnings(false);
    for flag in String::from_utf8_lossy(&output.stdout).split_whitespace() {
        build.flag(flag);
    }
    build.compile("opm_llvm_shim");
}
