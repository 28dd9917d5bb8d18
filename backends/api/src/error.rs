//! Errors of any backend, each saying whose fault it is ([`ErrorKind`]), and where in the
//! module a construct was found ([`Site`]).

use std::fmt;

/// Where a construct was found: the function and the instruction, as they are written, or
/// the global whose initializer holds it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Site {
    /// The function, if inside one.
    pub function: Option<String>,
    /// The instruction's text, if inside one.
    pub inst: Option<String>,
    /// The global, if at one.
    pub global: Option<String>,
    /// With `global`: inside its initializer.
    pub initializer: bool,
}

impl Site {
    /// The module level.
    pub fn module() -> Site {
        Site::default()
    }

    /// Inside the function `name`.
    pub fn function(name: &str) -> Site {
        Site { function: Some(name.to_string()), ..Site::default() }
    }

    /// At the instruction `inst` (its text) of the function `name`.
    pub fn instruction(name: &str, inst: String) -> Site {
        Site { function: Some(name.to_string()), inst: Some(inst), ..Site::default() }
    }

    /// At the global `name`.
    pub fn global(name: &str) -> Site {
        Site { global: Some(name.to_string()), ..Site::default() }
    }

    /// In the initializer of the global `name`.
    pub fn initializer(name: &str) -> Site {
        Site { initializer: true, ..Site::global(name) }
    }
}

/// ` in function @f, instruction `…``, ` in global @g`, ` in the initializer of @g`, or
/// nothing at the module level.
impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(func) = &self.function {
            write!(f, " in function @{func}")?;
        }
        match &self.global {
            Some(global) if self.initializer => write!(f, " in the initializer of @{global}")?,
            Some(global) => write!(f, " in global @{global}")?,
            None => {}
        }
        if let Some(inst) = &self.inst {
            write!(f, ", instruction `{inst}`")?;
        }
        Ok(())
    }
}

/// Whose fault an error is, which decides the exit status and a candidate's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The user's input or arguments: a malformed module, a pipeline the backend does not
    /// take.
    Input,
    /// A construct this backend does not handle; the message names it, the function and the
    /// instruction.
    Unsupported,
    /// A tool the backend needs is missing or unusable (no gcc, `CC` naming clang).
    Environment,
    /// A compiler process ran out of the time it was given.
    Timeout,
    /// The backend or its compiler failed where it should not have: a bug in opm or in the
    /// compiler.
    Internal,
}

impl ErrorKind {
    /// Whether the user (their input, arguments or machine) rather than opm is at fault.
    pub fn is_users(self) -> bool {
        matches!(self, ErrorKind::Input | ErrorKind::Unsupported | ErrorKind::Environment)
    }
}

/// An error of a backend: a kind and the backend's own error, whose message it shows.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    source: Box<dyn std::error::Error + Send + Sync>,
}

impl Error {
    /// An error of `kind` from the backend's own error `source`.
    pub fn new(
        kind: ErrorKind,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Error {
        Error { kind, source: source.into() }
    }

    /// Whose fault it is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The backend's own error, to look at its details (`downcast_ref::<LlvmError>()`).
    pub fn inner(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.source
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.source.fmt(f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.source()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_name_the_function_and_instruction() {
        assert_eq!(Site::module().to_string(), "");
        assert_eq!(Site::function("f").to_string(), " in function @f");
        let site = Site::instruction("main", "%x = add i32 %a, 1".into());
        assert_eq!(site.to_string(), " in function @main, instruction `%x = add i32 %a, 1`");
        assert_eq!(Site::initializer("table").to_string(), " in the initializer of @table");
        assert_eq!(Site::global("table").to_string(), " in global @table");
    }

    #[test]
    fn errors_show_the_backends_message() {
        let e = Error::new(ErrorKind::Environment, "no gcc found");
        assert_eq!(e.to_string(), "no gcc found");
        assert!(e.kind().is_users());
        assert!(!ErrorKind::Internal.is_users() && !ErrorKind::Timeout.is_users());
    }
}
