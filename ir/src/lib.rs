//! The canonical IR of OpenPassMarket: modules of SSA functions, modelled on LLVM's IR, in
//! pure Rust. It has no dependency on LLVM; backends translate to and from it.

pub mod attr;
pub mod builder;
pub mod cfg;
pub mod collections;
pub mod features;
pub mod hash;
pub mod inst;
pub mod intrinsic;
pub mod layout;
pub mod module;
pub mod names;
pub mod print;
pub mod types;
pub mod value;

pub use attr::{Attribute, Attrs};
pub use builder::FunctionBuilder;
pub use cfg::Cfg;
pub use inst::{
    Atomic, AtomicOrdering, BinOp, Call, CallConv, CastOp, Clause, Flags, FloatPredicate, Inst,
    IntPredicate, Op, RmwOp, SwitchCase, SyncScope, TailKind,
};
pub use layout::{ConstImage, DataLayout, GepPlan, Reloc, StructLayout};
pub use module::{
    Alias, Block, Comdat, ComdatSelection, Function, Global, Linkage, Module, ModuleFlag, Param,
    SymbolProps, TlsModel, UnnamedAddr, Visibility,
};
pub use types::{FloatKind, FunctionType, StructType, Type};
pub use value::{AsmDialect, BlockId, ConstExpr, Constant, InlineAsm, Operand, ValueId};
