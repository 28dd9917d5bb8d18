//! Parsing a `target datalayout` string into a [`DataLayout`], with LLVM 22's checks and
//! error messages.

use super::{DataLayout, PointerSpec, PrimitiveSpec};

impl DataLayout {
    /// Parses a `target datalayout` string as LLVM 22 does; the empty string gives LLVM's
    /// defaults ([`DataLayout::default`]). A malformed string is an `Err` naming the bad
    /// specification and giving LLVM's own reason.
    pub fn parse(spec: &str) -> Result<DataLayout, String> {
        let mut layout = DataLayout::default();
        if spec.is_empty() {
            return Ok(layout);
        }
        let mut names = Vec::new();
        for part in spec.split('-') {
            layout.parse_specification(part, &mut names).map_err(|why| {
                if part.is_empty() {
                    format!("invalid data layout \"{spec}\": {why}")
                } else {
                    format!("invalid data layout \"{spec}\": specification \"{part}\": {why}")
                }
            })?;
        }
        Ok(layout)
    }

    /// One `-`-separated specification. `names` collects the address space names seen.
    fn parse_specification(&mut self, spec: &str, names: &mut Vec<String>) -> Result<(), String> {
        if spec.is_empty() {
            return Err("empty specification is not allowed".into());
        }
        if let Some(rest) = spec.strip_prefix("ni") {
            let Some(rest) = rest.strip_prefix(':') else {
                return Err(form("ni:<address space>[:<address space>]..."));
            };
            for s in rest.split(':') {
                if parse_addr_space(s)? == 0 {
                    return Err("address space 0 cannot be non-integral".into());
                }
            }
            return Ok(());
        }
        let mut chars = spec.chars();
        let specifier = chars.next().unwrap_or_default();
        let rest = chars.as_str();
        match specifier {
            'i' | 'f' | 'v' => self.parse_primitive(specifier, rest),
            'a' => self.parse_aggregate(rest),
            'p' => self.parse_pointer(rest, names),
            // Deprecated; LLVM still accepts and ignores it.
            's' => Ok(()),
            'e' | 'E' => {
                if !rest.is_empty() {
                    return Err("malformed specification, must be just 'e' or 'E'".into());
                }
                self.big_endian = specifier == 'E';
                Ok(())
            }
            'n' => {
                for s in rest.split(':') {
                    parse_size(s, "size")?;
                }
                Ok(())
            }
            'S' => {
                if rest.is_empty() {
                    return Err(form("S<size>"));
                }
                parse_alignment(rest, "stack natural", false).map(drop)
            }
            'F' => {
                let mut chars = rest.chars();
                match chars.next() {
                    None => Err(form("F<type><abi>")),
                    Some('i' | 'n') => parse_alignment(chars.as_str(), "ABI", false).map(drop),
                    Some(t) => Err(format!("unknown function pointer alignment type '{t}'")),
                }
            }
            'P' | 'A' | 'G' => {
                if rest.is_empty() {
                    return Err(form(&format!("{specifier}<address space>")));
                }
                parse_addr_space(rest).map(drop)
            }
            'm' => match rest.strip_prefix(':') {
                None | Some("") => Err(form("m:<mangling>")),
                Some("e" | "l" | "o" | "m" | "w" | "x" | "a") => Ok(()),
                Some(_) => Err("unknown mangling mode".into()),
            },
            other => Err(format!("unknown specifier '{other}'")),
        }
    }

