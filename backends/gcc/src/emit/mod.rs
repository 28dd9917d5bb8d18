//! The canonical IR as C11 with GNU extensions, for gcc.
//!
//! Every symbol gets a C name of its own (`f3_main`, `g7_x_y`) and keeps its real name as an
//! assembler label (`__asm__("main")`), so LLVM's names need not be C identifiers and no
//! declaration clashes with gcc's built-in functions. A global's initializer is its exact
//! memory image from the data layout: bytes, with pointer-sized slots for relocations, in a
//! packed structure. Functions are emitted by `function`; C types by `types`.
//!
//! The file is laid out in the order C needs: the prelude, the types, every global and
//! function declared, the aliases (gcc's `alias` attribute), then the globals' initializers
//! and the functions' bodies.
//!
//! Beyond plain C: atomics are gcc's `__atomic_*` built-ins (`atomics`), inline assembly is
//! GNU extended asm (`asm`), thread-locals are `__thread` with their TLS model, computed goto
//! is `&&label` and `goto *` (a table of block addresses becomes a `static` of its function),
//! `x86_fp80` is `long double` and `fp128` `_Float128`. Refused, by name: exception handling
//! that can run (`invoke`, `landingpad`, `resume`: C has nothing for them; a personality
//! alone is fine, and blocks no path from the entry reaches are left out),
//! integers wider than 128 bits where `wide` says (gcc 12 has no `_BitInt`), an alias of a
//! constant expression, and what the modules named say they refuse.

mod asm;
mod atomics;
mod function;
mod intrinsics;
mod ops;
mod signed;
#[cfg(test)]
mod tests;
mod types;
mod wide;

use crate::error::GccError;
use opm_backend::Site;
use opm_ir::layout::{ConstImage, DataLayout};
use opm_ir::{
    Attribute, Attrs, ConstExpr, Constant, Function, FunctionType, Global, Linkage, Module,
    TlsModel, Type, Visibility,
};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use types::CTypes;

/// Definitions every emitted file starts with.
const PRELUDE: &str = r#"/* Emitted by opm from LLVM IR: compile with -fno-strict-aliasing -ffp-contract=off. */
#include <stdint.h>
/* LLVM IR may read memory it has not written (an undefined value it then masks, as a
   bit-field update does): not a bug of this C, so not a warning. */
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
/* A value whose uses LLVM removed is a local nothing reads. */
#pragma GCC diagnostic ignored "-Wunused-variable"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
typedef uint8_t *opm_ptr;
/* A float or double in memory, at any address, aliasing anything: loads and stores through
   these mean what copying the bytes means, and keep the value in a floating-point register
   (gcc gives a copy of 4 or 8 bytes an integer's type). */
typedef float __attribute__((may_alias, aligned(1))) opm_f32u;
typedef double __attribute__((may_alias, aligned(1))) opm_f64u;
typedef unsigned __int128 opm_u128;
typedef __int128 opm_i128;
#define OPM_INLINE static inline __attribute__((always_inline, unused))
OPM_INLINE float opm_f32(uint32_t b) { float f; __builtin_memcpy(&f, &b, 4); return f; }
OPM_INLINE double opm_f64(uint64_t b) { double d; __builtin_memcpy(&d, &b, 8); return d; }
OPM_INLINE uint32_t opm_f32_bits(float f) { uint32_t b; __builtin_memcpy(&b, &f, 4); return b; }
OPM_INLINE uint64_t opm_f64_bits(double d) { uint64_t b; __builtin_memcpy(&b, &d, 8); return b; }
"#;

/// Helpers for `long double` (x86_fp80: 10 significant bytes, the low 8 the significand)
/// and `_Float128`, each emitted when the C names it: values from bit patterns and back,
/// and the C library's fmod on `_Float128`.
const FLOAT_HELPERS: [(&str, &str); 7] = [
    (
        "opm_f80(",
        "OPM_INLINE long double opm_f80(uint64_t lo, uint16_t hi) { long double f = 0; \
      __builtin_memcpy(&f, &lo, 8); __builtin_memcpy((uint8_t *)&f + 8, &hi, 2); return f; }",
    ),
    (
        "opm_f80_of(",
        "OPM_INLINE long double opm_f80_of(opm_u128 b) { long double f = 0; \
      __builtin_memcpy(&f, &b, 10); return f; }",
    ),
    (
        "opm_f80_bits(",
        "OPM_INLINE opm_u128 opm_f80_bits(long double f) { opm_u128 b = 0; \
      __builtin_memcpy(&b, &f, 10); return b; }",
    ),
    (
        "opm_f128(",
        "OPM_INLINE _Float128 opm_f128(uint64_t lo, uint64_t hi) { _Float128 f; \
      __builtin_memcpy(&f, &lo, 8); __builtin_memcpy((uint8_t *)&f + 8, &hi, 8); return f; }",
    ),
    (
        "opm_f128_of(",
        "OPM_INLINE _Float128 opm_f128_of(opm_u128 b) { _Float128 f; \
      __builtin_memcpy(&f, &b, 16); return f; }",
    ),
    (
        "opm_f128_bits(",
        "OPM_INLINE opm_u128 opm_f128_bits(_Float128 f) { opm_u128 b; \
      __builtin_memcpy(&b, &f, 16); return b; }",
    ),
    ("opm_fmodf128(", "extern _Float128 opm_fmodf128(_Float128, _Float128) __asm__(\"fmodf128\");"),
];

/// A symbol of the module as C sees it.
#[derive(Clone, Debug)]
pub(crate) struct Symbol {
    /// The C identifier.
    pub cname: String,
    /// A C expression of type `opm_ptr` for its address.
    pub addr: String,
}

