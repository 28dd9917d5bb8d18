//! Aliases, as LLVM's verifier checks them: a linkage an alias can have, a pointer aliasee
//! that is a symbol or a constant expression, well formed and naming symbols of the module,
//! standing for definitions (`available_externally` ones for an `available_externally`
//! alias), never through an alias the linker may replace, and never in a cycle. An alias
//! has no comdat of its own.

use crate::constants;
use crate::context::{Naming, Symbol, Symbols, global_violation};
use crate::refs::constant_refs;
use crate::types::malformed;
use crate::violation::{AliasTargetProblem, ComdatProblem, Violation, ViolationKind};
use opm_ir::collections::HashSet;
use opm_ir::{Alias, Constant, Linkage, Type};

/// The violations of one alias.
pub(crate) fn check(a: &Alias, symbols: &Symbols, naming: Naming) -> Vec<Violation> {
    let mut kinds = malformed(&a.ty);
    let linkage = a.props.linkage;
    if matches!(linkage, Linkage::Common | Linkage::Appending | Linkage::ExternWeak) {
        push(&mut kinds, ViolationKind::InvalidAliasLinkage { linkage });
    }
    if let Some(c) = &a.props.comdat {
        let problem = ComdatProblem::Alias;
        push(&mut kinds, ViolationKind::InvalidComdat { comdat: c.name.clone(), problem });
    }
    if !matches!(a.aliasee, Constant::Global(_) | Constant::Expr(_)) {
        push(&mut kinds, ViolationKind::InvalidAliasee);
    }
    let found = a.aliasee.ty();
    if found != Type::Ptr {
        push(&mut kinds, ViolationKind::AliaseeType { found });
    }
    for k in constants::problems(&a.aliasee) {
        push(&mut kinds, k);
    }
    for k in constant_refs(symbols, naming, std::iter::once(&a.aliasee)) {
        push(&mut kinds, k);
    }
    if linkage == Linkage::AvailableExternally {
        let names = symbol_names(&a.aliasee);
        let direct = matches!(a.aliasee, Constant::Global(_));
        for name in names {
            let ok = direct && linkage_of(symbols, &name) == Some(Linkage::AvailableExternally);
            if !ok && symbols.get(&name).is_some() {
                let problem = AliasTargetProblem::NotAvailableExternally;
                push(&mut kinds, ViolationKind::AliasTarget { target: name, problem });
            }
        }
    }
    for k in targets(a, symbols) {
        push(&mut kinds, k);
    }
    kinds.into_iter().map(|k| global_violation(Some(&a.name), k)).collect()
}

fn push(kinds: &mut Vec<ViolationKind>, k: ViolationKind) {
    if !kinds.contains(&k) {
        kinds.push(k);
    }
}

/// The names of the symbols `c` refers to, each once, in order.
fn symbol_names(c: &Constant) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    c.walk(&mut |c| {
        if let Constant::Global(name) = c
            && !names.contains(name)
        {
            names.push(name.clone());
        }
    });
    names
}

fn linkage_of(symbols: &Symbols, name: &str) -> Option<Linkage> {
    Some(match symbols.get(name)? {
        Symbol::Function(f) => f.props.linkage,
        Symbol::Global(g) => g.props.linkage,
        Symbol::Alias(b) => b.props.linkage,
    })
}

/// Whether the symbol defines nothing the linker can use here (LLVM's
/// `isDeclarationForLinker`).
fn is_declaration_for_linker(sym: Symbol) -> bool {
    match sym {
        Symbol::Function(f) => {
            f.is_declaration() || f.props.linkage == Linkage::AvailableExternally
        }
        Symbol::Global(g) => g.init.is_none() || g.props.linkage == Linkage::AvailableExternally,
        Symbol::Alias(b) => b.props.linkage == Linkage::AvailableExternally,
    }
}

/// Whether another definition may replace the symbol at link time.
fn is_interposable(linkage: Linkage) -> bool {
    matches!(linkage, Linkage::Weak | Linkage::LinkOnce | Linkage::Common | Linkage::ExternWeak)
}

/// The problems of the symbols the aliasee of `a` names, and of those that the aliases it
/// stands for name, depth first (each alias once; a loop back onto the path is a cycle).
/// Iterative, so that a long chain of aliases cannot exhaust the stack.
fn targets(a: &Alias, symbols: &Symbols) -> Vec<ViolationKind> {
    let mut out = Vec::new();
    let mut path: Vec<String> = vec![a.name.clone()];
    let mut on_path: HashSet<String> = path.iter().cloned().collect();
    let mut seen: HashSet<String> = HashSet::default();
    // The names still to visit, one frame per alias of `path`.
    let mut stack: Vec<std::vec::IntoIter<String>> = vec![symbol_names(&a.aliasee).into_iter()];
    while let Some(frame) = stack.last_mut() {
        let Some(name) = frame.next() else {
            stack.pop();
            if let Some(done) = path.pop() {
                on_path.remove(&done);
            }
            continue;
        };
        let Some(sym) = symbols.get(&name) else { continue }; // Reported as undefined.
        if a.props.linkage != Linkage::AvailableExternally && is_declaration_for_linker(sym) {
            let problem = AliasTargetProblem::Declaration;
            out.push(ViolationKind::AliasTarget { target: name.clone(), problem });
        }
        let Symbol::Alias(b) = sym else { continue };
        if on_path.contains(&b.name) {
            let mut cycle = path.clone();
            cycle.push(b.name.clone());
            out.push(ViolationKind::AliasCycle { path: cycle });
            continue;
        }
        if is_interposable(b.props.linkage) {
            let problem = AliasTargetProblem::InterposableAlias;
            out.push(ViolationKind::AliasTarget { target: name.clone(), problem });
        }
        if seen.insert(b.name.clone()) {
            path.push(b.name.clone());
            on_path.insert(b.name.clone());
            stack.push(symbol_names(&b.aliasee).into_iter());
        }
    }
    out
}
