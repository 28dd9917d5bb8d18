//! Golden tests of the printer: each case builds a module in Rust, prints it, and compares the
//! text with `tests/golden/<case>.ll`. Set `OPM_BLESS=1` to write the files instead.
//! `print_llvm.rs` checks that LLVM 22 accepts every golden file.
//!
//! Together the cases cover every type, constant kind, constant expression, attribute kind,
//! symbol property, flag and instruction.

use opm_ir::print::{PrintOptions, print_module};
use opm_ir::{
    Attribute, Attrs, BinOp, Block, BlockId, Call, CallConv, CastOp, Comdat, ComdatSelection,
    ConstExpr, Constant, Flags, FloatKind, FloatPredicate, Function, FunctionBuilder, FunctionType,
    Global, Inst, IntPredicate, Linkage, Module, ModuleFlag, Op, Operand, Param, StructType,
    SymbolProps, TailKind, TlsModel, Type, UnnamedAddr, ValueId, Visibility,
};
use std::path::PathBuf;

// ---------------------------------------------------------------------------------------------
// The harness

fn golden_path(case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(format!("{case}.ll"))
}

/// Compares `actual` with the golden file of `case`, or writes it under `OPM_BLESS=1`.
fn check_golden(case: &str, actual: &str) {
    let path = golden_path(case);
    if std::env::var("OPM_BLESS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != actual {
        panic!(
            "printed module differs from {}:\n{}\nset OPM_BLESS=1 to update",
            path.display(),
            line_diff(&expected, actual)
        );
    }
}

/// A plain line diff: `-` expected, `+` actual, for the lines that differ.
fn line_diff(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let mut out = String::new();
    for i in 0..e.len().max(a.len()) {
        let (le, la) = (e.get(i), a.get(i));
        if le != la {
            if let Some(l) = le {
                out.push_str(&format!("{:4} - {l}\n", i + 1));
            }
            if let Some(l) = la {
                out.push_str(&format!("{:4} + {l}\n", i + 1));
            }
        }
    }
    out
}

fn print(module: &Module) -> String {
    print_module(module, PrintOptions::default())
}

// ---------------------------------------------------------------------------------------------
// Small constructors

fn named(name: &str, fields: Vec<Type>) -> Type {
    Type::Struct(StructType { name: Some(name.into()), body: Some(fields), packed: false })
}

fn opaque(name: &str) -> Type {
    Type::Struct(StructType { name: Some(name.into()), body: None, packed: false })
}

fn packed(fields: Vec<Type>) -> Type {
    Type::Struct(StructType { name: None, body: Some(fields), packed: true })
}

fn fn_ty(ret: Type, params: Vec<Type>) -> FunctionType {
    FunctionType { ret, params, varargs: false }
}

fn global(name: &str, ty: Type, init: Option<Constant>) -> Global {
    Global {
        name: name.into(),
        ty,
        init,
        is_constant: false,
        props: SymbolProps::default(),
        thread_local: None,
        externally_initialized: false,
    }
}

fn init(name: &str, c: Constant) -> Global {
    global(name, c.ty(), Some(c))
}

fn flag(name: &str) -> Attribute {
    Attribute::flag(name)
}

fn int_attr(name: &str, value: u64) -> Attribute {
    Attribute::Enum { name: name.into(), value }
}

fn str_attr(key: &str, value: &str) -> Attribute {
    Attribute::Str { key: key.into(), value: value.into() }
}

fn ty_attr(name: &str, ty: Type) -> Attribute {
    Attribute::Type { name: name.into(), ty }
}

fn gref(name: &str) -> Constant {
    Constant::Global(name.into())
}

fn expr(e: ConstExpr) -> Constant {
    Constant::Expr(Box::new(e))
}

fn int(bits: u32, v: i128) -> Operand {
    Operand::int(bits, v)
}

fn call(callee: Operand, fn_ty: FunctionType, args: Vec<Operand>) -> Call {
    Call {
        callee,
        fn_ty,
        args,
        attrs: Attrs::default(),
        tail: TailKind::None,
        cconv: CallConv::C,
        flags: Flags::NONE,
    }
}

fn module(globals: Vec<Global>, functions: Vec<Function>) -> Module {
    Module { globals, functions, ..Module::default() }
}

// ---------------------------------------------------------------------------------------------
// Cases

/// The header, and named structures found through every kind of use.
#[test]
fn header_and_struct_types() {
    let point = named("struct.Point", vec![Type::I32, Type::I32]);
    let line = named("struct.Line", vec![point.clone(), point.clone()]);
    let only_alloca = named("struct.OnlyAlloca", vec![Type::Double]);
    let only_gep = named("struct.OnlyGep", vec![Type::I8, Type::array(3, Type::I64)]);
    let only_byval = named("struct.OnlyByval", vec![Type::Float]);
    let only_call = named("struct.OnlyCall", vec![Type::Ptr]);
    let only_const = named("union.OnlyConst", vec![Type::I64]);
    let packed_named = Type::Struct(StructType {
        name: Some("struct.Packed".into()),
        body: Some(vec![Type::I8, Type::I32]),
        packed: true,
    });
    let quoted = named("struct.with space", vec![]);

    let mut m = module(
        vec![
            global("line", line.clone(), Some(Constant::Zero(line.clone()))),
            global("handle", opaque("struct.Opaque"), None),
            init(
                "p",
                Constant::Struct {
                    ty: packed_named.clone(),
                    fields: vec![Constant::int(8, 1), Constant::int(32, 2)],
                },
            ),
            init("q", Constant::Struct { ty: quoted.clone(), fields: vec![] }),
            init(
                "offset",
                expr(ConstExpr::Gep {
                    source_ty: only_const.clone(),
                    base: gref("line"),
                    indices: vec![Constant::int(64, 0), Constant::int(32, 0)],
                    flags: Flags::INBOUNDS,
                }),
            ),
        ],
        vec![],
    );
    m.name = "header.c".into();
    m.source_filename = "src/header \"quoted\".c".into();
    m.data_layout =
        "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128".into();
    m.target_triple = "x86_64-pc-linux-gnu".into();

    let mut use_byval = Function::declaration("use_byval", fn_ty(Type::Void, vec![Type::Ptr]));
    use_byval.attrs.params = vec![vec![ty_attr("byval", only_byval.clone()), int_attr("align", 4)]];
    m.functions.push(use_byval);

    let mut b = FunctionBuilder::new("walk", fn_ty(Type::I32, vec![Type::Ptr]));
    b.func_mut().blocks[0].name = Some("entry".into());
    let slot = b.push(Type::Ptr, Op::Alloca { ty: only_alloca, count: int(32, 1), align: 8 });
    let field = b.push(
        Type::Ptr,
        Op::Gep {
            source_ty: only_gep,
            flags: Flags::INBOUNDS,
            base: slot.clone(),
            indices: vec![int(64, 0), int(32, 1), int(64, 2)],
        },
    );
    let callee_ty = fn_ty(only_call.clone(), vec![Type::Ptr]);
    b.push(only_call, Op::Call(Box::new(call(b.param(0), callee_ty, vec![field]))));
    let x =
        b.push(Type::I32, Op::Load { ptr: b.param(0), align: 4, volatile: false, atomic: None });
    b.ret(Some(x));
    m.functions.push(b.finish());
    check_golden("header_and_struct_types", &print(&m));
}

