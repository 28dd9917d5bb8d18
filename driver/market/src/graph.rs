//! [`GraphOfContracts`]: what the registry knows, as a graph. Nodes are adapters, the specs
//! they offer, plans and the problems plans were measured on; edges say that a spec belongs
//! to an adapter, that a plan uses a spec, and that a plan was measured on a problem.

use crate::spec::PassSpec;
use opm_backend::BackendKind;
use opm_search::{MetricDelta, Objective};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// A backend as the registry knows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Adapter {
    /// Its name in the registry (`llvm`, or a name of its own for an adapter of another
    /// maker).
    pub name: String,
    pub backend: BackendKind,
    /// The adapter's own version.
    pub version: String,
    /// The versions of the tools it drives (`llvm`: `22.1.8`, `gcc`: `14.2.0`).
    pub tools: BTreeMap<String, String>,
    /// The target triple it generates code for.
    pub target: String,
}

/// A plan known to be good for a kind of program.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Plan {
    /// Its key in the registry.
    pub id: String,
    pub backend: BackendKind,
    /// The pipeline, in its backend's syntax.
    pub pipeline: String,
    /// The kind of program it was found good for (a feature bucket), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind_of_program: Option<String>,
    /// What it improved, against the baseline it was measured with.
    #[serde(default)]
    pub improved: Vec<MetricDelta>,
}

/// A problem a plan was measured on: the module by its digest, never its IR.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProblemRef {
    /// `LocalProblem::id`.
    pub id: String,
    /// The module's digest.
    pub module_digest: String,
    pub objective: Objective,
}

/// One end of an edge.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "node", content = "id", rename_all = "kebab-case")]
pub enum Node {
    /// An adapter's name.
    Adapter(String),
    /// A spec's key (`llvm/gvn`, see [`PassSpec::key`]).
    Spec(String),
    /// A plan's id.
    Plan(String),
    /// A problem's id.
    Problem(String),
}

/// What an edge says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Relation {
    /// A spec belongs to an adapter.
    BelongsTo,
    /// A plan uses a spec.
    Uses,
    /// A plan was measured on a problem.
    MeasuredOn,
}

impl Relation {
    /// Whether `from` and `to` are the kinds of node this relation joins.
    fn joins(self, from: &Node, to: &Node) -> bool {
        matches!(
            (self, from, to),
            (Relation::BelongsTo, Node::Spec(_), Node::Adapter(_))
                | (Relation::Uses, Node::Plan(_), Node::Spec(_))
                | (Relation::MeasuredOn, Node::Plan(_), Node::Problem(_))
        )
    }
}

/// A directed edge.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Edge {
    pub from: Node,
    pub to: Node,
    pub relation: Relation,
}

/// Why a graph does not hold together.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum GraphError {
    #[error("two {kind}s named `{key}`")]
    Duplicate { kind: &'static str, key: String },
    #[error("edge {index} ({relation:?}) joins a node that is not in the graph: {node:?}")]
    Dangling { index: usize, relation: Relation, node: Node },
    #[error("edge {index} says {relation:?} from {from:?} to {to:?}, which it cannot join")]
    WrongKinds { index: usize, relation: Relation, from: Node, to: Node },
    #[error("spec `{spec}` belongs to no adapter")]
    Orphan { spec: String },
}

/// What the registry knows: adapters, their specs, plans and problems, and the edges
/// between them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GraphOfContracts {
    #[serde(default)]
    pub adapters: Vec<Adapter>,
    #[serde(default)]
    pub specs: Vec<PassSpec>,
    #[serde(default)]
    pub plans: Vec<Plan>,
    #[serde(default)]
    pub problems: Vec<ProblemRef>,
    #[serde(default)]
    pub edges: Vec<Edge>,
}

impl GraphOfContracts {
    /// Checks that every node is named once, every edge joins two nodes of the graph of the
    /// kinds its relation joins, and every spec belongs to an adapter.
    pub fn check(&self) -> Result<(), GraphError> {
        let mut nodes = HashSet::new();
        let mut add = |kind: &'static str, node: Node, key: &str| {
            if nodes.insert(node) {
                Ok(())
            } else {
                Err(GraphError::Duplicate { kind, key: key.to_string() })
            }
        };
        for a in &self.adapters {
            add("adapter", Node::Adapter(a.name.clone()), &a.name)?;
        }
        for s in &self.specs {
            add("spec", Node::Spec(s.key()), &s.key())?;
        }
        for p in &self.plans {
            add("plan", Node::Plan(p.id.clone()), &p.id)?;
        }
        for p in &self.problems {
            add("problem", Node::Problem(p.id.clone()), &p.id)?;
        }
        let mut owned = HashSet::new();
        for (index, e) in self.edges.iter().enumerate() {
            for node in [&e.from, &e.to] {
                if !nodes.contains(node) {
                    let node = node.clone();
                    return Err(GraphError::Dangling { index, relation: e.relation, node });
                }
            }
            if !e.relation.joins(&e.from, &e.to) {
                return Err(GraphError::WrongKinds {
                    index,
                    relation: e.relation,
                    from: e.from.clone(),
                    to: e.to.clone(),
                });
            }
            if e.relation == Relation::BelongsTo {
                owned.insert(e.from.clone());
            }
        }
        match self.specs.iter().find(|s| !owned.contains(&Node::Spec(s.key()))) {
            Some(s) => Err(GraphError::Orphan { spec: s.key() }),
            None => Ok(()),
        }
    }

    /// The nodes `from` has an edge of `relation` to.
    pub fn targets<'a>(
        &'a self,
        from: &'a Node,
        relation: Relation,
    ) -> impl Iterator<Item = &'a Node> {
        self.edges.iter().filter(move |e| &e.from == from && e.relation == relation).map(|e| &e.to)
    }
}
