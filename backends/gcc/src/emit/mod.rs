//! The canonical IR as C11 with GNU extensions, for gcc.
//!
//! Every symbol gets a C name of its own (`f3_main`, `g7_x_y`) and keeps its real name as an
//! assembler label (`__asm__("main")`), so LLVM's names need not be C identifiers and no
//! declaration clashes with gcc's built-in functions. A global's initializer is its exact
//! memory image from the data layout: bytes, with pointer-sized slots for relocations, in a
//! packed structure. Functions are emitted by `function`; C types by `types`.
//!
//! The file is laid out in the order C needs: the prelude, the types, every global and
//! function declared, then the globals' initializers and the functions' bodies.

mod function;
mod intrinsics;
mod ops;
mod types;

use crate::error::GccError;
use opm_backend::Site;
use opm_ir::layout::{ConstImage, DataLayout};
use opm_ir::{
    Attribute, Attrs, Constant, Function, FunctionType, Global, Linkage, Module, Type, Visibility,
};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use types::CTypes;

/// Definitions every emitted file starts with.
const PRELUDE: &str = r#"/* Emitted by opm from LLVM IR: compile with -fno-strict-aliasing -ffp-contract=off. */
#include <stdint.h>
/* LLVM IR may read memory it has not written (an undefined value it then masks, as a
   bit-field update does): not a bug of this C, so not a warning. */
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
typedef uint8_t *opm_ptr;
typedef unsigned __int128 opm_u128;
typedef __int128 opm_i128;
#define OPM_INLINE static inline __attribute__((always_inline, unused))
OPM_INLINE float opm_f32(uint32_t b) { float f; __builtin_memcpy(&f, &b, 4); return f; }
OPM_INLINE double opm_f64(uint64_t b) { double d; __builtin_memcpy(&d, &b, 8); return d; }
OPM_INLINE uint32_t opm_f32_bits(float f) { uint32_t b; __builtin_memcpy(&b, &f, 4); return b; }
OPM_INLINE uint64_t opm_f64_bits(double d) { uint64_t b; __builtin_memcpy(&b, &d, 8); return b; }
"#;

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
}

