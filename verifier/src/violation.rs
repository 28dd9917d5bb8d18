//! Violations: what rule was broken, with the data to explain it, and where.
//!
//! Positions inside the data (instruction, operand, argument, parameter, index) count from 0,
//! as Rust indexes; the rendered messages count from 1, as people do ("operand 2" is the
//! second operand, at index 1).
//!
//! Every rule of [`crate::verify_module`] describes a malformed module. LLVM's parser already
//! rejects malformed input, so such a violation in a freshly imported module is a bug of the
//! importer (or input the canonical IR does not support, such as `i256`); after a transform
//! it is a bug of that transform. The rules of [`crate::check_preservation`] are always the
//! fault of the transform between the two modules.

use opm_ir::names::quote_if_needed;
use opm_ir::{
    AtomicOrdering, Attribute, BlockId, CallConv, CastOp, ComdatSelection, Flags, FloatKind,
    FunctionType, Linkage, TailKind, Type, ValueId,
};
use serde::{Deserialize, Serialize};
use std::fmt;

/// One broken rule, with where it is.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Violation {
    /// Where the rule was broken.
    pub location: Location,
    /// Which rule, with its data.
    pub kind: ViolationKind,
}

/// Where a violation is: a function or global variable, and inside a function a block and
/// an instruction. Labels and texts are rendered by the printer when the violation is made,
/// so that a violation can be shown without the module.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Location {
    /// The function, without `@`.
    pub function: Option<String>,
    /// The global variable or alias, without `@`.
    pub global: Option<String>,
    /// The block, inside the function.
    pub block: Option<BlockId>,
    /// The block as the printer spells it (`%entry`, `%3`).
    pub block_label: Option<String>,
    /// The index of the instruction in its block, from 0.
    pub inst: Option<usize>,
    /// The instruction as the printer prints it.
    pub inst_text: Option<String>,
}

/// A value of the function being verified: its number and how the printer spells it
/// (`%sum`, `%7`, `%<undefined v7>`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ValueRef {
    /// The value's number.
    pub id: ValueId,
    /// Its spelling in the printed function.
    pub name: String,
}

/// A block of the function being verified: its number and how the printer spells it
/// (`%loop`, `%3`, `%<no block 9>`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BlockRef {
    /// The block's index.
    pub id: BlockId,
    /// Its spelling in the printed function.
    pub name: String,
}

/// Which operand of an instruction a type rule is about.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OperandSlot {
    /// The operand at this index of [`opm_ir::Op::operands`].
    Operand(usize),
    /// The argument at this index of a call.
    Argument(usize),
    /// The called value of a call.
    Callee,
    /// A phi's incoming value from this block.
    Incoming(BlockRef),
}

/// What a type rule expected.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Expected {
    /// Exactly this type.
    Type(Type),
    /// One of these types.
    OneOf(Vec<Type>),
    /// Any integer type.
    Int,
    /// An integer or a vector of integers.
    IntOrIntVector,
    /// A float or a vector of floats.
    FloatOrFloatVector,
    /// An integer, a pointer, or a vector of either.
    IntOrPtrOrVector,
    /// A pointer or a vector of pointers.
    PtrOrPtrVector,
    /// Any vector type.
    Vector,
    /// An array or a structure.
    Aggregate,
    /// A type a value can have.
    FirstClass,
    /// A type a value can have and that has a size in memory.
    SizedFirstClass,
    /// An integer, a float or a pointer (not a vector).
    IntOrFloatOrPtr,
    /// An integer or a pointer (not a vector).
    IntOrPtr,
}

impl Expected {
    /// Whether `ty` is what was expected.
    pub fn matches(&self, ty: &Type) -> bool {
        match self {
            Expected::Type(t) => t == ty,
            Expected::OneOf(ts) => ts.contains(ty),
            Expected::Int => ty.is_int(),
            Expected::IntOrIntVector => ty.is_int_or_int_vector(),
            Expected::FloatOrFloatVector => ty.is_float_or_float_vector(),
            Expected::IntOrPtrOrVector => ty.is_int_or_int_vector() || ty.is_ptr_or_ptr_vector(),
            Expected::PtrOrPtrVector => ty.is_ptr_or_ptr_vector(),
            Expected::Vector => matches!(ty, Type::Vector(..)),
            Expected::Aggregate => ty.is_aggregate(),
            Expected::FirstClass => ty.is_first_class(),
            Expected::SizedFirstClass => ty.is_first_class() && ty.is_sized(),
            Expected::IntOrFloatOrPtr => ty.is_int() || ty.is_float() || ty.is_ptr(),
            Expected::IntOrPtr => ty.is_int() || ty.is_ptr(),
        }
    }
}

/// Why a type is malformed, wherever it appears.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TypeProblem {
    /// An integer type outside `i1`..=`i8388607` ([`opm_ir::types::MAX_INT_BITS`]).
    IntWidth(u32),
    /// `<0 x T>`.
    EmptyVector,
    /// A vector of something other than integers, floats or pointers.
    VectorElement(Type),
    /// An array element or structure field of type `void` or a function type.
    AggregateElement(Type),
    /// A function parameter of type `void` or a function type.
    Parameter(Type),
    /// A function returning a function type.
    Return(Type),
    /// `void` or a function type where a value's type is needed.
    NotAValueType,
}

/// Why a constant is malformed.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[allow(missing_docs)] // Each variant's documentation says what its fields hold.
pub enum ConstantProblem {
    /// An integer constant with bits set above its width.
    IntValueTooWide { bits: u32, value: u128 },
    /// A [`opm_ir::Constant::Int`] wider than [`opm_ir::types::NATIVE_INT_BITS`] (such
    /// constants are [`opm_ir::Constant::WideInt`]).
    IntTooWide { bits: u32 },
    /// A [`opm_ir::Constant::WideInt`] of at most [`opm_ir::types::NATIVE_INT_BITS`] (such
    /// constants are [`opm_ir::Constant::Int`]).
    WideIntTooNarrow { bits: u32 },
    /// A wide integer constant with another number of 64-bit words than its width needs.
    WideIntWordCount { bits: u32, found: usize, expected: usize },
    /// A wide integer constant with bits set above its width.
    WideIntValueTooWide { bits: u32 },
    /// A float constant with bits set above its format's width.
    FloatBitsTooWide { kind: FloatKind, bits: u128 },
    /// `undef`, `poison` or `zeroinitializer` of a type no value can have.
    NotAValueType { ty: Type },
    /// An element of an array or vector, or a field of a structure, of the wrong type.
    ElementType { index: usize, found: Type, expected: Type },
    /// A structure constant with the wrong number of fields.
    FieldCount { found: usize, expected: usize },
    /// A vector constant without elements.
    EmptyVector,
    /// A structure constant whose type is not a structure with a body.
    NotAStruct { ty: Type },
    /// A constant expression LLVM 22 no longer has (`mul`, `zext`, …).
    UnsupportedExpr { opcode: String },
    /// A constant cast that is not a valid cast.
    InvalidCast { op: CastOp, from: Type, to: Type },
    /// An operand of a constant expression of the wrong type (`operand` as in the
    /// expression's LLVM syntax: for a getelementptr, the base is operand 0).
    OperandType { operand: usize, found: Type, expected: Expected },
    /// Flags a constant expression cannot carry.
    DisallowedFlags { flags: Flags },
    /// A constant getelementptr with an unsized source element type.
    UnsizedGepSource { ty: Type },
    /// A constant getelementptr index that cannot step into `ty`.
    InvalidGepIndex { position: usize, ty: Type, problem: GepIndexProblem },
}

