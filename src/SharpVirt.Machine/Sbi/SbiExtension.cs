namespace SharpVirt.Machine.Sbi;

/// <summary>SBI extension IDs (a7) that the VMM implements.</summary>
public static class SbiExtension
{
    public const ulong LegacySetTimer = 0x00, LegacyPutChar = 0x01, LegacyGetChar = 0x02;
    public const ulong Base = 0x10;
    public const ulong Time = 0x5449_4D45;   // "TIME"
    public const ulong Ipi = 0x73_5049;      // "sPI"
    public const ulong Rfence = 0x5246_4E43; // "RFNC"
    public const ulong Hsm = 0x48_534D;      // "HSM"
    public const ulong Srst = 0x5352_5354;   // "SRST"
    public const ulong Dbcn = 0x4442_434E;   // "DBCN"

    public static bool IsImplemented(ulong eid) => eid is Base or Time or Ipi or Rfence or Hsm or Srst or Dbcn
        or LegacySetTimer or LegacyPutChar or LegacyGetChar;
}
