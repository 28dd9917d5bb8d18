//! OpenPassMarket's market of pass plans. Adapters (backends) publish what they offer as
//! contracts; plans and their measured effects are published as evidence; the decisions
//! about them are recorded. This crate holds the contracts: versioned data, each with a JSON
//! Schema (`opm-driver schema NAME`). It reaches no compiler and does no I/O.

pub mod contracts;
pub mod graph;
pub mod privacy;
pub mod spec;

pub use contracts::{Contract, ContractError, NAMES, Named, SCHEMA_VERSION, schema};
pub use graph::{Adapter, Edge, GraphError, GraphOfContracts, Node, Plan, ProblemRef, Relation};
pub use privacy::{PrivacyBudget, PrivacySpend};
pub use spec::{Effect, PassSpec, SpecParameter};
