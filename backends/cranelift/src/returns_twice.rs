//! Values live across a call of a function that returns twice (`setjmp`, `sigsetjmp`,
//! `vfork` …), kept in stack slots of their own.
//!
//! Cranelift does not know that such a call returns a second time when `longjmp` jumps back
//! to it. Its register allocator may give the spill slot of a value that lives across the
//! call to another value on the path between the two returns, once the first return's path
//! no longer needs it; the second return then reads the other value. (Callee-saved registers
//! are safe: `longjmp` restores them as they were at the call.) A slot the IR allocates is
//! never shared, so in a function with such a call every value that may be live across it
//! is stored to an `alloca` of its own right after its definition, and loaded again before
//! each use that may come after the call: LLVM's reg2mem, for these values alone. C's rule
//! that locals written between the two returns are indeterminate unless `volatile` is about
//! the program's own variables, which the IR already keeps in memory.

use opm_backend::Site;
use opm_ir::print::{LocalNames, PrintOptions, instruction_text};
use opm_ir::{Function, Inst, Module, Op, Operand, Type, ValueId};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use crate::error::CraneliftError;

/// `module` with the values of every function that calls a function that returns twice
/// that may be live across such a call in stack slots of their own; `module` itself when no
/// function calls one.
pub(crate) fn in_slots(module: &Module) -> Result<Cow<'_, Module>, CraneliftError> {
    let twice = opm_backend::returns_twice::ReturnsTwice::of(module);
    let mut calls: Vec<(usize, Vec<(usize, usize)>)> = Vec::new();
    for (i, f) in module.functions.iter().enumerate() {
        let sites = twice.sites(f);
        if !sites.is_empty() {
            calls.push((i, sites));
        }
    }
    if calls.is_empty() {
        return Ok(Cow::Borrowed(module));
    }
    let mut module = module.clone();
    for (i, sites) in calls {
        module.functions[i] = demote(&module.functions[i], &sites)?;
    }
    Ok(Cow::Owned(module))
}

/// Where a value is defined: a parameter (before everything) or an instruction.
#[derive(Clone, Copy)]
enum Def {
    Param,
    At(usize, usize),
}