/// Why a getelementptr index (after the first) cannot step into the type it indexes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum GepIndexProblem {
    /// The type is neither an array, a vector nor a structure with a body.
    NotAggregate,
    /// A structure index that is not a constant `i32`.
    StructIndexNotConstant,
    /// A structure index past the last field.
    StructIndexOutOfRange(u128),
}

/// An atomic operation, as the atomic rules name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AtomicOp {
    /// `load atomic`.
    Load,
    /// `store atomic`.
    Store,
    /// `atomicrmw`.
    AtomicRmw,
    /// `cmpxchg`.
    CmpXchg,
    /// `fence`.
    Fence,
}

/// Why a clause of a `landingpad` is malformed.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ClauseProblem {
    /// A `catch` clause whose constant is not a pointer.
    CatchNotPointer(Type),
    /// A `filter` clause whose constant is not an array of pointers.
    FilterNotPointerArray(Type),
    /// A `filter` clause that is `undef` or `poison` rather than a list (an array constant
    /// or `zeroinitializer`).
    FilterNotAList,
}

/// Why a `blockaddress` constant names no block whose address can be taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BlockAddressProblem {
    /// The symbol is a global variable or an alias, not a function.
    NotAFunction,
    /// The function is a declaration: it has no blocks.
    Declaration,
    /// The function has no block of that number.
    NoSuchBlock,
    /// The entry block, whose address cannot be taken.
    EntryBlock,
}

/// Why an alias cannot stand for the symbol its aliasee names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AliasTargetProblem {
    /// The target is a declaration (or `available_externally`): the alias would name
    /// nothing this module defines.
    Declaration,
    /// An `available_externally` alias whose aliasee is not an `available_externally`
    /// symbol.
    NotAvailableExternally,
    /// The target is an alias that another definition may replace at link time (`weak`,
    /// `linkonce`, `extern_weak` or `common`).
    InterposableAlias,
}

/// Why a symbol cannot be in its comdat.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ComdatProblem {
    /// A declaration (or an `available_externally` definition): only definitions go in a
    /// comdat.
    Declaration,
    /// A `common` global variable.
    Common,
    /// An alias: an alias is in its aliasee's comdat, never in one of its own.
    Alias,
    /// Another symbol gave the same comdat another selection kind first.
    SelectionConflict {
        /// The selection kind the comdat was first given.
        first: ComdatSelection,
        /// This symbol's.
        found: ComdatSelection,
    },
}

/// Why a function's personality is malformed.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PersonalityProblem {
    /// A declaration with a personality (only a body can have landing pads).
    Declaration,
    /// A personality that is not a pointer.
    NotAPointer(Type),
}

/// Where on a function an attribute sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AttrPosition {
    /// The return value.
    Return,
    /// The parameter at this index.
    Param(usize),
}

/// What a symbol of a module is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SymbolKind {
    /// A function (definition or declaration).
    Function,
    /// A global variable.
    Global,
    /// An alias whose aliasee names no function or global variable.
    Alias,
}

/// A broken rule, with the data that explains it. See the module documentation for whose
/// fault each is.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
#[allow(missing_docs)] // Each variant's documentation says what its fields hold.
pub enum ViolationKind {
    // --- Structure -----------------------------------------------------------------------
    /// A block without instructions. Malformed module.
    EmptyBlock,
    /// A block whose last instruction is not a terminator (located at that instruction).
    /// Malformed module.
    MissingTerminator,
    /// A terminator that is not the last instruction of its block. Malformed module.
    TerminatorNotAtEnd,
    /// A phi after an instruction that is not a phi. Malformed module.
    PhiNotAtStart,
    /// The entry block is the target of branches. Malformed module.
    EntryHasPredecessors { preds: Vec<BlockRef> },
    /// An instruction of type `void` that defines a value. Malformed module.
    ResultOnVoid { value: ValueRef },
    /// An instruction (not a call) with a non-`void` type but no result value. Malformed
    /// module.
    MissingResult { ty: Type },
    /// An operation that always produces a value (everything but store, calls and
    /// terminators) has type `void`. Malformed module.
    VoidResult { opcode: String },
    /// An operation that produces no value (store, terminators) has a non-`void` type.
    /// Malformed module.
    NoResultExpected { opcode: String, ty: Type },

    // --- SSA -----------------------------------------------------------------------------
    /// A value defined more than once (as parameters or results). Malformed module.
    DuplicateDefinition { value: ValueRef },
    /// A use (not in a phi) that the value's definition does not dominate. Malformed module.
    UseNotDominated { value: ValueRef },
    /// A phi's incoming value whose definition does not dominate the end of the incoming
    /// block. Malformed module.
    IncomingNotDominated { value: ValueRef, block: BlockRef },
    /// An instruction (not a phi) in reachable code that uses its own result. Malformed module.
    SelfReference { value: ValueRef },

    // --- Phis ----------------------------------------------------------------------------
    /// A phi without incoming values. Malformed module.
    EmptyPhi,
    /// A phi with another number of entries for a predecessor than there are edges from it
    /// (`entries` 0: the predecessor is missing). Malformed module.
    PhiIncomingCount { block: BlockRef, edges: usize, entries: usize },
    /// A phi entry for a block that does not branch to the phi's block. Malformed module.
    PhiIncomingNotPredecessor { block: BlockRef },
    /// Several entries for one predecessor with different values. Malformed module.
    PhiConflictingValues { block: BlockRef },

