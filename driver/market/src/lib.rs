//! OpenPassMarket's market of pass plans. Adapters (backends) publish what they offer as
//! contracts; plans and their measured effects are published as evidence; the decisions
//! about them are recorded. This crate holds the contracts: versioned data, each with a JSON
//! Schema (`opm-driver schema NAME`); signed attestations of what a search found (`attest`)
//! and the keys that sign them (`keys`); the registry of adapters, specs and plans
//! (`registry`, in SQLite); the governance ledger of its decisions (`ledger`, an append-only
//! Merkle log in SQLite). It reaches no compiler: anyone can verify an attestation, a
//! registry or a ledger without one (the conformance checks and replays that do compile live
//! in `opm-conformance` and `opm-replay`).

pub mod aggregate;
pub mod attest;
pub mod conformance;
pub mod contracts;
mod db;
pub mod graph;
pub mod keys;
pub mod ledger;
pub mod privacy;
pub mod registry;
pub mod spec;
pub mod store;

pub use conformance::{CheckResult, ConformanceReport, Status};
pub use contracts::{Contract, ContractError, NAMES, Named, SCHEMA_VERSION, schema};
pub use graph::{Adapter, Edge, GraphError, GraphOfContracts, Node, Plan, ProblemRef, Relation};
pub use privacy::{PrivacyBudget, PrivacySpend};
pub use spec::{Effect, PassSpec, SpecParameter};
