//! The printer: canonical IR to LLVM 22 textual IR. It never panics, even on invalid IR
//! (the verifier uses it to quote the instructions it reports).
//!
//! A module prints in LLVM's order: the header, the named structure types, the globals, the
//! functions, the module flags. Attributes are written inline (no `#N` groups), so every
//! line reads on its own. The submodules hold one concern each: `local_names` (how values
//! and blocks are spelled), `struct_defs` (which named types to define), `constant` and
//! `float` (constants, bit-exact), `attrs` (attributes, decoded from LLVM's integer
//! encodings) and `inst` (one instruction per line).

mod attrs;
mod constant;
mod float;
mod inst;
mod local_names;
mod struct_defs;

#[cfg(test)]
mod tests;

use crate::inst::Inst;
use crate::module::{
    Alias, Function, Global, Linkage, Module, ModuleFlag, SymbolProps, TlsModel, UnnamedAddr,
    Visibility,
};
use crate::names::{quote_bytes, quote_if_needed};
use crate::types::write_struct_body;
use crate::value::Constant;
use std::fmt::Write;

pub use constant::BlockLabels;
pub use local_names::LocalNames;

/// Printing options.
#[derive(Clone, Copy, Debug, Default)]
pub struct PrintOptions {
    /// Ignore source names of local values and blocks: number everything (for hashing).
    pub anonymous_locals: bool,
}

/// `module` as LLVM 22 text that `opt -passes=verify` accepts (when the module is valid).
pub fn print_module(module: &Module, opts: PrintOptions) -> String {
    let mut out = String::new();
    write_header(&mut out, module);
    let comdats = module.comdats();
    if !comdats.is_empty() {
        section_break(&mut out);
        for c in comdats {
            let _ =
                writeln!(out, "${} = comdat {}", quote_if_needed(&c.name), c.selection.keyword());
        }
    }
    write_struct_definitions(&mut out, module);
    let labels = block_address_labels(module, opts);
    if !module.globals.is_empty() {
        section_break(&mut out);
        for g in &module.globals {
            out.push_str(&global_text(g, &labels));
            out.push('\n');
        }
    }
    if !module.aliases.is_empty() {
        section_break(&mut out);
        for a in &module.aliases {
            out.push_str(&alias_text(a, &labels));
            out.push('\n');
        }
    }
    for f in &module.functions {
        section_break(&mut out);
        out.push_str(&function_text(f, LocalNames::new(f, opts).with_block_labels(&labels)));
    }
    write_module_flags(&mut out, &module.flags);
    out
}

/// The block labels of every function some `blockaddress` constant of the module names.
fn block_address_labels(module: &Module, opts: PrintOptions) -> BlockLabels {
    let mut wanted: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut visit = |c: &Constant| {
        c.walk(&mut |c| {
            if let Constant::BlockAddress { function, .. } = c {
                wanted.insert(function.clone());
            }
        })
    };
    let globals = module.globals.iter().filter_map(|g| g.init.as_ref());
    let operands = module
        .functions
        .iter()
        .flat_map(|f| &f.blocks)
        .flat_map(|b| &b.insts)
        .flat_map(|i| i.op.operands())
        .filter_map(|o| o.as_const());
    for c in globals.chain(operands) {
        visit(c);
    }
    let mut labels = BlockLabels::default();
    for name in wanted {
        if let Some(f) = module.function(&name) {
            labels.insert(name, LocalNames::new(f, opts).labels().to_vec());
        }
    }
    labels
}

/// One function (`define …{ … }` or `declare …`), as in [`print_module`].
pub fn print_function(func: &Function, opts: PrintOptions) -> String {
    function_text(func, LocalNames::new(func, opts))
}

fn function_text(func: &Function, names: LocalNames) -> String {
    let names = &names;
    let mut out = function_header(func, names);
    if func.is_declaration() {
        out.push('\n');
        return out;
    }
    out.push_str(" {\n");
    for (i, block) in func.blocks.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "{}:", names.label(crate::value::BlockId(i as u32)));
        for inst in &block.insts {
            out.push_str("  ");
            out.push_str(&inst::inst_text(names, inst, inst::Layout::File));
            out.push('\n');
        }
    }
    out.push_str("}\n");
    out
}

/// One instruction as its line in the printed function, without indentation. Always one
/// line: a `switch` lists its cases on the same line here, where [`print_function`] puts one
/// case per line as LLVM does.
pub fn instruction_text(names: &LocalNames, inst: &Inst) -> String {
    inst::inst_text(names, inst, inst::Layout::OneLine)
}

