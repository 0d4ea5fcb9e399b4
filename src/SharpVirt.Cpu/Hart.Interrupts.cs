using SharpVirt.Cpu.Csr;
using SharpVirt.Cpu.Traps;

namespace SharpVirt.Cpu;

public sealed partial class Hart
{
    /// <summary>
    /// The writable mip bits (SSIP, STIP without Sstc, the software SEIP). Guest CSR writes and the VMM's
    /// injections (an SBI IPI sets SSIP from another thread) both update it atomically.
    /// </summary>
    private long mipSoftware;
    /// <summary>mip bits driven by the platform from other threads (MSIP, MEIP, the PLIC's SEIP, and the timers).</summary>
    private long mipHardware;
    /// <summary>The S-mode timer deadline set through the SBI TIME extension (raises STIP, like stimecmp).</summary>
    private ulong sbiTimer = ulong.MaxValue;
    private ulong mtimecmp = ulong.MaxValue;
    private readonly WakeSignal wake = new(); // never spin: vCPUs may outnumber cores

    /// <summary>The current mip: software bits, platform lines and timer comparisons.</summary>
    public ulong Mip => (ulong)(Volatile.Read(ref mipSoftware) | Volatile.Read(ref mipHardware));

    /// <summary>Sets pending bits that the guest can clear itself, e.g. SSIP for an SBI IPI; callable from any thread.</summary>
    public void InjectInterrupt(ulong bits)
    {
        Interlocked.Or(ref mipSoftware, (long)bits);
        Kick();
    }

    /// <summary>Atomically replaces the writable mip bits selected by <paramref name="mask"/> (a guest CSR write).</summary>
    private void WriteMipSoftware(ulong mask, ulong value)
    {
        long old, updated;
        do
        {
            old = Volatile.Read(ref mipSoftware);
            updated = (long)(((ulong)old & ~mask) | (value & mask));
        }
        while (Interlocked.CompareExchange(ref mipSoftware, updated, old) != old);
    }

    /// <summary>
    /// The S-mode timer the VMM's SBI TIME extension programs: STIP follows time &gt;= deadline. Under Sstc
    /// (menvcfg.STCE) it is stimecmp itself, as OpenSBI's set_timer writes stimecmp on such harts, so a kernel
    /// that moves from the SBI call to stimecmp never leaves a stale SBI deadline holding STIP up.
    /// Called on the hart's own thread (the SBI call is its exit).
    /// </summary>
    public ulong SbiTimer
    {
        get => StimecmpActive ? stimecmp : Volatile.Read(ref sbiTimer);
        set
        {
            if (StimecmpActive)
                stimecmp = value;
            else
                Volatile.Write(ref sbiTimer, value);
            UpdateTimerInterrupts();
            Kick();
        }
    }

    /// <summary>Sets or clears a platform interrupt line (MSIP, MEIP, SEIP); callable from any thread.</summary>
    public void SetInterruptLine(ulong bit, bool level)
    {
        if (level)
        {
            Interlocked.Or(ref mipHardware, (long)bit);
            Kick();
        }
        else
        {
            Interlocked.And(ref mipHardware, ~(long)bit);
        }
    }

    /// <summary>The CLINT's mtimecmp for this hart; MTIP follows time &gt;= mtimecmp.</summary>
    public ulong Mtimecmp
    {
        get => Volatile.Read(ref mtimecmp);
        set
        {
            Volatile.Write(ref mtimecmp, value);
            Kick();
        }
    }

    /// <summary>Wakes the hart's thread if it sleeps in WFI, and makes it poll soon if it runs guest code (see <see cref="Kicked"/>).</summary>
    public void Kick()
    {
        Volatile.Write(ref Kicked, 1);
        wake.Set();
    }

    /// <summary>
    /// Set by another thread that wants the hart to poll (an interrupt line, an IPI, a remote fence, a stop):
    /// the dispatcher then leaves guest code at the next block rather than at the end of its
    /// <see cref="Chunk"/>, which in cold code takes tens of microseconds while a shootdown's caller waits.
    /// </summary>
    private unsafe ref int Kicked => ref nativeFrame->Kicked;

    private bool StimecmpActive => (menvcfg & Menvcfg.STCE) != 0;

    /// <summary>Recomputes MTIP, and STIP under Sstc, from the current time.</summary>
    private void UpdateTimerInterrupts()
    {
        ulong now = timebase.Now;
        SetTimerBit(Interrupt.MTIP, now >= Volatile.Read(ref mtimecmp));
        SetTimerBit(Interrupt.STIP, now >= (StimecmpActive ? stimecmp : Volatile.Read(ref sbiTimer)));
    }

    private void SetTimerBit(ulong bit, bool level)
    {
        bool current = ((ulong)Volatile.Read(ref mipHardware) & bit) != 0;
        if (current != level)
        {
            if (level)
                Interlocked.Or(ref mipHardware, (long)bit);
            else
                Interlocked.And(ref mipHardware, ~(long)bit);
        }
    }

    /// <summary>Takes the highest-priority enabled pending interrupt, if any (privileged spec 3.1.9).</summary>
    private bool TakePendingInterrupt()
    {
        ulong pending = Mip & mie;
        if (pending == 0)
            return false;
        ulong m = pending & ~mideleg;
        if (m != 0 && (Mode < PrivilegeMode.Machine || (mstatus & Mstatus.MIE) != 0))
        {
            Trap(Interrupt.CauseFlag | HighestPriority(m), 0);
            return true;
        }
        ulong s = pending & mideleg;
        if (s != 0 && (Mode < PrivilegeMode.Supervisor || (Mode == PrivilegeMode.Supervisor && (mstatus & Mstatus.SIE) != 0)))
        {
            Trap(Interrupt.CauseFlag | HighestPriority(s), 0);
            return true;
        }
        return false;
    }

    /// <summary>Priority order MEI, MSI, MTI, SEI, SSI, STI.</summary>
    private static ulong HighestPriority(ulong bits)
    {
        ReadOnlySpan<byte> order = [Interrupt.MachineExternal, Interrupt.MachineSoftware, Interrupt.MachineTimer,
            Interrupt.SupervisorExternal, Interrupt.SupervisorSoftware, Interrupt.SupervisorTimer];
        foreach (byte i in order)
            if ((bits & (1UL << i)) != 0)
                return i;
        return 0;
    }

    /// <summary>True when WFI may complete: some interrupt is both pending and enabled in mie (3.3.3).</summary>
    public bool InterruptWaiting
    {
        get
        {
            UpdateTimerInterrupts();
            return (Mip & mie) != 0;
        }
    }

    /// <summary>
    /// Blocks the calling (vCPU) thread after a WFI exit until an interrupt is pending and enabled,
    /// the nearest timer deadline passes, a stop is requested, or <paramref name="limit"/> elapses.
    /// </summary>
    public void WaitForInterrupt(TimeSpan limit)
    {
        wake.Reset();
        if (stopRequested || InterruptWaiting)
            return;
        ulong deadline = ulong.MaxValue;
        if ((mie & Interrupt.MTIP) != 0)
            deadline = Volatile.Read(ref mtimecmp);
        if ((mie & Interrupt.STIP) != 0)
            deadline = Math.Min(deadline, StimecmpActive ? stimecmp : Volatile.Read(ref sbiTimer));
        ulong end = timebase.Now + (ulong)Math.Max(0, limit.Ticks);
        while (true)
        {
            ulong stop = Math.Min(deadline, end);
            TimeSpan wait = timebase.Until(stop);
            if (wait <= TimeSpan.Zero)
                return;
            if (wake.Wait(wait))
                return;
        }
    }
}
