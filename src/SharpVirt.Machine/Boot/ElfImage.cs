using System.Buffers.Binary;
using System.Text;

namespace SharpVirt.Machine.Boot;

/// <summary>
/// A little-endian ELF64 RISC-V executable (System V gABI "Object Files" chapter; RISC-V ELF psABI):
/// its loadable segments, entry point and symbol table. Every offset and count read from the file is
/// checked against the file length, so a truncated or corrupt file gives a
/// <see cref="BootImageException"/> rather than an out-of-range access.
/// </summary>
/// <remarks>Segments load at their physical address (p_paddr), as QEMU's ELF loader does.</remarks>
public sealed class ElfImage
{
    // gABI e_ident values.
    private const byte ElfClass64 = 2, ElfData2Lsb = 1, EvCurrent = 1;

    // gABI e_type, e_machine.
    public const ushort TypeExec = 2;
    public const ushort TypeDyn = 3;
    public const ushort MachineRiscv = 243;

    // gABI sizes of Elf64_Ehdr, Elf64_Phdr, Elf64_Shdr, Elf64_Sym.
    private const int EhdrSize = 64, PhdrSize = 56, ShdrSize = 64, SymSize = 24;

    // gABI p_type, sh_type, special indices.
    private const uint PtLoad = 1;
    private const uint ShtSymtab = 2, ShtStrtab = 3;
    private const ushort PnXnum = 0xffff, ShnUndef = 0;

    // gABI symbol binding (upper nibble of st_info).
    private const int StbLocal = 0;

    private readonly Dictionary<string, ulong> symbols;

    private ElfImage(byte[] data, ushort type, ulong entry, uint flags, List<ElfSegment> segments, Dictionary<string, ulong> symbols)
    {
        Data = data;
        Type = type;
        Entry = entry;
        Flags = flags;
        Segments = segments;
        this.symbols = symbols;
    }

    /// <summary>The whole file.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>e_type: <see cref="TypeExec"/> or <see cref="TypeDyn"/>.</summary>
    public ushort Type { get; }

    /// <summary>e_entry.</summary>
    public ulong Entry { get; }

    /// <summary>e_flags (RISC-V psABI: float ABI, RVC, RVE, TSO bits).</summary>
    public uint Flags { get; }

    /// <summary>PT_LOAD segments in file order, each non-empty in memory.</summary>
    public IReadOnlyList<ElfSegment> Segments { get; }

    /// <summary>Lowest physical address any segment occupies.</summary>
    public ulong LowestAddress => Segments.Min(s => s.PhysicalAddress);

    /// <summary>End (exclusive) of the highest segment in physical memory, zero fill included.</summary>
    public ulong HighestAddress => Segments.Max(s => s.PhysicalAddress + s.MemorySize);

    /// <summary>Cheap test for the ELF magic, e.g. to choose between loaders.</summary>
    public static bool HasElfMagic(ReadOnlySpan<byte> data) =>
        data.Length >= 4 && data[0] == 0x7f && data[1] == (byte)'E' && data[2] == (byte)'L' && data[3] == (byte)'F';

    /// <summary>Value of a defined symbol from .symtab; a global or weak definition wins over a local one.</summary>
    public bool TryGetSymbol(string name, out ulong value)
    {
        ArgumentNullException.ThrowIfNull(name);
        return symbols.TryGetValue(name, out value);
    }

