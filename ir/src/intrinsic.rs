//! Names of LLVM intrinsics as the backends read them.

/// Prefixes of the intrinsics that only inform the optimizer (lifetimes, assumptions, debug
/// information, scopes, prefetches): none has a result, and a backend may drop a call to one
/// without changing what the program does.
pub const HINTS: &[&str] = &[
    "llvm.lifetime.",
    "llvm.assume",
    "llvm.dbg.",
    "llvm.experimental.noalias.scope.decl",
    "llvm.prefetch",
    "llvm.sideeffect",
    "llvm.donothing",
    "llvm.var.annotation",
    "llvm.codeview.annotation",
];

/// Whether a call of the intrinsic `name` can be dropped (see [`HINTS`]).
pub fn is_hint(name: &str) -> bool {
    HINTS.iter().any(|p| name.starts_with(p))
}

/// The intrinsic's name without `llvm.` and its type suffixes (`llvm.smax.i32` → `smax`,
/// `llvm.memcpy.p0.p0.i64` → `memcpy`, `llvm.sadd.with.overflow.i32` → `sadd.with.overflow`).
pub fn base_name(name: &str) -> &str {
    let rest = name.strip_prefix("llvm.").unwrap_or(name);
    let mut end = rest.len();
    let mut pos = 0;
    for part in rest.split('.') {
        if pos > 0 && is_type_suffix(part) {
            end = pos - 1;
            break;
        }
        pos += part.len() + 1;
    }
    &rest[..end.min(rest.len())]
}

/// Whether a part of an intrinsic's name is a type suffix (`i32`, `p0`, `v4f32`, `f64`).
fn is_type_suffix(part: &str) -> bool {
    let digits_after = |p: &str| p.len() > 1 && p[1..].chars().all(|c| c.is_ascii_digit());
    (part.starts_with('i') || part.starts_with('p')) && digits_after(part)
        || part.starts_with('v') && part[1..].chars().next().is_some_and(|c| c.is_ascii_digit())
        || matches!(part, "f16" | "f32" | "f64" | "f80" | "f128" | "bf16")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_names_drop_type_suffixes() {
        assert_eq!(base_name("llvm.smax.i32"), "smax");
        assert_eq!(base_name("llvm.memcpy.p0.p0.i64"), "memcpy");
        assert_eq!(base_name("llvm.sadd.with.overflow.i32"), "sadd.with.overflow");
        assert_eq!(base_name("llvm.vector.reduce.add.v4i32"), "vector.reduce.add");
        assert_eq!(base_name("llvm.fmuladd.f64"), "fmuladd");
        assert_eq!(base_name("llvm.fmuladd.v2f64"), "fmuladd");
        assert_eq!(base_name("llvm.trap"), "trap");
        assert_eq!(base_name("llvm.expect.i1"), "expect");
        assert!(is_hint("llvm.lifetime.start.p0") && !is_hint("llvm.memcpy.p0.p0.i64"));
    }
}
