//! GCC's optimization flags as this backend's pipelines: the catalog of flags and params a
//! pipeline may set, read from the installed gcc, and pipelines as gcc's own command-line text
//! (`-O2 -funroll-loops -fno-tree-vectorize --param=max-unroll-times=4`).
//!
//! Source of truth: what the gcc in use prints for `gcc -Q --help=optimizers -O<level>` and
//! `gcc -Q --help=params -O<level>` at each level of [`LEVELS`]. Nothing here lists gcc's
//! flags; only the flags and params that must stay out of a pipeline are named, in
//! [`EXCLUDED`] (with the reason) and [`FIXED`] (always passed by the backend). The catalog
//! keeps on/off flags, flags and params whose values gcc enumerates or bounds, and the
//! `-falign-*=` alignments; it drops what gcc prints without a state at any level
//! ([`Catalog::unsettable`]).

use std::fmt;
use std::path::Path;
use std::process::{Command, Stdio};

/// The optimization levels a pipeline starts from, as written after `-O`. `z` is left out of
/// the catalog when the gcc in use rejects `-Oz` (before gcc 12).
pub const LEVELS: &[&str] = &["0", "1", "2", "3", "s", "z"];

/// Flags the backend always passes, whatever the pipeline; a pipeline naming one of these
/// flags is rejected. `-fno-strict-aliasing`: the emitted C reads and writes memory through
/// pointers of any type. `-ffp-contract=off`: a multiply and an add round twice, as in LLVM
/// without `contract`.
pub const FIXED: &[&str] = &["-fno-strict-aliasing", "-ffp-contract=off"];

/// Flags and params kept out of the catalog, with the reason; a pipeline naming one is
/// rejected with that reason. Flags are spelled `-fNAME` (the positive form, without a value),
/// params `--param=NAME`; a name ending in `*` covers every name it starts.
pub const EXCLUDED: &[(&str, &str)] = &[
    // Floating-point semantics.
    ("-ffast-math", "turns on the unsafe floating-point family: changes floating-point results"),
    (
        "-funsafe-math-optimizations",
        "reassociates and simplifies floating-point arithmetic: changes results",
    ),
    ("-fassociative-math", "reassociates floating-point arithmetic: changes results"),
    ("-freciprocal-math", "replaces x / y by x * (1 / y): changes results"),
    (
        "-ffinite-math-only",
        "assumes no NaN or infinity: changes results of programs that have them",
    ),
    ("-fsigned-zeros", "off ignores the sign of zero: changes results"),
    (
        "-ftrapping-math",
        "off assumes floating-point operations never trap: changes the exception flags a \
         program observes",
    ),
    ("-frounding-math", "a floating-point semantics choice (dynamic rounding modes)"),
    ("-fsignaling-nans", "a floating-point semantics choice (signaling NaNs)"),
    (
        "-fcx-limited-range",
        "complex multiplication and division without range reduction or NaN checks: changes \
         results",
    ),
    ("-fcx-fortran-rules", "Fortran's rules for complex arithmetic: changes results"),
    ("-fexcess-precision", "changes the precision intermediate floating-point values keep"),
    ("-fmath-errno", "off stops math functions from setting errno, which a program can read"),
    (
        "-ffp-int-builtin-inexact",
        "off changes which floating-point exceptions the rounding built-ins raise",
    ),
    ("-ffloat-store", "a floating-point semantics choice (drops excess precision at each store)"),
    ("-fsingle-precision-constant", "makes floating-point constants single precision"),
    ("-fshort-double", "makes double as small as float: changes results and the ABI"),
    (
        "-ffp-contract",
        "fixed: the backend always passes -ffp-contract=off, so a multiply and an add round \
         twice as in LLVM",
    ),
    // The language and the ABI.
    (
        "-fstrict-aliasing",
        "fixed: the emitted C accesses memory through pointers of any type, so the backend \
         always passes -fno-strict-aliasing",
    ),
    ("-fipa-strict-aliasing", "acts only with -fstrict-aliasing, which is fixed off"),
    ("-fwrapv", "defines signed overflow to wrap: changes the language"),
    ("-fwrapv-pointer", "defines pointer overflow to wrap: changes the language"),
    ("-ftrapv", "traps on signed overflow: changes what the program does"),
    ("-fpack-struct*", "changes the layout of structs: ABI"),
    ("-fshort-enums", "changes the size of enum types: ABI"),
    ("-fshort-wchar", "changes the size of wchar_t: ABI"),
    ("-fcommon", "changes how tentative definitions link: ABI"),
    ("-fleading-underscore", "changes symbol names: ABI"),
    ("-fpcc-struct-return", "returns small structs in memory: ABI"),
    ("-freg-struct-return", "returns small structs in registers: ABI"),
    ("-fpic", "position independence is fixed by how the backend links"),
    ("-fPIC", "position independence is fixed by how the backend links"),
    ("-fpie", "position independence is fixed by how the backend links"),
    ("-fPIE", "position independence is fixed by how the backend links"),
    ("-fplt", "how calls reach shared-library functions: a linking choice"),
    (
        "-fsemantic-interposition",
        "whether exported functions may be interposed: a linking model, not an optimization",
    ),
    // Undefined behaviour and concurrency.
    (
        "-fdelete-null-pointer-checks",
        "changes what happens on a null pointer dereference (undefined behaviour)",
    ),
    (
        "-fisolate-erroneous-paths-*",
        "changes what happens on undefined behaviour (traps on the erroneous path)",
    ),
    (
        "-ffinite-loops",
        "assumes every loop without side effects ends, which C does not promise for every loop",
    ),
    (
        "-fallow-store-data-races",
        "may introduce stores other threads can see: changes concurrency semantics",
    ),
    (
        "-fsched-spec-load-dangerous",
        "lets the scheduler move loads that may fault above the branches guarding them",
    ),
    (
        "-ftrivial-auto-var-init",
        "initializes automatic variables: changes what reading an uninitialized one gives",
    ),
    // Exceptions and unwinding.
    ("-fexceptions", "exception tables for unwinding: not a code-quality choice for C"),
    ("-fhandle-exceptions", "an old alias of -fexceptions"),
    ("-fnon-call-exceptions", "lets trapping instructions throw: not a code-quality choice for C"),
    (
        "-fdelete-dead-exceptions",
        "may delete instructions that could trap: changes what a trapping program does",
    ),
    ("-fasynchronous-unwind-tables", "unwind tables only (.eh_frame)"),
    ("-funwind-tables", "unwind tables only (.eh_frame)"),
    // Hardening, instrumentation, profiles.
    ("-fstack-protector*", "stack-smashing checks: hardening, not optimization"),
    ("-fstack-check*", "stack probing: hardening, not optimization"),
    ("-fstack-clash-protection", "stack probing: hardening, not optimization"),
    ("-fsplit-stack", "segmented stacks: needs run-time support the link does not have"),
    ("-fcf-protection*", "control-flow enforcement (CET): hardening, not optimization"),
    ("-fharden*", "hardened compares and branches: hardening, not optimization"),
    ("-fzero-call-used-regs", "clears registers on return: hardening, not optimization"),
    ("-fsanitize*", "sanitizers: instrumentation"),
    ("-finstrument-functions*", "calls hooks at every function entry and exit: instrumentation"),
    ("-fprofile*", "profiling instrumentation or profile feedback: needs a training run"),
    ("-fbranch-probabilities", "needs profile feedback from a training run"),
    ("-fauto-profile*", "needs a perf profile (AutoFDO)"),
    ("-fvpt", "value profiling: needs profile feedback from a training run"),
    ("-flive-patching*", "restricts optimizations for live patching: not a code-quality choice"),
    ("-fpatchable-function-entry", "inserts NOPs at function entry for run-time patching"),
    // Not pipeline choices on this backend.
    ("-finline-atomics", "off calls libatomic, which the link does not include"),
    ("-ftree-parallelize-loops", "runs loops in threads: needs libgomp and -pthread"),
    ("-floop-parallelize-all", "acts only with -ftree-parallelize-loops (threads, libgomp)"),
    (
        "-funroll-completely-grow-size",
        "gcc's internal switch (set by -O3): the C driver ignores it with a warning",
    ),
    ("-fdelayed-branch", "x86-64 has no delay slots: gcc ignores it with a warning"),
    ("-fsection-anchors", "x86-64 has no section anchors: gcc ignores it with a warning"),
    (
        "-fkeep-gc-roots-live",
        "keeps pointers visible to conservative garbage collectors: a guarantee, never faster",
    ),
    ("-fvar-tracking*", "debug information only"),
    ("-fopt-info*", "optimization reports only"),
    ("-fsave-optimization-record", "optimization reports only"),
    // Params.
    ("--param=analyzer-*", "the static analyzer (-fanalyzer) only: diagnostics"),
    ("--param=asan-*", "AddressSanitizer only"),
    ("--param=hwasan-*", "HWAddressSanitizer only"),
    ("--param=tsan-*", "ThreadSanitizer only"),
    ("--param=use-after-scope-direct-emission-threshold", "AddressSanitizer only"),
    ("--param=profile-*", "profiling instrumentation only"),
    ("--param=ggc-*", "memory of gcc's own garbage collector: compile time only"),
    ("--param=lazy-modules", "C++ modules: compile-time memory only"),
    ("--param=cxx-*", "C++ diagnostics only"),
    ("--param=uninit-*", "the -Wmaybe-uninitialized analysis only: diagnostics"),
    ("--param=min-pagesize", "warnings only (-Warray-bounds and friends)"),
    ("--param=hash-table-verification-limit", "checks gcc's own hash tables"),
    ("--param=max-vartrack-*", "debug information only"),
    ("--param=max-debug-marker-count", "debug information only"),
    ("--param=min-nondebug-insn-uid", "a testing knob of gcc's debug instructions"),
    ("--param=ranger-debug", "debugging dumps of gcc"),
    ("--param=threader-debug", "debugging dumps of gcc"),
    ("--param=lto-*", "link-time optimization only, which the backend does not use"),
    ("--param=openacc-*", "OpenACC only"),
    ("--param=parloops-*", "acts only with -ftree-parallelize-loops (excluded)"),
    ("--param=ssp-buffer-size", "acts only with -fstack-protector (excluded)"),
    ("--param=stack-clash-protection-*", "acts only with -fstack-clash-protection (excluded)"),
    ("--param=tm-max-aggregate-size", "transactional memory (-fgnu-tm) only"),
    ("--param=gimple-fe-*", "gcc's GIMPLE front end (its own tests) only"),
    ("--param=use-canonical-types", "the C++ front end's type comparison: compile time only"),
    ("--param=constructive-interference-size", "a C++ library constant (ABI), not code generation"),
    ("--param=destructive-interference-size", "a C++ library constant (ABI), not code generation"),
    ("--param=graphite-allow-codegen-errors", "a testing knob of gcc's Graphite code generator"),
];

