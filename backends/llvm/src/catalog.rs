//! The LLVM 22 transform passes a search may put in a candidate pipeline, with the nesting
//! level LLVM's pass builder wants them at and the parameters they always get.
//!
//! Source of truth: `opt --print-passes` of LLVM 22. Left out on purpose: analyses, printers,
//! verifiers, view/dot passes; instrumentation and sanitizers; passes that only touch debug
//! info or metadata; coroutine, GC, OpenMP, ObjC, GPU and other passes that need special input
//! or another target to do anything (measured on the corpus: `chr`, `loop-sink`,
//! `loop-distribute`, `loop-data-prefetch`, `move-auto-init`, `assume-builder`,
//! `assume-simplify`, `expand-variadics` change nothing); passes that change exported symbols,
//! the ABI or the meaning of a program (`internalize`, `metarenamer`, `strip*`, `lower-atomic`,
//! `lower-invoke`, `lto<…>`); the code generator's own IR passes, which llc runs anyway
//! (`codegenprepare` and `select-optimize` segfault in a plain pass pipeline,
//! `expand-ir-insts` needs an analysis only llc provides); passes meant for debugging
//! (`loop-extract`, `extract-blocks`) and the experimental `sandbox-vectorizer`.
//!
//! Passes that LLVM 22 crashes on with ordinary input stay listed with `search: false`, so
//! that a pipeline naming them still parses and is reported as such; `tests/data/crash_*.ll`
//! holds small inputs that crash them. Passes with `search: true` can still crash or hang
//! LLVM: run candidates where a crash ends only that candidate.

/// The nesting level of a pass in LLVM's new pass manager.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Level {
    /// A module pass: runs at top level.
    Module,
    /// A pass over the call graph's strongly connected components: `cgscc(…)`.
    Cgscc,
    /// A function pass: `function(…)`.
    Function,
    /// A loop (or loop-nest) pass: `function(loop(…))`.
    Loop,
    /// A loop pass that needs MemorySSA: `function(loop-mssa(…))`.
    LoopMssa,
}

impl Level {
    /// Wraps a pass's text in the adaptors LLVM needs at top level:
    /// Module `x` → `x`; Cgscc → `cgscc(x)`; Function → `function(x)`;
    /// Loop → `function(loop(x))`; LoopMssa → `function(loop-mssa(x))`.
    pub fn wrap(self, inner: &str) -> String {
        match self {
            Level::Module => inner.to_string(),
            Level::Cgscc => format!("cgscc({inner})"),
            Level::Function => format!("function({inner})"),
            Level::Loop => format!("function(loop({inner}))"),
            Level::LoopMssa => format!("function(loop-mssa({inner}))"),
        }
    }

    /// The level's name: `module`, `cgscc`, `function`, `loop` or `loop-mssa`.
    pub fn name(self) -> &'static str {
        match self {
            Level::Module => "module",
            Level::Cgscc => "cgscc",
            Level::Function => "function",
            Level::Loop => "loop",
            Level::LoopMssa => "loop-mssa",
        }
    }
}

/// One transform pass of the catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PassInfo {
    /// LLVM's pass name, e.g. `instcombine`.
    pub name: &'static str,
    /// Where the pass nests.
    pub level: Level,
    /// The parameters the catalog always uses (`""` if none), e.g. `no-verify-fixpoint`.
    pub params: &'static str,
    /// Eligible for random / evolutionary search.
    pub search: bool,
    /// One short line: what the pass does, or why `search` is false.
    pub about: &'static str,
}

impl PassInfo {
    /// The pass as it appears in a pipeline, without its level's adaptors:
    /// `instcombine<no-verify-fixpoint>` or `gvn`.
    pub fn text(&self) -> String {
        if self.params.is_empty() {
            self.name.to_string()
        } else {
            format!("{}<{}>", self.name, self.params)
        }
    }

    /// The pass wrapped in its level's adaptors, ready to run alone at top level.
    pub fn pipeline(&self) -> String {
        self.level.wrap(&self.text())
    }
}

/// Every pass of the catalog, grouped by level (module, cgscc, function, loop, loop-mssa).
pub fn passes() -> &'static [PassInfo] {
    PASSES
}

