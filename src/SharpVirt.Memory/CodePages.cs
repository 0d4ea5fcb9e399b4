using System.Runtime.InteropServices;

namespace SharpVirt.Memory;

/// <summary>
/// Which pages of a slot hold translated guest code, so that writing them makes that code stale (as QEMU
/// marks such pages in its TLB). Per 4 KiB page one int: bit 0 is set while some translation depends on
/// the page; the other bits are a generation that a write to such a page bumps, clearing bit 0. A block
/// remembers the state it was built under and is current while the state still equals it.
/// </summary>
public sealed unsafe class CodePages : IDisposable
{
    private const int CodeBit = 1;
    private readonly int* states;
    private readonly nuint pages;

    public CodePages(ulong size)
    {
        pages = (nuint)(size / MemorySlot.PageSize);
        // Zeroed and lazily backed by the host: untouched pages cost nothing.
        states = (int*)NativeMemory.AllocZeroed(pages, sizeof(int));
    }

    /// <summary>The state word of the page at <paramref name="offset"/> into the slot.</summary>
    public int* StateOf(ulong offset) => states + (offset >> 12);

    /// <summary>
    /// Code pages written so far, on any slot of the process: while it is unchanged, no translation became
    /// stale, so a check that read it before finding a block current need not read the block's page state again.
    /// </summary>
    public static int Writes;

    /// <summary>Whether the page of <paramref name="state"/> is unwritten since code was built from it in <paramref name="generation"/>.</summary>
    public static bool Unchanged(int* state, int generation) => Volatile.Read(ref *state) == generation;

    public static bool HoldsCode(int* state) => (Volatile.Read(ref *state) & CodeBit) != 0;

    /// <summary>Marks the page as holding translated code and returns the state a translation built now must match.</summary>
    public static int Protect(int* state, out bool newlyProtected)
    {
        int before = Interlocked.Or(ref *state, CodeBit);
        newlyProtected = (before & CodeBit) == 0;
        return before | CodeBit;
    }

    /// <summary>A write to one page: code built from it is stale from now on.</summary>
    public static void Written(int* state)
    {
        int v = Volatile.Read(ref *state);
        while ((v & CodeBit) != 0)
        {
            int seen = Interlocked.CompareExchange(ref *state, (v + 2) & ~CodeBit, v);
            if (seen == v)
            {
                Interlocked.Increment(ref Writes);
                return;
            }
            v = seen;
        }
    }

    /// <summary>A write by the host (DMA, loaders) to [offset, offset+length) of the slot.</summary>
    public void Written(ulong offset, ulong length)
    {
        if (length == 0)
            return;
        // The data must be visible before we look at the flags (a store-load order x86 does not keep by itself).
        Interlocked.MemoryBarrier();
        for (ulong page = offset >> 12, last = (offset + length - 1) >> 12; page <= last; page++)
            Written(states + page);
    }

    public void Dispose() => NativeMemory.Free(states);
}
