//! Preservation: what a transform must not change about a module, because other translation
//! units or the linker depend on it. Exported definitions stay (with their linkage exported
//! and their bodies), exported symbols keep their type, calling convention and ABI
//! attributes, and the target stays the same.
//!
//! Which exported symbols may disappear: declarations (dropping an unused import breaks
//! nothing: `globaldce` does it), `linkonce`/`linkonce_odr` definitions (every unit that uses
//! one has its own copy), `available_externally` ones (the real definition is elsewhere), and
//! `appending` arrays (`llvm.used`, `llvm.global_ctors`, which optimizations rewrite).
//! An exported symbol that is still there must keep its interface.

use crate::context::{function_violation, global_violation};
use crate::violation::{AttrPosition, SymbolKind, Violation, ViolationKind};
use opm_ir::attr::ABI_ATTRIBUTES;
use opm_ir::{Attribute, Function, Global, Linkage, Module};

/// Every difference between `before` and `after` that a transform must not make.
pub fn check_preservation(before: &Module, after: &Module) -> Vec<Violation> {
    let mut out = Vec::new();
    if before.target_triple != after.target_triple {
        let kind = ViolationKind::TargetTripleChanged {
            before: before.target_triple.clone(),
            after: after.target_triple.clone(),
        };
        out.push(global_violation(None, kind));
    }
    if before.data_layout != after.data_layout {
        let kind = ViolationKind::DataLayoutChanged {
            before: before.data_layout.clone(),
            after: after.data_layout.clone(),
        };
        out.push(global_violation(None, kind));
    }
    for f in before.functions.iter().filter(|f| f.props.linkage.is_exported()) {
        out.extend(check_function(f, after).into_iter().map(|k| function_violation(&f.name, k)));
    }
    for g in before.globals.iter().filter(|g| g.props.linkage.is_exported()) {
        out.extend(check_global(g, after).into_iter().map(|k| global_violation(Some(&g.name), k)));
    }
    out
}

/// Whether an exported symbol of this linkage must stay in the module.
fn must_stay(linkage: Linkage, is_definition: bool) -> bool {
    is_definition
        && matches!(linkage, Linkage::External | Linkage::Weak | Linkage::WeakOdr | Linkage::Common)
}

/// Whether an exported definition may become a declaration (its body lives elsewhere).
fn may_drop_body(linkage: Linkage) -> bool {
    linkage == Linkage::AvailableExternally
}

/// What happened to the symbol `name` of `kind` and linkage `linkage` (exported in `before`);
/// `None` when it is still there as the same kind of symbol.
fn presence(
    kind: SymbolKind,
    linkage: Linkage,
    is_definition: bool,
    now: Option<(SymbolKind, Linkage)>,
) -> Option<ViolationKind> {
    match now {
        None if must_stay(linkage, is_definition) => Some(ViolationKind::SymbolRemoved { kind }),
        None => None,
        Some((after, _)) if after != kind => {
            Some(ViolationKind::SymbolKindChanged { before: kind, after })
        }
        Some((_, now)) if must_stay(linkage, is_definition) && !now.is_exported() => {
            Some(ViolationKind::SymbolNoLongerExported { linkage: now })
        }
        Some(_) => None,
    }
}

/// The symbol `name` of `after`, as its kind and linkage.
fn lookup(after: &Module, name: &str) -> Option<(SymbolKind, Linkage)> {
    if let Some(f) = after.function(name) {
        return Some((SymbolKind::Function, f.props.linkage));
    }
    after.global(name).map(|g| (SymbolKind::Global, g.props.linkage))
}

fn check_function(f: &Function, after: &Module) -> Vec<ViolationKind> {
    let linkage = f.props.linkage;
    let is_definition = !f.is_declaration();
    let mut out = Vec::new();
    let now = lookup(after, &f.name);
    out.extend(presence(SymbolKind::Function, linkage, is_definition, now));
    let Some(g) = after.function(&f.name) else { return out };
    if is_definition && g.is_declaration() && !may_drop_body(linkage) {
        out.push(ViolationKind::DefinitionRemoved { kind: SymbolKind::Function });
    }
    if f.ty != g.ty {
        out.push(ViolationKind::FunctionTypeChanged { before: f.ty.clone(), after: g.ty.clone() });
    }
    if f.cconv != g.cconv {
        out.push(ViolationKind::CallingConventionChanged { before: f.cconv, after: g.cconv });
    }
    abi_changes(AttrPosition::Return, &f.attrs.ret, &g.attrs.ret, &mut out);
    let params = f.attrs.params.len().max(g.attrs.params.len());
    for i in 0..params {
        abi_changes(AttrPosition::Param(i), f.attrs.param(i), g.attrs.param(i), &mut out);
    }
    out
}

/// The ABI attributes that differ between `before` and `after` at one position.
fn abi_changes(
    position: AttrPosition,
    before: &[Attribute],
    after: &[Attribute],
    out: &mut Vec<ViolationKind>,
) {
    for name in ABI_ATTRIBUTES {
        let find = |attrs: &[Attribute]| attrs.iter().find(|a| a.name() == *name).cloned();
        let (b, a) = (find(before), find(after));
        if b != a {
            out.push(ViolationKind::AbiAttributeChanged {
                position,
                name: name.to_string(),
                before: b,
                after: a,
            });
        }
    }
}

fn check_global(g: &Global, after: &Module) -> Vec<ViolationKind> {
    let linkage = g.props.linkage;
    if linkage == Linkage::Appending {
        return Vec::new();
    }
    let is_definition = g.init.is_some();
    let mut out = Vec::new();
    out.extend(presence(SymbolKind::Global, linkage, is_definition, lookup(after, &g.name)));
    let Some(h) = after.global(&g.name) else { return out };
    if is_definition && h.init.is_none() && !may_drop_body(linkage) {
        out.push(ViolationKind::DefinitionRemoved { kind: SymbolKind::Global });
    }
    if g.ty != h.ty {
        out.push(ViolationKind::GlobalTypeChanged { before: g.ty.clone(), after: h.ty.clone() });
    }
    if g.is_constant != h.is_constant {
        out.push(ViolationKind::ConstnessChanged { before: g.is_constant, after: h.is_constant });
    }
    out
}
