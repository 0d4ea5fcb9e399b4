using System.Runtime.InteropServices;
using SharpVirt.Cpu.Mmu;

namespace SharpVirt.Tests.Cpu;

/// <summary>The TLB's victim table: entries pushed out of their slot come back without a page walk, until flushed.</summary>
public unsafe class TlbVictimTests : IDisposable
{
    private readonly Tlb tlb = new();
    private readonly byte* host = (byte*)NativeMemory.AlignedAlloc(3 * 0x1000, 0x1000);

    // Three pages whose numbers collide in the direct-mapped table.
    private const ulong A = 0x40_0000, B = A + Tlb.Entries * 0x1000UL, C = B + Tlb.Entries * 0x1000UL;

    public void Dispose()
    {
        tlb.Dispose();
        NativeMemory.AlignedFree(host);
    }

    private TlbEntry* Slot(AccessType kind) => tlb.Table(Tlb.ContextUser, kind) + ((A >> 12) & Tlb.Mask);

    private void FillAll(AccessType kind)
    {
        tlb.Fill(Tlb.ContextUser, kind, A, host, global: false, asid: 1);
        tlb.Fill(Tlb.ContextUser, kind, B, host + 0x1000, global: false, asid: 1);
        tlb.Fill(Tlb.ContextUser, kind, C, host + 0x2000, global: false, asid: 1);
    }

    [Fact]
    public void ACollidingPageComesBackFromTheVictims()
    {
        FillAll(AccessType.Load);
        Assert.Equal(C, Slot(AccessType.Load)->Tag);
        Assert.True(tlb.TryVictim(Tlb.ContextUser, AccessType.Load, A + 0x123));
        Assert.Equal(A, Slot(AccessType.Load)->Tag);
        Assert.Equal((long)host - (long)A, Slot(AccessType.Load)->Addend);
        // The swap pushed C out; B and C both come back.
        Assert.True(tlb.TryVictim(Tlb.ContextUser, AccessType.Load, C));
        Assert.Equal((long)host + 0x2000 - (long)C, Slot(AccessType.Load)->Addend);
        Assert.True(tlb.TryVictim(Tlb.ContextUser, AccessType.Load, B));
        // Victims belong to their table: another kind or context does not see them.
        Assert.False(tlb.TryVictim(Tlb.ContextUser, AccessType.Store, A));
        Assert.False(tlb.TryVictim(Tlb.ContextSupervisor, AccessType.Load, A));
    }

    [Fact]
    public void PagesTwoMebibytesApartKeepTheirOwnSlots()
    {
        // A process's stack and a buffer it scans can lie a multiple of 2 MiB apart (mmap and stack
        // randomization work in pages); in a 512-entry table they took turns in one slot.
        const ulong Far = A + 0x20_0000;
        tlb.Fill(Tlb.ContextUser, AccessType.Load, A, host, global: false, asid: 1);
        tlb.Fill(Tlb.ContextUser, AccessType.Load, Far, host + 0x1000, global: false, asid: 1);
        var table = tlb.Table(Tlb.ContextUser, AccessType.Load);
        Assert.Equal(A, table[(A >> 12) & Tlb.Mask].Tag);
        Assert.Equal(Far, table[(Far >> 12) & Tlb.Mask].Tag);
    }

    [Fact]
    public void FlushesReachTheVictims()
    {
        FillAll(AccessType.Load);
        tlb.Flush(A, null);
        Assert.False(tlb.TryVictim(Tlb.ContextUser, AccessType.Load, A));
        tlb.Flush(null, 2); // another address space: B stays
        Assert.True(tlb.TryVictim(Tlb.ContextUser, AccessType.Load, B));
        tlb.FlushAll();
        Assert.False(tlb.TryVictim(Tlb.ContextUser, AccessType.Load, C));

        FillAll(AccessType.Load);
        tlb.FlushContext(Tlb.ContextUser);
        Assert.False(tlb.TryVictim(Tlb.ContextUser, AccessType.Load, A));
    }

    [Fact]
    public void AStoreEntryForAPageThatNowHoldsCodeLeavesTheVictimsToo()
    {
        FillAll(AccessType.Store);
        tlb.EvictStoresTo(host);
        Assert.False(tlb.TryVictim(Tlb.ContextUser, AccessType.Store, A));
        Assert.True(tlb.TryVictim(Tlb.ContextUser, AccessType.Store, B));
    }

    /// <summary>Flushes visit the slots filled since the last one: entries refilled, moved or swapped must all be seen.</summary>
    [Fact]
    public void FlushesFindEveryEntryFilledSinceTheLast()
    {
        for (int round = 0; round < 3; round++)
        {
            FillAll(AccessType.Load);
            tlb.Fill(Tlb.ContextSupervisor, AccessType.Fetch, A, host, global: true, asid: 1);
            tlb.Fill(Tlb.ContextUser, AccessType.Store, B, host, global: false, asid: 2);
            Assert.True(tlb.TryVictim(Tlb.ContextUser, AccessType.Load, A)); // A back in its slot, C out
            tlb.Flush(null, 1);
            foreach (ulong page in new[] { A, B, C })
                Assert.False(tlb.TryVictim(Tlb.ContextUser, AccessType.Load, page));
            Assert.Equal(Tlb.Invalid, Slot(AccessType.Load)->Tag);
            Assert.Equal(A, tlb.Table(Tlb.ContextSupervisor, AccessType.Fetch)[(A >> 12) & Tlb.Mask].Tag); // global: kept
            Assert.Equal(B, tlb.Table(Tlb.ContextUser, AccessType.Store)[(B >> 12) & Tlb.Mask].Tag); // ASID 2: kept
            tlb.FlushAll();
            Assert.Equal(Tlb.Invalid, tlb.Table(Tlb.ContextSupervisor, AccessType.Fetch)[(A >> 12) & Tlb.Mask].Tag);
            Assert.Equal(Tlb.Invalid, tlb.Table(Tlb.ContextUser, AccessType.Store)[(B >> 12) & Tlb.Mask].Tag);
        }
    }
}
