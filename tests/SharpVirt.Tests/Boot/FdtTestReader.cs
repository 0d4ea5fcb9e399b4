using System.Buffers.Binary;
using System.Text;

namespace SharpVirt.Tests.Boot;

/// <summary>A parsed DTB node, for checking blobs without dtc.</summary>
internal sealed class FdtNode(string name)
{
    public string Name { get; } = name;
    public List<(string Name, byte[] Value)> Properties { get; } = [];
    public List<FdtNode> Children { get; } = [];

    public byte[] Prop(string name) => Properties.Single(p => p.Name == name).Value;

    public bool Has(string name) => Properties.Any(p => p.Name == name);

    public uint U32(string name)
    {
        var v = Prop(name);
        Assert.Equal(4, v.Length);
        return BinaryPrimitives.ReadUInt32BigEndian(v);
    }

    public ulong U64(string name)
    {
        var v = Prop(name);
        Assert.Equal(8, v.Length);
        return BinaryPrimitives.ReadUInt64BigEndian(v);
    }

    public uint[] Cells(string name)
    {
        var v = Prop(name);
        Assert.Equal(0, v.Length % 4);
        return Enumerable.Range(0, v.Length / 4).Select(i => BinaryPrimitives.ReadUInt32BigEndian(v.AsSpan(i * 4))).ToArray();
    }

    public string[] Strings(string name)
    {
        var v = Prop(name);
        Assert.True(v.Length > 0 && v[^1] == 0, $"{name} is not NUL-terminated");
        return Encoding.UTF8.GetString(v, 0, v.Length - 1).Split('\0');
    }

    public string Str(string name) => Assert.Single(Strings(name));

    public FdtNode Child(string name) => Children.Single(c => c.Name == name);

    public FdtNode At(string path)
    {
        var n = this;
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
            n = n.Child(part);
        return n;
    }
}

/// <summary>Independent reader of the Devicetree Specification v0.4 chapter 5 format, asserting its layout rules.</summary>
internal sealed class FdtTestReader
{
    public uint Magic, TotalSize, OffStruct, OffStrings, OffRsvmap, Version, LastCompVersion, BootCpuId, SizeStrings, SizeStruct;
    public List<(ulong Address, ulong Size)> Reservations { get; } = [];
    public FdtNode Root { get; }

    public FdtTestReader(byte[] blob)
    {
        Assert.True(blob.Length >= 40, "blob shorter than the header");
        uint H(int i) => BinaryPrimitives.ReadUInt32BigEndian(blob.AsSpan(i * 4));
        (Magic, TotalSize, OffStruct, OffStrings, OffRsvmap) = (H(0), H(1), H(2), H(3), H(4));
        (Version, LastCompVersion, BootCpuId, SizeStrings, SizeStruct) = (H(5), H(6), H(7), H(8), H(9));

        Assert.Equal(0xd00dfeedu, Magic);
        Assert.Equal((uint)blob.Length, TotalSize);
        Assert.Equal(0u, OffRsvmap % 8);
        Assert.Equal(0u, OffStruct % 4);
        Assert.True(OffRsvmap >= 40);
        Assert.True(OffStruct + SizeStruct <= TotalSize);
        Assert.True(OffStrings + SizeStrings <= TotalSize);
        Assert.True(OffStruct >= OffRsvmap + 16);

        for (int p = (int)OffRsvmap; ; p += 16)
        {
            ulong a = BinaryPrimitives.ReadUInt64BigEndian(blob.AsSpan(p));
            ulong s = BinaryPrimitives.ReadUInt64BigEndian(blob.AsSpan(p + 8));
            if (a == 0 && s == 0)
                break;
            Reservations.Add((a, s));
        }

        var strings = blob.AsSpan((int)OffStrings, (int)SizeStrings).ToArray();
        int pos = (int)OffStruct, end = (int)(OffStruct + SizeStruct);
        uint Tok()
        {
            Assert.True(pos + 4 <= end, "structure block overrun");
            uint t = BinaryPrimitives.ReadUInt32BigEndian(blob.AsSpan(pos));
            pos += 4;
            return t;
        }
        string CStr(byte[] b, int at)
        {
            int nul = Array.IndexOf(b, (byte)0, at);
            Assert.True(nul >= 0);
            return Encoding.UTF8.GetString(b, at, nul - at);
        }

        var stack = new Stack<FdtNode>();
        FdtNode? root = null;
        while (true)
        {
            uint t = Tok();
            if (t == 1)
            {
                string name = CStr(blob, pos);
                pos += (name.Length + 1 + 3) & ~3;
                var node = new FdtNode(name);
                if (stack.Count == 0)
                {
                    Assert.Null(root);
                    Assert.Equal("", name);
                    root = node;
                }
                else
                {
                    Assert.DoesNotContain(stack.Peek().Children, c => c.Name == name);
                    stack.Peek().Children.Add(node);
                }
                stack.Push(node);
            }
            else if (t == 2)
            {
                Assert.NotEmpty(stack);
                stack.Pop();
            }
            else if (t == 3)
            {
                int len = (int)Tok();
                int nameoff = (int)Tok();
                Assert.True(nameoff < strings.Length);
                var node = stack.Peek();
                Assert.Empty(node.Children); // properties precede subnodes
                string pname = CStr(strings, nameoff);
                Assert.False(node.Has(pname), $"duplicate property {pname}");
                node.Properties.Add((pname, blob.AsSpan(pos, len).ToArray()));
                pos += (len + 3) & ~3;
            }
            else if (t == 4)
            {
                // FDT_NOP
            }
            else
            {
                Assert.Equal(9u, t);
                Assert.Empty(stack);
                Assert.Equal(end, pos);
                break;
            }
        }
        Root = Assert.IsType<FdtNode>(root);
    }
}
