//! Exercises a recursive-descent parser over `&str`/bytes: a JSON-like `Value` enum (boxed
//! recursion through `Vec` and `BTreeMap`), string escapes including `\uXXXX`, numbers parsed
//! with `f64::from_str`, positioned parse errors via `Result`/`?`, a pretty printer and a compact
//! printer written with `fmt::Write`, path queries, and structural transforms (map/sum/depth).

use std::collections::BTreeMap;
use std::fmt::{self, Write};

#[derive(Debug, Clone, PartialEq)]
enum Value {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Value>),
    Obj(BTreeMap<String, Value>),
}

#[derive(Debug)]
struct ParseError {
    pos: usize,
    msg: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: {}", self.pos, self.msg)
    }
}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn new(s: &'a str) -> Self {
        Parser { s: s.as_bytes(), pos: 0, depth: 0 }
    }
    fn err<T>(&self, msg: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError { pos: self.pos, msg: msg.into() })
    }
    fn ws(&mut self) {
        while self.pos < self.s.len() && matches!(self.s[self.pos], b' ' | b'\n' | b'\t' | b'\r') {
            self.pos += 1;
        }
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }
    fn expect(&mut self, c: u8) -> Result<(), ParseError> {
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            self.err(format!("expected '{}', found {}", c as char, self.found()))
        }
    }
    fn found(&self) -> String {
        match self.peek() {
            Some(c) => format!("'{}'", c as char),
            None => "end of input".into(),
        }
    }
    fn parse_document(&mut self) -> Result<Value, ParseError> {
        let v = self.value()?;
        self.ws();
        if self.pos != self.s.len() {
            return self.err(format!("trailing characters starting with {}", self.found()));
        }
        Ok(v)
    }
    fn value(&mut self) -> Result<Value, ParseError> {
        self.ws();
        match self.peek() {
            Some(b'n') => self.literal("null", Value::Null),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'"') => Ok(Value::Str(self.string()?)),
            Some(b'[') => self.array(),
            Some(b'{') => self.object(),
            Some(c) if c == b'-' || c.is_ascii_digit() => self.number(),
            _ => self.err(format!("unexpected {}", self.found())),
        }
    }
    fn literal(&mut self, word: &str, v: Value) -> Result<Value, ParseError> {
        if self.s[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(v)
        } else {
            self.err(format!("invalid literal, expected {word}"))
        }
    }
    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        while let Some(c) = self.peek() {
            if c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-') {
                self.pos += 1;
            } else {
                break;
            }
        }
        let text = std::str::from_utf8(&self.s[start..self.pos]).unwrap();
        match text.parse::<f64>() {
            Ok(n) => Ok(Value::Num(n)),
            Err(_) => {
                self.pos = start;
                self.err(format!("bad number {text:?}"))
            }
        }
    }
    fn hex4(&mut self) -> Result<u32, ParseError> {
        let Some(h) = self.s.get(self.pos..self.pos + 4) else {
            return self.err("short \\u escape");
        };
        let h = std::str::from_utf8(h)
            .map_err(|_| ParseError { pos: self.pos, msg: "bad utf8".into() })?;
        let v = u32::from_str_radix(h, 16)
            .map_err(|_| ParseError { pos: self.pos, msg: format!("bad hex {h:?}") })?;
        self.pos += 4;
        Ok(v)
    }
    fn string(&mut self) -> Result<String, ParseError> {
        self.expect(b'"')?;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else { return self.err("unterminated string") };
            self.pos += 1;
            match c {
                b'"' => return Ok(out),
                b'\\' => {
                    let Some(e) = self.peek() else { return self.err("unterminated escape") };
                    self.pos += 1;
                    match e {
                        b'n' => out.push('\n'),
                        b't' => out.push('\t'),
                        b'r' => out.push('\r'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'/' => out.push('/'),
                        b'\\' => out.push('\\'),
                        b'"' => out.push('"'),
                        b'u' => {
                            let mut cp = self.hex4()?;
                            if (0xD800..0xDC00).contains(&cp)
                                && self.s[self.pos..].starts_with(b"\\u")
                            {
                                self.pos += 2;
                                let lo = self.hex4()?;
                                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                            }
                            match char::from_u32(cp) {
                                Some(ch) => out.push(ch),
                                None => return self.err(format!("invalid code point {cp:#x}")),
                            }
                        }
                        other => return self.err(format!("bad escape '\\{}'", other as char)),
                    }
                }
                _ => {
                    // Copy a whole UTF-8 sequence.
                    let start = self.pos - 1;
                    let len = match c {
                        0x00..=0x7f => 1,
                        0xc0..=0xdf => 2,
                        0xe0..=0xef => 3,
                        _ => 4,
                    };
                    self.pos = start + len;
                    out.push_str(std::str::from_utf8(&self.s[start..self.pos]).unwrap());
                }
            }
        }
    }
    fn array(&mut self) -> Result<Value, ParseError> {
        self.expect(b'[')?;
        self.depth += 1;
        if self.depth > 32 {
            return self.err("nesting too deep");
        }
        let mut items = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Value::Arr(items));
        }
        loop {
            items.push(self.value()?);
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(Value::Arr(items));
                }
                _ => return self.err(format!("expected ',' or ']', found {}", self.found())),
            }
        }
    }
    fn object(&mut self) -> Result<Value, ParseError> {
        self.expect(b'{')?;
        self.depth += 1;
        let mut map = BTreeMap::new();
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Value::Obj(map));
        }
        loop {
            self.ws();
            let key = self.string()?;
            self.ws();
            self.expect(b':')?;
            let v = self.value()?;
            if map.insert(key.clone(), v).is_some() {
                return self.err(format!("duplicate key {key:?}"));
            }
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(Value::Obj(map));
                }
                _ => return self.err(format!("expected ',' or '}}', found {}", self.found())),
            }
        }
    }
}

fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => write!(out, "\\u{:04x}", c as u32).unwrap(),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { format!("{n}") }
}

fn pretty(v: &Value, indent: usize, out: &mut String) {
    let pad = "  ".repeat(indent + 1);
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => write!(out, "{b}").unwrap(),
        Value::Num(n) => out.push_str(&fmt_num(*n)),
        Value::Str(s) => write_str(out, s),
        Value::Arr(items) if items.is_empty() => out.push_str("[]"),
        Value::Arr(items) => {
            out.push_str("[\n");
            for (i, it) in items.iter().enumerate() {
                out.push_str(&pad);
                pretty(it, indent + 1, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            write!(out, "{}]", "  ".repeat(indent)).unwrap();
        }
        Value::Obj(m) if m.is_empty() => out.push_str("{}"),
        Value::Obj(m) => {
            out.push_str("{\n");
            for (i, (k, v)) in m.iter().enumerate() {
                out.push_str(&pad);
                write_str(out, k);
                out.push_str(": ");
                pretty(v, indent + 1, out);
                out.push_str(if i + 1 < m.len() { ",\n" } else { "\n" });
            }
            write!(out, "{}}}", "  ".repeat(indent)).unwrap();
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Num(n) => f.write_str(&fmt_num(*n)),
            Value::Str(s) => {
                let mut o = String::new();
                write_str(&mut o, s);
                f.write_str(&o)
            }
            Value::Arr(items) => {
                f.write_char('[')?;
                for (i, it) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_char(',')?;
                    }
                    write!(f, "{it}")?;
                }
                f.write_char(']')
            }
            Value::Obj(m) => {
                f.write_char('{')?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        f.write_char(',')?;
                    }
                    write!(f, "{}:{v}", Value::Str(k.clone()))?;
                }
                f.write_char('}')
            }
        }
    }
}

impl Value {
    fn get(&self, path: &str) -> Option<&Value> {
        path.split('.').filter(|p| !p.is_empty()).try_fold(self, |v, key| match v {
            Value::Obj(m) => m.get(key),
            Value::Arr(a) => key.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        })
    }
    fn depth(&self) -> usize {
        match self {
            Value::Arr(a) => 1 + a.iter().map(Value::depth).max().unwrap_or(0),
            Value::Obj(m) => 1 + m.values().map(Value::depth).max().unwrap_or(0),
            _ => 0,
        }
    }
    fn sum_numbers(&self) -> f64 {
        match self {
            Value::Num(n) => *n,
            Value::Arr(a) => a.iter().map(Value::sum_numbers).sum(),
            Value::Obj(m) => m.values().map(Value::sum_numbers).sum(),
            _ => 0.0,
        }
    }
    fn map_strings(&self, f: &dyn Fn(&str) -> String) -> Value {
        match self {
            Value::Str(s) => Value::Str(f(s)),
            Value::Arr(a) => Value::Arr(a.iter().map(|v| v.map_strings(f)).collect()),
            Value::Obj(m) => {
                Value::Obj(m.iter().map(|(k, v)| (k.clone(), v.map_strings(f))).collect())
            }
            other => other.clone(),
        }
    }
}

const DOC: &str = r#"
{
  "name": "opm test corpus",
  "version": 3,
  "ratio": -0.125,
  "big": 6.02e23,
  "tags": ["rust", "llvm", "passes", "caf\u00e9", "\ud83d\ude00"],
  "escapes": "line1\nline2\t\"quoted\" back\\slash \/ ok",
  "nested": {"a": [1, 2, [3, 4, {"deep": [true, false, null]}]], "b": {}, "c": []},
  "matrix": [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
  "unicode": "naïve – ✓"
}
"#;

fn main() {
    let doc = match Parser::new(DOC).parse_document() {
        Ok(v) => v,
        Err(e) => {
            println!("parse failed: {e}");
            return;
        }
    };
    let mut out = String::new();
    pretty(&doc, 0, &mut out);
    println!("{out}");
    println!("compact: {doc}");
    println!("depth {} sum {}", doc.depth(), doc.sum_numbers());
    for path in [
        "name",
        "tags.3",
        "tags.4",
        "nested.a.2.2.deep.0",
        "matrix.1.1",
        "nested.b",
        "nested.x",
        "tags.9",
        "version.1",
    ] {
        match doc.get(path) {
            Some(v) => println!("get {path:<22} = {v}"),
            None => println!("get {path:<22} = (missing)"),
        }
    }
    let upper = doc.map_strings(&|s| s.to_uppercase());
    println!("upper tags: {}", upper.get("tags").unwrap());

    let reparsed = Parser::new(&doc.to_string()).parse_document().unwrap();
    println!("round trip equal: {}", reparsed == doc);

    let bad_inputs = [
        "{\"a\": 1,}",
        "[1, 2",
        "{\"a\" 1}",
        "\"abc",
        "[1, 2] x",
        "nul",
        "{\"k\": \"\\q\"}",
        "[-]",
        "{\"d\": 1, \"d\": 2}",
        "[\"\\u12G4\"]",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        "",
    ];
    for b in bad_inputs {
        match Parser::new(b).parse_document() {
            Ok(v) => println!("{:<40} -> ok {v}", format!("{b:?}")),
            Err(e) => println!("{:<40} -> error {e}", format!("{b:?}")),
        }
    }
}
