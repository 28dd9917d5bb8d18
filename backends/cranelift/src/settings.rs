//! Cranelift's settings as this backend's pipelines: the catalog of settings a search may
//! change, pipelines as `name=value,…` text, the named presets, and the host ISA a pipeline
//! builds.
//!
//! Source of truth: the setting definitions of cranelift-codegen 0.135 (`settings::builder()`
//! and the x86 ISA builder). The catalog holds only settings that change the generated code
//! and keep the program's meaning and ABI. Every other Cranelift setting is listed in
//! [`FIXED`] (set by this backend, never by a pipeline) or [`EXCLUDED`] (with the reason), so
//! that naming one gives a precise error, and a test fails when Cranelift adds a setting.
//!
//! ISA flags start from Cranelift's x86-64 baseline (SSE2, every `has_*` flag off). A pipeline
//! may turn on only the features the running CPU has, and only together with the flags
//! Cranelift uses them with ([`SettingSpec::requires`]): `has_avx2` without `has_avx` would
//! do nothing, and a lone `has_avx512dq` would be a combination no CPU has.

use std::fmt;
use std::str::FromStr;

use cranelift_codegen::isa::{self, OwnedTargetIsa};
use cranelift_codegen::settings::{self, Configurable};

use crate::error::CraneliftError;

/// Where a setting lives in Cranelift.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A shared setting (`cranelift_codegen::settings::builder()`), the same on every target.
    Shared,
    /// A flag of the host's ISA builder (`cranelift_codegen::isa::lookup`).
    Isa,
    /// A choice of this backend's lowering to CLIF, not a Cranelift setting.
    Lowering,
}

/// One setting a pipeline may contain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SettingSpec {
    /// Cranelift's name, e.g. `opt_level`.
    pub name: &'static str,
    /// The values a pipeline may give it, as Cranelift spells them.
    pub values: &'static [&'static str],
    /// What the setting is when a pipeline does not name it: Cranelift's default, or this
    /// backend's for a lowering choice.
    pub default: &'static str,
    /// What it changes, in one line.
    pub description: &'static str,
    /// Shared setting or ISA flag.
    pub kind: Kind,
    /// Flags that must also be `true` when this one is `true` (ISA flags only): those
    /// Cranelift uses the feature with, and those every CPU with the feature has.
    pub requires: &'static [&'static str],
}

impl SettingSpec {
    /// Whether the setting is a boolean (`false`/`true`), which a pipeline may name bare.
    pub fn is_flag(&self) -> bool {
        self.values == BOOL
    }
}

const BOOL: &[&str] = &["false", "true"];

const fn shared(
    name: &'static str,
    values: &'static [&'static str],
    default: &'static str,
    description: &'static str,
) -> SettingSpec {
    SettingSpec { name, values, default, description, kind: Kind::Shared, requires: &[] }
}

/// An x86-64 ISA flag and the CPU feature (`is_x86_feature_detected!` name) it needs.
struct IsaFlag {
    spec: SettingSpec,
    feature: &'static str,
}

const fn x86(
    name: &'static str,
    feature: &'static str,
    requires: &'static [&'static str],
    description: &'static str,
) -> IsaFlag {
    IsaFlag {
        spec: SettingSpec {
            name,
            values: BOOL,
            default: "false",
            description,
            kind: Kind::Isa,
            requires,
        },
        feature,
    }
}

/// The shared settings of the catalog, in catalog order.
static SHARED: [SettingSpec; 4] = [
    shared(
        "opt_level",
        &["none", "speed", "speed_and_size"],
        "none",
        "Mid-end: `none`, or the e-graph pass (GVN, LICM, constant folding, rewrites); \
         `speed_and_size` is the same as `speed` in 0.135.",
    ),
    shared(
        "regalloc_algorithm",
        &["backtracking", "single_pass"],
        "backtracking",
        "Register allocator: `backtracking` splits live ranges (fewer spills), \
         `single_pass` is fast but spills and moves more.",
    ),
    shared(
        "enable_probestack",
        BOOL,
        "false",
        "Touch each 4 KiB page of frames larger than 4 KiB in the prologue (inline probes).",
    ),
    shared(
        "log2_min_function_alignment",
        &["0", "4", "5", "6"],
        "0",
        "Minimum function alignment as log2 bytes: 0 keeps Cranelift's (1 byte on x86-64), \
         4/5/6 align functions to 16/32/64 bytes.",
    ),
];

