using System.Runtime.CompilerServices;
using SharpVirt.Cpu.CodeGen;
using SharpVirt.Cpu.Decoders;
using SharpVirt.Cpu.Translation;

namespace SharpVirt.Cpu;

/// <summary>
/// The baseline tier: a block that has run <see cref="NativeThreshold"/> times gets x86-64 code of its own
/// (<see cref="BaselineTranslator"/>), made on the hart's thread in microseconds, until RyuJIT's code for it
/// (<see cref="HotThreshold"/>) replaces it. The jump cache holds baseline code as it holds compiled code,
/// so the dispatcher steps between the two without the interpreter's lookup.
/// </summary>
public sealed unsafe partial class Hart
{
    /// <summary>Runs of a block before it gets baseline code; 0 for never.</summary>
    public int NativeThreshold { get; set; }

    /// <summary>Calls of baseline code by the dispatcher (statistics): a block that a link leads to runs without one.</summary>
    public long NativeCalls { get; private set; }

    /// <summary>Blocks given baseline code so far (statistics).</summary>
    public int BaselineBlocksCompiled { get; private set; }

    /// <summary>Bytes of host memory for baseline code, reserved at its first use (smaller in tests).</summary>
    internal int BaselineArenaSize { get; set; } = 64 << 20;

    private CodeArena? arena;
    private readonly NativeFrame* nativeFrame;

    /// <summary>After baseline code stopped in a block (see <see cref="RunCompiled"/>): the index of the instruction the interpreter goes on from.</summary>
    private int nativeStop;

    private readonly byte[] frameStorage;

    /// <summary>The blocks with baseline code in the arena's generation, by their cells' <see cref="ChainCell.Index"/>.</summary>
    private readonly List<Block> nativeBlocks = [];

    /// <summary>
    /// Runs the baseline code of jump cache entry <paramref name="e"/> at <paramref name="pc"/>, and the blocks
    /// its links chain to while fewer than <paramref name="limit"/> instructions have retired: returns the
    /// instructions retired, Pc set to the next; or, if the code stopped before an instruction it could not
    /// finish, the complement of those retired, Pc at that instruction and <see cref="nativeStop"/> its index.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int RunNative(JumpCache.Entry* e, ulong pc, int limit)
    {
        var frame = nativeFrame;
        frame->LoadTlb = loadTlb;
        frame->StoreTlb = storeTlb;
        frame->Stopped = 0;
        frame->Current = null;
        frame->Limit = limit;
        NativeCalls++;
        int ran = ((delegate* unmanaged[SuppressGCTransition]<ulong*, NativeFrame*, ulong, int>)e->Code)(x, frame, pc);
        Pc = frame->NextPc;
        if (frame->Stopped == 0)
            return ran;
        return StoppedNative(ran);
    }

    /// <summary>Baseline code stopped before an instruction (see <see cref="RunNative"/>), or before a block whose cell asked for a look.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int StoppedNative(int ran)
    {
        if (nativeFrame->Stopped == 2)
        {
            Look(nativeBlocks[nativeFrame->Current->Index], Pc);
            return ran;
        }
        nativeStop = (int)nativeFrame->StopIndex;
        return ~ran;
    }

    /// <summary>The block the last baseline code ran last, if it went on through links; else null.</summary>
    private Block? ChainedBlock => nativeFrame->Current is var cell && cell != null ? nativeBlocks[cell->Index] : null;

    /// <summary>
    /// A chain into <paramref name="block"/> (at <paramref name="pc"/>) stopped at its cell: credits its runs,
    /// queues the block for RyuJIT if it is due, and gives the cell runs again if the block is current and
    /// still without compiled code (else the cell stays empty, and the dispatcher takes the block).
    /// </summary>
    private void Look(Block block, ulong pc)
    {
        CreditChain(block);
        if (JitEnabled && block.Function == null && block.Heat >= HotThreshold && !block.Queued)
            Compile(block, pc);
        int epoch = blocks.Epoch;
        if (Volatile.Read(ref block.Function) == null && block.IsCurrent(epoch))
            Refresh(block, epoch);
    }

    /// <summary>The chain cell of <paramref name="block"/> if its baseline code is of the arena's generation, else null.</summary>
    private ChainCell* LiveCell(Block block) => arena != null && block.NativeGeneration == arena.Generation ? block.Cell : null;

    /// <summary>Adds the runs chains made into <paramref name="block"/> since its cell was last given runs to its heat.</summary>
    private void CreditChain(Block block)
    {
        var cell = LiveCell(block);
        if (cell == null)
            return;
        int left = Math.Max(cell->RunsLeft, 0);
        block.Heat += block.ChainGranted - left;
        block.ChainGranted = left;
    }

    /// <summary>
    /// Gives <paramref name="block"/>'s cell runs again (its baseline code current, and found without compiled
    /// code), for the FENCE.I <paramref name="epoch"/> in which it was found current.
    /// </summary>
    private void Refresh(Block block, int epoch)
    {
        CreditChain(block);
        var cell = LiveCell(block);
        if (cell == null)
            return;
        int runs = NativeRuns(block);
        cell->RunsLeft = runs;
        block.ChainGranted = runs;
        cell->Epoch = epoch;
        cell->Bound = 0; // set by a binding of a block whose cell was here before the arena started over
    }