/// The module-wide state of the emitter.
pub(crate) struct ModuleCx<'m> {
    pub module: &'m Module,
    pub layout: DataLayout,
    pub types: CTypes,
    pub symbols: HashMap<String, Symbol>,
    /// `byval` argument types by (size, alignment): their name and `typedef`.
    byvals: BTreeMap<(u64, u64), (String, String)>,
    /// Extra C definitions the bodies asked for (helper functions), emitted before them.
    pub helpers: Vec<String>,
    /// Globals a relative lookup table points to (from assembly, which gcc does not see).
    relative_targets: std::collections::HashSet<String>,
    /// Globals holding block addresses, each emitted as a `static` inside the one function
    /// that uses them (GNU C takes a label's address only inside its function): global →
    /// function.
    pub local_globals: HashMap<String, String>,
    /// The definitions of those statics, by function.
    pub local_statics: HashMap<String, Vec<String>>,
    /// Functions a block address of which is taken somewhere in the module.
    pub labels_taken: HashSet<String>,
    /// The C type a global is defined with: (type, array suffix), for its aliases.
    global_ctypes: HashMap<String, (String, String)>,
    /// The images of the globals defined here (not local statics, not relative tables), made
    /// once: each global's definition is its image, and a pointer into it is placed by its
    /// C members, which its image lays out (see [`segments`] and [`member_address`]).
    images: HashMap<String, ConstImage>,
    /// Whether nothing in the program ever unwinds (see [`never_unwinds`]): every `invoke`
    /// is then a call that returns, and its landing pad never runs.
    pub never_unwinds: bool,
    /// The functions that return twice (`setjmp` …).
    pub returns_twice: opm_backend::returns_twice::ReturnsTwice<'m>,
}

/// The functions that start unwinding: a module that calls none of them raises nothing.
const RAISES: [&str; 6] = [
    "_Unwind_RaiseException",
    "_Unwind_Resume_or_Rethrow",
    "_Unwind_ForcedUnwind",
    "__cxa_throw",
    "__cxa_rethrow",
    "__cxa_rethrow_primary_exception",
];

/// Whether nothing unwinds in `module`: a Rust whole program (rustc's fat LTO) whose panic
/// runtime is `panic_abort` — its `__rust_start_panic` defined here and nothing here
/// declaring a function that starts unwinding ([`RAISES`]; `panic_unwind`'s calls
/// `_Unwind_RaiseException`) — and whose every personality is Rust's. Its `invoke`s come from
/// std, which is prebuilt with unwinding: a panic aborts before any of them unwinds, and a
/// foreign exception must not unwind into Rust frames. A C++ module calls a library that
/// throws without naming `__cxa_throw`, so only Rust's personality counts.
fn never_unwinds(module: &Module) -> bool {
    let abort_runtime = module
        .functions
        .iter()
        .any(|f| !f.is_declaration() && f.name.ends_with("__rust_start_panic"));
    let raises = module.functions.iter().any(|f| RAISES.contains(&f.name.as_str()));
    let rust_personality = |f: &opm_ir::Function| match &f.personality {
        None => true,
        Some(Constant::Global(name)) => name == "rust_eh_personality",
        Some(_) => false,
    };
    abort_runtime && !raises && module.functions.iter().all(rust_personality)
}

/// Emits `module` as one C file.
pub fn emit_module(module: &Module) -> Result<String, GccError> {
    let module = &*module.with_inline_only_copies();
    let at_module = |construct: String| GccError::Unsupported { construct, site: Site::module() };
    let layout = DataLayout::parse(&module.data_layout)
        .map_err(|e| at_module(format!("the data layout `{}`: {e}", module.data_layout)))?;
    let mut cx = ModuleCx {
        module,
        layout,
        types: CTypes::default(),
        symbols: HashMap::new(),
        byvals: BTreeMap::new(),
        helpers: Vec::new(),
        relative_targets: module
            .globals
            .iter()
            .filter_map(|g| relative_entries(g.init.as_ref()?, &g.name))
            .flatten()
            .map(|(name, _)| name)
            .collect(),
        local_globals: local_globals(module)?,
        local_statics: HashMap::new(),
        labels_taken: labels_taken(module),
        global_ctypes: HashMap::new(),
        images: HashMap::new(),
        never_unwinds: never_unwinds(module),
        returns_twice: opm_backend::returns_twice::ReturnsTwice::of(module),
    };
    for g in &module.globals {
        let defined = g.props.linkage != Linkage::AvailableExternally
            && !cx.local_globals.contains_key(&g.name);
        let Some(init) = g.init.as_ref().filter(|_| defined) else { continue };
        if relative_entries(init, &g.name).is_some() {
            continue;
        }
        // (An image that cannot be made is refused with the global's own definition.)
        if let Ok(image) = cx.layout.constant_image(init) {
            cx.images.insert(g.name.clone(), image);
        }
    }
    let functions: Vec<&Function> =
        module.functions.iter().filter(|f| !f.name.starts_with("llvm.")).collect();
    wide::check_calls(module)?;
    for (i, g) in module.globals.iter().enumerate() {
        let cname = format!("g{i}_{}", sanitize(&g.name));
        let addr = if g.init.is_some() && g.props.linkage != Linkage::AvailableExternally {
            format!("((opm_ptr)&{cname})")
        } else {
            format!("((opm_ptr){cname})")
        };
        cx.symbols.insert(g.name.clone(), Symbol { cname, addr });
    }
    for (i, f) in functions.iter().enumerate() {
        let cname = format!("f{i}_{}", sanitize(&f.name));
        let addr = format!("((opm_ptr)&{cname})");
        cx.symbols.insert(f.name.clone(), Symbol { cname, addr });
    }
    for (i, a) in module.aliases.iter().enumerate() {
        let cname = format!("a{i}_{}", sanitize(&a.name));
        let addr = format!("((opm_ptr)&{cname})");
        cx.symbols.insert(a.name.clone(), Symbol { cname, addr });
    }

    let mut declarations = String::new();
    let mut definitions = String::new();
    for g in &module.globals {
        // The constructor and destructor arrays are written by `structors`, below.
        // The lists of what must be kept are written by `used_lists`, below.
        if opm_backend::structors::ARRAYS.contains(&g.name.as_str())
            || USED_LISTS.contains(&g.name.as_str())
        {
            continue;
        }
        global(&mut cx, g, &mut declarations, &mut definitions).map_err(|construct| {
            GccError::Unsupported { construct, site: Site::initializer(&g.name) }
        })?;
    }
    structors(&cx, &mut definitions)?;
    used_lists(&cx, &mut definitions)?;
    for f in &functions {
        let proto = prototype(&mut cx, f).map_err(|construct| GccError::Unsupported {
            construct,
            site: Site::function(&f.name),
        })?;
        let _ = writeln!(declarations, "{proto};");
    }
    for a in &module.aliases {
        let decl = alias(&mut cx, a).map_err(|construct| GccError::Unsupported {
            construct,
            site: Site::global(&a.name),
        })?;
        let _ = writeln!(declarations, "{decl};");
    }
    let mut bodies = String::new();
    for f in functions.iter().filter(|f| !declared_only(f)) {
        let head = definition_head(&mut cx, f).map_err(|construct| GccError::Unsupported {
            construct,
            site: Site::function(&f.name),
        })?;
        let body = function::emit(&mut cx, f)?;
        let _ = writeln!(bodies, "{head} {{\n{body}}}\n");
    }

    // The helpers of the wider float types, when the C uses them.
    for (name, def) in FLOAT_HELPERS {
        if bodies.contains(name) {
            cx.helpers.insert(0, def.to_string());
        }
    }
    if bodies.contains("opm_w_") {
        cx.helpers.insert(0, wide::HELPERS.to_string());
    }
    let mut out = String::from(PRELUDE);
    for def in &cx.types.defs {
        out.push_str(def);
        out.push('\n');
    }
    for (_, def) in cx.byvals.values() {
        out.push_str(def);
        out.push('\n');
    }
    out.push_str(&declarations);
    out.push_str(&definitions);
    for h in &cx.helpers {
        out.push_str(h);
        out.push('\n');
    }
    out.push_str(&bodies);
    Ok(out)
}