/// The lowering choices of this backend, after the shared settings in catalog order.
static LOWERING: [SettingSpec; 3] = [
    SettingSpec {
        name: "vectors",
        values: &["lanes", "native"],
        default: "native",
        description: "LLVM vectors: `lanes` splits every vector into scalars; `native` keeps \
             vectors of 16 to 512 bits whole in SIMD registers (narrow ones in the low lanes \
             of one, wide ones in several) in each function whose vector operations all have \
             a native form (the others are split).",
        kind: Kind::Lowering,
        requires: &[],
    },
    SettingSpec {
        name: "locals",
        values: &["memory", "registers"],
        default: "registers",
        description: "Local variables (`alloca`s of the entry block only loaded and stored \
             whole, with one scalar type): `registers` keeps them in SSA values, which \
             Cranelift's register allocator places; `memory` keeps every one in a stack slot.",
        kind: Kind::Lowering,
        requires: &[],
    },
    SettingSpec {
        name: "inline",
        values: &["none", "small"],
        default: "none",
        description: "Inlining, which Cranelift does not do by itself: `small` puts the body of \
             each small function (at most 40 CLIF instructions, no frame tricks) in place of \
             its direct calls, one level deep; `none` keeps every call.",
        kind: Kind::Lowering,
        requires: &[],
    },
];

/// How the pipeline asks this backend to lower the canonical IR.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lowering {
    /// `vectors=native`: keep vectors whole where every operation on them is native.
    pub native_vectors: bool,
    /// `locals=registers`: local variables in SSA values (see `crate::lower::locals`).
    pub locals_in_registers: bool,
    /// `inline=small`: small functions inlined into their callers (see `crate::inline`).
    pub inline_small: bool,
}

/// The x86-64 ISA flags of Cranelift 0.135, in catalog order: every flag comes after the flags
/// it requires. `requires` follows how Cranelift's x64 lowering combines them (`use_avx2` is
/// `has_avx && has_avx2`, `use_popcnt` needs `has_sse42`, AVX-512 extensions are used only
/// with `has_avx512vl`) and the feature hierarchy of real CPUs.
static X86: [IsaFlag; 19] = [
    x86("has_sse3", "sse3", &[], "Allow SSE3 instructions."),
    x86(
        "has_ssse3",
        "ssse3",
        &["has_sse3"],
        "Allow SSSE3 instructions (PSHUFB, PABS*, PMULHRSW, …).",
    ),
    x86(
        "has_sse41",
        "sse4.1",
        &["has_ssse3"],
        "Allow SSE4.1: ROUNDSS/SD for floor, ceil, trunc, nearest instead of libm calls, \
         blends, lane inserts and extracts.",
    ),
    x86("has_sse42", "sse4.2", &["has_sse41"], "Allow SSE4.2 instructions (PCMPGTQ)."),
    x86(
        "has_popcnt",
        "popcnt",
        &["has_sse42"],
        "Use POPCNT for `popcnt` instead of a bit-twiddling sequence.",
    ),
    x86(
        "has_avx",
        "avx",
        &["has_sse42"],
        "Use VEX (AVX) encodings: three-operand forms of the SSE instructions.",
    ),
    x86("has_avx2", "avx2", &["has_avx"], "Allow AVX2 instructions (broadcasts, variable shifts)."),
    x86(
        "has_fma",
        "fma",
        &["has_avx"],
        "Use VFMADD* for `fma` instead of calls to libm's fma/fmaf.",
    ),
    x86("has_avx_vnni", "avxvnni", &["has_avx2"], "Allow AVX-VNNI dot-product instructions."),
    x86("has_bmi1", "bmi1", &[], "Allow BMI1 (TZCNT for `ctz`, ANDN, BLSI, BLSR, BLSMSK)."),
    x86("has_bmi2", "bmi2", &[], "Allow BMI2 (SHLX, SHRX, SARX, RORX, BZHI, MULX)."),
    x86("has_lzcnt", "lzcnt", &[], "Use LZCNT for `clz` instead of BSR and a fix-up."),
    x86("has_cmpxchg16b", "cmpxchg16b", &[], "Allow CMPXCHG16B for 128-bit atomics."),
    x86(
        "has_avx512f",
        "avx512f",
        &["has_avx2", "has_fma"],
        "Allow AVX-512 Foundation instructions.",
    ),
    x86(
        "has_avx512vl",
        "avx512vl",
        &["has_avx512f"],
        "Allow EVEX forms on 128/256-bit vectors (VPABSQ, VPSRAQ, VCVTUDQ2PS, …).",
    ),
    x86(
        "has_avx512dq",
        "avx512dq",
        &["has_avx512vl"],
        "Allow AVX-512 DQ (VPMULLQ for i64x2 multiplication).",
    ),
    x86(
        "has_avx512bitalg",
        "avx512bitalg",
        &["has_avx512vl"],
        "Allow AVX-512 BITALG (VPOPCNTB for i8x16 `popcnt`).",
    ),
    x86(
        "has_avx512vbmi",
        "avx512vbmi",
        &["has_avx512vl"],
        "Allow AVX-512 VBMI (VPERMI2B for byte shuffles).",
    ),
    x86(
        "has_avx512vnni",
        "avx512vnni",
        &["has_avx512vl"],
        "Allow AVX-512 VNNI dot-product instructions.",
    ),
];