/// The largest value gcc accepts for a param it prints without a `<min,max>` range (its
/// option parser takes any non-negative `int`).
const PARAM_MAX: i64 = i32::MAX as i64;

/// The largest value gcc accepts in each field of an `-falign-*=` alignment.
const ALIGN_MAX: i64 = 65536;

/// Where a user finds what a pipeline may contain; named in errors about unknown names.
const LISTING: &str = "`opm-driver passes --backend gcc` lists the flags and params";

/// What can go wrong reading gcc's flags or parsing a pipeline.
#[derive(Debug, thiserror::Error)]
pub enum FlagsError {
    /// gcc could not be started (not installed, not executable, wrong path): the
    /// environment's fault.
    #[error("could not run `{command}`: {source}")]
    Spawn {
        /// The command line, as run.
        command: String,
        /// Why the process could not start.
        source: std::io::Error,
    },
    /// gcc ran but exited with an error: the installed gcc's fault (or too old a gcc).
    #[error("`{command}` failed: {stderr}")]
    Gcc {
        /// The command line, as run.
        command: String,
        /// What gcc printed on its error output, or its exit status when it printed nothing.
        stderr: String,
    },
    /// A pipeline text that does not parse or names a flag or value the catalog does not
    /// allow: the user's fault.
    #[error("invalid gcc pipeline `{pipeline}`: {message}")]
    Pipeline {
        /// The pipeline text, as given.
        pipeline: String,
        /// What is wrong, naming the item.
        message: String,
    },
}

impl FlagsError {
    /// Whether the user's input (a pipeline) is at fault rather than the environment or gcc.
    pub fn is_input_error(&self) -> bool {
        matches!(self, FlagsError::Pipeline { .. })
    }
}

/// The state gcc prints for a flag at one optimization level.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum State {
    /// `[enabled]`: the flag is on at this level.
    Enabled,
    /// `[disabled]`: the flag is off at this level.
    Disabled,
    /// A value, as gcc prints it (`16:11:8`, `very-cheap`).
    Value(String),
    /// Nothing usable: gcc leaves the choice to its built-in or target default.
    Unset,
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            State::Enabled => f.write_str("on"),
            State::Disabled => f.write_str("off"),
            State::Value(value) => f.write_str(value),
            State::Unset => f.write_str("unset"),
        }
    }
}

/// What a flag takes in a pipeline.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FlagKind {
    /// On or off: `-fNAME` or `-fno-NAME`.
    Bool,
    /// `-fNAME=VALUE` with one of these values (gcc prints them as `=[a|b|c]`).
    Choice(Vec<String>),
    /// `-fNAME=N` with an integer `N` from `min` to `max` (gcc prints `=<min,max>`).
    Range {
        /// The smallest value.
        min: i64,
        /// The largest value.
        max: i64,
    },
    /// `-falign-*=n[:m[:n2[:m2]]]`: one to four integers from 0 to 65536 separated by `:`.
    Alignment,
}

impl fmt::Display for FlagKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FlagKind::Bool => f.write_str("on/off"),
            FlagKind::Choice(values) => write!(f, "[{}]", values.join("|")),
            FlagKind::Range { min, max } => write!(f, "<{min},{max}>"),
            FlagKind::Alignment => f.write_str("n[:m[:n2[:m2]]]"),
        }
    }
}

/// One optimization flag a pipeline may set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagSpec {
    /// gcc's name without `-f` or `=`, e.g. `tree-vectorize` or `align-functions`. An on/off
    /// flag and a valued one may share a name (`-falign-functions`, `-falign-functions=`);
    /// they are the same setting for gcc.
    pub name: String,
    /// On/off or the values it takes.
    pub kind: FlagKind,
    /// The state gcc prints at each level of [`Catalog::levels`], in that order.
    pub defaults: Vec<(&'static str, State)>,
}

impl FlagSpec {
    /// How the flag is written on gcc's command line, with what it takes: `-fpeel-loops`,
    /// `-fvect-cost-model=[unlimited|dynamic|cheap|very-cheap]`.
    pub fn spelling(&self) -> String {
        match self.kind {
            FlagKind::Bool => format!("-f{}", self.name),
            _ => format!("-f{}={}", self.name, self.kind),
        }
    }

    /// The state gcc prints for the flag at `level` (`"2"` for `-O2`), if the catalog read
    /// that level.
    pub fn default_at(&self, level: &str) -> Option<&State> {
        self.defaults.iter().find(|(l, _)| *l == level).map(|(_, state)| state)
    }
}