/// `f` with each value that may be live across one of the calls at `sites` (block,
/// instruction) stored to a slot of its own after its definition and loaded before its uses
/// after the call.
fn demote(f: &Function, sites: &[(usize, usize)]) -> Result<Function, CraneliftError> {
    let n = f.blocks.len();
    let succs: Vec<Vec<usize>> = f
        .blocks
        .iter()
        .map(|b| b.successors().iter().map(|s| s.0 as usize).filter(|&s| s < n).collect())
        .collect();
    let preds: Vec<Vec<usize>> = f
        .predecessors()
        .into_iter()
        .map(|ps| ps.into_iter().map(|p| p.index()).collect())
        .collect();
    let call_blocks: Vec<usize> = sites.iter().map(|&(b, _)| b).collect();
    // The blocks reachable from a call's block by one edge or more, and those from which a
    // call's block is.
    let after = reachable(&call_blocks, &succs);
    let reaches = reachable(&call_blocks, &preds);
    // A point (block, index) comes after a call on some path when it is later in the call's
    // block or in a block reachable from it.
    let after_call =
        |b: usize, k: usize| after[b] || sites.iter().any(|&(cb, ck)| b == cb && k > ck);
    // A definition comes before a call on some path when it is earlier in the call's block or
    // the call's block is reachable from it.
    let before_call = |d: Def| match d {
        Def::Param => true,
        Def::At(b, k) => reaches[b] || sites.iter().any(|&(cb, ck)| b == cb && k < ck),
    };
    let mut defs: HashMap<ValueId, Def> = f.params.iter().map(|p| (p.value, Def::Param)).collect();
    for (b, block) in f.blocks.iter().enumerate() {
        for (k, inst) in block.insts.iter().enumerate() {
            if let Some(v) = inst.result {
                defs.insert(v, Def::At(b, k));
            }
        }
    }
    // The values used after a call (a phi's use is at the end of its incoming block).
    let mut live: HashSet<ValueId> = HashSet::new();
    for (b, block) in f.blocks.iter().enumerate() {
        for (k, inst) in block.insts.iter().enumerate() {
            if let Op::Phi { incoming, .. } = &inst.op {
                for (v, pred) in incoming {
                    let p = pred.0 as usize;
                    let end = f.blocks.get(p).map_or(0, |pb| pb.insts.len());
                    if let Operand::Value(v) = v
                        && after_call(p, end)
                    {
                        live.insert(*v);
                    }
                }
            } else {
                for op in inst.op.operands() {
                    if let Operand::Value(v) = op
                        && after_call(b, k)
                    {
                        live.insert(*v);
                    }
                }
            }
        }
    }
    let mut demoted: Vec<ValueId> =
        live.into_iter().filter(|v| defs.get(v).is_some_and(|&d| before_call(d))).collect();
    demoted.sort_by_key(|v| v.0);
    if demoted.is_empty() {
        return Ok(f.clone());
    }
    let types = f.value_types();
    let mut next = f.next_value_id().0;
    let mut fresh = || {
        next += 1;
        ValueId(next - 1)
    };
    let mut out = f.clone();
    let mut slot: HashMap<ValueId, (ValueId, Type)> = HashMap::new();
    // Inserted instructions, by block: before index k (loads) or after it (stores).
    let mut before: HashMap<(usize, usize), Vec<Inst>> = HashMap::new();
    let mut after: HashMap<(usize, usize), Vec<Inst>> = HashMap::new();
    let mut entry_slots = Vec::new();
    let mut entry_stores = Vec::new();
    for &v in &demoted {
        let Some(ty) = types.get(&v).cloned() else { continue };
        let s = fresh();
        let alloca = Op::Alloca { ty: ty.clone(), count: Operand::int(32, 1), align: 16 };
        entry_slots.push(Inst { result: Some(s), name: None, ty: Type::Ptr, op: alloca });
        slot.insert(v, (s, ty.clone()));
        let store = Inst::void(Op::Store {
            val: Operand::Value(v),
            ptr: Operand::Value(s),
            align: 0,
            volatile: false,
            atomic: None,
        });
        match defs[&v] {
            Def::Param => entry_stores.push(store),
            Def::At(b, k) => {
                let inst = &f.blocks[b].insts[k];
                if matches!(inst.op, Op::Invoke { .. }) {
                    return Err(CraneliftError::Unsupported {
                        construct: "the result of an `invoke` live across a call of a function \
                                    that returns twice"
                            .into(),
                        site: Site::instruction(
                            &f.name,
                            instruction_text(&LocalNames::new(f, PrintOptions::default()), inst),
                        ),
                    });
                }
                // For a phi, after the block's phis and its landing pad.
                let at = if matches!(inst.op, Op::Phi { .. }) {
                    let head = f.blocks[b]
                        .insts
                        .iter()
                        .take_while(|i| matches!(i.op, Op::Phi { .. } | Op::LandingPad { .. }));
                    head.count().saturating_sub(1)
                } else {
                    k
                };
                after.entry((b, at)).or_default().push(store);
            }
        }
    }
    // Loads before the uses after a call.
    for (b, block) in out.blocks.iter_mut().enumerate() {
        for (k, inst) in block.insts.iter_mut().enumerate() {
            if let Op::Phi { incoming, .. } = &mut inst.op {
                for (op, pred) in incoming.iter_mut() {
                    let p = pred.0 as usize;
                    let end = f.blocks.get(p).map_or(0, |pb| pb.insts.len());
                    let Operand::Value(v) = op else { continue };
                    let Some((s, ty)) = slot.get(v).filter(|_| after_call(p, end)) else {
                        continue;
                    };
                    let t = fresh();
                    before.entry((p, end.saturating_sub(1))).or_default().push(load(t, ty, *s));
                    *op = Operand::Value(t);
                }
                continue;
            }
            if !after_call(b, k) {
                continue;
            }
            let mut loaded: HashMap<ValueId, ValueId> = HashMap::new();
            for op in inst.op.operands_mut() {
                let Operand::Value(v) = op else { continue };
                let Some((s, ty)) = slot.get(v) else { continue };
                let t = *loaded.entry(*v).or_insert_with(|| {
                    let t = fresh();
                    before.entry((b, k)).or_default().push(load(t, ty, *s));
                    t
                });
                *op = Operand::Value(t);
            }
        }
    }
    for (b, block) in out.blocks.iter_mut().enumerate() {
        let old = std::mem::take(&mut block.insts);
        for (k, inst) in old.into_iter().enumerate() {
            block.insts.extend(before.remove(&(b, k)).unwrap_or_default());
            block.insts.push(inst);
            block.insts.extend(after.remove(&(b, k)).unwrap_or_default());
        }
    }
    if let Some(entry) = out.blocks.first_mut() {
        let body = std::mem::take(&mut entry.insts);
        entry.insts = entry_slots.into_iter().chain(entry_stores).chain(body).collect();
    }
    Ok(out)
}

/// The blocks reached from `from` by one edge or more of `edges`.
fn reachable(from: &[usize], edges: &[Vec<usize>]) -> Vec<bool> {
    let mut seen = vec![false; edges.len()];
    let mut stack: Vec<usize> = from.iter().flat_map(|&b| edges[b].iter().copied()).collect();
    while let Some(x) = stack.pop() {
        if !seen[x] {
            seen[x] = true;
            stack.extend(&edges[x]);
        }
    }
    seen
}

fn load(result: ValueId, ty: &Type, slot: ValueId) -> Inst {
    Inst {
        result: Some(result),
        name: None,
        ty: ty.clone(),
        op: Op::Load { ptr: Operand::Value(slot), align: 0, volatile: false, atomic: None },
    }
}
