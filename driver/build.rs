//! Records the target triple the driver is built for (the `cc` crate needs it at run time to
//! find the system C compiler used as linker) and the commit it is built from (the benchmark
//! lab stores it with every run).

use std::process::Command;

fn main() {
    let target = std::env::var("TARGET").expect("cargo sets TARGET");
    println!("cargo:rustc-env=OPM_HOST_TARGET={target}");
    let commit = Command::new("git")
        .args(["describe", "--always", "--dirty", "--abbrev=12"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=OPM_COMMIT={commit}");
    for git in ["../.git/HEAD", "../.git/index"] {
        if std::path::Path::new(git).exists() {
            println!("cargo:rerun-if-changed={git}");
        }
    }
}
