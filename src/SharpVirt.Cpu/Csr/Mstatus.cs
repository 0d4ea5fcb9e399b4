namespace SharpVirt.Cpu.Csr;

/// <summary>mstatus fields for RV64 (privileged spec 3.1.6).</summary>
public static class Mstatus
{
    public const ulong SIE = 1UL << 1, MIE = 1UL << 3;
    public const ulong SPIE = 1UL << 5, UBE = 1UL << 6, MPIE = 1UL << 7;
    public const ulong SPP = 1UL << 8;
    public const int MPPShift = 11;
    public const ulong MPP = 3UL << MPPShift;
    public const int FSShift = 13;
    public const ulong FS = 3UL << FSShift;
    public const ulong XS = 3UL << 15;
    public const ulong MPRV = 1UL << 17, SUM = 1UL << 18, MXR = 1UL << 19;
    public const ulong TVM = 1UL << 20, TW = 1UL << 21, TSR = 1UL << 22;
    public const int UXLShift = 32, SXLShift = 34;
    public const ulong UXL = 3UL << UXLShift, SXL = 3UL << SXLShift;
    public const ulong SBE = 1UL << 36, MBE = 1UL << 37;
    public const ulong SD = 1UL << 63;

    public const ulong FSOff = 0, FSInitial = 1UL << FSShift, FSClean = 2UL << FSShift, FSDirty = 3UL << FSShift;

    /// <summary>Bits that M-mode software may write.</summary>
    public const ulong WritableM = SIE | MIE | SPIE | MPIE | SPP | MPP | FS | MPRV | SUM | MXR | TVM | TW | TSR;

    /// <summary>The subset visible and writable through sstatus (4.1.1).</summary>
    public const ulong SstatusMask = SIE | SPIE | UBE | SPP | FS | XS | SUM | MXR | UXL | SD;
    public const ulong WritableS = SIE | SPIE | SPP | FS | SUM | MXR;

    /// <summary>UXL = SXL = 2 (64-bit), hard-wired.</summary>
    public const ulong Xlen64 = (2UL << UXLShift) | (2UL << SXLShift);
}
