//! Inline assembly as GNU extended asm, where LLVM's form maps onto it exactly.
//!
//! LLVM numbers an asm's operands as GNU C does: the outputs first (those it returns and
//! the indirect ones, `=*m`, which take a pointer argument), then the inputs, in the order
//! of the constraint string; clobbers (`~{reg}`) are not operands. So `$N` is `%N` and
//! `${N:k}` is `%kN`, with the modifiers both compilers give the same meaning (`b`, `h`,
//! `w`, `k`, `q`, `c`, `n`). Constraint letters that mean the same register class in both
//! are kept (`r`, `q`, `Q`, `R`, `a`, `b`, `c`, `d`, `S`, `D`, `m`, `o`, `V`, `g`, `i`, `n`,
//! `x`), early clobbers (`=&r`) and tied inputs (`0`) too; `{eax}`-style registers become
//! their class letter (`a`). `~{memory}` is `"memory"`, `~{flags}`/`~{cc}` `"cc"`; `~{dirflag}`
//! and `~{fpsr}`, which clang puts on every x86 asm, are dropped: gcc's x86 back end makes
//! every asm clobber the flags and the x87 status word, and both compilers assume the
//! direction flag clear around an asm, as the ABI requires. A clobbered register is named as
//! gcc names it (its 64-bit name for a general register: clobbering more is only
//! conservative).
//!
//! The barriers (`asm sideeffect "", "~{memory}"()` and `black_box`'s
//! `asm sideeffect "", "r,~{memory}"(ptr %x)`) are the simplest case of this:
//! `__asm__ __volatile__("" ::: "memory")` and `__asm__ __volatile__("" : : "r"(x) :
//! "memory")`.
//!
//! Intel syntax (`inteldialect`) goes between `.intel_syntax noprefix` and `.att_syntax
//! prefix`, immediates printed bare; with a memory operand, which gcc prints in AT&T syntax,
//! it is refused. Refused too, naming the asm: `alignstack`, `unwind`, any other constraint
//! or modifier, `${:private}`-style operands other than `${:uid}` and `${:comment}`,
//! multiple-alternative constraints (`|`), outputs of types a register does not hold exactly
//! (`i1`, `i128`, aggregates).

use super::function::{Emitted, FnEmit, var};
use super::type_attr;
use opm_ir::value::{AsmDialect, InlineAsm};
use opm_ir::{Call, Inst, Type};

/// One entry of LLVM's constraint string.
#[derive(Debug, PartialEq)]
enum Constraint {
    /// `=…`: an output, returned by the call (direct) or written through a pointer argument
    /// (`=*…`, indirect).
    Output { code: String, early: bool, indirect: bool },
    /// An input (`*…`: through a pointer argument); `code` may be a tied output's number.
    Input { code: String, indirect: bool },
    /// `~{…}`: what gcc calls the clobber, if it has one to name (`None`: nothing to say).
    Clobber(Option<String>),
}

/// LLVM's text of an asm, for messages.
fn text(asm: &InlineAsm) -> String {
    format!("asm \"{}\", \"{}\"", asm.asm.escape_default(), asm.constraints.escape_default())
}

/// GNU's code for LLVM's constraint code `code` (letters, `{reg}` or a tied number).
fn code_gnu(code: &str) -> Option<String> {
    if !code.is_empty() && code.chars().all(|c| c.is_ascii_digit()) {
        return Some(code.to_string());
    }
    if let Some(reg) = code.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
        let letter = match reg {
            "al" | "ax" | "eax" | "rax" => "a",
            "bl" | "bx" | "ebx" | "rbx" => "b",
            "cl" | "cx" | "ecx" | "rcx" => "c",
            "dl" | "dx" | "edx" | "rdx" => "d",
            "si" | "esi" | "rsi" | "sil" => "S",
            "di" | "edi" | "rdi" | "dil" => "D",
            _ => return None,
        };
        return Some(letter.to_string());
    }
    let ok = !code.is_empty() && code.chars().all(|c| "rqQRabcdSDmoVginx".contains(c));
    ok.then(|| code.to_string())
}

