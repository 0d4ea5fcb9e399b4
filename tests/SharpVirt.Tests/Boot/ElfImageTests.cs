using System.Buffers.Binary;
using System.Text;
using SharpVirt.Machine.Boot;

namespace SharpVirt.Tests.Boot;

public class ElfImageTests
{
    // Layout of the hand-built ELF: header, 3 program headers, code, data, .strtab, .symtab, section headers.
    private const int PhOff = 64, CodeOff = 0x100, DataOff = 0x110, StrOff = 0x120, SymOff = 0x140, ShOff = 0x1a0;

    /// <summary>A minimal ELF64 LE EM_RISCV executable written field by field (gABI layouts).</summary>
    internal static byte[] SmallElf(ushort type = 2)
    {
        var b = new byte[ShOff + 4 * 64];
        var s = b.AsSpan();
        void U16(int o, ushort v) => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(o), v);
        void U32(int o, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(o), v);
        void U64(int o, ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(o), v);

        // Elf64_Ehdr
        "\u007fELF"u8.CopyTo(s);
        b[4] = 2; // ELFCLASS64
        b[5] = 1; // ELFDATA2LSB
        b[6] = 1; // EV_CURRENT
        U16(16, type);
        U16(18, 243);
        U32(20, 1);
        U64(24, 0x8000_0004); // e_entry
        U64(32, PhOff);
        U64(40, ShOff);
        U32(48, 0x5); // RVC | double-float ABI
        U16(52, 64);
        U16(54, 56);
        U16(56, 3);
        U16(58, 64);
        U16(60, 4);
        U16(62, 0);

        // Elf64_Phdr: text (vaddr differs from paddr), data + .bss, and a PT_NOTE that is ignored.
        void Ph(int i, uint ptype, uint flags, ulong off, ulong vaddr, ulong paddr, ulong filesz, ulong memsz)
        {
            int p = PhOff + i * 56;
            U32(p, ptype);
            U32(p + 4, flags);
            U64(p + 8, off);
            U64(p + 16, vaddr);
            U64(p + 24, paddr);
            U64(p + 32, filesz);
            U64(p + 40, memsz);
            U64(p + 48, 0x1000);
        }
        Ph(0, 1, 5, CodeOff, 0xffff_ffff_8000_0000, 0x8000_0000, 16, 16);
        Ph(1, 4, 4, CodeOff, 0, 0, 4, 4);
        Ph(2, 1, 6, DataOff, 0x8000_1000, 0x8000_1000, 8, 0x100);
        for (int i = 0; i < 16; i++)
            b[CodeOff + i] = (byte)(0xa0 + i);
        for (int i = 0; i < 8; i++)
            b[DataOff + i] = (byte)(0x10 + i);

        // .strtab: "\0tohost\0fromhost\0local\0"
        var names = Encoding.ASCII.GetBytes("\0tohost\0fromhost\0local\0");
        names.CopyTo(b, StrOff);

        // .symtab: null, tohost (global), fromhost (global), local (local, shadowed name test uses "tohost")
        void Sym(int i, uint name, byte info, ushort shndx, ulong value)
        {
            int y = SymOff + i * 24;
            U32(y, name);
            b[y + 4] = info;
            U16(y + 6, shndx);
            U64(y + 8, value);
        }
        Sym(1, 1, 0x00, 1, 0x1111); // local "tohost" first: a global definition must win
        Sym(2, 1, 0x11, 1, 0x8000_1000); // global object tohost
        Sym(3, 8, 0x11, 1, 0x8000_1008); // global object fromhost
        // entry 4 is "local" but undefined (shndx 0): never found
        Sym(4, 17, 0x10, 0, 0x2222);

