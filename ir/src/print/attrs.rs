//! Attributes in LLVM's inline syntax, in LLVM's order (enum attributes by kind, then string
//! attributes by key), with the integer-encoded ones decoded as LLVM 22 encodes them:
//!
//! | attribute      | encoding (LLVM 22)                                                    |
//! |----------------|-----------------------------------------------------------------------|
//! | `memory`       | 2 bits (1 read, 2 write) per location: argmem 0, inaccessiblemem 1,   |
//! |                | errnomem 2, other 3, target_mem0 4, target_mem1 5 (`ModRef.h`)        |
//! | `captures`     | `other << 4 \| ret`; each: address_is_null 1, address 3,             |
//! |                | read_provenance 4, provenance 12 (`ModRef.h`)                         |
//! | `uwtable`      | 1 sync, 2 async (`CodeGen.h`)                                         |
//! | `allocsize`    | `elem << 32 \| (num or 0xFFFFFFFF)`                                   |
//! | `allockind`    | alloc 1, realloc 2, free 4, uninitialized 8, zeroed 16, aligned 32    |
//! | `nofpclass`    | `FPClassTest` bits, snan 1 … pinf 0x200                               |
//! | `vscale_range` | `min << 32 \| max` (max 0: unbounded)                                 |
//!
//! An encoded value that cannot be decoded with certainty (bits LLVM 22 does not define, or a
//! value LLVM cannot hold) is left out of the text: these attributes are all optimisation
//! hints, so a module without one means the same, only with less information. The constant
//! range attributes `range` and `initializes` cannot be held in an integer at all and are
//! left out the same way.

use crate::attr::{Attribute, LLVM_ENUM_ATTRIBUTES};
use crate::names::quote_bytes;

/// The attributes separated by spaces, in LLVM's order; empty when there are none to print.
pub(super) fn attr_list(attrs: &[Attribute]) -> String {
    let mut sorted: Vec<&Attribute> = attrs.iter().collect();
    sorted.sort_by_key(|a| sort_key(a));
    sorted.into_iter().filter_map(attribute_text).collect::<Vec<_>>().join(" ")
}

/// LLVM keeps attribute sets sorted: enum attributes by their kind number (the order of
/// [`LLVM_ENUM_ATTRIBUTES`]), then string attributes by key and value.
fn sort_key(a: &Attribute) -> (u8, usize, &str, &str) {
    match a {
        Attribute::Enum { name, .. } | Attribute::Type { name, .. } => {
            match LLVM_ENUM_ATTRIBUTES.iter().position(|n| n == name) {
                Some(i) => (0, i, "", ""),
                None => (1, 0, name, ""),
            }
        }
        Attribute::Str { key, value } => (2, 0, key, value),
    }
}

/// One attribute, or `None` when it cannot be printed faithfully (see the module doc).
fn attribute_text(a: &Attribute) -> Option<String> {
    match a {
        Attribute::Enum { name, value } => enum_text(name, *value),
        Attribute::Type { name, ty } => Some(format!("{name}({ty})")),
        Attribute::Str { key, value } if value.is_empty() => Some(quote_bytes(key.as_bytes())),
        Attribute::Str { key, value } => {
            Some(format!("{}={}", quote_bytes(key.as_bytes()), quote_bytes(value.as_bytes())))
        }
    }
}

/// Flags by name; integer attributes with their value.
fn enum_text(name: &str, value: u64) -> Option<String> {
    match name {
        "align" => Some(format!("align {value}")),
        "alignstack" => Some(format!("alignstack({value})")),
        "dereferenceable" | "dereferenceable_or_null" => Some(format!("{name}({value})")),
        "uwtable" => uwtable_text(value),
        "memory" => memory_text(value),
        "captures" => captures_text(value),
        "allocsize" => Some(allocsize_text(value)),
        "allockind" => allockind_text(value),
        "nofpclass" => nofpclass_text(value),
        "vscale_range" => vscale_range_text(value),
        // Constant ranges: not representable as an integer (see the module doc).
        "range" | "initializes" => None,
        _ => Some(name.to_string()),
    }
}

