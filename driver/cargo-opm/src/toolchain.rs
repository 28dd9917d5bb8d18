//! The Rust toolchain cargo uses: rustc's host and LLVM (which must be opm's LLVM major, since
//! opm reads rustc's bitcode), and the linker rustc's link line asks for.

use crate::error::Error;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What `rustc -vV` says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rustc {
    /// `rustc 1.95.0 (59807616e 2026-04-14)`.
    pub version: String,
    pub host: String,
    /// `22.1.2`.
    pub llvm: String,
}

/// The rustc cargo runs: `$RUSTC`, or `rustc`.
fn rustc_exe() -> PathBuf {
    std::env::var_os("RUSTC").map_or_else(|| PathBuf::from("rustc"), PathBuf::from)
}

impl Rustc {
    /// Runs `rustc -vV`.
    pub fn find() -> Result<Rustc, Error> {
        let exe = rustc_exe();
        let out = Command::new(&exe)
            .arg("-vV")
            .output()
            .map_err(|e| Error::Tool(format!("cannot run {}: {e}", exe.display())))?;
        if !out.status.success() {
            return Err(Error::Tool(format!(
                "`{} -vV` failed: {}",
                exe.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        Rustc::parse(&String::from_utf8_lossy(&out.stdout))
            .ok_or_else(|| Error::Tool(format!("`{} -vV` does not name its host", exe.display())))
    }

    /// Reads `rustc -vV`'s output.
    pub fn parse(text: &str) -> Option<Rustc> {
        let field = |name: &str| {
            text.lines().find_map(|l| l.strip_prefix(name)).map(|v| v.trim().to_string())
        };
        Some(Rustc {
            version: text.lines().next()?.trim().to_string(),
            host: field("host:")?,
            llvm: field("LLVM version:").unwrap_or_default(),
        })
    }

    /// Checks that rustc's LLVM has opm's major version (`opm_llvm`): bitcode of another
    /// major is not read, or not read the same.
    pub fn check_llvm(&self, opm_llvm: &str) -> Result<(), Error> {
        let major = |v: &str| v.split('.').next().unwrap_or_default().trim().to_string();
        if self.llvm.is_empty() {
            return Err(Error::Tool(format!(
                "{} does not say which LLVM it uses (`rustc -vV` has no `LLVM version:`); opm \
                 reads rustc's LLVM bitcode and needs LLVM {}",
                self.version,
                major(opm_llvm)
            )));
        }
        if major(&self.llvm) != major(opm_llvm) {
            return Err(Error::Tool(format!(
                "{} uses LLVM {}, opm is built with LLVM {opm_llvm}: opm reads rustc's bitcode \
                 and needs the same LLVM major ({}); use a toolchain whose `rustc -vV` says \
                 `LLVM version: {}.x` (Rust 1.95 does), e.g. `rustup run 1.95 cargo opm ...`",
                self.version,
                self.llvm,
                major(opm_llvm),
                major(opm_llvm)
            )));
        }
        Ok(())
    }
}

/// The linker that `-fuse-ld=NAME` asks the C compiler for, if the link arguments ask for
/// one: checked to exist in a `-B` directory or on `PATH` (gcc and clang look there), so
/// that a missing lld is said plainly rather than as a failed link.
pub fn check_fuse_ld(args: &[OsString]) -> Result<(), Error> {
    let words: Vec<String> = args.iter().map(|a| a.to_string_lossy().into_owned()).collect();
    let Some(name) = words.iter().rev().find_map(|w| w.strip_prefix("-fuse-ld=")) else {
        return Ok(());
    };
    let mut dirs: Vec<PathBuf> = Vec::new();
    let mut iter = words.iter().peekable();
    while let Some(w) = iter.next() {
        if w == "-B" {
            if let Some(d) = iter.next() {
                dirs.push(PathBuf::from(d));
            }
        } else if let Some(d) = w.strip_prefix("-B") {
            dirs.push(PathBuf::from(d));
        }
    }
    if Path::new(name).is_absolute() {
        return if Path::new(name).is_file() {
            Ok(())
        } else {
            Err(Error::Tool(format!("the link line's linker -fuse-ld={name} does not exist")))
        };
    }
    let file = format!("ld.{name}");
    let path_dirs: Vec<PathBuf> =
        std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect()).unwrap_or_default();
    if dirs.iter().chain(&path_dirs).any(|d| d.join(&file).is_file()) {
        return Ok(());
    }
    let hint = if name == "lld" {
        "; install lld (apt-get install lld), or link with the system's linker \
         (RUSTFLAGS=\"-C linker-features=-lld\")"
    } else {
        ""
    };
    let searched: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
    let searched = if searched.is_empty() {
        "PATH".to_string()
    } else {
        format!("{} and PATH", searched.join(", "))
    };
    Err(Error::Tool(format!(
        "rustc's link line links with -fuse-ld={name}, but there is no {file} in {searched}{hint}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    const VV: &str = "rustc 1.95.0 (59807616e 2026-04-14)\nbinary: rustc\ncommit-hash: 5980\n\
                      host: x86_64-unknown-linux-gnu\nrelease: 1.95.0\nLLVM version: 22.1.2\n";

    #[test]
    fn rustc_versions_are_read_and_compared_by_llvm_major() {
        let Some(r) = Rustc::parse(VV) else { panic!("not read") };
        assert_eq!(r.host, "x86_64-unknown-linux-gnu");
        assert_eq!(r.llvm, "22.1.2");
        assert!(r.check_llvm("22.1.8").is_ok());
        let Err(e) = r.check_llvm("21.1.0") else { panic!("LLVM 21 accepted") };
        assert!(e.to_string().contains("uses LLVM 22.1.2, opm is built with LLVM 21.1.0"), "{e}");
        assert_eq!(e.exit_code(), 2);
        let no_llvm = Rustc { llvm: String::new(), ..r };
        assert!(no_llvm.check_llvm("22.1.8").is_err());
    }

    #[test]
    fn a_missing_fuse_ld_linker_is_named() {
        let dir = tempfile::tempdir().map_err(|e| e.to_string());
        let Ok(dir) = dir else { panic!("no temporary directory") };
        let b = format!("-B{}", dir.path().display());
        let args: Vec<OsString> =
            ["-m64", &b, "-fuse-ld=opm-no-such-linker"].iter().map(OsString::from).collect();
        let Err(e) = check_fuse_ld(&args) else { panic!("a missing linker accepted") };
        assert!(e.to_string().contains("no ld.opm-no-such-linker in"), "{e}");
        assert!(std::fs::write(dir.path().join("ld.opm-no-such-linker"), "").is_ok());
        assert!(check_fuse_ld(&args).is_ok());
        assert!(check_fuse_ld(&[OsString::from("-lc")]).is_ok());
    }
}
