// The few accessors LLVM's C API lacks, over LLVM's own C++ API (header-only inline
// functions: nothing here needs more than libLLVM itself).
#include <llvm-c/Comdat.h>
#include <llvm-c/Core.h>
#include <llvm/IR/Comdat.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/GlobalValue.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/Operator.h>

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

}
