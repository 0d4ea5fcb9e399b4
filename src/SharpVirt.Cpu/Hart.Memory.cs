using System.Runtime.CompilerServices;
using SharpVirt.Cpu.Csr;
using SharpVirt.Cpu.Mmu;
using SharpVirt.Cpu.Traps;
using SharpVirt.Memory;

namespace SharpVirt.Cpu;

/// <summary>Virtual memory access: the TLB fast path, and the slow path through the page walk, RAM slots and the bus.</summary>
public sealed unsafe partial class Hart
{
    private TlbEntry* fetchTlb, loadTlb, storeTlb;
    private int fetchContext, dataContext;
    private bool translateFetch, translateData;
    private PrivilegeMode dataMode;

    /// <summary>The exception a failed access raised, for the interpreter to take.</summary>
    private ulong faultCause, faultTval;

    /// <summary>The LR reservation: host address and the value loaded (SC is a compare-and-swap on it).</summary>
    private ulong? reservation;
    private ulong reservationValue;

    private static int ContextOf(PrivilegeMode mode, bool sum) => mode switch
    {
        PrivilegeMode.User => Tlb.ContextUser,
        PrivilegeMode.Supervisor => sum ? Tlb.ContextSupervisorSum : Tlb.ContextSupervisor,
        _ => Tlb.ContextMachine,
    };

    /// <summary>Selects the TLB tables for the current mode, MPRV/MPP, SUM and satp.</summary>
    private void UpdateTranslationContext()
    {
        bool paging = Satp.Mode(satp) != Satp.Bare;
        dataMode = Mode == PrivilegeMode.Machine && (mstatus & Mstatus.MPRV) != 0
            ? (PrivilegeMode)((mstatus & Mstatus.MPP) >> Mstatus.MPPShift)
            : Mode;
        bool sum = (mstatus & Mstatus.SUM) != 0;
        fetchContext = ContextOf(Mode, false);
        dataContext = ContextOf(dataMode, sum);
        translateFetch = paging && Mode != PrivilegeMode.Machine;
        translateData = paging && dataMode != PrivilegeMode.Machine;
        fetchTlb = tlb.Table(fetchContext, AccessType.Fetch);
        loadTlb = tlb.Table(dataContext, AccessType.Load);
        storeTlb = tlb.Table(dataContext, AccessType.Store);
    }

    /// <summary>SFENCE.VMA from the guest, or a remote fence posted by the VMM.</summary>
    public void FlushTlb(ulong? va, ushort? asid) => tlb.Flush(va, asid);

    private bool Fault(ExceptionCause cause, ulong tval)
    {
        faultCause = (ulong)cause;
        faultTval = tval;
        return false;
    }

    private static ExceptionCause PageFaultOf(AccessType t) => t switch
    {
        AccessType.Fetch => ExceptionCause.InstructionPageFault,
        AccessType.Load => ExceptionCause.LoadPageFault,
        _ => ExceptionCause.StorePageFault,
    };