/// Every constant kind, as initializers of globals.
#[test]
fn constants() {
    let pair = named("struct.Pair", vec![Type::I32, Type::Ptr]);
    let vec4 = Type::vector(4, Type::Float);
    let globals = vec![
        init("i1_true", Constant::bool(true)),
        init("i1_false", Constant::bool(false)),
        init("i8_neg", Constant::int(8, -1)),
        init("i16", Constant::int(16, 12345)),
        init("i32_min", Constant::int(32, i32::MIN.into())),
        init("i64_max", Constant::int(64, i64::MAX.into())),
        init("i128_min", Constant::int(128, i128::MIN)),
        init("i128_max", Constant::int(128, i128::MAX)),
        init("i128_big", Constant::Int { bits: 128, value: 1 << 100 }),
        init("i7", Constant::int(7, -3)),
        init("f_one", Constant::f32(1.0)),
        init("f_tenth", Constant::f32(0.1)),
        init("d_tenth", Constant::f64(0.1)),
        init("d_neg_zero", Constant::f64(-0.0)),
        init("d_inf", Constant::f64(f64::INFINITY)),
        init("d_qnan", Constant::Float { kind: FloatKind::Double, bits: 0x7ff8_0000_0000_0001 }),
        init("d_snan", Constant::Float { kind: FloatKind::Double, bits: 0x7ff0_0000_0000_0001 }),
        init("f_snan", Constant::Float { kind: FloatKind::Float, bits: 0x7f80_0001 }),
        init("h_one", Constant::Float { kind: FloatKind::Half, bits: 0x3c00 }),
        init("bf_one", Constant::Float { kind: FloatKind::BFloat, bits: 0x3f80 }),
        init("null", Constant::Null),
        init("undef", Constant::Undef(Type::I32)),
        init("poison", Constant::Poison(vec4.clone())),
        init("zero_i32", Constant::Zero(Type::I32)),
        init("zero_i1", Constant::Zero(Type::BOOL)),
        init("zero_float", Constant::Zero(Type::Float)),
        init("zero_half", Constant::Zero(Type::Half)),
        init("zero_bfloat", Constant::Zero(Type::BFloat)),
        init("zero_ptr", Constant::Zero(Type::Ptr)),
        init("zero_vec", Constant::Zero(vec4.clone())),
        init("zero_array", Constant::Zero(Type::array(3, Type::I64))),
        init("zero_struct", Constant::Zero(pair.clone())),
        init(
            "array",
            Constant::Array {
                elem: Type::I32,
                elems: vec![Constant::int(32, 1), Constant::int(32, -2)],
            },
        ),
        init("empty_array", Constant::Array { elem: Type::I32, elems: vec![] }),
        init(
            "nested_array",
            Constant::Array {
                elem: Type::array(2, Type::I8),
                elems: vec![
                    Constant::Bytes(b"ab".to_vec()),
                    Constant::Zero(Type::array(2, Type::I8)),
                ],
            },
        ),
        init("bytes", Constant::Bytes(b"hi \"there\"\\\n\t\x00\x7f\xff".to_vec())),
        init(
            "vector",
            Constant::Vector(vec![
                Constant::f32(1.0),
                Constant::f32(-2.5),
                Constant::f32(0.0),
                Constant::f32(1e10),
            ]),
        ),
        init("ptr_vector", Constant::Vector(vec![gref("i16"), Constant::Null])),
        init(
            "literal_struct",
            Constant::Struct {
                ty: Type::literal_struct(vec![Type::I32, Type::Ptr]),
                fields: vec![Constant::int(32, 1), gref("i16")],
            },
        ),
        init(
            "named_struct",
            Constant::Struct {
                ty: pair.clone(),
                fields: vec![Constant::int(32, 7), Constant::Null],
            },
        ),
        init(
            "packed_struct",
            Constant::Struct {
                ty: packed(vec![Type::I8, Type::I64]),
                fields: vec![Constant::int(8, 1), Constant::Undef(Type::I64)],
            },
        ),
        init("empty_struct", Constant::Struct { ty: Type::literal_struct(vec![]), fields: vec![] }),
        init("global_ref", gref("i16")),
        init("quoted_ref", gref("needs quotes")),
        global("needs quotes", Type::I8, Some(Constant::int(8, 0))),
    ];
    check_golden("constants", &print(&module(globals, vec![])));
}

