// Hands the binary a value at compile time, as real build scripts do.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rustc-env=FIXTURE_SEED=20240601");
}
