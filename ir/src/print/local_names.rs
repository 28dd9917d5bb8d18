//! How the local values and blocks of one function are spelled: source names where there are
//! any (made unique), numbers in LLVM's slot order for the rest.
//!
//! LLVM numbers unnamed values in one sequence per function: the parameters, then for each
//! block its label (when unnamed) followed by the unnamed results of its instructions. Its
//! parser insists on exactly that order, so the printer follows it. Values and blocks share
//! one namespace, as in LLVM.

use super::PrintOptions;
use super::constant::BlockLabels;
use crate::collections::{HashMap, HashSet};
use crate::module::Function;
use crate::names::quote_if_needed;
use crate::types::Type;
use crate::value::{BlockId, Operand, ValueId};

/// How the printer spells the local values and blocks of one function.
pub struct LocalNames {
    /// `%name` / `%7` of each value the function defines.
    values: HashMap<ValueId, String>,
    /// The label of each block, without the `%` (`entry`, `3`, `"a b"`).
    labels: Vec<String>,
    /// The type of each value the function defines (operands print with their type).
    types: HashMap<ValueId, Type>,
    /// The function's return type (`ret` prints it).
    ret_ty: Type,
    /// The labels `blockaddress` constants use: this function's, and those of the other
    /// functions of the module that [`LocalNames::with_block_labels`] added.
    block_labels: BlockLabels,
}

/// Something that receives a name: a value or a block, in LLVM's slot order.
#[derive(Clone, Copy)]
enum Slot {
    Value(ValueId),
    Block(usize),
}

impl LocalNames {
    /// Computes the names of `func`'s parameters, results and blocks.
    pub fn new(func: &Function, opts: PrintOptions) -> LocalNames {
        // Everything that gets a name, in slot order, with its source name (if it counts).
        let mut slots: Vec<(Slot, Option<&str>)> = Vec::new();
        let mut seen: HashSet<ValueId> = HashSet::default();
        for p in &func.params {
            if seen.insert(p.value) {
                slots.push((Slot::Value(p.value), p.name.as_deref()));
            }
        }
        for (i, block) in func.blocks.iter().enumerate() {
            slots.push((Slot::Block(i), block.name.as_deref()));
            for inst in &block.insts {
                if let Some(v) = inst.result
                    && seen.insert(v)
                {
                    slots.push((Slot::Value(v), inst.name.as_deref()));
                }
            }
        }
        let source_name = |name: Option<&str>| {
            name.filter(|n| !opts.anonymous_locals && !is_numeric(n)).map(str::to_string)
        };

        // First come, first served: the first holder of a source name keeps it; later ones
        // get a suffix that no source name uses.
        let mut taken: HashSet<String> = HashSet::default();
        let mut names: Vec<Option<String>> = Vec::with_capacity(slots.len());
        for (_, name) in &slots {
            let name = source_name(*name).filter(|n| taken.insert(n.clone()));
            names.push(name);
        }
        let mut counter = 0u64;
        for (i, (_, name)) in slots.iter().enumerate() {
            if names[i].is_some() {
                continue;
            }
            if let Some(base) = source_name(*name) {
                let unique = loop {
                    counter += 1;
                    let candidate = format!("{base}{counter}");
                    if taken.insert(candidate.clone()) {
                        break candidate;
                    }
                };
                names[i] = Some(unique);
            }
        }

        let mut values = HashMap::default();
        let mut labels = vec![String::new(); func.blocks.len()];
        let mut next_number = 0u64;
        for ((slot, _), name) in slots.iter().zip(names) {
            let spelled = match name {
                Some(n) => quote_if_needed(&n),
                None => {
                    next_number += 1;
                    (next_number - 1).to_string()
                }
            };
            match *slot {
                Slot::Value(v) => {
                    values.insert(v, format!("%{spelled}"));
                }
                Slot::Block(b) => labels[b] = spelled,
            }
        }
        let mut block_labels = BlockLabels::default();
        if !labels.is_empty() {
            block_labels.insert(func.name.clone(), labels.clone());
        }
        LocalNames {
            values,
            labels,
            types: func.value_types(),
            ret_ty: func.ty.ret.clone(),
            block_labels,
        }
    }

    /// Adds the block labels of other functions, for `blockaddress` constants that name them.
    pub fn with_block_labels(mut self, labels: &BlockLabels) -> LocalNames {
        for (f, l) in labels {
            self.block_labels.entry(f.clone()).or_insert_with(|| l.clone());
        }
        self
    }

    /// The labels of every block of this function, in block order.
    pub(super) fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The labels `blockaddress` constants use.
    pub(super) fn block_labels(&self) -> &BlockLabels {
        &self.block_labels
    }

    /// `%name` or `%7`; a value the function does not define prints as `%<undefined v7>`.
    pub fn value(&self, v: ValueId) -> String {
        match self.values.get(&v) {
            Some(name) => name.clone(),
            None => format!("%<undefined {v}>"),
        }
    }

    /// `%label` or `%3`; a block that does not exist prints as `%<no block 9>`.
    pub fn block(&self, b: BlockId) -> String {
        format!("%{}", self.label(b))
    }

    /// The block's label as it stands before the `:` (`entry`, `3`); `<no block 9>` for a
    /// block that does not exist.
    pub fn label(&self, b: BlockId) -> String {
        match self.labels.get(b.index()) {
            Some(label) => label.clone(),
            None => format!("<no block {}>", b.0),
        }
    }

    /// The type of an operand; `None` for a value the function does not define.
    pub(super) fn operand_type(&self, op: &Operand) -> Option<Type> {
        Function::operand_type(&self.types, op)
    }

    /// The return type of the function.
    pub(super) fn ret_ty(&self) -> &Type {
        &self.ret_ty
    }
}

/// Names LLVM would read as slot numbers (`%7`), and empty names, count as no name.
fn is_numeric(name: &str) -> bool {
    name.bytes().all(|b| b.is_ascii_digit())
}
