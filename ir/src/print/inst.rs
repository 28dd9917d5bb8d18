//! One instruction per line, in LLVM's syntax: `%5 = add nsw i32 %3, 1`.
//!
//! Operands print with their own type (a constant's, or the defining instruction's); an
//! operand the function does not define falls back to the type the instruction implies, and
//! to `<unknown type>` when there is none, so that invalid IR still prints.

use super::attrs::attr_list;
use super::constant::{constant_text, int_text};
use super::local_names::LocalNames;
use crate::inst::{
    Atomic, Call, CallConv, CastOp, Clause, Flags, Inst, Op, SwitchCase, SyncScope, TailKind,
};
use crate::types::Type;
use crate::value::{BlockId, Constant, Operand};
use std::fmt::Write;

/// Where the instruction goes: the only difference is how a `switch` lays out its cases.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Layout {
    /// In a printed function: one case per line, as LLVM prints it.
    File,
    /// On one line (for messages).
    OneLine,
}

/// The instruction's text without indentation.
pub(super) fn inst_text(names: &LocalNames, inst: &Inst, layout: Layout) -> String {
    let mut out = String::new();
    if let Some(v) = inst.result {
        let _ = write!(out, "{} = ", names.value(v));
    }
    let p = Printer { names, inst };
    out.push_str(&p.op_text(layout));
    out
}

/// The flags as LLVM writes them after the opcode, each preceded by a space: fast-math flags
/// first (`fast` when all are set), then the others in [`Flags::names`] order; `nusw` is
/// implied by `inbounds` and not repeated.
pub(super) fn flags_text(flags: Flags) -> String {
    let mut out = String::new();
    let fmf = flags.fast_math();
    if fmf == Flags::FAST {
        out.push_str(" fast");
    } else {
        for name in fmf.names() {
            let _ = write!(out, " {name}");
        }
    }
    let mut rest = flags.outside(Flags::FAST);
    if rest.contains(Flags::INBOUNDS) {
        rest = rest.outside(Flags::NUSW);
    }
    for name in rest.names() {
        let _ = write!(out, " {name}");
    }
    out
}

/// `fastcc`, `coldcc`, `cc 64`; empty for the C convention.
pub(super) fn cconv_keyword(cc: CallConv) -> String {
    match cc.0 {
        0 => String::new(),
        8 => "fastcc".to_string(),
        9 => "coldcc".to_string(),
        n => format!("cc {n}"),
    }
}

/// The printing context of one instruction.
struct Printer<'a> {
    names: &'a LocalNames,
    inst: &'a Inst,
}

