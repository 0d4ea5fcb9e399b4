using SharpVirt.Memory.Snapshot;

namespace SharpVirt.Cpu;

/// <summary>
/// The architectural state of one hart, for a snapshot: the integer and floating-point registers, pc, the
/// privilege mode, every CSR that holds state, the pending-interrupt bits, the timer deadlines (CLINT mtimecmp,
/// Sstc stimecmp, the VMM's SBI timer) and the counters. The LR reservation is not kept (an SC after a restore
/// fails, which the ISA allows at any time); caches (TLB, decode cache, translated blocks) are rebuilt.
/// </summary>
public sealed class HartState
{
    public const int PmpEntries = 64;

    public ulong[] X { get; init; } = new ulong[32];
    public ulong[] F { get; init; } = new ulong[32];
    public ulong Pc { get; set; }
    public PrivilegeMode Mode { get; set; }

    public ulong Mstatus { get; set; }
    public ulong Medeleg { get; set; }
    public ulong Mideleg { get; set; }
    public ulong Mie { get; set; }
    public ulong Mtvec { get; set; }
    public ulong Mcounteren { get; set; }
    public ulong Menvcfg { get; set; }
    public ulong Mscratch { get; set; }
    public ulong Mepc { get; set; }
    public ulong Mcause { get; set; }
    public ulong Mtval { get; set; }
    public ulong Stvec { get; set; }
    public ulong Scounteren { get; set; }
    public ulong Senvcfg { get; set; }
    public ulong Sscratch { get; set; }
    public ulong Sepc { get; set; }
    public ulong Scause { get; set; }
    public ulong Stval { get; set; }
    public ulong Satp { get; set; }
    public ulong Stimecmp { get; set; }
    public ulong Mtimecmp { get; set; }
    public ulong SbiTimer { get; set; }
    public uint Fflags { get; set; }
    public uint Frm { get; set; }
    public byte[] Pmpcfg { get; init; } = new byte[PmpEntries];
    public ulong[] Pmpaddr { get; init; } = new ulong[PmpEntries];

    /// <summary>mip bits the guest and the VMM's injections set (SSIP, STIP without Sstc, software SEIP).</summary>
    public ulong MipSoftware { get; set; }

    /// <summary>mip bits driven by platform lines (MEIP, SEIP, MSIP) and the timers.</summary>
    public ulong MipHardware { get; set; }

    public ulong Instret { get; set; }
    public ulong CycleOffset { get; set; }
    public ulong MaxSatpMode { get; set; }
    public bool SbiInVmm { get; set; }

    public void Write(SnapshotWriter w)
    {
        w.WriteUInt64s(X);
        w.WriteUInt64s(F);
        w.WriteUInt64(Pc);
        w.WriteByte((byte)Mode);
        foreach (ulong csr in (ReadOnlySpan<ulong>)[Mstatus, Medeleg, Mideleg, Mie, Mtvec, Mcounteren, Menvcfg, Mscratch, Mepc, Mcause,
            Mtval, Stvec, Scounteren, Senvcfg, Sscratch, Sepc, Scause, Stval, Satp, Stimecmp, Mtimecmp, SbiTimer])
            w.WriteUInt64(csr);
        w.WriteUInt32(Fflags);
        w.WriteUInt32(Frm);
        w.WriteBytes(Pmpcfg);
        w.WriteUInt64s(Pmpaddr);
        w.WriteUInt64(MipSoftware);
        w.WriteUInt64(MipHardware);
        w.WriteUInt64(Instret);
        w.WriteUInt64(CycleOffset);
        w.WriteUInt64(MaxSatpMode);
        w.WriteBool(SbiInVmm);
    }

    public static HartState Read(SnapshotReader r)
    {
        var s = new HartState { X = r.ReadUInt64s(32), F = r.ReadUInt64s(32) };
        s.Pc = r.ReadUInt64();
        s.Mode = r.ReadEnum<PrivilegeMode>();
        s.Mstatus = r.ReadUInt64();
        s.Medeleg = r.ReadUInt64();
        s.Mideleg = r.ReadUInt64();
        s.Mie = r.ReadUInt64();
        s.Mtvec = r.ReadUInt64();
        s.Mcounteren = r.ReadUInt64();
        s.Menvcfg = r.ReadUInt64();
        s.Mscratch = r.ReadUInt64();
        s.Mepc = r.ReadUInt64();
        s.Mcause = r.ReadUInt64();
        s.Mtval = r.ReadUInt64();
        s.Stvec = r.ReadUInt64();
        s.Scounteren = r.ReadUInt64();
        s.Senvcfg = r.ReadUInt64();
        s.Sscratch = r.ReadUInt64();
        s.Sepc = r.ReadUInt64();
        s.Scause = r.ReadUInt64();
        s.Stval = r.ReadUInt64();
        s.Satp = r.ReadUInt64();
        s.Stimecmp = r.ReadUInt64();
        s.Mtimecmp = r.ReadUInt64();
        s.SbiTimer = r.ReadUInt64();
        s.Fflags = r.ReadUInt32();
        s.Frm = r.ReadUInt32();
        byte[] pmpcfg = r.ReadBytes(PmpEntries);
        if (pmpcfg.Length != PmpEntries)
            throw r.Bad($"{pmpcfg.Length} pmpcfg entries where {PmpEntries} were expected");
        pmpcfg.CopyTo(s.Pmpcfg, 0);
        r.ReadUInt64s(PmpEntries).CopyTo(s.Pmpaddr, 0);
        s.MipSoftware = r.ReadUInt64();
        s.MipHardware = r.ReadUInt64();
        s.Instret = r.ReadUInt64();
        s.CycleOffset = r.ReadUInt64();
        s.MaxSatpMode = r.ReadUInt64();
        s.SbiInVmm = r.ReadBool();
        return s;
    }
}