    // --- Types ---------------------------------------------------------------------------
    /// A type that cannot exist (`i0`, `i8388608`, `<0 x i32>`, `[4 x void]`, …).
    /// Malformed module.
    MalformedType { ty: Type, problem: TypeProblem },
    /// A constant that cannot exist. Malformed module.
    MalformedConstant { problem: ConstantProblem },
    /// An operand whose type does not fit the instruction. Malformed module.
    OperandType { operand: OperandSlot, found: Type, expected: Expected },
    /// An instruction whose type is not the one its operation and operands imply.
    /// Malformed module.
    ResultType { found: Type, expected: Expected },
    /// A conversion between types the cast does not convert. Malformed module.
    InvalidCast { op: CastOp, from: Type, to: Type },
    /// An alloca or getelementptr of a type without a size. Malformed module.
    UnsizedType { ty: Type },
    /// A call with too few or too many arguments for its function type. Malformed module.
    ArgumentCount { found: usize, expected: usize, varargs: bool },
    /// `ret void` in a function that returns a value. Malformed module.
    MissingReturnValue { expected: Type },
    /// `ret` with a value in a function returning `void`. Malformed module.
    ReturnValueInVoidFunction,
    /// An extractvalue or insertvalue without indices. Malformed module.
    NoIndices,
    /// An extractvalue or insertvalue index that does not select a member of `ty`.
    /// Malformed module.
    InvalidAggregateIndex { position: usize, index: u32, ty: Type },
    /// A getelementptr index (after the first) that cannot step into `ty`. Malformed module.
    InvalidGepIndex { position: usize, ty: Type, problem: GepIndexProblem },
    /// A shufflevector mask element that is neither -1 nor a lane of the two inputs.
    /// Malformed module.
    ShuffleMaskElement { position: usize, value: i32, lanes: u64 },
    /// A switch with two cases of the same value. Malformed module.
    DuplicateCase { value: u128 },
    /// A switch case value with bits set above the condition's width. Malformed module.
    CaseValueTooWide { value: u128, bits: u32 },

    // --- Flags ---------------------------------------------------------------------------
    /// Flags the operation cannot carry (`nsw` on `or`, fast-math on an integer select…).
    /// Malformed module.
    DisallowedFlags { opcode: String, flags: Flags },

    // --- Calls ---------------------------------------------------------------------------
    /// A direct call whose function type differs from the callee's. Malformed module.
    CallSignatureMismatch { callee: String, call_ty: FunctionType, callee_ty: FunctionType },
    /// A call of a global variable. Malformed module.
    CallToNonFunction { callee: String },
    /// A `musttail` call not followed by a `ret` of its result. Malformed module.
    MustTailNotFollowedByRet,
    /// Inline assembly anywhere but as the callee of a call or an invoke. Malformed module.
    MisplacedInlineAsm,
    /// A call of inline assembly with another function type than the assembly's.
    /// Malformed module.
    InlineAsmTypeMismatch { call_ty: FunctionType, asm_ty: FunctionType },
    /// An invoke with a tail-call marker (only a call can carry one). Malformed module.
    TailMarkerOnInvoke { tail: TailKind },

    // --- Atomics -------------------------------------------------------------------------
    /// An ordering the operation cannot have (a load that releases, a store that
    /// acquires, an unordered read-modify-write, a monotonic fence…); `failure` for the
    /// failure ordering of a cmpxchg. Malformed module.
    DisallowedOrdering { op: AtomicOp, failure: bool, ordering: AtomicOrdering },
    /// An atomic memory access without an alignment. Malformed module.
    AtomicWithoutAlignment { op: AtomicOp },
    /// An atomic load or store of a type other than an integer, a float, a pointer or a
    /// vector of them. Malformed module.
    AtomicAccessType { op: AtomicOp, ty: Type },
    /// An atomic access whose size is not a power of two of at least 8 bits. Malformed
    /// module.
    AtomicAccessSize { op: AtomicOp, ty: Type, bits: u64 },

    // --- Exception handling --------------------------------------------------------------
    /// An invoke whose unwind destination does not start (after its phis) with a
    /// landingpad. Malformed module.
    UnwindDestNotLandingPad { block: BlockRef },
    /// A landingpad that is not the first instruction of its block after the phis.
    /// Malformed module.
    LandingPadNotFirst,
    /// A landingpad in the entry block. Malformed module.
    LandingPadInEntryBlock,
    /// A landing pad's block reached from `pred` other than by the unwind edge of an
    /// invoke. Malformed module.
    LandingPadPredecessor { pred: BlockRef },
    /// A landingpad or resume in a function without a personality. Malformed module.
    MissingPersonality { opcode: String },
    /// A landingpad with neither `cleanup` nor a clause. Malformed module.
    EmptyLandingPad,
    /// A landingpad clause (at `index`, from 0) that is malformed. Malformed module.
    InvalidClause { index: usize, problem: ClauseProblem },
    /// A landingpad or resume whose exception type differs from that of the function's
    /// first landingpad or resume. Malformed module.
    ExceptionTypeMismatch { found: Type, expected: Type },
    /// A malformed personality. Malformed module.
    InvalidPersonality { problem: PersonalityProblem },

    // --- References ----------------------------------------------------------------------
    /// An operand naming a value the function does not define. Malformed module.
    UndefinedValue { value: ValueRef },
    /// A branch target or phi block that does not exist. Malformed module.
    UndefinedBlock { block: BlockRef },
    /// A reference to a symbol that is neither a function nor a global of the module.
    /// Malformed module.
    UndefinedSymbol { name: String },
    /// Two symbols (functions or globals) of one name. Malformed module.
    DuplicateSymbol { name: String },
    /// A function whose parameter list does not match its type. Malformed module.
    ParamCount { found: usize, expected: usize },
    /// A global variable whose initializer has another type than the variable. Malformed
    /// module.
    InitializerType { found: Type, expected: Type },
    /// A `blockaddress` of `function` and `block` whose address cannot be taken.
    /// Malformed module.
    InvalidBlockAddress { function: String, block: BlockRef, problem: BlockAddressProblem },

