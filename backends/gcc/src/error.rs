//! Errors of the GCC backend. Each says whose fault it is: a construct the C emitter does not
//! handle (with the function and the instruction), a pipeline gcc does not take, a missing or
//! failing gcc, or C that gcc rejects (a bug in opm when the canonical IR was valid).

use crate::flags::FlagsError;

/// What can go wrong between a canonical module and an object compiled by gcc.
#[derive(Debug, thiserror::Error)]
pub enum GccError {
    /// A construct the C emitter does not handle; `site` names the function and instruction
    /// (` in function @f, instruction `...``), or is empty at module level.
    #[error("unsupported: {construct} (GCC backend){site}")]
    Unsupported { construct: String, site: opm_backend::Site },
    /// Reading gcc's flags failed, or a pipeline does not parse or names a flag outside the
    /// catalog (see [`FlagsError::is_input_error`]).
    #[error(transparent)]
    Flags(#[from] FlagsError),
    /// No gcc was found. The environment is at fault.
    #[error("no gcc found ({0}); install it (apt-get install gcc) or point CC at gcc")]
    NoCompiler(String),
    /// gcc rejected the emitted C or crashed: a bug in opm's C emitter (or in gcc) when the
    /// canonical IR was valid. `log` holds gcc's messages.
    #[error("gcc could not compile the emitted C (`{command}`):\n{log}")]
    Compile { command: String, log: String },
    /// gcc ran longer than the time allowed; it was killed.
    #[error("gcc ran out of time ({seconds} s) compiling the emitted C")]
    Timeout { seconds: u64 },
    /// Writing the C file or reading the object failed.
    #[error("GCC backend: {0}")]
    Io(#[from] std::io::Error),
}

impl GccError {
    /// Whether the user's input (module or pipeline) is at fault rather than the backend.
    pub fn is_input_error(&self) -> bool {
        match self {
            GccError::Unsupported { .. } => true,
            GccError::Flags(e) => e.is_input_error(),
            _ => false,
        }
    }
}