    private static ExceptionCause AccessFaultOf(AccessType t) => t switch
    {
        AccessType.Fetch => ExceptionCause.InstructionAccessFault,
        AccessType.Load => ExceptionCause.LoadAccessFault,
        _ => ExceptionCause.StoreAccessFault,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Read(ulong va, int size, out ulong value)
    {
        TlbEntry* e = loadTlb + ((va >> 12) & Tlb.Mask);
        if (e->Tag == Tlb.LastPageTag(va, size))
        {
            byte* p = (byte*)(va + (ulong)e->Addend);
            value = size switch
            {
                1 => *p,
                2 => Unsafe.ReadUnaligned<ushort>(p),
                4 => Unsafe.ReadUnaligned<uint>(p),
                _ => Unsafe.ReadUnaligned<ulong>(p),
            };
            return true;
        }
        return ReadSlow(va, size, out value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Write(ulong va, int size, ulong value)
    {
        TlbEntry* e = storeTlb + ((va >> 12) & Tlb.Mask);
        if (e->Tag == Tlb.LastPageTag(va, size))
        {
            Store((byte*)(va + (ulong)e->Addend), size, value);
            return true;
        }
        return WriteSlow(va, size, value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(byte* p, int size, ulong value)
    {
        switch (size)
        {
            case 1: *p = (byte)value; break;
            case 2: Unsafe.WriteUnaligned(p, (ushort)value); break;
            case 4: Unsafe.WriteUnaligned(p, (uint)value); break;
            default: Unsafe.WriteUnaligned(p, value); break;
        }
    }

    /// <summary>What <see cref="ReadSlowForCompiledCode"/> loaded.</summary>
    private ulong loaded;

    /// <summary>
    /// The slow path of a compiled load. The value goes to <see cref="loaded"/> rather than to an out
    /// argument: taking the address of an IL local would keep that local on the stack for the whole method.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool ReadSlowForCompiledCode(ulong va, int size) => ReadSlow(va, size, out loaded);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool ReadSlow(ulong va, int size, out ulong value)
    {
        value = 0;
        if ((int)(va & 0xfff) > 0x1000 - size)
        {
            // Misaligned across a page boundary: byte by byte, so each page is checked.
            for (int i = 0; i < size; i++)
            {
                if (!Read(va + (ulong)i, 1, out ulong b))
                    return false;
                value |= b << (8 * i);
            }
            return true;
        }
        if (tlb.TryVictim(dataContext, AccessType.Load, va))
            return Read(va, size, out value);
        if (!Translate(va, AccessType.Load, out ulong pa))
            return false;
        byte* page = memory.GetHostPointer(pa & ~0xfffUL, 0x1000);
        if (page != null)
        {
            tlb.Fill(dataContext, AccessType.Load, va, page, lastGlobal, CurrentAsid, lastPageMask);
            return Read(va, size, out value);
        }
        if ((va & (ulong)(size - 1)) != 0)
            return Fault(ExceptionCause.LoadAddressMisaligned, va);
        if (!bus.Read(pa, size, out value))
            return Fault(ExceptionCause.LoadAccessFault, va);
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool WriteSlow(ulong va, int size, ulong value)
    {
        if ((int)(va & 0xfff) > 0x1000 - size)
        {
            // Check both pages before writing anything, so a fault leaves memory untouched. A fault on the
            // second page reports its first byte, as the byte-wise load path does.
            ulong second = (va + (ulong)size - 1) & ~0xfffUL;
            if (!Translate(va, AccessType.Store, out _) || !Translate(second, AccessType.Store, out _))
                return false;
            for (int i = 0; i < size; i++)
                if (!Write(va + (ulong)i, 1, value >> (8 * i)))
                    return false;
            return true;
        }
        if (TryStoreVictim(va))
            return Write(va, size, value);
        if (!Translate(va, AccessType.Store, out ulong pa))
            return false;
        byte* page = memory.GetHostPointer(pa & ~0xfffUL, 0x1000);
        if (page != null)
        {
            if (FillStoreEntry(va, page))
                return Write(va, size, value);
            // A page holding translated code: write it here, then make that code stale.
            Store(page + (va & 0xfff), size, value);
            CodePages.Written(CodeStateOf(page));
            return true;
        }
        if ((va & (ulong)(size - 1)) != 0)
            return Fault(ExceptionCause.StoreAddressMisaligned, va);
        if (!bus.Write(pa, size, value))
            return Fault(ExceptionCause.StoreAccessFault, va);
        return true;
    }

    /// <summary>The code-page state word of the RAM page holding host address <paramref name="host"/>.</summary>
    private int* CodeStateOf(byte* host)
    {
        var slot = memory.FindSlotByHost(host)!;
        return slot.Code.StateOf((ulong)(host - slot.Host));
    }

    /// <summary>
    /// Caches a store entry for the RAM page at <paramref name="page"/> unless translated code depends on the
    /// page (then every store to it takes the slow path, which marks the code stale). The flag is checked
    /// again after the fill: a hart protecting the page meanwhile may have swept the TLBs before the fill.
    /// </summary>
    private bool FillStoreEntry(ulong va, byte* page)
    {
        int* state = CodeStateOf(page);
        if (CodePages.HoldsCode(state))
            return false;
        tlb.Fill(dataContext, AccessType.Store, va, page, lastGlobal, CurrentAsid, lastPageMask);
        Interlocked.MemoryBarrier();
        if (!CodePages.HoldsCode(state))
            return true;
        tlb.EvictStoresTo(page);
        return false;
    }

    /// <summary>A store entry back from the TLB's victims, unless its page has come to hold translated code (see <see cref="FillStoreEntry"/>).</summary>
    private bool TryStoreVictim(ulong va)
    {
        if (!tlb.TryVictim(dataContext, AccessType.Store, va))
            return false;
        TlbEntry* e = storeTlb + ((va >> 12) & Tlb.Mask);
        byte* page = (byte*)((va & ~0xfffUL) + (ulong)e->Addend);
        Interlocked.MemoryBarrier();
        if (!CodePages.HoldsCode(CodeStateOf(page)))
            return true;
        tlb.EvictStoresTo(page);
        return false;
    }

    /// <summary>Fetches the instruction at <paramref name="pc"/>: 16 bits if compressed, else 32 (possibly across pages).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Fetch(ulong pc, out uint raw)
    {
        TlbEntry* e = fetchTlb + ((pc >> 12) & Tlb.Mask);
        if (e->Tag == (pc & ~0xfffUL) && (pc & 0xfff) <= 0xffc)
        {
            raw = Unsafe.ReadUnaligned<uint>((byte*)(pc + (ulong)e->Addend));
            if ((raw & 3) != 3)
                raw &= 0xffff;
            return true;
        }
        return FetchSlow(pc, out raw);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool FetchSlow(ulong pc, out uint raw)
    {
        raw = 0;
        if (!FetchHalf(pc, out ushort lo))
            return false;
        if ((lo & 3) != 3)
        {
            raw = lo;
            return true;
        }
        if (!FetchHalf(pc + 2, out ushort hi))
            return false;
        raw = lo | ((uint)hi << 16);
        return true;
    }

    private bool FetchHalf(ulong va, out ushort half)
    {
        half = 0;
        TlbEntry* e = fetchTlb + ((va >> 12) & Tlb.Mask);
        if (e->Tag != (va & ~0xfffUL) && !tlb.TryVictim(fetchContext, AccessType.Fetch, va))
        {
            if (!Translate(va, AccessType.Fetch, out ulong pa))
                return false;
            byte* page = memory.GetHostPointer(pa & ~0xfffUL, 0x1000);
            if (page == null)
                return Fault(ExceptionCause.InstructionAccessFault, va);
            tlb.Fill(fetchContext, AccessType.Fetch, va, page, lastGlobal, CurrentAsid, lastPageMask);
        }
        half = Unsafe.ReadUnaligned<ushort>((byte*)(va + (ulong)e->Addend));
        return true;
    }

    /// <summary>
    /// Host pointer for an atomic access (AMO, LR, SC): naturally aligned, in RAM, with the permission
    /// of <paramref name="type"/>. Misaligned atomics raise address-misaligned; device memory raises access fault.
    /// </summary>
    private byte* AtomicPointer(ulong va, int size, AccessType type)
    {
        if ((va & (ulong)(size - 1)) != 0)
        {
            Fault(type == AccessType.Load ? ExceptionCause.LoadAddressMisaligned : ExceptionCause.StoreAddressMisaligned, va);
            return null;
        }
        TlbEntry* e = (type == AccessType.Load ? loadTlb : storeTlb) + ((va >> 12) & Tlb.Mask);
        if (e->Tag == (va & ~0xfffUL))
            return (byte*)(va + (ulong)e->Addend);
        if (!Translate(va, type, out ulong pa))
            return null;
        byte* page = memory.GetHostPointer(pa & ~0xfffUL, 0x1000);
        if (page == null)
        {
            Fault(AccessFaultOf(type), va);
            return null;
        }
        if (type == AccessType.Load)
            tlb.Fill(dataContext, type, va, page, lastGlobal, CurrentAsid, lastPageMask);
        else if (!FillStoreEntry(va, page))
            CodePages.Written(CodeStateOf(page)); // translated code on the page is stale (the AMO writes next)
        return page + (va & 0xfff);
    }

    private ushort CurrentAsid => Satp.Asid(satp);
}