/// The constant expressions LLVM 22 keeps.
#[test]
fn constant_expressions() {
    let addr = expr(ConstExpr::Cast { op: CastOp::PtrToInt, val: gref("base"), to: Type::I64 });
    let globals = vec![
        global("base", Type::array(16, Type::I8), Some(Constant::Zero(Type::array(16, Type::I8)))),
        init("ptrtoint", addr.clone()),
        init(
            "inttoptr",
            expr(ConstExpr::Cast {
                op: CastOp::IntToPtr,
                val: Constant::int(64, 4096),
                to: Type::Ptr,
            }),
        ),
        init(
            "bitcast",
            expr(ConstExpr::Cast {
                op: CastOp::BitCast,
                val: Constant::Vector(vec![Constant::int(32, 1), Constant::int(32, 2)]),
                to: Type::I64,
            }),
        ),
        init(
            "trunc",
            expr(ConstExpr::Cast { op: CastOp::Trunc, val: addr.clone(), to: Type::I32 }),
        ),
        init(
            "add",
            expr(ConstExpr::Bin {
                op: BinOp::Add,
                flags: Flags::NUW | Flags::NSW,
                lhs: addr.clone(),
                rhs: Constant::int(64, 8),
            }),
        ),
        init(
            "sub",
            expr(ConstExpr::Bin {
                op: BinOp::Sub,
                flags: Flags::NONE,
                lhs: Constant::int(64, 0),
                rhs: addr.clone(),
            }),
        ),
        init(
            "xor",
            expr(ConstExpr::Bin {
                op: BinOp::Xor,
                flags: Flags::NONE,
                lhs: addr.clone(),
                rhs: Constant::int(64, -1),
            }),
        ),
        init(
            "gep_plain",
            expr(ConstExpr::Gep {
                source_ty: Type::I8,
                base: gref("base"),
                indices: vec![Constant::int(64, 4)],
                flags: Flags::NONE,
            }),
        ),
        init(
            "gep_inbounds_nuw",
            expr(ConstExpr::Gep {
                source_ty: Type::I8,
                base: gref("base"),
                indices: vec![Constant::int(64, 4)],
                flags: Flags::INBOUNDS | Flags::NUSW | Flags::NUW,
            }),
        ),
        init(
            "gep_nusw",
            expr(ConstExpr::Gep {
                source_ty: Type::array(16, Type::I8),
                base: gref("base"),
                indices: vec![Constant::int(64, 0), Constant::int(64, 3)],
                flags: Flags::NUSW,
            }),
        ),
        init(
            "table",
            Constant::Array {
                elem: Type::Ptr,
                elems: vec![
                    expr(ConstExpr::Gep {
                        source_ty: Type::I8,
                        base: gref("base"),
                        indices: vec![Constant::int(64, 1)],
                        flags: Flags::INBOUNDS,
                    }),
                    gref("base"),
                ],
            },
        ),
    ];
    check_golden("constant_expressions", &print(&module(globals, vec![])));
}

/// Linkage, visibility, dso_local, thread-local models, unnamed_addr, sections, alignment.
#[test]
fn globals() {
    let mut gs = Vec::new();
    let linkages = [
        (Linkage::External, "external_def"),
        (Linkage::Internal, "internal"),
        (Linkage::Private, "private"),
        (Linkage::Weak, "weak"),
        (Linkage::WeakOdr, "weak_odr"),
        (Linkage::LinkOnce, "linkonce"),
        (Linkage::LinkOnceOdr, "linkonce_odr"),
        (Linkage::Common, "common"),
        (Linkage::AvailableExternally, "available_externally"),
    ];
    for (linkage, name) in linkages {
        let mut g = init(name, Constant::int(32, 0));
        g.props.linkage = linkage;
        g.props.dso_local = true;
        gs.push(g);
    }
    let mut appending =
        init("llvm.used", Constant::Array { elem: Type::Ptr, elems: vec![gref("internal")] });
    appending.props.linkage = Linkage::Appending;
    appending.props.section = Some("llvm.metadata".into());
    gs.push(appending);

    let mut declared = global("declared", Type::I32, None);
    declared.props.align = 4;
    gs.push(declared);
    let mut weak_decl = global("weak_decl", Type::I64, None);
    weak_decl.props.linkage = Linkage::ExternWeak;
    gs.push(weak_decl);

    for (vis, name) in [(Visibility::Hidden, "hidden"), (Visibility::Protected, "protected")] {
        let mut g = init(name, Constant::int(8, 1));
        g.props.visibility = vis;
        g.props.dso_local = true;
        gs.push(g);
    }
    let models = [
        (TlsModel::GeneralDynamic, "tls_general"),
        (TlsModel::LocalDynamic, "tls_local_dynamic"),
        (TlsModel::InitialExec, "tls_initial_exec"),
        (TlsModel::LocalExec, "tls_local_exec"),
    ];
    for (model, name) in models {
        let mut g = init(name, Constant::int(32, 0));
        g.thread_local = Some(model);
        gs.push(g);
    }
    let mut everything = init("everything", Constant::Bytes(b"text\0".to_vec()));
    everything.is_constant = true;
    everything.externally_initialized = true;
    everything.thread_local = Some(TlsModel::LocalExec);
    everything.props = SymbolProps {
        linkage: Linkage::Internal,
        visibility: Visibility::Default,
        dso_local: true,
        unnamed_addr: UnnamedAddr::Local,
        section: Some(".rodata.\"odd\"".into()),
        align: 16,
        comdat: None,
    };
    gs.push(everything);
    let mut str_const = init(".str", Constant::Bytes(b"hello\n\0".to_vec()));
    str_const.is_constant = true;
    str_const.props.linkage = Linkage::Private;
    str_const.props.unnamed_addr = UnnamedAddr::Global;
    str_const.props.align = 1;
    gs.push(str_const);
    check_golden("globals", &print(&module(gs, vec![])));
}