    // --- Aliases and comdats -------------------------------------------------------------
    /// An aliasee that is neither a symbol nor a constant expression. Malformed module.
    InvalidAliasee,
    /// An aliasee that is not a pointer. Malformed module.
    AliaseeType { found: Type },
    /// An alias of `target`, which it cannot stand for. Malformed module.
    AliasTarget { target: String, problem: AliasTargetProblem },
    /// Aliases that stand for each other in a cycle (`path` from this alias back to it).
    /// Malformed module.
    AliasCycle { path: Vec<String> },
    /// An alias of a linkage no alias can have (`common`, `appending`, `extern_weak`).
    /// Malformed module.
    InvalidAliasLinkage { linkage: Linkage },
    /// A symbol that cannot be in its comdat. Malformed module.
    InvalidComdat { comdat: String, problem: ComdatProblem },

    // --- Preservation (always the transform's fault) -------------------------------------
    /// An exported symbol that must stay (a definition with external, weak or common
    /// linkage) is gone.
    SymbolRemoved { kind: SymbolKind },
    /// A symbol that was a function is now a global variable, or the reverse.
    SymbolKindChanged { before: SymbolKind, after: SymbolKind },
    /// An exported definition that must stay is no longer visible to other units.
    SymbolNoLongerExported { linkage: Linkage },
    /// A definition became a declaration.
    DefinitionRemoved { kind: SymbolKind },
    /// A function's type changed.
    FunctionTypeChanged { before: FunctionType, after: FunctionType },
    /// A function's calling convention changed.
    CallingConventionChanged { before: CallConv, after: CallConv },
    /// An ABI attribute of the return value or a parameter was added, removed or changed.
    AbiAttributeChanged {
        position: AttrPosition,
        name: String,
        before: Option<Attribute>,
        after: Option<Attribute>,
    },
    /// A global variable's value type changed.
    GlobalTypeChanged { before: Type, after: Type },
    /// A global variable became `constant`, or stopped being one.
    ConstnessChanged { before: bool, after: bool },
    /// The module's target triple changed.
    TargetTripleChanged { before: String, after: String },
    /// The module's data layout changed.
    DataLayoutChanged { before: String, after: String },
}

impl ViolationKind {
    /// The name of every rule, as [`ViolationKind::name`] gives it.
    pub const NAMES: &'static [&'static str] = &[
        "empty_block",
        "missing_terminator",
        "terminator_not_at_end",
        "phi_not_at_start",
        "entry_has_predecessors",
        "result_on_void",
        "missing_result",
        "void_result",
        "no_result_expected",
        "duplicate_definition",
        "use_not_dominated",
        "incoming_not_dominated",
        "self_reference",
        "empty_phi",
        "phi_incoming_count",
        "phi_incoming_not_predecessor",
        "phi_conflicting_values",
        "malformed_type",
        "malformed_constant",
        "operand_type",
        "result_type",
        "invalid_cast",
        "unsized_type",
        "argument_count",
        "missing_return_value",
        "return_value_in_void_function",
        "no_indices",
        "invalid_aggregate_index",
        "invalid_gep_index",
        "shuffle_mask_element",
        "duplicate_case",
        "case_value_too_wide",
        "disallowed_flags",
        "call_signature_mismatch",
        "call_to_non_function",
        "must_tail_not_followed_by_ret",
        "misplaced_inline_asm",
        "inline_asm_type_mismatch",
        "tail_marker_on_invoke",
        "disallowed_ordering",
        "atomic_without_alignment",
        "atomic_access_type",
        "atomic_access_size",
        "unwind_dest_not_landing_pad",
        "landing_pad_not_first",
        "landing_pad_in_entry_block",
        "landing_pad_predecessor",
        "missing_personality",
        "empty_landing_pad",
        "invalid_clause",
        "exception_type_mismatch",
        "invalid_personality",
        "undefined_value",
        "undefined_block",
        "undefined_symbol",
        "duplicate_symbol",
        "param_count",
        "initializer_type",
        "invalid_block_address",
        "invalid_aliasee",
        "aliasee_type",
        "alias_target",
        "alias_cycle",
        "invalid_alias_linkage",
        "invalid_comdat",
        "symbol_removed",
        "symbol_kind_changed",
        "symbol_no_longer_exported",
        "definition_removed",
        "function_type_changed",
        "calling_convention_changed",
        "abi_attribute_changed",
        "global_type_changed",
        "constness_changed",
        "target_triple_changed",
        "data_layout_changed",
    ];

    /// The rule's name, as in the serialized form (`operand_type`).
    pub fn name(&self) -> &'static str {
        use ViolationKind::*;
        match self {
            EmptyBlock => "empty_block",
            MissingTerminator => "missing_terminator",
            TerminatorNotAtEnd => "terminator_not_at_end",
            PhiNotAtStart => "phi_not_at_start",
            EntryHasPredecessors { .. } => "entry_has_predecessors",
            ResultOnVoid { .. } => "result_on_void",
            MissingResult { .. } => "missing_result",
            VoidResult { .. } => "void_result",
            NoResultExpected { .. } => "no_result_expected",
            DuplicateDefinition { .. } => "duplicate_definition",
            UseNotDominated { .. } => "use_not_dominated",
            IncomingNotDominated { .. } => "incoming_not_dominated",
            SelfReference { .. } => "self_reference",
            EmptyPhi => "empty_phi",
            PhiIncomingCount { .. } => "phi_incoming_count",
            PhiIncomingNotPredecessor { .. } => "phi_incoming_not_predecessor",
            PhiConflictingValues { .. } => "phi_conflicting_values",
            MalformedType { .. } => "malformed_type",
            MalformedConstant { .. } => "malformed_constant",
            OperandType { .. } => "operand_type",
            ResultType { .. } => "result_type",
            InvalidCast { .. } => "invalid_cast",
            UnsizedType { .. } => "unsized_type",
            ArgumentCount { .. } => "argument_count",
            MissingReturnValue { .. } => "missing_return_value",
            ReturnValueInVoidFunction => "return_value_in_void_function",
            NoIndices => "no_indices",
            InvalidAggregateIndex { .. } => "invalid_aggregate_index",
            InvalidGepIndex { .. } => "invalid_gep_index",
            ShuffleMaskElement { .. } => "shuffle_mask_element",
            DuplicateCase { .. } => "duplicate_case",
            CaseValueTooWide { .. } => "case_value_too_wide",
            DisallowedFlags { .. } => "disallowed_flags",
            CallSignatureMismatch { .. } => "call_signature_mismatch",
            CallToNonFunction { .. } => "call_to_non_function",
            MustTailNotFollowedByRet => "must_tail_not_followed_by_ret",
            MisplacedInlineAsm => "misplaced_inline_asm",
            InlineAsmTypeMismatch { .. } => "inline_asm_type_mismatch",
            TailMarkerOnInvoke { .. } => "tail_marker_on_invoke",
            DisallowedOrdering { .. } => "disallowed_ordering",
            AtomicWithoutAlignment { .. } => "atomic_without_alignment",
            AtomicAccessType { .. } => "atomic_access_type",
            AtomicAccessSize { .. } => "atomic_access_size",
            UnwindDestNotLandingPad { .. } => "unwind_dest_not_landing_pad",
            LandingPadNotFirst => "landing_pad_not_first",
            LandingPadInEntryBlock => "landing_pad_in_entry_block",
            LandingPadPredecessor { .. } => "landing_pad_predecessor",
            MissingPersonality { .. } => "missing_personality",
            EmptyLandingPad => "empty_landing_pad",
            InvalidClause { .. } => "invalid_clause",
            ExceptionTypeMismatch { .. } => "exception_type_mismatch",
            InvalidPersonality { .. } => "invalid_personality",
            UndefinedValue { .. } => "undefined_value",
            UndefinedBlock { .. } => "undefined_block",
            UndefinedSymbol { .. } => "undefined_symbol",
            DuplicateSymbol { .. } => "duplicate_symbol",
            ParamCount { .. } => "param_count",
            InitializerType { .. } => "initializer_type",
            InvalidBlockAddress { .. } => "invalid_block_address",
            InvalidAliasee => "invalid_aliasee",
            AliaseeType { .. } => "aliasee_type",
            AliasTarget { .. } => "alias_target",
            AliasCycle { .. } => "alias_cycle",
            InvalidAliasLinkage { .. } => "invalid_alias_linkage",
            InvalidComdat { .. } => "invalid_comdat",
            SymbolRemoved { .. } => "symbol_removed",
            SymbolKindChanged { .. } => "symbol_kind_changed",
            SymbolNoLongerExported { .. } => "symbol_no_longer_exported",
            DefinitionRemoved { .. } => "definition_removed",
            FunctionTypeChanged { .. } => "function_type_changed",
            CallingConventionChanged { .. } => "calling_convention_changed",
            AbiAttributeChanged { .. } => "abi_attribute_changed",
            GlobalTypeChanged { .. } => "global_type_changed",
            ConstnessChanged { .. } => "constness_changed",
            TargetTripleChanged { .. } => "target_triple_changed",
            DataLayoutChanged { .. } => "data_layout_changed",
        }
    }

    /// A rule of [`crate::check_preservation`] (the transform's fault) rather than of
    /// well-formedness.
    pub fn is_preservation(&self) -> bool {
        use ViolationKind::*;
        matches!(
            self,
            SymbolRemoved { .. }
                | SymbolKindChanged { .. }
                | SymbolNoLongerExported { .. }
                | DefinitionRemoved { .. }
                | FunctionTypeChanged { .. }
                | CallingConventionChanged { .. }
                | AbiAttributeChanged { .. }
                | GlobalTypeChanged { .. }
                | ConstnessChanged { .. }
                | TargetTripleChanged { .. }
                | DataLayoutChanged { .. }
        )
    }
}