    /// <summary>Makes <paramref name="block"/>'s baseline code the jump cache entry for <paramref name="pc"/> (see <see cref="JumpCache.StoreNative"/>), and gives its cell runs.</summary>
    private JumpCache.Entry* StoreNative(ulong pc, long key, Block block, int epoch, int writes, int bindings)
    {
        var e = jumps.StoreNative(pc, key, block, epoch, writes, bindings, NativeRuns(block));
        Refresh(block, epoch);
        return e;
    }

    /// <summary>
    /// Points the link the last baseline code left by, if any, at the baseline code of entry <paramref name="n"/>,
    /// or unlinks it if <paramref name="n"/> has compiled code (a chain into it would only stop there).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Link(JumpCache.Entry* n)
    {
        nint* slot = nativeFrame->ExitSlot;
        if (slot == null)
            return;
        nativeFrame->ExitSlot = null;
        *slot = n->Native != 0 ? n->Code + BaselineTranslator.ChainOffset : slot[1];
    }

    /// <summary>Runs of baseline code between looks at a block queued for RyuJIT, to take its code once made.</summary>
    private const int NativeRecheckRuns = 1024;

    /// <summary>
    /// Whether <paramref name="block"/> runs its baseline code now (made if it has none in the arena's
    /// generation): it has run <see cref="NativeThreshold"/> times, and is not due for RyuJIT's code unless
    /// already queued for it (the interpreter's lookup queues it).
    /// </summary>
    private bool RunsNative(Block block) => WarmForNative(block)
        && (block.Heat < HotThreshold || block.Queued || !JitEnabled) && HasNative(block);

    /// <summary>Whether <paramref name="block"/> has run often enough for baseline code (and the hart makes it at all).</summary>
    private bool WarmForNative(Block block) => NativeThreshold > 0 && block.Heat >= NativeThreshold;

    /// <summary>The runs a jump cache entry for <paramref name="block"/>'s baseline code makes before the hart looks at the block again.</summary>
    private int NativeRuns(Block block) => JitEnabled && block.Heat < HotThreshold ? HotThreshold - block.Heat : NativeRecheckRuns;

    /// <summary>
    /// Baseline entry <paramref name="e"/> (for <paramref name="pc"/>, current) ran its runs, or some block was
    /// given compiled code since it was stored: credits the runs to the block's heat, then takes its compiled
    /// code if it has some now (the entry then names it), or counts on. False to leave to the interpreter's
    /// lookup, when the block is due for RyuJIT (it queues it) or queued and still waiting.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool StaysNative(JumpCache.Entry* e, ulong pc)
    {
        int bindings = Volatile.Read(ref Block.Bindings);
        if (jumps.BlockOf(e) is not { } block)
            return false;
        jumps.Credit(e);
        CreditChain(block);
        if (Volatile.Read(ref block.Function) is { } function)
        {
            jumps.Store(pc, e->Key, block, function, e->Epoch, e->Writes);
            return true;
        }
        e->Bindings = bindings;
        if (e->Entries < 0 || (JitEnabled && block.Heat >= HotThreshold && !block.Queued))
            return false;
        Refresh(block, e->Epoch);
        return true;
    }

    /// <summary>The code arena, or null (and no more baseline code) if the host refuses executable memory.</summary>
    private CodeArena? NewArena()
    {
        try
        {
            return new CodeArena(BaselineArenaSize);
        }
        catch (OutOfMemoryException e)
        {
            NativeThreshold = 0;
            BaselineUnavailable = e.Message;
            return null;
        }
    }

    /// <summary>Why this hart runs no baseline code although asked to (the host refused executable memory), else null.</summary>
    public string? BaselineUnavailable { get; private set; }

    /// <summary>Whether <paramref name="block"/> has baseline code in the arena's generation, making it if it can.</summary>
    private bool HasNative(Block block)
    {
        if ((arena ??= NewArena()) is not { } code)
            return false;
        if (block.Native != 0 && block.NativeGeneration == code.Generation)
            return true;
        int count = block.NativeGeneration == Block.NoNative ? 0 : BaselineTranslator.Prefix(block.Insns);
        if (count == 0)
        {
            block.NativeGeneration = Block.NoNative;
            return false;
        }
        int generation = code.Generation;
        block.Native = BaselineTranslator.Compile(block.Insns, count, code, (int)(block.Host & 0xfff), block.PageState,
            block.Generation, nativeBlocks.Count, out block.Cell);
        block.CellOwner = code.Data;
        block.ChainGranted = 0;
        block.NativeGeneration = code.Generation;
        if (code.Generation != generation)
        {
            // The arena started over: entries and links must not name the code that was there.
            jumps.Clear();
            nativeFrame->ExitSlot = null;
            nativeFrame->Current = null;
            nativeBlocks.Clear();
            block.Cell->Index = 0;
        }
        nativeBlocks.Add(block);
        BaselineBlocksCompiled++;
        return true;
    }
}