    /// `i<size>:<abi>[:<pref>]`, and the same for `f` and `v`.
    fn parse_primitive(&mut self, specifier: char, rest: &str) -> Result<(), String> {
        let parts: Vec<&str> = rest.split(':').collect();
        if !(2..=3).contains(&parts.len()) {
            return Err(form(&format!("{specifier}<size>:<abi>[:<pref>]")));
        }
        let bits = parse_size(parts[0], "size")?;
        let abi = parse_alignment(parts[1], "ABI", false)?;
        if specifier == 'i' && bits == 8 && abi != 1 {
            return Err("i8 must be 8-bit aligned".into());
        }
        let pref = match parts.get(2) {
            Some(s) => parse_alignment(s, "preferred", false)?,
            None => abi,
        };
        if pref < abi {
            return Err("preferred alignment cannot be less than the ABI alignment".into());
        }
        let specs = match specifier {
            'i' => &mut self.ints,
            'f' => &mut self.floats,
            _ => &mut self.vectors,
        };
        let spec = PrimitiveSpec { bits, abi, pref };
        match specs.binary_search_by_key(&bits, |s| s.bits) {
            Ok(i) => specs[i] = spec,
            Err(i) => specs.insert(i, spec),
        }
        Ok(())
    }

    /// `a[0]:<abi>[:<pref>]`; an ABI alignment of 0 means 1 byte.
    fn parse_aggregate(&mut self, rest: &str) -> Result<(), String> {
        let parts: Vec<&str> = rest.split(':').collect();
        if !(2..=3).contains(&parts.len()) {
            return Err(form("a:<abi>[:<pref>]"));
        }
        if !parts[0].is_empty() && parse_uint(parts[0]) != Some(0) {
            return Err("size must be zero".into());
        }
        let abi = parse_alignment(parts[1], "ABI", true)?;
        let pref = match parts.get(2) {
            Some(s) => parse_alignment(s, "preferred", false)?,
            None => abi,
        };
        if pref < abi {
            return Err("preferred alignment cannot be less than the ABI alignment".into());
        }
        self.aggregate_abi = abi;
        self.aggregate_pref = pref;
        Ok(())
    }

    /// `p[<flags>][<n>][(<name>)]:<size>:<abi>[:<pref>[:<idx>]]`; only address space 0 is
    /// kept.
    fn parse_pointer(&mut self, rest: &str, names: &mut Vec<String>) -> Result<(), String> {
        let parts: Vec<&str> = rest.split(':').collect();
        if !(3..=5).contains(&parts.len()) {
            return Err(form("p[<n>]:<size>:<abi>[:<pref>[:<idx>]]"));
        }
        let mut space_text = parts[0];
        let mut flagged = false;
        while let Some(c) = space_text.chars().next() {
            match c {
                'e' | 'u' => flagged = true,
                c if c.is_ascii_alphabetic() => {
                    return Err(format!("'{c}' is not a valid pointer specification flag"));
                }
                _ => break,
            }
            space_text = &space_text[1..];
        }
        let (space, name) = parse_addr_space_and_name(space_text)?;
        if space == 0 && flagged {
            return Err("address space 0 cannot be unstable or have external state".into());
        }
        if let Some(name) = name {
            if names.iter().any(|n| n == name) {
                return Err(format!("address space name `{name}` already used"));
            }
            names.push(name.to_string());
        }
        let bits = parse_size(parts[1], "pointer size")?;
        let abi = parse_alignment(parts[2], "ABI", false)?;
        let pref = match parts.get(3) {
            Some(s) => parse_alignment(s, "preferred", false)?,
            None => abi,
        };
        if pref < abi {
            return Err("preferred alignment cannot be less than the ABI alignment".into());
        }
        let index_bits = match parts.get(4) {
            Some(s) => parse_size(s, "index size")?,
            None => bits,
        };
        if index_bits > bits {
            return Err("index size cannot be larger than the pointer size".into());
        }
        if space == 0 {
            self.pointer = PointerSpec { bits, abi, pref, index_bits };
        }
        Ok(())
    }
}

/// LLVM's message for a specification of the wrong shape.
fn form(shape: &str) -> String {
    format!("malformed specification, must be of the form \"{shape}\"")
}

