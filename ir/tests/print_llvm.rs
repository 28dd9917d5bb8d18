//! The printer against LLVM 22 itself: every golden file must assemble and verify, and
//! constants and encoded attributes must read back as the same thing (LLVM disassembles them
//! to the very text we printed).
//!
//! These tests need `/usr/lib/llvm-22/bin` (`apt-get install llvm-22`); without it they fail
//! and say so.

use opm_ir::print::{PrintOptions, print_module};
use opm_ir::{
    Attribute, Constant, FloatKind, Function, FunctionType, Global, Module, SymbolProps, Type,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const LLVM_BIN: &str = "/usr/lib/llvm-22/bin";

/// The path of an LLVM 22 tool; panics with what to install when it is missing.
fn llvm_tool(name: &str) -> PathBuf {
    let path = Path::new(LLVM_BIN).join(name);
    assert!(
        path.exists(),
        "{} not found: these tests need LLVM 22's tools; install them with `apt-get install llvm-22`",
        path.display()
    );
    path
}

/// Runs `tool args…` and returns its stdout; panics with its stderr when it fails.
fn run(tool: &str, args: &[&Path], context: &str) -> String {
    let output = Command::new(llvm_tool(tool))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {tool}: {e}"));
    assert!(
        output.status.success(),
        "{tool} rejected {context}:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A scratch directory of its own for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("opm-ir-print-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// What llvm-as and llvm-dis make of a printed module.
struct RoundTrip {
    /// The disassembled module.
    text: String,
    /// `llvm-bcanalyzer -dump` of the bitcode.
    bitcode_dump: String,
}

/// Assembles `text` with llvm-as, then disassembles and dumps the bitcode. Without `verify`,
/// LLVM only parses (for attribute combinations its verifier rejects on a function).
fn round_trip(test: &str, text: &str, verify: bool) -> RoundTrip {
    let dir = scratch(test);
    let (ll, bc, out) = (dir.join("in.ll"), dir.join("in.bc"), dir.join("out.ll"));
    std::fs::write(&ll, text).unwrap();
    let mut args: Vec<&Path> = vec![&ll, Path::new("-o"), &bc];
    if !verify {
        args.push(Path::new("--disable-verify"));
    }
    run("llvm-as", &args, &format!("the module of {test}"));
    run("llvm-dis", &[&bc, Path::new("-o"), &out], &format!("the bitcode of {test}"));
    let bitcode_dump = run("llvm-bcanalyzer", &[Path::new("-dump"), &bc], "bitcode");
    let text = std::fs::read_to_string(&out).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    RoundTrip { text, bitcode_dump }
}

#[test]
fn golden_files_are_valid_llvm() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ll"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "golden files missing in {}", dir.display());
    for file in &files {
        let name = file.display().to_string();
        run("llvm-as", &[file, Path::new("-o"), Path::new("/dev/null")], &name);
        run("opt", &[Path::new("-passes=verify"), Path::new("-disable-output"), file], &name);
    }
}

// ---------------------------------------------------------------------------------------------
// Floating-point constants

/// A small deterministic generator of bit patterns (xorshift64*).
struct Bits(u64);

impl Bits {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// Interesting bit patterns of a format with `exp_bits` exponent and `frac_bits` fraction
/// bits: zeros, subnormals, normals, extremes, infinities, quiet and signalling NaNs with
/// payloads, both signs.
fn special_patterns(exp_bits: u32, frac_bits: u32) -> Vec<u64> {
    let frac_mask = (1u64 << frac_bits) - 1;
    let exp_all = ((1u64 << exp_bits) - 1) << frac_bits;
    let quiet = 1u64 << (frac_bits - 1);
    let one = ((1u64 << (exp_bits - 1)) - 1) << frac_bits;
    let positive = [
        0,
        1,                          // smallest subnormal
        frac_mask,                  // largest subnormal
        1 << frac_bits,             // smallest normal
        one,                        // 1.0
        one | 1,                    // 1.0 + ulp
        one | (quiet >> 1),         // 1.25
        exp_all - 1,                // largest finite
        exp_all,                    // infinity
        exp_all | quiet,            // the default quiet NaN
        exp_all | quiet | 5,        // quiet NaN with a payload
        exp_all | frac_mask,        // quiet NaN, all payload bits
        exp_all | 1,                // signalling NaN, payload 1
        exp_all | (quiet >> 1),     // signalling NaN, top payload bit
        exp_all | 0x55 & frac_mask, // signalling NaN, another payload
    ];
    let sign = 1u64 << (exp_bits + frac_bits);
    positive.iter().flat_map(|&p| [p, p | sign]).collect()
}

/// Every pattern of every format as a global, printed, assembled, disassembled: LLVM must
/// print each constant exactly as we did.
#[test]
fn float_constants_round_trip_through_llvm() {
    let mut constants: Vec<Constant> = Vec::new();
    let mut bits = Bits(0x9e37_79b9_7f4a_7c15);
    let formats = [
        (FloatKind::Half, 5, 10),
        (FloatKind::BFloat, 8, 7),
        (FloatKind::Float, 8, 23),
        (FloatKind::Double, 11, 52),
    ];
    for (kind, exp_bits, frac_bits) in formats {
        let width = 1 + exp_bits + frac_bits;
        let mask = if width == 64 { u64::MAX } else { (1u64 << width) - 1 };
        let mut patterns = special_patterns(exp_bits, frac_bits);
        patterns.extend((0..400).map(|_| bits.next() & mask));
        // Short decimals, which print in decimal form.
        for v in [0.5f64, 0.1, 0.25, 3.0, -2.5, 1e10, 1e-10, 123456.0, 1234567.0, 1e23, 65504.0] {
            patterns.push(match kind {
                FloatKind::Double => v.to_bits(),
                FloatKind::Float => u64::from((v as f32).to_bits()),
                _ => continue,
            });
        }
        constants
            .extend(patterns.into_iter().map(|bits| Constant::Float { kind, bits: bits.into() }));
    }
    // x86_fp80 (sign, 15-bit exponent, explicit integer bit, 63-bit fraction) and fp128 (sign,
    // 15-bit exponent, 112-bit fraction): their hex forms, for random patterns and the
    // special values.
    for (kind, width) in [(FloatKind::X86Fp80, 80u32), (FloatKind::Fp128, 128)] {
        let mask = if width == 128 { u128::MAX } else { (1u128 << width) - 1 };
        let exp_shift = width - 16;
        let mut patterns: Vec<u128> = (0..200)
            .map(|_| (u128::from(bits.next()) << 64 | u128::from(bits.next())) & mask)
            .collect();
        for sign in [0u128, 1] {
            for exp in [0u128, 1, 0x3fff, 0x7ffe, 0x7fff] {
                for frac in [0u128, 1, 1 << 62, 1 << 63, (1 << 63) | 1, u128::from(u64::MAX)] {
                    patterns.push(
                        (sign << (width - 1))
                            | (exp << exp_shift)
                            | (frac & ((1 << exp_shift) - 1)),
                    );
                }
            }
        }
        if kind == FloatKind::X86Fp80 {
            // LLVM holds x87 values with the explicit integer bit set exactly when the
            // exponent is not zero; it reads the others (unnormals, pseudo-denormals) as other
            // values, and never produces them.
            for p in &mut patterns {
                let exp = (*p >> 64) & 0x7fff;
                *p = if exp == 0 { *p & !(1 << 63) } else { *p | (1 << 63) };
            }
        }
        constants.extend(patterns.into_iter().map(|bits| Constant::Float { kind, bits }));
    }
    let globals: Vec<Global> = constants
        .iter()
        .enumerate()
        .map(|(i, c)| Global {
            name: format!("c{i}"),
            ty: c.ty(),
            init: Some(c.clone()),
            is_constant: false,
            props: SymbolProps::default(),
            thread_local: None,
            externally_initialized: false,
        })
        .collect();
    let module = Module { globals, ..Module::default() };
    let printed = print_module(&module, PrintOptions::default());
    let back = round_trip("floats", &printed, true).text;
    let ours: Vec<&str> = printed.lines().filter(|l| l.starts_with('@')).collect();
    let theirs: Vec<&str> = back.lines().filter(|l| l.starts_with('@')).collect();
    assert_eq!(ours.len(), constants.len());
    let differing: Vec<String> = ours
        .iter()
        .zip(&theirs)
        .filter(|(a, b)| a != b)
        .map(|(a, b)| format!("ours:  {a}\nllvm:  {b}"))
        .collect();
    assert!(
        differing.is_empty(),
        "LLVM reads {} constants differently:\n{}",
        differing.len(),
        differing.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Encoded attributes

fn declaration(
    name: String,
    params: Vec<Type>,
    func: Vec<Attribute>,
    param: Vec<Attribute>,
) -> Function {
    let mut f =
        Function::declaration(name, FunctionType { ret: Type::Ptr, params, varargs: false });
    f.attrs.func = func;
    if !param.is_empty() {
        f.attrs.params = vec![param];
    }
    f
}

fn enum_attr(name: &str, value: u64) -> Attribute {
    Attribute::Enum { name: name.into(), value }
}

/// The function attributes llvm-dis reports in its `; Function Attrs:` comments, by function.
fn function_attrs_comments(dis: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut pending: Option<&str> = None;
    for line in dis.lines() {
        if let Some(attrs) = line.strip_prefix("; Function Attrs: ") {
            pending = Some(attrs);
        } else if line.starts_with("declare ") {
            let name = line.split('@').nth(1).and_then(|s| s.split('(').next()).unwrap_or("");
            if let Some(attrs) = pending.take() {
                out.insert(name.to_string(), attrs.to_string());
            }
        }
    }
    out
}

/// Every value of the encoded attributes LLVM can hold: printed, assembled, disassembled,
/// LLVM must show the attribute as we printed it. Values we leave out must be ones LLVM
/// cannot hold.
#[test]
fn encoded_attributes_read_back_as_printed() {
    let mut fs = Vec::new();
    for v in 0..4096u64 {
        fs.push(declaration(format!("memory{v}"), vec![], vec![enum_attr("memory", v)], vec![]));
    }
    for v in 1..64u64 {
        fs.push(declaration(
            format!("allockind{v}"),
            vec![],
            vec![enum_attr("allockind", v)],
            vec![],
        ));
    }
    for v in [1u64, 2] {
        fs.push(declaration(format!("uwtable{v}"), vec![], vec![enum_attr("uwtable", v)], vec![]));
    }
    for (elem, num) in [(0u64, None), (1, Some(0u64)), (2, Some(1)), (0, Some(2))] {
        let value = (elem << 32) | num.unwrap_or(0xffff_ffff);
        let params = vec![Type::I64, Type::I64, Type::I64];
        fs.push(declaration(
            format!("allocsize{value}"),
            params,
            vec![enum_attr("allocsize", value)],
            vec![],
        ));
    }
    for (min, max) in [(1u64, 0u64), (1, 1), (2, 16), (4, 0)] {
        let value = (min << 32) | max;
        fs.push(declaration(
            format!("vscale{value}"),
            vec![],
            vec![enum_attr("vscale_range", value)],
            vec![],
        ));
    }
    for v in 0..256u64 {
        fs.push(declaration(
            format!("captures{v}"),
            vec![Type::Ptr],
            vec![],
            vec![enum_attr("captures", v)],
        ));
    }
    for v in 1..1024u64 {
        fs.push(declaration(
            format!("nofpclass{v}"),
            vec![Type::Float],
            vec![],
            vec![enum_attr("nofpclass", v)],
        ));
    }
    let module = Module { functions: fs, ..Module::default() };
    let printed = print_module(&module, PrintOptions::default());
    let result = round_trip("attributes", &printed, false);
    let back = result.text;
    check_raw_values(&module, &printed, &result.bitcode_dump);

    let theirs_fn = function_attrs_comments(&back);
    let theirs_decl: HashMap<&str, &str> = back
        .lines()
        .filter(|l| l.starts_with("declare "))
        .filter_map(|l| Some((l.split('@').nth(1)?.split('(').next()?, l)))
        .collect();
    let mut differing = Vec::new();
    for line in printed.lines().filter(|l| l.starts_with("declare ")) {
        let name = line.split('@').nth(1).and_then(|s| s.split('(').next()).unwrap();
        let ours_fn = line.rsplit_once(") ").map(|(_, attrs)| attrs.to_string());
        match ours_fn {
            // A function attribute: compare with llvm-dis's comment.
            Some(ours) => {
                if theirs_fn.get(name) != Some(&ours) {
                    differing
                        .push(format!("{name}: ours `{ours}`, llvm `{:?}`", theirs_fn.get(name)));
                }
            }
            // Parameter attributes are printed inline by llvm-dis too.
            None => {
                if theirs_decl.get(name) != Some(&line) {
                    differing.push(format!("ours `{line}`, llvm `{:?}`", theirs_decl.get(name)));
                }
            }
        }
    }
    assert!(
        differing.is_empty(),
        "{} attributes differ:\n{}",
        differing.len(),
        differing.join("\n")
    );
}

/// Bitcode codes of the encoded attributes (`ATTR_KIND_*` in `llvm/Bitcode/LLVMBitCodes.h`).
const BITCODE_KINDS: [(&str, u64); 7] = [
    ("uwtable", 33),
    ("allocsize", 51),
    ("vscale_range", 74),
    ("allockind", 82),
    ("memory", 86),
    ("nofpclass", 87),
    ("captures", 102),
];

/// The integer attributes of the bitcode's attribute groups, in group order:
/// `<ENTRY op0=group op1=index op2=1 op3=kind op4=value/>`.
fn bitcode_int_attributes(dump: &str) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    for line in dump.lines() {
        let ops: Vec<u64> = line
            .trim()
            .strip_prefix("<ENTRY ")
            .into_iter()
            .flat_map(|rest| rest.split_whitespace())
            .filter_map(|op| op.split('=').nth(1))
            .filter_map(|v| v.trim_end_matches("/>").parse().ok())
            .collect();
        if ops.len() == 5 && ops[2] == 1 {
            out.push((ops[3], ops[4]));
        }
    }
    out
}

/// Decoding checked against LLVM itself: every encoded attribute we printed must reach the
/// bitcode with the raw value we started from. Each function has an attribute set of its
/// own, and LLVM numbers attribute groups in the order of the functions, so the n-th group
/// belongs to the n-th function that printed an attribute.
fn check_raw_values(module: &Module, printed: &str, dump: &str) {
    let printed_decls: Vec<&str> = printed.lines().filter(|l| l.starts_with("declare ")).collect();
    let mut expected = Vec::new();
    for (f, line) in module.functions.iter().zip(&printed_decls) {
        for a in f.attrs.func.iter().chain(f.attrs.params.iter().flatten()) {
            let Attribute::Enum { name, value } = a else { continue };
            let Some(&(_, kind)) = BITCODE_KINDS.iter().find(|(n, _)| n == name) else { continue };
            if line.contains(&format!(" {name}")) {
                expected.push((kind, *value));
            }
        }
    }
    let kinds: Vec<u64> = BITCODE_KINDS.iter().map(|(_, k)| *k).collect();
    let actual: Vec<(u64, u64)> = bitcode_int_attributes(dump)
        .into_iter()
        .filter(|(kind, _)| kinds.contains(kind))
        // LLVM 22's writer marks memory values with bit 56 (an encoding version).
        .map(|(kind, value)| if kind == 86 { (kind, value & !(1 << 56)) } else { (kind, value) })
        .collect();
    assert_eq!(
        expected.len(),
        actual.len(),
        "attribute groups and printed attributes differ in number"
    );
    let differing: Vec<String> = expected
        .iter()
        .zip(&actual)
        .filter(|(e, a)| e != a)
        .map(|(e, a)| format!("kind {}: printed from {:#x}, LLVM read {:#x}", e.0, e.1, a.1))
        .collect();
    assert!(differing.is_empty(), "{} decoded wrongly:\n{}", differing.len(), differing.join("\n"));
}
