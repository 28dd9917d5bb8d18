//! The state shared by the checks of one function: the module, the types of its values, and
//! the collected violations with their locations. Names and instruction texts come from the
//! printer, computed once per function and only when there is something to report.

use crate::violation::{BlockRef, Location, ValueRef, Violation, ViolationKind};
use opm_ir::collections::{HashMap, HashSet};
use opm_ir::print::{BlockLabels, LocalNames, PrintOptions, instruction_text};
use opm_ir::{Alias, BlockId, Constant, Function, Global, Inst, Module, Operand, Type, ValueId};
use std::cell::OnceCell;

/// A symbol of the module.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Symbol<'a> {
    Function(&'a Function),
    Global(&'a Global),
    Alias(&'a Alias),
}

/// The symbols of a module by name (the first of a name wins, globals before functions
/// before aliases; duplicates are reported by `verify_module`).
pub(crate) struct Symbols<'a>(HashMap<&'a str, Symbol<'a>>);

impl<'a> Symbols<'a> {
    pub fn new(m: &'a Module) -> Symbols<'a> {
        let mut map = HashMap::default();
        for g in &m.globals {
            map.entry(g.name.as_str()).or_insert(Symbol::Global(g));
        }
        for f in &m.functions {
            map.entry(f.name.as_str()).or_insert(Symbol::Function(f));
        }
        for a in &m.aliases {
            map.entry(a.name.as_str()).or_insert(Symbol::Alias(a));
        }
        Symbols(map)
    }

    pub fn get(&self, name: &str) -> Option<Symbol<'a>> {
        self.0.get(name).copied()
    }

    /// What `name` stands for once aliases whose aliasee is a symbol are followed (an
    /// alias of a constant expression, or a cycle, stays an alias).
    pub fn resolve(&self, name: &str) -> Option<Symbol<'a>> {
        let mut sym = self.get(name)?;
        for _ in 0..=self.0.len() {
            match sym {
                Symbol::Alias(a) => match &a.aliasee {
                    Constant::Global(next) => sym = self.get(next)?,
                    _ => return Some(sym),
                },
                _ => return Some(sym),
            }
        }
        Some(sym)
    }

    /// A block as violations name it when it belongs to the function `function` (the
    /// target of a `blockaddress`), which need not be the function being checked.
    pub fn foreign_block(&self, function: &str, b: BlockId, naming: Naming) -> BlockRef {
        let name = match (naming, self.get(function)) {
            (Naming::Raw, _) => b.to_string(),
            (Naming::Printer, Some(Symbol::Function(f))) => {
                LocalNames::new(f, PrintOptions::default()).block(b)
            }
            (Naming::Printer, _) => format!("%<no block {}>", b.0),
        };
        BlockRef { id: b, name }
    }

    /// The block labels of the functions that `blockaddress` constants of `f` name, for
    /// printing its instructions.
    fn block_labels(&self, f: &Function) -> BlockLabels {
        let mut labels = BlockLabels::default();
        let operands = f.blocks.iter().flat_map(|b| &b.insts).flat_map(|i| i.op.operands());
        for c in operands.filter_map(Operand::as_const) {
            c.walk(&mut |c| {
                let Constant::BlockAddress { function, .. } = c else { return };
                if labels.contains_key(function) {
                    return;
                }
                if let Some(Symbol::Function(g)) = self.get(function) {
                    let names = LocalNames::new(g, PrintOptions::default());
                    let all = (0..g.blocks.len()).map(|i| names.label(BlockId(i as u32)));
                    labels.insert(function.clone(), all.collect());
                }
            });
        }
        labels
    }
}

/// How values, blocks and instructions are spelled in violations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Naming {
    /// As the printer spells them (`%sum`, `%entry`, the instruction's line).
    Printer,
    /// By number (`v3`, `bb1`), without instruction texts: for the unit tests of the rules,
    /// which assert kinds, not texts.
    #[cfg_attr(not(test), allow(dead_code))]
    Raw,
}

/// Where inside a function a violation is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum At {
    Function,
    Block(usize),
    Inst(usize, usize),
}

/// The checks' view of one function.
pub(crate) struct FnCtx<'a> {
    pub symbols: &'a Symbols<'a>,
    pub f: &'a Function,
    /// The type of every value the function defines (the first definition wins).
    pub types: HashMap<ValueId, Type>,
    pub naming: Naming,
    names: OnceCell<LocalNames>,
    /// What has been reported, to report each violation once per place.
    seen: HashSet<(At, ViolationKind)>,
    /// Instruction texts already rendered, by (block, index).
    texts: HashMap<(usize, usize), String>,
    out: Vec<Violation>,
}