impl Printer<'_> {
    /// The operand without its type: `%3`, `7`, `@g`.
    fn value(&self, op: &Operand) -> String {
        match op {
            Operand::Value(v) => self.names.value(*v),
            Operand::Const(c) => self.constant(c),
        }
    }

    /// A constant without its type.
    fn constant(&self, c: &Constant) -> String {
        constant_text(c, self.names.block_labels())
    }

    /// The operand's type, or `hint` for a value the function does not define.
    fn ty(&self, op: &Operand, hint: Option<&Type>) -> String {
        match self.names.operand_type(op).or_else(|| hint.cloned()) {
            Some(t) => t.to_string(),
            None => "<unknown type>".to_string(),
        }
    }

    /// `i32 %3`.
    fn typed(&self, op: &Operand, hint: Option<&Type>) -> String {
        format!("{} {}", self.ty(op, hint), self.value(op))
    }

    /// The type two operands share: the first one known.
    fn common_ty(&self, a: &Operand, b: &Operand) -> String {
        let known = self.names.operand_type(a).or_else(|| self.names.operand_type(b));
        known.map_or_else(|| "<unknown type>".to_string(), |t| t.to_string())
    }

    fn label(&self, b: BlockId) -> String {
        format!("label {}", self.names.block(b))
    }

    fn op_text(&self, layout: Layout) -> String {
        let ty = &self.inst.ty;
        match &self.inst.op {
            Op::Bin { op, flags, lhs, rhs } => format!(
                "{}{} {} {}, {}",
                op.name(),
                flags_text(*flags),
                self.ty(lhs, Some(ty)),
                self.value(lhs),
                self.value(rhs)
            ),
            Op::FNeg { flags, val } => {
                format!("fneg{} {}", flags_text(*flags), self.typed(val, Some(ty)))
            }
            Op::ICmp { pred, flags, lhs, rhs } => format!(
                "icmp{} {} {} {}, {}",
                flags_text(*flags),
                pred.name(),
                self.common_ty(lhs, rhs),
                self.value(lhs),
                self.value(rhs)
            ),
            Op::FCmp { pred, flags, lhs, rhs } => format!(
                "fcmp{} {} {} {}, {}",
                flags_text(*flags),
                pred.name(),
                self.common_ty(lhs, rhs),
                self.value(lhs),
                self.value(rhs)
            ),
            Op::Select { flags, cond, then_val, else_val } => format!(
                "select{} {}, {}, {}",
                flags_text(*flags),
                self.typed(cond, Some(&Type::BOOL)),
                self.typed(then_val, Some(ty)),
                self.typed(else_val, Some(ty))
            ),
            Op::Cast { op, flags, val } => self.cast_text(*op, *flags, val),
            Op::Load { ptr, align, volatile, atomic } => {
                let mut out = format!(
                    "load{}{} {ty}, {}{}",
                    if atomic.is_some() { " atomic" } else { "" },
                    if *volatile { " volatile" } else { "" },
                    self.typed(ptr, Some(&Type::Ptr)),
                    atomic.map_or_else(String::new, atomic_text)
                );
                push_align(&mut out, *align);
                out
            }
            Op::Store { val, ptr, align, volatile, atomic } => {
                let mut out = format!(
                    "store{}{} {}, {}{}",
                    if atomic.is_some() { " atomic" } else { "" },
                    if *volatile { " volatile" } else { "" },
                    self.typed(val, None),
                    self.typed(ptr, Some(&Type::Ptr)),
                    atomic.map_or_else(String::new, atomic_text)
                );
                push_align(&mut out, *align);
                out
            }
            Op::AtomicRmw { op, ptr, val, align, volatile, atomic } => {
                let mut out = format!(
                    "atomicrmw{} {} {}, {}{}",
                    if *volatile { " volatile" } else { "" },
                    op.name(),
                    self.typed(ptr, Some(&Type::Ptr)),
                    self.typed(val, Some(ty)),
                    atomic_text(*atomic)
                );
                push_align(&mut out, *align);
                out
            }
            Op::CmpXchg { ptr, cmp, new, align, volatile, weak, success, failure, scope } => {
                let elem = ty.member(0);
                let mut out = format!(
                    "cmpxchg{}{} {}, {}, {}{} {}",
                    if *weak { " weak" } else { "" },
                    if *volatile { " volatile" } else { "" },
                    self.typed(ptr, Some(&Type::Ptr)),
                    self.typed(cmp, elem),
                    self.typed(new, elem),
                    atomic_text(Atomic { ordering: *success, scope: *scope }),
                    failure.name()
                );
                push_align(&mut out, *align);
                out
            }
            Op::Fence { atomic } => format!("fence{}", atomic_text(*atomic)),
            Op::Invoke { call, normal, unwind } => format!(
                "{} to {} unwind {}",
                self.call_text(call, "invoke"),
                self.label(*normal),
                self.label(*unwind)
            ),
            Op::LandingPad { cleanup, clauses } => {
                let mut out = format!("landingpad {ty}");
                let sep = match layout {
                    Layout::File => "\n          ",
                    Layout::OneLine => " ",
                };
                if *cleanup {
                    let _ = write!(out, "{sep}cleanup");
                }
                for clause in clauses {
                    let (word, c) = match clause {
                        Clause::Catch(c) => ("catch", c),
                        Clause::Filter(c) => ("filter", c),
                    };
                    let _ = write!(out, "{sep}{word} {} {}", c.ty(), self.constant(c));
                }
                out
            }
            Op::Resume { val } => format!("resume {}", self.typed(val, None)),
            Op::IndirectBr { addr, dests } => {
                let labels: Vec<String> = dests.iter().map(|d| self.label(*d)).collect();
                format!(
                    "indirectbr {}, [{}]",
                    self.typed(addr, Some(&Type::Ptr)),
                    labels.join(", ")
                )
            }
            Op::Alloca { ty: allocated, count, align } => {
                let mut out = format!("alloca {allocated}");
                let single = matches!(count, Operand::Const(Constant::Int { bits: 32, value: 1 }));
                if !single {
                    let _ = write!(out, ", {}", self.typed(count, None));
                }
                push_align(&mut out, *align);
                out
            }
            Op::Gep { source_ty, flags, base, indices } => {
                let mut out = format!(
                    "getelementptr{} {source_ty}, {}",
                    flags_text(*flags),
                    self.typed(base, Some(&Type::Ptr))
                );
                for index in indices {
                    let _ = write!(out, ", {}", self.typed(index, None));
                }
                out
            }
            Op::Call(call) => self.call_text(call, "call"),
            Op::Phi { flags, incoming } => {
                let arms: Vec<String> = incoming
                    .iter()
                    .map(|(v, b)| format!("[ {}, {} ]", self.value(v), self.names.block(*b)))
                    .collect();
                format!("phi{} {ty} {}", flags_text(*flags), arms.join(", "))
            }
            Op::Freeze { val } => format!("freeze {}", self.typed(val, Some(ty))),
            Op::VaArg { list } => format!("va_arg {}, {ty}", self.typed(list, Some(&Type::Ptr))),
            Op::ExtractValue { agg, indices } => {
                format!("extractvalue {}{}", self.typed(agg, None), index_list(indices))
            }
            Op::InsertValue { agg, val, indices } => format!(
                "insertvalue {}, {}{}",
                self.typed(agg, Some(ty)),
                self.typed(val, None),
                index_list(indices)
            ),
            Op::ExtractElement { vec, index } => {
                format!("extractelement {}, {}", self.typed(vec, None), self.typed(index, None))
            }
            Op::InsertElement { vec, val, index } => format!(
                "insertelement {}, {}, {}",
                self.typed(vec, Some(ty)),
                self.typed(val, ty.vector_len().map(|_| ty.scalar())),
                self.typed(index, None)
            ),
            Op::ShuffleVector { a, b, mask } => format!(
                "shufflevector {} {}, {} {}, {}",
                self.common_ty(a, b),
                self.value(a),
                self.common_ty(b, a),
                self.value(b),
                shuffle_mask(mask)
            ),
            Op::Ret { val: None } => "ret void".to_string(),
            Op::Ret { val: Some(v) } => format!("ret {}", self.typed(v, Some(self.names.ret_ty()))),
            Op::Br { dest } => format!("br {}", self.label(*dest)),
            Op::CondBr { cond, then_dest, else_dest } => format!(
                "br {}, {}, {}",
                self.typed(cond, Some(&Type::BOOL)),
                self.label(*then_dest),
                self.label(*else_dest)
            ),
            Op::Switch { val, default, cases } => self.switch_text(val, *default, cases, layout),
            Op::Unreachable => "unreachable".to_string(),
        }
    }

    /// `zext nneg i8 %x to i32`. LLVM 22 has no fast-math flags on `sitofp`/`uitofp` (its
    /// parser rejects them), so those are not printed there; dropping fast-math flags only
    /// removes permissions, so the module means the same.
    fn cast_text(&self, op: CastOp, flags: Flags, val: &Operand) -> String {
        let flags = match op {
            CastOp::SIToFP | CastOp::UIToFP => flags.outside(Flags::FAST),
            _ => flags,
        };
        format!("{}{} {} to {}", op.name(), flags_text(flags), self.typed(val, None), self.inst.ty)
    }

    /// `[tail] call [fmf] [cconv] [ret attrs] <ty> <callee>(<args>) [fn attrs]`, where `<ty>`
    /// is the whole function type for a variadic callee and the return type otherwise;
    /// `invoke …` the same way, up to the labels.
    fn call_text(&self, call: &Call, opcode: &str) -> String {
        let mut out = String::new();
        out.push_str(match call.tail {
            TailKind::None => "",
            TailKind::Tail => "tail ",
            TailKind::MustTail => "musttail ",
            TailKind::NoTail => "notail ",
        });
        out.push_str(opcode);
        out.push_str(&flags_text(call.flags));
        if call.cconv.0 != 0 {
            let _ = write!(out, " {}", cconv_keyword(call.cconv));
        }
        let ret_attrs = attr_list(&call.attrs.ret);
        if !ret_attrs.is_empty() {
            let _ = write!(out, " {ret_attrs}");
        }
        if call.fn_ty.varargs {
            let _ = write!(out, " {}", call.fn_ty);
        } else {
            let _ = write!(out, " {}", call.fn_ty.ret);
        }
        let _ = write!(out, " {}(", self.value(&call.callee));
        for (i, arg) in call.args.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(&self.ty(arg, call.fn_ty.params.get(i)));
            let arg_attrs = attr_list(call.attrs.param(i));
            if !arg_attrs.is_empty() {
                let _ = write!(out, " {arg_attrs}");
            }
            let _ = write!(out, " {}", self.value(arg));
        }
        out.push(')');
        let fn_attrs = attr_list(&call.attrs.func);
        if !fn_attrs.is_empty() {
            let _ = write!(out, " {fn_attrs}");
        }
        out
    }

    /// `switch i32 %x, label %d [ i32 1, label %a … ]`; case values in signed decimal of the
    /// condition's width.
    fn switch_text(
        &self,
        val: &Operand,
        default: BlockId,
        cases: &[SwitchCase],
        layout: Layout,
    ) -> String {
        let cond_ty = self.names.operand_type(val);
        let mut out = format!(
            "switch {} {}, {} [",
            cond_ty.as_ref().map_or_else(|| "<unknown type>".to_string(), Type::to_string),
            self.value(val),
            self.label(default)
        );
        let case_ty = cond_ty.unwrap_or(Type::I32);
        let bits = case_ty.int_bits().unwrap_or(128);
        let (before, end) = match layout {
            Layout::File => ("\n    ", "\n  ]"),
            Layout::OneLine => (" ", " ]"),
        };
        for case in cases {
            let _ = write!(
                out,
                "{before}{case_ty} {}, {}",
                int_text(bits, case.value),
                self.label(case.dest)
            );
        }
        out.push_str(if cases.is_empty() { "]" } else { end });
        out
    }
}