// --- Rendering ----------------------------------------------------------------------------

impl fmt::Display for Violation {
    /// One line: `@main, block %entry, instruction 3 `%5 = add i32 %3, i64 1`: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = self.location.to_string();
        if prefix.is_empty() {
            write!(f, "{}", self.kind)
        } else {
            write!(f, "{prefix}: {}", self.kind)
        }
    }
}

impl fmt::Display for Location {
    /// `@main, block %entry, instruction 3 `...``, or `@g`; empty for the whole module.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if let Some(name) = &self.function {
            parts.push(format!("@{}", quote_if_needed(name)));
        }
        if let Some(name) = &self.global {
            parts.push(format!("@{}", quote_if_needed(name)));
        }
        match (&self.block_label, self.block) {
            (Some(label), _) => parts.push(format!("block {label}")),
            (None, Some(b)) => parts.push(format!("block {b}")),
            (None, None) => {}
        }
        if let Some(i) = self.inst {
            let mut s = format!("instruction {}", i + 1);
            if let Some(text) = &self.inst_text {
                s.push_str(&format!(" `{text}`"));
            }
            parts.push(s);
        }
        f.write_str(&parts.join(", "))
    }
}

impl fmt::Display for ValueRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl fmt::Display for BlockRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl fmt::Display for OperandSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OperandSlot::Operand(i) => write!(f, "operand {}", i + 1),
            OperandSlot::Argument(i) => write!(f, "argument {}", i + 1),
            OperandSlot::Callee => f.write_str("the callee"),
            OperandSlot::Incoming(b) => write!(f, "the incoming value from {b}"),
        }
    }
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Type(t) => write!(f, "{t}"),
            Expected::OneOf(ts) => {
                let names: Vec<String> = ts.iter().map(Type::to_string).collect();
                f.write_str(&names.join(" or "))
            }
            Expected::Int => f.write_str("an integer"),
            Expected::IntOrIntVector => f.write_str("an integer or a vector of integers"),
            Expected::FloatOrFloatVector => f.write_str("a float or a vector of floats"),
            Expected::IntOrPtrOrVector => {
                f.write_str("an integer, a pointer, or a vector of integers or pointers")
            }
            Expected::PtrOrPtrVector => f.write_str("a pointer or a vector of pointers"),
            Expected::Vector => f.write_str("a vector"),
            Expected::Aggregate => f.write_str("an array or a structure"),
            Expected::FirstClass => f.write_str("a type a value can have"),
            Expected::SizedFirstClass => f.write_str("a sized type a value can have"),
            Expected::IntOrFloatOrPtr => f.write_str("an integer, a float or a pointer"),
            Expected::IntOrPtr => f.write_str("an integer or a pointer"),
        }
    }
}

impl fmt::Display for TypeProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeProblem::IntWidth(b) => {
                write!(f, "integer width {b} is outside 1..={}", opm_ir::types::MAX_INT_BITS)
            }
            TypeProblem::EmptyVector => f.write_str("a vector needs at least one element"),
            TypeProblem::VectorElement(t) => {
                write!(f, "vector elements must be integers, floats or pointers, not {t}")
            }
            TypeProblem::AggregateElement(t) => write!(f, "{t} cannot be an element or field"),
            TypeProblem::Parameter(t) => write!(f, "{t} cannot be a parameter type"),
            TypeProblem::Return(t) => write!(f, "{t} cannot be a return type"),
            TypeProblem::NotAValueType => f.write_str("no value can have this type"),
        }
    }
}

