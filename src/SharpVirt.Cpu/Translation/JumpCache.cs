using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SharpVirt.Memory;

namespace SharpVirt.Cpu.Translation;

/// <summary>
/// Compiled blocks by guest-virtual PC, so that compiled code goes on to the next compiled block (a call, a
/// return, a jump) without the fetch TLB and the block cache, as QEMU's tb_jmp_cache does. A block with
/// baseline code (<see cref="BaselineTranslator"/>) and none of RyuJIT's yet has an entry too, for the same
/// steps between baseline code and compiled code, in both directions. An entry holds for
/// one translation: its key is the TLB's flush generation and the fetch context, so any SFENCE.VMA, satp
/// write or privilege change makes it miss.
/// <para>
/// An entry is one cache line that holds all a step needs: the method's entry point, the block's number in
/// its region, and where to check that its page is unwritten. A step reads the entry (and the page state
/// only after some code page was written), never the block or its delegate (each of which was another
/// dependent cache miss).
/// </para>
/// </summary>
public sealed unsafe class JumpCache
{
    public const int Bits = 12, Size = 1 << Bits;

    /// <summary>What a step reads: one cache line.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 64)]
    public struct Entry
    {
        public ulong Pc;
        public long Key;
        /// <summary>The entry point of the block's compiled method (see <see cref="EntryPoint"/>).</summary>
        public nint Code;
        /// <summary>The block's page state and the generation it was built in (see <see cref="Block.PageUnchanged"/>).</summary>
        public int* PageState;
        public int Generation;
        /// <summary>Compiled code: the block's number in its region (<see cref="Block.Entry"/>). Baseline code: the runs it was stored with.</summary>
        public int Region;
        /// <summary>The FENCE.I epoch in which the block was last found current.</summary>
        public int Epoch;
        /// <summary>The block's instructions (<see cref="Block.Count"/>), for exact budgets.</summary>
        public int Count;
        /// <summary>
        /// Compiled code: entries from another region of the page, counted here toward a tier-up (see
        /// <see cref="Block.Entries"/>). Baseline code: the runs left before the hart looks at the block again
        /// (to count its heat toward RyuJIT, or to take the code RyuJIT made).
        /// </summary>
        public int Entries;
        /// <summary><see cref="CodePages.Writes"/> as it was before the block was last found current.</summary>
        public int Writes;
        /// <summary>Baseline code: <see cref="Block.Bindings"/> as it was before the block was last found without compiled code.</summary>
        public int Bindings;
        /// <summary>Nonzero when <see cref="Code"/> is the block's baseline code (the hart's own arena) rather than a compiled method.</summary>
        public int Native;
    }

    /// <summary>Where baseline code finds an entry's fields (see BaselineTranslator's lookup).</summary>
    public static readonly int PcOffset = OffsetOf(nameof(Entry.Pc)), KeyOffset = OffsetOf(nameof(Entry.Key)),
        CodeOffset = OffsetOf(nameof(Entry.Code)), NativeOffset = OffsetOf(nameof(Entry.Native));

    private static int OffsetOf(string field) => (int)Marshal.OffsetOf<Entry>(field);

    /// <summary>The table's first entry (the code's lookups index it as <see cref="At"/> does).</summary>
    public Entry* Table => table;

    /// <summary>The block and function of an entry: read on a miss only, and keeping the method alive while the entry names its code.</summary>
    private struct Owner
    {
        public Block? Block;
        public BlockFunction? Function;
    }

    private const int LineSize = 64;

    // Pinned, with room to start the table on a cache line.
    private readonly byte[] storage = GC.AllocateArray<byte>(Size * sizeof(Entry) + LineSize, pinned: true);
    private readonly Entry* table;
    private readonly Owner[] owners = new Owner[Size];

    public JumpCache()
    {
        nint start = (nint)Unsafe.AsPointer(ref storage[0]);
        table = (Entry*)((start + LineSize - 1) & ~(nint)(LineSize - 1));
        Clear();
    }

    /// <summary>The key of the current translation: <paramref name="generation"/> and <paramref name="context"/> together.</summary>
    public static long KeyOf(long generation, int context) => (generation << 2) | (uint)context;

    /// <summary>The entry <paramref name="pc"/> would have; it holds <paramref name="pc"/> only if its <see cref="Entry.Pc"/> and <see cref="Entry.Key"/> say so.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Entry* At(ulong pc) => table + ((int)(pc >> 1) & (Size - 1));

    /// <summary>
    /// Whether <paramref name="e"/> holds a block for <paramref name="pc"/> in translation <paramref name="key"/>
    /// that is current in <paramref name="epoch"/> and whose page is unwritten. While no code page was written
    /// since the entry was last checked, that needs no read of the page state (another cache line).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Hits(Entry* e, ulong pc, long key, int epoch)
        => e->Pc == pc && e->Key == key && e->Epoch == epoch && (e->Writes == Volatile.Read(ref CodePages.Writes) || Recheck(e));

