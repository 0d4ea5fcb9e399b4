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
/// the page's D bit is set, so the fast path never needs to check permissions or A/D.
/// </summary>
public sealed unsafe class Tlb : IDisposable
{
    public const int Bits = 9, Entries = 1 << Bits, Mask = Entries - 1;
    public const int Contexts = 4, Kinds = 3;
    public const int ContextUser = 0, ContextSupervisor = 1, ContextSupervisorSum = 2, ContextMachine = 3;
    public const ulong Invalid = 1; // never a page-aligned tag

    private readonly TlbEntry* entries;
    /// <summary>Per entry: ASID+1 of a non-global mapping, or 0 for a global one (SFENCE.VMA filtering).</summary>
    private readonly uint* asids;

    public Tlb()
    {
        entries = (TlbEntry*)NativeMemory.AlignedAlloc((nuint)(Contexts * Kinds * Entries * sizeof(TlbEntry)), 64);
        asids = (uint*)NativeMemory.AllocZeroed((nuint)(Contexts * Kinds * Entries), sizeof(uint));
        FlushAll();
    }

    public TlbEntry* Table(int context, AccessType kind) => entries + ((context * Kinds) + (int)kind) * Entries;

    public void Fill(int context, AccessType kind, ulong va, byte* host, bool global, ushort asid)
    {
        int index = (int)((va >> 12) & Mask);
        int slot = ((context * Kinds) + (int)kind) * Entries + index;
        ulong page = va & ~0xfffUL;
        entries[slot].Tag = page;
        entries[slot].Addend = (long)host - (long)page;
        asids[slot] = global ? 0u : asid + 1u;
    }

    public void FlushAll()
    {
        int n = Contexts * Kinds * Entries;
        for (int i = 0; i < n; i++)
            entries[i].Tag = Invalid;
    }

    /// <summary>Flushes per SFENCE.VMA (privileged spec 12.2.1): an optional page and an optional ASID; a given ASID spares global entries.</summary>
    public void Flush(ulong? va, ushort? asid)
    {
        int n = Contexts * Kinds * Entries;
        if (va is ulong v)
        {
            ulong page = v & ~0xfffUL;
            int index = (int)((v >> 12) & Mask);
            for (int slot = index; slot < n; slot += Entries)
                if (entries[slot].Tag == page && Matches(slot, asid))
                    entries[slot].Tag = Invalid;
            return;
        }
        for (int slot = 0; slot < n; slot++)
            if (Matches(slot, asid))
                entries[slot].Tag = Invalid;
    }

    private bool Matches(int slot, ushort? asid) => asid is not ushort a || asids[slot] == a + 1u;

    /// <summary>Drops every entry of one translation context.</summary>
    public void FlushContext(int context)
    {
        for (int k = 0; k < Kinds; k++)
        {
            TlbEntry* t = Table(context, (AccessType)k);
            for (int i = 0; i < Entries; i++)
                t[i].Tag = Invalid;
        }
    }

    public void Dispose()
    {
        NativeMemory.AlignedFree(entries);
        NativeMemory.Free(asids);
    }
}
