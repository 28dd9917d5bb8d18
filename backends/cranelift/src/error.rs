//! Errors of the Cranelift backend. Each says whose fault it is: a construct the backend does
//! not lower (with the function and the instruction), a pipeline it cannot parse, or a failure
//! inside Cranelift itself.

/// What can go wrong between a canonical module and a Cranelift object.
#[derive(Debug, thiserror::Error)]
pub enum CraneliftError {
    /// A construct this backend does not lower; `site` names the function and instruction
    /// (` in function @f, instruction `...``), or is empty at module level.
    #[error("unsupported: {construct} (Cranelift backend){site}")]
    Unsupported { construct: String, site: opm_backend::Site },
    /// A pipeline (Cranelift settings) that does not parse or names an unknown setting.
    #[error("invalid Cranelift pipeline `{pipeline}`: {message}")]
    Pipeline { pipeline: String, message: String },
    /// Cranelift's verifier or code generator rejected a function (a bug in opm when the
    /// canonical IR was valid). `unsupported`: Cranelift has no lowering for one of its
    /// instructions on this target.
    #[error("Cranelift could not compile function @{function}: {message}")]
    Codegen { function: String, message: String, unsupported: bool },
    /// Declaring or defining symbols, or writing the object, failed.
    #[error("Cranelift module: {0}")]
    Module(String),
    /// Cranelift or the lowering stopped on an internal assertion (a bug in opm or
    /// Cranelift).
    #[error("the Cranelift backend failed (a bug in opm or Cranelift): {0}")]
    Internal(String),
}

impl CraneliftError {
    /// Whether the user's input (module or pipeline) is at fault rather than the backend.
    pub fn is_input_error(&self) -> bool {
        matches!(self, CraneliftError::Pipeline { .. } | CraneliftError::Unsupported { .. })
    }
}