/// A C identifier from an LLVM name: letters, digits and `_` kept, anything else `_`.
fn sanitize(name: &str) -> String {
    let s: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).take(40).collect();
    s
}

/// `static` for symbols local to the module, the assembler label otherwise.
fn linkage(linkage: Linkage, name: &str) -> (String, String) {
    let label = format!(" __asm__(\"{}\")", name.escape_default());
    match linkage {
        Linkage::Internal | Linkage::Private => ("static ".into(), String::new()),
        Linkage::Weak
        | Linkage::WeakOdr
        | Linkage::LinkOnce
        | Linkage::LinkOnceOdr
        | Linkage::ExternWeak => (String::new(), format!("{label} __attribute__((weak))")),
        _ => (String::new(), label),
    }
}

fn visibility(v: Visibility) -> &'static str {
    match v {
        Visibility::Hidden => " __attribute__((visibility(\"hidden\")))",
        Visibility::Protected => " __attribute__((visibility(\"protected\")))",
        Visibility::Default => "",
    }
}

/// `__thread` with gcc's name of the TLS model, for a thread-local symbol. gcc, like LLVM,
/// may still pick a faster model than the one named where it knows the symbol is local.
fn tls(model: Option<TlsModel>) -> (&'static str, &'static str) {
    match model {
        None => ("", ""),
        Some(TlsModel::GeneralDynamic) => {
            ("__thread ", " __attribute__((tls_model(\"global-dynamic\")))")
        }
        Some(TlsModel::LocalDynamic) => {
            ("__thread ", " __attribute__((tls_model(\"local-dynamic\")))")
        }
        Some(TlsModel::InitialExec) => {
            ("__thread ", " __attribute__((tls_model(\"initial-exec\")))")
        }
        Some(TlsModel::LocalExec) => ("__thread ", " __attribute__((tls_model(\"local-exec\")))"),
    }
}

/// The lists of symbols that must be kept in the object even when nothing refers to them
/// (Rust's `#[used]`, C's `__attribute__((used))`; appending arrays LLVM's code generator
/// does not write).
const USED_LISTS: [&str; 2] = ["llvm.used", "llvm.compiler.used"];

/// [`USED_LISTS`]: their symbols' addresses in an array gcc must keep (`used`), so that gcc
/// keeps each symbol (a `static` function nothing calls included), as LLVM does.
fn used_lists(cx: &ModuleCx<'_>, definitions: &mut String) -> Result<(), GccError> {
    for (k, list) in USED_LISTS.iter().enumerate() {
        let g = cx.module.globals.iter().find(|g| g.name == *list);
        let Some(init) = g.and_then(|g| g.init.as_ref()) else { continue };
        let unsupported =
            |construct: String| GccError::Unsupported { construct, site: Site::initializer(list) };
        let elems: &[Constant] = match init {
            Constant::Array { elems, .. } => elems,
            Constant::Zero(_) => &[],
            other => return Err(unsupported(format!("@{list} initialised by `{}`", other.ty()))),
        };
        let mut entries = Vec::new();
        for e in elems {
            match e {
                Constant::Global(name) if cx.symbols.contains_key(name) => {
                    entries.push(format!("(void *){}", cx.symbols[name].addr));
                }
                _ => return Err(unsupported(format!("an entry of @{list} that is not a symbol"))),
            }
        }
        if !entries.is_empty() {
            let _ = writeln!(
                definitions,
                "static void *opm_used_{k}[] __attribute__((used)) = {{{}}};",
                entries.join(", ")
            );
        }
    }
    Ok(())
}

