namespace SharpVirt.Cpu.Translation;

/// <summary>Compiled guest code: runs the block from its first instruction and returns how many instructions retired.</summary>
public unsafe delegate int BlockFunction(Hart hart, ulong* x, ulong pc);

/// <summary>
/// A translated block, keyed by the host address of its first instruction (which names one guest-physical
/// address). It keeps a copy of the bytes it was built from and checks them before each run, so a block
/// can never execute stale code, whoever wrote the memory: the guest itself, another hart, or DMA.
/// </summary>
public sealed unsafe class Block
{
    public Block(nint host, byte[] code)
    {
        Host = host;
        Code = code;
    }

    public nint Host { get; }
    public byte[] Code { get; }

    /// <summary>Runs counted before the block is hot enough to compile.</summary>
    public int Heat;

    /// <summary>Null until compiled; also null when the code at this address cannot start a block.</summary>
    public BlockFunction? Function;

    /// <summary>
    /// Chained successors: the blocks that last followed this one on the same guest page (two, for a
    /// branch's two ways). Same page means same translation, so the next block needs no TLB lookup.
    /// </summary>
    public Block? Next0, Next1;

    public bool StillMatchesMemory => new ReadOnlySpan<byte>((void*)Host, Code.Length).SequenceEqual(Code);
}
