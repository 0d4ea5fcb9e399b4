using SharpVirt.Cpu.Traps;

namespace SharpVirt.Cpu;

/// <summary>Snapshot support: the hart's state out and back in (<see cref="HartState"/>).</summary>
public sealed unsafe partial class Hart
{
    /// <summary>Captures the hart's state. Call it on a stopped hart (its thread paused), not while it runs.</summary>
    public HartState SaveState()
    {
        var s = new HartState
        {
            Pc = Pc,
            Mode = Mode,
            Mstatus = mstatus,
            Medeleg = medeleg,
            Mideleg = mideleg,
            Mie = mie,
            Mtvec = mtvec,
            Mcounteren = mcounteren,
            Menvcfg = menvcfg,
            Mscratch = mscratch,
            Mepc = mepc,
            Mcause = mcause,
            Mtval = mtval,
            Stvec = stvec,
            Scounteren = scounteren,
            Senvcfg = senvcfg,
            Sscratch = sscratch,
            Sepc = sepc,
            Scause = scause,
            Stval = stval,
            Satp = satp,
            Stimecmp = stimecmp,
            Mtimecmp = Volatile.Read(ref mtimecmp),
            SbiTimer = Volatile.Read(ref sbiTimer),
            Fflags = fflags,
            Frm = frm,
            MipSoftware = (ulong)Volatile.Read(ref mipSoftware),
            MipHardware = (ulong)Volatile.Read(ref mipHardware),
            Instret = Instret,
            CycleOffset = cycleOffset,
            MaxSatpMode = MaxSatpMode,
            SbiInVmm = SbiInVmm,
        };
        for (int i = 0; i < 32; i++)
        {
            s.X[i] = x[i];
            s.F[i] = f[i];
        }
        pmpcfg.CopyTo(s.Pmpcfg, 0);
        pmpaddr.CopyTo(s.Pmpaddr, 0);
        return s;
    }

    /// <summary>
    /// Puts the hart in <paramref name="s"/>'s state, on a stopped hart. The LR reservation is dropped and the
    /// TLB and translated blocks are flushed; the decode cache follows memory by itself.
    /// </summary>
    public void RestoreState(HartState s)
    {
        ArgumentNullException.ThrowIfNull(s);
        for (int i = 0; i < 32; i++)
        {
            x[i] = i == 0 ? 0 : s.X[i];
            f[i] = s.F[i];
        }
        Pc = s.Pc;
        Mode = s.Mode;
        mstatus = s.Mstatus;
        medeleg = s.Medeleg;
        mideleg = s.Mideleg;
        mie = s.Mie;
        mtvec = s.Mtvec;
        mcounteren = s.Mcounteren;
        menvcfg = s.Menvcfg;
        mscratch = s.Mscratch;
        mepc = s.Mepc;
        mcause = s.Mcause;
        mtval = s.Mtval;
        stvec = s.Stvec;
        scounteren = s.Scounteren;
        senvcfg = s.Senvcfg;
        sscratch = s.Sscratch;
        sepc = s.Sepc;
        scause = s.Scause;
        stval = s.Stval;
        satp = s.Satp;
        stimecmp = s.Stimecmp;
        Volatile.Write(ref mtimecmp, s.Mtimecmp);
        Volatile.Write(ref sbiTimer, s.SbiTimer);
        fflags = s.Fflags & 0x1f;
        frm = s.Frm & 7;
        s.Pmpcfg.CopyTo(pmpcfg, 0);
        s.Pmpaddr.CopyTo(pmpaddr, 0);
        Interlocked.Exchange(ref mipSoftware, (long)s.MipSoftware);
        Interlocked.Exchange(ref mipHardware, (long)(s.MipHardware & Interrupt.AllBits));
        Instret = s.Instret;
        cycleOffset = s.CycleOffset;
        MaxSatpMode = s.MaxSatpMode;
        SbiInVmm = s.SbiInVmm;
        reservation = null;
        tlb.FlushAll();
        blocks.Clear();
        jumps.Clear();
        previous = null;
        UpdateTranslationContext();
        Kick();
    }
}
