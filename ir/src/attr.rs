//! Attributes of functions, return values, parameters and call sites, kept as LLVM names them.

use crate::types::Type;
use serde::{Deserialize, Serialize};

/// One attribute.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Attribute {
    /// A flag (`nounwind`, value 0) or an integer-valued attribute (`align` 8,
    /// `dereferenceable` 16, and the encoded ones: `memory`, `captures`, `uwtable`,
    /// `allocsize`, `allockind`, `nofpclass`, `vscale_range`, with LLVM's own encoding).
    Enum { name: String, value: u64 },
    /// A type attribute: `byval(T)`, `sret(T)`, `byref(T)`, `elementtype(T)`, `inalloca(T)`,
    /// `preallocated(T)`.
    Type { name: String, ty: Type },
    /// A string attribute: `"target-cpu"="x86-64"` (an empty value prints the key alone).
    Str { key: String, value: String },
}

impl Attribute {
    /// A flag attribute.
    pub fn flag(name: &str) -> Attribute {
        Attribute::Enum { name: name.to_string(), value: 0 }
    }

    /// The LLVM name (or the key of a string attribute).
    pub fn name(&self) -> &str {
        match self {
            Attribute::Enum { name, .. } | Attribute::Type { name, .. } => name,
            Attribute::Str { key, .. } => key,
        }
    }
}

/// The attributes of a function or call site: on the function, on the return value, and per
/// parameter (`params[i]` for the i-th argument; shorter than the argument list means none).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Attrs {
    pub func: Vec<Attribute>,
    pub ret: Vec<Attribute>,
    pub params: Vec<Vec<Attribute>>,
}

impl Attrs {
    /// The attributes of parameter `i`.
    pub fn param(&self, i: usize) -> &[Attribute] {
        self.params.get(i).map_or(&[], Vec::as_slice)
    }

    /// Whether parameter `i` has the attribute `name`.
    pub fn param_has(&self, i: usize, name: &str) -> bool {
        self.param(i).iter().any(|a| a.name() == name)
    }

    /// Whether the function has the attribute `name`.
    pub fn func_has(&self, name: &str) -> bool {
        self.func.iter().any(|a| a.name() == name)
    }
}

/// Attributes that change the calling convention: dropping or changing one breaks the ABI.
pub const ABI_ATTRIBUTES: &[&str] = &[
    "byval",
    "sret",
    "inreg",
    "signext",
    "zeroext",
    "nest",
    "inalloca",
    "preallocated",
    "byref",
    "swiftself",
    "swifterror",
    "swiftasync",
    "noext",
];

/// The names of LLVM 22's enum attributes (flags, integers and types), in LLVM's order.
pub const LLVM_ENUM_ATTRIBUTES: &[&str] = &[
    "allocalign",
    "allocptr",
    "alwaysinline",
    "builtin",
    "cold",
    "convergent",
    "coro_only_destroy_when_complete",
    "coro_elide_safe",
    "dead_on_return",
    "dead_on_unwind",
    "disable_sanitizer_instrumentation",
    "fn_ret_thunk_extern",
    "hot",
    "hybrid_patchable",
    "immarg",
    "inreg",
    "inlinehint",
    "jumptable",
    "minsize",
    "mustprogress",
    "naked",
    "nest",
    "noalias",
    "nobuiltin",
    "nocallback",
    "nocf_check",
    "nocreateundeforpoison",
    "nodivergencesource",
    "noduplicate",
    "noext",
    "nofree",
    "noimplicitfloat",
    "noinline",
    "nomerge",
    "noprofile",
    "norecurse",
    "noredzone",
    "noreturn",
    "nosanitize_bounds",
    "nosanitize_coverage",
    "nosync",
    "noundef",
    "nounwind",
    "nonlazybind",
    "nonnull",
    "null_pointer_is_valid",
    "optforfuzzing",
    "optdebug",
    "optsize",
    "optnone",
    "presplitcoroutine",
    "readnone",
    "readonly",
    "returned",
    "returns_twice",
    "signext",
    "safestack",
    "sanitize_address",
    "sanitize_alloc_token",
    "sanitize_hwaddress",
    "sanitize_memtag",
    "sanitize_memory",
    "sanitize_numerical_stability",
    "sanitize_realtime",
    "sanitize_realtime_blocking",
    "sanitize_thread",
    "sanitize_type",
    "shadowcallstack",
    "skipprofile",
    "speculatable",
    "speculative_load_hardening",
    "ssp",
    "sspreq",
    "sspstrong",
    "strictfp",
    "swiftasync",
    "swifterror",
    "swiftself",
    "willreturn",
    "writable",
    "writeonly",
    "zeroext",
    "byref",
    "byval",
    "elementtype",
    "inalloca",
    "preallocated",
    "sret",
    "align",
    "allockind",
    "allocsize",
    "captures",
    "dereferenceable",
    "dereferenceable_or_null",
    "memory",
    "nofpclass",
    "alignstack",
    "uwtable",
    "vscale_range",
    "range",
    "initializes",
];

/// Attributes whose value LLVM's C API cannot read back (constant ranges); the importer drops
/// them. Both only narrow what a value may be, so dropping them is always sound.
pub const UNREADABLE_ATTRIBUTES: &[&str] = &["range", "initializes"];