/// What a param takes in a pipeline.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ParamKind {
    /// An integer from `min` to `max`: gcc's `<min,max>`, or 0 to 2147483647 when gcc prints
    /// no range.
    Int {
        /// The smallest value.
        min: i64,
        /// The largest value.
        max: i64,
    },
    /// One of these values (gcc prints them as `=[a|b|c]`).
    Choice(Vec<String>),
}

impl fmt::Display for ParamKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamKind::Int { min, max } => write!(f, "<{min},{max}>"),
            ParamKind::Choice(values) => write!(f, "[{}]", values.join("|")),
        }
    }
}

/// One `--param` a pipeline may set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamSpec {
    /// gcc's name, e.g. `max-unroll-times`.
    pub name: String,
    /// The range or values it takes.
    pub kind: ParamKind,
    /// The value gcc prints at each level of [`Catalog::levels`], in that order. It may lie
    /// outside the range (`-1` often means "decided by the target").
    pub defaults: Vec<(&'static str, String)>,
}

impl ParamSpec {
    /// How the param is written on gcc's command line, with what it takes:
    /// `--param=max-unroll-times=<0,2147483647>`.
    pub fn spelling(&self) -> String {
        format!("--param={}={}", self.name, self.kind)
    }

    /// The value gcc prints for the param at `level` (`"2"` for `-O2`), if the catalog read
    /// that level.
    pub fn default_at(&self, level: &str) -> Option<&str> {
        self.defaults.iter().find(|(l, _)| *l == level).map(|(_, value)| value.as_str())
    }
}

/// The flags and params of the installed gcc that pipelines may set, with their state at each
/// optimization level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Catalog {
    levels: Vec<&'static str>,
    flags: Vec<FlagSpec>,
    params: Vec<ParamSpec>,
    unsettable: Vec<String>,
}

impl Catalog {
    /// Runs `gcc -Q --help=optimizers -O<level>` and `gcc -Q --help=params -O<level>` for each
    /// of [`LEVELS`] (skipping `z` when gcc rejects `-Oz`) and keeps what a pipeline may set.
    /// `gcc` is a path or a name looked up on `PATH`.
    pub fn read(gcc: &Path) -> Result<Catalog, FlagsError> {
        let mut help = Vec::new();
        for &level in LEVELS {
            let optimizers = match run_help(gcc, "optimizers", level) {
                Ok(text) => text,
                Err(FlagsError::Gcc { .. }) if level == "z" => continue,
                Err(e) => return Err(e),
            };
            let params = run_help(gcc, "params", level)?;
            help.push(LevelHelp { level, optimizers, params });
        }
        Ok(Catalog::from_help(&help))
    }

    /// Builds the catalog from gcc's printed help, one entry per level read.
    fn from_help(help: &[LevelHelp]) -> Catalog {
        let levels: Vec<&'static str> = help.iter().map(|h| h.level).collect();
        let (flags, unsettable) = collect_flags(help);
        let params = collect_params(help);
        Catalog { levels, flags, params, unsettable }
    }

    /// The optimization levels read, as written after `-O`, in [`LEVELS`] order.
    pub fn levels(&self) -> &[&'static str] {
        &self.levels
    }

    /// The flags a pipeline may set, in gcc's order.
    pub fn flags(&self) -> &[FlagSpec] {
        &self.flags
    }

    /// The params a pipeline may set, in gcc's order.
    pub fn params(&self) -> &[ParamSpec] {
        &self.params
    }

    /// On/off flags gcc lists as optimizations but prints without a usable state at every
    /// level (flags of other languages, flags whose default the target decides), so
    /// pipelines cannot use them; names without `-f`.
    pub fn unsettable(&self) -> &[String] {
        &self.unsettable
    }

    /// The on/off flag `name` (without `-f`), if a pipeline may set it.
    pub fn flag(&self, name: &str) -> Option<&FlagSpec> {
        self.flags.iter().find(|spec| spec.name == name && spec.kind == FlagKind::Bool)
    }

    /// The valued flag `name` (without `-f` or `=`), if a pipeline may set it.
    pub fn valued_flag(&self, name: &str) -> Option<&FlagSpec> {
        self.flags.iter().find(|spec| spec.name == name && spec.kind != FlagKind::Bool)
    }

    /// The param `name`, if a pipeline may set it.
    pub fn param(&self, name: &str) -> Option<&ParamSpec> {
        self.params.iter().find(|spec| spec.name == name)
    }

    /// gcc's own levels as pipelines named `O0`, `O1`, `O2`, `O3`, `Os` and `Oz` (when this
    /// gcc has it), each with no other flag.
    pub fn presets(&self) -> Vec<(String, Pipeline)> {
        self.levels
            .iter()
            .map(|&level| (format!("O{level}"), Pipeline { level, entries: Vec::new() }))
            .collect()
    }
}

/// What gcc printed for one optimization level.
struct LevelHelp {
    level: &'static str,
    optimizers: String,
    params: String,
}