/// A decimal number made of ASCII digits only (no sign, no spaces), as LLVM's
/// `to_integer(…, 10)` reads it; `None` if it is not one or does not fit 64 bits.
fn parse_uint(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A width in bits: non-zero and below 2^24.
fn parse_size(s: &str, what: &str) -> Result<u32, String> {
    if s.is_empty() {
        return Err(format!("{what} component cannot be empty"));
    }
    match parse_uint(s) {
        Some(v) if v != 0 && v < 1 << 24 => Ok(v as u32),
        _ => Err(format!("{what} must be a non-zero 24-bit integer")),
    }
}

/// An address space number below 2^24.
fn parse_addr_space(s: &str) -> Result<u32, String> {
    if s.is_empty() {
        return Err("address space component cannot be empty".into());
    }
    match parse_uint(s) {
        Some(v) if v < 1 << 24 => Ok(v as u32),
        _ => Err("address space must be a 24-bit integer".into()),
    }
}

/// The address space of a `p` entry: an optional number (0 when absent), then an optional
/// `(name)`.
fn parse_addr_space_and_name(s: &str) -> Result<(u32, Option<&str>), String> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let (number, rest) = s.split_at(digits);
    let space = if number.is_empty() { 0 } else { parse_addr_space(number)? };
    if rest.is_empty() {
        return Ok((space, None));
    }
    if !rest.starts_with('(') {
        return Err("address space must be a 24-bit integer".into());
    }
    if !rest.ends_with(')') || rest.len() <= 2 {
        return Err("Expected `( address space name )`".into());
    }
    let name = &rest[1..rest.len() - 1];
    if matches!(name, "A" | "G" | "P") {
        return Err("Cannot use predefined address space names P/G/A in data layout".into());
    }
    Ok((space, Some(name)))
}

/// An alignment given in bits, returned in bytes: a power of two times 8, below 2^16.
/// Zero means one byte where `allow_zero`.
fn parse_alignment(s: &str, what: &str, allow_zero: bool) -> Result<u64, String> {
    if s.is_empty() {
        return Err(format!("{what} alignment component cannot be empty"));
    }
    let Some(bits) = parse_uint(s).filter(|v| *v < 1 << 16) else {
        return Err(format!("{what} alignment must be a 16-bit integer"));
    };
    if bits == 0 {
        return if allow_zero { Ok(1) } else { Err(format!("{what} alignment must be non-zero")) };
    }
    if bits % 8 != 0 || !(bits / 8).is_power_of_two() {
        return Err(format!("{what} alignment must be a power of two times the byte width"));
    }
    Ok(bits / 8)
}

#[cfg(test)]
mod tests {
    //! Expected values are LLVM 22's own answers, not derived from the code under test:
    //! the accepted layouts are what LLVM 22 accepts, the errors `llvm-as` 22's messages.

    use super::*;
    use crate::layout::testing::X86_64;

