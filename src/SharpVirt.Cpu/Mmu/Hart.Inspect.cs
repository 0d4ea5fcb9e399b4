using SharpVirt.Cpu.Mmu;

namespace SharpVirt.Cpu;

/// <summary>Diagnostics: a page walk with no side effects, for the control API's translate.</summary>
public sealed unsafe partial class Hart
{
    /// <summary>
    /// Walks <paramref name="va"/> through this hart's current satp as an S-mode access would, reading
    /// PTEs only: no A/D updates, no TLB fill, no fault recorded. Permissions are not checked; the
    /// trace stops at the first invalid or malformed PTE. Safe to call from another thread (racy reads
    /// of a running hart's satp and tables are the caller's concern; pause the VM for a stable view).
    /// </summary>
    public PageWalkTrace InspectTranslation(ulong va)
    {
        ulong s = satp;
        ulong mode = Satp.Mode(s);
        int levels = Satp.Levels(mode);
        string modeName = mode switch { Satp.Bare => "Bare", Satp.Sv39 => "Sv39", Satp.Sv48 => "Sv48", Satp.Sv57 => "Sv57", _ => $"mode {mode}" };
        var steps = new List<PageWalkStep>();
        if (levels == 0)
            return new PageWalkTrace(s, modeName, steps, mode == Satp.Bare ? va : null, 0, mode == Satp.Bare ? null : "unsupported satp mode");
        int vaBits = 12 + 9 * levels;
        if ((ulong)((long)(va << (64 - vaBits)) >> (64 - vaBits)) != va)
            return new PageWalkTrace(s, modeName, steps, null, 0, $"not a canonical {modeName} address (bits 63..{vaBits - 1} must all equal bit {vaBits - 1})");

        ulong table = Satp.RootPpn(s) << 12;
        for (int i = levels - 1; i >= 0; i--)
        {
            ulong pteAddress = table + (((va >> (12 + 9 * i)) & 0x1ff) << 3);
            ulong* ptep = (ulong*)memory.GetHostPointer(pteAddress, 8);
            if (ptep == null)
                return new PageWalkTrace(s, modeName, steps, null, 0, $"level {i} PTE address 0x{pteAddress:x} is not RAM (access fault)");
            ulong pte = Volatile.Read(ref *ptep);
            bool leaf = (pte & (Pte.R | Pte.X)) != 0;
            steps.Add(new PageWalkStep(i, pteAddress, pte, leaf && (pte & Pte.V) != 0));
            if ((pte & Pte.V) == 0)
                return new PageWalkTrace(s, modeName, steps, null, 0, $"level {i} PTE is not valid (page fault)");
            if ((pte & Pte.R) == 0 && (pte & Pte.W) != 0)
                return new PageWalkTrace(s, modeName, steps, null, 0, $"level {i} PTE is writable but not readable (reserved, page fault)");
            if ((pte & Pte.ReservedHigh) != 0)
                return new PageWalkTrace(s, modeName, steps, null, 0, $"level {i} PTE has reserved high bits set (page fault)");
            ulong ppn = (pte >> Pte.PpnShift) & Pte.PpnMask;
            if (!leaf)
            {
                if ((pte & (Pte.A | Pte.D | Pte.U)) != 0)
                    return new PageWalkTrace(s, modeName, steps, null, 0, $"level {i} non-leaf PTE has A, D or U set (page fault)");
                table = ppn << 12;
                continue;
            }
            if (i > 0 && (ppn & ((1UL << (9 * i)) - 1)) != 0)
                return new PageWalkTrace(s, modeName, steps, null, 0, $"level {i} superpage PTE is misaligned (page fault)");
            int offsetBits = 12 + 9 * i;
            ulong pa = ((ppn >> (9 * i)) << offsetBits) | (va & ((1UL << offsetBits) - 1));
            return new PageWalkTrace(s, modeName, steps, pa, 1UL << offsetBits, null);
        }
        return new PageWalkTrace(s, modeName, steps, null, 0, "no leaf PTE at level 0 (page fault)");
    }
}
