using SharpVirt.Cpu.Decoders;

namespace SharpVirt.Cpu.Translation;

/// <summary>
/// One block of a compiled region: its translatable instructions, the byte offset of the first from the
/// region's first instruction, and the decoded block they come from (if any). A region is a hot block
/// (offset 0) and the blocks on the same page it leads to, as far as they have run; jumps between them stay
/// inside the compiled method, and each of them can enter it (see <see cref="BlockFunction"/>).
/// </summary>
public readonly record struct Segment(long Offset, DecodedInsn[] Insns, Block? Source = null);
