//! `opm-driver`: the command-line interface.

use clap::{Parser, Subcommand};
use opm_driver::build::{BuildOptions, build_executable};
use opm_driver::toolchain::shell_exit_code;
use opm_driver::{Backend, DriverError, Input};
use opm_ir::print::{PrintOptions, print_module};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "opm-driver",
    version,
    about = "OpenPassMarket: searches, proves and measures compiler pass pipelines",
    after_help = "Exit status: 0 ok, 1 verification or program failure, 2 usage or input error.\n\
                  `run` exits with the program's own status (128+N when signal N ended it)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the canonical IR of FILE (.ll or .bc) as LLVM text.
    Ir {
        file: PathBuf,
        /// Write to this file instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Print the canonical IR as JSON instead.
        #[arg(long)]
        json: bool,
        /// Number local values and blocks instead of using their names.
        #[arg(long)]
        anonymous: bool,
    },
    /// Check FILE: LLVM's verifier, the canonical IR's invariants, and that the module
    /// builds back into LLVM.
    Verify { file: PathBuf },
    /// Build FILE through the canonical IR and run it, forwarding its output and status.
    Run {
        file: PathBuf,
        #[command(flatten)]
        build: BuildArgs,
        /// Arguments for the program.
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Build FILE through the canonical IR into an executable.
    Compile {
        file: PathBuf,
        /// The executable to write.
        #[arg(short, long)]
        output: PathBuf,
        #[command(flatten)]
        build: BuildArgs,
    },
}

#[derive(clap::Args)]
struct BuildArgs {
    /// Code generator.
    #[arg(long, value_enum, default_value = "llvm")]
    backend: Backend,
    /// Pass pipeline to apply before code generation, in the backend's syntax
    /// (LLVM: `default<O2>`, `function(sroa,instcombine<no-verify-fixpoint>)`).
    #[arg(long)]
    pipeline: Option<String>,
}

impl BuildArgs {
    fn options(&self) -> BuildOptions {
        BuildOptions {
            backend: self.backend,
            pipeline: self.pipeline.clone(),
            ..Default::default()
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(e) => {
            report(&e);
            ExitCode::from(e.exit_code())
        }
    }
}

fn report(e: &DriverError) {
    // Parse errors already start with `file:line:col:`; everything else gets a prefix.
    match e {
        DriverError::Llvm(opm_llvm::LlvmError::Parse { .. }) => eprintln!("{e}"),
        _ => eprintln!("opm-driver: error: {e}"),
    }
}

fn run(command: Command) -> Result<ExitCode, DriverError> {
    match command {
        Command::Ir { file, output, json, anonymous } => {
            let input = Input::load(&file)?;
            let text = if json {
                serde_json::to_string_pretty(&input.module).expect("the IR serialises") + "\n"
            } else {
                print_module(&input.module, PrintOptions { anonymous_locals: anonymous })
            };
            write_output(output.as_deref(), &text)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify { file } => {
            let input = Input::load(&file)?;
            input.verify()?;
            // The module must also build back into a module LLVM accepts.
            let ctx = opm_llvm::inkwell::context::Context::create();
            opm_llvm::export_module(&ctx, &input.module)?;
            let m = &input.module;
            println!(
                "{}: ok ({} functions, {} globals, {} instructions; hash {})",
                file.display(),
                m.definitions().count(),
                m.globals.len(),
                m.instruction_count(),
                m.structural_hash()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Run { file, build, args } => {
            let input = Input::load(&file)?;
            input.verify()?;
            let dir = temp_dir()?;
            let exe = dir.path().join(exe_name(&file));
            build_executable(&input.module, &build.options(), &exe)?;
            let status = std::process::Command::new(&exe)
                .args(&args)
                .status()
                .map_err(|source| DriverError::Io { path: exe.clone(), source })?;
            let code = shell_exit_code(status);
            if let Some(sig) = std::os::unix::process::ExitStatusExt::signal(&status) {
                eprintln!("opm-driver: {} was terminated by signal {sig}", file.display());
            }
            Ok(ExitCode::from(code.clamp(0, 255) as u8))
        }
        Command::Compile { file, output, build } => {
            let input = Input::load(&file)?;
            input.verify()?;
            build_executable(&input.module, &build.options(), &output)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn exe_name(file: &Path) -> String {
    file.file_stem().map_or_else(|| "program".into(), |s| s.to_string_lossy().into_owned())
}

fn temp_dir() -> Result<tempfile::TempDir, DriverError> {
    tempfile::Builder::new()
        .prefix("opm-run-")
        .tempdir()
        .map_err(|source| DriverError::Io { path: std::env::temp_dir(), source })
}

fn write_output(path: Option<&Path>, text: &str) -> Result<(), DriverError> {
    let result = match path {
        Some(p) => std::fs::write(p, text),
        None => std::io::stdout().lock().write_all(text.as_bytes()),
    };
    result.map_err(|source| DriverError::Io {
        path: path.map_or_else(|| "<stdout>".into(), Path::to_path_buf),
        source,
    })
}