/// Settings this backend always sets, whatever the pipeline: a pipeline naming one is
/// rejected. `is_pic`: objects are linked into position-independent executables.
/// `enable_verifier`: Cranelift's verifier checks every function. `probestack_strategy`:
/// probes are emitted inline; the `outline` strategy calls `__cranelift_probestack`, which no
/// C library defines. `enable_llvm_abi_extensions`: without it Cranelift 0.135 panics on an
/// `i128` parameter or result (libgcc's `__fixdfti`, `__floattidf`, … have them); with it an
/// `i128` travels in a register pair as in the System V ABI. `tls_model`: thread-local
/// variables are reached through `__tls_get_addr` (ELF's general-dynamic model, which is
/// valid for a variable of any LLVM model and which the linker relaxes in an executable);
/// Cranelift's default, `none`, has no lowering for them. It changes no code of a module
/// without thread-local variables.
pub const FIXED: &[(&str, &str)] = &[
    ("is_pic", "true"),
    ("enable_verifier", "true"),
    ("probestack_strategy", "inline"),
    ("enable_llvm_abi_extensions", "true"),
    ("tls_model", "elf_gd"),
];

/// Cranelift settings left out of the catalog, with the reason. A pipeline naming one is
/// rejected with that reason.
pub const EXCLUDED: &[(&str, &str)] = &[
    (
        "enable_alias_analysis",
        "Cranelift 0.135 reads it nowhere: the e-graph pass always does its redundant-load \
         elimination at `opt_level=speed`",
    ),
    (
        "enable_jump_tables",
        "not a setting in Cranelift 0.135: `br_table` always lowers to a jump table",
    ),
    (
        "regalloc_checker",
        "verification only: checks the register allocator's result, the code is the same",
    ),
    ("regalloc_verbose_logs", "logging only"),
    ("enable_nan_canonicalization", "changes the bits of NaN results, which a program can observe"),
    (
        "use_colocated_libcalls",
        "calls libcalls (memcpy, floor, …) with a direct 32-bit relative call, which a \
         position-independent link against the shared C library rejects",
    ),
    (
        "enable_pinned_reg",
        "reserves r15 for `get_pinned_reg`/`set_pinned_reg`, which this backend never emits, \
         and stops saving it as callee-saved: only costs a register",
    ),
    (
        "preserve_frame_pointers",
        "changes no code on x86-64 in Cranelift 0.135, which always sets up an rbp frame \
         (only `return_call` needs it on)",
    ),
    (
        "enable_multi_ret_implicit_sret",
        "ABI: returns surplus values through an implicit pointer, deprecated",
    ),
    ("libcall_call_conv", "ABI: the calling convention of libcalls must stay the C library's"),
    ("stack_switch_model", "only for `stack_switch` instructions, which this backend never emits"),
    (
        "probestack_size_log2",
        "the guard region is one 4 KiB page: larger values would skip it, smaller ones only \
         add probes",
    ),
    ("unwind_info", "metadata only (.eh_frame); the machine code is the same"),
    ("machine_code_cfg_info", "metadata only"),
    (
        "enable_heap_access_spectre_mitigation",
        "only for Wasm heap accesses, which this backend never emits",
    ),
    (
        "enable_table_access_spectre_mitigation",
        "only for Wasm table accesses, which this backend never emits",
    ),
    ("enable_incremental_compilation_cache_checks", "debugging of Cranelift's incremental cache"),
    ("bb_padding_log2_minus_one", "a Cranelift testing option that pads between basic blocks"),
    ("enable_compact_unwind_abi", "Mach-O (Apple) unwind only"),
];

