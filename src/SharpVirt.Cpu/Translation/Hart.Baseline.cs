using System.Runtime.CompilerServices;
using SharpVirt.Cpu.CodeGen;
using SharpVirt.Cpu.Decoders;
using SharpVirt.Cpu.Translation;

namespace SharpVirt.Cpu;

/// <summary>
/// The baseline tier: a block that has run <see cref="NativeThreshold"/> times gets x86-64 code of its own
/// (<see cref="BaselineTranslator"/>), made on the hart's thread in microseconds, until RyuJIT's code for it
/// (<see cref="HotThreshold"/>) replaces it.
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

    /// <summary>After <see cref="RunNative"/> stopped in a block: the index of the instruction the interpreter goes on from.</summary>
    private int nativeStop;

    /// <summary>
    /// Runs <paramref name="block"/>'s baseline code (made first if it has none in the arena's generation), then
    /// that of the blocks that follow it on its page while they have some and the budget lasts. Returns the
    /// instructions retired, Pc and Instret updated, or -1 if the block has no such code. If the code stopped
    /// before an instruction (see <see cref="NativeFrame.Stopped"/>), <paramref name="rest"/> is that block's
    /// instructions and <see cref="nativeStop"/> the index to interpret from.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int RunNative(Block block, ulong pc, int budget, int epoch, out DecodedInsn[]? rest)
    {
        rest = null;
        if ((arena ??= NewArena()) is not { } code || !HasNative(block, code))
            return -1;
        var frame = nativeFrame;
        frame->LoadTlb = loadTlb;
        frame->StoreTlb = storeTlb;
        int total = 0;
        while (true)
        {
            frame->Stopped = 0;
            int ran = ((delegate* unmanaged[SuppressGCTransition]<ulong*, NativeFrame*, ulong, int>)block.Native)(x, frame, pc);
            total += ran;
            ulong next = frame->NextPc;
            if (frame->Stopped != 0)
            {
                nativeStop = ran;
                rest = block.Insns;
                pc = next;
                break;
            }
            bool samePage = SamePage(next, pc);
            nint host = block.Host + (nint)(next - pc);
            pc = next;
            if (total >= budget || !samePage)
                break;
            // The successor must be due for baseline code and not yet for RyuJIT's (the dispatcher compiles that).
            var successor = block.ChainedAt(host);
            if (successor == null || successor.Function != null || ++successor.Heat < NativeThreshold || successor.Heat >= HotThreshold
                || !successor.IsCurrent(epoch) || (exactBudget && successor.Count > budget - total) || !HasNative(successor, code))
            {
                break;
            }
            block = successor;
        }
        previous = block;
        Pc = pc;
        Instret += (ulong)total;
        return total;
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

    /// <summary>Whether <paramref name="block"/> has baseline code in <paramref name="code"/>'s generation, making it if it can.</summary>
    private bool HasNative(Block block, CodeArena code)
    {
        if (block.Native != 0 && block.NativeGeneration == code.Generation)
            return true;
        int count = block.NativeGeneration == Block.NoNative ? 0 : BaselineTranslator.Prefix(block.Insns);
        if (count == 0)
        {
            block.NativeGeneration = Block.NoNative;
            return false;
        }
        block.Native = BaselineTranslator.Compile(block.Insns, count, code);
        block.NativeGeneration = code.Generation;
        BaselineBlocksCompiled++;
        return true;
    }
}
