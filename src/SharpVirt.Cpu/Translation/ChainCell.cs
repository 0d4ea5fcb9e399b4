using System.Runtime.InteropServices;

namespace SharpVirt.Cpu.Translation;

/// <summary>
/// What a chain into a block's baseline code checks, in the code arena's data area: baseline code whose exit
/// leads to a block on the same guest page jumps through a link (a pointer beside the cell) straight to that
/// block's chain entry, which goes on only while the block's cell holds runs, matches the frame's FENCE.I epoch
/// and the block has no compiled code, its page is unwritten, the call's instruction limit is not reached and no
/// other thread kicked the hart; else it returns to the dispatcher. The hart points a link at a block when the
/// exit returned unlinked and the jump cache held baseline code for where it led.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct ChainCell
{
    /// <summary>Entries through chains left before the hart looks at the block again (to credit its heat).</summary>
    public int RunsLeft;
    /// <summary>The FENCE.I epoch in which the block was last found current.</summary>
    public int Epoch;
    /// <summary>Set by the thread that gives the block compiled code (see <see cref="Block.Cell"/>).</summary>
    public int Bound;
    /// <summary>The block's number among the hart's blocks with baseline code in this arena generation.</summary>
    public int Index;

    public const int Size = 16;
    public const int EpochOffset = 4, BoundOffset = 8;
}
