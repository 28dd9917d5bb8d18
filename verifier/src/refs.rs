//! References: operands name values the function defines, branches name blocks that exist,
//! constants name symbols of the module, and a function's parameters match its type.
//! (Unique symbol names are checked by `verify_module`, global variables in `globals.rs`.)

use crate::context::{At, FnCtx, Symbols};
use crate::violation::ViolationKind;
use opm_ir::{BlockId, Constant, ValueId};
use std::collections::HashSet;

/// The references of one function: parameters, values, blocks, symbols.
pub(crate) fn check_function(ctx: &mut FnCtx) {
    let (found, expected) = (ctx.f.params.len(), ctx.f.ty.params.len());
    if found != expected {
        ctx.report(At::Function, ViolationKind::ParamCount { found, expected });
    }
    for name in undefined_symbols(ctx.symbols, ctx.f.personality.iter()) {
        ctx.report(At::Function, ViolationKind::UndefinedSymbol { name });
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
        for name in undefined_symbols(
            ctx.symbols,
            inst.op.operands().into_iter().filter_map(|o| o.as_const()),
        ) {
            ctx.report(at, ViolationKind::UndefinedSymbol { name });
        }
    }
}

/// The names that constants (and the constants nested in them) refer to but the module does
/// not define, each once.
pub(crate) fn undefined_symbols<'c>(
    symbols: &Symbols,
    constants: impl Iterator<Item = &'c Constant>,
) -> Vec<String> {
    let mut missing: Vec<String> = Vec::new();
    for c in constants {
        c.walk(&mut |c| {
            if let Constant::Global(name) = c
                && symbols.get(name).is_none()
                && !missing.contains(name)
            {
                missing.push(name.clone());
            }
        });
    }
    missing
}