    /// <summary>Parses and validates <paramref name="data"/>; throws <see cref="BootImageException"/> when unusable.</summary>
    public static ElfImage Load(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var r = new Reader(data);

        // gABI "ELF Identification".
        if (!HasElfMagic(data))
            throw new BootImageException("not an ELF file: missing \\x7fELF magic");
        if (data.Length < EhdrSize)
            throw new BootImageException($"ELF file is truncated: {data.Length} bytes, the ELF64 header alone is {EhdrSize}");
        if (data[4] != ElfClass64)
            throw new BootImageException($"ELF class {data[4]} is not supported: need ELFCLASS64");
        if (data[5] != ElfData2Lsb)
            throw new BootImageException($"ELF data encoding {data[5]} is not supported: need little-endian (ELFDATA2LSB)");
        if (data[6] != EvCurrent)
            throw new BootImageException($"ELF ident version {data[6]} is not supported");

        // Elf64_Ehdr.
        ushort type = r.U16(16);
        ushort machine = r.U16(18);
        uint version = r.U32(20);
        ulong entry = r.U64(24);
        ulong phoff = r.U64(32);
        ulong shoff = r.U64(40);
        uint flags = r.U32(48);
        ushort phentsize = r.U16(54);
        ushort phnum = r.U16(56);
        ushort shentsize = r.U16(58);
        ushort shnum = r.U16(60);

        if (type is not (TypeExec or TypeDyn))
            throw new BootImageException($"ELF type {type} is not loadable: need ET_EXEC or ET_DYN");
        if (machine != MachineRiscv)
            throw new BootImageException($"ELF machine {machine} is not RISC-V (EM_RISCV = {MachineRiscv})");
        if (version != EvCurrent)
            throw new BootImageException($"ELF version {version} is not supported");

        var segments = ReadSegments(r, phoff, phentsize, phnum);
        var symbols = ReadSymbols(r, shoff, shentsize, shnum);
        return new ElfImage(data, type, entry, flags, segments, symbols);
    }

    private static List<ElfSegment> ReadSegments(Reader r, ulong phoff, ushort phentsize, ushort phnum)
    {
        if (phnum == 0)
            throw new BootImageException("ELF file has no program headers, nothing to load");
        if (phnum == PnXnum)
            throw new BootImageException("ELF file uses extended program header numbering (PN_XNUM), which is not supported");
        if (phentsize != PhdrSize)
            throw new BootImageException($"ELF program header entry size is {phentsize}, expected {PhdrSize}");
        r.CheckRange(phoff, (ulong)phnum * PhdrSize, "program header table");

        var segments = new List<ElfSegment>();
        for (int i = 0; i < phnum; i++)
        {
            ulong p = phoff + (ulong)i * PhdrSize;
            // Elf64_Phdr.
            uint ptype = r.U32(p);
            uint pflags = r.U32(p + 4);
            ulong offset = r.U64(p + 8);
            ulong vaddr = r.U64(p + 16);
            ulong paddr = r.U64(p + 24);
            ulong filesz = r.U64(p + 32);
            ulong memsz = r.U64(p + 40);
            if (ptype != PtLoad)
                continue;
            if (filesz > memsz)
                throw new BootImageException($"ELF segment {i}: file size 0x{filesz:x} exceeds memory size 0x{memsz:x}");
            r.CheckRange(offset, filesz, $"segment {i}");
            if (paddr + memsz < paddr)
                throw new BootImageException($"ELF segment {i}: 0x{paddr:x}+0x{memsz:x} wraps around the address space");
            if (memsz == 0)
                continue;
            segments.Add(new ElfSegment(paddr, vaddr, memsz, pflags, r.Slice(offset, filesz)));
        }
        if (segments.Count == 0)
            throw new BootImageException("ELF file has no non-empty PT_LOAD segment, nothing to load");
        return segments;
    }

