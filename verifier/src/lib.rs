//! The verifier of the canonical IR: the invariants a module must hold (well-formed blocks,
//! SSA dominance, phis that agree with predecessors, typing, call signatures, atomics,
//! exception handling, defined references, aliases and comdats), and what a transform must
//! preserve between a module before and after it (exported symbols and their interfaces).
//!
//! Violations are data ([`Violation`]: a [`ViolationKind`] with its data and a
//! [`Location`]); their `Display` is one line, with names and instruction texts as the
//! printer spells them. The verifier reports every violation it finds and never panics,
//! whatever the module holds.
//!
//! One module per concern: `structure` (terminators, phi placement, results), `ssa`
//! (definitions and dominance, invoke results on their normal edge), `phi` (incoming
//! blocks), `types` (typing rules of each operation), `cast` (valid conversions),
//! `constants`, `flags`, `calls` (callees, musttail, inline asm), `atomics` (orderings,
//! alignment, atomic types and sizes), `eh` (invoke, landingpad, resume, personality),
//! `refs` (values, blocks, symbols, block addresses), `globals`, `aliases`, `comdats`,
//! `preserve` (before/after); `context` holds the state of one function's checks and
//! `violation` the data they produce.

#![deny(missing_docs)]

mod aliases;
mod atomics;
mod calls;
mod cast;
mod comdats;
mod constants;
mod context;
mod eh;
mod flags;
mod globals;
mod phi;
mod preserve;
mod refs;
mod ssa;
mod structure;
mod types;
mod violation;

#[cfg(test)]
mod tests;

pub use preserve::check_preservation;
pub use violation::{
    AliasTargetProblem, AtomicOp, AttrPosition, BlockAddressProblem, BlockRef, ClauseProblem,
    ComdatProblem, ConstantProblem, Expected, GepIndexProblem, Location, OperandSlot,
    PersonalityProblem, SymbolKind, TypeProblem, ValueRef, Violation, ViolationKind,
};

use context::{FnCtx, Naming, Symbols, function_violation, global_violation};
use opm_ir::collections::HashSet;
use opm_ir::{Cfg, Function, Module};

/// Every violation of the module: each global variable's, then each alias's, then each
/// function's, in the order of the module.
pub fn verify_module(m: &Module) -> Vec<Violation> {
    verify_module_with(m, Naming::Printer)
}

/// [`verify_module`] for a module of which only some function definitions can have changed
/// since a version that verified: the definitions for which `unchanged` holds are not
/// checked again (their symbols still take part in the module-wide rules). Sound only when
/// no symbol they refer to changed its type or kind either.
pub fn verify_module_except(m: &Module, unchanged: impl Fn(&Function) -> bool) -> Vec<Violation> {
    verify_module_filtered(m, Naming::Printer, &unchanged)
}

/// The violations of one function of `m` (the module supplies the symbols it refers to).
/// Rules about the module as a whole (unique names, comdat selection kinds, comdats only on
/// definitions) are [`verify_module`]'s.
pub fn verify_function(m: &Module, f: &Function) -> Vec<Violation> {
    verify_function_with(&Symbols::new(m), f, Naming::Printer)
}

pub(crate) fn verify_module_with(m: &Module, naming: Naming) -> Vec<Violation> {
    verify_module_filtered(m, naming, &|_| false)
}

fn verify_module_filtered(
    m: &Module,
    naming: Naming,
    unchanged: &dyn Fn(&Function) -> bool,
) -> Vec<Violation> {
    let symbols = Symbols::new(m);
    let mut names: HashSet<&str> = HashSet::default();
    let mut comdats = comdats::Selections::default();
    let mut out = Vec::new();
    // Names are claimed globals first, then functions, then aliases (as in `Symbols`); a
    // duplicate is reported at each later symbol. Aliases' violations are listed before the
    // functions', as the printer lists aliases.
    for g in &m.globals {
        if !names.insert(&g.name) {
            let kind = ViolationKind::DuplicateSymbol { name: g.name.clone() };
            out.push(global_violation(Some(&g.name), kind));
        }
        let comdat = comdats.check(&g.props, g.init.is_some());
        out.extend(comdat.into_iter().map(|k| global_violation(Some(&g.name), k)));
        out.extend(globals::check(g, &symbols, naming));
    }
    let mut function_out = Vec::new();
    for f in &m.functions {
        if !names.insert(&f.name) {
            let kind = ViolationKind::DuplicateSymbol { name: f.name.clone() };
            function_out.push(function_violation(&f.name, kind));
        }
        let comdat = comdats.check(&f.props, !f.is_declaration());
        function_out.extend(comdat.into_iter().map(|k| function_violation(&f.name, k)));
        if f.is_declaration() || !unchanged(f) {
            function_out.extend(verify_function_with(&symbols, f, naming));
        }
    }
    for a in &m.aliases {
        if !names.insert(&a.name) {
            let kind = ViolationKind::DuplicateSymbol { name: a.name.clone() };
            out.push(global_violation(Some(&a.name), kind));
        }
        out.extend(aliases::check(a, &symbols, naming));
    }
    out.extend(function_out);
    out
}

pub(crate) fn verify_function_with(
    symbols: &Symbols,
    f: &Function,
    naming: Naming,
) -> Vec<Violation> {
    let mut ctx = FnCtx::new(symbols, f, naming);
    refs::check_function(&mut ctx);
    types::check(&mut ctx); // Also the signature of a declaration.
    if !f.is_declaration() {
        let cfg = Cfg::new(f);
        structure::check(&mut ctx);
        ssa::check(&mut ctx, &cfg);
        phi::check(&mut ctx);
        flags::check(&mut ctx);
        calls::check(&mut ctx);
        atomics::check(&mut ctx);
    }
    eh::check(&mut ctx); // Also the personality of a declaration.
    ctx.finish()
}