/// gcc's name of a register LLVM says an asm clobbers, if gcc has one; `Some(None)` when
/// nothing needs saying.
fn clobber_gnu(reg: &str) -> Option<Option<String>> {
    let gpr = |r: &str| -> Option<&'static str> {
        Some(match r {
            "al" | "ah" | "ax" | "eax" | "rax" => "rax",
            "bl" | "bh" | "bx" | "ebx" | "rbx" => "rbx",
            "cl" | "ch" | "cx" | "ecx" | "rcx" => "rcx",
            "dl" | "dh" | "dx" | "edx" | "rdx" => "rdx",
            "sil" | "si" | "esi" | "rsi" => "rsi",
            "dil" | "di" | "edi" | "rdi" => "rdi",
            _ => {
                let n: u32 = r
                    .strip_prefix('r')?
                    .trim_end_matches(['d', 'w', 'b'])
                    .parse()
                    .ok()
                    .filter(|n| (8..=15).contains(n))?;
                ["r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"][(n - 8) as usize]
            }
        })
    };
    Some(match reg {
        "memory" => Some("memory".into()),
        "flags" | "eflags" | "cc" => Some("cc".into()),
        "dirflag" | "fpsr" => None,
        _ => {
            if let Some(r) = gpr(reg) {
                Some(r.into())
            } else {
                let n = reg
                    .strip_prefix("xmm")
                    .or_else(|| reg.strip_prefix("ymm"))
                    .and_then(|n| n.parse::<u32>().ok())
                    .filter(|n| *n < 16)?;
                Some(format!("{}{n}", &reg[..3]))
            }
        }
    })
}

/// The constraints of `asm`, or why they do not map onto GNU C.
fn constraints(asm: &InlineAsm) -> Result<Vec<Constraint>, String> {
    let mut out = Vec::new();
    for part in asm.constraints.split(',').filter(|p| !p.is_empty()) {
        let bad = || format!("the constraint `{part}`");
        if part.contains('|') {
            return Err(format!("the multiple-alternative constraint `{part}`"));
        }
        if let Some(reg) = part.strip_prefix("~{").and_then(|r| r.strip_suffix('}')) {
            out.push(Constraint::Clobber(clobber_gnu(reg).ok_or_else(bad)?));
        } else if let Some(rest) = part.strip_prefix('=') {
            let (early, rest) = match rest.strip_prefix('&') {
                Some(r) => (true, r),
                None => (false, rest),
            };
            let (indirect, rest) = match rest.strip_prefix('*') {
                Some(r) => (true, r),
                None => (false, rest),
            };
            let code = code_gnu(rest).filter(|c| !c.chars().all(|c| c.is_ascii_digit()));
            out.push(Constraint::Output { code: code.ok_or_else(bad)?, early, indirect });
        } else {
            let (indirect, rest) = match part.strip_prefix('*') {
                Some(r) => (true, r),
                None => (false, part),
            };
            out.push(Constraint::Input { code: code_gnu(rest).ok_or_else(bad)?, indirect });
        }
    }
    Ok(out)
}

/// LLVM's asm template as GNU's: `$N` → `%N`, `${N:m}` → `%mN`, `$$` → `$`, `${:uid}` →
/// `%=`, `${:comment}` → `#`, `$(`/`$|`/`$)` → `{`/`|`/`}`; GNU's special `%`, `{`, `|`,
/// `}` escaped. Returns the contents of a C string literal.
fn template(asm: &str) -> Result<String, String> {
    template_with(asm, &[])
}

