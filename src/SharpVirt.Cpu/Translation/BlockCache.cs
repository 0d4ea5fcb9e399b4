namespace SharpVirt.Cpu.Translation;

/// <summary>A direct-mapped cache of blocks by host address (one guest-physical address), so that new page tables or SFENCE.VMA keep it.</summary>
public sealed class BlockCache
{
    public const int Bits = 15, Size = 1 << Bits;
    private readonly Block?[] blocks = new Block?[Size];

    public static int IndexOf(nint host) => (int)(((ulong)host >> 1) * 0x9E3779B97F4A7C15UL >> (64 - Bits));

    public Block? Find(nint host)
    {
        var b = blocks[IndexOf(host)];
        return b != null && b.Host == host ? b : null;
    }

    public void Store(Block block) => blocks[IndexOf(block.Host)] = block;

    /// <summary>Raised by FENCE.I: each block compares its bytes with memory once before its next run in this epoch.</summary>
    public int Epoch { get; private set; }

    /// <summary>
    /// FENCE.I (local or remote). Writes are tracked by page, but a store from another hart that raced with a
    /// page becoming code could slip by; the guest's FENCE.I after such a store makes every block recheck.
    /// Blocks that still match stay, compiled code included.
    /// </summary>
    public void Revalidate() => Epoch++;

    /// <summary>Forgets every block (a restored snapshot).</summary>
    public void Clear() => Array.Clear(blocks);
}
