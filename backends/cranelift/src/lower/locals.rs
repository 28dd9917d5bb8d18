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

#[cfg(test)]
mod tests {
    use super::promotable;
    use opm_ir::layout::DataLayout;
    use opm_ir::{Constant, FunctionBuilder, FunctionType, Op, Operand, Type};

    fn int(bits: u32, v: i128) -> Operand {
        Operand::Const(Constant::int(bits, v))
    }

    /// Which of a function's locals become variables: by name, those accessed as the
    /// promotion needs, not those whose address escapes or whose accesses disagree.
    #[test]
    fn only_locals_whose_address_never_escapes_are_promoted() {
        let ty = FunctionType { ret: Type::Int(32), params: vec![Type::Ptr], varargs: false };
        let mut b = FunctionBuilder::new("f", ty);
        let local = |b: &mut FunctionBuilder, ty: Type, count: i128| {
            b.push(Type::Ptr, Op::Alloca { ty, count: int(32, count), align: 8 })
        };
        let plain = local(&mut b, Type::Int(32), 1);
        let bytes = local(&mut b, Type::Array(8, Box::new(Type::Int(8))), 1);
        let marked = local(&mut b, Type::Double, 1);
        let volatile = local(&mut b, Type::Int(32), 1);
        let punned = local(&mut b, Type::Int(64), 1);
        let small = local(&mut b, Type::Int(16), 1);
        let passed = local(&mut b, Type::Int(32), 1);
        let indexed = local(&mut b, Type::Int(32), 2);
        let stored = local(&mut b, Type::Ptr, 1);
        let unused = local(&mut b, Type::Int(32), 1);
        let leaked = local(&mut b, Type::Int(32), 1);
        let store = |b: &mut FunctionBuilder, val: Operand, ptr: &Operand, volatile: bool| {
            let ptr = ptr.clone();
            b.push_void(Op::Store { val, ptr, align: 0, volatile, atomic: None });
        };
        let load = |b: &mut FunctionBuilder, ty: Type, ptr: &Operand| {
            let op = Op::Load { ptr: ptr.clone(), align: 0, volatile: false, atomic: None };
            b.push(ty, op)
        };
        let lifetime = FunctionType { ret: Type::Void, params: vec![Type::Ptr], varargs: false };
        b.call("llvm.lifetime.start.p0", lifetime.clone(), vec![marked.clone()]);
        store(&mut b, int(32, 1), &plain, false);
        store(&mut b, int(64, 2), &bytes, false);
        store(
            &mut b,
            Operand::Const(Constant::Float { kind: opm_ir::FloatKind::Double, bits: 0 }),
            &marked,
            false,
        );
        store(&mut b, int(32, 3), &volatile, true);
        store(&mut b, int(64, 4), &punned, false);
        store(&mut b, int(32, 5), &small, false);
        store(&mut b, int(32, 6), &passed, false);
        store(&mut b, int(32, 7), &indexed, false);
        let param = b.param(0);
        store(&mut b, param.clone(), &stored, false);
        store(&mut b, int(32, 8), &leaked, false);
        store(&mut b, leaked.clone(), &param, false);
        let sink = FunctionType { ret: Type::Void, params: vec![Type::Ptr], varargs: false };
        b.call("sink", sink, vec![passed.clone()]);
        load(&mut b, Type::Int(32), &plain);
        load(&mut b, Type::Int(64), &bytes);
        load(&mut b, Type::Double, &marked);
        load(&mut b, Type::Int(32), &volatile);
        load(&mut b, Type::Double, &punned);
        let r = load(&mut b, Type::Int(32), &small);
        load(&mut b, Type::Ptr, &stored);
        load(&mut b, Type::Int(32), &leaked);
        b.call("llvm.lifetime.end.p0", lifetime, vec![marked.clone()]);
        b.ret(Some(r));
        let f = b.finish();
        let layout = DataLayout::parse("e-m:e-i64:64-i128:128-n8:16:32:64-S128");
        let layout = layout.expect("a data layout");
        let found = promotable(&f, &f.value_types(), &layout);
        let name = |o: &Operand| o.as_value().expect("an alloca's value");
        let mut promoted: Vec<_> = found.iter().map(|(v, ty)| (*v, ty.clone())).collect();
        promoted.sort_by_key(|(v, _)| v.0);
        assert_eq!(
            promoted,
            vec![
                (name(&plain), Type::Int(32)),
                (name(&bytes), Type::Int(64)),
                (name(&marked), Type::Double),
                (name(&stored), Type::Ptr),
            ],
            "plain, an i64 in [8 x i8], one under lifetime markers, one holding a pointer; \
             not a volatile one, one read as another type, one smaller than its access, one \
             whose address is passed or stored, an array of two, nor one never accessed"
        );
        assert!(![unused, leaked].iter().any(|v| found.contains_key(&name(v))));
    }
}