/// Function headers: declarations and definitions with every property.
#[test]
fn functions() {
    let mut fs = Vec::new();
    fs.push(Function::declaration("plain", fn_ty(Type::Void, vec![])));
    fs.push(Function::declaration(
        "printf",
        FunctionType { ret: Type::I32, params: vec![Type::Ptr], varargs: true },
    ));
    fs.push(Function::declaration(
        "only_varargs",
        FunctionType { ret: Type::Void, params: vec![], varargs: true },
    ));
    let mut weak =
        Function::declaration("weak_fn", fn_ty(Type::I64, vec![Type::I64, Type::Double]));
    weak.props.linkage = Linkage::ExternWeak;
    fs.push(weak);

    let mut b = FunctionBuilder::new("internal_fast", fn_ty(Type::I32, vec![Type::I32, Type::Ptr]));
    b.func_mut().params[0].name = Some("x".into());
    b.func_mut().params[1].name = Some("out".into());
    let x = b.param(0);
    b.ret(Some(x));
    let mut f = b.finish();
    f.props = SymbolProps {
        linkage: Linkage::Internal,
        visibility: Visibility::Default,
        dso_local: true,
        unnamed_addr: UnnamedAddr::Global,
        section: Some(".text.hot".into()),
        align: 16,
        comdat: Some(Comdat { name: "group".into(), selection: ComdatSelection::Largest }),
    };
    f.cconv = CallConv::FAST;
    f.attrs.ret = vec![flag("noundef"), flag("signext")];
    f.attrs.params =
        vec![vec![flag("noundef")], vec![flag("noalias"), int_attr("align", 8), flag("writeonly")]];
    f.attrs.func = vec![flag("nounwind"), str_attr("frame-pointer", "all")];
    fs.push(f);

    for (cc, name) in [(CallConv::COLD, "cold_cc"), (CallConv(64), "numbered_cc")] {
        let mut b = FunctionBuilder::new(name, fn_ty(Type::Void, vec![]));
        b.ret(None);
        let mut f = b.finish();
        f.cconv = cc;
        f.props.visibility = Visibility::Hidden;
        f.props.dso_local = true;
        f.props.unnamed_addr = UnnamedAddr::Local;
        fs.push(f);
    }
    let mut b = FunctionBuilder::new("linkonce_odr_fn", fn_ty(Type::Void, vec![]));
    b.ret(None);
    let mut f = b.finish();
    f.props.linkage = Linkage::LinkOnceOdr;
    f.props.dso_local = true;
    fs.push(f);

    let mut b = FunctionBuilder::new(
        "variadic def",
        FunctionType { ret: Type::Void, params: vec![Type::I32], varargs: true },
    );
    b.ret(None);
    fs.push(b.finish());
    check_golden("functions", &print(&module(vec![], fs)));
}

/// Every attribute kind, on functions, returns, parameters and call sites.
#[test]
fn attributes() {
    let s = named("struct.S", vec![Type::I64, Type::I64]);
    let mut fs = Vec::new();
    // One declaration per function attribute, so that each reads on its own line.
    let fn_attrs: Vec<(&str, Vec<Attribute>)> = vec![
        (
            "flags",
            vec![
                flag("nounwind"),
                flag("willreturn"),
                flag("mustprogress"),
                flag("nofree"),
                flag("nosync"),
                flag("norecurse"),
                flag("cold"),
                flag("noinline"),
                flag("optnone"),
            ],
        ),
        ("alignstack", vec![int_attr("alignstack", 16)]),
        ("uwtable_async", vec![int_attr("uwtable", 2)]),
        ("uwtable_sync", vec![int_attr("uwtable", 1)]),
        ("memory_none", vec![int_attr("memory", 0)]),
        ("memory_read", vec![int_attr("memory", 0b0101_0101_0101)]),
        ("memory_argmem", vec![int_attr("memory", 3)]),
        ("memory_mixed", vec![int_attr("memory", 1371)]),
        ("memory_errno_target", vec![int_attr("memory", (2 << 4) | (1 << 10))]),
        ("memory_all", vec![int_attr("memory", 0xfff)]),
        ("allockind", vec![int_attr("allockind", 1 | 16 | 32)]),
        ("allockind_free", vec![int_attr("allockind", 4)]),
        ("vscale_range", vec![int_attr("vscale_range", (1 << 32) | 16)]),
        ("vscale_unbounded", vec![int_attr("vscale_range", 2 << 32)]),
        (
            "strings",
            vec![
                str_attr("target-cpu", "x86-64"),
                str_attr("no-trapping-math", "true"),
                str_attr("key only", ""),
                str_attr("esc\"aped", "a\\b\n"),
            ],
        ),
        // Left out: no unwind table (0), an undefined memory location, an empty allockind,
        // a constant range.
        (
            "omitted",
            vec![
                int_attr("uwtable", 0),
                int_attr("memory", 1 << 12),
                int_attr("allockind", 0),
                int_attr("range", 5),
                flag("nounwind"),
            ],
        ),
    ];
    for (name, attrs) in fn_attrs {
        let mut f = Function::declaration(name, fn_ty(Type::Void, vec![]));
        f.attrs.func = attrs;
        fs.push(f);
    }
    let mut alloc =
        Function::declaration("my_calloc", fn_ty(Type::Ptr, vec![Type::I64, Type::I64]));
    alloc.attrs.func = vec![
        int_attr("allocsize", 1),
        str_attr("alloc-family", "malloc"),
        int_attr("allockind", 1 | 16),
    ];
    alloc.attrs.ret =
        vec![flag("noalias"), int_attr("align", 16), int_attr("dereferenceable_or_null", 64)];
    fs.push(alloc);
    let mut malloc = Function::declaration("my_malloc", fn_ty(Type::Ptr, vec![Type::I64]));
    malloc.attrs.func = vec![int_attr("allocsize", 0xffff_ffff)];
    fs.push(malloc);

    let mut params = Function::declaration(
        "params",
        fn_ty(
            Type::Void,
            vec![
                Type::Ptr,
                Type::Ptr,
                Type::Ptr,
                Type::Ptr,
                Type::I8,
                Type::I32,
                Type::Ptr,
                Type::Ptr,
                Type::Ptr,
            ],
        ),
    );
    params.attrs.params = vec![
        vec![ty_attr("sret", s.clone()), flag("noalias"), int_attr("align", 8)],
        vec![ty_attr("byval", s.clone()), int_attr("align", 8)],
        vec![ty_attr("byref", s.clone())],
        vec![int_attr("dereferenceable", 16), flag("nonnull"), flag("readonly")],
        vec![flag("zeroext"), flag("noundef")],
        vec![flag("signext"), flag("inreg")],
        vec![int_attr("captures", 0), flag("nest")],
        vec![int_attr("captures", 0x77), flag("noundef")],
        vec![int_attr("captures", 3), flag("writable"), flag("dead_on_unwind")],
    ];
    fs.push(params);
    let mut more = Function::declaration(
        "more_params",
        fn_ty(Type::Void, vec![Type::Float, Type::Double, Type::Ptr, Type::Ptr, Type::Ptr]),
    );
    more.attrs.params = vec![
        vec![int_attr("nofpclass", 3 | 0x204)],
        vec![int_attr("nofpclass", 0x3ff), int_attr("range", 1)],
        vec![int_attr("captures", 0x1f)],
        vec![ty_attr("preallocated", s.clone())],
        vec![ty_attr("inalloca", s.clone())],
    ];
    fs.push(more);

    let mut intrinsic = Function::declaration(
        "llvm.preserve.array.access.index.p0.p0",
        fn_ty(Type::Ptr, vec![Type::Ptr, Type::I32, Type::I32]),
    );
    intrinsic.attrs.func = vec![
        flag("nocallback"),
        flag("nofree"),
        flag("nosync"),
        flag("nounwind"),
        flag("willreturn"),
        int_attr("memory", 0),
    ];
    intrinsic.attrs.params = vec![vec![], vec![flag("immarg")], vec![flag("immarg")]];
    fs.push(intrinsic);

    // Call-site attributes.
    let mut b = FunctionBuilder::new("caller", fn_ty(Type::Void, vec![Type::Ptr]));
    let mut c = call(
        Operand::global("params"),
        fs.iter().find(|f| f.name == "params").unwrap().ty.clone(),
        vec![
            b.param(0),
            b.param(0),
            b.param(0),
            b.param(0),
            int(8, 1),
            int(32, 2),
            b.param(0),
            b.param(0),
            b.param(0),
        ],
    );
    c.attrs.func = vec![flag("nounwind"), str_attr("call-site", "yes")];
    c.attrs.params = vec![
        vec![ty_attr("sret", s.clone()), int_attr("align", 8)],
        vec![ty_attr("byval", s.clone())],
    ];
    b.push_void(Op::Call(Box::new(c)));
    let arr = Type::array(4, Type::I32);
    let mut c = call(
        Operand::global("llvm.preserve.array.access.index.p0.p0"),
        fn_ty(Type::Ptr, vec![Type::Ptr, Type::I32, Type::I32]),
        vec![b.param(0), int(32, 0), int(32, 1)],
    );
    c.attrs.params = vec![vec![ty_attr("elementtype", arr)]];
    b.push(Type::Ptr, Op::Call(Box::new(c)));
    let mut c =
        call(Operand::global("my_malloc"), fn_ty(Type::Ptr, vec![Type::I64]), vec![int(64, 8)]);
    c.attrs.ret = vec![flag("noalias"), flag("noundef")];
    c.attrs.func = vec![int_attr("allocsize", 0xffff_ffff)];
    b.push(Type::Ptr, Op::Call(Box::new(c)));
    b.ret(None);
    let mut caller = b.finish();
    caller.attrs.func = vec![
        int_attr("uwtable", 2),
        int_attr("memory", 0xfff),
        flag("nounwind"),
        str_attr("frame-pointer", "all"),
    ];
    fs.push(caller);
    check_golden("attributes", &print(&module(vec![], fs)));
}

