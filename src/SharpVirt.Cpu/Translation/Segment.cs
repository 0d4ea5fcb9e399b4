using SharpVirt.Cpu.Decoders;

namespace SharpVirt.Cpu.Translation;

/// <summary>
/// One block of a compiled region: its translatable instructions and the byte offset of the first from the
/// region's first instruction. A region is a hot block (offset 0) and the blocks on the same page it jumps
/// to, as far as they have run; jumps between them stay inside the compiled method.
/// </summary>
public readonly record struct Segment(long Offset, DecodedInsn[] Insns);