    private static Dictionary<string, ulong> ReadSymbols(Reader r, ulong shoff, ushort shentsize, ushort shnum)
    {
        var result = new Dictionary<string, ulong>(StringComparer.Ordinal);
        if (shoff == 0)
            return result; // no section headers: stripped of everything, no symbols
        if (shentsize != ShdrSize)
            throw new BootImageException($"ELF section header entry size is {shentsize}, expected {ShdrSize}");
        r.CheckRange(shoff, ShdrSize, "section header table");
        // gABI: with 0 here and a non-zero e_shoff, the real count is sh_size of section 0.
        ulong count = shnum != 0 ? shnum : r.U64(shoff + 32);
        if (count > (ulong)r.Length / ShdrSize)
            throw new BootImageException($"ELF section header count {count} cannot fit in the file");
        r.CheckRange(shoff, count * ShdrSize, "section header table");

        var localOnly = new HashSet<string>(StringComparer.Ordinal);
        for (ulong i = 0; i < count; i++)
        {
            ulong s = shoff + i * ShdrSize;
            if (r.U32(s + 4) != ShtSymtab)
                continue;
            // Elf64_Shdr of the symbol table and its linked string table.
            ulong symOff = r.U64(s + 24), symSize = r.U64(s + 32), entsize = r.U64(s + 56);
            uint link = r.U32(s + 40);
            if (entsize != SymSize)
                throw new BootImageException($"ELF section {i}: symbol entry size is {entsize}, expected {SymSize}");
            r.CheckRange(symOff, symSize, $"symbol table (section {i})");
            if (link >= count)
                throw new BootImageException($"ELF section {i}: string table index {link} is out of range");
            ulong st = shoff + link * ShdrSize;
            if (r.U32(st + 4) != ShtStrtab)
                throw new BootImageException($"ELF section {i}: linked section {link} is not a string table");
            ulong strOff = r.U64(st + 24), strSize = r.U64(st + 32);
            r.CheckRange(strOff, strSize, $"string table (section {link})");

            for (ulong e = 0; e + SymSize <= symSize; e += SymSize)
            {
                // Elf64_Sym.
                ulong y = symOff + e;
                uint nameIdx = r.U32(y);
                byte info = r.U8(y + 4);
                ushort shndx = r.U16(y + 6);
                ulong value = r.U64(y + 8);
                if (nameIdx == 0 || shndx == ShnUndef)
                    continue;
                if (nameIdx >= strSize)
                    throw new BootImageException($"ELF symbol {e / SymSize}: name offset {nameIdx} is outside the string table");
                string name = r.CString(strOff + nameIdx, strSize - nameIdx);
                if (name.Length == 0)
                    continue;
                bool local = (info >> 4) == StbLocal;
                if (!result.ContainsKey(name))
                {
                    result[name] = value;
                    if (local)
                        localOnly.Add(name);
                }
                else if (!local && localOnly.Remove(name))
                {
                    result[name] = value; // a global definition replaces an earlier local one
                }
            }
        }
        return result;
    }

    /// <summary>Bounds-checked little-endian reads over the file.</summary>
    private readonly struct Reader(byte[] data)
    {
        public int Length => data.Length;

        public void CheckRange(ulong offset, ulong size, string what)
        {
            if (offset > (ulong)data.Length || size > (ulong)data.Length - offset)
                throw new BootImageException(
                    $"ELF file is truncated or corrupt: {what} at 0x{offset:x} (+0x{size:x}) runs past the end of the {data.Length}-byte file");
        }

        public ReadOnlyMemory<byte> Slice(ulong offset, ulong size) => data.AsMemory((int)offset, (int)size);

        public byte U8(ulong offset)
        {
            CheckRange(offset, 1, "field");
            return data[(int)offset];
        }

        public ushort U16(ulong offset)
        {
            CheckRange(offset, 2, "field");
            return BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan((int)offset));
        }

        public uint U32(ulong offset)
        {
            CheckRange(offset, 4, "field");
            return BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)offset));
        }

        public ulong U64(ulong offset)
        {
            CheckRange(offset, 8, "field");
            return BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan((int)offset));
        }

        public string CString(ulong offset, ulong maxLength)
        {
            var span = data.AsSpan((int)offset, (int)maxLength);
            int nul = span.IndexOf((byte)0);
            if (nul < 0)
                throw new BootImageException($"ELF string at 0x{offset:x} is not NUL-terminated within its string table");
            return Encoding.UTF8.GetString(span[..nul]);
        }
    }
}
