using System.Runtime.InteropServices;
using SharpVirt.Cpu.Mmu;

namespace SharpVirt.Cpu.Translation;

/// <summary>
/// What baseline code reads and writes besides the guest registers: the TLB tables of the current context, and
/// on its way out the next guest PC. One per hart, in host memory (the code gets its address).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct NativeFrame
{
    public TlbEntry* LoadTlb;
    public TlbEntry* StoreTlb;
    public ulong NextPc;
    /// <summary>Nonzero when the code stopped before an instruction it could not finish (a TLB miss): the interpreter runs that one.</summary>
    public long Stopped;

    public static readonly int LoadTlbOffset = OffsetOf(nameof(LoadTlb)), StoreTlbOffset = OffsetOf(nameof(StoreTlb)),
        NextPcOffset = OffsetOf(nameof(NextPc)), StoppedOffset = OffsetOf(nameof(Stopped));

    private static int OffsetOf(string field) => (int)Marshal.OffsetOf<NativeFrame>(field);
}
