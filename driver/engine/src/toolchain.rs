//! The system C compiler, found through the `cc` crate, used as linker, and the arguments a
//! program is linked with.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Libraries a C program is linked with when no link arguments are given (libm for the math
/// functions C programs use).
pub const DEFAULT_LIBS: &[&str] = &["m"];

/// What a program's object is linked with, after the object itself: by default the C
/// libraries ([`DEFAULT_LIBS`]); for a Rust program, the rest of the link line rustc uses (its
/// standard library's rlibs, the allocator shim's object, its linker flags).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkArgs {
    /// `None`: the C defaults.
    args: Option<Vec<OsString>>,
}

impl LinkArgs {
    /// Exactly these arguments (and not the C defaults).
    pub fn new(args: Vec<OsString>) -> LinkArgs {
        LinkArgs { args: Some(args) }
    }

    /// The arguments as given to the linker after the objects and `-o OUT`.
    pub fn to_args(&self) -> Vec<OsString> {
        match &self.args {
            Some(args) => args.clone(),
            None => DEFAULT_LIBS.iter().map(|l| OsString::from(format!("-l{l}"))).collect(),
        }
    }

    /// Reads a link-arguments file: one argument per line, exactly (no quoting; empty lines
    /// are ignored), or the line rustc prints with `--print link-args` as it is (recognised by
    /// its first word: an environment assignment or a double-quoted word), read with
    /// [`LinkArgs::from_rustc_print`].
    pub fn read(path: &Path) -> Result<LinkArgs, std::io::Error> {
        let text = std::fs::read_to_string(path)?;
        let first = text.split_whitespace().next().unwrap_or_default();
        if first.starts_with('"') || is_env_assignment(first) {
            return LinkArgs::from_rustc_print(&text).map_err(std::io::Error::other);
        }
        Ok(LinkArgs::new(text.lines().filter(|l| !l.is_empty()).map(OsString::from).collect()))
    }

    /// Writes the file [`LinkArgs::read`] reads.
    pub fn write(&self, path: &Path) -> Result<(), std::io::Error> {
        let mut text = String::new();
        for a in self.to_args() {
            text.push_str(&a.to_string_lossy());
            text.push('\n');
        }
        std::fs::write(path, text)
    }

    /// The link arguments of the line rustc prints with `--print link-args` (a shell
    /// command: environment assignments, the linker, its arguments), for linking the module
    /// of the crate's code in place of the crate's own objects: the environment, the linker
    /// and `-o OUT` are dropped, and so are the objects of the crate's codegen units
    /// (`*-cgu.N.rcgu.o`), which the module replaces. Everything else stays: the allocator
    /// shim's object, the rlibs, the libraries and flags (`-fuse-ld=lld`, `-nodefaultlibs`…).
    /// The objects rustc names must still exist: build with `-C save-temps`.
    pub fn from_rustc_print(line: &str) -> Result<LinkArgs, String> {
        let words = shell_words::split(line.trim())
            .map_err(|e| format!("rustc's link line does not parse as a shell command: {e}"))?;
        let mut words = words.into_iter().skip_while(|w| is_env_assignment(w));
        if words.next().is_none() {
            return Err("rustc's link line is empty".into());
        }
        let mut args = Vec::new();
        let mut words = words.peekable();
        while let Some(w) = words.next() {
            if w == "-o" {
                words.next();
                continue;
            }
            let name = Path::new(&w).file_name().map(|n| n.to_string_lossy().into_owned());
            if name.is_some_and(|n| n.contains("-cgu.") && n.ends_with(".rcgu.o")) {
                continue;
            }
            args.push(OsString::from(w));
        }
        Ok(LinkArgs::new(args))
    }
}

/// `NAME=value`, as a shell command starts with.
fn is_env_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// How long linking one program may take.
const LINK_LIMIT: std::time::Duration = std::time::Duration::from_secs(300);

