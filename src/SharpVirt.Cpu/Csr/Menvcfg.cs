namespace SharpVirt.Cpu.Csr;

/// <summary>menvcfg fields (privileged spec 3.1.18).</summary>
public static class Menvcfg
{
    public const ulong FIOM = 1;
    public const ulong STCE = 1UL << 63;
    public const ulong Writable = FIOM | STCE;
}
