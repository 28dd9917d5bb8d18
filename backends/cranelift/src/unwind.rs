//! Exception handling's tables, for a module with `invoke`: what the unwinder of the Itanium
//! C++ ABI (libgcc's, which C++ and Rust programs use on Linux) and the personality routines
//! (`__gxx_personality_v0`, `rust_eh_personality`) read to unwind through this module's
//! functions and to land in their landing pads.
//!
//! - `.eh_frame`: how to unwind each function's frame (an FDE from the unwind information
//!   Cranelift gives with the compiled code), under a CIE that names no personality, or, for a
//!   function with landing pads, under one that names its personality, the FDE pointing to
//!   the function's LSDA.
//! - `.gcc_except_table`: one LSDA per function with landing pads: the call-site table (for
//!   each `try_call`, the byte before its return address, its landing pad and the first
//!   action of its clauses; between them, ranges without a landing pad, so that any other
//!   call unwinds on), the action table (each clause's type filter, chained), the type table
//!   (`catch` clauses' typeinfo, counted from 1 backwards from its base, the index the
//!   selector and `llvm.eh.typeid.for` give) and the exception specifications of `filter`
//!   clauses after it.
//! - Pointers from these sections to the personality and to typeinfo objects go through
//!   cells in `.data.rel.ro` (indirect, PC-relative 32-bit), as clang's do, so that the
//!   sections need no dynamic relocation in a position-independent executable.
//!
//! Each `try_call` carries one exception-table tag, its landing pad's block number, through
//! which the call sites of the compiled code tell which landing pad each call unwinds to.

use cranelift_codegen::isa::TargetIsa;
use cranelift_codegen::isa::unwind::UnwindInfo;
use cranelift_codegen::{CompiledCode, FinalizedMachExceptionHandler};
use cranelift_module::{DataId, FuncId};
use cranelift_object::ObjectProduct;
use gimli::constants::{
    DW_EH_PE_absptr, DW_EH_PE_indirect, DW_EH_PE_omit, DW_EH_PE_pcrel, DW_EH_PE_sdata4,
    DW_EH_PE_uleb128, DwEhPe,
};
use gimli::write::{
    Address, CallFrameInstruction, CieId, EhFrame, EndianVec, FrameDescriptionEntry, FrameTable,
    RelocateWriter, Relocation, RelocationTarget,
};
use object::write::{Relocation as ObjectRelocation, StandardSection};
use object::{RelocationEncoding, RelocationFlags, RelocationKind, SectionKind};
use opm_ir::{BlockId, Clause, Constant, Function, Op, Operand, Type};
use std::collections::{BTreeMap, HashMap};

/// The exception handling of one function, from its canonical IR.
#[derive(Debug, Default)]
pub(crate) struct FunctionEh {
    /// Its personality function.
    pub(crate) personality: Option<String>,
    /// Each landing pad: the filters of its action chain, in clause order (a trailing 0 for
    /// a cleanup after catches); empty for a landing pad that only cleans up.
    pads: BTreeMap<BlockId, Vec<i64>>,
    /// The type table: the typeinfo object of index `i + 1` (`None`: `catch ptr null`, which
    /// catches everything).
    types: Vec<Option<String>>,
    /// The exception specifications of `filter` clauses (type indices, each list ended by 0),
    /// laid out after the type table's base.
    specs: Vec<u8>,
}

