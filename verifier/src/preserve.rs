//! Preservation: what a transform must not change about a module, because other translation
//! units or the linker depend on it. Exported definitions stay (with their linkage exported
//! and their bodies), exported symbols keep their type, calling convention and ABI
//! attributes, and the target stays the same. Only symbols are compared, never
//! instructions: what a body does (its atomics, invokes, landing pads) is the transform's
//! business, checked by [`crate::verify_module`] on the module after it.
//!
//! An alias is another name of what it stands for: a function may become an alias of an
//! equivalent function (LLVM's `mergefunc`) and an alias may become the function it named
//! (`globalopt`), so an exported name is compared by what it stands for once aliases whose
//! aliasee is a symbol are followed (an alias of a constant expression stands for the kind
//! of the symbols inside it, and is not looked through). Exported aliases must stay like
//! exported definitions.
//!
//! Which exported symbols may disappear: declarations (dropping an unused import breaks
//! nothing: `globaldce` does it), `linkonce`/`linkonce_odr` definitions (every unit that uses
//! one has its own copy), `available_externally` ones (the real definition is elsewhere), and
//! `appending` arrays (`llvm.used`, `llvm.global_ctors`, which optimizations rewrite).
//! An exported symbol that is still there must keep its interface.

use crate::context::{function_violation, global_violation};
use crate::violation::{AttrPosition, SymbolKind, Violation, ViolationKind};
use opm_ir::attr::ABI_ATTRIBUTES;
use opm_ir::{Alias, Attribute, Constant, Function, Global, Linkage, Module};

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
    for a in before.aliases.iter().filter(|a| a.props.linkage.is_exported()) {
        let kinds = check_alias(a, before, after);
        out.extend(kinds.into_iter().map(|k| global_violation(Some(&a.name), k)));
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

/// What happened to an exported symbol of `before`: `own` is its own kind (reported if it
/// is removed), `kind` what it stands for (compared with what the name stands for `now`,
/// with the linkage of the symbol that has the name); `None` when it is still there as the
/// same kind of symbol.
fn presence(
    own: SymbolKind,
    kind: SymbolKind,
    linkage: Linkage,
    is_definition: bool,
    now: Option<(SymbolKind, Linkage)>,
) -> Option<ViolationKind> {
    match now {
        None if must_stay(linkage, is_definition) => {
            Some(ViolationKind::SymbolRemoved { kind: own })
        }
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

/// The symbol `name` of `m`, as what it stands for and its own linkage.
fn lookup(m: &Module, name: &str) -> Option<(SymbolKind, Linkage)> {
    if let Some(f) = m.function(name) {
        return Some((SymbolKind::Function, f.props.linkage));
    }
    if let Some(g) = m.global(name) {
        return Some((SymbolKind::Global, g.props.linkage));
    }
    m.alias(name).map(|a| (stands_for(m, name), a.props.linkage))
}

/// What the symbol `name` stands for: a function or a global variable, through aliases (an
/// alias of a constant expression stands for the first symbol inside it); an alias when
/// that leads nowhere (a dangling name, a cycle, an expression of no symbol).
fn stands_for(m: &Module, name: &str) -> SymbolKind {
    let mut name = name.to_string();
    for _ in 0..=m.aliases.len() {
        if m.function(&name).is_some() {
            return SymbolKind::Function;
        }
        if m.global(&name).is_some() {
            return SymbolKind::Global;
        }
        let Some(next) = m.alias(&name).and_then(|a| first_symbol(&a.aliasee)) else { break };
        name = next;
    }
    SymbolKind::Alias
}

/// The first symbol a constant names.
fn first_symbol(c: &Constant) -> Option<String> {
    let mut first = None;
    c.walk(&mut |c| {
        if let Constant::Global(name) = c
            && first.is_none()
        {
            first = Some(name.clone());
        }
    });
    first
}

/// The symbol `name` of `m` is, or stands for through aliases of symbols.
enum Target<'m> {
    Function(&'m Function),
    Global(&'m Global),
}

fn target<'m>(m: &'m Module, name: &str) -> Option<Target<'m>> {
    let mut name = name;
    for _ in 0..=m.aliases.len() {
        if let Some(f) = m.function(name) {
            return Some(Target::Function(f));
        }
        if let Some(g) = m.global(name) {
            return Some(Target::Global(g));
        }
        match m.alias(name).map(|a| &a.aliasee) {
            Some(Constant::Global(next)) => name = next,
            _ => return None,
        }
    }
    None
}

fn check_function(f: &Function, after: &Module) -> Vec<ViolationKind> {
    let linkage = f.props.linkage;
    let is_definition = !f.is_declaration();
    let mut out = Vec::new();
    let now = lookup(after, &f.name);
    let kind = SymbolKind::Function;
    out.extend(presence(kind, kind, linkage, is_definition, now));
    let Some(Target::Function(g)) = target(after, &f.name) else { return out };
    if is_definition && g.is_declaration() && !may_drop_body(linkage) {
        out.push(ViolationKind::DefinitionRemoved { kind: SymbolKind::Function });
    }
    function_interface(f, g, &mut out);
    out
}

/// The interface of a function `f` of `before` that `g` of `after` stands for.
fn function_interface(f: &Function, g: &Function, out: &mut Vec<ViolationKind>) {
    if f.ty != g.ty {
        out.push(ViolationKind::FunctionTypeChanged { before: f.ty.clone(), after: g.ty.clone() });
    }
    if f.cconv != g.cconv {
        out.push(ViolationKind::CallingConventionChanged { before: f.cconv, after: g.cconv });
    }
    abi_changes(AttrPosition::Return, &f.attrs.ret, &g.attrs.ret, out);
    let params = f.attrs.params.len().max(g.attrs.params.len());
    for i in 0..params {
        abi_changes(AttrPosition::Param(i), f.attrs.param(i), g.attrs.param(i), out);
    }
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
    let kind = SymbolKind::Global;
    out.extend(presence(kind, kind, linkage, is_definition, lookup(after, &g.name)));
    let Some(Target::Global(h)) = target(after, &g.name) else { return out };
    if is_definition && h.init.is_none() && !may_drop_body(linkage) {
        out.push(ViolationKind::DefinitionRemoved { kind: SymbolKind::Global });
    }
    global_interface(g, h, &mut out);
    out
}

/// The interface of a global variable `g` of `before` that `h` of `after` stands for.
fn global_interface(g: &Global, h: &Global, out: &mut Vec<ViolationKind>) {
    if g.ty != h.ty {
        out.push(ViolationKind::GlobalTypeChanged { before: g.ty.clone(), after: h.ty.clone() });
    }
    if g.is_constant != h.is_constant {
        out.push(ViolationKind::ConstnessChanged { before: g.is_constant, after: h.is_constant });
    }
}

/// An exported alias stays (as a name of the same kind of symbol) and keeps the interface
/// of what it stands for.
fn check_alias(a: &Alias, before: &Module, after: &Module) -> Vec<ViolationKind> {
    let kind = stands_for(before, &a.name);
    let mut out = Vec::new();
    let now = lookup(after, &a.name);
    out.extend(presence(SymbolKind::Alias, kind, a.props.linkage, true, now));
    match (target(before, &a.name), target(after, &a.name)) {
        (Some(Target::Function(f)), Some(Target::Function(g))) => {
            function_interface(f, g, &mut out)
        }
        (Some(Target::Global(g)), Some(Target::Global(h))) => global_interface(g, h, &mut out),
        _ => {}
    }
    out
}
