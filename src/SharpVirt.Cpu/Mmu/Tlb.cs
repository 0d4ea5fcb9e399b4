using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SharpVirt.Cpu.Mmu;

/// <summary>A direct-mapped TLB entry: host = va + Addend for a 4 KiB RAM page whose page-aligned va is Tag.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct TlbEntry
{
    public ulong Tag;
    public long Addend;
}

/// <summary>
/// The soft TLB: one direct-mapped table per (translation context, access kind). The context is the
/// effective privilege (U, S, S with SUM, M) so that traps and SUM toggles switch tables rather than
/// flush them. Only RAM pages with the access permitted enter a table; a store entry exists only once
/// the page's D bit is set, so the fast path never needs to check permissions or A/D. An entry pushed out
/// of its slot goes to a small fully associative victim table, as in QEMU, which the slow path searches
/// before walking the page table: pages whose numbers collide modulo the table size then cost a swap,
/// not a walk, when a loop uses them in turn.
/// </summary>
public sealed unsafe class Tlb : IDisposable
{
    /// <summary>2,048 entries reach 8 MiB, so pages a multiple of 2 MiB apart do not collide (see TlbVictimTests).</summary>
    public const int Bits = 11, Entries = 1 << Bits, Mask = Entries - 1;
    public const int Contexts = 4, Kinds = 3;
    public const int ContextUser = 0, ContextSupervisor = 1, ContextSupervisorSum = 2, ContextMachine = 3;
    public const ulong Invalid = 1; // never a page-aligned tag

    /// <summary>Victim entries per (context, kind).</summary>
    public const int Victims = 8;
    private const int Tables = Contexts * Kinds, MainEntries = Tables * Entries, AllEntries = MainEntries + Tables * Victims;

    /// <summary>The number of the table for (<paramref name="context"/>, <paramref name="kind"/>).</summary>
    private static int TableOf(int context, AccessType kind) => (context * Kinds) + (int)kind;

    /// <summary>The tables (<see cref="MainEntries"/> entries), then each table's victims.</summary>
    private readonly TlbEntry* entries;
    /// <summary>Per entry: ASID+1 of a non-global mapping, or 0 for a global one (SFENCE.VMA filtering).</summary>
    private readonly uint* asids;
    /// <summary>Per entry: the offset mask of the superpage it was cut from, or 0 for a 4 KiB page.</summary>
    private readonly ulong* superpageMasks;
    /// <summary>Per table: the victim slot the next evicted entry takes (round robin).</summary>
    private readonly int[] nextVictim = new int[Tables];
    /// <summary>
    /// Which superpages have pieces in the table since the last full flush, so that SFENCE.VMA by an address
    /// outside all of them stays a one-index affair: a bitmap of 2 MiB regions (hashed by address bits 32:21),
    /// and a short list of larger pages (1 GiB and up; -1 once there were too many to list).
    /// </summary>
    private const int MegaBits = 4096, MaxGigapages = 16;
    private readonly ulong[] megapages = new ulong[MegaBits / 64];
    private readonly ulong[] gigapageBase = new ulong[MaxGigapages], gigapageMask = new ulong[MaxGigapages];
    private int gigapageCount;
    private bool anySuperpage;

    /// <summary>
    /// The slots that may hold an entry (every valid one is listed, once), so that a flush visits those rather
    /// than all <see cref="AllEntries"/>: Linux flushes by ASID at every context switch, and a table mostly empty.
    /// </summary>
    private readonly int* used;
    private readonly bool* listed;
    private int usedCount;

    public Tlb()
    {
        int n = AllEntries;
        entries = (TlbEntry*)NativeMemory.AlignedAlloc((nuint)(n * sizeof(TlbEntry)), 64);
        asids = (uint*)NativeMemory.AllocZeroed((nuint)n, sizeof(uint));
        superpageMasks = (ulong*)NativeMemory.AllocZeroed((nuint)n, sizeof(ulong));
        used = (int*)NativeMemory.AllocZeroed((nuint)n, sizeof(int));
        listed = (bool*)NativeMemory.AllocZeroed((nuint)n, sizeof(bool));
        for (int i = 0; i < n; i++)
            entries[i].Tag = Invalid;
        Generation = 1; // a zeroed jump cache entry never matches
    }

    private void List(int slot)
    {
        if (!listed[slot])
        {
            listed[slot] = true;
            used[usedCount++] = slot;
        }
    }

    /// <summary>Invalidates the listed entries <paramref name="drop"/> selects, and unlists every invalid one.</summary>
    private void Sweep<TFilter>(TFilter drop) where TFilter : struct, ISlotFilter
    {
        int kept = 0;
        for (int i = 0; i < usedCount; i++)
        {
            int slot = used[i];
            if (entries[slot].Tag != Invalid && drop.Drops(this, slot))
                entries[slot].Tag = Invalid;
            if (entries[slot].Tag == Invalid)
                listed[slot] = false;
            else
                used[kept++] = slot;
        }
        usedCount = kept;
    }