/// Whether the running CPU has `feature` (an `is_x86_feature_detected!` name).
#[cfg(target_arch = "x86_64")]
fn host_has(feature: &str) -> bool {
    match feature {
        "sse3" => std::is_x86_feature_detected!("sse3"),
        "ssse3" => std::is_x86_feature_detected!("ssse3"),
        "sse4.1" => std::is_x86_feature_detected!("sse4.1"),
        "sse4.2" => std::is_x86_feature_detected!("sse4.2"),
        "popcnt" => std::is_x86_feature_detected!("popcnt"),
        "avx" => std::is_x86_feature_detected!("avx"),
        "avx2" => std::is_x86_feature_detected!("avx2"),
        "fma" => std::is_x86_feature_detected!("fma"),
        "avxvnni" => std::is_x86_feature_detected!("avxvnni"),
        "bmi1" => std::is_x86_feature_detected!("bmi1"),
        "bmi2" => std::is_x86_feature_detected!("bmi2"),
        "lzcnt" => std::is_x86_feature_detected!("lzcnt"),
        "cmpxchg16b" => std::is_x86_feature_detected!("cmpxchg16b"),
        "avx512f" => std::is_x86_feature_detected!("avx512f"),
        "avx512vl" => std::is_x86_feature_detected!("avx512vl"),
        "avx512dq" => std::is_x86_feature_detected!("avx512dq"),
        "avx512bitalg" => std::is_x86_feature_detected!("avx512bitalg"),
        "avx512vbmi" => std::is_x86_feature_detected!("avx512vbmi"),
        "avx512vnni" => std::is_x86_feature_detected!("avx512vnni"),
        _ => false,
    }
}

/// Whether the running CPU has `feature`: never, on a host that is not x86-64.
#[cfg(not(target_arch = "x86_64"))]
fn host_has(_feature: &str) -> bool {
    false
}

fn x86_flag(name: &str) -> Option<&'static IsaFlag> {
    X86.iter().find(|flag| flag.spec.name == name)
}

/// Whether a pipeline may turn `flag` on here: the CPU has its feature and everything it
/// requires.
fn host_offers(flag: &IsaFlag) -> bool {
    host_has(flag.feature)
        && flag.spec.requires.iter().all(|name| x86_flag(name).is_some_and(host_offers))
}

/// The settings a pipeline may contain on this host, in catalog (and canonical text) order:
/// the shared settings, the lowering choices, then the x86-64 ISA flags whose features the CPU has (none on another
/// architecture).
pub fn catalog() -> Vec<&'static SettingSpec> {
    SHARED
        .iter()
        .chain(LOWERING.iter())
        .chain(X86.iter().filter(|flag| host_offers(flag)).map(|flag| &flag.spec))
        .collect()
}

/// One `name=value` of a pipeline, pointing into the catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Entry {
    /// The setting.
    pub spec: &'static SettingSpec,
    /// Its value, one of `spec.values`.
    pub value: &'static str,
}

impl Entry {
    /// The setting's name.
    pub fn name(&self) -> &'static str {
        self.spec.name
    }
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.spec.name, self.value)
    }
}

/// A set of Cranelift settings applied on top of Cranelift's defaults and [`FIXED`]: one
/// point of this backend's search space. Built only by [`Pipeline::parse`] and [`presets`], so
/// every pipeline is valid on this host. The empty pipeline means Cranelift's defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Pipeline {
    /// Entries in catalog order, at most one per setting.
    entries: Vec<Entry>,
}

impl Pipeline {
    /// Parses `name=value,name=value` (whitespace around names, values and commas is ignored;
    /// a bare flag name means `name=true`; empty text is Cranelift's defaults). Rejects unknown
    /// or excluded names, values a setting does not take, a setting given twice, ISA flags the
    /// host's CPU lacks, and ISA flags without the flags they require; the message names the
    /// entry.
    pub fn parse(text: &str) -> Result<Pipeline, CraneliftError> {
        let error =
            |message: String| CraneliftError::Pipeline { pipeline: text.to_string(), message };
        let mut entries: Vec<(usize, Entry)> = Vec::new();
        if !text.trim().is_empty() {
            for item in text.split(',') {
                let item = item.trim();
                let (order, entry) = parse_entry(item).map_err(error)?;
                if let Some((_, earlier)) = entries.iter().find(|(o, _)| *o == order) {
                    return Err(error(format!(
                        "`{}` is given twice (`{earlier}` and `{item}`)",
                        entry.name()
                    )));
                }
                entries.push((order, entry));
            }
        }
        for (_, entry) in &entries {
            if entry.value != "true" {
                continue;
            }
            for required in entry.spec.requires {
                let on = entries.iter().any(|(_, e)| e.name() == *required && e.value == "true");
                if !on {
                    return Err(error(format!(
                        "`{entry}` needs `{required}=true` as well; add `{required}`"
                    )));
                }
            }
        }
        entries.sort_by_key(|(order, _)| *order);
        Ok(Pipeline { entries: entries.into_iter().map(|(_, entry)| entry).collect() })
    }

