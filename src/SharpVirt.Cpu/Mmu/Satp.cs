namespace SharpVirt.Cpu.Mmu;

/// <summary>satp fields for RV64 (privileged spec 10.1.11).</summary>
public static class Satp
{
    public const int ModeShift = 60, AsidShift = 44;
    public const ulong AsidMask = 0xffff, PpnMask = (1UL << 44) - 1;
    public const ulong Bare = 0, Sv39 = 8, Sv48 = 9, Sv57 = 10;

    public static ulong Mode(ulong satp) => satp >> ModeShift;
    public static ushort Asid(ulong satp) => (ushort)((satp >> AsidShift) & AsidMask);
    public static ulong RootPpn(ulong satp) => satp & PpnMask;

    /// <summary>Page-table levels of a translation mode, or 0 for Bare and unsupported modes.</summary>
    public static int Levels(ulong mode) => mode switch { Sv39 => 3, Sv48 => 4, Sv57 => 5, _ => 0 };
}