/// Runs `gcc -Q --help=<topic> -O<level>` with no input and returns what it printed. The
/// messages are read untranslated (`LC_ALL=C`).
fn run_help(gcc: &Path, topic: &str, level: &str) -> Result<String, FlagsError> {
    let args = ["-Q".to_string(), format!("--help={topic}"), format!("-O{level}")];
    let command = format!("{} {}", gcc.display(), args.join(" "));
    let output = Command::new(gcc)
        .args(&args)
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .output()
        .map_err(|source| FlagsError::Spawn { command: command.clone(), source })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr).trim().to_string();
        let stderr = if stderr.is_empty() { output.status.to_string() } else { stderr };
        return Err(FlagsError::Gcc { command, stderr });
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Splits a help line into the option (`-falign-loops=`) and what follows it (`16:11:8`,
/// `[enabled]`, empty); `None` for lines that do not start with an option.
fn split_line(line: &str) -> Option<(&str, &str)> {
    let line = line.trim();
    if !line.starts_with('-') {
        return None;
    }
    let end = line.find(char::is_whitespace).unwrap_or(line.len());
    Some((&line[..end], line[end..].trim()))
}

/// What follows an option on a help line, as a state. Notes in brackets other than
/// `[enabled]`/`[disabled]` (`[default]`, `[available in C++]`), aliases (`-fexceptions`) and
/// anything with spaces in it are [`State::Unset`].
fn read_state(note: &str) -> State {
    match note {
        "[enabled]" => State::Enabled,
        "[disabled]" => State::Disabled,
        "" => State::Unset,
        _ if note.starts_with('[') || note.contains(char::is_whitespace) => State::Unset,
        _ if note.starts_with('-') && parse_int(note).is_none() => State::Unset,
        _ => State::Value(note.to_string()),
    }
}

/// An integer written in decimal with an optional `-`, or `None`.
fn parse_int(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `[a|b|c]` as its values.
fn parse_choices(spec: &str) -> Option<Vec<String>> {
    let inner = spec.strip_prefix('[')?.strip_suffix(']')?;
    let values: Vec<String> = inner.split('|').map(str::to_string).collect();
    if values.iter().any(|v| v.is_empty() || v.contains(char::is_whitespace)) {
        return None;
    }
    Some(values)
}

/// `<min,max>` as its bounds; `<number>` as any non-negative `int`.
fn parse_range(spec: &str) -> Option<(i64, i64)> {
    let inner = spec.strip_prefix('<')?.strip_suffix('>')?;
    if inner == "number" {
        return Some((0, PARAM_MAX));
    }
    let (min, max) = inner.split_once(',')?;
    let (min, max) = (parse_int(min.trim())?, parse_int(max.trim())?);
    (min <= max).then_some((min, max))
}

/// One flag as printed at one level.
struct PrintedFlag {
    name: String,
    kind: FlagKind,
    state: State,
}

/// The `-f` flags of one `--help=optimizers` output whose format is understood; the others
/// (`-O` levels, `-g` options, unknown value formats) are skipped.
fn parse_optimizers(text: &str) -> Vec<PrintedFlag> {
    text.lines()
        .filter_map(split_line)
        .filter_map(|(option, note)| parse_flag(option, note))
        .collect()
}

/// A flag line: `-fNAME` with `[enabled]`/`[disabled]`, or `-fNAME=SPEC` with a value.
fn parse_flag(option: &str, note: &str) -> Option<PrintedFlag> {
    let body = option.strip_prefix("-f")?;
    let state = read_state(note);
    let (name, kind, state) = match body.split_once('=') {
        None => {
            let state = match state {
                State::Enabled | State::Disabled => state,
                _ => State::Unset,
            };
            (body, FlagKind::Bool, state)
        }
        Some((name, spec)) => {
            let kind = if let Some(values) = parse_choices(spec) {
                FlagKind::Choice(values)
            } else if let Some((min, max)) = parse_range(spec) {
                FlagKind::Range { min, max }
            } else if spec.is_empty() && name.starts_with("align-") {
                FlagKind::Alignment
            } else {
                return None;
            };
            let state = match state {
                State::Value(value) if value_fits_printed(&kind, &value) => State::Value(value),
                _ => State::Unset,
            };
            (name, kind, state)
        }
    };
    if name.is_empty() || name.contains(char::is_whitespace) {
        return None;
    }
    Some(PrintedFlag { name: name.to_string(), kind, state })
}

/// Whether a printed default has the form of the flag's values (integers for a range, the
/// alignment syntax for an alignment); a choice keeps whatever gcc prints.
fn value_fits_printed(kind: &FlagKind, value: &str) -> bool {
    match kind {
        FlagKind::Bool => false,
        FlagKind::Choice(_) => true,
        FlagKind::Range { .. } => parse_int(value).is_some(),
        FlagKind::Alignment => parse_alignment(value).is_some(),
    }
}

/// Merges the flags of every level into specs, in the order gcc prints them. Returns the
/// specs a pipeline may set and the names of on/off flags printed without a state at every
/// level. Excluded flags and flags whose kind differs between levels are dropped; a line
/// repeated within a level counts once.
fn collect_flags(help: &[LevelHelp]) -> (Vec<FlagSpec>, Vec<String>) {
    // Keyed by name and whether the flag is on/off: `-falign-loops` and `-falign-loops=` are
    // two specs.
    let mut merged: Vec<((String, bool), Option<FlagSpec>)> = Vec::new();
    for h in help {
        for printed in parse_optimizers(&h.optimizers) {
            let key = (printed.name.clone(), printed.kind == FlagKind::Bool);
            let position = merged.iter().position(|(k, _)| *k == key);
            let i = position.unwrap_or_else(|| {
                let spec = FlagSpec {
                    name: printed.name.clone(),
                    kind: printed.kind.clone(),
                    defaults: Vec::new(),
                };
                merged.push((key, Some(spec)));
                merged.len() - 1
            });
            let slot = &mut merged[i].1;
            match slot {
                Some(spec) if spec.kind != printed.kind => *slot = None,
                Some(spec) if spec.default_at(h.level).is_none() => {
                    spec.defaults.push((h.level, printed.state));
                }
                _ => {}
            }
        }
    }
    let mut flags = Vec::new();
    let mut unsettable = Vec::new();
    for (_, spec) in merged {
        let Some(mut spec) = spec else { continue };
        if exclusion(&format!("-f{}", spec.name)).is_some() {
            continue;
        }
        if spec.defaults.iter().all(|(_, state)| *state == State::Unset) {
            if spec.kind == FlagKind::Bool {
                unsettable.push(spec.name);
            }
            continue;
        }
        for h in help {
            if spec.default_at(h.level).is_none() {
                spec.defaults.push((h.level, State::Unset));
            }
        }
        spec.defaults.sort_by_key(|(level, _)| LEVELS.iter().position(|l| l == level));
        flags.push(spec);
    }
    (flags, unsettable)
}

/// One param as printed at one level.
struct PrintedParam {
    name: String,
    kind: ParamKind,
    value: String,
}

/// The params of one `--help=params` output that have a range or a set of values and a
/// value of that form; the others are skipped.
fn parse_params(text: &str) -> Vec<PrintedParam> {
    text.lines()
        .filter_map(split_line)
        .filter_map(|(option, note)| parse_param(option, note))
        .collect()
}

/// A param line: `--param=NAME=<min,max>`, `--param=NAME=[a|b]` or `--param=NAME=` (any
/// non-negative `int`) with its value.
fn parse_param(option: &str, note: &str) -> Option<PrintedParam> {
    let (name, spec) = option.strip_prefix("--param=")?.split_once('=')?;
    if name.is_empty() || name.contains(char::is_whitespace) {
        return None;
    }
    let State::Value(value) = read_state(note) else { return None };
    let kind = if let Some(values) = parse_choices(spec) {
        ParamKind::Choice(values)
    } else if let Some((min, max)) = parse_range(spec) {
        ParamKind::Int { min, max }
    } else if spec.is_empty() {
        ParamKind::Int { min: 0, max: PARAM_MAX }
    } else {
        return None;
    };
    if matches!(kind, ParamKind::Int { .. }) && parse_int(&value).is_none() {
        return None;
    }
    Some(PrintedParam { name: name.to_string(), kind, value })
}

/// Merges the params of every level into specs, in the order gcc prints them. A param kept
/// is not excluded and has a value of the same kind at every level; a line repeated within a
/// level counts once.
fn collect_params(help: &[LevelHelp]) -> Vec<ParamSpec> {
    let mut merged: Vec<(String, Option<ParamSpec>)> = Vec::new();
    for h in help {
        for printed in parse_params(&h.params) {
            let position = merged.iter().position(|(name, _)| *name == printed.name);
            let i = position.unwrap_or_else(|| {
                let spec = ParamSpec {
                    name: printed.name.clone(),
                    kind: printed.kind.clone(),
                    defaults: Vec::new(),
                };
                merged.push((printed.name.clone(), Some(spec)));
                merged.len() - 1
            });
            let slot = &mut merged[i].1;
            match slot {
                Some(spec) if spec.kind != printed.kind => *slot = None,
                Some(spec) if spec.default_at(h.level).is_none() => {
                    spec.defaults.push((h.level, printed.value));
                }
                _ => {}
            }
        }
    }
    merged
        .into_iter()
        .filter_map(|(_, spec)| spec)
        .filter(|spec| spec.defaults.len() == help.len())
        .filter(|spec| exclusion(&format!("--param={}", spec.name)).is_none())
        .collect()
}

/// The reason `spelling` (`-fNAME` or `--param=NAME`) is excluded, if it is.
fn exclusion(spelling: &str) -> Option<&'static str> {
    EXCLUDED
        .iter()
        .find(|(pattern, _)| match pattern.strip_suffix('*') {
            Some(prefix) => spelling.starts_with(prefix),
            None => spelling == *pattern,
        })
        .map(|(_, why)| *why)
}

/// The [`FIXED`] flag that sets flag `name` (without `-f`, `no-` or a value), if any.
fn fixed(name: &str) -> Option<&'static str> {
    FIXED.iter().copied().find(|flag| {
        let body = flag.trim_start_matches("-f");
        let body = body.strip_prefix("no-").unwrap_or(body);
        body.split('=').next() == Some(name)
    })
}