    /// The entries, in catalog order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The value the pipeline gives setting `name`, if it names it.
    pub fn get(&self, name: &str) -> Option<&'static str> {
        self.entries.iter().find(|entry| entry.name() == name).map(|entry| entry.value)
    }

    /// Whether the pipeline names no setting (Cranelift's defaults).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The canonical text: `name=value` entries in catalog order, joined by `,` without
    /// spaces; `Pipeline::parse(&p.text()) == Ok(p)`.
    pub fn text(&self) -> String {
        let entries: Vec<String> = self.entries.iter().map(Entry::to_string).collect();
        entries.join(",")
    }
}

impl fmt::Display for Pipeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl FromStr for Pipeline {
    type Err = CraneliftError;

    fn from_str(text: &str) -> Result<Pipeline, CraneliftError> {
        Pipeline::parse(text)
    }
}

/// Parses one trimmed entry into its catalog position and value, or says what is wrong.
fn parse_entry(item: &str) -> Result<(usize, Entry), String> {
    if item.is_empty() {
        return Err("empty entry (a comma too many?)".to_string());
    }
    let (name, value) = match item.split_once('=') {
        Some((name, value)) => (name.trim(), Some(value.trim())),
        None => (item, None),
    };
    if name.is_empty() {
        return Err(format!("entry `{item}` has no setting name"));
    }
    let (order, spec) = lookup(name)?;
    let value = match value {
        None if spec.is_flag() => "true",
        None => {
            return Err(format!(
                "entry `{item}`: `{name}` needs a value, one of {}",
                quoted(spec.values)
            ));
        }
        Some(value) => spec.values.iter().copied().find(|v| *v == value).ok_or_else(|| {
            format!("entry `{item}`: `{name}` takes {}, not `{value}`", quoted(spec.values))
        })?,
    };
    Ok((order, Entry { spec, value }))
}

/// Finds a setting this host's pipelines may name, with its catalog position; otherwise
/// explains why the name is refused.
fn lookup(name: &str) -> Result<(usize, &'static SettingSpec), String> {
    if let Some(i) = SHARED.iter().position(|spec| spec.name == name) {
        return Ok((i, &SHARED[i]));
    }
    if let Some(i) = LOWERING.iter().position(|spec| spec.name == name) {
        return Ok((SHARED.len() + i, &LOWERING[i]));
    }
    if let Some(i) = X86.iter().position(|flag| flag.spec.name == name) {
        let flag = &X86[i];
        if host_offers(flag) {
            return Ok((SHARED.len() + LOWERING.len() + i, &flag.spec));
        }
        if !cfg!(target_arch = "x86_64") {
            return Err(format!(
                "`{name}` is an x86-64 ISA flag, but this host is {}",
                std::env::consts::ARCH
            ));
        }
        if !host_has(flag.feature) {
            return Err(format!(
                "`{name}` needs the CPU feature `{}`, which this host lacks",
                flag.feature
            ));
        }
        return Err(format!(
            "`{name}` requires {}, which this host cannot turn on",
            quoted(flag.spec.requires)
        ));
    }
    if let Some((_, value)) = FIXED.iter().find(|(fixed, _)| *fixed == name) {
        return Err(format!("`{name}` is fixed to `{value}` by this backend and cannot be set"));
    }
    if let Some((_, why)) = EXCLUDED.iter().find(|(excluded, _)| *excluded == name) {
        return Err(format!("`{name}` is not a searchable setting: {why}"));
    }
    let names: Vec<&str> = catalog().iter().map(|spec| spec.name).collect();
    Err(format!("unknown setting `{name}`; the settings are: {}", names.join(", ")))
}

