//! Modules, global variables, functions and basic blocks.

use crate::attr::Attrs;
use crate::collections::HashMap;
use crate::inst::{CallConv, Inst};
use crate::types::{FunctionType, Type};
use crate::value::{BlockId, Constant, Operand, ValueId};
use serde::{Deserialize, Serialize};

/// A translation unit: what one `.ll` or `.bc` file holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Module {
    /// The module identifier (`; ModuleID = '...'`).
    pub name: String,
    pub source_filename: String,
    /// `target triple = "..."`; empty when absent.
    pub target_triple: String,
    /// `target datalayout = "..."`; empty when absent.
    pub data_layout: String,
    pub globals: Vec<Global>,
    pub functions: Vec<Function>,
    /// `@name = alias T, ptr @target`: other names of globals and functions.
    #[serde(default)]
    pub aliases: Vec<Alias>,
    /// Integer-valued entries of `!llvm.module.flags` (`PIE Level`, `wchar_size`, …), which
    /// influence code generation.
    pub flags: Vec<ModuleFlag>,
}

/// One integer-valued module flag: `!{i32 behavior, !"key", iN value}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ModuleFlag {
    /// LLVM's merge behaviour (1 = Error, 7 = Max, 8 = Min, …).
    pub behavior: u32,
    pub key: String,
    /// Width of the value's integer type.
    pub bits: u32,
    pub value: u64,
}

/// Symbol linkage.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Linkage {
    #[default]
    External,
    Internal,
    Private,
    Weak,
    WeakOdr,
    LinkOnce,
    LinkOnceOdr,
    Common,
    AvailableExternally,
    ExternWeak,
    Appending,
}

impl Linkage {
    /// LLVM's keyword (empty for `external`, which is implied).
    pub fn keyword(self) -> &'static str {
        match self {
            Linkage::External => "",
            Linkage::Internal => "internal",
            Linkage::Private => "private",
            Linkage::Weak => "weak",
            Linkage::WeakOdr => "weak_odr",
            Linkage::LinkOnce => "linkonce",
            Linkage::LinkOnceOdr => "linkonce_odr",
            Linkage::Common => "common",
            Linkage::AvailableExternally => "available_externally",
            Linkage::ExternWeak => "extern_weak",
            Linkage::Appending => "appending",
        }
    }

    /// Whether the symbol is visible to other translation units.
    pub fn is_exported(self) -> bool {
        !matches!(self, Linkage::Internal | Linkage::Private)
    }
}

/// Symbol visibility.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Visibility {
    #[default]
    Default,
    Hidden,
    Protected,
}

/// `unnamed_addr` / `local_unnamed_addr`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UnnamedAddr {
    #[default]
    None,
    Local,
    Global,
}

/// Thread-local storage model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TlsModel {
    GeneralDynamic,
    LocalDynamic,
    InitialExec,
    LocalExec,
}

/// How the linker chooses among the copies of a comdat group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ComdatSelection {
    #[default]
    Any,
    ExactMatch,
    Largest,
    NoDeduplicate,
    SameSize,
}

impl ComdatSelection {
    /// LLVM's keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            ComdatSelection::Any => "any",
            ComdatSelection::ExactMatch => "exactmatch",
            ComdatSelection::Largest => "largest",
            ComdatSelection::NoDeduplicate => "nodeduplicate",
            ComdatSelection::SameSize => "samesize",
        }
    }
}

/// A comdat: a group of sections the linker keeps or drops together (C++ inline functions,
/// Rust generics instantiated in several crates).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Comdat {
    pub name: String,
    pub selection: ComdatSelection,
}

/// An alias: another name for (an address inside) a global variable or function.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Alias {
    pub name: String,
    /// The value type the alias is declared with (`@a = alias i32, ptr @g`).
    pub ty: Type,
    /// What it stands for: a global, a function, another alias, or a constant expression
    /// of them (a `getelementptr` into a global).
    pub aliasee: Constant,
    pub props: SymbolProps,
    pub thread_local: Option<TlsModel>,
}

/// Properties shared by global variables and functions.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SymbolProps {
    pub linkage: Linkage,
    pub visibility: Visibility,
    pub dso_local: bool,
    pub unnamed_addr: UnnamedAddr,
    pub section: Option<String>,
    /// Alignment in bytes (0: unspecified).
    pub align: u64,
    /// The comdat group the symbol belongs to (never for an alias).
    #[serde(default)]
    pub comdat: Option<Comdat>,
}

/// A global variable.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Global {
    pub name: String,
    /// The type of the value stored.
    pub ty: Type,
    /// The initializer; `None` for a declaration of a variable defined elsewhere.
    pub init: Option<Constant>,
    /// `constant` rather than `global`.
    pub is_constant: bool,
    pub props: SymbolProps,
    pub thread_local: Option<TlsModel>,
    pub externally_initialized: bool,
}

/// A function parameter: its value inside the body and its source name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Param {
    pub value: ValueId,
    pub name: Option<String>,
}

/// A function: a declaration when it has no blocks.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Function {
    pub name: String,
    pub ty: FunctionType,
    /// One per entry of `ty.params`.
    pub params: Vec<Param>,
    pub attrs: Attrs,
    pub props: SymbolProps,
    pub cconv: CallConv,
    /// `personality ptr @f`: the personality function of a definition, which a function
    /// with landing pads must have (rustc attaches one to every function, even with
    /// `panic=abort`).
    #[serde(default)]
    pub personality: Option<Constant>,
    /// The body; the first block is the entry.
    pub blocks: Vec<Block>,
}