impl FunctionEh {
    /// The landing pads, type table and specifications of `f` (an error names a clause this
    /// backend cannot represent).
    pub(crate) fn of(f: &Function) -> Result<FunctionEh, String> {
        let mut eh = FunctionEh {
            personality: match &f.personality {
                None => None,
                Some(Constant::Global(name)) => Some(name.clone()),
                Some(_) => return Err("a personality that is not a function's name".into()),
            },
            ..FunctionEh::default()
        };
        for (i, block) in f.blocks.iter().enumerate() {
            for inst in &block.insts {
                match &inst.op {
                    Op::LandingPad { cleanup, clauses } => {
                        let mut chain = Vec::new();
                        for clause in clauses {
                            chain.push(match clause {
                                Clause::Catch(c) => i64::from(eh.type_index(c)?),
                                Clause::Filter(c) => eh.filter(c)?,
                            });
                        }
                        if *cleanup && !chain.is_empty() {
                            chain.push(0);
                        }
                        eh.pads.insert(BlockId(i as u32), chain);
                    }
                    Op::Call(c) if c.callee_name().is_some_and(is_typeid_for) => {
                        if let Some(Operand::Const(t)) = c.args.first() {
                            eh.type_index(t)?;
                        }
                    }
                    _ => {}
                }
            }
        }
        Ok(eh)
    }

    /// Whether the function has landing pads.
    pub(crate) fn has_pads(&self) -> bool {
        !self.pads.is_empty()
    }

    /// The type-table index of the typeinfo `c` (a global, or null for everything), added if
    /// it is new.
    pub(crate) fn type_index(&mut self, c: &Constant) -> Result<u32, String> {
        let entry = match c {
            Constant::Global(name) => Some(name.clone()),
            Constant::Null => None,
            _ => return Err("an exception type that is neither a global nor null".into()),
        };
        let i = match self.types.iter().position(|t| *t == entry) {
            Some(i) => i,
            None => {
                self.types.push(entry);
                self.types.len() - 1
            }
        };
        u32::try_from(i + 1).map_err(|_| "more than 2^32 exception types".into())
    }

    /// The filter value of the exception specification `c` (an array of typeinfo): minus one
    /// less its offset from the type table's base.
    fn filter(&mut self, c: &Constant) -> Result<i64, String> {
        let types: Vec<Constant> = match c {
            Constant::Array { elems, .. } => elems.clone(),
            Constant::Zero(Type::Array(0, _)) => Vec::new(),
            _ => return Err("an exception specification that is not an array of types".into()),
        };
        let offset = self.specs.len();
        for t in &types {
            let index = self.type_index(t)?;
            uleb128(&mut self.specs, u64::from(index));
        }
        self.specs.push(0);
        Ok(-(offset as i64) - 1)
    }

    /// The LSDA of the function compiled into `code_len` bytes whose `try_call`s return to
    /// and land at the offsets of `sites` (return address, landing pad, the landing pad's
    /// block): the bytes, and where a type-table entry points to which typeinfo object.
    fn lsda(
        &self,
        sites: &[(u32, u32, BlockId)],
        code_len: u32,
    ) -> Result<(Vec<u8>, TypeEntries), String> {
        let mut actions = Vec::new();
        let mut first_action = HashMap::new();
        for (&pad, chain) in &self.pads {
            if chain.is_empty() {
                first_action.insert(pad, 0);
                continue;
            }
            first_action.insert(pad, actions.len() as u64 + 1);
            for (k, &filter) in chain.iter().enumerate() {
                sleb128(&mut actions, filter);
                // The next record starts right after this one-byte displacement.
                sleb128(&mut actions, if k + 1 < chain.len() { 1 } else { 0 });
            }
        }
        let mut calls = Vec::new();
        let mut record = |start: u32, len: u32, pad: u32, action: u64| {
            uleb128(&mut calls, u64::from(start));
            uleb128(&mut calls, u64::from(len));
            uleb128(&mut calls, u64::from(pad));
            uleb128(&mut calls, action);
        };
        let mut sorted = sites.to_vec();
        sorted.sort();
        let mut covered = 0;
        for (ret, pad, block) in sorted {
            let action = *first_action
                .get(&block)
                .ok_or_else(|| format!("a landing pad in {block} without `landingpad`"))?;
            // The personality looks the return address less one up: the call's last byte.
            let start =
                ret.checked_sub(1).filter(|&s| s >= covered).ok_or("call sites that overlap")?;
            if start > covered {
                record(covered, start - covered, 0, 0);
            }
            record(start, 1, pad, action);
            covered = ret;
        }
        if code_len > covered {
            record(covered, code_len - covered, 0, 0);
        }
        let mut out = vec![DW_EH_PE_omit.0];
        let typed = !self.types.is_empty() || !self.specs.is_empty();
        if typed {
            out.push(TYPE_ENCODING.0);
            let mut calls_len = Vec::new();
            uleb128(&mut calls_len, calls.len() as u64);
            let to_base = 1 + calls_len.len() + calls.len() + actions.len() + 4 * self.types.len();
            uleb128(&mut out, to_base as u64);
        } else {
            out.push(DW_EH_PE_omit.0);
        }
        out.push(DW_EH_PE_uleb128.0);
        uleb128(&mut out, calls.len() as u64);
        out.extend(calls);
        out.extend(actions);
        let mut entries = Vec::new();
        for t in self.types.iter().rev() {
            if let Some(name) = t {
                entries.push((out.len(), name.clone()));
            }
            out.extend([0; 4]);
        }
        out.extend(&self.specs);
        Ok((out, entries))
    }
}