/// Emits `module` as one C file.
pub fn emit_module(module: &Module) -> Result<String, GccError> {
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
    };
    let functions: Vec<&Function> =
        module.functions.iter().filter(|f| !f.name.starts_with("llvm.")).collect();
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

    let mut declarations = String::new();
    let mut definitions = String::new();
    for g in &module.globals {
        global(&mut cx, g, &mut declarations, &mut definitions).map_err(|construct| {
            GccError::Unsupported { construct, site: Site::initializer(&g.name) }
        })?;
    }
    for f in &functions {
        let proto = prototype(&mut cx, f).map_err(|construct| GccError::Unsupported {
            construct,
            site: Site::function(&f.name),
        })?;
        let _ = writeln!(declarations, "{proto};");
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

/// Declares the global `g` and, when the module defines it, writes its initializer.
fn global(
    cx: &mut ModuleCx<'_>,
    g: &Global,
    declarations: &mut String,
    definitions: &mut String,
) -> Result<(), String> {
    let sym = cx.symbols[&g.name].clone();
    let tls = if g.thread_local.is_some() { "__thread " } else { "" };
    let init = g.init.as_ref().filter(|_| g.props.linkage != Linkage::AvailableExternally);
    let Some(init) = init else {
        let (_, label) = linkage(g.props.linkage, &g.name);
        let _ = writeln!(declarations, "extern {tls}uint8_t {}[]{label};", sym.cname);
        return Ok(());
    };
    if g.props.linkage == Linkage::Appending {
        return Err("appending linkage".into());
    }
    if let Some(targets) = relative_entries(init, &g.name) {
        return relative_table(cx, g, &targets, declarations, definitions);
    }
    let image = cx.layout.constant_image(init)?;
    let align = if g.props.align > 0 { g.props.align } else { cx.layout.align_of(&g.ty)? };
    let (storage, label) = linkage(g.props.linkage, &g.name);
    let constness = if g.is_constant { "const " } else { "" };
    let mut attrs = format!(" __attribute__((aligned({align})))");
    if storage.starts_with("static") {
        // `used`: a relative table may refer to it from assembly, which gcc does not read.
        let used = if cx.relative_targets.contains(&g.name) { "used" } else { "unused" };
        attrs.push_str(&format!(" __attribute__(({used}))"));
    }
    attrs.push_str(visibility(g.props.visibility));
    if let Some(section) = &g.props.section {
        attrs.push_str(&format!(" __attribute__((section(\"{}\")))", section.escape_default()));
    }
    let size = image.bytes.len();
    let zero = image.relocs.is_empty() && image.bytes.iter().all(|&b| b == 0);
    if image.relocs.is_empty() {
        let decl = format!("{storage}{tls}{constness}uint8_t {}[{}]", sym.cname, size.max(1));
        let _ = writeln!(declarations, "{}{label}{attrs};", extern_decl(&storage, &decl));
        if zero {
            let _ = writeln!(definitions, "{decl}{attrs} = {{0}};");
        } else {
            let _ = writeln!(definitions, "{decl}{attrs} = {};", bytes_literal(&image.bytes));
        }
        return Ok(());
    }
    let ty = format!("opm_g{}", cx.types.defs.len());
    let (fields, values) = segments(cx, &image)?;
    cx.types.defs.push(format!("typedef struct __attribute__((packed)) {{{fields} }} {ty};"));
    let decl = format!("{storage}{tls}{constness}{ty} {}", sym.cname);
    let _ = writeln!(declarations, "{}{label}{attrs};", extern_decl(&storage, &decl));
    let _ = writeln!(definitions, "{decl}{attrs} = {{{values} }};");
    Ok(())
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
fn segments(cx: &ModuleCx<'_>, image: &ConstImage) -> Result<(String, String), String> {
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
        let target =
            cx.symbols.get(&r.symbol).ok_or(format!("a reference to the unknown @{}", r.symbol))?;
        let _ = write!(fields, " opm_ptr r{i};");
        values.push(if r.addend == 0 {
            target.addr.clone()
        } else {
            format!("{} + {}", target.addr, r.addend)
        });
        at = offset + 8;
    }
    if at < image.bytes.len() {
        let _ = write!(fields, " uint8_t tail[{}];", image.bytes.len() - at);
        values.push(bytes_literal(&image.bytes[at..]));
    }
    Ok((fields, values.join(", ")))
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
    if f.ty.varargs {
        if params.is_empty() {
            return Err("a variadic function without a named parameter".into());
        }
        params.push("...".into());
    }
    let params = if params.is_empty() { "void".into() } else { params.join(", ") };
    let (storage, label) = linkage(f.props.linkage, &f.name);
    let storage = if declared_only(f) { "extern ".into() } else { storage };
    let unused = if storage.starts_with("static") { " __attribute__((unused))" } else { "" };
    Ok(format!(
        "{storage}{ret} {}({params}){label}{unused}{}",
        sym.cname,
        visibility(f.props.visibility)
    ))
}

/// The head of `f`'s definition: `RT name(P0 v1, P1 v2, ...)`.
fn definition_head(cx: &mut ModuleCx<'_>, f: &Function) -> Result<String, String> {
    let sym = cx.symbols[&f.name].clone();
    let ret = ret_c(cx, &f.ty, &f.attrs)?;
    let mut params = Vec::new();
    for (i, p) in f.params.iter().enumerate() {
        params.push(format!("{} a{}", param_c(cx, &f.ty, &f.attrs, i)?, p.value.0));
    }
    if f.ty.varargs {
        params.push("...".into());
    }
    let params = if params.is_empty() { "void".into() } else { params.join(", ") };
    let (storage, _) = linkage(f.props.linkage, &f.name);
    Ok(format!("{storage}{ret} {}({params})", sym.cname))
}
