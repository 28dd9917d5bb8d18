//! `opm_backend::object::text_bytes` (the `object` crate) against `llvm-size -A` on objects LLVM
//! wrote.
//!
//! Needs `/usr/lib/llvm-22/bin/llvm-size` (`apt-get install llvm-22`); without it the tests
//! fail and say so.

use opm_backend::object::text_bytes as text_section_bytes;
use opm_llvm::inkwell::context::Context;
use opm_llvm::{Codegen, CodegenLevel, compile_to_object, import_module, parse_bytes};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Code in `.text`, in two `.text.*` sections and in a section of another name; data too.
const MODULE: &str = r#"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

@table = global [64 x i32] zeroinitializer, align 16
@greeting = constant [6 x i8] c"hello\00", align 1

define i32 @sum(ptr %a, i32 %n) {
entry:
  %pos = icmp sgt i32 %n, 0
  br i1 %pos, label %loop, label %exit
loop:
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %s = phi i32 [ 0, %entry ], [ %s.next, %loop ]
  %idx = zext i32 %i to i64
  %p = getelementptr inbounds i32, ptr %a, i64 %idx
  %v = load i32, ptr %p, align 4
  %s.next = add i32 %s, %v
  %i.next = add nuw nsw i32 %i, 1
  %more = icmp slt i32 %i.next, %n
  br i1 %more, label %loop, label %exit
exit:
  %r = phi i32 [ 0, %entry ], [ %s.next, %loop ]
  ret i32 %r
}

define i32 @startup() section ".text.startup" {
  %s = call i32 @sum(ptr @table, i32 64)
  ret i32 %s
}

define i32 @cold(i32 %x) section ".text.unlikely.cold" {
  %y = mul i32 %x, 7
  %z = xor i32 %y, 12345
  ret i32 %z
}

define i32 @elsewhere(i32 %x) section "mycode" {
  %y = add i32 %x, 1
  ret i32 %y
}
"#;

/// The sum of the sizes `llvm-size -A` reports for `.text` and `.text.*` of `object`.
fn llvm_size_text(object: &[u8], name: &str) -> u64 {
    let tool = Path::new("/usr/lib/llvm-22/bin/llvm-size");
    assert!(
        tool.exists(),
        "{} not found: install LLVM 22 (`apt-get install llvm-22`)",
        tool.display()
    );
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("opm-llvm-object-{}-{name}.o", std::process::id()));
    std::fs::write(&path, object).unwrap();
    let out = Command::new(tool).arg("-A").arg(&path).output().expect("run llvm-size");
    std::fs::remove_file(&path).unwrap();
    assert!(out.status.success(), "llvm-size: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let mut total = 0;
    let mut seen = 0;
    for line in text.lines() {
        let mut fields = line.split_whitespace();
        let (Some(section), Some(size)) = (fields.next(), fields.next()) else { continue };
        if section == ".text" || section.starts_with(".text.") {
            total += size.parse::<u64>().unwrap_or_else(|_| panic!("llvm-size line `{line}`"));
            seen += 1;
        }
    }
    assert!(seen > 0, "llvm-size lists no .text section:\n{text}");
    total
}

#[test]
fn text_bytes_match_llvm_size() {
    let ctx = Context::create();
    let module = parse_bytes(&ctx, MODULE.as_bytes(), "object.ll").unwrap();
    let codegen = Codegen::new("x86_64-pc-linux-gnu", CodegenLevel::Default).unwrap();
    let object = codegen.emit_object(&module).unwrap();
    let ours = text_section_bytes(&object).unwrap();
    assert_eq!(ours, llvm_size_text(&object, "sections"));
    // Each of `.text`, `.text.startup` and `.text.unlikely.cold` holds code; `mycode` is
    // not counted.
    assert!(ours > 30, "{ours} bytes of code");
}

#[test]
fn text_bytes_of_a_compiled_canonical_module() {
    // Only @table and @sum: through the whole import → export → codegen path.
    let plain = &MODULE[..MODULE.find("define i32 @startup").unwrap()];
    let ctx = Context::create();
    let llvm = parse_bytes(&ctx, plain.as_bytes(), "plain.ll").unwrap();
    let canonical = import_module(&llvm).unwrap();
    let unoptimized = compile_to_object(&canonical, None, CodegenLevel::None).unwrap();
    let optimized =
        compile_to_object(&canonical, Some("default<O2>"), CodegenLevel::Default).unwrap();
    let a = text_section_bytes(&unoptimized).unwrap();
    let b = text_section_bytes(&optimized).unwrap();
    assert_eq!(a, llvm_size_text(&unoptimized, "o0"));
    assert_eq!(b, llvm_size_text(&optimized, "o2"));
    assert!(a > 0 && b > 0 && a != b, "-O0: {a} bytes, -O2: {b} bytes");
}

#[test]
fn an_object_without_code_has_none() {
    let ctx = Context::create();
    let src = "@x = global i32 7\n";
    let module = parse_bytes(&ctx, src.as_bytes(), "data.ll").unwrap();
    let codegen = Codegen::new("x86_64-pc-linux-gnu", CodegenLevel::Default).unwrap();
    let object = codegen.emit_object(&module).unwrap();
    assert_eq!(text_section_bytes(&object).unwrap(), llvm_size_text(&object, "data"));
}

#[test]
fn a_truncated_object_is_an_error() {
    let ctx = Context::create();
    let module = parse_bytes(&ctx, MODULE.as_bytes(), "object.ll").unwrap();
    let codegen = Codegen::new("x86_64-pc-linux-gnu", CodegenLevel::Default).unwrap();
    let object = codegen.emit_object(&module).unwrap();
    assert!(text_section_bytes(&object[..40]).is_err());
}