/// Where an LSDA's type table points to a typeinfo object: (offset, the object's name).
type TypeEntries = Vec<(usize, String)>;

/// `llvm.eh.typeid.for` (LLVM 22 names it by its pointer type: `llvm.eh.typeid.for.p0`).
pub(crate) fn is_typeid_for(name: &str) -> bool {
    name == "llvm.eh.typeid.for" || name.starts_with("llvm.eh.typeid.for.")
}

/// Whether `f` has an `invoke`: then the module needs unwind tables.
pub(crate) fn invokes(f: &Function) -> bool {
    f.blocks.iter().flat_map(|b| &b.insts).any(|i| matches!(i.op, Op::Invoke { .. }))
}

/// Indirect, PC-relative, signed 32-bit: how the LSDA's type table and the CIE point to
/// typeinfo objects and personalities (through a cell).
const TYPE_ENCODING: DwEhPe = DwEhPe(DW_EH_PE_indirect.0 | DW_EH_PE_pcrel.0 | DW_EH_PE_sdata4.0);
/// PC-relative, signed 32-bit: the FDEs' function addresses and LSDA pointers.
const PCREL: DwEhPe = DwEhPe(DW_EH_PE_pcrel.0 | DW_EH_PE_sdata4.0);

/// The symbols the tables refer to: gimli's symbol numbers are the cells' section (0), the
/// LSDAs' section (1), and the module's functions (2 and up, by their id).
const CELLS: usize = 0;
const LSDAS: usize = 1;

fn function_symbol(id: FuncId) -> usize {
    id.as_u32() as usize + 2
}

/// What a cell points to.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Cell {
    Function(FuncId),
    Data(DataId),
}

/// The module's unwind tables as its functions are compiled.
pub(crate) struct Tables {
    frames: FrameTable,
    /// The CIE of frames without a personality.
    plain: CieId,
    /// The CIE of each personality (by its cell).
    personalities: HashMap<usize, CieId>,
    /// The LSDAs, one after the other, and where their type tables point to (offset, cell).
    lsdas: Vec<u8>,
    lsda_types: Vec<(usize, usize)>,
    cells: Vec<Cell>,
}

impl Tables {
    /// Tables for code of `isa` (`None` when the ISA has no System V unwind information).
    pub(crate) fn new(isa: &dyn TargetIsa) -> Option<Tables> {
        let mut cie = isa.create_systemv_cie()?;
        cie.fde_address_encoding = PCREL;
        let mut frames = FrameTable::default();
        let plain = frames.add_cie(cie);
        Some(Tables {
            frames,
            plain,
            personalities: HashMap::new(),
            lsdas: Vec::new(),
            lsda_types: Vec::new(),
            cells: Vec::new(),
        })
    }

    fn cell(&mut self, target: Cell) -> usize {
        match self.cells.iter().position(|&c| c == target) {
            Some(i) => i,
            None => {
                self.cells.push(target);
                self.cells.len() - 1
            }
        }
    }