    /// <summary>Some code page was written since <paramref name="e"/> was checked: whether its own is unwritten.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool Recheck(Entry* e)
    {
        int writes = Volatile.Read(ref CodePages.Writes);
        if (!CodePages.Unchanged(e->PageState, e->Generation))
            return false;
        e->Writes = writes;
        return true;
    }

    /// <summary>The compiled block at <paramref name="pc"/> in translation <paramref name="key"/>, if the cache has it (current or not).</summary>
    public Block? Find(ulong pc, long key)
    {
        Entry* e = At(pc);
        return e->Pc == pc && e->Key == key ? owners[Index(e)].Block : null;
    }

    /// <summary>The block <paramref name="e"/> holds.</summary>
    public Block? BlockOf(Entry* e) => owners[Index(e)].Block;

    /// <summary>
    /// Makes <paramref name="block"/>, compiled to <paramref name="function"/> and found current in
    /// <paramref name="epoch"/>, the entry for <paramref name="pc"/> in translation <paramref name="key"/>; returns the entry.
    /// <paramref name="writes"/> is <see cref="CodePages.Writes"/> as read before the block was found current.
    /// </summary>
    public Entry* Store(ulong pc, long key, Block block, BlockFunction function, int epoch, int writes)
    {
        Entry* e = At(pc);
        ref Owner owner = ref owners[Index(e)];
        bool same = e->Pc == pc && e->Key == key && owner.Block == block;
        if (same && e->Code == block.EntryPoint)
        {
            // The entry has this block and its code already (the interpreter entering it again): spare the
            // references' write barriers.
            e->Epoch = epoch;
            e->Writes = writes;
            return e;
        }
        Credit(e);
        // The same block again keeps the entries counted here.
        int entries = same && e->Native == 0 ? e->Entries : block.Entries;
        owner.Block = block;
        owner.Function = function;
        e->Pc = pc;
        e->Key = key;
        e->Code = block.EntryPoint; // function's, read after it (see Block.TryBind)
        e->Native = 0;
        e->PageState = block.PageState;
        e->Generation = block.Generation;
        e->Region = block.Entry;
        e->Epoch = epoch;
        e->Count = block.Count;
        e->Entries = entries;
        e->Writes = writes;
        return e;
    }

    /// <summary>
    /// Makes <paramref name="block"/>'s baseline code (current in the hart's arena) the entry for
    /// <paramref name="pc"/>, to run <paramref name="runs"/> times, or until <see cref="Block.Bindings"/> is no
    /// longer <paramref name="bindings"/> (read before the block was found without compiled code), before the
    /// hart looks at the block again; the other arguments are as for <see cref="Store"/>.
    /// </summary>
    public Entry* StoreNative(ulong pc, long key, Block block, int epoch, int writes, int bindings, int runs)
    {
        Entry* e = At(pc);
        ref Owner owner = ref owners[Index(e)];
        Credit(e);
        if (!(e->Pc == pc && e->Key == key && owner.Block == block))
        {
            owner.Block = block;
            owner.Function = null;
            e->Pc = pc;
            e->Key = key;
            e->PageState = block.PageState;
            e->Generation = block.Generation;
            e->Count = block.Count;
        }
        e->Region = runs;
        e->Code = block.Native;
        e->Native = 1;
        e->Epoch = epoch;
        e->Writes = writes;
        e->Bindings = bindings;
        e->Entries = runs;
        return e;
    }

    /// <summary>Adds the runs baseline entry <paramref name="e"/> made since it was stored (or last credited) to its block's heat.</summary>
    public void Credit(Entry* e)
    {
        if (e->Native == 0 || owners[Index(e)].Block is not { } block)
            return;
        int left = Math.Max(e->Entries, 0);
        block.Heat += e->Region - left;
        e->Region = left;
    }

    /// <summary>Forgets every block (a restored snapshot: the blocks may name memory that is gone).</summary>
    public void Clear()
    {
        Array.Clear(owners);
        // An odd PC matches no instruction, so an empty entry never hits (and its null page state is never read).
        new Span<Entry>(table, Size).Fill(new Entry { Pc = 1 });
    }

    private int Index(Entry* e) => (int)(e - table);

    /// <summary>
    /// The code a call of <paramref name="function"/> enters: a delegate bound to its method's first argument
    /// (<see cref="BlockTranslator.Bind"/>) calls it with that argument in the first register, so a direct
    /// call of this address with the hart first does the same without reading the delegate.
    /// </summary>
    public static nint EntryPoint(BlockFunction function) => MethodPointer(function);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_methodPtr")]
    private static extern ref nint MethodPointer(Delegate function);
}
