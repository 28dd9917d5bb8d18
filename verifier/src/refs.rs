//! References: operands name values the function defines, branches name blocks that exist,
//! constants name symbols of the module (a global variable, a function or an alias) and, in
//! a `blockaddress`, a block of a defined function other than its entry, and a function's
//! parameters match its type. (Unique symbol names are checked by `verify_module`, global
//! variables in `globals.rs`, aliases in `aliases.rs`.)

use crate::context::{At, FnCtx, Naming, Symbol, Symbols};
use crate::violation::{BlockAddressProblem, ViolationKind};
use opm_ir::collections::HashSet;
use opm_ir::{BlockId, Constant, Inst, Op, ValueId};

/// The references of one function: parameters, values, blocks, symbols.
pub(crate) fn check_function(ctx: &mut FnCtx) {
    let (found, expected) = (ctx.f.params.len(), ctx.f.ty.params.len());
    if found != expected {
        ctx.report(At::Function, ViolationKind::ParamCount { found, expected });
    }
    for kind in constant_refs(ctx.symbols, ctx.naming, ctx.f.personality.iter()) {
        ctx.report(At::Function, kind);
    }
    let mut defined: HashSet<ValueId> = ctx.f.params.iter().map(|p| p.value).collect();
    defined.extend(ctx.f.blocks.iter().flat_map(|b| &b.insts).filter_map(|i| i.result));
    let blocks = ctx.f.blocks.len();
    let insts: Vec<_> = ctx.insts().collect();
    for (b, i, inst) in insts {
        let at = At::Inst(b, i);
        let mut undefined: Vec<ValueId> = Vec::new();
        for op in inst.op.operands() {
            match op.as_value() {
                Some(v) if !defined.contains(&v) && !undefined.contains(&v) => undefined.push(v),
                Some(_) => {}
                None => {}
            }
        }
        for v in undefined {
            let value = ctx.value(v);
            ctx.report(at, ViolationKind::UndefinedValue { value });
        }
        let mut missing: Vec<BlockId> = Vec::new();
        for target in inst.op.block_refs() {
            if target.index() >= blocks && !missing.contains(&target) {
                missing.push(target);
            }
        }
        for target in missing {
            let block = ctx.block(target);
            ctx.report(at, ViolationKind::UndefinedBlock { block });
        }
        for kind in constant_refs(ctx.symbols, ctx.naming, inst_constants(inst).into_iter()) {
            ctx.report(at, kind);
        }
    }
}

/// Every constant an instruction holds: its constant operands and a landingpad's clauses.
pub(crate) fn inst_constants(inst: &Inst) -> Vec<&Constant> {
    let mut out: Vec<&Constant> =
        inst.op.operands().into_iter().filter_map(|o| o.as_const()).collect();
    if let Op::LandingPad { clauses, .. } = &inst.op {
        out.extend(clauses.iter().map(|c| match c {
            opm_ir::Clause::Catch(c) | opm_ir::Clause::Filter(c) => c,
        }));
    }
    out
}

/// What is wrong with the references of `constants` (and of the constants nested in them):
/// names the module does not define, each once, and `blockaddress` constants that name no
/// block whose address can be taken.
pub(crate) fn constant_refs<'c>(
    symbols: &Symbols,
    naming: Naming,
    constants: impl Iterator<Item = &'c Constant>,
) -> Vec<ViolationKind> {
    let mut missing: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for c in constants {
        c.walk(&mut |c| {
            let (name, block) = match c {
                Constant::Global(name) => (name, None),
                Constant::BlockAddress { function, block } => (function, Some(*block)),
                _ => return,
            };
            let Some(sym) = symbols.get(name) else {
                if !missing.contains(name) {
                    missing.push(name.clone());
                    out.push(ViolationKind::UndefinedSymbol { name: name.clone() });
                }
                return;
            };
            let Some(block) = block else { return };
            let problem = match sym {
                Symbol::Global(_) | Symbol::Alias(_) => BlockAddressProblem::NotAFunction,
                Symbol::Function(f) if f.is_declaration() => BlockAddressProblem::Declaration,
                Symbol::Function(f) if block.index() >= f.blocks.len() => {
                    BlockAddressProblem::NoSuchBlock
                }
                Symbol::Function(_) if block.index() == 0 => BlockAddressProblem::EntryBlock,
                Symbol::Function(_) => return,
            };
            let kind = ViolationKind::InvalidBlockAddress {
                function: name.clone(),
                block: symbols.foreign_block(name, block, naming),
                problem,
            };
            if !out.contains(&kind) {
                out.push(kind);
            }
        });
    }
    out
}