    /// Adds the frame of the function `id`, compiled into `code` from `f` (with the
    /// exception handling `eh`); `symbol` finds a function's or a global's id by name.
    pub(crate) fn add_function(
        &mut self,
        isa: &dyn TargetIsa,
        id: FuncId,
        code: &CompiledCode,
        eh: &FunctionEh,
        functions: &HashMap<String, FuncId>,
        data: &HashMap<String, DataId>,
    ) -> Result<(), String> {
        let address = Address::Symbol { symbol: function_symbol(id), addend: 0 };
        let info = code.create_unwind_info(isa).map_err(|e| format!("unwind information: {e}"))?;
        let mut fde = match info {
            Some(UnwindInfo::SystemV(info)) => info.to_fde(address),
            // Without unwind information (Cranelift's `unwind_info` turned off), a frame
            // that nothing catches in is left without one, as before.
            _ if !eh.has_pads() => return Ok(()),
            _ => return Err("landing pads without unwind information (unwind_info off)".into()),
        };
        if eh.has_pads() {
            let mut sites = Vec::new();
            for site in code.buffer.call_sites() {
                for handler in site.exception_handlers {
                    if let FinalizedMachExceptionHandler::Tag(tag, pad) = handler {
                        sites.push((site.ret_addr, *pad, BlockId(tag.as_u32())));
                    }
                }
            }
            let code_len = u32::try_from(code.buffer.data().len())
                .map_err(|_| "a function larger than 4 GiB")?;
            let (bytes, types) = eh.lsda(&sites, code_len)?;
            let personality = eh.personality.as_ref().ok_or("landing pads without personality")?;
            let target = functions
                .get(personality)
                .ok_or_else(|| format!("the personality @{personality}"))?;
            let cell = self.cell(Cell::Function(*target));
            let cie = match self.personalities.get(&cell) {
                Some(&cie) => cie,
                None => {
                    let mut cie = isa.create_systemv_cie().ok_or("no System V CIE")?;
                    cie.fde_address_encoding = PCREL;
                    cie.lsda_encoding = Some(PCREL);
                    let at = Address::Symbol { symbol: CELLS, addend: 8 * cell as i64 };
                    cie.personality = Some((TYPE_ENCODING, at));
                    let cie = self.frames.add_cie(cie);
                    self.personalities.insert(cell, cie);
                    cie
                }
            };
            // LSDAs are 4-byte aligned, as LLVM's.
            while !self.lsdas.len().is_multiple_of(4) {
                self.lsdas.push(0);
            }
            let base = self.lsdas.len();
            for (at, name) in types {
                let target = data.get(&name).ok_or_else(|| format!("the typeinfo @{name}"))?;
                let cell = self.cell(Cell::Data(*target));
                self.lsda_types.push((base + at, cell));
            }
            self.lsdas.extend(bytes);
            fde.lsda = Some(Address::Symbol { symbol: LSDAS, addend: base as i64 });
            self.frames.add_fde(cie, fde);
        } else {
            self.frames.add_fde(self.plain, fde);
        }
        Ok(())
    }

    /// Adds the frame of a variadic function's machine-code entry (see
    /// `crate::module::define_variadic_entry`): `push rbp; mov rbp, rsp` at its start, the
    /// frame addressed from `rbp` from then on.
    pub(crate) fn add_variadic_entry(&mut self, id: FuncId, len: u32) {
        let address = Address::Symbol { symbol: function_symbol(id), addend: 0 };
        let mut fde = FrameDescriptionEntry::new(address, len);
        fde.add_instruction(1, CallFrameInstruction::CfaOffset(16));
        fde.add_instruction(1, CallFrameInstruction::Offset(gimli::X86_64::RBP, -16));
        fde.add_instruction(4, CallFrameInstruction::CfaRegister(gimli::X86_64::RBP));
        self.frames.add_fde(self.plain, fde);
    }

