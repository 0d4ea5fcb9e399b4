using SharpVirt.Cpu.Decoders;
using SharpVirt.Memory;

namespace SharpVirt.Cpu.Translation;

/// <summary>
/// Compiled guest code, bound to its hart: runs the region from the first instruction of its block number
/// <c>entry</c>, at guest PC <c>pc</c> (and the blocks of the region after it, while fewer than <c>budget</c>
/// instructions have retired) and returns how many instructions retired. With <c>x</c> null it returns 0 at
/// once (a call that only makes RyuJIT compile it).
/// </summary>
public unsafe delegate int BlockFunction(ulong* x, ulong pc, int budget, int entry);

/// <summary>
/// A block of guest code, keyed by the host address of its first instruction (which names one guest-physical
/// address). It remembers its page's <see cref="SharpVirt.Memory.CodePages"/> state and runs only while that
/// is unchanged, so a block never executes stale code, whoever wrote the page: the guest itself, another
/// hart, or DMA.
/// </summary>
public sealed unsafe class Block
{
    public Block(nint host, int* pageState, int generation, DecodedInsn[] insns, int length, int epoch)
    {
        Host = host;
        this.pageState = pageState;
        this.generation = generation;
        Insns = insns;
        Count = insns.Length;
        code = Apart(new ReadOnlySpan<byte>((void*)host, length));
        check = new(host, code);
        checkedEpoch = epoch;
    }

    public nint Host { get; }

    /// <summary>
    /// A copy of <paramref name="items"/> on .NET's pinned object heap, away from the blocks themselves: the
    /// dispatcher reads blocks, not their instructions or bytes, and blocks packed together share cache lines
    /// and host pages.
    /// </summary>
    public static T[] Apart<T>(ReadOnlySpan<T> items)
    {
        var copy = GC.AllocateUninitializedArray<T>(items.Length, pinned: true);
        items.CopyTo(copy);
        return copy;
    }

    /// <summary>The decoded instructions, for the interpreter; empty when the first one crosses the page end.</summary>
    public DecodedInsn[] Insns { get; }

    /// <summary>Insns.Length, kept here so the dispatcher need not touch the array.</summary>
    public readonly int Count;

    private readonly int* pageState;
    private readonly int generation;

    /// <summary>The page's write state and the generation the block was built in: the block is current while they are equal.</summary>
    public int* PageState => pageState;
    public int Generation => generation;
    /// <summary>The bytes decoded.</summary>
    private readonly byte[] code;
    /// <summary>The bytes the block's code depends on (its region's, once compiled), and the FENCE.I epoch in which they last matched memory.</summary>
    private CheckRange check;
    private int checkedEpoch;

    /// <summary>Guest bytes at a host address; replaced as a whole, so that another thread never sees half of a change.</summary>
    private sealed record CheckRange(nint Host, byte[] Code);

    /// <summary>Runs counted until the block is compiled (the background compiler takes the hottest first).</summary>
    public int Heat;

    /// <summary>Compiled, waiting to be, or with nothing to compile: not queued again.</summary>
    public bool Queued;

    /// <summary>Runs of its compiled code entered from another region of its page, counted up to a tier-up (see <see cref="Hart.TierUpEntries"/>).</summary>
    public int Entries;

    /// <summary>Instructions of the region <see cref="Function"/> runs (set before it).</summary>
    public int RegionInstructions;

    /// <summary>A bigger region compiled for this block in the background, bound by the hart's own thread.</summary>
    public CompiledRegion? Upgrade;

    /// <summary>
    /// Null until compiled (and for ever when the block starts with an instruction the translator does not
    /// take). Written only through <see cref="TryBind"/> and <see cref="Rebind"/>.
    /// </summary>
    public BlockFunction? Function;

    /// <summary>Which block of <see cref="Function"/>'s region this one is (0 for the region's head); set before Function.</summary>
    public int Entry;

