//! Which 32- and 64-bit integer values are declared as C's signed types.
//!
//! Every `iN` is otherwise an unsigned local (see [`super::types`]), and a signed compare
//! converts it: `(int32_t)(v2) > 127`. gcc's phi optimisations match a select or a diamond
//! against the compare that chooses it only when both see the same operand, so
//! `v > 127 ? 127 : v` on an unsigned `v` compared as signed stays two branches where C's own
//! `int` gives a `MAX_EXPR` and a conditional move (a saturation in a loop became
//! mispredicted branches). A value compared as signed is therefore declared signed, with the
//! values its phis join it with and the other loads of its address, when every use of every one of them reads it through an
//! explicit conversion to the width and signedness it needs ([`super::ops`] writes such
//! conversions for every integer operation, compare and cast, so the declared signedness of
//! a 32- or 64-bit local never changes what an operation computes), and every definition
//! assigns it from an expression (C converts modulo 2^N, which is what gcc does). Other uses
//! (calls, intrinsics, atomics, addresses, switches, returns) leave the whole group unsigned.

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