/// A blank line between the parts of a module (not before the first).
fn section_break(out: &mut String) {
    if !out.is_empty() {
        out.push('\n');
    }
}

/// `; ModuleID`, `source_filename`, `target datalayout`, `target triple`; empty ones are left
/// out.
fn write_header(out: &mut String, module: &Module) {
    if !module.name.is_empty() {
        // A comment: LLVM writes the name between single quotes without escaping; a line
        // break in the name would end the comment, so those are escaped.
        let name = module.name.replace('\n', "\\0A").replace('\r', "\\0D");
        let _ = writeln!(out, "; ModuleID = '{name}'");
    }
    if !module.source_filename.is_empty() {
        let _ =
            writeln!(out, "source_filename = {}", quote_bytes(module.source_filename.as_bytes()));
    }
    if !module.data_layout.is_empty() {
        let _ = writeln!(out, "target datalayout = {}", quote_bytes(module.data_layout.as_bytes()));
    }
    if !module.target_triple.is_empty() {
        let _ = writeln!(out, "target triple = {}", quote_bytes(module.target_triple.as_bytes()));
    }
}

/// `%struct.P = type { i32, ptr }` for every named structure the module uses.
fn write_struct_definitions(out: &mut String, module: &Module) {
    let defs = struct_defs::named_structs(module);
    if defs.is_empty() {
        return;
    }
    section_break(out);
    for s in defs {
        let name = s.name.as_deref().unwrap_or_default();
        let _ = write!(out, "%{} = type ", quote_if_needed(name));
        let _ = write_struct_body(out, &s);
        out.push('\n');
    }
}

/// `@g = [linkage] [dso_local] [visibility] [thread_local(..)] [unnamed_addr]
/// [externally_initialized] global|constant <ty> [<init>][, section ".."][, align N]`.
fn global_text(g: &Global, labels: &BlockLabels) -> String {
    let mut out = format!("@{} = ", quote_if_needed(&g.name));
    if g.init.is_none() && g.props.linkage == Linkage::External {
        out.push_str("external ");
    }
    write_symbol_prefix(&mut out, &g.props);
    if let Some(model) = g.thread_local {
        out.push_str(tls_keyword(model));
        out.push(' ');
    }
    write_unnamed_addr(&mut out, g.props.unnamed_addr);
    if g.externally_initialized {
        out.push_str("externally_initialized ");
    }
    out.push_str(if g.is_constant { "constant " } else { "global " });
    let _ = write!(out, "{}", g.ty);
    if let Some(init) = &g.init {
        out.push(' ');
        out.push_str(&constant::constant_text(init, labels));
    }
    if let Some(section) = &g.props.section {
        let _ = write!(out, ", section {}", quote_bytes(section.as_bytes()));
    }
    write_comdat(&mut out, &g.name, &g.props, ", ");
    if g.props.align != 0 {
        let _ = write!(out, ", align {}", g.props.align);
    }
    out
}

/// `, comdat` (a comdat of the symbol's own name) or `, comdat($other)`, after `sep`.
fn write_comdat(out: &mut String, symbol: &str, props: &SymbolProps, sep: &str) {
    if let Some(c) = &props.comdat {
        out.push_str(sep);
        out.push_str("comdat");
        if c.name != symbol {
            let _ = write!(out, "(${})", quote_if_needed(&c.name));
        }
    }
}

/// `@a = [linkage] [dso_local] [visibility] [thread_local(..)] [unnamed_addr] alias <ty>,
/// <aliasee>`.
fn alias_text(a: &Alias, labels: &BlockLabels) -> String {
    let mut out = format!("@{} = ", quote_if_needed(&a.name));
    write_symbol_prefix(&mut out, &a.props);
    if let Some(model) = a.thread_local {
        out.push_str(tls_keyword(model));
        out.push(' ');
    }
    write_unnamed_addr(&mut out, a.props.unnamed_addr);
    let _ = write!(out, "alias {}, {}", a.ty, constant::typed_constant(&a.aliasee, labels));
    out
}