/// The module's constructors and destructors (`@llvm.global_ctors`, `@llvm.global_dtors`):
/// their addresses as an array of pointers per section LLVM would put them in
/// (`.init_array`, `.fini_array.00101` …; see [`opm_backend::structors`]; the assembler
/// gives those names their ELF section types), which the linker gathers and the C runtime
/// calls. One array per section: gcc may reorder separate variables.
fn structors(cx: &ModuleCx<'_>, definitions: &mut String) -> Result<(), GccError> {
    let list = opm_backend::structors::structors(cx.module).map_err(|construct| {
        GccError::Unsupported { construct, site: Site::initializer("llvm.global_ctors") }
    })?;
    for (i, s) in list.iter().enumerate() {
        let mut entries = Vec::new();
        for name in &s.functions {
            let function = cx.module.functions.iter().any(|f| f.name == *name);
            let Some(sym) = cx.symbols.get(name).filter(|_| function) else {
                return Err(GccError::Unsupported {
                    construct: format!(
                        "a constructor or destructor that is not a function (@{name})"
                    ),
                    site: Site::initializer("llvm.global_ctors"),
                });
            };
            entries.push(format!("(void *){}", sym.addr));
        }
        let _ = writeln!(
            definitions,
            "static void *opm_structors_{i}[] __attribute__((section(\"{}\"), used, \
             aligned(8))) = {{{}}};",
            s.section,
            entries.join(", ")
        );
    }
    Ok(())
}

/// Declares the global `g` and, when the module defines it, writes its initializer (inside
/// the function that uses it for a table of block addresses, see [`local_globals`]).
///
/// Comdats are dropped: a comdat only tells the linker to keep one group of sections among
/// the objects it links that have a group of that name. The program is this one object
/// linked once with the C library (crt files, libc, libm, libgcc), which have no comdat
/// groups of a module's names, so no group is ever discarded; the linkage of each member
/// (weak for `linkonce`/`weak`) is kept, and is what resolves duplicate definitions.
fn global(
    cx: &mut ModuleCx<'_>,
    g: &Global,
    declarations: &mut String,
    definitions: &mut String,
) -> Result<(), String> {
    let sym = cx.symbols[&g.name].clone();
    let (tls, tls_attr) = tls(g.thread_local);
    let init = g.init.as_ref().filter(|_| g.props.linkage != Linkage::AvailableExternally);
    let Some(init) = init else {
        let (_, label) = linkage(g.props.linkage, &g.name);
        let _ = writeln!(declarations, "extern {tls}uint8_t {}[]{label}{tls_attr};", sym.cname);
        return Ok(());
    };
    if g.props.linkage == Linkage::Appending {
        return Err("appending linkage".into());
    }
    if let Some(targets) = relative_entries(init, &g.name) {
        return relative_table(cx, g, &targets, declarations, definitions);
    }
    // A table of block addresses: its labels as placeholder symbols of the image.
    let local_fn = cx.local_globals.get(&g.name).cloned();
    let mut labels = HashMap::new();
    let image = match (&local_fn, cx.images.get(&g.name)) {
        (Some(_), _) => {
            let init = with_label_symbols(init, &mut labels);
            Cow::Owned(cx.layout.constant_image(&init)?)
        }
        (None, Some(image)) => Cow::Borrowed(image),
        (None, None) => Cow::Owned(cx.layout.constant_image(init)?),
    };
    let align = if g.props.align > 0 { g.props.align } else { cx.layout.align_of(&g.ty)? };
    let (storage, label) = match local_fn {
        Some(_) => ("static ".to_string(), String::new()),
        None => linkage(g.props.linkage, &g.name),
    };
    let constness = if g.is_constant { "const " } else { "" };
    let mut attrs = format!(" __attribute__((aligned({align})))");
    if storage.starts_with("static") {
        // `used`: a relative table may refer to it from assembly, which gcc does not read.
        let used = if cx.relative_targets.contains(&g.name) { "used" } else { "unused" };
        attrs.push_str(&format!(" __attribute__(({used}))"));
    }
    attrs.push_str(visibility(g.props.visibility));
    attrs.push_str(tls_attr);
    if let Some(section) = &g.props.section {
        attrs.push_str(&format!(" __attribute__((section(\"{}\")))", section.escape_default()));
    }
    let size = image.bytes.len();
    let zero = image.relocs.is_empty() && image.bytes.iter().all(|&b| b == 0);
    let (ty, suffix, value) = if image.relocs.is_empty() {
        let value = if zero { "{0}".to_string() } else { bytes_literal(&image.bytes) };
        ("uint8_t".to_string(), format!("[{}]", size.max(1)), value)
    } else {
        let ty = format!("opm_g{}", cx.types.defs.len());
        let (fields, values) = segments(cx, &image, &labels)?;
        cx.types.defs.push(format!("typedef struct __attribute__((packed)) {{{fields} }} {ty};"));
        (ty, String::new(), format!("{{{values} }}"))
    };
    let decl = format!("{storage}{tls}{constness}{ty} {}{suffix}", sym.cname);
    if let Some(f) = local_fn {
        let def = format!("{decl}{attrs} = {value};");
        cx.local_statics.entry(f).or_default().push(def);
        return Ok(());
    }
    cx.global_ctypes.insert(g.name.clone(), (format!("{constness}{ty}"), suffix));
    let _ = writeln!(declarations, "{}{label}{attrs};", extern_decl(&storage, &decl));
    let _ = writeln!(definitions, "{decl}{attrs} = {value};");
    Ok(())
}

/// The prefix of the placeholder symbols standing for block addresses in an image (no
/// LLVM name of a module starts with a NUL).
const LABEL_SYMBOL: &str = "\0opm.label.";