impl fmt::Display for GepIndexProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GepIndexProblem::NotAggregate => {
                f.write_str("it is not an array, a vector or a structure")
            }
            GepIndexProblem::StructIndexNotConstant => {
                f.write_str("a structure index must be a constant i32")
            }
            GepIndexProblem::StructIndexOutOfRange(i) => write!(f, "it has no field {i}"),
        }
    }
}

impl fmt::Display for ConstantProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ConstantProblem::*;
        match self {
            IntValueTooWide { bits, value } => {
                write!(f, "integer constant {value} does not fit in i{bits}")
            }
            IntTooWide { bits } => write!(
                f,
                "an i{bits} constant is wider than {} bits and must be held as a wide integer",
                opm_ir::types::NATIVE_INT_BITS
            ),
            WideIntTooNarrow { bits } => write!(
                f,
                "an i{bits} constant fits in {} bits and must not be held as a wide integer",
                opm_ir::types::NATIVE_INT_BITS
            ),
            WideIntWordCount { bits, found, expected } => write!(
                f,
                "an i{bits} constant has {found} 64-bit word{}, expected {expected}",
                plural(*found)
            ),
            WideIntValueTooWide { bits } => {
                write!(f, "wide integer constant has bits set above its width i{bits}")
            }
            FloatBitsTooWide { kind, bits } => {
                write!(f, "bit pattern {bits:#x} does not fit in {}", kind.ty())
            }
            NotAValueType { ty } => write!(f, "no constant can have type {ty}"),
            ElementType { index, found, expected } => {
                write!(f, "element {} has type {found}, expected {expected}", index + 1)
            }
            FieldCount { found, expected } => write!(
                f,
                "structure constant has {found} field{}, but its type has {expected}",
                plural(*found)
            ),
            EmptyVector => f.write_str("vector constant without elements"),
            NotAStruct { ty } => {
                write!(f, "structure constant of type {ty}, which is not a structure with a body")
            }
            UnsupportedExpr { opcode } => write!(f, "LLVM has no `{opcode}` constant expression"),
            InvalidCast { op, from, to } => {
                write!(f, "constant {} from {from} to {to}: {}", op.name(), cast_rule(*op))
            }
            OperandType { operand, found, expected } => write!(
                f,
                "operand {} of a constant expression has type {found}, expected {expected}",
                operand + 1
            ),
            DisallowedFlags { flags } => {
                write!(f, "constant expression cannot carry {}", flag_list(*flags))
            }
            UnsizedGepSource { ty } => {
                write!(f, "constant getelementptr over {ty}, which has no size")
            }
            InvalidGepIndex { position, ty, problem } => write!(
                f,
                "index {} of a constant getelementptr cannot step into {ty}: {problem}",
                position + 1
            ),
        }
    }
}

impl fmt::Display for AtomicOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AtomicOp::Load => "`load atomic`",
            AtomicOp::Store => "`store atomic`",
            AtomicOp::AtomicRmw => "`atomicrmw`",
            AtomicOp::CmpXchg => "`cmpxchg`",
            AtomicOp::Fence => "`fence`",
        })
    }
}

impl fmt::Display for ClauseProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClauseProblem::CatchNotPointer(t) => write!(f, "a catch clause takes a ptr, not {t}"),
            ClauseProblem::FilterNotPointerArray(t) => {
                write!(f, "a filter clause takes an array of ptr, not {t}")
            }
            ClauseProblem::FilterNotAList => f.write_str(
                "a filter clause lists its types (an array constant or zeroinitializer), \
                 not undef or poison",
            ),
        }
    }
}

impl fmt::Display for BlockAddressProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BlockAddressProblem::NotAFunction => "it is not a function",
            BlockAddressProblem::Declaration => "the function is a declaration",
            BlockAddressProblem::NoSuchBlock => "the function has no such block",
            BlockAddressProblem::EntryBlock => "the address of the entry block cannot be taken",
        })
    }
}

impl fmt::Display for ComdatProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ComdatProblem::Declaration => f.write_str("only a definition can be in a comdat"),
            ComdatProblem::Common => f.write_str("a common global cannot be in a comdat"),
            ComdatProblem::Alias => {
                f.write_str("an alias is in its aliasee's comdat, never in one of its own")
            }
            ComdatProblem::SelectionConflict { first, found } => write!(
                f,
                "its selection kind is {}, but the comdat was first given {}",
                found.keyword(),
                first.keyword()
            ),
        }
    }
}

impl fmt::Display for AttrPosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttrPosition::Return => f.write_str("the return value"),
            AttrPosition::Param(i) => write!(f, "parameter {}", i + 1),
        }
    }
}

impl fmt::Display for SymbolKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SymbolKind::Function => "function",
            SymbolKind::Global => "global variable",
            SymbolKind::Alias => "alias",
        })
    }
}

/// What a cast converts, for messages.
pub(crate) fn cast_rule(op: CastOp) -> &'static str {
    match op {
        CastOp::Trunc => "trunc needs an integer wider than the result, with as many lanes",
        CastOp::ZExt | CastOp::SExt => {
            "it needs an integer narrower than the result, with as many lanes"
        }
        CastOp::FPTrunc => "fptrunc needs a float wider than the result, with as many lanes",
        CastOp::FPExt => "fpext needs a float narrower than the result, with as many lanes",
        CastOp::FPToUI | CastOp::FPToSI => "it converts a float to an integer, with as many lanes",
        CastOp::UIToFP | CastOp::SIToFP => "it converts an integer to a float, with as many lanes",
        CastOp::PtrToInt => "ptrtoint converts a pointer to an integer, with as many lanes",
        CastOp::IntToPtr => "inttoptr converts an integer to a pointer, with as many lanes",
        CastOp::BitCast => {
            "bitcast needs two non-aggregate types of one size, both pointers or neither"
        }
    }
}

