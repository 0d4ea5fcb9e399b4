using SharpVirt.Cpu.Csr;
using SharpVirt.Cpu.Mmu;

namespace SharpVirt.Cpu;

/// <summary>The Sv39/Sv48/Sv57 page-table walk (privileged spec 12.3.2, 12.4, 12.5, 12.6).</summary>
public sealed unsafe partial class Hart
{
    /// <summary>Whether the last successful walk found a global mapping.</summary>
    private bool lastGlobal;
    /// <summary>The offset mask of the page the last successful translation found (0xfff, or a superpage's).</summary>
    private ulong lastPageMask = 0xfff;

    /// <summary>
    /// Translates <paramref name="va"/> for an access of <paramref name="type"/> in the current context.
    /// A and D are set by the walk itself (hardware A/D updating, as with Svadu), atomically.
    /// On failure the page or access fault is recorded for the interpreter.
    /// </summary>
    private bool Translate(ulong va, AccessType type, out ulong pa)
    {
        lastGlobal = false;
        lastPageMask = 0xfff;
        bool paging = type == AccessType.Fetch ? translateFetch : translateData;
        if (!paging)
        {
            pa = va;
            return true;
        }
        return Walk(va, type, type == AccessType.Fetch ? Mode : dataMode, out pa);
    }

    private bool Walk(ulong va, AccessType type, PrivilegeMode mode, out ulong pa)
    {
        pa = 0;
        int levels = Satp.Levels(Satp.Mode(satp));
        int vaBits = 12 + 9 * levels;
        // Bits above the VA width must equal its top bit (12.3.1).
        if ((ulong)((long)(va << (64 - vaBits)) >> (64 - vaBits)) != va)
            return Fault(PageFaultOf(type), va);

    restart:
        ulong table = Satp.RootPpn(satp) << 12;
        bool global = false;
        for (int i = levels - 1; i >= 0; i--)
        {
            ulong pteAddress = table + (((va >> (12 + 9 * i)) & 0x1ff) << 3);
            ulong* ptep = (ulong*)memory.GetHostPointer(pteAddress, 8);
            if (ptep == null)
                return Fault(AccessFaultOf(type), va);
            ulong pte = Volatile.Read(ref *ptep);
            if ((pte & Pte.V) == 0 || ((pte & Pte.R) == 0 && (pte & Pte.W) != 0) || (pte & Pte.ReservedHigh) != 0)
                return Fault(PageFaultOf(type), va);
            global |= (pte & Pte.G) != 0;
            ulong ppn = (pte >> Pte.PpnShift) & Pte.PpnMask;
            if ((pte & (Pte.R | Pte.X)) == 0)
            {
                // Non-leaf: D, A and U are reserved and must be zero.
                if ((pte & (Pte.A | Pte.D | Pte.U)) != 0)
                    return Fault(PageFaultOf(type), va);
                table = ppn << 12;
                continue;
            }
            if (!LeafPermits(pte, type, mode))
                return Fault(PageFaultOf(type), va);
            // A superpage's low PPN fields must be zero (step 6).
            if (i > 0 && (ppn & ((1UL << (9 * i)) - 1)) != 0)
                return Fault(PageFaultOf(type), va);
            ulong need = Pte.A | (type == AccessType.Store ? Pte.D : 0);
            if ((pte & need) != need)
            {
                if (Interlocked.CompareExchange(ref *ptep, pte | need, pte) != pte)
                    goto restart;
            }
            int offsetBits = 12 + 9 * i;
            pa = ((ppn >> (9 * i)) << offsetBits) | (va & ((1UL << offsetBits) - 1));
            lastGlobal = global;
            lastPageMask = (1UL << offsetBits) - 1;
            return true;
        }
        return Fault(PageFaultOf(type), va);
    }

    private bool LeafPermits(ulong pte, AccessType type, PrivilegeMode mode)
    {
        if ((pte & Pte.U) != 0)
        {
            // S-mode may touch U pages only for loads and stores with SUM, never to execute (12.1.1.2).
            if (mode == PrivilegeMode.Supervisor && (type == AccessType.Fetch || (mstatus & Mstatus.SUM) == 0))
                return false;
        }
        else if (mode == PrivilegeMode.User)
        {
            return false;
        }
        return type switch
        {
            AccessType.Fetch => (pte & Pte.X) != 0,
            AccessType.Load => (pte & Pte.R) != 0 || ((mstatus & Mstatus.MXR) != 0 && (pte & Pte.X) != 0),
            _ => (pte & Pte.W) != 0,
        };
    }
}
