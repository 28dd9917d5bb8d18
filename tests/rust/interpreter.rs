//! Exercises a bytecode VM: a two-pass assembler (text with labels -> `Vec<Op>`, errors through
//! `Result`/`?`), an enum-match dispatch loop over data-carrying variants, a value stack, locals,
//! call frames, and runtime errors (stack underflow, division by zero, step limit) returned as
//! `Err`. Runs factorial, Fibonacci, gcd, a prime counter, recursive Ackermann and faulty programs.

use std::collections::HashMap;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Push(i64),
    Pop,
    Dup,
    Swap,
    Over,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Neg,
    Lt,
    Eq,
    Not,
    Load(u8),
    Store(u8),
    Jmp(usize),
    Jz(usize),
    Jnz(usize),
    Call(usize, u8),
    Ret,
    Print,
    Halt,
}

#[derive(Debug, PartialEq)]
enum VmError {
    StackUnderflow(usize),
    DivByZero(usize),
    BadLocal(usize, u8),
    StepLimit(u64),
    PcOutOfRange(usize),
}

impl fmt::Display for VmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VmError::StackUnderflow(pc) => write!(f, "stack underflow at pc {pc}"),
            VmError::DivByZero(pc) => write!(f, "division by zero at pc {pc}"),
            VmError::BadLocal(pc, i) => write!(f, "bad local {i} at pc {pc}"),
            VmError::StepLimit(n) => write!(f, "step limit {n} exceeded"),
            VmError::PcOutOfRange(pc) => write!(f, "pc {pc} out of range"),
        }
    }
}

#[derive(Debug)]
struct AsmError {
    line: usize,
    msg: String,
}

fn assemble(src: &str) -> Result<Vec<Op>, AsmError> {
    // First pass: labels.
    let mut labels = HashMap::new();
    let mut count = 0usize;
    for raw in src.lines() {
        let line = raw.split(';').next().unwrap().trim();
        if line.is_empty() {
            continue;
        }
        if let Some(l) = line.strip_suffix(':') {
            labels.insert(l.to_string(), count);
        } else {
            count += 1;
        }
    }
    let mut ops = Vec::with_capacity(count);
    for (no, raw) in src.lines().enumerate() {
        let line = raw.split(';').next().unwrap().trim();
        if line.is_empty() || line.ends_with(':') {
            continue;
        }
        let err = |msg: String| AsmError { line: no + 1, msg };
        let mut parts = line.split_whitespace();
        let mnemonic = parts.next().unwrap();
        let args: Vec<&str> = parts.collect();
        let target = |i: usize| -> Result<usize, AsmError> {
            let name = args.get(i).ok_or_else(|| err(format!("{mnemonic} needs a label")))?;
            labels.get(*name).copied().ok_or_else(|| err(format!("unknown label {name}")))
        };
        let num = |i: usize| -> Result<i64, AsmError> {
            let s = args.get(i).ok_or_else(|| err(format!("{mnemonic} needs a number")))?;
            s.parse::<i64>().map_err(|e| err(format!("bad number {s}: {e}")))
        };
        let op = match mnemonic {
            "push" => Op::Push(num(0)?),
            "pop" => Op::Pop,
            "dup" => Op::Dup,
            "swap" => Op::Swap,
            "over" => Op::Over,
            "add" => Op::Add,
            "sub" => Op::Sub,
            "mul" => Op::Mul,
            "div" => Op::Div,
            "mod" => Op::Mod,
            "neg" => Op::Neg,
            "lt" => Op::Lt,
            "eq" => Op::Eq,
            "not" => Op::Not,
            "load" => Op::Load(num(0)? as u8),
            "store" => Op::Store(num(0)? as u8),
            "jmp" => Op::Jmp(target(0)?),
            "jz" => Op::Jz(target(0)?),
            "jnz" => Op::Jnz(target(0)?),
            "call" => Op::Call(target(0)?, num(1)? as u8),
            "ret" => Op::Ret,
            "print" => Op::Print,
            "halt" => Op::Halt,
            other => return Err(err(format!("unknown mnemonic {other}"))),
        };
        ops.push(op);
    }
    Ok(ops)
}

