using System.Buffers.Binary;
using System.Text;

namespace SharpVirt.Tests.Guest;

/// <summary>Makes minimal ELF relocatable files with a .modinfo section, like a kernel module's.</summary>
internal static class ElfTestModule
{
    /// <summary>An ELF with sections: null, .text, .modinfo, .bss (NOBITS, past the end), .shstrtab.</summary>
    public static byte[] Create(IEnumerable<string> modinfo, bool is64 = true, bool little = true)
    {
        byte[] info = Encoding.UTF8.GetBytes(string.Concat(modinfo.Select(e => e + "\0")));
        byte[] text = [0x13, 0, 0, 0];
        byte[] shstr = Encoding.ASCII.GetBytes("\0.text\0.modinfo\0.bss\0.shstrtab\0");
        int ehsize = is64 ? 64 : 52, shentsize = is64 ? 64 : 40;
        int textOff = ehsize, infoOff = textOff + text.Length, strOff = infoOff + info.Length;
        int shoff = (strOff + shstr.Length + 7) & ~7;
        var sections = new (int Name, int Type, long Offset, long Size)[]
        {
            (0, 0, 0, 0),
            (1, 1, textOff, text.Length),
            (7, 1, infoOff, info.Length),
            (16, 8, 1 << 20, 4096), // .bss: no file bytes
            (21, 3, strOff, shstr.Length),
        };
        var elf = new byte[shoff + sections.Length * shentsize];
        "\x7F"u8.CopyTo(elf);
        "ELF"u8.CopyTo(elf.AsSpan(1));
        elf[4] = (byte)(is64 ? 2 : 1);
        elf[5] = (byte)(little ? 1 : 2);
        elf[6] = 1;
        void Put(int at, long value, int size)
        {
            var s = elf.AsSpan(at, size);
            switch (size)
            {
                case 2: if (little) BinaryPrimitives.WriteUInt16LittleEndian(s, (ushort)value); else BinaryPrimitives.WriteUInt16BigEndian(s, (ushort)value); break;
                case 4: if (little) BinaryPrimitives.WriteUInt32LittleEndian(s, (uint)value); else BinaryPrimitives.WriteUInt32BigEndian(s, (uint)value); break;
                default: if (little) BinaryPrimitives.WriteUInt64LittleEndian(s, (ulong)value); else BinaryPrimitives.WriteUInt64BigEndian(s, (ulong)value); break;
            }
        }
        int word = is64 ? 8 : 4;
        Put(16, 1, 2);        // ET_REL
        Put(18, 243, 2);      // EM_RISCV
        Put(20, 1, 4);        // EV_CURRENT
        Put(is64 ? 0x28 : 0x20, shoff, word);
        Put(is64 ? 0x34 : 0x28, ehsize, 2);
        Put(is64 ? 0x3A : 0x2E, shentsize, 2);
        Put(is64 ? 0x3C : 0x30, sections.Length, 2);
        Put(is64 ? 0x3E : 0x32, sections.Length - 1, 2);
        text.CopyTo(elf, textOff);
        info.CopyTo(elf, infoOff);
        shstr.CopyTo(elf, strOff);
        for (int i = 0; i < sections.Length; i++)
        {
            int at = shoff + i * shentsize;
            Put(at, sections[i].Name, 4);
            Put(at + 4, sections[i].Type, 4);
            Put(at + (is64 ? 0x18 : 0x10), sections[i].Offset, word);
            Put(at + (is64 ? 0x20 : 0x14), sections[i].Size, word);
        }
        return elf;
    }

    /// <summary>A module named <paramref name="name"/> depending on <paramref name="depends"/>.</summary>
    public static byte[] Module(string name, string depends = "", params string[] extra) =>
        Create([.. extra, $"depends={depends}", "retpoline=Y", $"name={name}", "vermagic=6.1.0-test SMP mod_unload riscv"]);
}
