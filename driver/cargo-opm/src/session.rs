//! What every command starts with: the project and its binary, rustc checked against opm's
//! LLVM, the binary's store; and the builds they share.

use crate::args::ProjectArgs;
use crate::cargo::{Built, Module, Select, Spec};
use crate::error::Error;
use crate::project::{Bin, CargoArgs, Project};
use crate::store::Store;
use crate::toolchain::Rustc;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// [`crate::compile::prepare`], timed.
pub fn prepare_timed(raw: &Path, out: &Path) -> Result<Duration, Error> {
    let start = Instant::now();
    let instcount = crate::compile::prepare(raw, out)?;
    eprintln!(
        "cargo-opm: {} instructions once `{}` removed what nothing reaches ({:.1} s)",
        instcount,
        crate::compile::PREPARE,
        start.elapsed().as_secs_f64()
    );
    Ok(start.elapsed())
}

pub struct Session {
    pub project: Project,
    pub bin: Bin,
    pub rustc: Rustc,
    /// The LLVM opm is built with.
    pub opm_llvm: String,
    pub store: Store,
}

impl Session {
    /// Finds the project and the binary, checks rustc (its LLVM, the target).
    pub fn open(p: &ProjectArgs) -> Result<Session, Error> {
        let project = Project::open(CargoArgs::parse(p)?)?;
        let bin = project.bin(p.bin.as_deref())?;
        let rustc = Rustc::find()?;
        let opm_llvm = opm_engine::backends::signal_tools().llvm;
        rustc.check_llvm(&opm_llvm)?;
        if let Some(t) = project.args.target.as_ref().filter(|t| **t != rustc.host) {
            return Err(Error::Usage(format!(
                "--target {t}: cargo opm builds for this machine ({}) only, since it runs what \
                 it builds",
                rustc.host
            )));
        }
        let store = Store::new(&project.opm_dir(), &bin.name);
        Ok(Session { project, bin, rustc, opm_llvm, store })
    }

    /// cargo's target directory for opm's builds.
    pub fn build_dir(&self) -> PathBuf {
        self.project.opm_dir().join("build")
    }

    fn spec(&self, fat_lto: bool, keep_module: bool) -> Spec {
        Spec {
            package_id: self.bin.package_id.clone(),
            package: self.bin.package.clone(),
            select: Select::Bin(self.bin.name.clone()),
            profile: self.project.args.profile.clone(),
            fat_lto,
            keep_module,
            harness: false,
            target_dir: self.build_dir(),
        }
    }

    /// Cargo's own build of the binary, with fat LTO or without, for `tune`'s table.
    pub fn baseline_spec(&self, fat_lto: bool) -> Spec {
        self.spec(fat_lto, false)
    }

    /// Builds the binary's whole-program module (see [`crate::cargo`]): timed (the crate alone,
    /// dependencies built) or not.
    pub fn build_module(&self, timed: bool) -> Result<(Built, Module), Error> {
        let spec = self.spec(true, true);
        self.module_of(&spec, timed)
    }

    /// Builds `spec` (one that keeps its module) and finds its module.
    pub fn module_of(&self, spec: &Spec, timed: bool) -> Result<(Built, Module), Error> {
        let host = &self.rustc.host;
        let built = if timed {
            self.project.cargo_build_timed(spec, host)?
        } else {
            self.project.cargo_build(spec, host, true)?
        };
        let Some(line) = built.link_line.as_deref() else {
            return Err(Error::Build(format!(
                "rustc printed no link line for {} of package `{}`",
                spec.select.describe(),
                spec.package
            )));
        };
        let module = Module::from_link_line(line, &spec.profile)?;
        Ok((built, module))
    }

    /// Keeps the binary's module and link line in its store, and prepares the module the
    /// search runs on ([`crate::compile::prepare`]). Returns how long preparing took.
    pub fn store_module(&self, module: &Module) -> Result<Duration, Error> {
        self.store.create()?;
        crate::store::copy(&module.bitcode, &self.store.raw_module())?;
        let line = self.store.link_line();
        std::fs::write(&line, format!("{}\n", module.line)).map_err(|e| Error::io(&line, e))?;
        let args = self.store.link_args();
        module.link.write(&args).map_err(|e| Error::io(&args, e))?;
        prepare_timed(&module.bitcode, &self.store.module())
    }

    /// The label of cargo's build in the profile (`cargo build --release`).
    pub fn cargo_label(&self) -> String {
        match self.project.args.profile.as_str() {
            "release" => "cargo build --release".into(),
            p => format!("cargo build --profile {p}"),
        }
    }
}