/// `` `a`, `b` or `c` ``.
fn quoted(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

/// Named pipelines every search can start from: Cranelift's three optimization levels.
/// [`presets`] adds the one with the host's ISA features.
pub const PRESETS: &[(&str, &str)] = &[
    ("none", "opt_level=none"),
    ("speed", "opt_level=speed"),
    ("speed_and_size", "opt_level=speed_and_size"),
];

/// [`PRESETS`], parsed, followed by `speed_native`: `opt_level=speed` with every ISA flag this
/// host offers turned on (the same as `speed` on a host without ISA flags).
pub fn presets() -> Vec<(String, Pipeline)> {
    // Every preset parses (a test says so): `filter_map` only keeps this from panicking.
    let mut presets: Vec<(String, Pipeline)> = PRESETS
        .iter()
        .filter_map(|(name, text)| Some((name.to_string(), Pipeline::parse(text).ok()?)))
        .collect();
    let mut native = vec!["opt_level=speed".to_string()];
    native.extend(
        catalog()
            .iter()
            .filter(|spec| spec.kind == Kind::Isa)
            .map(|spec| format!("{}=true", spec.name)),
    );
    // The host's ISA flags come with what they require, so this parses; a host where it would
    // not gets no `speed_native` rather than a panic.
    if let Ok(native) = Pipeline::parse(&native.join(",")) {
        presets.push(("speed_native".to_string(), native));
    }
    presets
}

/// The lowering choices of `p` (see [`Kind::Lowering`]).
pub fn lowering(p: &Pipeline) -> Lowering {
    let value = |spec: &SettingSpec| p.get(spec.name).unwrap_or(spec.default);
    Lowering {
        native_vectors: value(&LOWERING[0]) == "native",
        locals_in_registers: value(&LOWERING[1]) == "registers",
        inline_small: value(&LOWERING[2]) == "small",
    }
}

/// Builds the host's target ISA for `p`: Cranelift's defaults, then [`FIXED`]
/// (`is_pic=true`, `enable_verifier=true`, inline probes), then the pipeline's entries. ISA
/// flags start from Cranelift's x86-64 baseline (SSE2 only); the pipeline turns on the rest.
pub fn isa(p: &Pipeline) -> Result<OwnedTargetIsa, CraneliftError> {
    let rejected = |name: &str, value: &str, e: settings::SetError| CraneliftError::Pipeline {
        pipeline: p.text(),
        message: format!(
            "Cranelift rejected `{name}={value}` ({e}): a bug in opm's settings catalog"
        ),
    };
    let mut shared = settings::builder();
    for (name, value) in FIXED {
        shared.set(name, value).map_err(|e| rejected(name, value, e))?;
    }
    let triple = target_lexicon::Triple::host();
    let mut builder = isa::lookup(triple.clone()).map_err(|e| CraneliftError::Unsupported {
        construct: format!("host target {triple} ({e})"),
        site: opm_backend::Site::module(),
    })?;
    for entry in &p.entries {
        let target: &mut dyn Configurable = match entry.spec.kind {
            Kind::Shared => &mut shared,
            Kind::Isa => &mut builder,
            Kind::Lowering => continue,
        };
        target
            .set(entry.name(), entry.value)
            .map_err(|e| rejected(entry.name(), entry.value, e))?;
    }
    builder.finish(settings::Flags::new(shared)).map_err(|e| CraneliftError::Pipeline {
        pipeline: p.text(),
        message: format!("Cranelift could not build the host ISA: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cranelift_codegen::control::ControlPlane;
    use cranelift_codegen::ir::{self, InstBuilder, types};
    use cranelift_codegen::isa::TargetIsa;
    use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};

    /// A setting's value in a built ISA, spelled as in a pipeline.
    fn value_of(isa: &dyn TargetIsa, name: &str) -> Option<String> {
        isa.flags().iter().chain(isa.isa_flags()).find(|value| value.name == name).map(|value| {
            if let Some(variant) = value.as_enum() {
                variant.to_string()
            } else if let Some(b) = value.as_bool() {
                b.to_string()
            } else {
                value.as_num().expect("a number").to_string()
            }
        })
    }

    fn parse(text: &str) -> Pipeline {
        Pipeline::parse(text).unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
    }

    fn error(text: &str) -> String {
        match Pipeline::parse(text) {
            Ok(p) => panic!("{text:?} should be rejected, parsed as {p}"),
            Err(e) => {
                assert!(e.is_input_error());
                e.to_string()
            }
        }
    }

    /// The text turning `spec` to `value` with everything it requires on.
    fn with_requirements(spec: &SettingSpec, value: &str) -> String {
        fn add(name: &str, out: &mut Vec<String>) {
            let spec = x86_flag(name).expect("requirements are x86 flags");
            for required in spec.spec.requires {
                add(required, out);
            }
            let entry = format!("{name}=true");
            if !out.contains(&entry) {
                out.push(entry);
            }
        }
        let mut entries = Vec::new();
        if value == "true" {
            for required in spec.requires {
                add(required, &mut entries);
            }
        }
        entries.push(format!("{}={value}", spec.name));
        entries.join(",")
    }

    #[test]
    fn every_catalog_value_reaches_the_isa() {
        let defaults = isa(&Pipeline::default()).unwrap();
        for spec in catalog().into_iter().filter(|spec| spec.kind != Kind::Lowering) {
            assert_eq!(
                value_of(&*defaults, spec.name).as_deref(),
                Some(spec.default),
                "catalog default of `{}` differs from Cranelift's",
                spec.name
            );
            assert!(spec.values.contains(&spec.default), "{}", spec.name);
            for value in spec.values {
                let text = with_requirements(spec, value);
                let isa = isa(&parse(&text)).unwrap_or_else(|e| panic!("{text}: {e}"));
                assert_eq!(value_of(&*isa, spec.name).as_deref(), Some(*value), "{text}");
            }
        }
    }

    #[test]
    fn the_catalog_has_the_promised_settings() {
        let names: Vec<&str> = catalog().iter().map(|spec| spec.name).collect();
        for name in
            ["opt_level", "regalloc_algorithm", "enable_probestack", "log2_min_function_alignment"]
        {
            assert!(names.contains(&name), "{name} missing");
        }
        for (name, _) in FIXED.iter().chain(EXCLUDED) {
            assert!(!names.contains(name), "{name} must not be searchable");
        }
        for spec in catalog() {
            assert_eq!(spec.kind == Kind::Isa, spec.name.starts_with("has_"));
            assert!(!spec.description.is_empty() && !spec.description.contains('\n'));
        }
    }

    #[test]
    fn lowering_choices_default_to_whole_vectors_locals_in_registers_and_no_inlining() {
        let default = lowering(&Pipeline::default());
        let all = Lowering { native_vectors: true, locals_in_registers: true, inline_small: false };
        assert_eq!(default, all);
        let chosen = lowering(&parse("opt_level=speed,vectors=lanes,locals=memory,inline=small"));
        let none =
            Lowering { native_vectors: false, locals_in_registers: false, inline_small: true };
        assert_eq!(chosen, none);
    }

    #[test]
    fn every_cranelift_setting_is_classified() {
        let isa = isa(&Pipeline::default()).unwrap();
        for value in isa.flags().iter() {
            let known = SHARED.iter().any(|spec| spec.name == value.name)
                || FIXED.iter().chain(EXCLUDED).any(|(name, _)| *name == value.name);
            assert!(
                known,
                "Cranelift setting `{}` is in neither the catalog, FIXED nor EXCLUDED",
                value.name
            );
        }
        if cfg!(target_arch = "x86_64") {
            for value in isa.isa_flags() {
                assert!(
                    x86_flag(value.name).is_some(),
                    "x86 flag `{}` is missing from the table",
                    value.name
                );
            }
        }
        for flag in &X86 {
            for required in flag.spec.requires {
                let position = |name: &str| X86.iter().position(|f| f.spec.name == name);
                assert!(
                    position(required) < position(flag.spec.name),
                    "`{required}` must come before `{}`",
                    flag.spec.name
                );
            }
        }
    }

    #[test]
    fn fixed_settings_are_always_on() {
        let mut pipelines: Vec<Pipeline> = presets().into_iter().map(|(_, p)| p).collect();
        pipelines.push(Pipeline::default());
        pipelines.push(parse("regalloc_algorithm=single_pass,enable_probestack"));
        for pipeline in &pipelines {
            let isa = isa(pipeline).unwrap();
            assert!(isa.flags().is_pic(), "{pipeline}");
            assert!(isa.flags().enable_verifier(), "{pipeline}");
            for (name, value) in FIXED {
                assert_eq!(value_of(&*isa, name).as_deref(), Some(*value), "{pipeline}");
            }
        }
        for text in [
            "is_pic=false",
            "enable_verifier=false",
            "enable_verifier",
            "opt_level=speed, is_pic=false",
            "probestack_strategy=outline",
            "enable_llvm_abi_extensions=false",
            "tls_model=none",
        ] {
            assert!(error(text).contains("fixed"), "{text}");
        }
    }

    #[test]
    fn text_round_trips() {
        let mut texts: Vec<String> = vec![String::new()];
        texts.extend(PRESETS.iter().map(|(_, text)| text.to_string()));
        texts.extend(presets().iter().map(|(_, p)| p.text()));
        texts.push(
            "opt_level=speed,regalloc_algorithm=single_pass,enable_probestack=false,\
             log2_min_function_alignment=5"
                .to_string(),
        );
        for text in &texts {
            let p = parse(text);
            assert_eq!(&p.text(), text);
            assert_eq!(p.to_string(), *text);
            assert_eq!(parse(&p.text()), p);
        }
        let sloppy = parse(" enable_probestack ,\n opt_level = speed ");
        assert_eq!(sloppy.text(), "opt_level=speed,enable_probestack=true");
        assert_eq!(sloppy.get("enable_probestack"), Some("true"));
        assert_eq!(sloppy.get("regalloc_algorithm"), None);
        assert!(parse("  ").is_empty());
        assert_eq!("opt_level=none".parse::<Pipeline>().unwrap(), parse("opt_level=none"));
    }

    #[test]
    fn errors_name_the_entry() {
        let e = error("opt_level=speed,frobnicate=1");
        assert!(e.contains("unknown setting `frobnicate`"), "{e}");
        assert!(e.contains("opt_level=speed,frobnicate=1"), "{e}");
        let e = error("opt_level=fast");
        assert!(e.contains("`opt_level=fast`") && e.contains("`speed_and_size`"), "{e}");
        let e = error("enable_probestack=yes");
        assert!(e.contains("`false` or `true`"), "{e}");
        let e = error("opt_level");
        assert!(e.contains("needs a value"), "{e}");
        let e = error("opt_level=none, opt_level=speed");
        assert!(e.contains("given twice") && e.contains("`opt_level=speed`"), "{e}");
        let e = error("enable_probestack,enable_probestack=false");
        assert!(e.contains("given twice"), "{e}");
        assert!(error("opt_level=speed,").contains("empty entry"));
        assert!(error("=true").contains("no setting name"));
        let e = error("enable_nan_canonicalization=true");
        assert!(e.contains("NaN"), "{e}");
        assert!(error("enable_jump_tables=false").contains("not a setting"));
        assert!(error("preserve_frame_pointers").contains("rbp frame"));
    }

    #[test]
    fn isa_flags_need_the_host_and_their_requirements() {
        let offered = |name: &str| catalog().iter().any(|spec| spec.name == name);
        for flag in &X86 {
            let name = flag.spec.name;
            if offered(name) {
                if let Some(required) = flag.spec.requires.first() {
                    let e = error(&format!("{name}=true"));
                    assert!(e.contains(&format!("needs `{required}=true`")), "{e}");
                    // Off needs nothing.
                    parse(&format!("{name}=false"));
                }
            } else {
                let e = error(&format!("{name}=true"));
                assert!(e.contains("host"), "{e}");
            }
        }
    }

    /// Machine code and alignment of `fn(x: i64) -> i64 { popcnt((x + 1) + 1) }` under `text`,
    /// with the sum passing through an 8 KiB stack slot.
    fn compile(text: &str) -> (Vec<u8>, u32) {
        let isa = isa(&parse(text)).unwrap();
        let mut sig = ir::Signature::new(isa.default_call_conv());
        sig.params.push(ir::AbiParam::new(types::I64));
        sig.returns.push(ir::AbiParam::new(types::I64));
        let mut func = ir::Function::with_name_signature(ir::UserFuncName::user(0, 0), sig);
        let mut fctx = FunctionBuilderContext::new();
        let mut b = FunctionBuilder::new(&mut func, &mut fctx);
        let block = b.create_block();
        b.append_block_params_for_function_params(block);
        b.switch_to_block(block);
        b.seal_block(block);
        let x = b.block_params(block)[0];
        let one = b.ins().iconst(types::I64, 1);
        let y = b.ins().iadd(x, one);
        let z = b.ins().iadd(y, one);
        let slot = ir::StackSlotData::new(ir::StackSlotKind::ExplicitSlot, 8192, 3);
        let slot = b.create_sized_stack_slot(slot);
        b.ins().stack_store(isa.pointer_type(), z, slot, 4096);
        let w = b.ins().stack_load(isa.pointer_type(), types::I64, slot, 4096);
        let r = b.ins().popcnt(w);
        b.ins().return_(&[r]);
        b.finalize(isa.frontend_config());
        let mut ctx = cranelift_codegen::Context::for_function(func);
        match ctx.compile(&*isa, &mut ControlPlane::default()) {
            Ok(compiled) => (compiled.code_buffer().to_vec(), compiled.buffer.alignment),
            Err(e) => panic!("{text}: {:?}", e.inner),
        }
    }

    #[test]
    fn settings_change_the_machine_code() {
        let code = |text: &str| compile(text).0;
        let base = code("");
        assert_eq!(code("opt_level=none"), base);
        let speed = code("opt_level=speed");
        assert_ne!(speed, base);
        assert_eq!(code("opt_level=speed_and_size"), speed);
        assert_ne!(code("regalloc_algorithm=single_pass"), base);
        assert_ne!(code("enable_probestack"), base);
        assert!(compile("").1 < 64);
        assert_eq!(compile("log2_min_function_alignment=6"), (base.clone(), 64));
        // Every preset parses, and the host's own one is there.
        assert_eq!(presets().len(), PRESETS.len() + 1);
        for (name, preset) in presets() {
            let (code, _) = compile(&preset.text());
            assert!(!code.is_empty(), "{name}");
        }
        let popcnt = "has_sse3,has_ssse3,has_sse41,has_sse42,has_popcnt";
        if catalog().iter().any(|spec| spec.name == "has_popcnt") {
            assert!(code(popcnt).len() < base.len());
        }
    }
}