    private interface ISlotFilter
    {
        bool Drops(Tlb tlb, int slot);
    }

    private readonly struct All : ISlotFilter
    {
        public bool Drops(Tlb tlb, int slot) => true;
    }

    private readonly struct OfAsid(ushort? asid) : ISlotFilter
    {
        public bool Drops(Tlb tlb, int slot) => tlb.Matches(slot, asid);
    }

    /// <summary>Entries of the superpage holding the address (SFENCE.VMA by address, see <see cref="Flush"/>).</summary>
    private readonly struct InSuperpage(ulong va, ushort? asid) : ISlotFilter
    {
        public bool Drops(Tlb tlb, int slot)
        {
            ulong m = tlb.superpageMasks[slot];
            return m != 0 && ((tlb.entries[slot].Tag ^ va) & ~m) == 0 && tlb.Matches(slot, asid);
        }
    }

    /// <summary>
    /// The tag an access of <paramref name="size"/> bytes at <paramref name="va"/> hits, as in QEMU: the page of
    /// its last byte. Compared with the entry of the first byte's page it checks both at once, since an
    /// access that crosses into the next page finds that page's tag in another entry, never in this one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong LastPageTag(ulong va, int size) => (va + (ulong)(size - 1)) & ~0xfffUL;

    public TlbEntry* Table(int context, AccessType kind) => entries + TableOf(context, kind) * Entries;

    /// <summary>
    /// Caches the 4 KiB page holding <paramref name="va"/>. <paramref name="pageMask"/> is the offset mask of the
    /// mapping it belongs to (0xfff for a 4 KiB page, larger for a superpage), for SFENCE.VMA by address.
    /// </summary>
    public void Fill(int context, AccessType kind, ulong va, byte* host, bool global, ushort asid, ulong pageMask = 0xfff)
    {
        int index = (int)((va >> 12) & Mask);
        int table = TableOf(context, kind);
        int slot = table * Entries + index;
        ulong page = va & ~0xfffUL;
        if (entries[slot].Tag != Invalid && entries[slot].Tag != page)
        {
            int victim = VictimSlot(table, nextVictim[table]);
            nextVictim[table] = (nextVictim[table] + 1) % Victims;
            Move(slot, victim);
        }
        entries[slot].Tag = page;
        entries[slot].Addend = (long)host - (long)page;
        List(slot);
        asids[slot] = global ? 0u : asid + 1u;
        superpageMasks[slot] = pageMask > 0xfff ? pageMask : 0;
        if (pageMask > 0xfff)
            NoteSuperpage(va, pageMask);
    }

    private static int VictimSlot(int table, int i) => MainEntries + table * Victims + i;

    private void Move(int from, int to)
    {
        List(to);
        entries[to] = entries[from];
        asids[to] = asids[from];
        superpageMasks[to] = superpageMasks[from];
    }

    /// <summary>
    /// On a miss: if a victim entry of this table holds the page of <paramref name="va"/>, swaps it with the
    /// entry in its slot and returns true (the table then hits).
    /// </summary>
    public bool TryVictim(int context, AccessType kind, ulong va)
    {
        int table = TableOf(context, kind);
        ulong page = va & ~0xfffUL;
        for (int i = 0; i < Victims; i++)
        {
            int victim = VictimSlot(table, i);
            if (entries[victim].Tag != page)
                continue;
            int slot = table * Entries + (int)((va >> 12) & Mask);
            var entry = entries[victim];
            uint asid = asids[victim];
            ulong mask = superpageMasks[victim];
            Move(slot, victim);
            List(slot);
            entries[slot] = entry;
            asids[slot] = asid;
            superpageMasks[slot] = mask;
            return true;
        }
        return false;
    }

    private void NoteSuperpage(ulong va, ulong mask)
    {
        anySuperpage = true;
        if (mask == MegapageMask)
        {
            int bit = (int)((va >> 21) & (MegaBits - 1));
            megapages[bit >> 6] |= 1UL << bit;
            return;
        }
        int n = gigapageCount;
        if (n < 0)
            return;
        ulong start = va & ~mask;
        for (int i = 0; i < n; i++)
            if (gigapageBase[i] == start && gigapageMask[i] == mask)
                return;
        if (n == MaxGigapages)
        {
            gigapageCount = -1;
            return;
        }
        gigapageBase[n] = start;
        gigapageMask[n] = mask;
        gigapageCount = n + 1;
    }

    private const ulong MegapageMask = (1UL << 21) - 1;

