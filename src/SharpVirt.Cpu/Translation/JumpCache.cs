using System.Runtime.CompilerServices;

namespace SharpVirt.Cpu.Translation;

/// <summary>
/// Compiled blocks by guest-virtual PC, so that a jump to another page (a call, a return) goes from one
/// compiled block to the next without the fetch TLB and the block cache, as QEMU's tb_jmp_cache does.
/// An entry holds for one translation: its key is the TLB's flush generation and the fetch context, so any
/// SFENCE.VMA, satp write or privilege change makes it miss. The block still checks that its page is unwritten.
/// </summary>
public sealed class JumpCache
{
    public const int Bits = 12, Size = 1 << Bits;

    private struct Entry
    {
        public ulong Pc;
        public long Key;
        public Block? Block;
    }

    private readonly Entry[] entries = new Entry[Size];

    /// <summary>The key of the current translation: <paramref name="generation"/> and <paramref name="context"/> together.</summary>
    public static long KeyOf(long generation, int context) => (generation << 2) | (uint)context;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Block? Find(ulong pc, long key)
    {
        ref Entry e = ref entries[(int)(pc >> 1) & (Size - 1)];
        return e.Pc == pc && e.Key == key ? e.Block : null;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ulong pc, long key, Block block)
    {
        ref Entry e = ref entries[(int)(pc >> 1) & (Size - 1)];
        e.Pc = pc;
        e.Key = key;
        e.Block = block;
    }

    /// <summary>Forgets every block (a restored snapshot: the blocks may name memory that is gone).</summary>
    public void Clear() => Array.Clear(entries);
}