/// Errors finding or running the toolchain.
#[derive(Debug, thiserror::Error)]
pub enum ToolchainError {
    /// No C compiler was found. The environment is at fault.
    #[error("no C compiler found to link with ({0}); install gcc (apt-get install gcc) or set CC")]
    NoCompiler(String),
    /// The linker could not be started.
    #[error("cannot run the linker {}: {source}", path.display())]
    Spawn { path: PathBuf, source: std::io::Error },
    /// Linking failed (an undefined symbol, most often) or ran out of time.
    #[error("linking failed:\n{0}")]
    Link(String),
}

/// The C compiler driver used to link objects into executables, with the arguments the
/// program is linked with.
#[derive(Clone, Debug)]
pub struct Linker {
    path: PathBuf,
    args: LinkArgs,
}

impl Linker {
    /// Finds the system C compiler as the `cc` crate does for the host (honouring `CC`),
    /// without taking any of its default flags or `CFLAGS`: we pass exactly the arguments we
    /// want.
    pub fn find() -> Result<Linker, ToolchainError> {
        let tool = opm_gcc::compiler::system_c_compiler().map_err(ToolchainError::NoCompiler)?;
        Ok(Linker { path: tool.path().to_path_buf(), args: LinkArgs::default() })
    }

    /// The same linker, linking with `args`.
    pub fn with_args(mut self, args: LinkArgs) -> Linker {
        self.args = args;
        self
    }

    /// The compiler's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Links `objects` into the executable `out`, followed by the link arguments.
    pub fn link(&self, objects: &[&Path], out: &Path) -> Result<(), ToolchainError> {
        let mut cmd = std::process::Command::new(&self.path);
        cmd.args(objects).arg("-o").arg(out);
        cmd.args(self.args.to_args());
        let ran = opm_backend::process::run_with_timeout(&mut cmd, None, LINK_LIMIT)
            .map_err(|source| ToolchainError::Spawn { path: self.path.clone(), source })?;
        if !ran.success() {
            let mut text = String::from_utf8_lossy(&ran.stderr).into_owned();
            text.push_str(&String::from_utf8_lossy(&ran.stdout));
            if ran.shell_code().is_none() {
                text.push_str("(the linker ran out of time)");
            }
            let mut text = text.trim_end().to_string();
            if self.args == LinkArgs::default()
                && let Some(hint) = link_hint(&text)
            {
                text.push_str(hint);
            }
            return Err(ToolchainError::Link(text));
        }
        Ok(())
    }
}

/// What a failed link of a Rust program with C's default arguments says to do.
const RUST_LINK_HINT: &str = "\n(the program refers to Rust's standard library, which only rustc's link \
     line brings: give it with --link-args FILE, from `rustc --print link-args`; see the \
     README, \"Rust programs\")";

/// What a failed link of a C++ program with C's default arguments says to do.
const CXX_LINK_HINT: &str = "\n(the program refers to the C++ standard library: give --link-args FILE \
     holding -lstdc++ and -lm, one per line; see the README, \"C++ programs\")";

