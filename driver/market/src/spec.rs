//! [`PassSpec`]: one thing an adapter offers a plan — an LLVM pass, a Cranelift setting, a
//! GCC flag, or a preset — with what it takes and what it may change. A pipeline's elements
//! (`opm_backend::PassSpec`: a name, its parameters, its nesting) are uses of these.

use opm_backend::{BackendKind, Nest};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What applying a spec may change in what the program becomes.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    /// The module's IR (any LLVM pass that transforms).
    Ir,
    /// The generated machine code only (a code generator's setting or flag).
    Code,
    /// Which symbols the module defines or exports, and their linkage (`internalize`,
    /// `globaldce`).
    Symbols,
    /// The results of floating-point arithmetic (a flag that allows reassociation).
    FloatingPoint,
    /// Nothing the program computes: analyses, verifiers, printers.
    Nothing,
}

/// A parameter a spec takes, and the values it accepts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SpecParameter {
    pub name: String,
    /// The values accepted, when they are a list; empty when any value of `description`'s
    /// form is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// One thing an adapter offers a plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PassSpec {
    /// The adapter (backend) that offers it.
    pub adapter: BackendKind,
    /// Its name as a pipeline writes it (`gvn`, `opt_level`, `-funroll-loops`).
    pub name: String,
    /// Where it runs: an LLVM pass's pass manager (`function`, `loop`, …), or `setting` for
    /// a Cranelift setting, `flag` for a GCC option; a pipeline's element has the same.
    pub nest: Nest,
    /// Whether it names a whole pipeline of the adapter's (`default<O2>`, `-O2`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub preset: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<SpecParameter>,
    /// What it may change, sorted.
    pub may_change: Vec<Effect>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl PassSpec {
    /// The spec's key in a registry: its adapter and name (`llvm/gvn`).
    pub fn key(&self) -> String {
        format!("{}/{}", self.adapter.name(), self.name)
    }

    /// Whether the element `used` of one of `backend`'s pipelines is a use of this spec: the
    /// same adapter, name and nesting.
    pub fn offers(&self, backend: BackendKind, used: &opm_backend::PassSpec) -> bool {
        self.adapter == backend && self.name == used.name && self.nest == used.nest
    }
}