/// Integer instructions: every binary operator, flags, comparisons and casts.
#[test]
fn integer_instructions() {
    let mut b = FunctionBuilder::new(
        "int_ops",
        fn_ty(Type::I32, vec![Type::I32, Type::I32, Type::I64, Type::Ptr]),
    );
    let (x, y, w, p) = (b.param(0), b.param(1), b.param(2), b.param(3));
    let bin = |b: &mut FunctionBuilder, op, flags, lhs: &Operand, rhs: Operand| {
        b.push(Type::I32, Op::Bin { op, flags, lhs: lhs.clone(), rhs })
    };
    bin(&mut b, BinOp::Add, Flags::NUW | Flags::NSW, &x, y.clone());
    bin(&mut b, BinOp::Sub, Flags::NSW, &x, int(32, 1));
    bin(&mut b, BinOp::Mul, Flags::NUW, &x, y.clone());
    bin(&mut b, BinOp::UDiv, Flags::EXACT, &x, y.clone());
    bin(&mut b, BinOp::SDiv, Flags::NONE, &x, int(32, -7));
    bin(&mut b, BinOp::URem, Flags::NONE, &x, y.clone());
    bin(&mut b, BinOp::SRem, Flags::NONE, &x, y.clone());
    bin(&mut b, BinOp::Shl, Flags::NUW | Flags::NSW, &x, int(32, 3));
    bin(&mut b, BinOp::LShr, Flags::EXACT, &x, int(32, 1));
    bin(&mut b, BinOp::AShr, Flags::NONE, &x, y.clone());
    bin(&mut b, BinOp::And, Flags::NONE, &x, int(32, 255));
    bin(&mut b, BinOp::Or, Flags::DISJOINT, &x, int(32, 256));
    bin(&mut b, BinOp::Xor, Flags::NONE, &x, int(32, -1));
    let preds = [
        IntPredicate::Eq,
        IntPredicate::Ne,
        IntPredicate::Ugt,
        IntPredicate::Uge,
        IntPredicate::Ult,
        IntPredicate::Ule,
        IntPredicate::Sgt,
        IntPredicate::Sge,
        IntPredicate::Slt,
        IntPredicate::Sle,
    ];
    for pred in preds {
        b.push(Type::BOOL, Op::ICmp { pred, flags: Flags::NONE, lhs: x.clone(), rhs: y.clone() });
    }
    b.push(
        Type::BOOL,
        Op::ICmp {
            pred: IntPredicate::Ult,
            flags: Flags::SAMESIGN,
            lhs: x.clone(),
            rhs: int(32, 10),
        },
    );
    b.push(
        Type::BOOL,
        Op::ICmp {
            pred: IntPredicate::Eq,
            flags: Flags::NONE,
            lhs: p.clone(),
            rhs: Operand::Const(Constant::Null),
        },
    );
    let casts = [
        (CastOp::Trunc, Flags::NUW | Flags::NSW, w.clone(), Type::I32),
        (CastOp::Trunc, Flags::NONE, x.clone(), Type::Int(1)),
        (CastOp::ZExt, Flags::NNEG, x.clone(), Type::I64),
        (CastOp::SExt, Flags::NONE, x.clone(), Type::I64),
        (CastOp::PtrToInt, Flags::NONE, p.clone(), Type::I64),
        (CastOp::IntToPtr, Flags::NONE, w.clone(), Type::Ptr),
        (CastOp::BitCast, Flags::NONE, x.clone(), Type::Float),
        (CastOp::UIToFP, Flags::NNEG, x.clone(), Type::Double),
        (CastOp::SIToFP, Flags::NONE, w.clone(), Type::Float),
    ];
    for (op, flags, val, to) in casts {
        b.push(to, Op::Cast { op, flags, val });
    }
    let wide =
        b.push(Type::Int(128), Op::Cast { op: CastOp::ZExt, flags: Flags::NONE, val: w.clone() });
    b.push(
        Type::Int(128),
        Op::Bin {
            op: BinOp::Mul,
            flags: Flags::NONE,
            lhs: wide,
            rhs: Operand::int(128, i128::MIN + 1),
        },
    );
    let vec = Type::vector(4, Type::I32);
    b.push(
        vec.clone(),
        Op::Bin {
            op: BinOp::Add,
            flags: Flags::NSW,
            lhs: Operand::Const(Constant::Zero(vec.clone())),
            rhs: Operand::Const(Constant::Vector((1..=4).map(|i| Constant::int(32, i)).collect())),
        },
    );
    b.ret(Some(x));
    check_golden("integer_instructions", &print(&module(vec![], vec![b.finish()])));
}