/// A basic block: instructions ending in one terminator.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Block {
    pub name: Option<String>,
    pub insts: Vec<Inst>,
}

impl Block {
    /// The last instruction, if it is a terminator.
    pub fn terminator(&self) -> Option<&Inst> {
        self.insts.last().filter(|i| i.op.is_terminator())
    }

    /// The successors named by the terminator.
    pub fn successors(&self) -> Vec<BlockId> {
        self.terminator().map(|t| t.op.successors()).unwrap_or_default()
    }
}

impl Module {
    /// The function named `name`.
    pub fn function(&self, name: &str) -> Option<&Function> {
        self.functions.iter().find(|f| f.name == name)
    }

    /// The global variable named `name`.
    pub fn global(&self, name: &str) -> Option<&Global> {
        self.globals.iter().find(|g| g.name == name)
    }

    /// The alias named `name`.
    pub fn alias(&self, name: &str) -> Option<&Alias> {
        self.aliases.iter().find(|a| a.name == name)
    }

    /// Every comdat used by a global or a function, once, in order of first use.
    pub fn comdats(&self) -> Vec<&Comdat> {
        let mut out: Vec<&Comdat> = Vec::new();
        let props = self.globals.iter().map(|g| &g.props);
        for c in
            props.chain(self.functions.iter().map(|f| &f.props)).filter_map(|p| p.comdat.as_ref())
        {
            if !out.iter().any(|o| o.name == c.name) {
                out.push(c);
            }
        }
        out
    }

    /// Functions with a body.
    pub fn definitions(&self) -> impl Iterator<Item = &Function> {
        self.functions.iter().filter(|f| !f.is_declaration())
    }

    /// The definitions whose code this module's object holds: every definition but the
    /// `available_externally` ones, copies of code defined elsewhere (glibc's extern inline
    /// `atoi`, say) kept only for inlining; a code generator treats those as declarations.
    pub fn emitted_definitions(&self) -> impl Iterator<Item = &Function> {
        self.definitions().filter(|f| f.props.linkage != Linkage::AvailableExternally)
    }

    /// This module as a code generator that does not inline compiles it: the
    /// `available_externally` definitions marked `alwaysinline`, code that exists only to be
    /// inlined and that no library exports a symbol for (libstdc++'s `std::string` members),
    /// become private copies (`internal`) instead of declarations; other
    /// `available_externally` definitions (glibc's `atoi`) stay declarations of the library's
    /// code. Borrowed as it is when it has none.
    pub fn with_inline_only_copies(&self) -> std::borrow::Cow<'_, Module> {
        let inline_only = |f: &Function| {
            f.props.linkage == Linkage::AvailableExternally
                && !f.is_declaration()
                && f.attrs.func_has("alwaysinline")
        };
        if !self.functions.iter().any(inline_only) {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut module = self.clone();
        for f in module.functions.iter_mut().filter(|f| inline_only(f)) {
            f.props.linkage = Linkage::Internal;
        }
        std::borrow::Cow::Owned(module)
    }

    /// The number of instructions in all function bodies.
    pub fn instruction_count(&self) -> usize {
        self.functions.iter().map(Function::instruction_count).sum()
    }
}

impl Function {
    /// A declaration with parameters numbered from 0.
    pub fn declaration(name: impl Into<String>, ty: FunctionType) -> Function {
        let params =
            (0..ty.params.len()).map(|i| Param { value: ValueId(i as u32), name: None }).collect();
        Function {
            name: name.into(),
            ty,
            params,
            attrs: Attrs::default(),
            props: SymbolProps::default(),
            cconv: CallConv::C,
            personality: None,
            blocks: Vec::new(),
        }
    }

    /// Has no body.
    pub fn is_declaration(&self) -> bool {
        self.blocks.is_empty()
    }

    /// The number of instructions in the body.
    pub fn instruction_count(&self) -> usize {
        self.blocks.iter().map(|b| b.insts.len()).sum()
    }

    /// The types of every value defined in the function (parameters and results). A value
    /// defined twice keeps its first type; the verifier reports the duplicate.
    pub fn value_types(&self) -> HashMap<ValueId, Type> {
        let mut types = HashMap::default();
        for (p, ty) in self.params.iter().zip(&self.ty.params) {
            types.entry(p.value).or_insert_with(|| ty.clone());
        }
        for inst in self.blocks.iter().flat_map(|b| &b.insts) {
            if let Some(v) = inst.result {
                types.entry(v).or_insert_with(|| inst.ty.clone());
            }
        }
        types
    }

    /// The type of an operand, given [`Function::value_types`]; `None` for an undefined value.
    pub fn operand_type(types: &HashMap<ValueId, Type>, op: &Operand) -> Option<Type> {
        match op {
            Operand::Value(v) => types.get(v).cloned(),
            Operand::Const(c) => Some(c.ty()),
        }
    }

    /// A value number not used yet in this function.
    pub fn next_value_id(&self) -> ValueId {
        let params = self.params.iter().map(|p| p.value.0);
        let results = self.blocks.iter().flat_map(|b| &b.insts).filter_map(|i| i.result);
        ValueId(params.chain(results.map(|v| v.0)).max().map_or(0, |m| m + 1))
    }

    /// The predecessors of every block, in block order, one entry per edge.
    pub fn predecessors(&self) -> Vec<Vec<BlockId>> {
        let mut preds = vec![Vec::new(); self.blocks.len()];
        for (i, b) in self.blocks.iter().enumerate() {
            for s in b.successors() {
                if let Some(p) = preds.get_mut(s.index()) {
                    p.push(BlockId(i as u32));
                }
            }
        }
        preds
    }
}