/// `define`/`declare` up to (not including) the body.
fn function_header(f: &Function, names: &LocalNames) -> String {
    let mut out = String::from(if f.is_declaration() { "declare " } else { "define " });
    write_symbol_prefix(&mut out, &f.props);
    if f.cconv.0 != 0 {
        out.push_str(&inst::cconv_keyword(f.cconv));
        out.push(' ');
    }
    let ret_attrs = attrs::attr_list(&f.attrs.ret);
    if !ret_attrs.is_empty() {
        out.push_str(&ret_attrs);
        out.push(' ');
    }
    let _ = write!(out, "{} @{}(", f.ty.ret, quote_if_needed(&f.name));
    for (i, ty) in f.ty.params.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{ty}");
        let param_attrs = attrs::attr_list(f.attrs.param(i));
        if !param_attrs.is_empty() {
            out.push(' ');
            out.push_str(&param_attrs);
        }
        // Declarations print types only, as LLVM does.
        if !f.is_declaration() {
            let name = f
                .params
                .get(i)
                .map_or_else(|| "%<missing parameter>".to_string(), |p| names.value(p.value));
            out.push(' ');
            out.push_str(&name);
        }
    }
    if f.ty.varargs {
        out.push_str(if f.ty.params.is_empty() { "..." } else { ", ..." });
    }
    out.push(')');
    match f.props.unnamed_addr {
        UnnamedAddr::None => {}
        UnnamedAddr::Local => out.push_str(" local_unnamed_addr"),
        UnnamedAddr::Global => out.push_str(" unnamed_addr"),
    }
    let fn_attrs = attrs::attr_list(&f.attrs.func);
    if !fn_attrs.is_empty() {
        out.push(' ');
        out.push_str(&fn_attrs);
    }
    if let Some(section) = &f.props.section {
        let _ = write!(out, " section {}", quote_bytes(section.as_bytes()));
    }
    write_comdat(&mut out, &f.name, &f.props, " ");
    if f.props.align != 0 {
        let _ = write!(out, " align {}", f.props.align);
    }
    if let Some(p) = &f.personality {
        let _ = write!(out, " personality {}", constant::typed_constant(p, names.block_labels()));
    }
    out
}

/// `[linkage] [dso_local] [visibility] `, each followed by a space. `dso_local` is left out
/// where LLVM implies it (local linkage, or a non-default visibility), as LLVM does.
fn write_symbol_prefix(out: &mut String, props: &SymbolProps) {
    let linkage = props.linkage.keyword();
    if !linkage.is_empty() {
        out.push_str(linkage);
        out.push(' ');
    }
    let local = matches!(props.linkage, Linkage::Internal | Linkage::Private);
    let implied =
        local || (props.visibility != Visibility::Default && props.linkage != Linkage::ExternWeak);
    if props.dso_local && !implied {
        out.push_str("dso_local ");
    }
    match props.visibility {
        Visibility::Default => {}
        Visibility::Hidden => out.push_str("hidden "),
        Visibility::Protected => out.push_str("protected "),
    }
}

fn write_unnamed_addr(out: &mut String, ua: UnnamedAddr) {
    match ua {
        UnnamedAddr::None => {}
        UnnamedAddr::Local => out.push_str("local_unnamed_addr "),
        UnnamedAddr::Global => out.push_str("unnamed_addr "),
    }
}

fn tls_keyword(model: TlsModel) -> &'static str {
    match model {
        TlsModel::GeneralDynamic => "thread_local",
        TlsModel::LocalDynamic => "thread_local(localdynamic)",
        TlsModel::InitialExec => "thread_local(initialexec)",
        TlsModel::LocalExec => "thread_local(localexec)",
    }
}

/// `!llvm.module.flags = !{!0, …}` and one `!N = !{i32 behavior, !"key", iN value}` each.
fn write_module_flags(out: &mut String, flags: &[ModuleFlag]) {
    if flags.is_empty() {
        return;
    }
    let refs: Vec<String> = (0..flags.len()).map(|i| format!("!{i}")).collect();
    section_break(out);
    let _ = writeln!(out, "!llvm.module.flags = !{{{}}}\n", refs.join(", "));
    for (i, flag) in flags.iter().enumerate() {
        let value = Constant::Int {
            bits: flag.bits,
            value: u128::from(flag.value) & crate::value::mask(flag.bits),
        };
        let _ = writeln!(
            out,
            "!{i} = !{{i32 {}, !{}, {}}}",
            flag.behavior as i32,
            quote_bytes(flag.key.as_bytes()),
            constant::typed_constant(&value, &BlockLabels::default())
        );
    }
}
