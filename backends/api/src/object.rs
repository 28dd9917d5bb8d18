//! Object files, read with the `object` crate: how much executable code one holds.

use object::{Object, ObjectSection, ObjectSymbol};

/// Whether a section of this name holds executable code: `.text` or `.text.<suffix>` (ELF
/// with `-ffunction-sections`, COFF).
pub fn is_text_section(name: &str) -> bool {
    name == ".text" || name.starts_with(".text.")
}

/// An object file that cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cannot read the object file: {0}")]
pub struct ObjectError(String);

/// The total size in bytes of the executable code sections (`.text` and `.text.*`) of a
/// relocatable object file (ELF, COFF, Mach-O), whichever compiler wrote it.
pub fn text_bytes(object: &[u8]) -> Result<u64, ObjectError> {
    let file = object::File::parse(object).map_err(|e| ObjectError(e.to_string()))?;
    let mut total = 0u64;
    for section in file.sections() {
        let name = section.name().map_err(|e| ObjectError(e.to_string()))?;
        if is_text_section(name) {
            total = total.saturating_add(section.size());
        }
    }
    Ok(total)
}

/// The bytes of the function `name` in a relocatable object file, when nothing in them is
/// relocated (they refer to no other symbol and no other section): code that can be placed
/// anywhere as it is.
pub fn function_code(object: &[u8], name: &str) -> Result<Vec<u8>, ObjectError> {
    let file = object::File::parse(object).map_err(|e| ObjectError(e.to_string()))?;
    let symbol = file
        .symbols()
        .find(|s| s.name() == Ok(name) && s.is_definition())
        .ok_or_else(|| ObjectError(format!("no function `{name}` in it")))?;
    let index =
        symbol.section_index().ok_or_else(|| ObjectError(format!("`{name}` has no section")))?;
    let section = file.section_by_index(index).map_err(|e| ObjectError(e.to_string()))?;
    let (start, size) = (symbol.address() - section.address(), symbol.size());
    let end = start.checked_add(size).ok_or_else(|| ObjectError("a function past 2^64".into()))?;
    if let Some((at, _)) = section.relocations().find(|(at, _)| (start..end).contains(at)) {
        return Err(ObjectError(format!(
            "`{name}` refers to another symbol or section (a relocation at offset {})",
            at - start
        )));
    }
    let data = section.data().map_err(|e| ObjectError(e.to_string()))?;
    let bytes = usize::try_from(start)
        .ok()
        .zip(usize::try_from(end).ok())
        .and_then(|(s, e)| data.get(s..e))
        .ok_or_else(|| ObjectError(format!("`{name}` lies outside its section")))?;
    Ok(bytes.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_section_names() {
        assert!(is_text_section(".text"));
        assert!(is_text_section(".text.main"));
        assert!(is_text_section(".text.unlikely."));
        assert!(!is_text_section(".texts"));
        assert!(!is_text_section(".rela.text"));
        assert!(!is_text_section(".data"));
    }

    #[test]
    fn garbage_is_refused() {
        for bytes in [&b"not an object at all"[..], &[], b"BC\xC0\xDE\x35\x14\x00\x00", b"\x7fELF"]
        {
            assert!(text_bytes(bytes).is_err(), "{bytes:?}");
        }
    }

    /// A minimal ELF64 object with a `.text` of 5 bytes and a `.text.f` of 3: the section
    /// header string table, the two code sections and the null section.
    fn elf(text: usize, text_f: usize) -> Vec<u8> {
        let names = b"\0.text\0.text.f\0.shstrtab\0";
        let mut out = vec![0u8; 64];
        out[..4].copy_from_slice(b"\x7fELF");
        out[4] = 2; // 64-bit
        out[5] = 1; // little-endian
        out[6] = 1; // version
        out[16] = 1; // relocatable
        out[18] = 62; // x86-64
        out[20] = 1;
        let data_at = out.len();
        out.extend(std::iter::repeat_n(0x90u8, text + text_f));
        let names_at = out.len();
        out.extend_from_slice(names);
        while !out.len().is_multiple_of(8) {
            out.push(0);
        }
        let headers_at = out.len();
        // (name offset, type, flags, offset, size)
        let sections: [(u32, u32, u64, usize, usize); 4] = [
            (0, 0, 0, 0, 0),
            (1, 1, 6, data_at, text),
            (7, 1, 6, data_at + text, text_f),
            (15, 3, 0, names_at, names.len()),
        ];
        for (name, kind, flags, offset, size) in sections {
            let mut h = [0u8; 64];
            h[0..4].copy_from_slice(&name.to_le_bytes());
            h[4..8].copy_from_slice(&kind.to_le_bytes());
            h[8..16].copy_from_slice(&flags.to_le_bytes());
            h[24..32].copy_from_slice(&(offset as u64).to_le_bytes());
            h[32..40].copy_from_slice(&(size as u64).to_le_bytes());
            h[48..56].copy_from_slice(&1u64.to_le_bytes());
            out.extend_from_slice(&h);
        }
        out[40..48].copy_from_slice(&(headers_at as u64).to_le_bytes());
        out[52..54].copy_from_slice(&64u16.to_le_bytes()); // header size
        out[58..60].copy_from_slice(&64u16.to_le_bytes()); // section header size
        out[60..62].copy_from_slice(&4u16.to_le_bytes()); // sections
        out[62..64].copy_from_slice(&3u16.to_le_bytes()); // names section
        out
    }

    #[test]
    fn code_sections_are_summed() {
        assert_eq!(text_bytes(&elf(5, 3)), Ok(8));
        assert_eq!(text_bytes(&elf(0, 0)), Ok(0));
    }
}