struct Frame {
    ret: usize,
    locals: [i64; 8],
}

struct Vm<'a> {
    code: &'a [Op],
    stack: Vec<i64>,
    frames: Vec<Frame>,
    out: Vec<i64>,
    steps: u64,
    max_depth: usize,
}

impl<'a> Vm<'a> {
    fn new(code: &'a [Op]) -> Self {
        Vm {
            code,
            stack: Vec::new(),
            frames: vec![Frame { ret: usize::MAX, locals: [0; 8] }],
            out: Vec::new(),
            steps: 0,
            max_depth: 1,
        }
    }

    fn pop(&mut self, pc: usize) -> Result<i64, VmError> {
        self.stack.pop().ok_or(VmError::StackUnderflow(pc))
    }

    fn run(&mut self, limit: u64) -> Result<(), VmError> {
        let mut pc = 0usize;
        loop {
            self.steps += 1;
            if self.steps > limit {
                return Err(VmError::StepLimit(limit));
            }
            let op = *self.code.get(pc).ok_or(VmError::PcOutOfRange(pc))?;
            let mut next = pc + 1;
            match op {
                Op::Push(v) => self.stack.push(v),
                Op::Pop => {
                    self.pop(pc)?;
                }
                Op::Dup => {
                    let v = *self.stack.last().ok_or(VmError::StackUnderflow(pc))?;
                    self.stack.push(v);
                }
                Op::Swap => {
                    let b = self.pop(pc)?;
                    let a = self.pop(pc)?;
                    self.stack.push(b);
                    self.stack.push(a);
                }
                Op::Over => {
                    let n = self.stack.len();
                    if n < 2 {
                        return Err(VmError::StackUnderflow(pc));
                    }
                    self.stack.push(self.stack[n - 2]);
                }
                Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Mod | Op::Lt | Op::Eq => {
                    let b = self.pop(pc)?;
                    let a = self.pop(pc)?;
                    let r = match op {
                        Op::Add => a.wrapping_add(b),
                        Op::Sub => a.wrapping_sub(b),
                        Op::Mul => a.wrapping_mul(b),
                        Op::Div => a.checked_div(b).ok_or(VmError::DivByZero(pc))?,
                        Op::Mod => a.checked_rem(b).ok_or(VmError::DivByZero(pc))?,
                        Op::Lt => (a < b) as i64,
                        Op::Eq => (a == b) as i64,
                        _ => unreachable!(),
                    };
                    self.stack.push(r);
                }
                Op::Neg => {
                    let a = self.pop(pc)?;
                    self.stack.push(a.wrapping_neg());
                }
                Op::Not => {
                    let a = self.pop(pc)?;
                    self.stack.push((a == 0) as i64);
                }
                Op::Load(i) => {
                    let f = self.frames.last().unwrap();
                    let v = *f.locals.get(i as usize).ok_or(VmError::BadLocal(pc, i))?;
                    self.stack.push(v);
                }
                Op::Store(i) => {
                    let v = self.pop(pc)?;
                    let f = self.frames.last_mut().unwrap();
                    *f.locals.get_mut(i as usize).ok_or(VmError::BadLocal(pc, i))? = v;
                }
                Op::Jmp(t) => next = t,
                Op::Jz(t) => {
                    if self.pop(pc)? == 0 {
                        next = t;
                    }
                }
                Op::Jnz(t) => {
                    if self.pop(pc)? != 0 {
                        next = t;
                    }
                }
                Op::Call(t, nargs) => {
                    let mut f = Frame { ret: pc + 1, locals: [0; 8] };
                    for i in (0..nargs as usize).rev() {
                        f.locals[i] = self.pop(pc)?;
                    }
                    self.frames.push(f);
                    self.max_depth = self.max_depth.max(self.frames.len());
                    next = t;
                }
                Op::Ret => {
                    let f = self.frames.pop().unwrap();
                    if self.frames.is_empty() {
                        return Ok(());
                    }
                    next = f.ret;
                }
                Op::Print => {
                    let v = self.pop(pc)?;
                    self.out.push(v);
                }
                Op::Halt => return Ok(()),
            }
            pc = next;
        }
    }
}

