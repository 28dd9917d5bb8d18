//! A small builder for function bodies, for tests and for transforms that create code.

use crate::inst::{BinOp, Call, Flags, Inst, IntPredicate, Op, SwitchCase};
use crate::module::{Block, Function};
use crate::types::{FunctionType, Type};
use crate::value::{BlockId, Constant, Operand, ValueId};

/// Appends instructions to the blocks of a function, numbering results as it goes.
pub struct FunctionBuilder {
    func: Function,
    current: BlockId,
    next: u32,
}

impl FunctionBuilder {
    /// Starts a definition of `name` with one (empty) entry block.
    pub fn new(name: impl Into<String>, ty: FunctionType) -> FunctionBuilder {
        let mut func = Function::declaration(name, ty);
        func.blocks.push(Block::default());
        let next = func.params.len() as u32;
        FunctionBuilder { func, current: BlockId(0), next }
    }

    /// Parameter `i` as an operand.
    pub fn param(&self, i: usize) -> Operand {
        Operand::Value(self.func.params[i].value)
    }

    /// A new, empty block (the builder stays where it is).
    pub fn block(&mut self, name: &str) -> BlockId {
        self.func.blocks.push(Block { name: Some(name.to_string()), insts: Vec::new() });
        BlockId(self.func.blocks.len() as u32 - 1)
    }

    /// Continue appending at the end of `b`.
    pub fn position(&mut self, b: BlockId) {
        self.current = b;
    }

    /// The block instructions go to.
    pub fn current(&self) -> BlockId {
        self.current
    }

    /// A fresh value number (for building invalid code on purpose, or forward references).
    pub fn fresh(&mut self) -> ValueId {
        let v = ValueId(self.next);
        self.next += 1;
        v
    }

    /// Appends an instruction producing a value of type `ty` and returns that value.
    pub fn push(&mut self, ty: Type, op: Op) -> Operand {
        let v = self.fresh();
        self.push_inst(Inst { result: Some(v), name: None, ty, op });
        Operand::Value(v)
    }

    /// Appends an instruction without a result.
    pub fn push_void(&mut self, op: Op) {
        self.push_inst(Inst::void(op));
    }

    /// Appends a prepared instruction.
    pub fn push_inst(&mut self, inst: Inst) {
        self.func.blocks[self.current.index()].insts.push(inst);
    }

    /// `lhs op rhs` of `lhs`'s type.
    pub fn bin(&mut self, ty: Type, op: BinOp, lhs: Operand, rhs: Operand) -> Operand {
        self.push(ty, Op::Bin { op, flags: Flags::NONE, lhs, rhs })
    }

    /// `icmp pred lhs, rhs`.
    pub fn icmp(&mut self, pred: IntPredicate, lhs: Operand, rhs: Operand) -> Operand {
        self.push(Type::BOOL, Op::ICmp { pred, flags: Flags::NONE, lhs, rhs })
    }

    /// A phi of type `ty`.
    pub fn phi(&mut self, ty: Type, incoming: Vec<(Operand, BlockId)>) -> Operand {
        self.push(ty, Op::Phi { flags: Flags::NONE, incoming })
    }

    /// A direct call to `callee` with signature `fn_ty`.
    pub fn call(&mut self, callee: &str, fn_ty: FunctionType, args: Vec<Operand>) -> Operand {
        let ret = fn_ty.ret.clone();
        let op = Op::Call(Box::new(Call::new(Operand::global(callee), fn_ty, args)));
        if ret.is_void() {
            self.push_void(op);
            Operand::Const(Constant::Undef(Type::Void))
        } else {
            self.push(ret, op)
        }
    }

    /// `br label %dest`.
    pub fn br(&mut self, dest: BlockId) {
        self.push_void(Op::Br { dest });
    }

    /// `br i1 %cond, label %t, label %e`.
    pub fn cond_br(&mut self, cond: Operand, then_dest: BlockId, else_dest: BlockId) {
        self.push_void(Op::CondBr { cond, then_dest, else_dest });
    }

    /// `switch`.
    pub fn switch(&mut self, val: Operand, default: BlockId, cases: &[(u128, BlockId)]) {
        let cases = cases.iter().map(|&(value, dest)| SwitchCase { value, dest }).collect();
        self.push_void(Op::Switch { val, default, cases });
    }

    /// `ret`.
    pub fn ret(&mut self, val: Option<Operand>) {
        self.push_void(Op::Ret { val });
    }

    /// The function built so far.
    pub fn func_mut(&mut self) -> &mut Function {
        &mut self.func
    }

    /// The finished function.
    pub fn finish(self) -> Function {
        self.func
    }
}