/// `uwtable` (async, 2) or `uwtable(sync)` (1). 0 means "no unwind table", which is what
/// leaving the attribute out says.
fn uwtable_text(value: u64) -> Option<String> {
    match value {
        1 => Some("uwtable(sync)".to_string()),
        2 => Some("uwtable".to_string()),
        _ => None,
    }
}

/// The memory locations of `memory(...)` other than "other", by bit position / 2.
const MEMORY_LOCATIONS: [(u32, &str); 5] = [
    (0, "argmem"),
    (1, "inaccessiblemem"),
    (2, "errnomem"),
    (4, "target_mem0"),
    (5, "target_mem1"),
];

/// The location of "other" memory, whose access kind prints as the default.
const MEMORY_OTHER: u32 = 3;

/// `memory(read, argmem: readwrite)`: the access to "other" memory first (as the default),
/// then each location that differs from it.
fn memory_text(value: u64) -> Option<String> {
    if value >> 12 != 0 {
        return None;
    }
    let access = |loc: u32| (value >> (2 * loc)) & 3;
    let other = access(MEMORY_OTHER);
    let mut parts: Vec<String> = Vec::new();
    let all_same = MEMORY_LOCATIONS.iter().all(|&(loc, _)| access(loc) == other);
    if other != 0 || all_same {
        parts.push(mod_ref(other).to_string());
    }
    for (loc, name) in MEMORY_LOCATIONS {
        if access(loc) != other {
            parts.push(format!("{name}: {}", mod_ref(access(loc))));
        }
    }
    Some(format!("memory({})", parts.join(", ")))
}

fn mod_ref(bits: u64) -> &'static str {
    match bits & 3 {
        0 => "none",
        1 => "read",
        2 => "write",
        _ => "readwrite",
    }
}

/// `captures(address, read_provenance)`, `captures(none)`, `captures(ret: address)`.
fn captures_text(value: u64) -> Option<String> {
    if value >> 8 != 0 {
        return None;
    }
    let (other, ret) = (value >> 4, value & 0xf);
    let (other_text, ret_text) = (capture_components(other)?, capture_components(ret)?);
    let mut parts: Vec<String> = Vec::new();
    if other != 0 || other == ret {
        parts.push(other_text);
    }
    if other != ret {
        parts.push(format!("ret: {ret_text}"));
    }
    Some(format!("captures({})", parts.join(", ")))
}

/// One set of capture components; `None` for bit patterns LLVM cannot hold (the address or
/// provenance bit without its "is null" / "read" part).
fn capture_components(c: u64) -> Option<String> {
    let (address, provenance) = (c & 3, c & 12);
    if address == 2 || provenance == 8 {
        return None;
    }
    if c == 0 {
        return Some("none".to_string());
    }
    let mut parts = Vec::new();
    match address {
        1 => parts.push("address_is_null"),
        3 => parts.push("address"),
        _ => {}
    }
    match provenance {
        4 => parts.push("read_provenance"),
        12 => parts.push("provenance"),
        _ => {}
    }
    Some(parts.join(", "))
}

/// `allocsize(0)` or `allocsize(0,1)`.
fn allocsize_text(value: u64) -> String {
    let (elem, num) = (value >> 32, value & 0xffff_ffff);
    if num == 0xffff_ffff {
        format!("allocsize({elem})")
    } else {
        format!("allocsize({elem},{num})")
    }
}

/// `allockind("alloc,zeroed")`. An empty kind does not parse, so 0 is left out.
fn allockind_text(value: u64) -> Option<String> {
    const KINDS: [(u64, &str); 6] = [
        (1, "alloc"),
        (2, "realloc"),
        (4, "free"),
        (8, "uninitialized"),
        (16, "zeroed"),
        (32, "aligned"),
    ];
    if value == 0 || value >> 6 != 0 {
        return None;
    }
    let parts: Vec<&str> =
        KINDS.iter().filter(|(bit, _)| value & bit != 0).map(|(_, name)| *name).collect();
    Some(format!("allockind(\"{}\")", parts.join(",")))
}

