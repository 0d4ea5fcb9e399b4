using System.Buffers.Binary;
using System.Text;

namespace SharpVirt.Machine.DeviceTree;

/// <summary>
/// Writes a flattened devicetree blob (DTB) as laid out in the Devicetree Specification v0.4,
/// chapter 5: a 40-byte header, the memory reservation block, the structure block and the
/// strings block, every integer big-endian.
/// </summary>
/// <remarks>
/// Call <see cref="BeginNode"/> with an empty name for the root, then nest nodes and properties;
/// a node's properties must all come before its first child (§5.4.2). <see cref="Finish"/> checks
/// that every node was closed and returns the blob; the builder cannot be changed afterwards.
/// </remarks>
public sealed class FdtBuilder
{
    /// <summary>§5.2 <c>magic</c>.</summary>
    public const uint Magic = 0xd00dfeed;

    /// <summary>§5.2 <c>version</c>: this writer produces version 17 blobs.</summary>
    public const uint Version = 17;

    /// <summary>§5.2 <c>last_comp_version</c>: version 17 stays readable by version 16 parsers.</summary>
    public const uint LastCompatibleVersion = 16;

    /// <summary>§5.2: ten 32-bit header fields.</summary>
    public const int HeaderSize = 40;

    // §5.4.1 structure block tokens.
    private const uint TokenBeginNode = 0x1;
    private const uint TokenEndNode = 0x2;
    private const uint TokenProp = 0x3;
    private const uint TokenEnd = 0x9;

    // §2.2.1 / §2.2.4: node and property names are at most 31 characters.
    private const int MaxNameLength = 31;

    private readonly MemoryStream structure = new();
    private readonly MemoryStream strings = new();
    private readonly Dictionary<string, int> stringOffsets = new(StringComparer.Ordinal);
    private readonly List<(ulong Address, ulong Size)> reservations = [];
    private readonly Stack<NodeFrame> open = new();
    private bool rootWritten;
    private byte[]? blob;
    private uint nextPhandle = 1;

    /// <summary>§5.2 <c>boot_cpuid_phys</c>: physical id of the boot CPU (the hart id on RISC-V).</summary>
    public uint BootCpuIdPhys { get; set; }

    /// <summary>Depth of currently open nodes (0 before the root and after it is closed).</summary>
    public int Depth => open.Count;

    /// <summary>
    /// Returns a fresh phandle value, starting at 1 (§2.3.3: 0 and 0xffffffff are not valid phandles).
    /// Write it with <see cref="Property(string, uint)"/> as <c>phandle</c>.
    /// </summary>
    public uint AllocatePhandle()
    {
        if (nextPhandle == uint.MaxValue)
            throw new InvalidOperationException("phandle space exhausted");
        return nextPhandle++;
    }

    /// <summary>Adds a §5.3 memory reservation entry (address, size); size must be non-zero.</summary>
    public void AddReservation(ulong address, ulong size)
    {
        EnsureNotFinished();
        // §5.3.2: an entry with size 0 terminates the list, so it cannot be stored.
        if (size == 0)
            throw new ArgumentOutOfRangeException(nameof(size), "a memory reservation must have a non-zero size");
        if (address + size < address)
            throw new ArgumentOutOfRangeException(nameof(size), $"reservation 0x{address:x}+0x{size:x} wraps around the address space");
        reservations.Add((address, size));
    }

    /// <summary>Opens a node. The first node is the root and must be named "" (or "/").</summary>
    public void BeginNode(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        EnsureNotFinished();
        if (open.Count == 0)
        {
            if (rootWritten)
                throw new InvalidOperationException("the devicetree already has a root node");
            // §2.2.1 / §5.4.1: the root node's name is the empty string.
            if (name.Length != 0 && name != "/")
                throw new ArgumentException($"the root node must be named \"\" or \"/\", not \"{name}\"", nameof(name));
            name = "";
            rootWritten = true;
        }
        else
        {
            ValidateNodeName(name);
            var parent = open.Peek();
            if (!parent.Children.Add(name))
                throw new InvalidOperationException($"node \"{name}\" already exists under {PathOf(parent)}");
        }

        WriteToken(TokenBeginNode);
        WriteCString(structure, name);
        Pad(structure);
        open.Push(new NodeFrame(name));
    }

