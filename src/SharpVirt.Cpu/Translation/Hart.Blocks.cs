using System.Runtime.CompilerServices;
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

    /// <summary>Compiled regions, shared with the other harts of the machine (whose memory is the same).</summary>
    public CompiledCode Translations { get; init; } = new();

    /// <summary>Compile on this thread as a block gets hot, so that what runs compiled is deterministic (tests); a threshold of 1 implies it.</summary>
    public bool CompileInForeground { get; set; }

    private readonly BlockCache blocks = new();

    /// <summary>The block run last (decoded or compiled): its successors lead to the next block without a cache lookup.</summary>
    private Block? previous;
    private readonly JumpCache jumps = new();

    /// <summary>The running compiled region's first PC and budget, kept here to leave host registers to guest ones.</summary>
#pragma warning disable CS0169 // used by compiled code only (BlockTranslator)
    private ulong regionPc;
    private int regionBudget;
#pragma warning restore CS0169

    /// <summary>The engine: decoded blocks only (interp), or also compiled ones (jit).</summary>
    public bool JitEnabled { get; set; }

    /// <summary>Blocks compiled so far (statistics).</summary>
    public int BlocksCompiled { get; private set; }

    private void RaisePendingFault() => Trap(faultCause, faultTval);

    /// <summary>
    /// The only hart on its guest memory. The page state then catches every write to code: the one write
    /// it can miss is another hart's store racing with a page becoming code (see BlockCache.Revalidate), so
    /// FENCE.I need not make blocks recheck their bytes. A one-vCPU Linux boot executes about 45,000 FENCE.Is.
    /// </summary>
    public bool SoleHart { get; set; }

    /// <summary>FENCE.I: every block checks its bytes before its next run, unless the hart is alone (<see cref="SoleHart"/>).</summary>
    private void FenceInstructions()
    {
        if (!SoleHart)
            blocks.Revalidate();
    }

    /// <summary>Whether a budget must be kept to the instruction; else the last block runs to its end.</summary>
    private bool exactBudget = true;

    /// <summary>
    /// At a block head: runs the compiled block for <paramref name="pc"/> if there is one, then the compiled
    /// blocks chained after it on the same page, until <paramref name="budget"/> instructions have retired;
    /// unless <see cref="exactBudget"/>, the last block runs to its end, so this may retire up to
    /// <see cref="BlockTranslator.MaxInstructions"/> more (cutting it short would make a block head in its
    /// middle, decoded and compiled again from there). Returns the instructions retired
    /// (the hart's Pc and Instret updated, a fault already taken), or -1 to let the interpreter go on, from
    /// <paramref name="decoded"/> when the block has instructions.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int TryRunBlock(ulong pc, int budget, out DecodedInsn[]? decoded)
    {
        decoded = null;
        TlbEntry* e = fetchTlb + ((pc >> 12) & Tlb.Mask);
        if (e->Tag != (pc & ~0xfffUL))
            return -1;
        nint host = (nint)(pc + (ulong)e->Addend);
        int writes = Volatile.Read(ref CodePages.Writes); // before the block is found current (see JumpCache.Store)
        int bindings = Volatile.Read(ref Block.Bindings); // before its function is read (see JumpCache.StoreNative)
        // The block that ran last usually leads here (one of its two last successors): no cache lookup then.
        var last = previous;
        var block = last?.ChainedAt(host) ?? blocks.Find(host);
        int epoch = blocks.Epoch;
        if (block == null || !block.IsCurrent(epoch))
        {
            block = Decode(pc, host);
            blocks.Store(block);
        }
        if (last != null && last.Next0 != block && last.Next1 != block)
        {
            last.Next1 = last.Next0;
            last.Next0 = block;
        }
        previous = block;
        var function = Volatile.Read(ref block.Function);
        if (function == null && JitEnabled && ++block.Heat >= HotThreshold && !block.Queued)
            function = Compile(block, pc);
        if ((exactBudget && block.Count > budget) || (function == null && !RunsNative(block)))
        {
            decoded = block.Count > 0 ? block.Insns : null;
            return -1;
        }
        // Compiled and baseline code change neither the translation nor the mode (they leave before
        // SFENCE.VMA, traps and the CSRs they do not take, and after an sstatus write beyond SIE/MIE), so
        // this key holds for the whole chain.
        long key = JumpCache.KeyOf(tlb.Generation, fetchContext);
        tlb.NoteCodePage(pc);
        var entry = function != null
            ? jumps.Store(pc, key, block, function, epoch, writes)
            : StoreNative(pc, key, block, epoch, writes, bindings);
        return RunCompiled(entry, pc, budget, epoch, key, out decoded);
    }

    /// <summary>The block cached for the guest-physical address <paramref name="pa"/> of RAM, if any (tests).</summary>
    internal Block? BlockAt(ulong pa) => memory.GetHostPointer(pa, 2) is var host && host != null ? blocks.Find((nint)host) : null;

    /// <summary>
    /// The compiled half of <see cref="TryRunBlock"/>, kept apart so that the lookup inlines into the
    /// interpreter: runs the block of jump cache entry <paramref name="e"/>, then the blocks the jump cache
    /// has for where each one leads, compiled or baseline. A step reads the next entry only (and its page
    /// state after some code page was written). If baseline code stopped before an instruction it could not
    /// finish, <paramref name="rest"/> is its block's instructions and <see cref="nativeStop"/> the index the
    /// interpreter goes on from.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int RunCompiled(JumpCache.Entry* e, ulong pc, int budget, int epoch, long key, out DecodedInsn[]? rest)
    {
        ulong traps = TrapCount;
        int total = 0;
        nativeFrame->Epoch = epoch;
        nativeFrame->Key = key;
        nativeFrame->ExitSlot = null;
        while (true)
        {
            if (e->Native == 0)
            {
                // An exact budget keeps the region to its first block (which fits): the step below checks the next.
                // The entry point takes the hart first, as the bound delegate would (see JumpCache.EntryPoint).
                var code = (delegate*<Hart, ulong*, ulong, int, int, int>)e->Code;
                total += code(this, x, pc, exactBudget ? 0 : budget - total, e->Region);
            }
            else
            {
                int ran = RunNative(e, pc, exactBudget ? 0 : budget - total);
                if (ran < 0)
                    return Stopped(e, total + ~ran, out rest);
                total += ran;
            }
            ulong next = Pc;
            if (total >= budget || TrapCount != traps || Volatile.Read(ref Kicked) != 0)
                break;
            var n = jumps.At(next);
            if (!JumpCache.Hits(n, next, key, epoch) && (n = Miss(e, pc, next, key, epoch)) == null)
                break;
            // (A miss may have put the next block in this entry; if it does not run now, previous names it
            // below, which costs the interpreter's lookup a chained successor, nothing more.)
            if (exactBudget && n->Count > budget - total)
                break;
            if (n->Native != 0)
            {
                if ((n->Bindings != Volatile.Read(ref Block.Bindings) || --n->Entries < 0) && !StaysNative(n, next))
                    break;
            }
            else if (SamePage(next, pc) && ++n->Entries >= TierUpEntries)
                TierUp(n, next);
            Link(n);
            e = n;
            pc = next;
        }
        previous = (e->Native != 0 ? ChainedBlock : null) ?? jumps.BlockOf(e);
        rest = null;
        Instret += (ulong)total;
        return total;
    }

    /// <summary>
    /// The end of <see cref="RunCompiled"/> when baseline code stopped in the block of <paramref name="e"/>: the
    /// interpreter goes on with its <paramref name="rest"/>. Apart, because a flag carried through the loop cost
    /// it a register (RyuJIT then spilled the next PC at every step).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int Stopped(JumpCache.Entry* e, int total, out DecodedInsn[]? rest)
    {
        previous = ChainedBlock ?? jumps.BlockOf(e);
        rest = previous!.Insns;
        Instret += (ulong)total;
        return total;
    }

    /// <summary>Whether guest addresses <paramref name="a"/> and <paramref name="b"/> are on one page (so under one translation).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool SamePage(ulong a, ulong b) => ((a ^ b) & ~0xfffUL) == 0;

    /// <summary>
    /// The jump cache has no current block for <paramref name="next"/>, where the block of <paramref name="e"/>
    /// (at <paramref name="pc"/>) led: one found through that block's chain on its page, or one whose FENCE.I
    /// recheck passes, becomes the entry if it has compiled or baseline code; null to leave for the interpreter.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private JumpCache.Entry* Miss(JumpCache.Entry* e, ulong pc, ulong next, long key, int epoch)
    {
        int writes = Volatile.Read(ref CodePages.Writes), bindings = Volatile.Read(ref Block.Bindings);
        Block? successor = jumps.Find(next, key);
        if (successor == null && SamePage(next, pc) && jumps.BlockOf(e) is { } block)
            successor = FindSuccessor(block, block.Host + (nint)(next - pc));
        if (successor == null || !successor.IsCurrent(epoch))
            return null;
        tlb.NoteCodePage(next); // the entry holds under this generation only if a flush of its page ends it
        if (Volatile.Read(ref successor.Function) is { } function)
            return jumps.Store(next, key, successor, function, epoch, writes);
        return RunsNative(successor) ? StoreNative(next, key, successor, epoch, writes, bindings) : null;
    }

    /// <summary>
    /// On the hart's thread, for the block of jump cache entry <paramref name="e"/> (at <paramref name="pc"/>),
    /// entered <see cref="TierUpEntries"/> times or more from another region of its page: see
    /// <see cref="TierUp(Block, ulong, BlockFunction)"/>. The entry takes the new code once it is bound.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void TierUp(JumpCache.Entry* e, ulong pc)
    {
        if (jumps.BlockOf(e) is not { Function: { } function } block)
            return;
        if (block.Entries < 0)
        {
            e->Entries = block.Entries; // done with (bound, given up, or nothing more to take in)
            return;
        }
        block.Entries = Math.Max(block.Entries, e->Entries);
        var now = TierUp(block, pc, function);
        if (now != function)
            jumps.Store(pc, e->Key, block, now, e->Epoch, e->Writes);
        e->Entries = block.Entries;
    }

    /// <summary>The compiled or baseline-warm block at <paramref name="host"/> after <paramref name="block"/>: from its chain, else from the cache (then chained).</summary>
    private Block? FindSuccessor(Block block, nint host)
    {
        if (block.ChainedAt(host) is { } chained)
            return chained;
        var found = blocks.Find(host);
        if (found == null || (found.Function == null && !WarmForNative(found)))
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
            if (!BlockTranslator.CanTranslate(d) || BlockTranslator.EndsBlock(d.Op) || BlockTranslator.CallsHart(d.Op))
                break;
        }
        var block = new Block(host, state, generation, Block.Apart<DecodedInsn>(insns[..count]), offset, blocks.Epoch);
        if (JitEnabled && count > 0)
            TryAdopt(block);
        return block;
    }

    /// <summary>Binds the region compiled from the same bytes (by any hart, as its head or another of its blocks), if there is one; true if the block has code now.</summary>
    private bool TryAdopt(Block block)
    {
        if (Translations.FindFor(block) is not { } region)
            return false;
        block.Queued = true;
        if (TryBind(block, region))
            BlocksCompiled++;
        return true;
    }

    /// <summary>Makes <paramref name="block"/> run <paramref name="region"/> (compiled from its bytes) unless it has code already; any thread.</summary>
    internal bool TryBind(Block block, CompiledRegion region) => block.TryBind(region, BlockTranslator.Bind(region.Method, this));

    /// <summary>
    /// Binds a region just compiled for <paramref name="head"/> to it, and to the region's other blocks that
    /// have no code yet, so that a block entered from elsewhere (a return, another region's exit) need not
    /// wait for its own compilation. Called by the thread that compiled it.
    /// </summary>
    internal void BindRegion(Block head, CompiledRegion region, IReadOnlyList<Segment> segments)
    {
        var function = BlockTranslator.Bind(region.Method, this);
        head.TryBind(region, function);
        for (int i = 1; i < segments.Count; i++)
            if (segments[i].Source is { } source && source.TryBind(region.EnteredAt(i, segments[i].Offset), function))
                source.Queued = true;
    }

    /// <summary>Compiles a hot block and its region (on the background thread when it has room).</summary>
    private BlockFunction? Compile(Block block, ulong pc)
    {
        block.Queued = true;
        if (TranslatablePrefix(block).Length == 0)
            return null;
        if (TryAdopt(block))
            return block.Function;
        var segments = RegionOf(block, MaxRegionInstructions, out int start, out byte[] bytes);
        BlocksCompiled++;
        if (HotThreshold <= 1 || CompileInForeground)
        {
            CompileNow(block, segments, pc, start, bytes);
            return block.Function;
        }
        if (!BackgroundCompiler.TryEnqueue(new(this, block, segments, pc, start, bytes)))
        {
            block.Queued = false; // the queue is full: try again later
            block.Heat = 0;
        }
        return null;
    }

    private void CompileNow(Block block, List<Segment> segments, ulong pc, int start, byte[] bytes)
    {
        var region = CompiledRegion.Compile(segments, pc, start, bytes);
        Translations.Add(block.Code, region, segments);
        BindRegion(block, region, segments);
    }

    /// <summary>
    /// A compiled block entered this many times from another region on its page is compiled again with a
    /// region of up to <see cref="MaxTierUpInstructions"/>, if that takes in more blocks: a hot loop whose
    /// blocks sit in several regions of one page (gzip's) then runs in one method.
    /// </summary>
    public const int TierUpEntries = 1 << 16;

    /// <summary>A region holds at most this many instructions (RyuJIT's time grows with the method).</summary>
    public const int MaxRegionInstructions = 256;

    /// <summary>The same for a tier-up (see <see cref="TierUpEntries"/>).</summary>
    public const int MaxTierUpInstructions = 512;

    /// <summary>
    /// On the hart's thread, for a block entered <see cref="TierUpEntries"/> times or more: queues its bigger
    /// region, or binds it once compiled; returns the function to run now.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private BlockFunction TierUp(Block block, ulong pc, BlockFunction function)
    {
        if (Volatile.Read(ref block.Upgrade) is { } upgrade)
            return BindTierUp(block, upgrade);
        if (block.Entries > TierUpEntries)
        {
            if (block.Entries > 64 * TierUpEntries)
                block.Entries = int.MinValue; // the compiler failed on it: give up
            return function;
        }
        var segments = RegionOf(block, MaxTierUpInstructions, out int start, out byte[] bytes);
        if (segments.Sum(s => s.Insns.Length) <= block.RegionInstructions)
            block.Entries = int.MinValue; // nothing more to take in
        else if (HotThreshold <= 1 || CompileInForeground)
        {
            var region = CompiledRegion.Compile(segments, pc, start, bytes);
            Translations.Add(block.Code, region, segments);
            return BindTierUp(block, region);
        }
        else if (!BackgroundCompiler.TryEnqueue(new(this, block, segments, pc, start, bytes, TierUp: true)))
            block.Entries = int.MinValue;
        return function;
    }

    /// <summary>Replaces <paramref name="block"/>'s code with its tier-up <paramref name="region"/> (on the hart's thread: see <see cref="Block.TryBind"/>); returns the new function.</summary>
    private BlockFunction BindTierUp(Block block, CompiledRegion region)
    {
        block.Rebind(region, BlockTranslator.Bind(region.Method, this));
        block.Entries = int.MinValue;
        return block.Function!;
    }

    /// <summary>The instructions of <paramref name="block"/> the translator takes (all but an untranslatable last one).</summary>
    private static DecodedInsn[] TranslatablePrefix(Block block)
    {
        var insns = block.Insns;
        return insns.Length > 0 && !BlockTranslator.CanTranslate(insns[^1]) ? insns[..^1] : insns;
    }

    /// <summary>
    /// The region of a hot block: the block, then breadth first the blocks its jumps and branches lead to on
    /// the same page, and those its calls return to, if they have run (they are in the cache and current).
    /// Also returns the range of guest bytes the region is built from (<paramref name="start"/> relative to
    /// the block, zero or negative).
    /// </summary>
    private List<Segment> RegionOf(Block head, int maxInstructions, out int start, out byte[] bytes)
    {
        var segments = new List<Segment> { new(0, TranslatablePrefix(head), head) };
        var offsets = new HashSet<long> { 0 };
        int total = segments[0].Insns.Length, epoch = blocks.Epoch;
        long low = 0, high = 0;
        for (int i = 0; i < segments.Count; i++)
        {
            long offset = segments[i].Offset;
            foreach (var d in segments[i].Insns)
            {
                if (d.Op is Op.Jal || BlockTranslator.IsBranch(d.Op))
                    Include(offset + d.Imm);
                offset += d.Length;
            }
            high = Math.Max(high, offset);
            low = Math.Min(low, segments[i].Offset);
            var last = segments[i].Insns[^1];
            if (!BlockTranslator.EndsBlock(last.Op) || last.Rd != 0)
                Include(offset); // goes on, or a call returns there
        }
        start = (int)low;
        bytes = new ReadOnlySpan<byte>((void*)(head.Host + (nint)low), (int)(high - low)).ToArray();
        return segments;

        void Include(long offset)
        {
            nint host = head.Host + (nint)offset;
            if (((host ^ head.Host) & ~0xfff) != 0 || offsets.Contains(offset))
                return;
            if (blocks.Find(host) is not { } block || !block.IsCurrent(epoch))
                return;
            var insns = TranslatablePrefix(block);
            if (insns.Length == 0 || total + insns.Length > maxInstructions)
                return;
            offsets.Add(offset);
            segments.Add(new Segment(offset, insns, block));
            total += insns.Length;
        }
    }
}
