//! Spelling of LLVM identifiers: `%name`, `@"needs quotes"`.

/// Whether `name` can be written without quotes after `%` or `@`.
pub fn is_bare_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else { return false };
    let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '$' | '.' | '_');
    (ok(first) && !first.is_ascii_digit()) && chars.all(ok)
}

/// `name` as it may follow `%` or `@`: bare when possible, otherwise quoted with LLVM's
/// `\XX` escapes.
pub fn quote_if_needed(name: &str) -> String {
    if is_bare_identifier(name) { name.to_string() } else { quote_bytes(name.as_bytes()) }
}

/// `"..."` with `"`, `\` and non-printable bytes written as `\XX` (LLVM's string syntax).
pub fn quote_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for &b in bytes {
        if b == b'"' || b == b'\\' || !(0x20..0x7f).contains(&b) {
            out.push_str(&format!("\\{b:02X}"));
        } else {
            out.push(b as char);
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_and_quoted() {
        assert_eq!(quote_if_needed("main"), "main");
        assert_eq!(quote_if_needed("struct.P"), "struct.P");
        assert_eq!(quote_if_needed("a b"), "\"a b\"");
        assert_eq!(quote_if_needed("1x"), "\"1x\"");
        assert_eq!(quote_bytes(b"hi\n\0\"\\"), "\"hi\\0A\\00\\22\\5C\"");
    }
}