/// ` [syncscope("singlethread")] <ordering>`.
fn atomic_text(atomic: Atomic) -> String {
    let scope = match atomic.scope {
        SyncScope::System => "",
        SyncScope::SingleThread => " syncscope(\"singlethread\")",
    };
    format!("{scope} {}", atomic.ordering.name())
}

/// `, align N` unless 0 (unspecified).
fn push_align(out: &mut String, align: u64) {
    if align != 0 {
        let _ = write!(out, ", align {align}");
    }
}

/// `, 0, 1` for extractvalue/insertvalue.
fn index_list(indices: &[u32]) -> String {
    indices.iter().map(|i| format!(", {i}")).collect()
}

/// `<4 x i32> <i32 0, i32 poison, …>`; all zeros and all poison in LLVM's short forms.
fn shuffle_mask(mask: &[i32]) -> String {
    let head = format!("<{} x i32>", mask.len());
    if mask.iter().all(|&m| m == 0) {
        return format!("{head} zeroinitializer");
    }
    if mask.iter().all(|&m| m == -1) {
        return format!("{head} poison");
    }
    let elems: Vec<String> = mask
        .iter()
        .map(|&m| if m == -1 { "i32 poison".to_string() } else { format!("i32 {m}") })
        .collect();
    format!("{head} <{}>", elems.join(", "))
}