/// `n[:m[:n2[:m2]]]` with each field from 0 to 65536, written back without leading zeros.
fn parse_alignment(value: &str) -> Option<String> {
    let fields: Vec<&str> = value.split(':').collect();
    if fields.len() > 4 {
        return None;
    }
    let numbers: Option<Vec<String>> = fields
        .iter()
        .map(|field| {
            let n = parse_int(field)?;
            (0..=ALIGN_MAX).contains(&n).then(|| n.to_string())
        })
        .collect();
    Some(numbers?.join(":"))
}

/// One item of a pipeline after its `-O` level.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Entry {
    /// `-fNAME`: turns an on/off flag on.
    On(String),
    /// `-fno-NAME`: turns an on/off flag off.
    Off(String),
    /// `-fNAME=VALUE`: gives a valued flag a value.
    Value {
        /// The flag's name, without `-f`.
        flag: String,
        /// Its value, as gcc spells it.
        value: String,
    },
    /// `--param=NAME=VALUE`: gives a param a value.
    Param {
        /// The param's name.
        name: String,
        /// Its value, as gcc spells it.
        value: String,
    },
}

impl Entry {
    /// What the entry sets: a later entry with the same key replaces it. The on/off and the
    /// valued form of a flag (`-fno-align-loops`, `-falign-loops=32`) are the same setting.
    fn key(&self) -> (bool, &str) {
        match self {
            Entry::On(flag) | Entry::Off(flag) | Entry::Value { flag, .. } => (false, flag),
            Entry::Param { name, .. } => (true, name),
        }
    }
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Entry::On(flag) => write!(f, "-f{flag}"),
            Entry::Off(flag) => write!(f, "-fno-{flag}"),
            Entry::Value { flag, value } => write!(f, "-f{flag}={value}"),
            Entry::Param { name, value } => write!(f, "--param={name}={value}"),
        }
    }
}

/// A gcc pipeline: an optimization level and flags and params on top of it, in order; one
/// point of this backend's search space. Built by [`Pipeline::parse`] against a catalog or by
/// [`Catalog::presets`]. The default is `-O0` alone.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Pipeline {
    /// One of [`LEVELS`], as written after `-O`.
    level: &'static str,
    /// At most one entry per flag or param, in the order given.
    entries: Vec<Entry>,
}

impl Default for Pipeline {
    fn default() -> Pipeline {
        Pipeline { level: "0", entries: Vec::new() }
    }
}

/// What one pipeline item sets.
enum Item {
    Level(&'static str),
    Entry(Entry),
}

impl Pipeline {
    /// Parses gcc's spelling, items separated by spaces and/or commas:
    /// `-O2 -funroll-loops -fno-tree-vectorize -falign-functions=32 --param=max-unroll-times=4`
    /// (`--param NAME=VALUE` is read as well). Every item is checked against `catalog`; a
    /// later `-O` level replaces an earlier one, and a later entry for a flag or param
    /// replaces the earlier one. Empty text is `-O0`.
    pub fn parse(text: &str, catalog: &Catalog) -> Result<Pipeline, FlagsError> {
        let error = |message: String| FlagsError::Pipeline { pipeline: text.to_string(), message };
        let mut pipeline = Pipeline::default();
        let mut items =
            text.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty());
        while let Some(item) = items.next() {
            let item = if item == "--param" {
                match items.next() {
                    Some(param) => parse_param_item(param, param, catalog),
                    None => Err("`--param` needs NAME=VALUE after it".to_string()),
                }
            } else {
                parse_item(item, catalog)
            };
            match item.map_err(error)? {
                Item::Level(level) => pipeline.level = level,
                Item::Entry(entry) => pipeline.push(entry),
            }
        }
        Ok(pipeline)
    }

    /// Appends `entry`, dropping an earlier entry for the same flag or param.
    fn push(&mut self, entry: Entry) {
        self.entries.retain(|e| e.key() != entry.key());
        self.entries.push(entry);
    }

    /// The optimization level, as written after `-O` (`"2"`, `"s"`).
    pub fn level(&self) -> &'static str {
        self.level
    }

    /// The flags and params on top of the level, in order, at most one per flag or param.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The canonical text: the `-O` level, then the entries in order, separated by single
    /// spaces; `Pipeline::parse(&p.text(), catalog) == Ok(p)`.
    pub fn text(&self) -> String {
        self.args().join(" ")
    }

    /// The gcc arguments of the pipeline: the `-O` level, then the entries. The [`FIXED`]
    /// flags are not among them; the backend adds those.
    pub fn args(&self) -> Vec<String> {
        let mut args = vec![format!("-O{}", self.level)];
        args.extend(self.entries.iter().map(Entry::to_string));
        args
    }
}

impl fmt::Display for Pipeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

/// Parses one item (`-O2`, `-fpeel-loops`, `--param=NAME=VALUE`, …) or says what is wrong.
fn parse_item(item: &str, catalog: &Catalog) -> Result<Item, String> {
    if let Some(level) = item.strip_prefix("-O") {
        return parse_level(item, level, catalog);
    }
    if let Some(param) = item.strip_prefix("--param=") {
        return parse_param_item(item, param, catalog);
    }
    if let Some(body) = item.strip_prefix("-f") {
        return parse_flag_item(item, body, catalog).map(Item::Entry);
    }
    Err(format!(
        "`{item}` is not part of a gcc pipeline, which holds an -O level, -f flags and \
         --param=NAME=VALUE; {LISTING}"
    ))
}

/// `-O<level>`: one of the levels the catalog read.
fn parse_level(item: &str, level: &str, catalog: &Catalog) -> Result<Item, String> {
    if let Some(&level) = catalog.levels.iter().find(|l| **l == level) {
        return Ok(Item::Level(level));
    }
    let levels: Vec<String> = catalog.levels.iter().map(|l| format!("-O{l}")).collect();
    let why = if level == "fast" {
        " (it turns on -ffast-math, which changes floating-point results)"
    } else {
        ""
    };
    Err(format!(
        "`{item}` is not a level of this backend{why}; the levels are {}",
        levels.join(", ")
    ))
}

/// `NAME=VALUE` of a `--param` item: a param of the catalog and a value it takes.
fn parse_param_item(item: &str, param: &str, catalog: &Catalog) -> Result<Item, String> {
    let Some((name, value)) = param.split_once('=') else {
        return Err(format!("`{item}` needs a value: --param=NAME=VALUE"));
    };
    let Some(spec) = catalog.param(name) else {
        if let Some(why) = exclusion(&format!("--param={name}")) {
            return Err(format!("`{item}`: --param={name} is excluded from pipelines: {why}"));
        }
        return Err(format!("unknown param `{name}` in `{item}`; {LISTING}"));
    };
    let value = match &spec.kind {
        ParamKind::Int { min, max } => check_int(value, *min, *max),
        ParamKind::Choice(values) => check_choice(value, values),
    }
    .ok_or_else(|| {
        format!("`{item}`: --param={name}= takes {}, not `{value}`", takes(&spec.kind))
    })?;
    Ok(Item::Entry(Entry::Param { name: name.to_string(), value }))
}

