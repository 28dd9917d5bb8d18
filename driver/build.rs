//! Records the target triple the driver is built for: the `cc` crate needs it at run time to
//! find the system C compiler used as linker.

fn main() {
    let target = std::env::var("TARGET").expect("cargo sets TARGET");
    println!("cargo:rustc-env=OPM_HOST_TARGET={target}");
}
