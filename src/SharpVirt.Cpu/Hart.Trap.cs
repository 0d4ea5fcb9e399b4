using SharpVirt.Cpu.Csr;
using SharpVirt.Cpu.Traps;

namespace SharpVirt.Cpu;

public sealed partial class Hart
{
    /// <summary>The last trap taken, for diagnostics and tests.</summary>
    public ulong LastTrapCause { get; private set; }

    /// <summary>Counts traps taken, for tests and statistics.</summary>
    public ulong TrapCount { get; private set; }

    /// <summary>
    /// Trap entry (privileged spec 3.1.6.1 and 4.1.1): delegated traps from S or U go to S-mode,
    /// everything else to M-mode. <see cref="Pc"/> must hold the address of the trapping instruction.
    /// </summary>
    public void Trap(ulong cause, ulong tval)
    {
        bool isInterrupt = (cause & Interrupt.CauseFlag) != 0;
        int code = (int)(cause & 63);
        ulong deleg = isInterrupt ? mideleg : medeleg;
        LastTrapCause = cause;
        TrapCount++;
        if (Mode <= PrivilegeMode.Supervisor && ((deleg >> code) & 1) != 0)
        {
            scause = cause;
            sepc = Pc;
            stval = tval;
            ulong s = mstatus & ~(Mstatus.SPIE | Mstatus.SIE | Mstatus.SPP);
            if ((mstatus & Mstatus.SIE) != 0)
                s |= Mstatus.SPIE;
            if (Mode == PrivilegeMode.Supervisor)
                s |= Mstatus.SPP;
            mstatus = s;
            Pc = TrapVector(stvec, isInterrupt, code);
            SetMode(PrivilegeMode.Supervisor);
        }
        else
        {
            mcause = cause;
            mepc = Pc;
            mtval = tval;
            ulong m = mstatus & ~(Mstatus.MPIE | Mstatus.MIE | Mstatus.MPP);
            if ((mstatus & Mstatus.MIE) != 0)
                m |= Mstatus.MPIE;
            m |= (ulong)Mode << Mstatus.MPPShift;
            mstatus = m;
            Pc = TrapVector(mtvec, isInterrupt, code);
            SetMode(PrivilegeMode.Machine);
        }
    }

    public void Trap(ExceptionCause cause, ulong tval) => Trap((ulong)cause, tval);

    private static ulong TrapVector(ulong tvec, bool isInterrupt, int code)
    {
        ulong b = tvec & ~3UL;
        return (tvec & 3) == 1 && isInterrupt ? b + (ulong)(4 * code) : b;
    }

    /// <summary>MRET (3.3.2): back to MPP with MIE restored; leaving M-mode clears MPRV.</summary>
    private void Mret()
    {
        var target = (PrivilegeMode)((mstatus & Mstatus.MPP) >> Mstatus.MPPShift);
        ulong m = mstatus & ~(Mstatus.MIE | Mstatus.MPP);
        if ((mstatus & Mstatus.MPIE) != 0)
            m |= Mstatus.MIE;
        m |= Mstatus.MPIE;
        if (target != PrivilegeMode.Machine)
            m &= ~Mstatus.MPRV;
        mstatus = m;
        Pc = mepc;
        SetMode(target);
    }

    /// <summary>SRET (3.3.2): back to SPP with SIE restored; clears MPRV.</summary>
    private void Sret()
    {
        var target = (mstatus & Mstatus.SPP) != 0 ? PrivilegeMode.Supervisor : PrivilegeMode.User;
        ulong s = mstatus & ~(Mstatus.SIE | Mstatus.SPP | Mstatus.MPRV);
        if ((mstatus & Mstatus.SPIE) != 0)
            s |= Mstatus.SIE;
        s |= Mstatus.SPIE;
        mstatus = s;
        Pc = sepc;
        SetMode(target);
    }

    private void SetMode(PrivilegeMode mode)
    {
        Mode = mode;
        reservation = null;
        UpdateTranslationContext();
    }
}