/// [`template`], the operands numbered in `bare` printed without their AT&T decoration
/// (`%cN`: an immediate as a bare number, which Intel syntax wants).
fn template_with(asm: &str, bare: &[usize]) -> Result<String, String> {
    // `%N`, or `%cN` for an operand printed bare.
    let operand = |n: &str| {
        let c = if n.parse().is_ok_and(|n: usize| bare.contains(&n)) { "c" } else { "" };
        format!("%{c}{n}")
    };
    let mut out = String::new();
    let mut chars = asm.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '$' => match chars.next() {
                Some('$') => out.push('$'),
                Some('(') => out.push('{'),
                Some('|') => out.push('|'),
                Some(')') => out.push('}'),
                Some(d) if d.is_ascii_digit() => {
                    let mut n = String::from(d);
                    while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                        n.push(d);
                        chars.next();
                    }
                    out.push_str(&operand(&n));
                }
                Some('{') => {
                    let mut inner = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some(c) => inner.push(c),
                            None => return Err("an unterminated `${` in the template".into()),
                        }
                    }
                    match inner.split_once(':') {
                        Some(("", "uid")) => out.push_str("%="),
                        Some(("", "comment")) => out.push('#'),
                        Some((n, m))
                            if !n.is_empty()
                                && n.chars().all(|c| c.is_ascii_digit())
                                && matches!(m, "b" | "h" | "w" | "k" | "q" | "c" | "n") =>
                        {
                            out.push_str(&format!("%{m}{n}"));
                        }
                        None if !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit()) => {
                            out.push_str(&operand(&inner));
                        }
                        _ => return Err(format!("the operand `${{{inner}}}` in the template")),
                    }
                }
                other => {
                    let o = other.map(String::from).unwrap_or_default();
                    return Err(format!("`${o}` in the template"));
                }
            },
            '%' => out.push_str("%%"),
            '{' | '|' | '}' => {
                out.push('%');
                out.push(c);
            }
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (' '..='~').contains(&c) => out.push(c),
            c => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("\\{b:03o}"));
                }
            }
        }
    }
    Ok(out)
}

/// An Intel-syntax template (LLVM's `inteldialect`, as Rust's `asm!` writes it) for gcc,
/// which prints operands in AT&T syntax: the assembler switched to Intel syntax around it
/// (`.intel_syntax noprefix`, which also takes `%`-prefixed registers) and back; immediates
/// printed bare (`%cN`). A memory operand, which gcc would print as `8(%rsp)`, is refused.
fn intel_template(asm: &str, cons: &[Constraint]) -> Result<String, String> {
    let operands = cons.iter().filter_map(|k| match k {
        Constraint::Output { code, indirect, .. } | Constraint::Input { code, indirect } => {
            Some((code, *indirect))
        }
        Constraint::Clobber(_) => None,
    });
    let mut bare = Vec::new();
    for (n, (code, indirect)) in operands.enumerate() {
        if indirect || code.chars().any(|c| "moVg".contains(c)) {
            return Err(format!("Intel syntax with a memory operand (`{code}`)"));
        }
        if code.chars().all(|c| "in".contains(c)) {
            bare.push(n);
        }
    }
    let body = template_with(asm, &bare)?;
    Ok(format!(".intel_syntax noprefix\\n\\t{body}\\n\\t.att_syntax prefix"))
}

/// Whether a value of `ty` sits in a register or memory operand exactly as LLVM has it.
fn operand_type_ok(ty: &Type, code: &str) -> bool {
    match ty {
        Type::Int(8 | 16 | 32 | 64) | Type::Ptr => !code.contains('x'),
        Type::Float | Type::Double => code.chars().all(|c| "xmo".contains(c)) || is_tied(code),
        _ => false,
    }
}

fn is_tied(code: &str) -> bool {
    code.chars().all(|c| c.is_ascii_digit())
}

impl FnEmit<'_, '_> {
    /// A call of inline assembly.
    pub(crate) fn call_asm(&mut self, inst: &Inst, c: &Call, asm: &InlineAsm) -> Emitted<()> {
        self.asm_statement(inst, c, asm)
            .map_err(|why| format!("the inline assembly `{}`: {why}", text(asm)))
    }