        // Elf64_Shdr: null, .text, .symtab (link 3), .strtab
        void Sh(int i, uint type, ulong off, ulong size, uint link, ulong entsize)
        {
            int h = ShOff + i * 64;
            U32(h + 4, type);
            U64(h + 24, off);
            U64(h + 32, size);
            U32(h + 40, link);
            U64(h + 56, entsize);
        }
        Sh(1, 1, CodeOff, 16, 0, 0);
        Sh(2, 2, SymOff, 5 * 24, 3, 24);
        Sh(3, 3, StrOff, (ulong)names.Length, 0, 0);
        return b;
    }

    [Fact]
    public void Parses_segments_entry_and_symbols()
    {
        var elf = ElfImage.Load(SmallElf());
        Assert.Equal(0x8000_0004UL, elf.Entry);
        Assert.Equal(ElfImage.TypeExec, elf.Type);
        Assert.Equal(5u, elf.Flags);
        Assert.Equal(2, elf.Segments.Count);

        var text = elf.Segments[0];
        Assert.Equal(0x8000_0000UL, text.PhysicalAddress);
        Assert.Equal(0xffff_ffff_8000_0000UL, text.VirtualAddress);
        Assert.Equal(16, text.FileData.Length);
        Assert.Equal(0xa0, text.FileData.Span[0]);
        Assert.Equal(ElfSegment.FlagRead | ElfSegment.FlagExecute, text.Flags);

        var data = elf.Segments[1];
        Assert.Equal(0x100UL, data.MemorySize);
        Assert.Equal(0xf8UL, data.ZeroFillSize);
        var mem = Enumerable.Repeat((byte)0xcc, 0x100).ToArray();
        data.CopyTo(mem);
        Assert.Equal(0x17, mem[7]);
        Assert.All(mem[8..], x => Assert.Equal(0, x));

        Assert.Equal(0x8000_0000UL, elf.LowestAddress);
        Assert.Equal(0x8000_1100UL, elf.HighestAddress);

        Assert.True(elf.TryGetSymbol("tohost", out var tohost));
        Assert.Equal(0x8000_1000UL, tohost);
        Assert.True(elf.TryGetSymbol("fromhost", out var fromhost));
        Assert.Equal(0x8000_1008UL, fromhost);
        Assert.False(elf.TryGetSymbol("local", out _));
        Assert.False(elf.TryGetSymbol("missing", out _));
    }

    [Fact]
    public void Accepts_et_dyn_and_files_without_section_headers()
    {
        Assert.Equal(ElfImage.TypeDyn, ElfImage.Load(SmallElf(type: 3)).Type);
        var stripped = SmallElf();
        BinaryPrimitives.WriteUInt64LittleEndian(stripped.AsSpan(40), 0);
        BinaryPrimitives.WriteUInt16LittleEndian(stripped.AsSpan(60), 0);
        Assert.False(ElfImage.Load(stripped).TryGetSymbol("tohost", out _));
    }

    public static TheoryData<string, int, ulong, int> Corruptions => new()
    {
        // description, offset, value, width
        { "class", 4, 1, 1 },
        { "data", 5, 2, 1 },
        { "ident version", 6, 0, 1 },
        { "type", 16, 1, 2 },
        { "machine", 18, 62, 2 },
        { "version", 20, 2, 4 },
        { "phoff", 32, 0xffff_ffff_ffff_fff0, 8 },
        { "phoff past end", 32, 0x1000, 8 },
        { "phentsize", 54, 32, 2 },
        { "phnum zero", 56, 0, 2 },
        { "phnum huge", 56, 0xfffe, 2 },
        { "phnum xnum", 56, 0xffff, 2 },
        { "shoff", 40, 0x7fff_ffff_ffff_ffff, 8 },
        { "shentsize", 58, 40, 2 },
        { "shnum huge", 60, 0x7fff, 2 },
        { "segment offset", PhOff + 8, 0xffff_ffff_ffff_ff00, 8 },
        { "segment filesz", PhOff + 32, 0x10_0000, 8 },
        { "segment filesz > memsz", PhOff + 2 * 56 + 32, 0x200, 8 },
        { "segment wraps", PhOff + 2 * 56 + 24, 0xffff_ffff_ffff_ff80, 8 },
        { "symtab size", ShOff + 2 * 64 + 32, 0x10_0000, 8 },
        { "symtab entsize", ShOff + 2 * 64 + 56, 16, 8 },
        { "symtab link", ShOff + 2 * 64 + 40, 99, 4 },
        { "symtab link not strtab", ShOff + 2 * 64 + 40, 1, 4 },
        { "strtab offset", ShOff + 3 * 64 + 24, 0xffff_ffff, 8 },
        { "symbol name", SymOff + 2 * 24, 0x1000, 4 },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void Corrupt_fields_give_a_boot_image_exception(string what, int offset, ulong value, int width)
    {
        var b = SmallElf();
        var s = b.AsSpan(offset);
        switch (width)
        {
            case 1: b[offset] = (byte)value; break;
            case 2: BinaryPrimitives.WriteUInt16LittleEndian(s, (ushort)value); break;
            case 4: BinaryPrimitives.WriteUInt32LittleEndian(s, (uint)value); break;
            default: BinaryPrimitives.WriteUInt64LittleEndian(s, value); break;
        }
        var ex = Assert.Throws<BootImageException>(() => ElfImage.Load(b));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message), what);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Unterminated_symbol_name_is_rejected()
    {
        var b = SmallElf();
        // Shrink .strtab so "local" (offset 17) loses its NUL; that symbol is undefined, so make it defined.
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(ShOff + 3 * 64 + 32), 20);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(SymOff + 4 * 24 + 6), 1);
        Assert.Throws<BootImageException>(() => ElfImage.Load(b));
    }

    [Fact]
    public void Every_truncation_is_rejected_cleanly()
    {
        // The section header table ends the file, so every shorter prefix is missing something.
        var full = SmallElf();
        for (int len = 0; len < full.Length; len++)
        {
            var cut = full.AsSpan(0, len).ToArray();
            var ex = Assert.Throws<BootImageException>(() => ElfImage.Load(cut));
            Assert.DoesNotContain('\n', ex.Message);
        }
        Assert.Throws<BootImageException>(() => ElfImage.Load("MZ not an elf"u8.ToArray()));
    }

    private const string DebianOpenSbi = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.elf";

    [RequiresFileFact(DebianOpenSbi)]
    public void Parses_the_packaged_opensbi_and_places_the_kernel_after_it()
    {
        var elf = ElfImage.Load(File.ReadAllBytes(DebianOpenSbi));
        Assert.Equal(0x8000_0000UL, elf.Entry);
        Assert.Equal(0x8000_0000UL, elf.LowestAddress);
        // As QEMU: the kernel goes at the firmware end rounded up to 2 MiB.
        var layout = BootLayout.ForFirmwareBoot(0x8000_0000, 512 << 20, elf.HighestAddress - 0x8000_0000, 30 << 20, 0, 0x2000);
        Assert.Equal(0x8020_0000UL, layout.KernelAddress);
    }

    [RequiresToolFact("riscv64-unknown-elf-gcc", "riscv64-unknown-elf-nm")]
    public void Parses_an_elf_built_by_the_cross_compiler()
    {
        var dir = Directory.CreateTempSubdirectory("sharpvirt-elf");
        try
        {
            var src = Path.Combine(dir.FullName, "t.c");
            var elfPath = Path.Combine(dir.FullName, "t.elf");
            File.WriteAllText(src, """
                volatile unsigned long tohost __attribute__((section(".tohost"))) = 0;
                volatile unsigned long fromhost __attribute__((section(".tohost"))) = 0;
                static unsigned long buf[64];
                void _start(void) { buf[3] = 1; tohost = 1; for (;;) { } }
                """);
            var (exit, _, err) = ExternalTool.Run("riscv64-unknown-elf-gcc", "-march=rv64imac", "-mabi=lp64",
                "-mcmodel=medany", "-nostdlib", "-nostartfiles", "-static", "-Wl,-Ttext=0x80000000", "-o", elfPath, src);
            Assert.True(exit == 0, err);

            var elf = ElfImage.Load(File.ReadAllBytes(elfPath));
            Assert.Equal(0x8000_0000UL, elf.Entry);
            Assert.Contains(elf.Segments, s => s.ZeroFillSize >= 64 * 8); // .bss zero fill

            var (nmExit, nm, nmErr) = ExternalTool.Run("riscv64-unknown-elf-nm", elfPath);
            Assert.True(nmExit == 0, nmErr);
            foreach (var name in new[] { "tohost", "fromhost", "_start" })
            {
                var line = nm.Split('\n').Single(l => l.EndsWith(" " + name, StringComparison.Ordinal));
                ulong expected = Convert.ToUInt64(line.Split(' ')[0], 16);
                Assert.True(elf.TryGetSymbol(name, out var value), name);
                Assert.Equal(expected, value);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