/// `-fNAME`, `-fno-NAME` or `-fNAME=VALUE` (`body` is the item without `-f`).
fn parse_flag_item(item: &str, body: &str, catalog: &Catalog) -> Result<Entry, String> {
    let (name, value) = match body.split_once('=') {
        Some((name, value)) => (name, Some(value)),
        None => (body, None),
    };
    let positive = match value {
        None if catalog.flag(name).is_none() => name.strip_prefix("no-").unwrap_or(name),
        _ => name,
    };
    if let Some(flag) = fixed(positive) {
        return Err(format!(
            "`{item}`: -f{positive} is fixed by this backend (it always passes {flag}) and \
             cannot be part of a pipeline"
        ));
    }
    match value {
        Some(value) => {
            let Some(spec) = catalog.valued_flag(name) else {
                if catalog.flag(name).is_some() {
                    return Err(format!(
                        "`{item}`: -f{name} is on/off and takes no value; write -f{name} or \
                         -fno-{name}"
                    ));
                }
                return Err(not_in_catalog(item, name, catalog));
            };
            let value = check_flag_value(value, &spec.kind).ok_or_else(|| {
                format!("`{item}`: -f{name}= takes {}, not `{value}`", takes_flag(&spec.kind))
            })?;
            Ok(Entry::Value { flag: name.to_string(), value })
        }
        None if catalog.flag(name).is_some() => Ok(Entry::On(name.to_string())),
        None if catalog.flag(positive).is_some() => Ok(Entry::Off(positive.to_string())),
        None => match catalog.valued_flag(positive) {
            Some(spec) => {
                Err(format!("`{item}`: -f{positive}= needs a value, {}", takes_flag(&spec.kind)))
            }
            None => Err(not_in_catalog(item, positive, catalog)),
        },
    }
}

/// Why flag `name` (without `-f`) is not in the catalog: excluded, printed without a state,
/// or unknown to this gcc.
fn not_in_catalog(item: &str, name: &str, catalog: &Catalog) -> String {
    if let Some(why) = exclusion(&format!("-f{name}")) {
        return format!("`{item}`: -f{name} is excluded from pipelines: {why}");
    }
    if catalog.unsettable.iter().any(|n| n == name) {
        return format!(
            "`{item}`: gcc prints no usable state for -f{name} at any level (a flag of \
             another language, or one whose default the target decides), so pipelines cannot \
             use it"
        );
    }
    format!("unknown flag `{item}`: not an optimization flag of this gcc; {LISTING}")
}

/// The canonical spelling of `value` if it is a value of a valued flag of `kind`.
fn check_flag_value(value: &str, kind: &FlagKind) -> Option<String> {
    match kind {
        FlagKind::Bool => None,
        FlagKind::Choice(values) => check_choice(value, values),
        FlagKind::Range { min, max } => check_int(value, *min, *max),
        FlagKind::Alignment => parse_alignment(value),
    }
}

/// `value` as a decimal integer from `min` to `max`, written without leading zeros.
fn check_int(value: &str, min: i64, max: i64) -> Option<String> {
    parse_int(value).filter(|n| (min..=max).contains(n)).map(|n| n.to_string())
}

/// `value` if it is one of `values`.
fn check_choice(value: &str, values: &[String]) -> Option<String> {
    values.iter().find(|v| *v == value).cloned()
}

/// What a param of `kind` takes, for messages: `an integer from 0 to 4`, `` `a` or `b` ``.
fn takes(kind: &ParamKind) -> String {
    match kind {
        ParamKind::Int { min, max } => format!("an integer from {min} to {max}"),
        ParamKind::Choice(values) => quoted(values),
    }
}

/// What a valued flag of `kind` takes, for messages.
fn takes_flag(kind: &FlagKind) -> String {
    match kind {
        FlagKind::Bool => "no value".to_string(),
        FlagKind::Choice(values) => quoted(values),
        FlagKind::Range { min, max } => format!("an integer from {min} to {max}"),
        FlagKind::Alignment => {
            format!("n[:m[:n2[:m2]]] (one to four integers from 0 to {ALIGN_MAX})")
        }
    }
}