/// "s" unless `n` is 1.
fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `` flag `nsw` `` / `` flags `nsw`, `nuw` `` (all fast-math flags as `fast`; bits that are
/// no flag in hex).
fn flag_list(flags: Flags) -> String {
    // Every bit up to the highest flag, `reassoc`, is a flag.
    const KNOWN: u32 = (Flags::REASSOC.0 << 1) - 1;
    let mut names: Vec<String> = Vec::new();
    let mut named = Flags(flags.0 & KNOWN);
    if named.fast_math() == Flags::FAST {
        names.push("`fast`".to_string());
        named = named.outside(Flags::FAST);
    }
    names.extend(named.names().iter().map(|n| format!("`{n}`")));
    let unknown = flags.0 & !KNOWN;
    if unknown != 0 {
        names.push(format!("{unknown:#x}"));
    }
    let noun = if names.len() == 1 { "flag" } else { "flags" };
    format!("{noun} {}", names.join(", "))
}

fn attribute_text(a: &Attribute) -> String {
    match a {
        Attribute::Enum { name, value: 0 } => name.clone(),
        Attribute::Enum { name, value } => format!("{name}({value})"),
        Attribute::Type { name, ty } => format!("{name}({ty})"),
        Attribute::Str { key, value } if value.is_empty() => format!("\"{key}\""),
        Attribute::Str { key, value } => format!("\"{key}\"=\"{value}\""),
    }
}

fn cconv_text(c: CallConv) -> String {
    match c {
        CallConv::C => "ccc".to_string(),
        CallConv::FAST => "fastcc".to_string(),
        CallConv::COLD => "coldcc".to_string(),
        CallConv(n) => format!("cc {n}"),
    }
}

fn linkage_text(l: Linkage) -> &'static str {
    match l.keyword() {
        "" => "external",
        k => k,
    }
}

fn tail_keyword(t: TailKind) -> &'static str {
    match t {
        TailKind::None => "call",
        TailKind::Tail => "tail",
        TailKind::MustTail => "musttail",
        TailKind::NoTail => "notail",
    }
}

/// Why an ordering is not allowed on `op` (as LLVM's verifier and LangRef say).
fn ordering_rule(op: AtomicOp, failure: bool, ordering: AtomicOrdering) -> &'static str {
    match op {
        AtomicOp::Load => "a load cannot release",
        AtomicOp::Store => "a store cannot acquire",
        AtomicOp::CmpXchg if failure && ordering != AtomicOrdering::Unordered => {
            "a failed cmpxchg only loads, which cannot release"
        }
        AtomicOp::AtomicRmw | AtomicOp::CmpXchg => "only loads and stores can be unordered",
        AtomicOp::Fence => "a fence is acquire, release, acq_rel or seq_cst",
    }
}

fn quoted(s: &str) -> String {
    format!("{s:?}")
}