    /// Writes the cells, the LSDAs and `.eh_frame` into the object of `product`.
    pub(crate) fn write(self, product: &mut ObjectProduct) -> Result<(), String> {
        let mut symbols = HashMap::new();
        for (i, f) in product.functions.iter() {
            if let Some((symbol, _)) = f {
                symbols.insert(function_symbol(i), *symbol);
            }
        }
        let cell_targets: Vec<_> = self
            .cells
            .iter()
            .map(|c| match *c {
                Cell::Function(id) => product.functions[id].map(|s| s.0),
                Cell::Data(id) => product.data_objects[id].map(|s| s.0),
            })
            .collect();
        let obj = &mut product.object;
        let cells = obj.add_section(
            Vec::new(),
            b".data.rel.ro.opm_eh_cells".to_vec(),
            SectionKind::ReadOnlyDataWithRel,
        );
        if !self.cells.is_empty() {
            obj.append_section_data(cells, &vec![0; 8 * self.cells.len()], 8);
        }
        for (i, target) in cell_targets.into_iter().enumerate() {
            let symbol = target.ok_or("a cell's target has no symbol")?;
            let flags = flags(RelocationKind::Absolute, 64);
            let r = ObjectRelocation { offset: 8 * i as u64, symbol, addend: 0, flags };
            obj.add_relocation(cells, r).map_err(|e| e.to_string())?;
        }
        let cells_symbol = obj.section_symbol(cells);
        symbols.insert(CELLS, cells_symbol);
        let lsdas =
            obj.add_section(Vec::new(), b".gcc_except_table".to_vec(), SectionKind::ReadOnlyData);
        if !self.lsdas.is_empty() {
            obj.append_section_data(lsdas, &self.lsdas, 4);
        }
        for (at, cell) in self.lsda_types {
            let r = ObjectRelocation {
                offset: at as u64,
                symbol: cells_symbol,
                addend: 8 * cell as i64,
                flags: flags(RelocationKind::Relative, 32),
            };
            obj.add_relocation(lsdas, r).map_err(|e| e.to_string())?;
        }
        symbols.insert(LSDAS, obj.section_symbol(lsdas));
        let mut eh_frame =
            EhFrame(Section { bytes: EndianVec::new(gimli::LittleEndian), relocs: Vec::new() });
        self.frames.write_eh_frame(&mut eh_frame).map_err(|e| format!(".eh_frame: {e}"))?;
        let Section { bytes, relocs } = eh_frame.0;
        let section = obj.section_id(StandardSection::EhFrame);
        obj.append_section_data(section, &bytes.into_vec(), 8);
        for r in relocs {
            let RelocationTarget::Symbol(index) = r.target else {
                return Err("a section-relative relocation in .eh_frame".into());
            };
            let symbol = *symbols.get(&index).ok_or("an .eh_frame relocation's symbol")?;
            let pcrel = r.eh_pe.is_some_and(|pe| pe.application() == DW_EH_PE_pcrel);
            let kind = if pcrel { RelocationKind::Relative } else { RelocationKind::Absolute };
            let absolute = r.eh_pe.is_none_or(|pe| pe.application() == DW_EH_PE_absptr);
            if !pcrel && !absolute {
                return Err("an .eh_frame pointer neither absolute nor PC-relative".into());
            }
            let r = ObjectRelocation {
                offset: r.offset as u64,
                symbol,
                addend: r.addend,
                flags: flags(kind, r.size * 8),
            };
            obj.add_relocation(section, r).map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

fn flags(kind: RelocationKind, size: u8) -> RelocationFlags {
    RelocationFlags::Generic { kind, encoding: RelocationEncoding::Generic, size }
}

/// `.eh_frame` as gimli writes it, with its relocations.
struct Section {
    bytes: EndianVec<gimli::LittleEndian>,
    relocs: Vec<Relocation>,
}

impl RelocateWriter for Section {
    type Writer = EndianVec<gimli::LittleEndian>;

    fn writer(&self) -> &Self::Writer {
        &self.bytes
    }

    fn writer_mut(&mut self) -> &mut Self::Writer {
        &mut self.bytes
    }

    fn relocate(&mut self, relocation: Relocation) {
        self.relocs.push(relocation);
    }
}

fn uleb128(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn sleb128(out: &mut Vec<u8>, mut v: i64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        let done = (v == 0 && byte & 0x40 == 0) || (v == -1 && byte & 0x40 != 0);
        out.push(if done { byte } else { byte | 0x80 });
        if done {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leb128_as_dwarf_writes_it() {
        let enc = |v: u64| {
            let mut o = Vec::new();
            uleb128(&mut o, v);
            o
        };
        let senc = |v: i64| {
            let mut o = Vec::new();
            sleb128(&mut o, v);
            o
        };
        assert_eq!(enc(2), [2]);
        assert_eq!(enc(127), [0x7f]);
        assert_eq!(enc(128), [0x80, 1]);
        assert_eq!(enc(624485), [0xe5, 0x8e, 0x26]);
        assert_eq!(senc(2), [2]);
        assert_eq!(senc(-1), [0x7f]);
        assert_eq!(senc(63), [0x3f]);
        assert_eq!(senc(64), [0xc0, 0]);
        assert_eq!(senc(-64), [0x40]);
        assert_eq!(senc(-65), [0xbf, 0x7f]);
        assert_eq!(senc(-123456), [0xc0, 0xbb, 0x78]);
    }

    /// Three landing pads: catches of `int` and of everything before a cleanup, a cleanup
    /// alone, and an exception specification allowing `int`; calls returning to 10, 20 and
    /// 30 in a function of 70 bytes.
    #[test]
    fn lsda_lays_out_call_sites_actions_types_and_specifications() {
        let eh = FunctionEh {
            personality: Some("__gxx_personality_v0".into()),
            pads: BTreeMap::from([
                (BlockId(1), vec![1, 2, 0]),
                (BlockId(2), vec![]),
                (BlockId(3), vec![-1]),
            ]),
            types: vec![Some("_ZTIi".into()), None],
            specs: vec![1, 0],
        };
        let sites = [(30, 60, BlockId(3)), (10, 40, BlockId(1)), (20, 50, BlockId(2))];
        let (bytes, entries) = eh.lsda(&sites, 70).unwrap();
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            0xff,       // landing pads relative to the function's start
            0x9b, 46,   // type table: indirect pcrel sdata4, its base 46 bytes on
            0x01, 28,   // call sites in ULEB128, 28 bytes of them
            0, 9, 0, 0,   9, 1, 40, 1,   // [0, 9) unwinds on; the call to 10 lands at 40
            10, 9, 0, 0,  19, 1, 50, 0,  // the call to 20 lands at 50 to clean up
            20, 9, 0, 0,  29, 1, 60, 7,  // the call to 30 lands at 60, action 7
            30, 40, 0, 0,                // the rest unwinds on
            1, 1,  2, 1,  0, 0,          // int, then everything, then a cleanup
            0x7f, 0,                     // the specification at the base's offset 0
            0, 0, 0, 0,                  // type 2: null, everything
            0, 0, 0, 0,                  // type 1: int's typeinfo (relocated)
            1, 0,                        // the specification: int
        ];
        assert_eq!(bytes, expected);
        assert_eq!(entries, vec![(45, "_ZTIi".to_string())]);
        // A function whose pads only clean up has no type table.
        let eh = FunctionEh { pads: BTreeMap::from([(BlockId(1), vec![])]), ..eh };
        let eh = FunctionEh { types: Vec::new(), specs: Vec::new(), ..eh };
        let (bytes, entries) = eh.lsda(&[(5, 9, BlockId(1))], 12).unwrap();
        assert_eq!(bytes, [0xff, 0xff, 0x01, 12, 0, 4, 0, 0, 4, 1, 9, 0, 5, 7, 0, 0]);
        assert!(entries.is_empty());
        // A call site whose landing pad has no `landingpad` is an error, not a bad table.
        assert!(eh.lsda(&[(5, 9, BlockId(7))], 12).is_err());
    }
}