    fn asm_statement(&mut self, inst: &Inst, c: &Call, asm: &InlineAsm) -> Emitted<()> {
        if asm.align_stack {
            return Err("`alignstack`".into());
        }
        if asm.can_unwind {
            return Err("`unwind`".into());
        }
        let cons = constraints(asm)?;
        let tmpl = if asm.dialect == AsmDialect::Intel {
            intel_template(&asm.asm, &cons)?
        } else {
            template(&asm.asm)?
        };
        let direct: Vec<&Constraint> = cons
            .iter()
            .filter(|k| matches!(k, Constraint::Output { indirect: false, .. }))
            .collect();
        let ret_types: Vec<Type> = match (&asm.fn_ty.ret, direct.len()) {
            (Type::Void, 0) => Vec::new(),
            (Type::Struct(st), n) if n > 1 => st.body.clone().unwrap_or_default(),
            (t, 1) => vec![t.clone()],
            _ => Vec::new(),
        };
        if ret_types.len() != direct.len() {
            return Err("a result type that does not match the outputs".into());
        }
        let takes_arg = |k: &Constraint| {
            matches!(k, Constraint::Input { .. } | Constraint::Output { indirect: true, .. })
        };
        if cons.iter().filter(|k| takes_arg(k)).count() != c.args.len() {
            return Err("as many arguments as operands".into());
        }
        let (mut outs, mut ins, mut clobbers) = (Vec::new(), Vec::new(), Vec::new());
        let (mut arg, mut ret) = (0usize, 0usize);
        for k in &cons {
            match k {
                Constraint::Clobber(Some(name)) => clobbers.push(format!("\"{name}\"")),
                Constraint::Clobber(None) => {}
                Constraint::Output { code, early, indirect } => {
                    let amp = if *early { "&" } else { "" };
                    let lv = if *indirect {
                        let lv = self.indirect_operand(c, arg, code)?;
                        arg += 1;
                        lv
                    } else {
                        let ty = &ret_types[ret];
                        if !operand_type_ok(ty, code) {
                            return Err(format!("an output of type `{ty}` in `{code}`"));
                        }
                        let v = var(inst.result.ok_or("an asm without its result")?);
                        let lv = if direct.len() == 1 { v } else { format!("{v}.f{ret}") };
                        ret += 1;
                        lv
                    };
                    outs.push(format!("\"={amp}{code}\"({lv})"));
                }
                Constraint::Input { code, indirect: true } => {
                    let lv = self.indirect_operand(c, arg, code)?;
                    arg += 1;
                    ins.push(format!("\"{code}\"({lv})"));
                }
                Constraint::Input { code, indirect: false } => {
                    let op = &c.args[arg];
                    arg += 1;
                    let ty = self.operand_type(op)?;
                    if !operand_type_ok(&ty, code) {
                        return Err(format!("an input of type `{ty}` in `{code}`"));
                    }
                    // A tied input has its output's type in GNU C (LLVM would convert).
                    if is_tied(code) {
                        let tied = code.parse::<usize>().ok().and_then(|n| cons.get(n));
                        let out_ty = match tied {
                            Some(Constraint::Output { indirect: false, .. }) => {
                                let n = code.parse::<usize>().unwrap_or(0);
                                let k = cons[..n]
                                    .iter()
                                    .filter(|k| {
                                        matches!(k, Constraint::Output { indirect: false, .. })
                                    })
                                    .count();
                                ret_types.get(k)
                            }
                            _ => None,
                        };
                        if out_ty != Some(&ty) {
                            return Err(format!(
                                "the input `{code}` of type `{ty}`, tied to an output of another type"
                            ));
                        }
                    }
                    let cty = self.cx.types.c(&ty)?;
                    let x = self.operand(op)?;
                    let immediate = code.chars().all(|c| "in".contains(c));
                    let memory_only = code.chars().all(|c| "moV".contains(c));
                    let e = if immediate {
                        if op.as_const().is_none() {
                            return Err(format!("a non-constant operand of `{code}`"));
                        }
                        format!("({cty})({x})")
                    } else if memory_only {
                        // A memory operand needs an lvalue: the value goes on the stack, as
                        // LLVM puts it there.
                        let t = self.fresh();
                        self.declare(&format!("{cty} {t}"));
                        self.line(&format!("{t} = {x};"));
                        t
                    } else {
                        format!("({cty})({x})")
                    };
                    ins.push(format!("\"{code}\"({e})"));
                }
            }
        }
        let volatile = if asm.side_effect || outs.is_empty() { " __volatile__" } else { "" };
        let mut parts =
            vec![format!("\"{tmpl}\""), outs.join(", "), ins.join(", "), clobbers.join(", ")];
        while parts.len() > 1 && parts.last().is_some_and(String::is_empty) {
            parts.pop();
        }
        self.line(&format!("__asm__{volatile}({});", parts.join(" : ")));
        Ok(())
    }