/// `init` with every `blockaddress` replaced by a placeholder symbol, recorded in `labels`
/// with the C expression of the label's address.
fn with_label_symbols(init: &Constant, labels: &mut HashMap<String, String>) -> Constant {
    let mut map = |c: &Constant| with_label_symbols(c, labels);
    match init {
        Constant::BlockAddress { block, .. } => {
            let name = format!("{LABEL_SYMBOL}{}", block.index());
            labels.insert(name.clone(), format!("((opm_ptr)&&bb{})", block.index()));
            Constant::Global(name)
        }
        Constant::Array { elem, elems } => {
            Constant::Array { elem: elem.clone(), elems: elems.iter().map(&mut map).collect() }
        }
        Constant::Vector(elems) => Constant::Vector(elems.iter().map(&mut map).collect()),
        Constant::Struct { ty, fields } => {
            Constant::Struct { ty: ty.clone(), fields: fields.iter().map(&mut map).collect() }
        }
        Constant::Expr(e) => Constant::Expr(Box::new(match &**e {
            ConstExpr::Cast { op, val, to } => {
                ConstExpr::Cast { op: *op, val: map(val), to: to.clone() }
            }
            ConstExpr::Bin { op, flags, lhs, rhs } => {
                ConstExpr::Bin { op: *op, flags: *flags, lhs: map(lhs), rhs: map(rhs) }
            }
            ConstExpr::Gep { source_ty, flags, base, indices } => ConstExpr::Gep {
                source_ty: source_ty.clone(),
                flags: *flags,
                base: map(base),
                indices: indices.iter().map(&mut map).collect(),
            },
        })),
        other => other.clone(),
    }
}

/// Whether `c` mentions the symbol `name`.
fn mentions(c: &Constant, name: &str) -> bool {
    let mut found = false;
    c.walk(&mut |c| found |= matches!(c, Constant::Global(n) if n == name));
    found
}

/// The functions some block address of which is taken in the module (in code or data).
fn labels_taken(module: &Module) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut visit = |c: &Constant| {
        c.walk(&mut |c| {
            if let Constant::BlockAddress { function, .. } = c {
                out.insert(function.clone());
            }
        })
    };
    for g in &module.globals {
        if let Some(init) = &g.init {
            visit(init);
        }
    }
    for inst in module.functions.iter().flat_map(|f| &f.blocks).flat_map(|b| &b.insts) {
        for op in inst.op.operands() {
            if let opm_ir::Operand::Const(c) = op {
                visit(c);
            }
        }
    }
    out
}

/// The globals holding block addresses (clang's `static void *labels[] = {&&a, &&b}` of a
/// computed goto), each with the one function it can be emitted in: GNU C takes `&&label`
/// only inside the label's function, so such a global becomes a `static` of that function.
/// That is exact when the global is local to the module, holds block addresses of that
/// function only, and only that function refers to it; anything else is refused.
fn local_globals(module: &Module) -> Result<HashMap<String, String>, GccError> {
    let mut out = HashMap::new();
    for g in &module.globals {
        let Some(init) = &g.init else { continue };
        let mut fns = BTreeSet::new();
        init.walk(&mut |c| {
            if let Constant::BlockAddress { function, .. } = c {
                fns.insert(function.clone());
            }
        });
        let Some(f) = fns.first().cloned() else { continue };
        let refuse = |why: String| GccError::Unsupported {
            construct: format!(
                "the global @{}, which holds block addresses, {why} (GNU C takes a label's \
                 address only inside its function)",
                g.name
            ),
            site: Site::initializer(&g.name),
        };
        if fns.len() > 1 {
            return Err(refuse("of several functions".into()));
        }
        if !matches!(g.props.linkage, Linkage::Internal | Linkage::Private) {
            return Err(refuse("visible outside the module".into()));
        }
        if g.thread_local.is_some() {
            return Err(refuse("thread-local".into()));
        }
        if module.function(&f).is_none_or(declared_only) {
            return Err(refuse(format!("of @{f}, which the module does not define")));
        }
        let in_data = module
            .globals
            .iter()
            .filter_map(|o| o.init.as_ref())
            .chain(module.aliases.iter().map(|a| &a.aliasee))
            .any(|c| mentions(c, &g.name));
        let users = module.functions.iter().filter(|u| {
            u.blocks.iter().flat_map(|b| &b.insts).any(|inst| {
                inst.op.operands().into_iter().any(|op| match op {
                    opm_ir::Operand::Const(c) => mentions(c, &g.name),
                    opm_ir::Operand::Value(_) => false,
                })
            })
        });
        if in_data || users.clone().any(|u| u.name != f) {
            return Err(refuse(format!("used outside @{f}")));
        }
        out.insert(g.name.clone(), f);
    }
    Ok(out)
}

/// The targets (symbol, addend) of a relative lookup table, if `init` is one for `table`
/// (see [`Constant::relative_table_targets`]).
fn relative_entries(init: &Constant, table: &str) -> Option<Vec<(String, i64)>> {
    init.relative_table_targets(table)?
        .into_iter()
        .map(|target| match target {
            Constant::Global(name) => Some((name.clone(), 0)),
            _ => None,
        })
        .collect()
}