/// `` `a`, `b` or `c` ``.
fn quoted(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    /// The catalog of the `gcc` on `PATH`, read once.
    fn catalog() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            Catalog::read(Path::new("gcc")).unwrap_or_else(|e| panic!("reading gcc: {e}"))
        })
    }

    fn parse(text: &str) -> Pipeline {
        Pipeline::parse(text, catalog()).unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
    }

    fn error(text: &str) -> String {
        match Pipeline::parse(text, catalog()) {
            Ok(p) => panic!("{text:?} should be rejected, parsed as {p}"),
            Err(e) => {
                assert!(e.is_input_error());
                e.to_string()
            }
        }
    }

    fn state(flag: &str, level: &str) -> State {
        let spec = catalog().flag(flag).unwrap_or_else(|| panic!("-f{flag} missing"));
        spec.default_at(level).cloned().unwrap_or_else(|| panic!("-f{flag} at -O{level}"))
    }

    /// Compiles a small C file with gcc under `args`, the [`FIXED`] flags and `-c`; returns
    /// gcc's warnings.
    fn compile(args: &[String]) -> Result<String, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let source = dir.path().join("t.c");
        std::fs::write(
            &source,
            "int sum(const int *a, int n) {\n  int s = 0;\n  for (int i = 0; i < n; i++)\n    \
             s += a[i] * a[i];\n  return s;\n}\n\ndouble dot(const double *a, const double *b, \
             int n) {\n  double s = 0;\n  for (int i = 0; i < n; i++)\n    s += a[i] * b[i];\n  \
             return s;\n}\n",
        )
        .map_err(|e| e.to_string())?;
        let output = Command::new("gcc")
            .args(args)
            .args(FIXED)
            .args(["-c", "-x", "c"])
            .arg(&source)
            .arg("-o")
            .arg(dir.path().join("t.o"))
            .stdin(Stdio::null())
            .output()
            .map_err(|e| e.to_string())?;
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        if output.status.success() { Ok(stderr) } else { Err(stderr) }
    }

    #[test]
    fn the_catalog_reads_the_installed_gcc() {
        let catalog = catalog();
        assert!(catalog.flags().len() > 150, "{} flags", catalog.flags().len());
        assert!(catalog.params().len() > 150, "{} params", catalog.params().len());
        for level in ["0", "1", "2", "3", "s"] {
            assert!(catalog.levels().contains(&level), "-O{level} missing");
        }
        for spec in catalog.flags() {
            let levels: Vec<&str> = spec.defaults.iter().map(|(l, _)| *l).collect();
            assert_eq!(levels, catalog.levels(), "{}", spec.spelling());
            assert!(spec.defaults.iter().any(|(_, s)| *s != State::Unset), "{}", spec.name);
            if spec.kind == FlagKind::Bool {
                for (_, state) in &spec.defaults {
                    assert!(matches!(state, State::Enabled | State::Disabled), "{}", spec.name);
                }
            }
        }
        for spec in catalog.params() {
            let levels: Vec<&str> = spec.defaults.iter().map(|(l, _)| *l).collect();
            assert_eq!(levels, catalog.levels(), "{}", spec.spelling());
            if let ParamKind::Int { min, max } = spec.kind {
                assert!(min <= max, "{}", spec.spelling());
            }
        }
        let names: Vec<&str> = catalog.flags().iter().map(|s| s.name.as_str()).collect();
        for name in ["unroll-loops", "peel-loops", "inline-functions", "omit-frame-pointer"] {
            assert!(names.contains(&name), "-f{name} missing");
        }
        assert!(catalog.param("max-unroll-times").is_some());
        assert_eq!(
            catalog.param("align-threshold").map(|p| &p.kind),
            Some(&ParamKind::Int { min: 1, max: 65536 })
        );
    }

    #[test]
    fn defaults_follow_the_levels() {
        assert_eq!(state("tree-loop-vectorize", "1"), State::Disabled);
        assert_eq!(state("tree-loop-vectorize", "2"), State::Enabled);
        assert_eq!(state("tree-loop-vectorize", "3"), State::Enabled);
        assert_eq!(state("inline-functions", "1"), State::Disabled);
        assert_eq!(state("inline-functions", "2"), State::Enabled);
        assert_eq!(state("peel-loops", "2"), State::Disabled);
        assert_eq!(state("peel-loops", "3"), State::Enabled);
        assert_eq!(state("peel-loops", "s"), State::Disabled);
        assert_eq!(state("omit-frame-pointer", "0"), State::Disabled);
        assert_eq!(state("omit-frame-pointer", "2"), State::Enabled);
        let cost = catalog().valued_flag("vect-cost-model").expect("-fvect-cost-model=");
        assert!(matches!(&cost.kind, FlagKind::Choice(v) if v.iter().any(|v| v == "dynamic")));
        assert_eq!(cost.default_at("3"), Some(&State::Value("dynamic".to_string())));
        let align = catalog().valued_flag("align-functions").expect("-falign-functions=");
        assert_eq!(align.kind, FlagKind::Alignment);
        assert!(matches!(align.default_at("2"), Some(State::Value(_))));
        assert_eq!(align.default_at("0"), Some(&State::Unset));
        let single = catalog().param("max-inline-insns-single").expect("a param");
        let at = |level| single.default_at(level).and_then(parse_int).expect("a number");
        assert!(at("3") > at("2"), "{single:?}");
    }

    #[test]
    fn excluded_flags_stay_out_with_their_reason() {
        for spec in catalog().flags() {
            assert_eq!(exclusion(&format!("-f{}", spec.name)), None, "{}", spec.spelling());
            assert!(fixed(&spec.name).is_none(), "{}", spec.spelling());
        }
        for spec in catalog().params() {
            assert_eq!(exclusion(&format!("--param={}", spec.name)), None, "{}", spec.name);
            assert!(!spec.name.starts_with("asan-") && !spec.name.starts_with("analyzer-"));
        }
        for name in catalog().unsettable() {
            assert_eq!(exclusion(&format!("-f{name}")), None, "{name}");
        }
        for (pattern, why) in EXCLUDED {
            assert!(pattern.starts_with("-f") || pattern.starts_with("--param="), "{pattern}");
            assert!(!why.is_empty() && !why.contains('\n'), "{pattern}");
        }
        for (text, reason) in [
            ("-ffast-math", "floating-point"),
            ("-O2 -fno-signed-zeros", "sign of zero"),
            ("-fno-trapping-math", "trap"),
            ("-fwrapv", "signed overflow"),
            ("-fstack-protector-strong", "hardening"),
            ("-fno-common", "ABI"),
            ("-fPIC", "position independence"),
            ("-fno-plt", "linking"),
            ("-fisolate-erroneous-paths-dereference", "undefined behaviour"),
            ("-fno-delete-null-pointer-checks", "null pointer"),
            ("-fprofile-use", "training run"),
            ("-fsanitize=address", "sanitizers"),
            ("-ftrivial-auto-var-init=zero", "uninitialized"),
            ("--param=asan-stack=0", "AddressSanitizer"),
            ("--param=analyzer-max-svalue-depth=3", "analyzer"),
            ("--param ggc-min-expand=10", "garbage collector"),
        ] {
            let e = error(text);
            assert!(e.contains("excluded") && e.contains(reason), "{text}: {e}");
        }
    }

    #[test]
    fn fixed_flags_are_rejected() {
        for text in [
            "-fno-strict-aliasing",
            "-fstrict-aliasing",
            "-O2 -ffp-contract=fast",
            "-ffp-contract=off",
            "-fno-fp-contract",
        ] {
            let e = error(text);
            assert!(e.contains("fixed by this backend"), "{text}: {e}");
        }
        for (_, pipeline) in catalog().presets() {
            for flag in FIXED {
                assert!(!pipeline.args().iter().any(|a| a == flag), "{pipeline}");
            }
        }
    }

    #[test]
    fn text_round_trips() {
        let example = "-O2 -funroll-loops -fno-tree-vectorize -falign-functions=32 \
                       --param=max-unroll-times=4";
        let p = parse(example);
        assert_eq!(p.text(), example);
        assert_eq!(p.to_string(), example);
        assert_eq!(p.level(), "2");
        assert_eq!(p.entries().len(), 4);
        assert_eq!(p.args(), example.split(' ').collect::<Vec<_>>());

        let sloppy = parse(
            " -funroll-loops,-O3  -O2,--param max-unroll-times=004 -falign-loops=16:0011 \
             -fno-unroll-loops,, -fno-align-loops ",
        );
        assert_eq!(
            sloppy.text(),
            "-O2 --param=max-unroll-times=4 -fno-unroll-loops -fno-align-loops"
        );
        assert_eq!(parse(""), Pipeline::default());
        assert_eq!(Pipeline::default().text(), "-O0");
        assert_eq!(parse("-fno-align-loops -falign-loops=32").text(), "-O0 -falign-loops=32");

        let mut texts: Vec<String> = vec![example.to_string(), sloppy.text()];
        texts.extend(catalog().presets().iter().map(|(_, p)| p.text()));
        let mut every = vec!["-O3".to_string()];
        for spec in catalog().flags() {
            match &spec.kind {
                FlagKind::Bool => {
                    every.push(format!("-f{}", spec.name));
                    texts.push(format!("-Os -fno-{}", spec.name));
                }
                FlagKind::Choice(values) => {
                    texts.extend(values.iter().map(|v| format!("-O1 -f{}={v}", spec.name)));
                }
                FlagKind::Range { min, max } => {
                    texts.push(format!("-O1 -f{}={min}", spec.name));
                    texts.push(format!("-O1 -f{}={max}", spec.name));
                }
                FlagKind::Alignment => texts.push(format!("-O1 -f{}=64:7:16:3", spec.name)),
            }
        }
        for spec in catalog().params() {
            match &spec.kind {
                ParamKind::Int { min, max } => {
                    every.push(format!("--param={}={min}", spec.name));
                    texts.push(format!("-O2 --param={}={max}", spec.name));
                }
                ParamKind::Choice(values) => {
                    texts.extend(values.iter().map(|v| format!("-O2 --param={}={v}", spec.name)));
                }
            }
        }
        texts.push(every.join(" "));
        for text in &texts {
            let p = parse(text);
            assert_eq!(&p.text(), text);
            assert_eq!(parse(&p.text()), p);
        }
    }

    #[test]
    fn errors_name_the_item() {
        let e = error("-O2 -ffrobnicate");
        assert!(e.contains("unknown flag `-ffrobnicate`"), "{e}");
        assert!(e.contains("opm-driver passes --backend gcc"), "{e}");
        assert!(e.contains("-O2 -ffrobnicate"), "{e}");
        let e = error("--param=max-unroll-times=-1");
        assert!(e.contains("from 0 to 2147483647") && e.contains("`-1`"), "{e}");
        let e = error("--param=align-threshold=0");
        assert!(e.contains("an integer from 1 to 65536"), "{e}");
        let e = error("--param=align-threshold=1e3");
        assert!(e.contains("from 1 to 65536"), "{e}");
        let e = error("--param=no-such-param=1");
        assert!(e.contains("unknown param `no-such-param`"), "{e}");
        let e = error("--param=max-unroll-times");
        assert!(e.contains("needs a value"), "{e}");
        assert!(error("-O2 --param").contains("needs NAME=VALUE"));
        let e = error("-fvect-cost-model=fast");
        assert!(e.contains("`very-cheap`") && e.contains("not `fast`"), "{e}");
        let e = error("-fvect-cost-model");
        assert!(e.contains("needs a value"), "{e}");
        let e = error("-funroll-loops=4");
        assert!(e.contains("takes no value"), "{e}");
        let e = error("-falign-functions=65537");
        assert!(e.contains("65536"), "{e}");
        assert!(error("-falign-functions=1:2:3:4:5").contains("n[:m[:n2[:m2]]]"));
        let e = error("-Ofast");
        assert!(e.contains("-ffast-math") && e.contains("-O0, -O1"), "{e}");
        assert!(error("-Og").contains("not a level"));
        assert!(error("-march=native").contains("not part of a gcc pipeline"));
        assert!(error("-O2 -g").contains("`-g`"));
        if let Some(name) = catalog().unsettable().first() {
            let e = error(&format!("-f{name}"));
            assert!(e.contains("no usable state"), "{e}");
        }
    }

    #[test]
    fn help_lines_parse_robustly() {
        let optimizers = "The following options control optimizations:\n\
            \x20 -O<number>                  \t\t\n\
            \x20 -faggressive-loop-optimizations \t[enabled]\n\
            \x20 -falign-loops               \t\t[disabled]\n\
            \x20 -falign-loops=              \t\t16:11:8\n\
            \x20 -fexceptions                \t\t[available in Modula-2]\n\
            \x20 -fexcess-precision=[fast|standard|16] \t[default]\n\
            \x20 -fhandle-exceptions         \t\t-fexceptions\n\
            \x20 -fira-region=[one|all|mixed] \t\tone\n\
            \x20 -flifetime-dse=<0,2>        \t2\n\
            \x20 -fpack-struct=<number>      \t\n\
            \x20 -fprefetch-loop-arrays      \t\t\n\
            \x20 -fstrange=<what>            \t\tnever\n\
            \x20 -fspaced=[x|y]              \t\tsome value\n\
            \x20 -fbroken=[a|                \t\ta\n\
            \x20 -f                          \t\t[enabled]\n\
            \x20 -gstatement-frontiers       \t\t[disabled]\n\
            garbage [enabled]\n\n";
        let params = "The following options control parameters:\n\
            \x20 --param=align-threshold=<1,65536> \t\t100\n\
            \x20 --param=evrp-mode=          \t\tranger\n\
            \x20 --param=lazy-modules=       \t\t[available in C++]\n\
            \x20 --param=prefetch-minimum-stride= \t-1\n\
            \x20 --param=sched-choice=[one|two] \tone\n\
            \x20 --param=bad-range=<5,1>     \t\t3\n\
            \x20 --param=asan-stack=<0,1>    \t\t1\n\
            \x20 --param=                    \t\t1\n";
        let help = [
            LevelHelp {
                level: "0",
                optimizers: optimizers.to_string(),
                params: params.to_string(),
            },
            LevelHelp {
                level: "2",
                optimizers: optimizers.replace("[disabled]", "[enabled]").replace(
                    "-fira-region=[one|all|mixed] \t\tone\n",
                    "-fira-region=<0,2> 1\n -fonly-here [enabled]\n -fonly-here [disabled]\n",
                ),
                params: params.replace("\t\t100", "\t\t200")
                    + " --param=align-threshold=<1,65536> \t\t300\n",
            },
        ];
        let catalog = Catalog::from_help(&help);
        let flags: Vec<String> = catalog.flags().iter().map(FlagSpec::spelling).collect();
        assert_eq!(
            flags,
            [
                "-faggressive-loop-optimizations",
                "-falign-loops",
                "-falign-loops=n[:m[:n2[:m2]]]",
                "-flifetime-dse=<0,2>",
                "-fonly-here",
            ]
        );
        let only = catalog.flag("only-here").expect("-fonly-here");
        assert_eq!(only.defaults, [("0", State::Unset), ("2", State::Enabled)]);
        assert_eq!(catalog.unsettable(), ["prefetch-loop-arrays"]);
        let align = catalog.flag("align-loops").expect("-falign-loops");
        assert_eq!(align.default_at("0"), Some(&State::Disabled));
        assert_eq!(align.default_at("2"), Some(&State::Enabled));
        let params: Vec<String> = catalog.params().iter().map(ParamSpec::spelling).collect();
        assert_eq!(
            params,
            [
                "--param=align-threshold=<1,65536>",
                "--param=prefetch-minimum-stride=<0,2147483647>",
                "--param=sched-choice=[one|two]",
            ]
        );
        let threshold = catalog.param("align-threshold").expect("align-threshold");
        assert_eq!(threshold.default_at("0"), Some("100"));
        assert_eq!(threshold.default_at("2"), Some("200"));
        assert_eq!(catalog.levels(), ["0", "2"]);
        assert!(catalog.valued_flag("ira-region").is_none(), "its kind differs between levels");
        let p = Pipeline::parse("-O2 --param=sched-choice=two -flifetime-dse=1", &catalog);
        assert_eq!(
            p.map(|p| p.text()).ok().as_deref(),
            Some("-O2 --param=sched-choice=two -flifetime-dse=1")
        );
        assert!(Pipeline::parse("-O3", &catalog).is_err());
        assert!(Pipeline::parse("-flifetime-dse=3", &catalog).is_err());

        let empty = Catalog::from_help(&[]);
        assert!(empty.flags().is_empty() && empty.params().is_empty());
        assert!(Pipeline::parse("-O0", &empty).is_err());
    }

    #[test]
    fn missing_gcc_is_reported() {
        let e = Catalog::read(Path::new("opm-no-such-gcc")).expect_err("no such program");
        assert!(matches!(e, FlagsError::Spawn { .. }) && !e.is_input_error(), "{e}");
        assert!(e.to_string().contains("opm-no-such-gcc -Q --help=optimizers -O0"), "{e}");
    }

    #[test]
    fn presets_compile() {
        let presets = catalog().presets();
        let names: Vec<&str> = presets.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(&names[..5], ["O0", "O1", "O2", "O3", "Os"]);
        for (name, preset) in &presets {
            assert!(preset.entries().is_empty(), "{name}");
            assert_eq!(preset.text(), format!("-{name}"));
            let warnings = compile(&preset.args()).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(warnings, "", "{name}");
        }
        let example = parse(
            "-O2 -funroll-loops -fno-tree-vectorize -falign-functions=32 \
             --param=max-unroll-times=4 -fvect-cost-model=cheap -fira-algorithm=priority",
        );
        compile(&example.args()).unwrap_or_else(|e| panic!("{example}: {e}"));
    }

    #[test]
    fn every_flag_compiles_on_and_off() {
        let bools: Vec<&FlagSpec> =
            catalog().flags().iter().filter(|spec| spec.kind == FlagKind::Bool).collect();
        let on: Vec<String> = bools.iter().map(|spec| format!("-f{}", spec.name)).collect();
        let off: Vec<String> = bools.iter().map(|spec| format!("-fno-{}", spec.name)).collect();
        for (what, flags) in [("on", on), ("off", off)] {
            let p = parse(&format!("-O2 {}", flags.join(" ")));
            let warnings = compile(&p.args()).unwrap_or_else(|e| panic!("every flag {what}: {e}"));
            // A flag gcc ignores with a warning on this target belongs in EXCLUDED.
            assert_eq!(warnings, "", "every flag {what}");
        }
        for spec in catalog().flags() {
            let values: Vec<String> = match &spec.kind {
                FlagKind::Bool => continue,
                FlagKind::Choice(values) => values.clone(),
                FlagKind::Range { min, max } => vec![min.to_string(), max.to_string()],
                FlagKind::Alignment => vec!["1".to_string(), "64:7:16".to_string()],
            };
            for value in values {
                let p = parse(&format!("-O2 -f{}={value}", spec.name));
                compile(&p.args()).unwrap_or_else(|e| panic!("{p}: {e}"));
            }
        }
    }
}
