using System.Collections.Concurrent;
using System.Reflection.Emit;

namespace SharpVirt.Cpu.Translation;

/// <summary>
/// A compiled region as one of its blocks enters it: the method, the block's <see cref="Entry"/> number (0
/// for the head), and the guest bytes the region was built from (<see cref="Code"/>, starting
/// <see cref="Start"/> bytes from that block's first instruction).
/// </summary>
public sealed record CompiledRegion(DynamicMethod Method, int Start, byte[] Code, int Entry = 0)
{
    /// <summary>The number of guest instructions in the region.</summary>
    public int Instructions { get; init; }

    /// <summary>The region compiled from <paramref name="segments"/> (the first at guest PC <paramref name="pc"/>), built from the guest bytes <paramref name="code"/>.</summary>
    public static CompiledRegion Compile(IReadOnlyList<Segment> segments, ulong pc, int start, byte[] code)
        => new(BlockTranslator.Emit(segments, pc), start, code) { Instructions = segments.Sum(s => s.Insns.Length) };

    /// <summary>Whether the bytes around <paramref name="head"/> (on its page) are the ones this region was built from.</summary>
    public unsafe bool Matches(nint head)
    {
        nint from = head + Start, page = head & ~0xfff;
        return from >= page && from + Code.Length <= page + 0x1000
            && new ReadOnlySpan<byte>((void*)from, Code.Length).SequenceEqual(Code);
    }

    /// <summary>This region as its block number <paramref name="entry"/>, <paramref name="offset"/> bytes after the head, enters it.</summary>
    public CompiledRegion EnteredAt(int entry, long offset) => this with { Start = Start - (int)offset, Entry = entry };
}

/// <summary>
/// Compiled regions by the guest code bytes of their first block, shared by the harts of a machine.
/// The code depends on the region's bytes alone (its PC is an argument), so a block that another hart,
/// or an earlier copy of the same code, already compiled is bound to this hart instead of compiled again,
/// as QEMU shares its translations between vCPUs; the finder checks the rest of the region's bytes.
/// </summary>
public sealed class CompiledCode
{
    /// <summary>Past this many methods the table starts again (methods in use stay alive through their delegates).</summary>
    public const int Capacity = 1 << 14;

    private readonly ConcurrentDictionary<CodeBytes, CompiledRegion> Methods = new();

    /// <summary>The region last compiled from a block with the bytes <paramref name="code"/>.</summary>
    public CompiledRegion? Find(byte[] code) => Methods.TryGetValue(new CodeBytes(code), out var m) ? m : null;

    /// <summary>A region <paramref name="block"/> can run: compiled from its bytes, and the rest of its bytes still in place.</summary>
    public CompiledRegion? FindFor(Block block) => Find(block.Code) is { } region && region.Matches(block.Host) ? region : null;

    public void Add(byte[] code, CompiledRegion region)
    {
        if (Methods.Count >= Capacity)
            Methods.Clear();
        Methods[new CodeBytes(code)] = region;
    }

    /// <summary>
    /// Adds a compiled region under its head's bytes, and under each other block's the way that block enters
    /// it (unless that block's bytes already have a region).
    /// </summary>
    public void Add(byte[] headCode, CompiledRegion region, IReadOnlyList<Segment> segments)
    {
        Add(headCode, region);
        for (int i = 1; i < segments.Count; i++)
            if (segments[i].Source is { } source)
                Methods.TryAdd(new CodeBytes(source.Code), region.EnteredAt(i, segments[i].Offset));
    }

    private readonly struct CodeBytes(byte[] bytes) : IEquatable<CodeBytes>
    {
        private readonly byte[] bytes = bytes;

        public bool Equals(CodeBytes other) => bytes.AsSpan().SequenceEqual(other.bytes);

        public override bool Equals(object? obj) => obj is CodeBytes other && Equals(other);

        public override int GetHashCode()
        {
            var h = new HashCode();
            h.AddBytes(bytes);
            return h.ToHashCode();
        }
    }
}