const PROGRAMS: &[(&str, &str)] = &[
    (
        "factorial",
        "
        push 1
        store 0        ; acc
        push 20
        store 1        ; n
    loop:
        load 1
        jz done
        load 0
        load 1
        mul
        store 0
        load 1
        push 1
        sub
        store 1
        jmp loop
    done:
        load 0
        print
        halt",
    ),
    (
        "fibonacci",
        "
        push 0
        store 0
        push 1
        store 1
        push 0
        store 2        ; i
    loop:
        load 2
        push 30
        lt
        jz end
        load 0
        print
        load 0
        load 1
        dup
        store 0
        add
        store 1
        load 2
        push 1
        add
        store 2
        jmp loop
    end:
        halt",
    ),
    (
        "gcd",
        "
        push 1071
        push 462
        call gcd 2
        print
        push 832040
        push 514229
        call gcd 2
        print
        push 360
        push 84
        call gcd 2
        print
        halt
    gcd:               ; locals 0=a 1=b, recursive
        load 1
        jz base
        load 1
        load 0
        load 1
        mod
        call gcd 2
        ret
    base:
        load 0
        ret",
    ),
    (
        "primes",
        "
        push 0
        store 2        ; count
        push 2
        store 0        ; n
    outer:
        load 0
        push 1000
        lt
        jz finish
        push 2
        store 1        ; d
    inner:
        load 1
        load 1
        mul
        load 0
        swap
        lt             ; n < d*d ?
        jnz prime
        load 0
        load 1
        mod
        jz next
        load 1
        push 1
        add
        store 1
        jmp inner
    prime:
        load 2
        push 1
        add
        store 2
    next:
        load 0
        push 1
        add
        store 0
        jmp outer
    finish:
        load 2
        print
        halt",
    ),
    (
        "ackermann",
        "
        push 2
        push 3
        call ack 2
        print
        push 3
        push 3
        call ack 2
        print
        halt
    ack:               ; 0=m 1=n
        load 0
        jnz m_pos
        load 1
        push 1
        add
        ret
    m_pos:
        load 1
        jnz n_pos
        load 0
        push 1
        sub
        push 1
        call ack 2
        ret
    n_pos:
        load 0
        push 1
        sub
        load 0
        load 1
        push 1
        sub
        call ack 2
        call ack 2
        ret",
    ),
    (
        "div_zero",
        "
        push 10
        push 3
        push 3
        sub
        div
        print
        halt",
    ),
    (
        "underflow",
        "
        push 1
        add
        halt",
    ),
    (
        "forever",
        "
    top:
        push 1
        pop
        jmp top",
    ),
    (
        "bad_label",
        "
        push 1
        jz nowhere
        halt",
    ),
    (
        "bad_number",
        "
        push 12x
        halt",
    ),
];

fn main() {
    for (name, src) in PROGRAMS {
        match assemble(src) {
            Err(e) => println!("{name:<10} assemble error at line {}: {}", e.line, e.msg),
            Ok(code) => {
                let mut vm = Vm::new(&code);
                let r = vm.run(500_000);
                let shown: Vec<String> = if vm.out.len() > 12 {
                    let mut v: Vec<String> = vm.out[..10].iter().map(|x| x.to_string()).collect();
                    v.push(format!("... ({} more)", vm.out.len() - 10));
                    v
                } else {
                    vm.out.iter().map(|x| x.to_string()).collect()
                };
                let status = match r {
                    Ok(()) => "ok".to_string(),
                    Err(e) => format!("error: {e}"),
                };
                println!(
                    "{name:<10} {} ops, {} steps, depth {}, {status}",
                    code.len(),
                    vm.steps,
                    vm.max_depth
                );
                println!("           out [{}]", shown.join(", "));
            }
        }
    }
    let code = assemble(PROGRAMS[0].1).unwrap();
    let histogram = code.iter().fold(HashMap::new(), |mut m, op| {
        *m.entry(format!("{:?}", op).split('(').next().unwrap().to_string()).or_insert(0) += 1;
        m
    });
    let mut h: Vec<(String, i32)> = histogram.into_iter().collect();
    h.sort();
    println!("factorial op histogram: {:?}", h);
}