/// Floating-point instructions with fast-math flags.
#[test]
fn float_instructions() {
    let mut b = FunctionBuilder::new(
        "float_ops",
        fn_ty(Type::Double, vec![Type::Double, Type::Float, Type::Half]),
    );
    let (d, f, h) = (b.param(0), b.param(1), b.param(2));
    let fops = [BinOp::FAdd, BinOp::FSub, BinOp::FMul, BinOp::FDiv, BinOp::FRem];
    for (i, op) in fops.into_iter().enumerate() {
        let flags = match i {
            0 => Flags::FAST,
            1 => Flags::NNAN | Flags::NINF,
            2 => Flags::REASSOC | Flags::NSZ | Flags::ARCP | Flags::CONTRACT | Flags::AFN,
            _ => Flags::NONE,
        };
        b.push(
            Type::Double,
            Op::Bin { op, flags, lhs: d.clone(), rhs: Operand::Const(Constant::f64(0.5)) },
        );
    }
    b.push(Type::Float, Op::FNeg { flags: Flags::NSZ, val: f.clone() });
    b.push(
        Type::Half,
        Op::Bin {
            op: BinOp::FAdd,
            flags: Flags::NONE,
            lhs: h.clone(),
            rhs: Operand::Const(Constant::Float { kind: FloatKind::Half, bits: 0x3c00 }),
        },
    );
    let preds = [
        FloatPredicate::False,
        FloatPredicate::Oeq,
        FloatPredicate::Ogt,
        FloatPredicate::Oge,
        FloatPredicate::Olt,
        FloatPredicate::Ole,
        FloatPredicate::One,
        FloatPredicate::Ord,
        FloatPredicate::Uno,
        FloatPredicate::Ueq,
        FloatPredicate::Ugt,
        FloatPredicate::Uge,
        FloatPredicate::Ult,
        FloatPredicate::Ule,
        FloatPredicate::Une,
        FloatPredicate::True,
    ];
    let mut last_cmp = Operand::Const(Constant::bool(true));
    for (i, pred) in preds.into_iter().enumerate() {
        let flags = if i == 1 { Flags::NNAN } else { Flags::NONE };
        last_cmp = b.push(
            Type::BOOL,
            Op::FCmp { pred, flags, lhs: d.clone(), rhs: Operand::Const(Constant::f64(1.0)) },
        );
    }
    b.push(
        Type::Double,
        Op::Select {
            flags: Flags::NNAN | Flags::NSZ,
            cond: last_cmp,
            then_val: d.clone(),
            else_val: Operand::Const(Constant::f64(-0.0)),
        },
    );
    let casts = [
        (CastOp::FPTrunc, Flags::FAST, d.clone(), Type::Float),
        (CastOp::FPExt, Flags::NINF, f.clone(), Type::Double),
        (CastOp::FPToUI, Flags::NONE, d.clone(), Type::I32),
        (CastOp::FPToSI, Flags::NONE, f.clone(), Type::I64),
        (CastOp::FPExt, Flags::NONE, h.clone(), Type::Float),
        // Fast-math flags on sitofp/uitofp do not exist in LLVM 22 and are not printed.
        (CastOp::SIToFP, Flags::FAST, Operand::int(32, 3), Type::Float),
    ];
    for (op, flags, val, to) in casts {
        b.push(to, Op::Cast { op, flags, val });
    }
    let sqrt = fn_ty(Type::Double, vec![Type::Double]);
    let mut c = call(Operand::global("llvm.sqrt.f64"), sqrt.clone(), vec![d.clone()]);
    c.flags = Flags::FAST;
    c.tail = TailKind::Tail;
    let r = b.push(Type::Double, Op::Call(Box::new(c)));
    b.ret(Some(r));
    let decl = Function::declaration("llvm.sqrt.f64", sqrt);
    check_golden("float_instructions", &print(&module(vec![], vec![b.finish(), decl])));
}