    /// <summary>False only if no superpage cached since the last full flush can hold <paramref name="va"/>.</summary>
    private bool MayBeInSuperpage(ulong va)
    {
        if (!anySuperpage)
            return false;
        int bit = (int)((va >> 21) & (MegaBits - 1));
        if ((megapages[bit >> 6] & (1UL << bit)) != 0)
            return true;
        int n = gigapageCount;
        if (n < 0)
            return true;
        for (int i = 0; i < n; i++)
            if (((va ^ gigapageBase[i]) & ~gigapageMask[i]) == 0)
                return true;
        return false;
    }

    /// <summary>Counts flushes: what was cached by virtual address under one generation holds until the next.</summary>
    public long Generation { get; private set; }

    /// <summary>
    /// The 4 KiB pages (hashed) that code was cached for by virtual address in this generation (see
    /// <see cref="NoteCodePage"/>). A flush of one address elsewhere keeps the generation: Linux flushes the
    /// address of every page fault it handles, and each new generation empties the jump cache.
    /// </summary>
    private readonly ulong[] codePages = new ulong[CodePageBits / 64];
    private const int CodePageBits = 4096;

    /// <summary>Something was cached under <see cref="Generation"/> for code at <paramref name="va"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void NoteCodePage(ulong va) => codePages[CodePageBit(va) >> 6] |= 1UL << CodePageBit(va);

    private bool MayHoldCode(ulong va) => (codePages[CodePageBit(va) >> 6] & (1UL << CodePageBit(va))) != 0;

    private static int CodePageBit(ulong va) => (int)((va >> 12) & (CodePageBits - 1));

    private void NewGeneration()
    {
        Generation++;
        Array.Clear(codePages);
    }

    public void FlushAll()
    {
        NewGeneration();
        Sweep(new All());
        if (anySuperpage)
        {
            Array.Clear(megapages);
            gigapageCount = 0;
            anySuperpage = false;
        }
    }

    /// <summary>
    /// Flushes per SFENCE.VMA (privileged spec 12.2.1): an optional address and an optional ASID; a given ASID
    /// spares global entries. An address flushes the whole leaf mapping holding it, so every cached 4 KiB piece
    /// of a superpage goes, not only the one at that address.
    /// </summary>
    public void Flush(ulong? va, ushort? asid)
    {
        int n = AllEntries;
        if (va is ulong v)
        {
            if (MayHoldCode(v) || MayBeInSuperpage(v))
                NewGeneration();
            ulong page = v & ~0xfffUL;
            int index = (int)((v >> 12) & Mask);
            for (int slot = index; slot < MainEntries; slot += Entries)
                if (entries[slot].Tag == page && Matches(slot, asid))
                    entries[slot].Tag = Invalid;
            for (int slot = MainEntries; slot < n; slot++)
                if (entries[slot].Tag == page && Matches(slot, asid))
                    entries[slot].Tag = Invalid;
            if (MayBeInSuperpage(v))
                Sweep(new InSuperpage(v, asid));
            return;
        }
        NewGeneration();
        Sweep(new OfAsid(asid));
    }

    private bool Matches(int slot, ushort? asid) => asid is not ushort a || asids[slot] == a + 1u;

    /// <summary>Drops the store entries (of every context) that map the host page <paramref name="hostPage"/>; callable from another thread.</summary>
    public void EvictStoresTo(byte* hostPage)
    {
        for (int context = 0; context < Contexts; context++)
        {
            int table = TableOf(context, AccessType.Store);
            EvictTo(entries + table * Entries, Entries, hostPage);
            EvictTo(entries + VictimSlot(table, 0), Victims, hostPage);
        }
    }

    private static void EvictTo(TlbEntry* t, int count, byte* hostPage)
    {
        for (int i = 0; i < count; i++)
        {
            ulong tag = t[i].Tag;
            if (tag != Invalid && (byte*)(tag + (ulong)t[i].Addend) == hostPage)
                Volatile.Write(ref t[i].Tag, Invalid);
        }
    }

    /// <summary>Drops every entry of one translation context.</summary>
    public void FlushContext(int context)
    {
        NewGeneration();
        for (int k = 0; k < Kinds; k++)
        {
            TlbEntry* t = Table(context, (AccessType)k);
            for (int i = 0; i < Entries; i++)
                t[i].Tag = Invalid;
            for (int i = 0; i < Victims; i++)
                entries[VictimSlot(TableOf(context, (AccessType)k), i)].Tag = Invalid;
        }
    }

    public void Dispose()
    {
        NativeMemory.AlignedFree(entries);
        NativeMemory.Free(asids);
        NativeMemory.Free(superpageMasks);
        NativeMemory.Free(used);
        NativeMemory.Free(listed);
    }
}