impl<'a> FnCtx<'a> {
    pub fn new(symbols: &'a Symbols<'a>, f: &'a Function, naming: Naming) -> FnCtx<'a> {
        FnCtx {
            symbols,
            f,
            types: f.value_types(),
            naming,
            names: OnceCell::new(),
            seen: HashSet::default(),
            texts: HashMap::default(),
            out: Vec::new(),
        }
    }

    fn names(&self) -> &LocalNames {
        self.names.get_or_init(|| {
            LocalNames::new(self.f, PrintOptions::default())
                .with_block_labels(&self.symbols.block_labels(self.f))
        })
    }

    /// A value as violations name it.
    pub fn value(&self, v: ValueId) -> ValueRef {
        let name = match self.naming {
            Naming::Printer => self.names().value(v),
            Naming::Raw => v.to_string(),
        };
        ValueRef { id: v, name }
    }

    /// A block as violations name it.
    pub fn block(&self, b: BlockId) -> BlockRef {
        let name = match self.naming {
            Naming::Printer => self.names().block(b),
            Naming::Raw => b.to_string(),
        };
        BlockRef { id: b, name }
    }

    /// The instruction at `(block, index)`, if it exists.
    pub fn inst(&self, b: usize, i: usize) -> Option<&'a Inst> {
        self.f.blocks.get(b)?.insts.get(i)
    }

    /// The type of an operand; `None` for a value the function does not define.
    pub fn ty_of(&self, op: &Operand) -> Option<Type> {
        Function::operand_type(&self.types, op)
    }

    /// The printed text of the instruction at `(b, i)`, rendered once.
    fn inst_text(&mut self, b: usize, i: usize) -> Option<String> {
        if self.naming == Naming::Raw {
            return None;
        }
        let inst = self.inst(b, i)?;
        if !self.texts.contains_key(&(b, i)) {
            let text = instruction_text(self.names(), inst);
            self.texts.insert((b, i), text);
        }
        self.texts.get(&(b, i)).cloned()
    }

    /// Records a violation at `at` (once: the same rule broken the same way at the same place,
    /// such as an `i0` that is both the type and the constant of an instruction, is one).
    pub fn report(&mut self, at: At, kind: ViolationKind) {
        if !self.seen.insert((at, kind.clone())) {
            return;
        }
        let mut location = Location { function: Some(self.f.name.clone()), ..Location::default() };
        let (block, inst) = match at {
            At::Function => (None, None),
            At::Block(b) => (Some(b), None),
            At::Inst(b, i) => (Some(b), Some(i)),
        };
        if let Some(b) = block {
            let id = BlockId(b as u32);
            location.block = Some(id);
            location.block_label = Some(self.block(id).name);
        }
        if let (Some(b), Some(i)) = (block, inst) {
            location.inst = Some(i);
            location.inst_text = self.inst_text(b, i);
        }
        self.out.push(Violation { location, kind });
    }

    /// The violations, in the order of the function: the function's own first, then block by
    /// block, each block's own before its instructions' (rules in checking order at one place).
    pub fn finish(mut self) -> Vec<Violation> {
        let position = |v: &Violation| (v.location.block, v.location.inst.map_or(0, |i| i + 1));
        self.out.sort_by_key(position);
        self.out
    }

    /// Every instruction with its position, in block order.
    pub fn insts(&self) -> impl Iterator<Item = (usize, usize, &'a Inst)> + use<'a> {
        let f = self.f;
        f.blocks.iter().enumerate().flat_map(|(b, block)| {
            block.insts.iter().enumerate().map(move |(i, inst)| (b, i, inst))
        })
    }
}

/// Reports for a global variable or the whole module (no blocks, no local names).
pub(crate) fn global_violation(global: Option<&str>, kind: ViolationKind) -> Violation {
    Violation {
        location: Location { global: global.map(str::to_string), ..Location::default() },
        kind,
    }
}

/// Reports for a function as a whole, without local names.
pub(crate) fn function_violation(function: &str, kind: ViolationKind) -> Violation {
    Violation {
        location: Location { function: Some(function.to_string()), ..Location::default() },
        kind,
    }
}
