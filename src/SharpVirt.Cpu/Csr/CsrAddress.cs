namespace SharpVirt.Cpu.Csr;

/// <summary>CSR numbers (privileged spec 2.2, tables 3 to 8).</summary>
public static class CsrAddress
{
    public const int Fflags = 0x001, Frm = 0x002, Fcsr = 0x003;
    public const int Cycle = 0xc00, Time = 0xc01, Instret = 0xc02, HpmCounter3 = 0xc03, HpmCounter31 = 0xc1f;

    public const int Sstatus = 0x100, Sie = 0x104, Stvec = 0x105, Scounteren = 0x106, Senvcfg = 0x10a;
    public const int Sscratch = 0x140, Sepc = 0x141, Scause = 0x142, Stval = 0x143, Sip = 0x144;
    public const int Stimecmp = 0x14d;
    public const int Satp = 0x180;

    public const int Mvendorid = 0xf11, Marchid = 0xf12, Mimpid = 0xf13, Mhartid = 0xf14, Mconfigptr = 0xf15;
    public const int Mstatus = 0x300, Misa = 0x301, Medeleg = 0x302, Mideleg = 0x303, Mie = 0x304, Mtvec = 0x305;
    public const int Mcounteren = 0x306, Menvcfg = 0x30a, Mcountinhibit = 0x320;
    public const int MhpmEvent3 = 0x323, MhpmEvent31 = 0x33f;
    public const int Mscratch = 0x340, Mepc = 0x341, Mcause = 0x342, Mtval = 0x343, Mip = 0x344;
    public const int Pmpcfg0 = 0x3a0, Pmpcfg15 = 0x3af, Pmpaddr0 = 0x3b0, Pmpaddr63 = 0x3ef;
    public const int Mcycle = 0xb00, Minstret = 0xb02, MhpmCounter3 = 0xb03, MhpmCounter31 = 0xb1f;
}