/// Memory, aggregates, vectors, calls and variadic arguments.
#[test]
fn memory_and_aggregates() {
    let pair = named("struct.Pair", vec![Type::I32, Type::Double]);
    let v4 = Type::vector(4, Type::I32);
    let mut fs = Vec::new();
    let variadic = FunctionType { ret: Type::I32, params: vec![Type::Ptr], varargs: true };
    fs.push(Function::declaration("printf", variadic.clone()));
    fs.push(Function::declaration("llvm.va_start.p0", fn_ty(Type::Void, vec![Type::Ptr])));
    fs.push(Function::declaration("llvm.va_end.p0", fn_ty(Type::Void, vec![Type::Ptr])));
    fs.push(Function::declaration("sink", fn_ty(Type::Void, vec![Type::I32])));

    let mut b = FunctionBuilder::new(
        "mem",
        FunctionType {
            ret: Type::I32,
            params: vec![Type::Ptr, Type::I64, v4.clone(), Type::Ptr],
            varargs: true,
        },
    );
    let (p, n, v, fp) = (b.param(0), b.param(1), b.param(2), b.param(3));
    let slot = b.push(Type::Ptr, Op::Alloca { ty: Type::I32, count: int(32, 1), align: 4 });
    b.push(Type::Ptr, Op::Alloca { ty: pair.clone(), count: n.clone(), align: 8 });
    b.push(Type::Ptr, Op::Alloca { ty: Type::I8, count: int(64, 1), align: 0 });
    b.push(Type::Ptr, Op::Alloca { ty: Type::I8, count: int(32, 16), align: 16 });
    let ap = b.push(Type::Ptr, Op::Alloca { ty: Type::Ptr, count: int(32, 1), align: 8 });
    b.push_void(Op::Store {
        val: int(32, 5),
        ptr: slot.clone(),
        align: 4,
        volatile: false,
        atomic: None,
    });
    b.push_void(Op::Store {
        val: int(32, 6),
        ptr: slot.clone(),
        align: 0,
        volatile: true,
        atomic: None,
    });
    let x =
        b.push(Type::I32, Op::Load { ptr: slot.clone(), align: 4, volatile: true, atomic: None });
    b.push(Type::I64, Op::Load { ptr: p.clone(), align: 0, volatile: false, atomic: None });
    b.push(
        Type::Ptr,
        Op::Gep {
            source_ty: pair.clone(),
            flags: Flags::INBOUNDS | Flags::NUW,
            base: p.clone(),
            indices: vec![n.clone(), int(32, 1)],
        },
    );
    b.push(
        Type::Ptr,
        Op::Gep {
            source_ty: Type::I8,
            flags: Flags::NUSW,
            base: p.clone(),
            indices: vec![int(64, -8)],
        },
    );
    b.push(
        Type::Ptr,
        Op::Gep { source_ty: Type::I32, flags: Flags::NONE, base: p.clone(), indices: vec![] },
    );
    b.push(
        Type::vector(4, Type::Ptr),
        Op::Gep {
            source_ty: Type::I32,
            flags: Flags::INBOUNDS,
            base: p.clone(),
            indices: vec![v.clone()],
        },
    );

    let agg =
        b.push(pair.clone(), Op::Load { ptr: p.clone(), align: 8, volatile: false, atomic: None });
    let first = b.push(Type::I32, Op::ExtractValue { agg: agg.clone(), indices: vec![0] });
    b.push(
        pair.clone(),
        Op::InsertValue {
            agg: Operand::Const(Constant::Undef(pair.clone())),
            val: first.clone(),
            indices: vec![0],
        },
    );
    let nested = Type::literal_struct(vec![Type::array(2, Type::I32), Type::I8]);
    b.push(
        nested.clone(),
        Op::InsertValue {
            agg: Operand::Const(Constant::Poison(nested.clone())),
            val: x.clone(),
            indices: vec![0, 1],
        },
    );
    let lane = b.push(Type::I32, Op::ExtractElement { vec: v.clone(), index: int(64, 2) });
    b.push(v4.clone(), Op::InsertElement { vec: v.clone(), val: lane.clone(), index: int(32, 0) });
    b.push(
        v4.clone(),
        Op::ShuffleVector {
            a: v.clone(),
            b: Operand::Const(Constant::Poison(v4.clone())),
            mask: vec![3, 2, -1, 0],
        },
    );
    b.push(v4.clone(), Op::ShuffleVector { a: v.clone(), b: v.clone(), mask: vec![0, 0, 0, 0] });
    b.push(
        Type::vector(2, Type::I32),
        Op::ShuffleVector { a: v.clone(), b: v.clone(), mask: vec![-1, -1] },
    );
    b.push(
        Type::vector(8, Type::I32),
        Op::ShuffleVector { a: v.clone(), b: v.clone(), mask: (0..8).collect() },
    );
    b.push(Type::I32, Op::Freeze { val: x.clone() });

    b.push_void(Op::Call(Box::new(call(
        Operand::global("llvm.va_start.p0"),
        fn_ty(Type::Void, vec![Type::Ptr]),
        vec![ap.clone()],
    ))));
    let va = b.push(Type::I32, Op::VaArg { list: ap.clone() });
    b.push(Type::Double, Op::VaArg { list: ap.clone() });
    b.push_void(Op::Call(Box::new(call(
        Operand::global("llvm.va_end.p0"),
        fn_ty(Type::Void, vec![Type::Ptr]),
        vec![ap.clone()],
    ))));

    let mut c = call(
        Operand::global("printf"),
        variadic.clone(),
        vec![Operand::global("fmt"), va.clone(), Operand::Const(Constant::f64(2.5))],
    );
    c.tail = TailKind::NoTail;
    b.push(Type::I32, Op::Call(Box::new(c)));
    let mut c = call(fp.clone(), fn_ty(Type::Void, vec![Type::I32]), vec![x.clone()]);
    c.cconv = CallConv::FAST;
    b.push_void(Op::Call(Box::new(c)));
    let mut c =
        call(Operand::global("sink"), fn_ty(Type::Void, vec![Type::I32]), vec![first.clone()]);
    c.cconv = CallConv(64);
    c.attrs.params = vec![vec![flag("noundef")]];
    b.push_void(Op::Call(Box::new(c)));
    b.ret(Some(x));
    let mut mem = b.finish();
    mem.params[3].name = Some("callback".into());
    fs.push(mem);

    let mut b = FunctionBuilder::new("forward", fn_ty(Type::I32, vec![Type::I32]));
    let mut c =
        call(Operand::global("sink_ret"), fn_ty(Type::I32, vec![Type::I32]), vec![b.param(0)]);
    c.tail = TailKind::MustTail;
    let r = b.push(Type::I32, Op::Call(Box::new(c)));
    b.ret(Some(r));
    fs.push(b.finish());
    fs.push(Function::declaration("sink_ret", fn_ty(Type::I32, vec![Type::I32])));

    let mut fmt = init("fmt", Constant::Bytes(b"%d %f\n\0".to_vec()));
    fmt.is_constant = true;
    fmt.props.linkage = Linkage::Private;
    fmt.props.unnamed_addr = UnnamedAddr::Global;
    check_golden("memory_and_aggregates", &print(&module(vec![fmt], fs)));
}