/// `nofpclass(nan inf)`: the widest names first, as LLVM prints them. An empty class set
/// does not parse (and excludes nothing), so 0 is left out.
fn nofpclass_text(value: u64) -> Option<String> {
    const NAMES: [(u64, &str); 16] = [
        (0x3ff, "all"),
        (0x003, "nan"),
        (0x001, "snan"),
        (0x002, "qnan"),
        (0x204, "inf"),
        (0x004, "ninf"),
        (0x200, "pinf"),
        (0x060, "zero"),
        (0x020, "nzero"),
        (0x040, "pzero"),
        (0x090, "sub"),
        (0x010, "nsub"),
        (0x080, "psub"),
        (0x108, "norm"),
        (0x008, "nnorm"),
        (0x100, "pnorm"),
    ];
    if value == 0 || value >> 10 != 0 {
        return None;
    }
    let mut rest = value;
    let mut parts = Vec::new();
    for (mask, name) in NAMES {
        if rest & mask == mask {
            parts.push(name);
            rest &= !mask;
        }
    }
    Some(format!("nofpclass({})", parts.join(" ")))
}

/// `vscale_range(min,max)`. LLVM's verifier rejects a minimum of 0, so that is left out.
fn vscale_range_text(value: u64) -> Option<String> {
    let (min, max) = (value >> 32, value & 0xffff_ffff);
    (min != 0).then(|| format!("vscale_range({min},{max})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    // The raw values below were read from `llvm-bcanalyzer -dump` of modules assembled by
    // LLVM 22's llvm-as from the text on the right.

    #[test]
    fn memory() {
        assert_eq!(memory_text(1).unwrap(), "memory(argmem: read)");
        assert_eq!(
            memory_text(1371).unwrap(),
            "memory(read, argmem: readwrite, inaccessiblemem: write)"
        );
        assert_eq!(memory_text(32).unwrap(), "memory(errnomem: write)");
        assert_eq!(memory_text(256).unwrap(), "memory(target_mem0: read)");
        assert_eq!(memory_text(0).unwrap(), "memory(none)");
        assert_eq!(memory_text(4095).unwrap(), "memory(readwrite)");
        assert_eq!(
            memory_text(2044).unwrap(),
            "memory(readwrite, argmem: none, target_mem1: read)"
        );
        assert_eq!(memory_text(1 << 12), None);
    }

    #[test]
    fn captures() {
        assert_eq!(captures_text(119).unwrap(), "captures(address, read_provenance)");
        assert_eq!(captures_text(3).unwrap(), "captures(ret: address)");
        assert_eq!(captures_text(0).unwrap(), "captures(none)");
        assert_eq!(
            captures_text(31).unwrap(),
            "captures(address_is_null, ret: address, provenance)"
        );
        assert_eq!(captures_text(255).unwrap(), "captures(address, provenance)");
        assert_eq!(captures_text(112).unwrap(), "captures(address, read_provenance, ret: none)");
        assert_eq!(captures_text(0x22), None);
        assert_eq!(captures_text(0x80), None);
    }

    #[test]
    fn packed_integers() {
        assert_eq!(allocsize_text(0xffff_ffff), "allocsize(0)");
        assert_eq!(allocsize_text((1 << 32) | 2), "allocsize(1,2)");
        assert_eq!(vscale_range_text((2 << 32) | 4).unwrap(), "vscale_range(2,4)");
        assert_eq!(vscale_range_text(1 << 32).unwrap(), "vscale_range(1,0)");
        assert_eq!(allockind_text(49).unwrap(), "allockind(\"alloc,zeroed,aligned\")");
        assert_eq!(nofpclass_text(519).unwrap(), "nofpclass(nan inf)");
        assert_eq!(nofpclass_text(1023).unwrap(), "nofpclass(all)");
        assert_eq!(nofpclass_text(193).unwrap(), "nofpclass(snan pzero psub)");
        assert_eq!(uwtable_text(1).unwrap(), "uwtable(sync)");
        assert_eq!(uwtable_text(2).unwrap(), "uwtable");
    }
}
