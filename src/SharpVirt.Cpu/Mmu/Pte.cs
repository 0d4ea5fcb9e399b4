namespace SharpVirt.Cpu.Mmu;

/// <summary>Page-table entry bits for Sv39/Sv48/Sv57 (privileged spec 12.4.1).</summary>
public static class Pte
{
    public const ulong V = 1, R = 2, W = 4, X = 8, U = 16, G = 32, A = 64, D = 128;
    public const int PpnShift = 10;
    public const ulong PpnMask = (1UL << 44) - 1;

    /// <summary>Bits 63:54: N (Svnapot), PBMT (Svpbmt) and reserved bits. We implement neither extension, so any set bit faults.</summary>
    public const ulong ReservedHigh = 0xffc0_0000_0000_0000;
}