/// Control flow: branches, switch (with negative and narrow case values), phi, unreachable.
#[test]
fn control_flow() {
    let mut b = FunctionBuilder::new("flow", fn_ty(Type::I32, vec![Type::I8, Type::BOOL]));
    b.func_mut().blocks[0].name = Some("entry".into());
    let (c, flag) = (b.param(0), b.param(1));
    let one = b.block("one");
    let minus = b.block("minus");
    let other = b.block("other");
    let join = b.block("join");
    let dead = b.block("dead");
    b.switch(c.clone(), other, &[(1, one), (0xff, minus), (0x80, minus)]);
    b.position(one);
    b.br(join);
    b.position(minus);
    b.cond_br(flag.clone(), join, other);
    b.position(other);
    let wide = b.push(Type::I32, Op::Cast { op: CastOp::SExt, flags: Flags::NONE, val: c.clone() });
    let big = b
        .push(Type::Int(128), Op::Cast { op: CastOp::ZExt, flags: Flags::NONE, val: wide.clone() });
    b.switch(big, join, &[(u128::MAX, join), (1 << 100, dead)]);
    b.position(join);
    let phi = b.phi(
        Type::I32,
        vec![(int(32, 1), one), (int(32, -1), minus), (wide.clone(), other), (wide, other)],
    );
    b.ret(Some(phi));
    b.position(dead);
    b.push_void(Op::Unreachable);
    let flow = b.finish();

    let mut b = FunctionBuilder::new("float_phi", fn_ty(Type::Double, vec![Type::Double]));
    let next = b.block("next");
    b.br(next);
    b.position(next);
    let p = b.push(
        Type::Double,
        Op::Phi { flags: Flags::NNAN, incoming: vec![(b.param(0), BlockId(0))] },
    );
    b.ret(Some(p));

    let mut b = FunctionBuilder::new("void_ret", fn_ty(Type::Void, vec![]));
    b.ret(None);
    check_golden(
        "control_flow",
        &print(&module(vec![], vec![flow, b.finish(), void_ret_unused()])),
    );
}

/// A declaration, so that the module also ends in one.
fn void_ret_unused() -> Function {
    Function::declaration("unused", fn_ty(Type::Void, vec![Type::Ptr]))
}

/// A function whose values and blocks carry source names: duplicates, numeric names, names
/// that need quotes, unnamed values in between.
fn names_function() -> Function {
    let mut b =
        FunctionBuilder::new("names", fn_ty(Type::I32, vec![Type::I32, Type::I32, Type::I32]));
    let names = [Some("x"), None, Some("x")];
    for (p, name) in b.func_mut().params.iter_mut().zip(names) {
        p.name = name.map(str::to_string);
    }
    b.func_mut().blocks[0].name = Some("entry".into());
    let add = |b: &mut FunctionBuilder, name: Option<&str>, lhs: Operand| {
        let v = b.fresh();
        b.push_inst(Inst {
            result: Some(v),
            name: name.map(str::to_string),
            ty: Type::I32,
            op: Op::Bin { op: BinOp::Add, flags: Flags::NONE, lhs, rhs: int(32, 1) },
        });
        Operand::Value(v)
    };
    let x = b.param(0);
    let a = add(&mut b, Some("sum"), x);
    let a = add(&mut b, None, a);
    let a = add(&mut b, Some("sum"), a);
    let a = add(&mut b, Some("42"), a);
    let a = add(&mut b, Some("x1"), a);
    let a = add(&mut b, Some("has space"), a);
    let a = add(&mut b, Some(""), a);
    let loop_block = b.block("loop");
    let numeric = b.block("7");
    b.func_mut().blocks.push(Block { name: Some("sum".into()), insts: Vec::new() });
    let dup_label = BlockId(3);
    b.br(loop_block);
    b.position(loop_block);
    let a = add(&mut b, Some("loop"), a);
    b.br(numeric);
    b.position(numeric);
    let a = add(&mut b, None, a);
    b.br(dup_label);
    b.position(dup_label);
    b.ret(Some(a));
    b.finish()
}

/// Source names, made unique, and numbers in LLVM's slot order for the rest.
#[test]
fn names() {
    let m = module(vec![], vec![names_function()]);
    check_golden("names", &print(&m));
}

/// The same function with `anonymous_locals`: everything numbered.
#[test]
fn names_anonymous() {
    let m = module(vec![], vec![names_function()]);
    check_golden("names_anonymous", &print_module(&m, PrintOptions { anonymous_locals: true }));
}

/// Module flags, after everything else.
#[test]
fn module_flags() {
    let mut m = module(vec![init("g", Constant::int(32, 1))], vec![]);
    m.source_filename = "flags.c".into();
    m.flags = vec![
        ModuleFlag { behavior: 1, key: "wchar_size".into(), bits: 32, value: 4 },
        ModuleFlag { behavior: 8, key: "PIC Level".into(), bits: 32, value: 2 },
        ModuleFlag { behavior: 7, key: "PIE Level".into(), bits: 32, value: 2 },
        ModuleFlag { behavior: 7, key: "uwtable".into(), bits: 32, value: 2 },
        ModuleFlag { behavior: 7, key: "frame-pointer".into(), bits: 32, value: 2 },
        ModuleFlag { behavior: 1, key: "big".into(), bits: 64, value: u64::MAX },
    ];
    check_golden("module_flags", &print(&m));
}

/// Parameters without names in a definition are numbered from 0, ahead of the entry block.
#[test]
fn params_and_entry_numbering() {
    let mut b = FunctionBuilder::new("numbered", fn_ty(Type::I64, vec![Type::I64, Type::I64]));
    let s = b.bin(Type::I64, BinOp::Add, b.param(0), b.param(1));
    b.ret(Some(s));
    let f = b.finish();
    let params = f.params.clone();
    assert_eq!(
        params,
        vec![Param { value: ValueId(0), name: None }, Param { value: ValueId(1), name: None }]
    );
    check_golden("params_and_entry_numbering", &print(&module(vec![], vec![f])));
}
