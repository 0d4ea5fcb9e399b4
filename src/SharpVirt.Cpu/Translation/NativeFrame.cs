using System.Runtime.InteropServices;
using SharpVirt.Cpu.Mmu;

namespace SharpVirt.Cpu.Translation;

/// <summary>
/// What baseline code reads and writes besides the guest registers: the TLB tables of the current context,
/// what a chain between blocks checks (see <see cref="ChainCell"/>), and on its way out the next guest PC.
/// One per hart, in host memory (the code gets its address).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct NativeFrame
{
    public TlbEntry* LoadTlb;
    public TlbEntry* StoreTlb;
    public ulong NextPc;
    /// <summary>Nonzero when the code stopped: 1 before an instruction it could not finish (a TLB miss), which the interpreter runs; 2 before a block whose cell asks the hart to look at it.</summary>
    public long Stopped;
    /// <summary>With <see cref="Stopped"/> 1: the index of that instruction in its block.</summary>
    public long StopIndex;
    /// <summary>The cell of the block last entered through a chain, or null if the code ran its first block only.</summary>
    public ChainCell* Current;
    /// <summary>The link an exit took unlinked, for the hart to point at the block it leads to (see <see cref="ChainCell"/>).</summary>
    public nint* ExitSlot;
    /// <summary>A chain goes on to the next block only while fewer instructions than this retired in the call.</summary>
    public int Limit;
    /// <summary>The FENCE.I epoch a chained block's cell must match.</summary>
    public int Epoch;
    /// <summary>Set by another thread that wants the hart to poll (see Hart.Kick): a chain stops at the next block.</summary>
    public int Kicked;
    /// <summary>The hart's jump cache, and the key of the translation the call runs under, for exits whose next PC is not linked.</summary>
    public JumpCache.Entry* Jumps;
    public long Key;

    public static readonly int LoadTlbOffset = OffsetOf(nameof(LoadTlb)), StoreTlbOffset = OffsetOf(nameof(StoreTlb)),
        NextPcOffset = OffsetOf(nameof(NextPc)), StoppedOffset = OffsetOf(nameof(Stopped)), StopIndexOffset = OffsetOf(nameof(StopIndex)),
        CurrentOffset = OffsetOf(nameof(Current)), ExitSlotOffset = OffsetOf(nameof(ExitSlot)), LimitOffset = OffsetOf(nameof(Limit)),
        EpochOffset = OffsetOf(nameof(Epoch)), KickedOffset = OffsetOf(nameof(Kicked)), JumpsOffset = OffsetOf(nameof(Jumps)),
        KeyOffset = OffsetOf(nameof(Key));

    private static int OffsetOf(string field) => (int)Marshal.OffsetOf<NativeFrame>(field);
}