    /// <summary>Closes the innermost open node.</summary>
    public void EndNode()
    {
        EnsureNotFinished();
        if (open.Count == 0)
            throw new InvalidOperationException("EndNode without a matching BeginNode");
        open.Pop();
        WriteToken(TokenEndNode);
    }

    /// <summary>A property with no value (§2.2.4.2 <c>&lt;empty&gt;</c>), e.g. <c>interrupt-controller</c>.</summary>
    public void EmptyProperty(string name) => WriteProperty(name, []);

    /// <summary>A single 32-bit cell (§2.2.4.2 <c>&lt;u32&gt;</c>).</summary>
    public void Property(string name, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        WriteProperty(name, b);
    }

    /// <summary>A 64-bit value as two cells, high cell first (§2.2.4.2 <c>&lt;u64&gt;</c>).</summary>
    public void Property(string name, ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, value);
        WriteProperty(name, b);
    }

    /// <summary>A NUL-terminated string (§2.2.4.2 <c>&lt;string&gt;</c>).</summary>
    public void Property(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Property(name, new[] { value });
    }

    /// <summary>A list of NUL-terminated strings (§2.2.4.2 <c>&lt;stringlist&gt;</c>).</summary>
    public void Property(string name, string[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var ms = new MemoryStream();
        foreach (var v in values)
        {
            ArgumentNullException.ThrowIfNull(v, nameof(values));
            if (v.Contains('\0'))
                throw new ArgumentException($"property \"{name}\": strings cannot contain NUL", nameof(values));
            WriteCString(ms, v);
        }
        WriteProperty(name, ms.ToArray());
    }

    /// <summary>An array of 32-bit cells (§2.2.4.2 <c>&lt;prop-encoded-array&gt;</c>).</summary>
    public void Property(string name, params uint[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var b = new byte[cells.Length * 4];
        for (int i = 0; i < cells.Length; i++)
            BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(i * 4), cells[i]);
        WriteProperty(name, b);
    }

    /// <summary>An array of 64-bit values, each written as two cells (e.g. <c>reg</c> with 2 address and 2 size cells).</summary>
    public void PropertyU64(string name, params ulong[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var b = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(i * 8), values[i]);
        WriteProperty(name, b);
    }

    /// <summary>Raw bytes, stored as given (§2.2.4.2 <c>&lt;prop-encoded-array&gt;</c>).</summary>
    public void Property(string name, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        WriteProperty(name, value);
    }

    /// <summary>
    /// Completes the blob: checks that the root exists and every node is closed, then lays out
    /// header, reservation block, structure block and strings block (§5.1). Calling it again
    /// returns a copy of the same blob.
    /// </summary>
    public byte[] Finish()
    {
        if (blob != null)
            return (byte[])blob.Clone();
        if (!rootWritten)
            throw new InvalidOperationException("the devicetree has no root node");
        if (open.Count != 0)
            throw new InvalidOperationException($"{open.Count} node(s) still open, innermost {PathOf(open.Peek())}");

        WriteToken(TokenEnd);

        // §5.1: reservation block 8-byte aligned, structure block 4-byte aligned; strings need no alignment.
        int offRsvmap = Align(HeaderSize, 8);
        int rsvSize = (reservations.Count + 1) * 16; // entries + terminating (0, 0)
        int offStruct = Align(offRsvmap + rsvSize, 4);
        int sizeStruct = (int)structure.Length;
        int offStrings = offStruct + sizeStruct;
        int sizeStrings = (int)strings.Length;
        int total = offStrings + sizeStrings;

        var b = new byte[total];
        var h = b.AsSpan();
        // §5.2 fdt_header, field by field.
        BinaryPrimitives.WriteUInt32BigEndian(h[0..], Magic);
        BinaryPrimitives.WriteUInt32BigEndian(h[4..], (uint)total);
        BinaryPrimitives.WriteUInt32BigEndian(h[8..], (uint)offStruct);
        BinaryPrimitives.WriteUInt32BigEndian(h[12..], (uint)offStrings);
        BinaryPrimitives.WriteUInt32BigEndian(h[16..], (uint)offRsvmap);
        BinaryPrimitives.WriteUInt32BigEndian(h[20..], Version);
        BinaryPrimitives.WriteUInt32BigEndian(h[24..], LastCompatibleVersion);
        BinaryPrimitives.WriteUInt32BigEndian(h[28..], BootCpuIdPhys);
        BinaryPrimitives.WriteUInt32BigEndian(h[32..], (uint)sizeStrings);
        BinaryPrimitives.WriteUInt32BigEndian(h[36..], (uint)sizeStruct);

        // §5.3.2 fdt_reserve_entry pairs, terminated by a zero entry (already zero).
        int p = offRsvmap;
        foreach (var (address, size) in reservations)
        {
            BinaryPrimitives.WriteUInt64BigEndian(h[p..], address);
            BinaryPrimitives.WriteUInt64BigEndian(h[(p + 8)..], size);
            p += 16;
        }

        structure.GetBuffer().AsSpan(0, sizeStruct).CopyTo(h[offStruct..]);
        strings.GetBuffer().AsSpan(0, sizeStrings).CopyTo(h[offStrings..]);
        blob = b;
        return (byte[])b.Clone();
    }

    private void WriteProperty(string name, ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(name);
        EnsureNotFinished();
        if (open.Count == 0)
            throw new InvalidOperationException($"property \"{name}\" written outside any node");
        ValidatePropertyName(name);
        var node = open.Peek();
        if (node.Children.Count != 0)
            throw new InvalidOperationException($"property \"{name}\" of {PathOf(node)} comes after a child node; properties must precede subnodes");
        if (!node.Properties.Add(name))
            throw new InvalidOperationException($"property \"{name}\" already exists in {PathOf(node)}");

        // §5.4.1 FDT_PROP: len, nameoff, then the value padded to 4 bytes.
        WriteToken(TokenProp);
        WriteToken((uint)value.Length);
        WriteToken((uint)StringOffset(name));
        structure.Write(value);
        Pad(structure);
    }

    // §5.5: each property name is stored once in the strings block.
    private int StringOffset(string name)
    {
        if (!stringOffsets.TryGetValue(name, out int off))
        {
            off = (int)strings.Length;
            WriteCString(strings, name);
            stringOffsets.Add(name, off);
        }
        return off;
    }

    private void WriteToken(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        structure.Write(b);
    }

    private static void WriteCString(MemoryStream s, string value)
    {
        s.Write(Encoding.UTF8.GetBytes(value));
        s.WriteByte(0);
    }

    private static void Pad(MemoryStream s)
    {
        while ((s.Length & 3) != 0)
            s.WriteByte(0);
    }

    private static int Align(int value, int alignment) => (value + alignment - 1) & ~(alignment - 1);

    private void EnsureNotFinished()
    {
        if (blob != null)
            throw new InvalidOperationException("the devicetree blob has already been finished");
    }

    private string PathOf(NodeFrame frame)
    {
        // The stack enumerates innermost first; walk from the root down to the frame.
        var sb = new StringBuilder();
        foreach (var f in open.Reverse())
        {
            if (f.Name.Length != 0)
                sb.Append('/').Append(f.Name);
            if (ReferenceEquals(f, frame))
                break;
        }
        return sb.Length == 0 ? "/" : sb.ToString();
    }

    // §2.2.1: node-name[@unit-address]; node-name starts with a letter and uses [0-9a-zA-Z,._+-].
    private static void ValidateNodeName(string name)
    {
        int at = name.IndexOf('@');
        string baseName = at < 0 ? name : name[..at];
        string unit = at < 0 ? "" : name[(at + 1)..];
        bool ok = baseName.Length is > 0 and <= MaxNameLength
            && char.IsAsciiLetter(baseName[0])
            && baseName.All(c => char.IsAsciiLetterOrDigit(c) || c is ',' or '.' or '_' or '+' or '-')
            && (at < 0 || (unit.Length > 0 && unit.All(c => char.IsAsciiLetterOrDigit(c) || c is ',' or '.' or '_' or '+' or '-')));
        if (!ok)
            throw new ArgumentException($"invalid devicetree node name \"{name}\"", nameof(name));
    }

    // §2.2.4.1: property names use [0-9a-zA-Z,._+?#-], 1 to 31 characters.
    private static void ValidatePropertyName(string name)
    {
        bool ok = name.Length is > 0 and <= MaxNameLength
            && name.All(c => char.IsAsciiLetterOrDigit(c) || c is ',' or '.' or '_' or '+' or '?' or '#' or '-');
        if (!ok)
            throw new ArgumentException($"invalid devicetree property name \"{name}\"", nameof(name));
    }

    private sealed class NodeFrame(string name)
    {
        public string Name { get; } = name;
        public HashSet<string> Properties { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Children { get; } = new(StringComparer.Ordinal);
    }
}