    /// <summary>Where a call of <see cref="Function"/> enters its method (see <see cref="JumpCache.EntryPoint"/>); set before Function.</summary>
    public nint EntryPoint;

    /// <summary>
    /// Binds <paramref name="function"/>, compiled for <paramref name="region"/>, unless the block has code
    /// already; from any thread. The hart reads <see cref="Function"/> and then <see cref="Entry"/>, so the
    /// two must never come from different bindings: another thread binds only a block that has none, and
    /// only the hart's own thread replaces code (<see cref="Rebind"/>).
    /// </summary>
    public bool TryBind(CompiledRegion region, BlockFunction function)
    {
        lock (code)
        {
            if (Function != null)
                return false;
            Set(region, function);
            return true;
        }
    }

    /// <summary>Replaces the block's code (a tier-up); on the thread of the hart that runs the block only.</summary>
    public void Rebind(CompiledRegion region, BlockFunction function)
    {
        lock (code)
            Set(region, function);
    }

    private void Set(CompiledRegion region, BlockFunction function)
    {
        Cover(Host + region.Start, region.Code);
        Entry = region.Entry;
        EntryPoint = JumpCache.EntryPoint(function);
        RegionInstructions = region.Instructions;
        Volatile.Write(ref Function, function); // publishes the three above
        Interlocked.Increment(ref Bindings);
        if (Cell != null)
            Volatile.Write(ref Cell->Bound, 1); // chains into its baseline code stop for the hart to take this
    }

    /// <summary>
    /// Counts the blocks given compiled code, by any thread: a jump cache entry for baseline code looks at its
    /// block again when this has changed, to take the code (see <see cref="JumpCache.Entry.Bindings"/>).
    /// </summary>
    public static int Bindings;

    /// <summary>
    /// Chained successors: the blocks that last followed this one (two, for a branch's two ways), found by
    /// host address. On the same guest page (same translation) compiled code goes on to them with no TLB lookup;
    /// the interpreter finds the next block among them before it looks in the cache.
    /// </summary>
    public Block? Next0, Next1;

    /// <summary>The chained successor at <paramref name="host"/>, if it is one of the two.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public Block? ChainedAt(nint host) => Next0?.Host == host ? Next0 : Next1?.Host == host ? Next1 : null;

    /// <summary>The block's baseline code (see <see cref="BaselineTranslator"/>), valid in the code arena generation <see cref="NativeGeneration"/>.</summary>
    public nint Native;
    public int NativeGeneration;

    /// <summary>
    /// The chain cell of <see cref="Native"/> (valid in the same generation; <see cref="CellOwner"/> keeps its
    /// memory alive, so a binding on another thread may write a stale one), and the runs its
    /// <see cref="ChainCell.RunsLeft"/> was last given.
    /// </summary>
    public ChainCell* Cell;
    public object? CellOwner;
    public int ChainGranted;

    /// <summary>A <see cref="NativeGeneration"/> for a block whose first instruction the baseline translator does not take.</summary>
    public const int NoNative = -1;

    /// <summary>False once the page was written after the block was built, or its bytes changed before a FENCE.I.</summary>
    public bool IsCurrent(int epoch) => PageUnchanged && (checkedEpoch == epoch || Recheck(epoch));

    /// <summary>The guest code bytes the block was decoded from.</summary>
    public byte[] Code => code;

    /// <summary>Makes a FENCE.I check <paramref name="bytes"/> at <paramref name="host"/> (a compiled region's) instead of the block's own.</summary>
    private void Cover(nint host, byte[] bytes) => check = new(host, bytes);

    /// <summary>False once the page was written after the block was built.</summary>
    public bool PageUnchanged => CodePages.Unchanged(pageState, generation);

    private bool Recheck(int epoch)
    {
        var c = check;
        if (!new ReadOnlySpan<byte>((void*)c.Host, c.Code.Length).SequenceEqual(c.Code))
            return false;
        checkedEpoch = epoch;
        return true;
    }
}