    #[test]
    fn parses_what_llvm_accepts() {
        let accepted = [
            "",
            "e",
            "E",
            X86_64,
            // LLVM 22's layouts for aarch64 Linux, i386 Linux, m68k, avr, hexagon, amdgcn,
            // wasm32, systemz, arm64 macOS, x86_64 Windows.
            "e-m:e-p270:32:32-p271:32:32-p272:64:64-i8:8:32-i16:16:32-i64:64-i128:128-n32:64-S128-Fn32",
            "e-m:e-p:32:32-p270:32:32-p271:32:32-p272:64:64-i128:128-f64:32:64-f80:32-n8:16:32-S128",
            "E-m:e-p:32:16:32-i8:8:8-i16:16:16-i32:16:32-n8:16:32-a:0:16-S16",
            "e-P1-p:16:8-i8:8-i16:8-i32:8-i64:8-f32:8-f64:8-n8:16-a:8",
            "e-m:e-p:32:32:32-a:0-n16:32-i64:64:64-i32:32:32-i16:16:16-i1:8:8-f32:32:32-f64:64:64-v32:32:32-v64:64:64-v512:512:512-v1024:1024:1024-v2048:2048:2048",
            "e-p:64:64-p1:64:64-p2:32:32-p3:32:32-p4:64:64-p5:32:32-p6:32:32-p7:160:256:256:32-p8:128:128:128:48-p9:192:256:256:32-i64:64-v16:16-v24:32-v32:32-v48:64-v96:128-v192:256-v256:256-v512:512-v1024:1024-v2048:2048-n32:64-S32-A5-G1-ni:7:8:9",
            "e-m:e-p:32:32-p10:8:8-p20:8:8-i64:64-i128:128-n32:64-S128-ni:1:10:20",
            "E-m:e-i1:8:16-i8:8:16-i64:64-f128:64-v128:64-a:8:16-n32:64",
            "e-m:o-i64:64-i128:128-n32:64-S128-Fn32",
            "e-m:w-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128",
            // Single components llvm-as 22 accepts.
            "p1:64:64:64:32",
            "pe1:64:64",
            "pu1:64:64",
            "peu1:64:64",
            "p1(foo):64:64",
            "p(foo):32:32",
            "p1(a b):64:64",
            "p(x)(y):64:64",
            "p01:64:64",
            "p16777215:64:64",
            "i1:8:8",
            "i1:16",
            "i17:32",
            "i16777215:8",
            "i16:32768",
            "i8:8:16",
            "a:0:64",
            "a0:64",
            "a:64",
            "a:016",
            "s",
            "s0:64",
            "sfoo",
            "n8:16",
            "S128",
            "Fi8",
            "Fn32",
            "P1",
            "A5",
            "G1",
            "m:e",
            "m:l",
            "ni:1",
            "ni:1:2:3",
            "f80:128",
            "v32:32",
            "e-e-E",
        ];
        for s in accepted {
            if let Err(e) = DataLayout::parse(s) {
                panic!("LLVM 22 accepts {s:?}, we do not: {e}");
            }
        }
    }

    #[test]
    fn pointers_of_address_space_zero_only_count() {
        let cases = [
            // (layout, pointer size, ABI alignment, index bits)
            ("", 8, 8, 64),
            ("p:32:32", 4, 4, 32),
            ("p0:32:32:32:32", 4, 4, 32),
            ("p:31:8", 4, 1, 31),
            ("p:48:64:64:32", 6, 8, 32),
            ("p:64:64-p:32:16", 4, 2, 32),
            ("p1:32:32-p2:16:16", 8, 8, 64),
            (X86_64, 8, 8, 64),
        ];
        for (layout, size, align, index) in cases {
            let dl = DataLayout::parse(layout).unwrap();
            assert_eq!(
                (dl.pointer_size(), dl.pointer_align(), dl.index_bits()),
                (size, align, index),
                "{layout:?}"
            );
        }
        assert!(DataLayout::parse(X86_64).unwrap().is_little_endian());
        assert!(!DataLayout::parse("e-e-E").unwrap().is_little_endian());
        assert!(DataLayout::parse("E-e").unwrap().is_little_endian());
    }

