using SharpVirt.Cpu.Decoders;
using SharpVirt.Cpu.Mmu;
using SharpVirt.Cpu.Translation;
using SharpVirt.Memory;

namespace SharpVirt.Cpu;

/// <summary>
/// Blocks: guest code decoded once per guest-physical address and kept until its page is written. Both
/// engines run decoded blocks; the translating engine also compiles hot ones to .NET code.
/// </summary>
public sealed unsafe partial class Hart
{
    /// <summary>Runs of a block head before it is compiled; colder code stays decoded.</summary>
    public int HotThreshold { get; set; } = 64;

    private readonly BlockCache blocks = new();

    /// <summary>The engine: decoded blocks only (interp), or also compiled ones (jit).</summary>
    public bool JitEnabled { get; set; }

    /// <summary>Blocks compiled so far (statistics).</summary>
    public int BlocksCompiled { get; private set; }

    private void RaisePendingFault() => Trap(faultCause, faultTval);

    /// <summary>FENCE.I: every block checks its bytes before its next run.</summary>
    private void FenceInstructions() => blocks.Revalidate();

    /// <summary>
    /// At a block head: runs the compiled block for <paramref name="pc"/> if there is one, then the compiled
    /// blocks chained after it on the same page, up to <paramref name="budget"/> instructions. Returns the
    /// instructions retired (the hart's Pc and Instret updated, a fault already taken), or -1 to let the
    /// interpreter go on, from <paramref name="decoded"/> when the block has instructions.
    /// </summary>
    private int TryRunBlock(ulong pc, int budget, out DecodedInsn[]? decoded)
    {
        decoded = null;
        TlbEntry* e = fetchTlb + ((pc >> 12) & Tlb.Mask);
        if (e->Tag != (pc & ~0xfffUL))
            return -1;
        nint host = (nint)(pc + (ulong)e->Addend);
        var block = blocks.Find(host);
        int epoch = blocks.Epoch;
        if (block == null || !block.IsCurrent(epoch))
        {
            block = Decode(pc, host);
            blocks.Store(block);
        }
        var function = Volatile.Read(ref block.Function);
        if (function == null && JitEnabled && ++block.Heat >= HotThreshold && !block.Queued)
            function = Compile(block, pc);
        if (function == null || block.Count > budget)
        {
            decoded = block.Count > 0 ? block.Insns : null;
            return -1;
        }
        ulong traps = TrapCount;
        int total = 0;
        while (true)
        {
            total += function(x, pc);
            ulong next = Pc;
            // Chain only within the page (same translation) and while nothing trapped.
            if (total >= budget || TrapCount != traps || ((next ^ pc) & ~0xfffUL) != 0)
                break;
            var successor = FindSuccessor(block, block.Host + (nint)(next - pc));
            if (successor == null || (function = Volatile.Read(ref successor.Function)) == null || !successor.IsCurrent(epoch)
                || successor.Count > budget - total)
            {
                break;
            }
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
        var found = blocks.Find(host);
        if (found?.Function == null)
            return null;
        block.Next1 = block.Next0;
        block.Next0 = found;
        return found;
    }

    /// <summary>
    /// Decodes from <paramref name="host"/> through the first jump, the first instruction the translator does
    /// not take, <see cref="BlockTranslator.MaxInstructions"/> instructions or the page end. Conditional
    /// branches do not end it: a not-taken branch goes on in the same block.
    /// </summary>
    private Block Decode(ulong pc, nint host)
    {
        // Protect the page before reading it: a write from now on makes this block stale.
        int* state = CodeStateOf((byte*)host);
        int generation = CodePages.Protect(state, out bool newlyProtected);
        if (newlyProtected)
            memory.OnCodePageProtected((byte*)(host & ~0xfff));
        Span<DecodedInsn> insns = stackalloc DecodedInsn[BlockTranslator.MaxInstructions];
        int count = 0, offset = 0, limit = 0x1000 - (int)(pc & 0xfff);
        while (count < insns.Length && offset + 2 <= limit)
        {
            uint raw = *(ushort*)(host + offset);
            if ((raw & 3) == 3)
            {
                if (offset + 4 > limit)
                    break;
                raw |= (uint)*(ushort*)(host + offset + 2) << 16;
            }
            var d = Decoder.Decode(raw);
            insns[count++] = d;
            offset += d.Length;
            if (!BlockTranslator.CanTranslate(d.Op) || BlockTranslator.EndsBlock(d.Op))
                break;
        }
        var block = new Block(host, state, generation, insns[..count].ToArray(), offset, blocks.Epoch);
        if (JitEnabled && count > 0)
            TryAdopt(block);
        return block;
    }

    /// <summary>Binds the method compiled from the same bytes (by any hart), if there is one.</summary>
    private bool TryAdopt(Block block)
    {
        if (CompiledCode.Find(block.Code) is not { } method)
            return false;
        block.Queued = true;
        block.Function = BlockTranslator.Bind(method, this);
        BlocksCompiled++;
        return true;
    }

    /// <summary>Compiles the translatable prefix of a hot block (on the background thread when it has room).</summary>
    private BlockFunction? Compile(Block block, ulong pc)
    {
        block.Queued = true;
        var insns = block.Insns;
        int n = insns.Length > 0 && !BlockTranslator.CanTranslate(insns[^1].Op) ? insns.Length - 1 : insns.Length;
        if (n == 0)
            return null;
        if (TryAdopt(block))
            return block.Function;
        BlocksCompiled++;
        // A threshold of 1 (tests) compiles at once, so every run is covered deterministically.
        if (HotThreshold <= 1)
        {
            var method = BlockTranslator.Emit(insns[..n], pc);
            block.Function = BlockTranslator.Bind(method, this);
            CompiledCode.Add(block.Code, method);
            return block.Function;
        }
        if (!BackgroundCompiler.TryEnqueue(this, block, insns[..n], pc))
        {
            block.Queued = false; // the queue is full: try again later
            block.Heat = 0;
        }
        return null;
    }
}
