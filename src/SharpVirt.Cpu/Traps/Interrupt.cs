namespace SharpVirt.Cpu.Traps;

/// <summary>Interrupt numbers and their bits in mip/mie (privileged spec 3.1.9).</summary>
public static class Interrupt
{
    public const int SupervisorSoftware = 1, MachineSoftware = 3;
    public const int SupervisorTimer = 5, MachineTimer = 7;
    public const int SupervisorExternal = 9, MachineExternal = 11;

    public const ulong SSIP = 1UL << SupervisorSoftware, MSIP = 1UL << MachineSoftware;
    public const ulong STIP = 1UL << SupervisorTimer, MTIP = 1UL << MachineTimer;
    public const ulong SEIP = 1UL << SupervisorExternal, MEIP = 1UL << MachineExternal;

    public const ulong SupervisorBits = SSIP | STIP | SEIP;
    public const ulong AllBits = SupervisorBits | MSIP | MTIP | MEIP;

    /// <summary>The interrupt-code bit of mcause/scause.</summary>
    public const ulong CauseFlag = 1UL << 63;
}
