namespace SharpVirt.Cpu.Translation;

/// <summary>
/// Blocks by host address (one guest-physical address), so that new page tables or SFENCE.VMA keep them: a
/// two-way set-associative table, and behind it every compiled block it pushed out, so that a collision
/// costs a decode at most, never a recompilation.
/// </summary>
public sealed class BlockCache
{
    public const int Bits = 16, Size = 1 << Bits;
    private readonly Block?[] blocks = new Block?[Size];
    private readonly Dictionary<nint, Block> evictedCompiled = [];

    /// <summary>The first of the two slots of the set for <paramref name="host"/> (the other is the next one).</summary>
    public static int IndexOf(nint host) => (int)(((ulong)host >> 1) * 0x9E3779B97F4A7C15UL >> (64 - Bits)) & ~1;

    public Block? Find(nint host)
    {
        int i = IndexOf(host);
        var b = blocks[i];
        if (b != null && b.Host == host)
            return b;
        b = blocks[i + 1];
        if (b != null && b.Host == host)
            return b;
        if (evictedCompiled.Count == 0 || !evictedCompiled.Remove(host, out b))
            return null;
        Store(b);
        return b;
    }

    /// <summary>Puts <paramref name="block"/> first in its set, the set's other block second; the block pushed out, if compiled, is kept aside.</summary>
    public void Store(Block block)
    {
        int i = IndexOf(block.Host);
        var first = blocks[i];
        if (first == null || first.Host == block.Host)
        {
            blocks[i] = block;
            return;
        }
        var second = blocks[i + 1];
        if (second != null && second.Host != block.Host && second.Function != null)
            evictedCompiled[second.Host] = second;
        blocks[i + 1] = first;
        blocks[i] = block;
    }

    /// <summary>Raised by FENCE.I: each block compares its bytes with memory once before its next run in this epoch.</summary>
    public int Epoch { get; private set; }

    /// <summary>
    /// FENCE.I (local or remote). Writes are tracked by page, but a store from another hart that raced with a
    /// page becoming code could slip by; the guest's FENCE.I after such a store makes every block recheck.
    /// Blocks that still match stay, compiled code included.
    /// </summary>
    public void Revalidate() => Epoch++;

    /// <summary>Forgets every block (a restored snapshot).</summary>
    public void Clear()
    {
        Array.Clear(blocks);
        evictedCompiled.Clear();
    }
}
