using SharpVirt.Cpu.Decoders;
using SharpVirt.Cpu.Mmu;
using SharpVirt.Cpu.Translation;

namespace SharpVirt.Cpu;

/// <summary>The translating engine: hot blocks run as compiled .NET code, the rest in the interpreter.</summary>
public sealed unsafe partial class Hart
{
    /// <summary>Runs of a block head before it is compiled; colder code stays in the interpreter.</summary>
    public int HotThreshold { get; set; } = 64;

    private BlockCache? blocks;

    /// <summary>The engine: the interpreter alone, or the interpreter with the block translator.</summary>
    public bool JitEnabled
    {
        get => blocks != null;
        set => blocks = value ? new BlockCache() : null;
    }

    /// <summary>Blocks compiled so far (statistics).</summary>
    public int BlocksCompiled { get; private set; }

    private void RaisePendingFault() => Trap(faultCause, faultTval);

    /// <summary>FENCE.I: translated blocks are dropped (they also check their bytes before each run).</summary>
    private void FlushTranslations() => blocks?.Clear();

    /// <summary>
    /// At a block head: runs the compiled block for <paramref name="pc"/> if there is one and it still matches
    /// memory. Returns the instructions it retired (the hart's Pc and Instret updated, a fault already taken), or
    /// -1 to let the interpreter go on.
    /// </summary>
    private int TryRunBlock(ulong pc)
    {
        TlbEntry* e = fetchTlb + ((pc >> 12) & Tlb.Mask);
        if (e->Tag != (pc & ~0xfffUL))
            return -1;
        nint host = (nint)(pc + (ulong)e->Addend);
        var block = blocks!.Find(host);
        if (block == null)
        {
            blocks.Store(new Block(host, []) { Heat = 1 });
            return -1;
        }
        var function = Volatile.Read(ref block.Function);
        if (function == null)
        {
            if (++block.Heat < HotThreshold || block.Heat < 0)
                return -1; // still cold, or being compiled
            block = Translate(pc, host);
            if ((function = block.Function) == null)
                return -1;
        }
        else if (!block.StillMatchesMemory)
        {
            blocks.Store(new Block(host, []) { Heat = 1 });
            return -1;
        }
        int retired = function(this, x, pc);
        Instret += (ulong)retired;
        return retired;
    }

    /// <summary>Decodes from <paramref name="host"/> to the first instruction the translator does not take, a branch, or the page end, and compiles it.</summary>
    private Block Translate(ulong pc, nint host)
    {
        var insns = new List<DecodedInsn>();
        int offset = 0, limit = 0x1000 - (int)(pc & 0xfff);
        while (insns.Count < BlockTranslator.MaxInstructions && offset + 2 <= limit)
        {
            uint raw = *(ushort*)(host + offset);
            if ((raw & 3) == 3)
            {
                if (offset + 4 > limit)
                    break;
                raw |= (uint)*(ushort*)(host + offset + 2) << 16;
            }
            var d = Decoder.Decode(raw);
            if (!BlockTranslator.CanTranslate(d.Op))
                break;
            insns.Add(d);
            offset += d.Length;
            if (BlockTranslator.EndsBlock(d.Op))
                break;
        }
        // Heat int.MinValue: compiled, queued, or nothing to compile here; never translate again.
        var block = new Block(host, new ReadOnlySpan<byte>((void*)host, offset).ToArray()) { Heat = int.MinValue };
        if (insns.Count > 0)
        {
            BlocksCompiled++;
            // A threshold of 1 (tests) compiles at once, so every run is covered deterministically.
            if (HotThreshold <= 1 || !BackgroundCompiler.TryEnqueue(block, [.. insns], pc))
                block.Function = BlockTranslator.Compile(insns, pc);
        }
        blocks!.Store(block);
        return block;
    }
}
