//! Which 32- and 64-bit integer values are declared as C's signed types.
//!
//! Every `iN` is otherwise an unsigned local (see [`super::types`]), and a signed compare
//! converts it: `(int32_t)(v2) > 127`. gcc's phi optimisations match a select or a diamond
//! against the compare that chooses it only when both see the same operand, so
//! `v > 127 ? 127 : v` on an unsigned `v` compared as signed stays two branches where C's own
//! `int` gives a `MAX_EXPR` and a conditional move (a saturation in a loop became
//! mispredicted branches). A value compared as signed is therefore declared signed, with the
//! values its phis join it with and the other loads of its address, when every use of every
//! one of them reads it through an explicit conversion to the width and signedness it needs
//! ([`super::ops`] writes such conversions for every integer operation, compare and cast, so
//! the declared signedness of a 32- or 64-bit local never changes what an operation
//! computes), and every definition assigns it from an expression (C converts modulo 2^N,
//! which is what gcc does). Other uses (calls, intrinsics, atomics, addresses, switches,
//! returns) leave the whole group unsigned.
//!
//! Also: which `nsw` arithmetic may be C's signed arithmetic ([`nsw_undefined_on_overflow`]).

use opm_ir::{CastOp, Function, IntPredicate, Op, Operand, ValueId};
use std::collections::{HashMap, HashSet};

/// The values of `f` to declare as signed C integers.
pub(crate) fn signed_values(f: &Function) -> HashSet<ValueId> {
    // Candidates: 32- and 64-bit integer results of instructions whose emission assigns
    // them from an expression.
    let mut candidate = HashSet::new();
    for inst in f.blocks.iter().flat_map(|b| &b.insts) {
        let defined = match &inst.op {
            Op::Load { atomic, .. } => atomic.is_none(),
            Op::Bin { .. } | Op::Phi { .. } | Op::Select { .. } => true,
            Op::Cast { op, .. } => *op != CastOp::BitCast,
            _ => false,
        };
        if let (true, Some(v)) =
            (defined && inst.ty.int_bits().is_some_and(|b| b == 32 || b == 64), inst.result)
        {
            candidate.insert(v);
        }
    }
    // Groups joined by phis.
    let mut parent: HashMap<ValueId, ValueId> = candidate.iter().map(|&v| (v, v)).collect();
    fn root(parent: &mut HashMap<ValueId, ValueId>, v: ValueId) -> ValueId {
        let mut r = v;
        while let Some(&p) = parent.get(&r) {
            if p == r {
                break;
            }
            r = p;
        }
        parent.insert(v, r);
        r
    }
    for inst in f.blocks.iter().flat_map(|b| &b.insts) {
        if let (Op::Phi { incoming, .. }, Some(v)) = (&inst.op, inst.result)
            && candidate.contains(&v)
        {
            for (op, _) in incoming {
                if let Operand::Value(w) = op
                    && candidate.contains(w)
                {
                    let (a, b) = (root(&mut parent, v), root(&mut parent, *w));
                    parent.insert(a, b);
                }
            }
        }
    }
    // Loads from one address: in unoptimised IR, the reads of one C variable (each of
    // `v > 127 ? 127 : v`'s three `v` is a load of its stack slot).
    let mut first_load: HashMap<(&Operand, &opm_ir::Type), ValueId> = HashMap::new();
    for inst in f.blocks.iter().flat_map(|b| &b.insts) {
        if let (Op::Load { ptr, .. }, Some(v)) = (&inst.op, inst.result)
            && candidate.contains(&v)
        {
            let first = *first_load.entry((ptr, &inst.ty)).or_insert(v);
            let (a, b) = (root(&mut parent, v), root(&mut parent, first));
            parent.insert(a, b);
        }
    }
    // A group is signed when one of its values is compared as signed and every use of each
    // of them converts it explicitly.
    let mut compared = HashSet::new();
    let mut spoiled = HashSet::new();
    for inst in f.blocks.iter().flat_map(|b| &b.insts) {
        let safe = match &inst.op {
            Op::ICmp { .. } | Op::Bin { .. } => true,
            Op::Cast { op, .. } => matches!(
                op,
                CastOp::Trunc | CastOp::ZExt | CastOp::SExt | CastOp::SIToFP | CastOp::UIToFP
            ),
            Op::Store { atomic, .. } => atomic.is_none(),
            Op::Phi { .. } | Op::Select { .. } => true,
            _ => false,
        };
        for op in inst.op.operands() {
            let Operand::Value(v) = op else { continue };
            if !candidate.contains(v) {
                continue;
            }
            let group = root(&mut parent, *v);
            // A stored value is fine; the address of a store is a pointer, not a candidate.
            if !safe {
                spoiled.insert(group);
            }
            if let Op::ICmp { pred, .. } = &inst.op
                && matches!(
                    pred,
                    IntPredicate::Sgt | IntPredicate::Sge | IntPredicate::Slt | IntPredicate::Sle
                )
            {
                compared.insert(group);
            }
        }
    }
    let chosen: Vec<ValueId> = candidate.iter().copied().collect();
    chosen
        .into_iter()
        .filter(|&v| {
            let g = root(&mut parent, v);
            compared.contains(&g) && !spoiled.contains(&g)
        })
        .collect()
}