    /// The lvalue an indirect operand (argument `i`, a pointer with an `elementtype`) names.
    fn indirect_operand(&mut self, c: &Call, i: usize, code: &str) -> Emitted<String> {
        let ty = type_attr(c.attrs.param(i), "elementtype")
            .ok_or("an indirect operand without `elementtype`")?
            .clone();
        if !matches!(ty, Type::Int(8 | 16 | 32 | 64) | Type::Ptr | Type::Float | Type::Double)
            || (code.contains('x') && !matches!(ty, Type::Float | Type::Double))
        {
            return Err(format!("an indirect operand of type `{ty}` in `{code}`"));
        }
        let cty = self.cx.types.c(&ty)?;
        let p = self.operand(&c.args[i])?;
        Ok(format!("*({cty} *)({p})"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_translate() {
        assert_eq!(template("bswap $0").unwrap(), "bswap %0");
        assert_eq!(template("movl ${1:k}, $0 # $$5 %x").unwrap(), "movl %k1, %0 # $5 %%x");
        assert_eq!(template("lbl${:uid}: ${:comment} {x}").unwrap(), "lbl%=: # %{x%}");
        assert_eq!(template("$(a$|b$)").unwrap(), "{a|b}");
        assert_eq!(template("a\n\tb \"q\"").unwrap(), "a\\n\\tb \\\"q\\\"");
        assert!(template("${0:V}").is_err());
        assert!(template("${:private}").is_err());
        assert!(template("$x").is_err());
    }

    /// An asm of no operands' types with the constraints `c`, in `dialect`.
    fn asm_of(c: &str, dialect: AsmDialect) -> InlineAsm {
        InlineAsm {
            fn_ty: opm_ir::FunctionType { ret: Type::Void, params: vec![], varargs: false },
            asm: String::new(),
            constraints: c.into(),
            side_effect: true,
            align_stack: false,
            dialect,
            can_unwind: false,
        }
    }

    #[test]
    fn intel_templates_switch_syntax_and_print_immediates_bare() {
        let asm = |c: &str| asm_of(c, AsmDialect::Intel);
        let cons = constraints(&asm("=r,r,i,~{flags}")).unwrap();
        assert_eq!(
            intel_template("add $0, $1\nadd $0, ${2}", &cons).unwrap(),
            ".intel_syntax noprefix\\n\\tadd %0, %1\\nadd %0, %c2\\n\\t.att_syntax prefix"
        );
        for bad in ["=*m,r", "=r,m", "=r,rm"] {
            let cons = constraints(&asm(bad)).unwrap();
            assert!(intel_template("mov $0, $1", &cons).is_err(), "{bad}");
        }
    }

    #[test]
    fn constraints_translate() {
        let asm = |c: &str| asm_of(c, AsmDialect::Att);
        let got = constraints(&asm("=&r,={eax},=*m,0,rm,~{memory},~{dirflag},~{ecx},~{r9d}"));
        assert_eq!(
            got.unwrap(),
            vec![
                Constraint::Output { code: "r".into(), early: true, indirect: false },
                Constraint::Output { code: "a".into(), early: false, indirect: false },
                Constraint::Output { code: "m".into(), early: false, indirect: true },
                Constraint::Input { code: "0".into(), indirect: false },
                Constraint::Input { code: "rm".into(), indirect: false },
                Constraint::Clobber(Some("memory".into())),
                Constraint::Clobber(None),
                Constraint::Clobber(Some("rcx".into())),
                Constraint::Clobber(Some("r9".into())),
            ]
        );
        for bad in ["=r|m", "^Yz", "{xmm0}", "~{rbp}", "~{st}", "=0", "r,~{r16}"] {
            assert!(constraints(&asm(bad)).is_err(), "{bad}");
        }
    }
}
