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

    /// <summary>Blocks given baseline code so far (statistics).</summary>
    public int BaselineBlocksCompiled { get; private set; }

    /// <summary>Bytes of host memory for baseline code, reserved at its first use (smaller in tests).</summary>
    internal int BaselineArenaSize { get; set; } = 64 << 20;

    private CodeArena? arena;
    private readonly NativeFrame* nativeFrame;

    /// <summary>After baseline code stopped in a block (see <see cref="RunCompiled"/>): the index of the instruction the interpreter goes on from.</summary>
    private int nativeStop;

    /// <summary>
    /// Runs the baseline code of jump cache entry <paramref name="e"/> at <paramref name="pc"/>: returns the
    /// instructions retired, Pc set to the next; or, if the code stopped before an instruction it could not
    /// finish, the complement of those retired, Pc at that instruction and <see cref="nativeStop"/> its index.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int RunNative(JumpCache.Entry* e, ulong pc)
    {
        var frame = nativeFrame;
        frame->LoadTlb = loadTlb;
        frame->StoreTlb = storeTlb;
        frame->Stopped = 0;
        int ran = ((delegate* unmanaged[SuppressGCTransition]<ulong*, NativeFrame*, ulong, int>)e->Code)(x, frame, pc);
        Pc = frame->NextPc;
        if (frame->Stopped == 0)
            return ran;
        nativeStop = ran;
        return ~ran;
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
        if (Volatile.Read(ref block.Function) is { } function)
        {
            jumps.Store(pc, e->Key, block, function, e->Epoch, e->Writes);
            return true;
        }
        e->Bindings = bindings;
        return e->Entries >= 0;
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
        block.Native = BaselineTranslator.Compile(block.Insns, count, code);
        block.NativeGeneration = code.Generation;
        if (code.Generation != generation)
            jumps.Clear(); // the arena started over: entries must not name the code that was there
        BaselineBlocksCompiled++;
        return true;
    }
}
