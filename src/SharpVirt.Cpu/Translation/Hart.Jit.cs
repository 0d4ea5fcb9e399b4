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
    /// memory, then the blocks chained after it on the same page, up to <paramref name="budget"/> instructions.
    /// Returns the instructions retired (the hart's Pc and Instret updated, a fault already taken), or -1 to let
    /// the interpreter go on.
    /// </summary>
    private int TryRunBlock(ulong pc, int budget)
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
        ulong traps = TrapCount;
        int total = 0;
        while (true)
        {
            total += function(this, x, pc);
            ulong next = Pc;
            // Chain only within the page (same translation) and while nothing trapped.
            if (total >= budget || TrapCount != traps || ((next ^ pc) & ~0xfffUL) != 0)
                break;
            var successor = FindSuccessor(block, block.Host + (nint)(next - pc));
            if (successor == null || (function = Volatile.Read(ref successor.Function)) == null || !successor.StillMatchesMemory)
                break;
            block = successor;
            pc = next;
        }
        Instret += (ulong)total;
        return total;
    }

    /// <summary>The compiled block at <paramref name="host"/> after <paramref name="block"/>: from its chain, else from the cache (then chained).</summary>
    private Block? FindSuccessor(Block block, nint host)
    {
        if (block.Next0?.Host == host)
            return block.Next0;
        if (block.Next1?.Host == host)
            return block.Next1;
        var found = blocks!.Find(host);
        if (found?.Function == null)
            return null;
        block.Next1 = block.Next0;
        block.Next0 = found;
        return found;
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
