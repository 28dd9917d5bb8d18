//! The printer on invalid IR: it must never panic, and must say what is wrong in the text.

use super::*;
use crate::FunctionBuilder;
use crate::inst::{BinOp, Flags, Op};
use crate::module::Block;
use crate::types::{FunctionType, Type};
use crate::value::{BlockId, Operand, ValueId};

fn i32_fn() -> FunctionType {
    FunctionType { ret: Type::I32, params: vec![Type::I32], varargs: false }
}

#[test]
fn undefined_values_and_missing_blocks_print() {
    let mut b = FunctionBuilder::new("bad", i32_fn());
    let sum = b.bin(Type::I32, BinOp::Add, Operand::Value(ValueId(77)), b.param(0));
    let cmp = b.push(
        Type::BOOL,
        Op::ICmp {
            pred: crate::IntPredicate::Eq,
            flags: Flags::NONE,
            lhs: Operand::Value(ValueId(78)),
            rhs: Operand::Value(ValueId(79)),
        },
    );
    b.cond_br(cmp, BlockId(9), BlockId(0));
    let f = b.finish();
    let names = LocalNames::new(&f, PrintOptions::default());
    let inst = &f.blocks[0].insts[0];
    assert_eq!(instruction_text(&names, inst), "%2 = add i32 %<undefined v77>, %0");
    assert_eq!(
        instruction_text(&names, &f.blocks[0].insts[1]),
        "%3 = icmp eq <unknown type> %<undefined v78>, %<undefined v79>"
    );
    assert_eq!(
        instruction_text(&names, &f.blocks[0].insts[2]),
        "br i1 %3, label %<no block 9>, label %1"
    );
    let _ = sum;
    let text = print_function(&f, PrintOptions::default());
    assert!(text.contains("%<no block 9>"), "{text}");
}

#[test]
fn missing_terminator_and_empty_blocks_print() {
    let mut f = FunctionBuilder::new("f", i32_fn()).finish();
    f.blocks.push(Block::default());
    f.blocks[1].insts.push(Inst::void(Op::Ret { val: None }));
    f.blocks[1].insts.push(Inst::void(Op::Unreachable));
    let text = print_function(&f, PrintOptions::default());
    assert_eq!(text, "define i32 @f(i32 %0) {\n1:\n\n2:\n  ret void\n  unreachable\n}\n");
}

#[test]
fn odd_shapes_do_not_panic() {
    let mut b = FunctionBuilder::new("f", i32_fn());
    b.push(Type::Void, Op::Phi { flags: Flags::FAST, incoming: vec![] });
    b.push_void(Op::Switch {
        val: Operand::Value(ValueId(40)),
        default: BlockId(3),
        cases: vec![],
    });
    b.push(Type::I32, Op::ShuffleVector { a: b.param(0), b: b.param(0), mask: vec![] });
    b.push(Type::I32, Op::ExtractValue { agg: Operand::Value(ValueId(50)), indices: vec![] });
    b.push(
        Type::Int(0),
        Op::Bin {
            op: BinOp::Add,
            flags: Flags(u32::MAX),
            lhs: Operand::int(0, 5),
            rhs: Operand::int(200, -1),
        },
    );
    let mut f = b.finish();
    f.params.clear();
    f.ty.params.push(Type::Void);
    f.blocks[0].insts.push(Inst {
        result: Some(ValueId(1)),
        name: Some(String::new()),
        ty: Type::Void,
        op: Op::Ret { val: Some(Operand::Value(ValueId(1))) },
    });
    let module = crate::Module { functions: vec![f], ..Default::default() };
    let text = print_module(&module, PrintOptions::default());
    assert!(text.contains("%<missing parameter>"), "{text}");
    assert!(text.contains("switch <unknown type> %<undefined v40>, label %<no block 3> []"));
    let _ = crate::hash::structural_hash(&module);
}