/// The catalog's entry for the LLVM pass `name` (without parameters).
pub fn find(name: &str) -> Option<&'static PassInfo> {
    PASSES.iter().find(|p| p.name == name)
}

/// LLVM's default pipelines, by the name of their optimisation level.
pub const PRESETS: &[(&str, &str)] = &[
    ("O0", "default<O0>"),
    ("O1", "default<O1>"),
    ("O2", "default<O2>"),
    ("O3", "default<O3>"),
    ("Os", "default<Os>"),
    ("Oz", "default<Oz>"),
];

const fn p(
    level: Level,
    name: &'static str,
    params: &'static str,
    search: bool,
    about: &'static str,
) -> PassInfo {
    PassInfo { name, level, params, search, about }
}

use Level::{Cgscc as C, Function as F, Loop as L, LoopMssa as LM, Module as M};

#[rustfmt::skip]
static PASSES: &[PassInfo] = &[
    // Module passes.
    p(M, "always-inline", "", true, "inlines the functions marked alwaysinline"),
    p(M, "attributor", "", true, "interprocedural deduction and simplification over the whole module; can take minutes on big modules"),
    p(M, "attributor-light", "", true, "the attributor restricted to cheap attribute deduction"),
    p(M, "called-value-propagation", "", true, "annotates indirect calls with their possible callees (!callees)"),
    p(M, "canonicalize-aliases", "", true, "makes aliases of constant expressions point at globals"),
    p(M, "constmerge", "", true, "merges duplicate unnamed_addr constant globals"),
    p(M, "deadargelim", "", true, "removes dead arguments and return values of internal functions"),
    p(M, "elim-avail-extern", "", true, "turns available_externally definitions into declarations"),
    p(M, "globaldce", "", true, "removes unreferenced internal globals and functions"),
    p(M, "globalopt", "", true, "optimises internal globals: folds constants, splits aggregates, drops dead stores"),
    p(M, "hotcoldsplit", "", true, "outlines cold regions (paths to unreachable or to cold calls)"),
    p(M, "inferattrs", "", true, "adds the attributes known for library function declarations"),
    p(M, "inliner-wrapper", "", true, "composite: the default pipelines' inliner over the call graph (mandatory inlining first)"),
    p(M, "inliner-wrapper-no-mandatory-first", "", true, "composite: the default inliner without the separate mandatory-inlining step"),
    p(M, "ipsccp", "", true, "interprocedural sparse conditional constant propagation (with function specialisation)"),
    p(M, "iroutliner", "", true, "outlines similar instruction sequences into shared functions (size)"),
    p(M, "mergefunc", "", true, "merges identical functions, keeping every symbol"),
    p(M, "module-inline", "", true, "the module inliner: inlines call sites in priority order"),
    p(M, "partial-inliner", "", true, "inlines the early-return part of functions"),
    p(M, "rel-lookup-table-converter", "", true, "makes switch lookup tables of pointers relative (PIC)"),
    p(M, "rpo-function-attrs", "", true, "infers norecurse top-down over the call graph"),
    p(M, "scc-oz-module-inliner", "", true, "composite: the -Oz inliner with function simplification per call-graph SCC"),
    p(M, "strip-dead-prototypes", "", true, "removes unused function declarations"),
    // CGSCC passes.
    p(C, "argpromotion", "", true, "passes pointer arguments of internal functions by value"),
    p(C, "attributor-cgscc", "", true, "the attributor, one call-graph SCC at a time; can take minutes on big modules"),
    p(C, "attributor-light-cgscc", "", true, "the light attributor, one call-graph SCC at a time"),
    p(C, "function-attrs", "", true, "infers function and argument attributes (readonly, nocapture, norecurse, ...)"),
    p(C, "inline", "", true, "the cost-model inliner"),
    // Function passes.
    p(F, "adce", "", true, "aggressive dead code elimination (assumes dead until proven live)"),
    p(F, "aggressive-instcombine", "", true, "larger instruction-combining patterns (truncation, popcount, loads)"),
    p(F, "alignment-from-assumptions", "", true, "raises load/store alignment from llvm.assume alignment facts"),
    p(F, "bdce", "", true, "bit-tracking dead code elimination"),
    p(F, "break-crit-edges", "", true, "splits critical edges"),
    p(F, "callsite-splitting", "", true, "splits call sites whose arguments are known along some predecessors"),
    p(F, "consthoist", "", true, "hoists expensive constants to share their materialisation"),
    p(F, "constraint-elimination", "", true, "removes conditions implied by dominating conditions"),
    p(F, "correlated-propagation", "", true, "simplifies with value ranges known from the control flow (LVI)"),
    p(F, "dce", "", true, "dead code elimination"),
    p(F, "dfa-jump-threading", "", true, "threads jumps through switch-based state machines"),
    p(F, "div-rem-pairs", "", true, "computes a remainder from its matching division (or the reverse)"),
    p(F, "drop-unnecessary-assumes", "", true, "removes llvm.assume calls that carry no information"),
    p(F, "dse", "", true, "dead store elimination"),
    p(F, "early-cse", "memssa", true, "early common subexpression elimination, with MemorySSA for loads"),
    p(F, "expand-memcmp", "", true, "expands small memcmp/bcmp calls into loads and compares"),
    p(F, "fix-irreducible", "", false, "turns irreducible control flow into loops; leaves invalid phis on some cycles (LLVM ERROR)"),
    p(F, "flatten-cfg", "", true, "merges nested conditions into single branches"),
    p(F, "float2int", "", true, "does floating-point arithmetic in integers where exact"),
    p(F, "function-simplification", "O2", true, "composite: the -O2 function simplification pipeline"),
    p(F, "gvn", "", true, "global value numbering with partial redundancy elimination of loads"),
    p(F, "gvn-hoist", "", true, "hoists equal computations from both branches to their dominator"),
    p(F, "gvn-sink", "", true, "sinks equal computations from predecessors into their successor"),
    p(F, "infer-alignment", "", true, "raises load/store alignment from known pointer alignment"),
    p(F, "instcombine", "no-verify-fixpoint", true, "instruction combining (the plain pass aborts the process when it misses its fixpoint)"),
    p(F, "instsimplify", "", true, "folds instructions to simpler existing values"),
    p(F, "irce", "", true, "removes range checks in loops by splitting the iteration space"),
    p(F, "jump-threading", "", true, "threads jumps over blocks whose branch is known from the predecessor"),
    p(F, "jump-table-to-switch", "", true, "turns calls through a constant table of functions into a switch"),
    p(F, "lcssa", "", true, "puts loops into loop-closed SSA form"),
    p(F, "libcalls-shrinkwrap", "", true, "guards calls to math functions so that the common case skips errno"),
    p(F, "load-store-vectorizer", "", true, "merges adjacent loads and stores into vector ones"),
    p(F, "loop-fusion", "", true, "fuses adjacent loops with the same trip count"),
    p(F, "loop-load-elim", "", true, "forwards stores of one iteration to loads of the next"),
    p(F, "loop-simplify", "", true, "gives loops a preheader, a single backedge and dedicated exits"),
    p(F, "loop-unroll", "", true, "unrolls loops (partial, runtime, peeling; -O2 thresholds)"),
    p(F, "loop-vectorize", "", true, "the loop vectorizer"),
    p(F, "loop-versioning", "", true, "versions loops with runtime alias checks"),
    p(F, "lower-constant-intrinsics", "", true, "folds llvm.is.constant and llvm.objectsize"),
    p(F, "lower-expect", "", true, "turns llvm.expect into branch weights"),
    p(F, "lower-switch", "", true, "turns switches into trees of branches"),
    p(F, "mem2reg", "", true, "promotes allocas to SSA registers"),
    p(F, "memcpyopt", "", true, "optimises memcpy/memset: forwards, merges, removes copies"),
    p(F, "mergeicmps", "", true, "merges chains of integer comparisons into memcmp"),
    p(F, "mergereturn", "", true, "gives functions a single return block"),
    p(F, "mldst-motion", "", true, "sinks and hoists loads/stores of a diamond's arms"),
    p(F, "nary-reassociate", "", true, "reassociates n-ary additions and multiplications to reuse values"),
    p(F, "newgvn", "", true, "global value numbering, the NewGVN algorithm"),
    p(F, "partially-inline-libcalls", "", true, "inlines the fast path of sqrt"),
    p(F, "reassociate", "", true, "reassociates commutative expressions to help constant folding"),
    p(F, "reg2mem", "", true, "demotes SSA registers and phis to stack slots"),
    p(F, "scalarizer", "", true, "splits vector operations into scalar ones"),
    p(F, "sccp", "", true, "sparse conditional constant propagation"),
    p(F, "separate-const-offset-from-gep", "", true, "splits constant offsets out of GEP indices for reuse"),
    p(F, "simplifycfg", "", true, "simplifies the control flow graph"),
    p(F, "sink", "", true, "sinks instructions into the successor that uses them"),
    p(F, "slp-vectorizer", "", true, "the superword-level (straight-line) vectorizer"),
    p(F, "slsr", "", true, "straight-line strength reduction"),
    p(F, "speculative-execution", "", true, "hoists cheap instructions out of conditional blocks"),
    p(F, "sroa", "modify-cfg", true, "scalar replacement of aggregates, allowed to change the CFG"),
    p(F, "tailcallelim", "", true, "turns self tail calls into loops and marks tail calls"),
    p(F, "unify-loop-exits", "", false, "gives loops a single exit block; segfaults LLVM 22 on loops exiting through a switch"),
    p(F, "unreachableblockelim", "", true, "removes unreachable blocks"),
    p(F, "vector-combine", "", true, "scalarises and shuffles vector operations for a cheaper form"),
    // Loop and loop-nest passes.
    p(L, "canon-freeze", "", true, "moves freeze of induction variables to their start value"),
    p(L, "indvars", "", true, "canonicalises induction variables and rewrites exit values"),
    p(L, "loop-bound-split", "", false, "splits a loop at a bound; segfaults LLVM 22 on an exit test against another loop's counter"),
    p(L, "loop-deletion", "", true, "deletes loops without side effects"),
    p(L, "loop-flatten", "", true, "flattens perfectly nested loops into one"),
    p(L, "loop-idiom", "", true, "recognises memset/memcpy loops and bit idioms"),
    p(L, "loop-instsimplify", "", true, "instsimplify over loop bodies"),
    p(L, "loop-interchange", "", true, "interchanges nested loops for locality"),
    p(L, "loop-reduce", "", true, "loop strength reduction (addressing modes of the target)"),
    p(L, "loop-rotate", "", true, "rotates loops into do-while form"),
    p(L, "loop-simplifycfg", "", true, "simplifies the control flow inside loops"),
    p(L, "loop-term-fold", "", true, "rewrites a loop's exit condition on another induction variable"),
    p(L, "loop-unroll-and-jam", "", true, "unrolls an outer loop and fuses the inner copies"),
    p(L, "loop-unroll-full", "", true, "unrolls loops with a small constant trip count completely"),
    p(L, "loop-versioning-licm", "", true, "versions loops with alias checks so that LICM can hoist more"),
    p(L, "simple-loop-unswitch", "nontrivial", true, "unswitches loop-invariant conditions, non-trivial ones too"),
    // Loop passes that need MemorySSA.
    p(LM, "licm", "", true, "loop-invariant code motion"),
    p(LM, "lnicm", "", true, "loop-nest invariant code motion"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_and_text() {
        assert_eq!(Level::Module.wrap("x"), "x");
        assert_eq!(Level::Cgscc.wrap("x"), "cgscc(x)");
        assert_eq!(Level::Function.wrap("x"), "function(x)");
        assert_eq!(Level::Loop.wrap("x"), "function(loop(x))");
        assert_eq!(Level::LoopMssa.wrap("x"), "function(loop-mssa(x))");
        let ic = find("instcombine").unwrap();
        assert_eq!(ic.text(), "instcombine<no-verify-fixpoint>");
        assert_eq!(ic.pipeline(), "function(instcombine<no-verify-fixpoint>)");
        assert_eq!(find("gvn").unwrap().text(), "gvn");
        assert_eq!(find("licm").unwrap().pipeline(), "function(loop-mssa(licm))");
        assert!(find("internalize").is_none());
    }

    #[test]
    fn grouped_by_level() {
        let order = |l: Level| [M, C, F, L, LM].iter().position(|&x| x == l).unwrap();
        for w in passes().windows(2) {
            assert!(order(w[0].level) <= order(w[1].level), "{} after {}", w[1].name, w[0].name);
        }
    }
}
