//! Exercises process exit: a small validation pass built on `Result`/`?` with a custom error
//! enum, output flushed explicitly, then `std::process::exit(3)`. A value with a `Drop` impl is
//! alive at the exit call; `exit` does not run destructors, so its message must never appear.

use std::fmt;
use std::io::Write;
use std::process;

struct Noisy(&'static str);

impl Drop for Noisy {
    fn drop(&mut self) {
        println!("drop {} (must not print at exit)", self.0);
    }
}

#[derive(Debug)]
enum CheckError {
    Empty(usize),
    TooLong { line: usize, len: usize },
    BadChecksum { line: usize, want: u32, got: u32 },
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckError::Empty(l) => write!(f, "line {l} is empty"),
            CheckError::TooLong { line, len } => write!(f, "line {line} too long ({len} bytes)"),
            CheckError::BadChecksum { line, want, got } => {
                write!(f, "line {line} checksum mismatch: want {want:04x}, got {got:04x}")
            }
        }
    }
}

fn checksum(s: &str) -> u32 {
    s.bytes().fold(0u32, |a, b| (a.rotate_left(5) ^ b as u32) & 0xffff)
}

fn check_line(line: usize, text: &str) -> Result<u32, CheckError> {
    let (body, sum) = text.rsplit_once('#').ok_or(CheckError::Empty(line))?;
    if body.is_empty() {
        return Err(CheckError::Empty(line));
    }
    if body.len() > 24 {
        return Err(CheckError::TooLong { line, len: body.len() });
    }
    let want = u32::from_str_radix(sum, 16).unwrap_or(0);
    let got = checksum(body);
    if want != got {
        return Err(CheckError::BadChecksum { line, want, got });
    }
    Ok(got)
}

fn check_all(lines: &[String]) -> Result<u32, Vec<CheckError>> {
    let mut errors = Vec::new();
    let mut total = 0u32;
    for (i, l) in lines.iter().enumerate() {
        match check_line(i + 1, l) {
            Ok(c) => total = total.wrapping_add(c),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() { Ok(total) } else { Err(errors) }
}

fn main() {
    let _noisy = Noisy("main guard");
    let bodies =
        ["alpha", "bravo charlie", "delta", "", "a very long line that exceeds the limit", "echo"];
    let mut lines: Vec<String> =
        bodies.iter().map(|b| format!("{b}#{:04x}", checksum(b))).collect();
    lines[2] = "delta#0000".to_string();
    lines.push("no separator".to_string());
    for l in &lines {
        println!("input: {l}");
    }
    match check_all(&lines) {
        Ok(total) => println!("all good, total {total}"),
        Err(errors) => {
            println!("{} errors:", errors.len());
            for e in &errors {
                println!("  {e}");
            }
            println!("first error debug: {:?}", errors[0]);
            std::io::stdout().flush().unwrap();
            process::exit(3);
        }
    }
    println!("unreachable");
}
