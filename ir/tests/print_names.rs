//! Local names: LLVM's slot numbering (with `anonymous_locals` and for unnamed values), and
//! the uniquing of source names.

use opm_ir::print::{LocalNames, PrintOptions, instruction_text};
use opm_ir::{
    BinOp, Block, BlockId, Flags, Function, FunctionBuilder, FunctionType, Inst, Op, Operand, Type,
    ValueId,
};

const ANONYMOUS: PrintOptions = PrintOptions { anonymous_locals: true };

/// `f(i32 %a, i32 %b)` with blocks `entry`, `body`, `exit`: named and unnamed results, and
/// void instructions in between.
fn sample() -> Function {
    let ty = FunctionType { ret: Type::I32, params: vec![Type::I32, Type::I32], varargs: false };
    let mut b = FunctionBuilder::new("f", ty);
    b.func_mut().params[0].name = Some("a".into());
    b.func_mut().params[1].name = Some("b".into());
    b.func_mut().blocks[0].name = Some("entry".into());
    let body = b.block("body");
    let exit = b.block("exit");
    let slot =
        b.push(Type::Ptr, Op::Alloca { ty: Type::I32, count: Operand::int(32, 1), align: 4 });
    b.push_void(Op::Store {
        val: b.param(0),
        ptr: slot.clone(),
        align: 4,
        volatile: false,
        atomic: None,
    });
    b.br(body);
    b.position(body);
    let sum = b.bin(Type::I32, BinOp::Add, b.param(0), b.param(1));
    b.br(exit);
    b.position(exit);
    let twice = b.bin(Type::I32, BinOp::Add, sum.clone(), sum);
    b.ret(Some(twice));
    let mut f = b.finish();
    f.blocks[1].insts[0].name = Some("sum".into());
    f
}

#[test]
fn anonymous_locals_follow_llvm_slot_order() {
    let f = sample();
    let names = LocalNames::new(&f, ANONYMOUS);
    // Parameters first, then per block: the label, then the unnamed non-void results.
    assert_eq!(names.value(ValueId(0)), "%0");
    assert_eq!(names.value(ValueId(1)), "%1");
    assert_eq!(names.block(BlockId(0)), "%2");
    assert_eq!(names.value(f.blocks[0].insts[0].result.unwrap()), "%3");
    assert_eq!(names.block(BlockId(1)), "%4");
    assert_eq!(names.value(f.blocks[1].insts[0].result.unwrap()), "%5");
    assert_eq!(names.block(BlockId(2)), "%6");
    assert_eq!(names.value(f.blocks[2].insts[0].result.unwrap()), "%7");
    assert_eq!(instruction_text(&names, &f.blocks[2].insts[0]), "%7 = add i32 %5, %5");
    assert_eq!(instruction_text(&names, &f.blocks[0].insts[1]), "store i32 %0, ptr %3, align 4");
}

#[test]
fn source_names_where_present_numbers_elsewhere() {
    let f = sample();
    let names = LocalNames::new(&f, PrintOptions::default());
    assert_eq!(names.value(ValueId(0)), "%a");
    assert_eq!(names.value(ValueId(1)), "%b");
    assert_eq!(names.block(BlockId(0)), "%entry");
    // The numbering skips named values and blocks.
    assert_eq!(names.value(f.blocks[0].insts[0].result.unwrap()), "%0");
    assert_eq!(names.value(f.blocks[1].insts[0].result.unwrap()), "%sum");
    assert_eq!(names.value(f.blocks[2].insts[0].result.unwrap()), "%1");
    assert_eq!(instruction_text(&names, &f.blocks[2].insts[0]), "%1 = add i32 %sum, %sum");
    assert_eq!(instruction_text(&names, &f.blocks[1].insts[1]), "br label %exit");
}

#[test]
fn duplicate_names_are_made_unique_without_collisions() {
    let ty = FunctionType { ret: Type::Void, params: vec![Type::I32; 3], varargs: false };
    let mut b = FunctionBuilder::new("dups", ty);
    for (p, name) in b.func_mut().params.iter_mut().zip(["x", "x", "x1"]) {
        p.name = Some(name.into());
    }
    b.func_mut().blocks[0].name = Some("x".into());
    let mut results = Vec::new();
    for name in ["x", "y", "y", "123", "two words"] {
        let v = b.fresh();
        b.push_inst(Inst {
            result: Some(v),
            name: Some(name.into()),
            ty: Type::I32,
            op: Op::Bin {
                op: BinOp::Add,
                flags: Flags::NONE,
                lhs: b.param(0),
                rhs: Operand::int(32, 1),
            },
        });
        results.push(v);
    }
    b.ret(None);
    let f = b.finish();
    let names = LocalNames::new(&f, PrintOptions::default());
    let spelled: Vec<String> = f.params.iter().map(|p| names.value(p.value)).collect();
    // The first holder keeps the name; later ones get a counter suffix that no source name
    // uses (`x1` is taken by the third parameter).
    assert_eq!(spelled, ["%x", "%x2", "%x1"]);
    assert_eq!(names.block(BlockId(0)), "%x3");
    let spelled: Vec<String> = results.iter().map(|v| names.value(*v)).collect();
    // An all-digit name counts as no name: it is numbered.
    assert_eq!(spelled, ["%x4", "%y", "%y5", "%0", "%\"two words\""]);

    // Every spelling is distinct.
    let mut all: Vec<String> = f.params.iter().map(|p| names.value(p.value)).collect();
    all.extend(results.iter().map(|v| names.value(*v)));
    all.push(names.block(BlockId(0)));
    let count = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), count);
}

#[test]
fn numeric_block_names_are_numbered_in_slot_order() {
    let mut f = sample();
    f.blocks[1].name = Some("17".into());
    f.blocks.push(Block { name: Some(String::new()), insts: vec![Inst::void(Op::Unreachable)] });
    let names = LocalNames::new(&f, PrintOptions::default());
    assert_eq!(names.value(f.blocks[0].insts[0].result.unwrap()), "%0");
    assert_eq!(names.block(BlockId(1)), "%1");
    assert_eq!(names.block(BlockId(3)), "%3");
}

#[test]
fn names_do_not_change_the_structural_hash() {
    let plain = opm_ir::Module { functions: vec![sample()], ..Default::default() };
    let mut renamed = plain.clone();
    let f = &mut renamed.functions[0];
    f.params[0].name = Some("other".into());
    f.blocks[2].name = None;
    f.blocks[1].insts[0].name = Some("total".into());
    assert_eq!(plain.structural_hash(), renamed.structural_hash());
}
