using System.Buffers.Binary;
using System.Text;

namespace SharpVirt.Machine.Guest;

/// <summary>Reads .modinfo from kernel module ELF files and orders modules for insmod.</summary>
public static class KernelModules
{
    /// <summary>Module names treat '-' and '_' alike; the canonical form uses '_'.</summary>
    public static string NormalizeName(string name) => name.Replace('-', '_');

    /// <summary>The module name of a file such as "virtio-rng.ko.xz" ("virtio_rng").</summary>
    public static string NameFromFile(string fileName)
    {
        string name = Path.GetFileName(fileName);
        int ko = name.IndexOf(".ko", StringComparison.Ordinal);
        return NormalizeName(ko >= 0 ? name[..ko] : name);
    }

    /// <summary>Parses the .modinfo section of an (uncompressed) ELF32/ELF64 module.</summary>
    public static KernelModuleInfo ReadModinfo(ReadOnlySpan<byte> elf, string fallbackName)
    {
        var section = FindSection(elf, ".modinfo");
        var entries = Encoding.UTF8.GetString(section)
            .Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .ToList();
        string? Single(string key) => entries.FirstOrDefault(kv => kv[0] == key)?[1];
        IEnumerable<string> All(string key) => entries.Where(kv => kv[0] == key).Select(kv => kv[1]);
        static IEnumerable<string> List(string? csv) =>
            (csv ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        // softdep=pre: a b post: c
        var softPre = new List<string>();
        foreach (var softdep in All("softdep"))
        {
            bool pre = false;
            foreach (var word in softdep.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (word.EndsWith(':'))
                    pre = word == "pre:";
                else if (pre)
                    softPre.Add(NormalizeName(word));
            }
        }
        return new KernelModuleInfo(
            NormalizeName(Single("name") ?? fallbackName),
            List(Single("depends")).Select(NormalizeName).ToList(),
            softPre,
            All("alias").ToList(),
            Single("vermagic"));
    }

    /// <summary>
    /// Orders <paramref name="requested"/> plus their depends= closure so that every module comes
    /// after what it needs. Soft pre-dependencies only order modules already in that set (matched
    /// by name or alias). Otherwise the requested order is kept. Throws on unknown modules and cycles.
    /// </summary>
    public static IReadOnlyList<KernelModuleInfo> LoadOrder(IEnumerable<string> requested, Func<string, KernelModuleInfo?> lookup)
    {
        var roots = requested.Select(NormalizeName).ToList();

        // The depends= closure, discovered breadth-first.
        var set = new Dictionary<string, KernelModuleInfo>(StringComparer.Ordinal);
        var queue = new Queue<(string Name, string? NeededBy)>(roots.Select(r => (r, (string?)null)));
        while (queue.Count > 0)
        {
            var (name, neededBy) = queue.Dequeue();
            if (set.ContainsKey(name))
                continue;
            var info = lookup(name) ?? throw new GuestImageException(neededBy is null
                ? $"kernel module {name} is not in the kernel package"
                : $"kernel module {neededBy} needs {name}, which is not in the kernel package");
            set[name] = info;
            foreach (var dep in info.Depends)
                queue.Enqueue((dep, name));
        }

        // Soft dependencies resolve by name or alias ('-' and '_' alike) within the set.
        var byAlias = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var info in set.Values)
        {
            foreach (var alias in info.Aliases)
                byAlias.TryAdd(NormalizeName(alias), info.Name);
        }

        var order = new List<KernelModuleInfo>();
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: visiting, true: done
        void Visit(string name, string path)
        {
            if (state.TryGetValue(name, out bool done))
            {
                if (!done)
                    throw new GuestImageException($"kernel module dependency cycle: {path}");
                return;
            }
            state[name] = false;
            var info = set[name];
            foreach (var soft in info.SoftPre)
            {
                string? target = set.ContainsKey(soft) ? soft : byAlias.GetValueOrDefault(soft);
                if (target is not null && target != name)
                    Visit(target, $"{path} -> {target}");
            }
            foreach (var dep in info.Depends)
                Visit(dep, $"{path} -> {dep}");
            state[name] = true;
            order.Add(info);
        }
        foreach (var root in roots)
            Visit(root, root);
        return order;
    }

    /// <summary>Finds a named section's bytes in an ELF file (either class, either byte order).</summary>
    internal static ReadOnlySpan<byte> FindSection(ReadOnlySpan<byte> elf, string wanted)
    {
        if (elf.Length < 52 || elf[0] != 0x7F || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new GuestImageException("not an ELF file (a compressed module?)");
        bool is64 = elf[4] == 2;
        bool little = elf[5] == 1;
        int word = is64 ? 8 : 4;
        ulong shoff = Read(elf, little, is64 ? 0x28 : 0x20, word);
        int shentsize = (int)Read(elf, little, is64 ? 0x3A : 0x2E, 2);
        int shnum = (int)Read(elf, little, is64 ? 0x3C : 0x30, 2);
        int shstrndx = (int)Read(elf, little, is64 ? 0x3E : 0x32, 2);
        if (shoff == 0 || shoff > (ulong)elf.Length || shstrndx >= shnum)
            throw new GuestImageException("ELF file has no usable section table");

        var names = Slice(elf, Header(elf, little, is64, checked((int)shoff + shstrndx * shentsize)));
        byte[] wantedBytes = Encoding.ASCII.GetBytes(wanted);
        for (int i = 0; i < shnum; i++)
        {
            var h = Header(elf, little, is64, checked((int)shoff + i * shentsize));
            if (h.Name >= (ulong)names.Length)
                continue;
            var rest = names[(int)h.Name..];
            int end = rest.IndexOf((byte)0);
            if (end >= 0 && rest[..end].SequenceEqual(wantedBytes))
                return Slice(elf, h);
        }
        throw new GuestImageException($"ELF file has no {wanted} section");
    }

    // Section header: sh_name at 0, sh_offset at 0x18 (ELF64) / 0x10 (ELF32), sh_size right after it.
    private static (ulong Name, ulong Offset, ulong Size) Header(ReadOnlySpan<byte> elf, bool little, bool is64, int at)
    {
        int word = is64 ? 8 : 4;
        return (Read(elf, little, at, 4),
            Read(elf, little, at + (is64 ? 0x18 : 0x10), word),
            Read(elf, little, at + (is64 ? 0x20 : 0x14), word));
    }

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> elf, (ulong Name, ulong Offset, ulong Size) h)
    {
        if (h.Offset > (ulong)elf.Length || h.Size > (ulong)elf.Length - h.Offset)
            throw new GuestImageException("ELF section extends past the end of the file");
        return elf.Slice((int)h.Offset, (int)h.Size);
    }

    private static ulong Read(ReadOnlySpan<byte> elf, bool little, int offset, int size)
    {
        if (offset < 0 || offset > elf.Length - size)
            throw new GuestImageException("truncated ELF file");
        var s = elf.Slice(offset, size);
        return size switch
        {
            2 => little ? BinaryPrimitives.ReadUInt16LittleEndian(s) : BinaryPrimitives.ReadUInt16BigEndian(s),
            4 => little ? BinaryPrimitives.ReadUInt32LittleEndian(s) : BinaryPrimitives.ReadUInt32BigEndian(s),
            _ => little ? BinaryPrimitives.ReadUInt64LittleEndian(s) : BinaryPrimitives.ReadUInt64BigEndian(s),
        };
    }
}