/// A relative lookup table: C has no 32-bit difference of two addresses in an initializer,
/// so the table is defined in file-scope assembly (`.long target - table`, which the
/// assembler and linker resolve) and declared to C as an array of bytes.
fn relative_table(
    cx: &mut ModuleCx<'_>,
    g: &Global,
    targets: &[(String, i64)],
    declarations: &mut String,
    definitions: &mut String,
) -> Result<(), String> {
    let sym = cx.symbols[&g.name].clone();
    let local = matches!(g.props.linkage, Linkage::Internal | Linkage::Private);
    let label = if local { sym.cname.clone() } else { g.name.clone() };
    let _ = writeln!(declarations, "extern const uint8_t {}[] __asm__(\"{label}\");", sym.cname);
    let align = if g.props.align > 0 { g.props.align } else { 4 };
    let mut asm = String::new();
    if !local {
        let _ = write!(asm, "\\t.globl {label}\\n");
    }
    let _ = write!(asm, "\\t.section .rodata\\n\\t.balign {align}\\n{label}:\\n");
    for (target, addend) in targets {
        let t = cx.asm_name(target)?;
        let _ = write!(asm, "\\t.long {t} + {addend} - {label}\\n");
    }
    asm.push_str("\\t.previous\\n");
    let _ = writeln!(definitions, "__asm__(\"{asm}\");");
    Ok(())
}

/// A forward declaration of a definition: `extern` for an exported symbol (a static one is a
/// tentative definition already).
fn extern_decl(storage: &str, decl: &str) -> String {
    if storage.is_empty() { format!("extern {decl}") } else { decl.to_string() }
}

/// The fields and initial values of a packed structure that lays out `image`: byte runs and
/// pointer slots.
fn segments(
    cx: &ModuleCx<'_>,
    image: &ConstImage,
    labels: &HashMap<String, String>,
) -> Result<(String, String), String> {
    let mut relocs = image.relocs.clone();
    relocs.sort_by_key(|r| r.offset);
    let (mut fields, mut values) = (String::new(), Vec::new());
    let mut at = 0usize;
    for (i, r) in relocs.iter().enumerate() {
        let offset = usize::try_from(r.offset).map_err(|_| "a relocation offset")?;
        if offset > at {
            let _ = write!(fields, " uint8_t b{i}[{}];", offset - at);
            values.push(bytes_literal(&image.bytes[at..offset]));
        }
        let target = match labels.get(&r.symbol) {
            Some(label) => label.clone(),
            None => {
                if cx.module.global(&r.symbol).is_some_and(|g| g.thread_local.is_some())
                    || cx.module.alias(&r.symbol).is_some_and(|a| a.thread_local.is_some())
                {
                    return Err(format!(
                        "the address of the thread-local @{} in an initializer",
                        r.symbol
                    ));
                }
                let sym = cx.symbols.get(&r.symbol);
                sym.ok_or(format!("a reference to the unknown @{}", r.symbol))?.addr.clone()
            }
        };
        let _ = write!(fields, " opm_ptr r{i};");
        let inner = cx.symbols.get(&r.symbol).and_then(|s| member_address(cx, s, r));
        values.push(match inner {
            Some(member) => member,
            None if r.addend == 0 => target,
            None => format!("{target} + {}", r.addend),
        });
        at = offset + 8;
    }
    if at < image.bytes.len() {
        let _ = write!(fields, " uint8_t tail[{}];", image.bytes.len() - at);
        values.push(bytes_literal(&image.bytes[at..]));
    }
    Ok((fields, values.join(", ")))
}

/// The address `r` points to inside the global it names, as the address of one of that
/// global's C members or of a byte of one (`&g3_table.r1`, `&g3_table.b0[24]`,
/// `&g5_name[7]`), when it points at a nonzero offset to a pointer slot or into a run of
/// bytes; `None` otherwise (it is then that global's address plus the addend). gcc 12
/// crashes (in `forwprop`) folding a load from a constant initializer whose pointer is a
/// cast address plus an offset, `((uint8_t *)&g) + 24`, when `g` was declared before it was
/// defined, as here every global is; an array member's element is another tree, which it
/// folds.
fn member_address(cx: &ModuleCx<'_>, sym: &Symbol, r: &opm_ir::layout::Reloc) -> Option<String> {
    let image = cx.images.get(&r.symbol)?;
    let size = image.bytes.len() as u64;
    let off = u64::try_from(r.addend).ok().filter(|&o| o > 0 && o <= size)?;
    let name = &sym.cname;
    if image.relocs.is_empty() {
        // `uint8_t name[size]`.
        return Some(format!("((opm_ptr)&{name}[{off}])"));
    }
    // The members as `segments` lays them out: `b{i}` before the slot `r{i}`, `tail` after
    // the last.
    let mut at = 0;
    for (i, slot) in image.relocs.iter().map(|r| r.offset).enumerate() {
        if off >= at && off < slot {
            return Some(format!("((opm_ptr)&{name}.b{i}[{}])", off - at));
        }
        if off == slot {
            return Some(format!("((opm_ptr)&{name}.r{i})"));
        }
        at = slot + 8;
    }
    (off >= at && at < size).then(|| format!("((opm_ptr)&{name}.tail[{}])", off - at))
}

/// A string literal with exactly `bytes` (a char array of that size takes it without its
/// terminating NUL).
fn bytes_literal(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2 + 2);
    s.push('"');
    let mut last_octal = false;
    for &b in bytes {
        match b {
            b'"' | b'\\' => {
                s.push('\\');
                s.push(b as char);
                last_octal = false;
            }
            b' '..=b'~' if !(last_octal && b.is_ascii_digit()) && b != b'?' => {
                s.push(b as char);
                last_octal = false;
            }
            _ => {
                let _ = write!(s, "\\{b:03o}");
                last_octal = true;
            }
        }
    }
    s.push('"');
    s
}