impl fmt::Display for ViolationKind {
    /// The message, without the location.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ViolationKind::*;
        match self {
            EmptyBlock => f.write_str("block has no instructions"),
            MissingTerminator => f.write_str("block does not end in a terminator"),
            TerminatorNotAtEnd => f.write_str("terminator before the end of the block"),
            PhiNotAtStart => f.write_str("phi after a non-phi instruction"),
            EntryHasPredecessors { preds } => {
                let names: Vec<String> = preds.iter().map(|b| b.name.clone()).collect();
                write!(f, "the entry block has predecessors: {}", names.join(", "))
            }
            ResultOnVoid { value } => write!(f, "defines {value} but has type void"),
            MissingResult { ty } => write!(f, "has type {ty} but defines no value"),
            VoidResult { opcode } => write!(f, "`{opcode}` must produce a value, not void"),
            NoResultExpected { opcode, ty } => {
                write!(f, "`{opcode}` produces no value, but has type {ty}")
            }
            DuplicateDefinition { value } => write!(f, "{value} is defined more than once"),
            UseNotDominated { value } => {
                write!(f, "uses {value}, whose definition does not dominate this use")
            }
            IncomingNotDominated { value, block } => write!(
                f,
                "incoming value {value} from {block} does not dominate the end of {block}"
            ),
            SelfReference { value } => write!(f, "uses its own result {value}"),
            EmptyPhi => f.write_str("phi without incoming values"),
            PhiIncomingCount { block, edges, entries: 0 } => {
                let times = if *edges == 1 { String::new() } else { format!(" ({edges} edges)") };
                write!(f, "phi has no incoming value for predecessor {block}{times}")
            }
            PhiIncomingCount { block, edges, entries } => write!(
                f,
                "phi has {entries} incoming value{} for {block}, which branches here {edges} time{}",
                plural(*entries),
                plural(*edges)
            ),
            PhiIncomingNotPredecessor { block } => {
                write!(f, "phi has an incoming value for {block}, which is not a predecessor")
            }
            PhiConflictingValues { block } => {
                write!(f, "phi has different incoming values for the edges from {block}")
            }
            MalformedType { ty, problem } => write!(f, "malformed type {ty}: {problem}"),
            MalformedConstant { problem } => write!(f, "malformed constant: {problem}"),
            OperandType { operand, found, expected } => {
                write!(f, "{operand} has type {found}, expected {expected}")
            }
            ResultType { found, expected } => {
                write!(f, "result has type {found}, expected {expected}")
            }
            InvalidCast { op, from, to } => {
                write!(f, "cannot {} {from} to {to}: {}", op.name(), cast_rule(*op))
            }
            UnsizedType { ty } => write!(f, "type {ty} has no size"),
            ArgumentCount { found, expected, varargs } => write!(
                f,
                "{found} argument{} for a function type taking {}{expected}",
                plural(*found),
                if *varargs { "at least " } else { "" }
            ),
            MissingReturnValue { expected } => {
                write!(f, "`ret void` in a function returning {expected}")
            }
            ReturnValueInVoidFunction => f.write_str("returns a value from a void function"),
            NoIndices => f.write_str("needs at least one index"),
            InvalidAggregateIndex { position, index, ty } => {
                write!(f, "index {} (value {index}) selects no member of {ty}", position + 1)
            }
            InvalidGepIndex { position, ty, problem } => {
                write!(f, "index {} cannot step into {ty}: {problem}", position + 1)
            }
            ShuffleMaskElement { position, value, lanes } => write!(
                f,
                "mask element {} is {value}, expected -1 or a lane below {lanes}",
                position + 1
            ),
            DuplicateCase { value } => write!(f, "case value {value} appears more than once"),
            CaseValueTooWide { value, bits } => {
                write!(f, "case value {value} does not fit in i{bits}")
            }
            DisallowedFlags { opcode, flags } => {
                write!(f, "`{opcode}` cannot carry {}", flag_list(*flags))
            }
            CallSignatureMismatch { callee, call_ty, callee_ty } => write!(
                f,
                "calls @{} as `{call_ty}`, but it is `{callee_ty}`",
                quote_if_needed(callee)
            ),
            CallToNonFunction { callee } => {
                write!(f, "calls @{}, which is a global variable", quote_if_needed(callee))
            }
            MustTailNotFollowedByRet => {
                f.write_str("a musttail call must be followed by a ret of its result")
            }
            MisplacedInlineAsm => f.write_str(
                "inline asm can only be called (by a call or an invoke), not used as a value",
            ),
            InlineAsmTypeMismatch { call_ty, asm_ty } => {
                write!(f, "calls inline asm of type `{asm_ty}` as `{call_ty}`")
            }
            TailMarkerOnInvoke { tail } => {
                write!(f, "an invoke cannot be `{}`", tail_keyword(*tail))
            }
            DisallowedOrdering { op, failure, ordering } => {
                let which = match (op, failure) {
                    (_, true) => "failure ordering",
                    (AtomicOp::CmpXchg, false) => "success ordering",
                    _ => "ordering",
                };
                write!(
                    f,
                    "{op} cannot have {which} {}: {}",
                    ordering.name(),
                    ordering_rule(*op, *failure, *ordering)
                )
            }
            AtomicWithoutAlignment { op } => write!(f, "{op} needs an explicit alignment"),
            AtomicAccessType { op, ty } => write!(
                f,
                "{op} of {ty}: atomic loads and stores take an integer, a float, a pointer \
                 or a vector of them"
            ),
            AtomicAccessSize { op, ty, bits } => write!(
                f,
                "{op} of {ty} ({bits} bits): an atomic access must be a power of two of at \
                 least 8 bits"
            ),
            UnwindDestNotLandingPad { block } => {
                write!(f, "unwinds to {block}, which does not start with a landingpad")
            }
            LandingPadNotFirst => f.write_str(
                "a landingpad must be the first instruction of its block after the phis",
            ),
            LandingPadInEntryBlock => f.write_str("a landingpad cannot be in the entry block"),
            LandingPadPredecessor { pred } => write!(
                f,
                "a landing pad's block is reached from {pred}, but only the unwind edge of an \
                 invoke may reach it"
            ),
            MissingPersonality { opcode } => {
                write!(f, "`{opcode}` in a function without a personality")
            }
            EmptyLandingPad => f.write_str("a landingpad without clauses must be `cleanup`"),
            InvalidClause { index, problem } => write!(f, "clause {}: {problem}", index + 1),
            ExceptionTypeMismatch { found, expected } => write!(
                f,
                "exception type {found} differs from {expected}, that of the function's first \
                 landingpad or resume"
            ),
            InvalidPersonality { problem: PersonalityProblem::Declaration } => {
                f.write_str("a declaration cannot have a personality")
            }
            InvalidPersonality { problem: PersonalityProblem::NotAPointer(t) } => {
                write!(f, "the personality has type {t}, expected ptr")
            }
            UndefinedValue { value } => write!(f, "uses {value}, which is not defined"),
            UndefinedBlock { block } => write!(f, "refers to block {block}, which does not exist"),
            UndefinedSymbol { name } => {
                write!(f, "refers to @{}, which is not in the module", quote_if_needed(name))
            }
            DuplicateSymbol { name } => {
                write!(f, "symbol @{} is defined more than once", quote_if_needed(name))
            }
            ParamCount { found, expected } => {
                write!(f, "has {found} parameters, but its type has {expected}")
            }
            InitializerType { found, expected } => {
                write!(f, "initializer has type {found}, expected {expected}")
            }
            InvalidBlockAddress { function, block, problem } => write!(
                f,
                "blockaddress(@{}, {block}) names no block whose address can be taken: {problem}",
                quote_if_needed(function)
            ),
            InvalidAliasee => f.write_str("the aliasee must be a symbol or a constant expression"),
            AliaseeType { found } => write!(f, "the aliasee has type {found}, expected ptr"),
            AliasTarget { target, problem } => {
                let target = quote_if_needed(target);
                match problem {
                    AliasTargetProblem::Declaration => {
                        write!(f, "alias of @{target}, which is not a definition")
                    }
                    AliasTargetProblem::NotAvailableExternally => write!(
                        f,
                        "an available_externally alias must alias an available_externally \
                         symbol, not @{target}"
                    ),
                    AliasTargetProblem::InterposableAlias => {
                        write!(f, "alias of @{target}, an alias that the linker may replace")
                    }
                }
            }
            AliasCycle { path } => {
                let names: Vec<String> =
                    path.iter().map(|n| format!("@{}", quote_if_needed(n))).collect();
                write!(f, "aliases form a cycle: {}", names.join(" -> "))
            }
            InvalidAliasLinkage { linkage } => {
                write!(f, "an alias cannot have linkage {}", linkage_text(*linkage))
            }
            InvalidComdat { comdat, problem } => {
                write!(f, "in comdat ${}: {problem}", quote_if_needed(comdat))
            }
            SymbolRemoved { kind } => write!(f, "exported {kind} was removed"),
            SymbolKindChanged { before, after } => {
                write!(f, "exported {before} became a {after}")
            }
            SymbolNoLongerExported { linkage } => write!(
                f,
                "exported definition is no longer exported (linkage {})",
                linkage_text(*linkage)
            ),
            DefinitionRemoved { kind } => {
                write!(f, "exported {kind} definition became a declaration")
            }
            FunctionTypeChanged { before, after } => {
                write!(f, "function type changed from `{before}` to `{after}`")
            }
            CallingConventionChanged { before, after } => write!(
                f,
                "calling convention changed from {} to {}",
                cconv_text(*before),
                cconv_text(*after)
            ),
            AbiAttributeChanged { position, name, before, after } => match (before, after) {
                (Some(b), None) => {
                    write!(f, "ABI attribute `{}` removed from {position}", attribute_text(b))
                }
                (None, Some(a)) => {
                    write!(f, "ABI attribute `{}` added to {position}", attribute_text(a))
                }
                (Some(b), Some(a)) => write!(
                    f,
                    "ABI attribute of {position} changed from `{}` to `{}`",
                    attribute_text(b),
                    attribute_text(a)
                ),
                (None, None) => write!(f, "ABI attribute `{name}` of {position} changed"),
            },
            GlobalTypeChanged { before, after } => {
                write!(f, "global variable type changed from {before} to {after}")
            }
            ConstnessChanged { before, after } => write!(
                f,
                "global variable changed from {} to {}",
                if *before { "constant" } else { "global" },
                if *after { "constant" } else { "global" }
            ),
            TargetTripleChanged { before, after } => {
                write!(f, "target triple changed from {} to {}", quoted(before), quoted(after))
            }
            DataLayoutChanged { before, after } => {
                write!(f, "data layout changed from {} to {}", quoted(before), quoted(after))
            }
        }
    }
}
