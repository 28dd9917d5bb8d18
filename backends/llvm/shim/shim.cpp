// The few accessors LLVM's C API lacks, over LLVM's own C++ API (header-only inline
// functions: nothing here needs more than libLLVM itself).
#include <llvm-c/Comdat.h>
#include <llvm-c/Core.h>
#include <llvm/IR/Comdat.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/GlobalValue.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/Operator.h>
#include <llvm/IR/PassInstrumentation.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Analysis/LazyCallGraph.h>
#include <llvm/Analysis/LoopInfo.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Passes/StandardInstrumentations.h>
#include <llvm/Support/FormatVariadic.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm-c/TargetMachine.h>

using namespace llvm;

extern "C" {

// GlobalValue::isDSOLocal / setDSOLocal.
int opm_is_dso_local(LLVMValueRef v) { return unwrap<GlobalValue>(v)->isDSOLocal(); }
void opm_set_dso_local(LLVMValueRef v, int on) { unwrap<GlobalValue>(v)->setDSOLocal(on != 0); }

// Wrap flags of a constant expression `add`/`sub`: bit 0 nuw, bit 1 nsw.
// (LLVMGetNUW/NSW assume an Instruction and must not be used on constants.)
unsigned opm_const_wrap_flags(LLVMValueRef v) {
    auto *op = dyn_cast<OverflowingBinaryOperator>(unwrap(v));
    if (!op) return 0;
    return (op->hasNoUnsignedWrap() ? 1u : 0u) | (op->hasNoSignedWrap() ? 2u : 0u);
}

// ConstantExpr::get(opcode, lhs, rhs, flags) with the same flag bits as above.
// Returns null when LLVM has no such constant expression.
LLVMValueRef opm_const_binop(unsigned opcode, LLVMValueRef lhs, LLVMValueRef rhs, unsigned flags) {
    unsigned llvm_flags = 0;
    if (flags & 1u) llvm_flags |= OverflowingBinaryOperator::NoUnsignedWrap;
    if (flags & 2u) llvm_flags |= OverflowingBinaryOperator::NoSignedWrap;
    Instruction::BinaryOps op;
    switch (opcode) {
    case LLVMAdd: op = Instruction::Add; break;
    case LLVMSub: op = Instruction::Sub; break;
    case LLVMXor: op = Instruction::Xor; llvm_flags = 0; break;
    default: return nullptr;
    }
    if (!ConstantExpr::isSupportedBinOp(op)) return nullptr;
    return wrap(ConstantExpr::get(op, unwrap<Constant>(lhs), unwrap<Constant>(rhs), llvm_flags));
}

// extractvalue / insertvalue with several indices, appended to `bb` (the C API builds them
// with one index only).
LLVMValueRef opm_build_extract_value(LLVMBasicBlockRef bb, LLVMValueRef agg,
                                     const unsigned *idx, unsigned n, const char *name) {
    return wrap(ExtractValueInst::Create(unwrap(agg), ArrayRef<unsigned>(idx, n), name,
                                         unwrap(bb)));
}

LLVMValueRef opm_build_insert_value(LLVMBasicBlockRef bb, LLVMValueRef agg, LLVMValueRef val,
                                    const unsigned *idx, unsigned n, const char *name) {
    return wrap(InsertValueInst::Create(unwrap(agg), unwrap(val), ArrayRef<unsigned>(idx, n),
                                        name, unwrap(bb)));
}

// Comdat::getName, which the C API lacks.
const char *opm_comdat_name(LLVMComdatRef c, size_t *len) {
    StringRef name = unwrap(c)->getName();
    *len = name.size();
    return name.data();
}

// GlobalValue::getThreadLocalMode / setThreadLocalMode: the C API's accessors take a global
// variable only, not an alias.
unsigned opm_thread_local_mode(LLVMValueRef v) {
    return unwrap<GlobalValue>(v)->getThreadLocalMode();
}
void opm_set_thread_local_mode(LLVMValueRef v, unsigned mode) {
    unwrap<GlobalValue>(v)->setThreadLocalMode(
        static_cast<GlobalValue::ThreadLocalMode>(mode));
}


// A pass session over one module: the pass builder, its analysis managers and the standard
// instrumentations made once, so that the pipelines run one after the other keep the analyses
// that their passes preserved, as one pipeline made of all of them does (LLVMRunPasses makes
// them anew for every call, and computes every analysis again). With `verify` LLVM's verifier
// checks after every pass what that pass changed: a function or loop pass that changed its
// function verifies that function, a CGSCC pass the functions of its SCC, a module pass the
// module; a pass that reports every analysis preserved changed nothing and is not verified
// again. When a CGSCC or module pass changed something, the whole module is verified once more
// at the end of the pipeline, so that what such a pass changed outside its unit (a CGSCC pass
// rewriting callers, say) is checked before the step counts; a function or loop pass changes
// only its function, verified after it, as opt's -verify-each does. The session also tells
// which functions a pipeline changed, when function and loop passes alone changed anything.
// The module given must have been verified already (it is not verified again before the
// first pass). A broken result ends the process with LLVM's own message, as its verify-each
// does.
struct OpmPassSession {
    Module *mod;
    int verify;
    int changed = 0;
    // Whether a pass other than a function or loop pass reported a change in this run (or a
    // pass whose unit is gone, or one that changed a function whose blocks' addresses are
    // taken): what changed is not known function by function.
    int beyond_functions = 0;
    // The functions that function and loop passes changed in this run, once each.
    SmallPtrSet<const Function *, 16> changed_set;
    std::vector<LLVMValueRef> changed_functions;
    PassInstrumentationCallbacks pic;
    PassBuilder pb;
    LoopAnalysisManager lam;
    FunctionAnalysisManager fam;
    CGSCCAnalysisManager cgam;
    ModuleAnalysisManager mam;
    StandardInstrumentations si;

    OpmPassSession(Module *m, TargetMachine *machine, int verify)
        : mod(m), verify(verify), pb(machine, PipelineTuningOptions(), std::nullopt, &pic),
          si(m->getContext(), false, false) {
        pb.registerLoopAnalyses(lam);
        pb.registerFunctionAnalyses(fam);
        pb.registerCGSCCAnalyses(cgam);
        pb.registerModuleAnalyses(mam);
        pb.crossRegisterProxies(lam, fam, cgam, mam);
        si.registerCallbacks(pic, &mam);
        pic.registerAfterPassCallback([this](StringRef pass, Any ir,
                                             const PreservedAnalyses &pa) {
            // Pass managers and adaptors: the passes inside them report and are verified one
            // by one.
            if (isSpecialPass(pass, {"PassManager", "PassAdaptor", "AnalysisManagerProxy",
                                     "DevirtSCCRepeatedPass", "ModuleInlinerWrapperPass",
                                     "VerifierPass", "PrintModulePass"}) ||
                pa.areAllPreserved())
                return;
            changed = 1;
            const Function *f = nullptr;
            if (const auto *fp = any_cast<const Function *>(&ir))
                f = *fp;
            else if (const auto *lp = any_cast<const Loop *>(&ir))
                f = (*lp)->getHeader()->getParent();
            if (!f) {
                beyond_functions = 1;
            } else if (changed_set.insert(f).second) {
                changed_functions.push_back(wrap(f));
                // Another function's `blockaddress` of this one names its blocks by number.
                for (const BasicBlock &bb : *f)
                    if (bb.hasAddressTaken())
                        beyond_functions = 1;
            }
            if (!this->verify)
                return;
            auto broken = [&](const char *what) {
                report_fatal_error(formatv(
                    "Broken {0} found after pass \"{1}\", compilation aborted!", what, pass));
            };
            if (f) {
                if (verifyFunction(*f, &errs()))
                    broken("function");
            } else if (const auto *cp = any_cast<const LazyCallGraph::SCC *>(&ir)) {
                for (LazyCallGraph::Node &n : **cp)
                    if (verifyFunction(n.getFunction(), &errs()))
                        broken("function");
            } else if (const auto *mp = any_cast<const Module *>(&ir)) {
                if (verifyModule(**mp, &errs()))
                    broken("module");
            }
        });
        // A pass that changed something but was invalidated (a loop it deleted) reports here.
        pic.registerAfterPassInvalidatedCallback(
            [this](StringRef, const PreservedAnalyses &pa) {
                if (!pa.areAllPreserved()) {
                    changed = 1;
                    beyond_functions = 1;
                }
            });
    }

    // Runs `passes`; `*changed` tells whether any pass reported a change. Returns null, or an
    // error message (the pipeline does not parse) to free with LLVMDisposeMessage.
    char *run(const char *passes, int *changed_out) {
        changed = 0;
        beyond_functions = 0;
        changed_set.clear();
        changed_functions.clear();
        *changed_out = 0;
        // No verifier before the first pass: the module was verified when it was read, and
        // after every step that changed it.
        ModulePassManager mpm;
        if (Error err = pb.parsePassPipeline(mpm, passes)) {
            std::string message = toString(std::move(err));
            return LLVMCreateMessage(message.c_str());
        }
        mpm.run(*mod, mam);
        if (verify && beyond_functions && verifyModule(*mod, &errs()))
            report_fatal_error("Broken module found after the step, compilation aborted!");
        *changed_out = changed;
        return nullptr;
    }
};

// A pass session over `m` (see OpmPassSession), to free with opm_pass_session_free before
// the module or the target machine.
OpmPassSession *opm_pass_session_new(LLVMModuleRef m, LLVMTargetMachineRef tm, int verify) {
    return new OpmPassSession(unwrap(m), reinterpret_cast<TargetMachine *>(tm), verify);
}

char *opm_pass_session_run(OpmPassSession *s, const char *passes, int *changed) {
    return s->run(passes, changed);
}

// What the last run changed: returns whether it is known only for the module as a whole (see
// `beyond_functions`); otherwise `*functions` and `*n` give the functions it changed, valid
// until the next run.
int opm_pass_session_changed(OpmPassSession *s, const LLVMValueRef **functions, size_t *n) {
    *functions = s->changed_functions.data();
    *n = s->changed_functions.size();
    return s->beyond_functions;
}

void opm_pass_session_free(OpmPassSession *s) { delete s; }

} // extern "C"