/// What to add to the linker's complaint `text`, made with C's default arguments, when the
/// symbols it names as undefined are those of Rust's or C++'s standard library or runtime
/// (demangled, as the linker prints them). Rust's are told first: its names may be `std::`'s
/// too.
fn link_hint(text: &str) -> Option<&'static str> {
    let undefined: Vec<&str> =
        text.lines().filter(|l| l.contains("undefined reference to")).collect();
    let any = |markers: &[&str]| undefined.iter().any(|l| markers.iter().any(|m| l.contains(m)));
    if any(&["`core::", "`<core::", "`alloc::", "`<alloc::", "__rust", "rust_eh_personality"]) {
        return Some(RUST_LINK_HINT);
    }
    let cxx = [
        "std::",
        "__cxa_",
        "__gxx_personality",
        "`operator new",
        "`operator delete",
        "`typeinfo for ",
        "`vtable for ",
    ];
    if any(&cxx) {
        return Some(CXX_LINK_HINT);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rustc_link_line_keeps_everything_but_the_crate_objects_and_output() {
        let line = r#"LC_ALL="C" PATH="/a b:/c" VSLANG="1033" "cc" "-m64" "/t/rustcX/symbols.o" "/t/hello.hello.1273d9-cgu.0.rcgu.o" "/t/hello.45ubux.rcgu.o" "-Wl,--as-needed" "/r/libstd-d1.rlib" "-lgcc_s" "-L" "/t/rustcX/raw-dylibs" "-fuse-ld=lld" "-o" "/t/hello" "-Wl,--gc-sections" "-nodefaultlibs""#;
        let args = LinkArgs::from_rustc_print(line).map(|a| a.to_args());
        let want: Vec<OsString> = [
            "-m64",
            "/t/rustcX/symbols.o",
            "/t/hello.45ubux.rcgu.o",
            "-Wl,--as-needed",
            "/r/libstd-d1.rlib",
            "-lgcc_s",
            "-L",
            "/t/rustcX/raw-dylibs",
            "-fuse-ld=lld",
            "-Wl,--gc-sections",
            "-nodefaultlibs",
        ]
        .into_iter()
        .map(OsString::from)
        .collect();
        assert_eq!(args, Ok(want));
        assert!(LinkArgs::from_rustc_print("  ").is_err());
        assert!(LinkArgs::from_rustc_print("\"cc\" \"unterminated").is_err());
    }

    #[test]
    fn undefined_symbols_of_rust_or_cxx_libraries_say_which_link_line_to_give() {
        let rust = "/usr/bin/ld: m.o: in function `m::main':\nm.cgu.0:(.text+0x14): undefined \
                    reference to `<std::hash::random::RandomState>::new'\nm.cgu.0:(.text+0x19): \
                    undefined reference to `alloc::raw_vec::handle_error'\n";
        assert_eq!(link_hint(rust), Some(RUST_LINK_HINT));
        let personality = "x.o:(.data+0x0): undefined reference to `rust_eh_personality'";
        assert_eq!(link_hint(personality), Some(RUST_LINK_HINT));
        let cxx = "p.cpp:(.text+0x5a): undefined reference to `std::__cxx11::basic_string<char, \
                   std::char_traits<char>, std::allocator<char> >::_M_dispose()'\n";
        assert_eq!(link_hint(cxx), Some(CXX_LINK_HINT));
        let new = "p.cpp:(.text+0x9): undefined reference to `operator new(unsigned long)'";
        assert_eq!(link_hint(new), Some(CXX_LINK_HINT));
        let c = "/usr/bin/ld: p.o: in function `main':\np.c:(.text+0x5): undefined reference to \
                 `missing_helper'\n/usr/bin/ld: note: std:: and core:: are not involved\n";
        assert_eq!(link_hint(c), None);
    }

    #[test]
    fn link_args_files_read_back_and_default_to_libm() {
        assert_eq!(LinkArgs::default().to_args(), vec![OsString::from("-lm")]);
        let dir = tempfile::tempdir().map_err(|e| e.to_string());
        let Ok(dir) = dir else { panic!("no temporary directory") };
        let path = dir.path().join("link-args");
        let args = LinkArgs::new(vec!["-L".into(), "/a b".into(), "-lfoo".into()]);
        assert!(args.write(&path).is_ok());
        assert_eq!(LinkArgs::read(&path).ok(), Some(args));
        let printed = dir.path().join("printed");
        let line = "LC_ALL=\"C\" \"cc\" \"/t/p.p.ab-cgu.0.rcgu.o\" \"-lc\" \"-o\" \"/t/p\"\n";
        assert!(std::fs::write(&printed, line).is_ok());
        assert_eq!(LinkArgs::read(&printed).ok(), Some(LinkArgs::new(vec!["-lc".into()])));
    }
}
