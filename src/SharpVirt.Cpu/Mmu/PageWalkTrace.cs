namespace SharpVirt.Cpu.Mmu;

/// <summary>One level of a diagnostic page-table walk: where the PTE is and what it holds.</summary>
public readonly record struct PageWalkStep(int Level, ulong PteAddress, ulong Pte, bool Leaf)
{
    /// <summary>The PTE's low flag bits as "DAGUXWRV", with '-' for a clear bit (as Linux's ptdump prints them).</summary>
    public string Flags
    {
        get
        {
            const string names = "DAGUXWRV";
            var chars = new char[8];
            for (int bit = 0; bit < 8; bit++)
                chars[7 - bit] = (Pte & (1UL << bit)) != 0 ? names[7 - bit] : '-';
            return new string(chars);
        }
    }

    /// <summary>The physical address the PTE points at: the next table, or the leaf page's base.</summary>
    public ulong Target => ((Pte >> Mmu.Pte.PpnShift) & Mmu.Pte.PpnMask) << 12;
}

/// <summary>
/// The result of <see cref="Hart.InspectTranslation"/>: the translation mode, each level visited, and
/// either the physical address or why the walk stopped.
/// </summary>
public sealed record PageWalkTrace(ulong Satp, string ModeName, IReadOnlyList<PageWalkStep> Steps, ulong? PhysicalAddress, ulong PageSize, string? Fault);