/// The C type of parameter `i` of a function with type `ty` and attributes `attrs`: the
/// value's type, but signed where LLVM says `signext` (so that gcc extends it as the ABI
/// caller must), and a structure passed on the stack for `byval`.
pub(crate) fn param_c(
    cx: &mut ModuleCx<'_>,
    ty: &FunctionType,
    attrs: &Attrs,
    i: usize,
) -> Result<String, String> {
    let pa = attrs.param(i);
    if let Some(t) = type_attr(pa, "byval") {
        let size = cx.layout.size_of(t)?;
        let align = param_align(pa).unwrap_or(cx.layout.align_of(t)?).max(8);
        return Ok(cx.byval(size, align));
    }
    for bad in ["inalloca", "preallocated", "byref", "nest", "swiftself", "swifterror"] {
        if pa.iter().any(|a| a.name() == bad) {
            return Err(format!("the parameter attribute `{bad}`"));
        }
    }
    extended(cx, &ty.params[i], pa)
}

/// The C return type of a function with type `ty` and attributes `attrs`.
pub(crate) fn ret_c(
    cx: &mut ModuleCx<'_>,
    ty: &FunctionType,
    attrs: &Attrs,
) -> Result<String, String> {
    extended(cx, &ty.ret, &attrs.ret)
}

fn extended(cx: &mut ModuleCx<'_>, ty: &Type, attrs: &[Attribute]) -> Result<String, String> {
    if let Type::Int(n) = ty
        && attrs.iter().any(|a| a.name() == "signext")
    {
        return Ok(types::signed_c(types::container_bits(*n)).into());
    }
    cx.types.c(ty)
}

/// The type of a type attribute (`byval(T)`, `sret(T)`), if present.
pub(crate) fn type_attr<'a>(attrs: &'a [Attribute], name: &str) -> Option<&'a Type> {
    attrs.iter().find_map(|a| match a {
        Attribute::Type { name: n, ty } if n == name => Some(ty),
        _ => None,
    })
}

fn param_align(attrs: &[Attribute]) -> Option<u64> {
    attrs.iter().find_map(|a| match a {
        Attribute::Enum { name, value } if name == "align" => Some(*value),
        _ => None,
    })
}

impl ModuleCx<'_> {
    /// The assembler's name of a symbol: its C name when it is local to the file, its real
    /// name (the label) otherwise.
    fn asm_name(&self, name: &str) -> Result<String, String> {
        let sym = self.symbols.get(name).ok_or(format!("a reference to the unknown @{name}"))?;
        let linkage = self
            .module
            .global(name)
            .map(|g| g.props.linkage)
            .or_else(|| self.module.function(name).map(|f| f.props.linkage))
            .or_else(|| self.module.alias(name).map(|a| a.props.linkage))
            .unwrap_or_default();
        Ok(if matches!(linkage, Linkage::Internal | Linkage::Private) {
            sym.cname.clone()
        } else {
            name.to_string()
        })
    }

    /// The structure a `byval` argument of `size` bytes aligned to `align` travels in.
    pub(crate) fn byval(&mut self, size: u64, align: u64) -> String {
        let n = self.byvals.len();
        let (name, _) = self.byvals.entry((size, align)).or_insert_with(|| {
            let name = format!("opm_byval{n}");
            let def = format!(
                "typedef struct __attribute__((aligned({align}))) {{ uint8_t b[{}]; }} {name};",
                size.max(1)
            );
            (name, def)
        });
        name.clone()
    }
}

/// The declaration of the alias `a`: the C type of what it finally stands for, with gcc's
/// `alias` attribute naming its aliasee (a global, a function or another alias of the
/// module, which gcc resolves in turn). An aliasee that is a constant expression (an
/// address inside a global) has no C form and is refused.
fn alias(cx: &mut ModuleCx<'_>, a: &opm_ir::module::Alias) -> Result<String, String> {
    let Constant::Global(target) = &a.aliasee else {
        return Err(format!("the alias @{} of a constant expression", a.name));
    };
    // What the chain of aliases ends at.
    let mut end = target.clone();
    for _ in 0..=cx.module.aliases.len() {
        match cx.module.alias(&end).map(|next| &next.aliasee) {
            Some(Constant::Global(next)) => end = next.clone(),
            Some(_) => return Err(format!("the alias @{} of a constant expression", a.name)),
            None => break,
        }
    }
    if cx.module.alias(&end).is_some() {
        return Err(format!("the alias @{}, in a cycle of aliases", a.name));
    }
    let sym = cx.symbols[&a.name].clone();
    let target_asm = cx.asm_name(target)?;
    let (storage, label) = linkage(a.props.linkage, &a.name);
    let local = storage.starts_with("static");
    let unused = if local { " __attribute__((unused))" } else { "" };
    let attrs = format!(
        "{unused} __attribute__((alias(\"{}\"))){}",
        target_asm.escape_default(),
        visibility(a.props.visibility)
    );
    if let Some(f) = cx.module.function(&end) {
        if declared_only(f) {
            return Err(format!(
                "the alias @{} of @{end}, which the module does not define",
                a.name
            ));
        }
        if a.thread_local.is_some() {
            return Err(format!("the thread-local alias @{} of a function", a.name));
        }
        let ret = ret_c(cx, &f.ty, &f.attrs)?;
        let mut params = Vec::new();
        for i in 0..f.ty.params.len() {
            params.push(param_c(cx, &f.ty, &f.attrs, i)?);
        }
        if f.ty.varargs {
            params.push("...".into());
        }
        let params = if params.is_empty() { "void".into() } else { params.join(", ") };
        return Ok(format!("{storage}{ret} {}({params}){label}{attrs}", sym.cname));
    }
    let g = cx.module.global(&end).ok_or(format!("the alias @{} of the unknown @{end}", a.name))?;
    if cx.local_globals.contains_key(&end) {
        return Err(format!("the alias @{} of @{end}, a table of block addresses", a.name));
    }
    let Some((ty, suffix)) = cx.global_ctypes.get(&end).cloned() else {
        return Err(format!("the alias @{} of @{end}, which the module does not define", a.name));
    };
    if a.thread_local.is_some() != g.thread_local.is_some() {
        return Err(format!("the alias @{} of @{end}, one thread-local and not the other", a.name));
    }
    let (tls, tls_attr) = tls(a.thread_local);
    let storage = if local { storage } else { "extern ".to_string() };
    Ok(format!("{storage}{tls}{ty} {}{suffix}{label}{attrs}{tls_attr}", sym.cname))
}

