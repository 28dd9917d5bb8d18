//! Contracts as versioned documents: a [`Contract`] is one value of a contract type with its
//! name and the schema version it was written with, and [`schema`] gives each contract's JSON
//! Schema. The driver's own types are the contracts' bodies, one to one: a
//! `PerformanceSignal` contract is a line of a signals file with two fields more.

use crate::conformance::ConformanceReport;
use crate::graph::GraphOfContracts;
use crate::ledger::Entry;
use crate::privacy::PrivacyBudget;
use crate::spec::PassSpec;
use opm_search::{AuditLog, LocalProblem, PerformanceSignal, PlanDelta};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The version of every contract's schema this build writes and reads. A change that an
/// older reader would misread raises it; a reader refuses documents of a newer version.
pub const SCHEMA_VERSION: u32 = 1;

/// The contracts, by name.
pub const NAMES: [&str; 9] = [
    PassSpec::NAME,
    LocalProblem::NAME,
    PerformanceSignal::NAME,
    PlanDelta::NAME,
    AuditLog::NAME,
    PrivacyBudget::NAME,
    GraphOfContracts::NAME,
    ConformanceReport::NAME,
    Entry::NAME,
];

/// A contract type: its name among [`NAMES`].
pub trait Named: Serialize + DeserializeOwned + JsonSchema {
    const NAME: &'static str;
}

macro_rules! named {
    ($($t:ty => $name:literal),* $(,)?) => {
        $(impl Named for $t {
            const NAME: &'static str = $name;
        })*
    };
}

named! {
    PassSpec => "PassSpec",
    LocalProblem => "LocalProblem",
    PerformanceSignal => "PerformanceSignal",
    PlanDelta => "PlanDelta",
    AuditLog => "AuditLog",
    PrivacyBudget => "PrivacyBudget",
    GraphOfContracts => "GraphOfContracts",
    ConformanceReport => "ConformanceReport",
    Entry => "LedgerEntry",
}

/// One contract value as it is published: its contract's name, the schema version it was
/// written with, and its fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Contract<T> {
    /// The contract's name (`PerformanceSignal`, …).
    pub contract: String,
    /// The schema version the document was written with.
    pub schema_version: u32,
    #[serde(flatten)]
    pub body: T,
}

/// Why a document is not the contract it was read as.
#[derive(Debug, thiserror::Error)]
pub enum ContractError {
    #[error("not a {expected} document: {why}")]
    Malformed { expected: &'static str, why: String },
    #[error("a {found} document where a {expected} was expected")]
    OtherContract { expected: &'static str, found: String },
    #[error(
        "{contract} written with schema version {found}; this opm reads version {SCHEMA_VERSION} \
         and older"
    )]
    Newer { contract: &'static str, found: u32 },
}

impl<T: Named> Contract<T> {
    /// `body` as a contract of this build's schema version.
    pub fn new(body: T) -> Contract<T> {
        Contract { contract: T::NAME.to_string(), schema_version: SCHEMA_VERSION, body }
    }

    /// The document as JSON text.
    pub fn to_json(&self) -> String {
        // A contract holds strings, numbers and maps with string keys only: writing it to
        // a string cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a document, refusing another contract's or a newer schema version's.
    pub fn from_json(text: &str) -> Result<Contract<T>, ContractError> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| ContractError::Malformed { expected: T::NAME, why: e.to_string() })?;
        Contract::from_value(value)
    }

    /// Reads a document already parsed as JSON (see [`Contract::from_json`]).
    pub fn from_value(value: serde_json::Value) -> Result<Contract<T>, ContractError> {
        let found = value.get("contract").and_then(|c| c.as_str()).unwrap_or_default();
        if found != T::NAME {
            let found = if found.is_empty() { "unnamed".to_string() } else { found.to_string() };
            return Err(ContractError::OtherContract { expected: T::NAME, found });
        }
        let version = value.get("schema_version").and_then(|v| v.as_u64()).unwrap_or(0);
        if version > u64::from(SCHEMA_VERSION) {
            let found = u32::try_from(version).unwrap_or(u32::MAX);
            return Err(ContractError::Newer { contract: T::NAME, found });
        }
        serde_json::from_value(value)
            .map_err(|e| ContractError::Malformed { expected: T::NAME, why: e.to_string() })
    }
}

/// The JSON Schema (draft 2020-12) of the contract `name`'s documents, `None` for a name not
/// among [`NAMES`].
pub fn schema(name: &str) -> Option<serde_json::Value> {
    fn of<T: Named>() -> serde_json::Value {
        let mut schema = schemars::schema_for!(Contract<T>);
        schema
            .insert("$id".into(), format!("urn:opm:contract:{}:v{SCHEMA_VERSION}", T::NAME).into());
        schema.insert("title".into(), T::NAME.into());
        schema.to_value()
    }
    type Of = fn() -> serde_json::Value;
    let contracts: [(&str, Of); NAMES.len()] = [
        (PassSpec::NAME, of::<PassSpec>),
        (LocalProblem::NAME, of::<LocalProblem>),
        (PerformanceSignal::NAME, of::<PerformanceSignal>),
        (PlanDelta::NAME, of::<PlanDelta>),
        (AuditLog::NAME, of::<AuditLog>),
        (PrivacyBudget::NAME, of::<PrivacyBudget>),
        (GraphOfContracts::NAME, of::<GraphOfContracts>),
        (ConformanceReport::NAME, of::<ConformanceReport>),
        (Entry::NAME, of::<Entry>),
    ];
    contracts.iter().find(|(n, _)| *n == name).map(|(_, of)| of())
}