/// The compare `block`'s conditional branch tests, when the block computes it.
fn tested(block: &opm_ir::Block) -> Option<&opm_ir::Inst> {
    let Op::CondBr { cond: Operand::Value(c), .. } = &block.terminator()?.op else {
        return None;
    };
    block.insts.iter().find(|i| i.result == Some(*c) && matches!(i.op, Op::ICmp { .. }))
}

/// The `add`/`sub`/`mul nsw` of 32 or 64 bits in `f` whose overflow is undefined behaviour
/// in LLVM too, so that C's signed arithmetic (undefined on overflow, which lets gcc widen
/// a loop's index and count its iterations) says no more than the IR. `nsw` alone only
/// makes an overflow poison, which is harmless until used; it is certainly used when, with
/// nothing in between that may leave the block (a call):
/// - the value (or arithmetic, a conversion or an address computed from it) is the address
///   of a load or store later in its block: `a[i * n + k]`;
/// - its block ends with a conditional branch on an `icmp` of it (a loop latch in optimised
///   IR);
/// - it is stored to a stack slot, its block then jumps to a block that loads the slot and
///   branches on an `icmp` of that load, with nothing that writes memory in between (a C
///   loop's `i++` and its test in unoptimised IR).
///
/// A memory access through a poison address and a branch on poison are undefined behaviour.
pub(crate) fn nsw_undefined_on_overflow(f: &Function) -> HashSet<ValueId> {
    let allocas: HashSet<ValueId> = f
        .blocks
        .iter()
        .flat_map(|b| &b.insts)
        .filter(|i| matches!(i.op, Op::Alloca { .. }))
        .filter_map(|i| i.result)
        .collect();
    let mut out = HashSet::new();
    for block in &f.blocks {
        for (k, inst) in block.insts.iter().enumerate() {
            let (Op::Bin { op, flags, .. }, Some(v)) = (&inst.op, inst.result) else { continue };
            if !matches!(op, opm_ir::BinOp::Add | opm_ir::BinOp::Sub | opm_ir::BinOp::Mul)
                || !flags.contains(opm_ir::Flags::NSW)
                || !matches!(inst.ty, opm_ir::Type::Int(32 | 64))
            {
                continue;
            }
            let rest = &block.insts[k + 1..];
            let body = &rest[..rest.len().saturating_sub(1)];
            // Into an address, through values that are poison when it is.
            let mut tainted: HashSet<ValueId> = HashSet::from([v]);
            let mut addressed = false;
            for i in body {
                if matches!(i.op, Op::Call(_)) {
                    break;
                }
                let uses = |o: &Operand| o.as_value().is_some_and(|w| tainted.contains(&w));
                match &i.op {
                    Op::Load { ptr, .. } | Op::Store { ptr, .. } if uses(ptr) => {
                        addressed = true;
                        break;
                    }
                    Op::Bin { .. } | Op::Gep { .. } => {}
                    Op::Cast { op: CastOp::SExt | CastOp::ZExt | CastOp::Trunc, .. } => {}
                    _ => continue,
                }
                let hit = i.op.operands().iter().any(|o| uses(o));
                if hit && let Some(r) = i.result {
                    tainted.insert(r);
                }
            }
            if addressed {
                out.insert(v);
                continue;
            }
            let uses_v = |i: &opm_ir::Inst| i.op.operands().iter().any(|o| o.as_value() == Some(v));
            // In its own block's test.
            if body.iter().all(|i| !matches!(i.op, Op::Call(_)))
                && tested(block).is_some_and(uses_v)
            {
                out.insert(v);
                continue;
            }
            // Stored to a slot that the next block loads and tests.
            let Some(pos) = body.iter().position(|i| {
                matches!(&i.op, Op::Store { val, ptr: Operand::Value(p), volatile: false, atomic: None, .. }
                    if val.as_value() == Some(v) && allocas.contains(p))
            }) else {
                continue;
            };
            let Op::Store { ptr: slot, .. } = &body[pos].op else { continue };
            let quiet = |i: &opm_ir::Inst| !i.op.has_side_effects();
            let before_store = body[..pos].iter().all(|i| !matches!(i.op, Op::Call(_)));
            let after_store = body[pos + 1..].iter().all(quiet);
            let Some(Op::Br { dest }) = block.terminator().map(|t| &t.op) else { continue };
            let Some(next) = f.blocks.get(dest.index()) else { continue };
            let next_body = &next.insts[..next.insts.len().saturating_sub(1)];
            let loaded = next_body.iter().find_map(|i| match &i.op {
                Op::Load { ptr, volatile: false, atomic: None, .. }
                    if ptr == slot && i.ty == inst.ty =>
                {
                    i.result
                }
                _ => None,
            });
            let test_uses_load = loaded.is_some_and(|l| {
                tested(next)
                    .is_some_and(|c| c.op.operands().iter().any(|o| o.as_value() == Some(l)))
            });
            if before_store && after_store && next_body.iter().all(quiet) && test_uses_load {
                out.insert(v);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::nsw_undefined_on_overflow;
    use opm_ir::{
        BinOp, CastOp, Flags, FunctionBuilder, FunctionType, IntPredicate, Op, Operand, Type,
    };

    fn nsw_add(b: &mut FunctionBuilder, lhs: Operand, rhs: Operand) -> Operand {
        b.push(Type::I32, Op::Bin { op: BinOp::Add, flags: Flags::NSW, lhs, rhs })
    }

    fn load_at(b: &mut FunctionBuilder, index: Operand) {
        let wide = b.push(Type::I64, Op::Cast { op: CastOp::SExt, flags: Flags::NONE, val: index });
        let gep = Op::Gep {
            source_ty: Type::I32,
            flags: Flags::NONE,
            base: b.param(2),
            indices: vec![wide],
        };
        let at = b.push(Type::Ptr, gep);
        b.push(Type::I32, Op::Load { ptr: at, align: 4, volatile: false, atomic: None });
    }

    /// Which of the additions `build` makes (numbered in order) are emitted as signed C.
    fn signed(build: impl FnOnce(&mut FunctionBuilder, &mut Vec<Operand>)) -> Vec<usize> {
        let ty = FunctionType {
            ret: Type::Void,
            params: vec![Type::I32, Type::I32, Type::Ptr],
            varargs: false,
        };
        let mut b = FunctionBuilder::new("f", ty);
        let entry = b.block("entry");
        b.position(entry);
        let mut adds = Vec::new();
        build(&mut b, &mut adds);
        let f = b.finish();
        let set = nsw_undefined_on_overflow(&f);
        let ids: Vec<_> = adds.iter().map(|a| a.as_value()).collect();
        ids.iter()
            .enumerate()
            .filter(|(_, v)| v.is_some_and(|v| set.contains(&v)))
            .map(|(i, _)| i)
            .collect()
    }

    #[test]
    fn only_additions_whose_overflow_reaches_an_address_or_a_branch_are_signed() {
        // The address of a load (through sext and getelementptr): undefined on overflow.
        let got = signed(|b, adds| {
            let x = nsw_add(b, b.param(0), b.param(1));
            adds.push(x.clone());
            load_at(b, x);
            b.ret(None);
        });
        assert_eq!(got, [0]);
        // A call in between may not return: the overflow may never be used.
        let got = signed(|b, adds| {
            let x = nsw_add(b, b.param(0), b.param(1));
            adds.push(x.clone());
            b.call("g", FunctionType { ret: Type::Void, params: vec![], varargs: false }, vec![]);
            load_at(b, x);
            b.ret(None);
        });
        assert_eq!(got, Vec::<usize>::new());
        // Stored (to memory that is not a slot tested next), selected away, or without nsw.
        let got = signed(|b, adds| {
            let x = nsw_add(b, b.param(0), b.param(1));
            adds.push(x.clone());
            b.push_void(Op::Store {
                val: x.clone(),
                ptr: b.param(2),
                align: 4,
                volatile: false,
                atomic: None,
            });
            let c = b.icmp(IntPredicate::Slt, b.param(0), b.param(1));
            let s = b.push(
                Type::I32,
                Op::Select { flags: Flags::NONE, cond: c, then_val: x, else_val: b.param(0) },
            );
            adds.push(s);
            let plain = b.bin(Type::I32, BinOp::Add, b.param(0), b.param(1));
            adds.push(plain.clone());
            load_at(b, plain);
            b.ret(None);
        });
        assert_eq!(got, Vec::<usize>::new());
        // A loop latch that tests it.
        let got = signed(|b, adds| {
            let body = b.block("body");
            let done = b.block("done");
            b.br(body);
            b.position(body);
            let x = nsw_add(b, b.param(0), Operand::Const(opm_ir::Constant::int(32, 1)));
            adds.push(x.clone());
            let c = b.icmp(IntPredicate::Slt, x, b.param(1));
            b.cond_br(c, body, done);
            b.position(done);
            b.ret(None);
        });
        assert_eq!(got, [0]);
    }
}