/// Whether only a declaration of `f` is emitted: it has no body, or its body is an
/// `available_externally` copy of code defined elsewhere.
fn declared_only(f: &Function) -> bool {
    f.is_declaration() || f.props.linkage == Linkage::AvailableExternally
}

/// `RT name(P0, P1, ...)` with the symbol's linkage and label.
fn prototype(cx: &mut ModuleCx<'_>, f: &Function) -> Result<String, String> {
    let sym = cx.symbols[&f.name].clone();
    let ret = ret_c(cx, &f.ty, &f.attrs)?;
    let mut params = Vec::new();
    for i in 0..f.ty.params.len() {
        params.push(param_c(cx, &f.ty, &f.attrs, i)?);
    }
    // `RT f(...)` has no C11 prototype. Declared only (C++'s `__gxx_personality_v0(...)`,
    // which a function keeps as its personality after its landing pads are gone), it is
    // declared without one, `RT f()`, for its address; calls of it are refused
    // (`FnEmit::call`), as C would promote their arguments.
    let unprototyped = f.ty.varargs && params.is_empty();
    if unprototyped && !declared_only(f) {
        return Err("a variadic function without a named parameter".into());
    }
    if f.ty.varargs && !unprototyped {
        params.push("...".into());
    }
    let params = match params.is_empty() {
        true if unprototyped => String::new(),
        true => "void".into(),
        false => params.join(", "),
    };
    let (storage, label) = linkage(f.props.linkage, &f.name);
    let storage = if declared_only(f) { "extern ".into() } else { storage };
    let unused = if storage.starts_with("static") { " __attribute__((unused))" } else { "" };
    // Its labels' addresses are constants of the function: one copy of its code. A function
    // marked `noinline` (the source's `__attribute__((noinline))`, which LLVM's inliner
    // honours) is not inlined by gcc either: gcc would inline a static function called once.
    let mut once = if declared_only(f) || !out_of_line(cx, f) {
        ""
    } else if cx.labels_taken.contains(&f.name) {
        " __attribute__((noinline, noclone))"
    } else {
        " __attribute__((noinline))"
    }
    .to_string();
    // gcc knows `setjmp` and its kin by their C names, which the emitted C does not use: a
    // function that returns twice must say so, or gcc may keep a value its caller reads after
    // the second return where the code between the two returns overwrote it.
    if f.attrs.func_has("returns_twice") {
        once.push_str(" __attribute__((returns_twice))");
    }
    // What the function attributes tell LLVM's code generator about the code around a call
    // (Rust's panics are `cold` and `noreturn`), gcc learns from its own attributes. A
    // `noreturn` function with a `ret` (which it never reaches) goes without: gcc would warn.
    let returns = || {
        let ret = |t: &opm_ir::Inst| matches!(t.op, opm_ir::inst::Op::Ret { .. });
        f.blocks.iter().any(|b| b.terminator().is_some_and(ret))
    };
    for (attr, c) in HINTS {
        if f.attrs.func_has(attr) && !(*attr == "noreturn" && returns()) {
            once.push_str(c);
        }
    }
    Ok(format!(
        "{storage}{ret} {}({params}){label}{unused}{once}{}",
        sym.cname,
        visibility(f.props.visibility)
    ))
}

/// Whether gcc must keep `f` out of line: it is marked `noinline`, or its labels' addresses
/// are taken (one copy of its code).
fn out_of_line(cx: &ModuleCx<'_>, f: &Function) -> bool {
    f.attrs.func_has("noinline") || cx.labels_taken.contains(&f.name)
}

/// LLVM's function attributes that are hints to the code generator, and gcc's for them.
const HINTS: &[(&str, &str)] = &[
    ("cold", " __attribute__((cold))"),
    ("hot", " __attribute__((hot))"),
    ("noreturn", " __attribute__((noreturn))"),
];

/// The head of `f`'s definition: `RT name(P0 v1, P1 v2, ...)`, declared `inline` when LLVM's
/// inliner would favour it (the source's `inline`, Rust's `#[inline]`): gcc inlines larger
/// functions declared `inline` than others. Its prototype, written before without `inline`,
/// makes a definition of external linkage an external definition in C99's terms.
fn definition_head(cx: &mut ModuleCx<'_>, f: &Function) -> Result<String, String> {
    let sym = cx.symbols[&f.name].clone();
    let ret = ret_c(cx, &f.ty, &f.attrs)?;
    let mut params = Vec::new();
    for (i, p) in f.params.iter().enumerate() {
        // LLVM's `noalias` on a parameter is C99's `restrict` (C's `restrict`, Rust's references).
        let restrict = f.ty.params[i] == Type::Ptr
            && f.attrs.param_has(i, "noalias")
            && type_attr(f.attrs.param(i), "byval").is_none();
        let restrict = if restrict { " restrict" } else { "" };
        params.push(format!("{}{restrict} a{}", param_c(cx, &f.ty, &f.attrs, i)?, p.value.0));
    }
    if f.ty.varargs {
        params.push("...".into());
    }
    let params = if params.is_empty() { "void".into() } else { params.join(", ") };
    let (storage, _) = linkage(f.props.linkage, &f.name);
    let hinted = ["inlinehint", "alwaysinline"].iter().any(|a| f.attrs.func_has(a));
    let inline = if hinted && !out_of_line(cx, f) { "inline " } else { "" };
    Ok(format!("{storage}{inline}{ret} {}({params})", sym.cname))
}