    #[test]
    fn rejects_what_llvm_rejects_with_its_reason() {
        let rejected = [
            ("pz1:64:64", "'z' is not a valid pointer specification flag"),
            ("pE1:64:64", "'E' is not a valid pointer specification flag"),
            ("pe:64:64", "address space 0 cannot be unstable or have external state"),
            ("p1(foo):64:64-p2(foo):64:64", "address space name `foo` already used"),
            ("p1():64:64", "Expected `( address space name )`"),
            ("p1(foo:64:64", "Expected `( address space name )`"),
            ("p1(A):64:64", "Cannot use predefined address space names P/G/A in data layout"),
            ("p1x:64:64", "address space must be a 24-bit integer"),
            ("p16777216:64:64", "address space must be a 24-bit integer"),
            (
                "p1:64",
                r#"malformed specification, must be of the form "p[<n>]:<size>:<abi>[:<pref>[:<idx>]]""#,
            ),
            (
                "p-1:64:64",
                r#"malformed specification, must be of the form "p[<n>]:<size>:<abi>[:<pref>[:<idx>]]""#,
            ),
            ("p:0:64", "pointer size must be a non-zero 24-bit integer"),
            ("p:64:0", "ABI alignment must be non-zero"),
            ("p:64:64:64:128", "index size cannot be larger than the pointer size"),
            ("p:64:64:64:0", "index size must be a non-zero 24-bit integer"),
            ("i8:16", "i8 must be 8-bit aligned"),
            ("i24:24", "ABI alignment must be a power of two times the byte width"),
            ("i8:65535", "ABI alignment must be a power of two times the byte width"),
            ("i16:65536", "ABI alignment must be a 16-bit integer"),
            ("i8:8 ", "ABI alignment must be a 16-bit integer"),
            ("i0:8", "size must be a non-zero 24-bit integer"),
            ("i9999999999:8", "size must be a non-zero 24-bit integer"),
            ("i+8:8", "size must be a non-zero 24-bit integer"),
            ("i8:0", "ABI alignment must be non-zero"),
            ("i16:8:0", "preferred alignment must be non-zero"),
            ("i64:64:32", "preferred alignment cannot be less than the ABI alignment"),
            (
                "i64:64:64:64",
                r#"malformed specification, must be of the form "i<size>:<abi>[:<pref>]""#,
            ),
            ("f80:24", "ABI alignment must be a power of two times the byte width"),
            ("v0:8", "size must be a non-zero 24-bit integer"),
            ("a8:64", "size must be zero"),
            ("a", r#"malformed specification, must be of the form "a:<abi>[:<pref>]""#),
            ("a:8:16:32", r#"malformed specification, must be of the form "a:<abi>[:<pref>]""#),
            ("n", "size component cannot be empty"),
            ("n8::16", "size component cannot be empty"),
            ("n0", "size must be a non-zero 24-bit integer"),
            ("S0", "stack natural alignment must be non-zero"),
            ("S12", "stack natural alignment must be a power of two times the byte width"),
            ("Fx8", "unknown function pointer alignment type 'x'"),
            ("Fi", "ABI alignment component cannot be empty"),
            ("Fi0", "ABI alignment must be non-zero"),
            ("P", r#"malformed specification, must be of the form "P<address space>""#),
            ("A", r#"malformed specification, must be of the form "A<address space>""#),
            ("Ax", "address space must be a 24-bit integer"),
            ("A(foo)", "address space must be a 24-bit integer"),
            ("G16777216", "address space must be a 24-bit integer"),
            ("m", r#"malformed specification, must be of the form "m:<mangling>""#),
            ("m:", r#"malformed specification, must be of the form "m:<mangling>""#),
            ("m:z", "unknown mangling mode"),
            ("m:oo", "unknown mangling mode"),
            (
                "ni",
                r#"malformed specification, must be of the form "ni:<address space>[:<address space>]...""#,
            ),
            ("ni:0", "address space 0 cannot be non-integral"),
            ("ni:1:", "address space component cannot be empty"),
            ("ni:x", "address space must be a 24-bit integer"),
            ("ee", "malformed specification, must be just 'e' or 'E'"),
            ("x", "unknown specifier 'x'"),
            ("z0", "unknown specifier 'z'"),
            ("e-", "empty specification is not allowed"),
            ("-e", "empty specification is not allowed"),
        ];
        for (layout, reason) in rejected {
            match DataLayout::parse(layout) {
                Ok(_) => panic!("LLVM 22 rejects {layout:?} ({reason}); we accept it"),
                Err(e) => assert!(
                    e.ends_with(reason),
                    "{layout:?}: expected LLVM's {reason:?}, got {e:?}"
                ),
            }
        }
        let e = DataLayout::parse("e-i24:24-n8").unwrap_err();
        assert_eq!(
            e,
            "invalid data layout \"e-i24:24-n8\": specification \"i24:24\": ABI alignment must \
             be a power of two times the byte width"
        );
    }
}
