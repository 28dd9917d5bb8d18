//! Local variables in SSA values (`locals=registers`, the default). An unoptimised module
//! keeps every local variable in an `alloca`, loaded before each use and stored after each
//! assignment; Cranelift has no pass that promotes a stack slot to registers, so each would
//! stay a memory access. Here an `alloca` of the entry block is a cranelift-frontend
//! variable instead of a stack slot when its address is only the address of whole loads and
//! stores of one scalar type no larger than the allocation (neither volatile nor atomic),
//! or the operand of a hint the lowering drops (lifetime markers): its address never
//! escapes, so no other access can reach its memory. A load is then the variable's value
//! where it is (a block parameter where paths meet, which cranelift-frontend's SSA
//! construction adds), a store a new definition; a load that no store reaches reads 0, a
//! value as good as any for memory never written. In a function that calls a function that
//! returns twice (`setjmp`) every `alloca` stays in memory: a variable written between the
//! two returns must read as written after `longjmp`, which a register restored by `longjmp`
//! would not. (There, the address of each `alloca` used after such a call is also kept in a
//! slot of its own by [`crate::returns_twice`], so it escapes anyway.)

use opm_ir::layout::DataLayout;
use opm_ir::{Constant, Function, Op, Operand, Type, ValueId};
use std::collections::HashMap;

/// The `alloca`s of `f` that can be variables, each with the scalar type it is accessed as
/// (`types`: the type of every value of `f`).
pub(crate) fn promotable(
    f: &Function,
    types: &opm_ir::collections::HashMap<ValueId, Type>,
    layout: &DataLayout,
) -> HashMap<ValueId, Type> {
    // Each candidate's size, and the type of its accesses so far (`None`: none yet).
    let mut found: HashMap<ValueId, (u64, Option<Type>)> = HashMap::new();
    let Some(entry) = f.blocks.first() else {
        return HashMap::new();
    };
    for inst in &entry.insts {
        if let (Op::Alloca { ty, count, .. }, Some(v)) = (&inst.op, inst.result)
            && count.as_const().and_then(Constant::as_signed) == Some(1)
            && let Ok(size) = layout.size_of(ty)
        {
            found.insert(v, (size, None));
        }
    }
    if found.is_empty() {
        return HashMap::new();
    }
    let mut rejected: Vec<ValueId> = Vec::new();
    let mut access = |found: &mut HashMap<ValueId, (u64, Option<Type>)>, v: ValueId, ty: Type| {
        if let Some((_, seen)) = found.get_mut(&v) {
            match seen {
                Some(t) if *t != ty => rejected.push(v),
                Some(_) => {}
                None => *seen = Some(ty),
            }
        }
    };
    let mut escapes: Vec<ValueId> = Vec::new();
    for inst in f.blocks.iter().flat_map(|b| &b.insts) {
        match &inst.op {
            Op::Load { ptr: Operand::Value(p), volatile: false, atomic: None, .. }
                if found.contains_key(p) =>
            {
                access(&mut found, *p, inst.ty.clone());
            }
            Op::Store { val, ptr: Operand::Value(p), volatile: false, atomic: None, .. }
                if found.contains_key(p) =>
            {
                let ty = match val {
                    Operand::Value(x) => {
                        escapes.push(*x);
                        types.get(x).cloned()
                    }
                    Operand::Const(c) => Some(c.ty()),
                };
                match ty {
                    Some(ty) => access(&mut found, *p, ty),
                    None => escapes.push(*p),
                }
            }
            Op::Call(c) if c.callee_name().is_some_and(opm_ir::intrinsic::is_hint) => {}
            op => escapes.extend(op.operands().into_iter().filter_map(|o| o.as_value())),
        }
    }
    for v in escapes.into_iter().chain(rejected) {
        found.remove(&v);
    }
    found
        .into_iter()
        .filter_map(|(v, (size, ty))| {
            let ty = ty?;
            let scalar = match ty {
                Type::Int(n) => n <= opm_ir::types::NATIVE_INT_BITS,
                Type::Float | Type::Double | Type::Ptr => true,
                _ => false,
            };
            (scalar && layout.size_of(&ty).is_ok_and(|s| s <= size)).then_some((v, ty))
        })
        .collect()
}
