using System.Diagnostics;
using SharpVirt.Cpu;
using SharpVirt.Cpu.Csr;
using SharpVirt.Cpu.Traps;
using C = SharpVirt.Cpu.Csr.CsrAddress;

namespace SharpVirt.Tests.Cpu;

/// <summary>Interrupts (privileged spec 3.1.9, 3.3.3): priority, enables per mode, delegation, vectoring, WFI, timers.</summary>
public sealed class InterruptTests : IDisposable
{
    private const ulong F = Interrupt.CauseFlag;
    private readonly HartBench b = new();

    public InterruptTests()
    {
        // The program under interruption: an endless loop. Handlers are the halt loops (whose WFI completes
        // at once while an interrupt is pending and enabled), so the tests look at the trap state afterwards.
        b.Load(new Asm().Label("l").Addi(9, 9, 1).J("l"));
    }

    public void Dispose() => b.Dispose();

    private void Pending(ulong bits, bool level = true)
    {
        ulong lines = bits & (Interrupt.MEIP | Interrupt.MSIP | Interrupt.SEIP);
        if (lines != 0)
            b.Hart.SetInterruptLine(lines, level);
        if ((bits & Interrupt.MTIP) != 0)
            b.Hart.Mtimecmp = level ? 0 : ulong.MaxValue;
        if ((bits & Interrupt.STIP) != 0)
            b.Hart.SbiTimer = level ? 0 : ulong.MaxValue;
        if ((bits & Interrupt.SSIP) != 0)
        {
            if (level)
                b.Hart.InjectInterrupt(Interrupt.SSIP);
            else
                b.Poke(C.Mip, 0); // no test here leaves another software-writable bit set
        }
    }

    [Fact]
    public void PriorityOrderInMachineMode()
    {
        ulong all = Interrupt.AllBits;
        Pending(all);
        b.Poke(C.Mie, all);
        foreach (int code in new[] { 11, 3, 7, 9, 1, 5 })
        {
            b.Hart.Pc = HartBench.Code;
            b.Poke(C.Mstatus, Mstatus.MIE | (3UL << Mstatus.MPPShift));
            ulong traps = b.Hart.TrapCount;
            b.Hart.Run(20);
            Assert.Equal(traps + 1, b.Hart.TrapCount);
            Assert.Equal(F | (uint)code, b.Mcause);
            Assert.Equal(HartBench.Code, b.Mepc);
            Assert.Equal(0UL, b.Mtval);
            Pending(1UL << code, false);
        }
        Assert.Equal(0UL, b.Peek(C.Mip));
    }

    [Fact]
    public void SupervisorInterruptsOrderAfterMachineOnesWhenDelegated()
    {
        // In U-mode, a pending non-delegated MTI goes first to M even though SEI (delegated) is pending too.
        Pending(Interrupt.MTIP | Interrupt.SEIP | Interrupt.SSIP);
        b.Poke(C.Mie, Interrupt.AllBits);
        b.Poke(C.Mideleg, Interrupt.SupervisorBits);
        b.Enter(PrivilegeMode.User, HartBench.Code);
        b.Hart.Run(5);
        Assert.Equal(F | 7, b.Mcause);
        Assert.Equal(PrivilegeMode.Machine, b.Hart.Mode);
        Pending(Interrupt.MTIP, false);
        // Back in U-mode: SEI before SSI, to S.
        b.Enter(PrivilegeMode.User, HartBench.Code);
        b.Hart.Run(5);
        Assert.Equal(PrivilegeMode.Supervisor, b.Hart.Mode);
        Assert.Equal(F | 9, b.Scause);
        Assert.Equal(HartBench.Code, b.Sepc);
    }

    [Fact]
    public void MachineModeNeedsMie()
    {
        Pending(Interrupt.MTIP | Interrupt.MSIP);
        b.Poke(C.Mie, Interrupt.AllBits);
        b.Hart.Run(100);
        Assert.Equal(0UL, b.Hart.TrapCount);
        Assert.True(b.X(9) > 10);
        // mie gates each source too.
        b.Poke(C.Mstatus, Mstatus.MIE);
        b.Poke(C.Mie, 0);
        b.Hart.Run(100);
        Assert.Equal(0UL, b.Hart.TrapCount);
        b.Poke(C.Mie, Interrupt.MSIP);
        b.Hart.Run(100);
        Assert.Equal(F | 3, b.Mcause);
    }

    [Fact]
    public void DelegatedInterruptsAreNeverTakenInMachineMode()
    {
        Pending(Interrupt.SSIP | Interrupt.STIP | Interrupt.SEIP);
        b.Poke(C.Mie, Interrupt.AllBits);
        b.Poke(C.Mideleg, Interrupt.SupervisorBits);
        b.Poke(C.Mstatus, Mstatus.MIE | Mstatus.SIE);
        b.Hart.Run(100);
        Assert.Equal(0UL, b.Hart.TrapCount);
        Assert.Equal(PrivilegeMode.Machine, b.Hart.Mode);
    }

    [Fact]
    public void SupervisorModeNeedsSieForDelegatedInterrupts()
    {
        Pending(Interrupt.SSIP);
        b.Poke(C.Mie, Interrupt.AllBits);
        b.Poke(C.Mideleg, Interrupt.SupervisorBits);
        b.Enter(PrivilegeMode.Supervisor, HartBench.Code);
        b.Hart.Run(100);
        Assert.Equal(0UL, b.Hart.TrapCount);
        // Setting SIE (here from outside, as a csrs would) lets it in.
        b.Poke(C.Sstatus, Mstatus.SIE);
        b.Hart.Run(100);
        Assert.Equal(1UL, b.Hart.TrapCount);
        Assert.Equal(PrivilegeMode.Supervisor, b.Hart.Mode);
        Assert.Equal(F | 1, b.Scause);
        ulong s = b.Peek(C.Mstatus);
        Assert.Equal(Mstatus.SPIE | Mstatus.SPP, s & (Mstatus.SPIE | Mstatus.SIE | Mstatus.SPP));
    }

    [Fact]
    public void MachineInterruptsPreemptSupervisorModeWhateverMie()
    {
        Pending(Interrupt.MTIP);
        b.Poke(C.Mie, Interrupt.MTIP);
        b.Enter(PrivilegeMode.Supervisor, HartBench.Code);
        Assert.Equal(0UL, b.Peek(C.Mstatus) & Mstatus.MIE);
        b.Hart.Run(10);
        Assert.Equal(PrivilegeMode.Machine, b.Hart.Mode);
        Assert.Equal(F | 7, b.Mcause);
        Assert.Equal(1UL, (b.Peek(C.Mstatus) & Mstatus.MPP) >> Mstatus.MPPShift);
    }

    [Fact]
    public void UserModeTakesDelegatedInterruptsRegardlessOfSie()
    {
        Pending(Interrupt.STIP);
        b.Poke(C.Mie, Interrupt.STIP);
        b.Poke(C.Mideleg, Interrupt.STIP);
        b.Enter(PrivilegeMode.User, HartBench.Code);
        Assert.Equal(0UL, b.Peek(C.Mstatus) & Mstatus.SIE);
        b.Hart.Run(10);
        Assert.Equal(PrivilegeMode.Supervisor, b.Hart.Mode);
        Assert.Equal(F | 5, b.Scause);
        Assert.Equal(0UL, b.Peek(C.Mstatus) & Mstatus.SPP);
    }

    [Fact]
    public void VectoredTrapVector()
    {
        // A table of "addi x15, x0, slot" at base + 4 * slot tells which entry ran.
        const ulong Base = HartBench.Code + 0x1000;
        var table = new Asm();
        for (int i = 0; i < 16; i++)
            table.Addi(15, 0, i);
        b.Load(table, Base);
        foreach (ulong bit in new[] { Interrupt.MSIP, Interrupt.MTIP, Interrupt.MEIP, Interrupt.SEIP })
        {
            b.Hart.Pc = HartBench.Code;
            b.Hart.SetX(15, 99);
            b.Poke(C.Mtvec, Base | 1);
            b.Poke(C.Mstatus, Mstatus.MIE);
            b.Poke(C.Mie, bit);
            Pending(bit);
            b.Hart.Run(1); // take the interrupt, execute the first instruction of the vector
            Pending(bit, false);
            Assert.Equal((ulong)System.Numerics.BitOperations.TrailingZeroCount(bit), b.X(15));
        }
        // Exceptions use the base even in vectored mode.
        b.Hart.Pc = HartBench.Code + 0x2000; // zeros: illegal
        b.Hart.SetX(15, 99);
        b.Hart.Run(2); // the trap, then the instruction at the base
        Assert.Equal(0UL, b.X(15));
        // stvec too.
        b.Poke(C.Stvec, Base | 1);
        b.Poke(C.Mideleg, Interrupt.SSIP);
        b.Poke(C.Mie, Interrupt.SSIP);
        b.Enter(PrivilegeMode.User, HartBench.Code);
        Pending(Interrupt.SSIP);
        b.Hart.Run(1);
        Assert.Equal(1UL, b.X(15));
    }

    [Fact]
    public void WfiExitsWhenNothingIsPendingAndCompletesWhenSomethingIs()
    {
        b.Reset();
        b.Load(new Asm().Wfi().Addi(10, 0, 1).Ecall());
        Assert.Equal(ExitReason.Wfi, b.Hart.Run(100));
        Assert.Equal(HartBench.Code + 4, b.Hart.Pc);

        // Pending and enabled in mie but globally disabled: WFI completes and execution goes on, no trap.
        b.Reset();
        b.Poke(C.Mie, Interrupt.MSIP);
        Pending(Interrupt.MSIP);
        Assert.Equal(ExitReason.Budget, b.Hart.Run(2));
        Assert.Equal(1UL, b.X(10));
        Assert.Equal(0UL, b.Hart.TrapCount);

        // Pending but not enabled in mie: WFI waits.
        b.Reset();
        Assert.Equal(ExitReason.Wfi, b.Hart.Run(100));
    }

    [Fact]
    public void WaitForInterruptWakesOnALineAndOnTheTimer()
    {
        b.Poke(C.Mie, Interrupt.MEIP | Interrupt.MTIP);
        var sw = Stopwatch.StartNew();
        b.Hart.WaitForInterrupt(TimeSpan.FromMilliseconds(30)); // nothing pending: the limit
        Assert.InRange(sw.ElapsedMilliseconds, 20, 5000);

        var t = new Thread(() => { Thread.Sleep(30); b.Hart.SetInterruptLine(Interrupt.MEIP, true); });
        sw.Restart();
        t.Start();
        b.Hart.WaitForInterrupt(TimeSpan.FromSeconds(20));
        Assert.True(sw.ElapsedMilliseconds < 10_000);
        Assert.True(b.Hart.InterruptWaiting);
        t.Join();
        b.Hart.SetInterruptLine(Interrupt.MEIP, false);

        b.Hart.Mtimecmp = b.Time.Now + Timebase.Frequency / 50; // 20 ms
        sw.Restart();
        b.Hart.WaitForInterrupt(TimeSpan.FromSeconds(20));
        Assert.True(sw.ElapsedMilliseconds < 10_000);
        Assert.True(b.Hart.InterruptWaiting);
    }

    [Fact]
    public void WaitForInterruptEndsAtATimerDeadlineUnderAMillisecondAway()
    {
        // Waits used to count whole milliseconds, so a timer 150 us away woke the hart after 1 ms or more.
        // The best of a few waits is robust to a loaded host: one prompt wake-up is enough.
        b.Poke(C.Mie, Interrupt.MTIP);
        TimeSpan best = TimeSpan.MaxValue;
        for (int i = 0; i < 20; i++)
        {
            b.Hart.Mtimecmp = b.Time.Now + Timebase.Frequency / 1_000_000 * 150;
            var sw = Stopwatch.StartNew();
            b.Hart.WaitForInterrupt(TimeSpan.FromSeconds(5));
            sw.Stop();
            Assert.True(b.Hart.InterruptWaiting);
            if (sw.Elapsed < best)
                best = sw.Elapsed;
        }
        Assert.True(best < TimeSpan.FromMicroseconds(900), $"best wait {best.TotalMicroseconds:0} us");
    }

    [Fact]
    public void MachineTimer()
    {
        b.Hart.Mtimecmp = b.Time.Now + Timebase.Frequency * 3600;
        Assert.Equal(0UL, b.Peek(C.Mip) & Interrupt.MTIP);
        b.Hart.Mtimecmp = b.Time.Now;
        Assert.Equal(Interrupt.MTIP, b.Peek(C.Mip) & Interrupt.MTIP);
        b.Poke(C.Mie, Interrupt.MTIP);
        b.Poke(C.Mstatus, Mstatus.MIE);
        b.Hart.Run(10);
        Assert.Equal(F | 7, b.Mcause);
        b.Hart.Mtimecmp = ulong.MaxValue;
        Assert.Equal(0UL, b.Peek(C.Mip) & Interrupt.MTIP);
    }

    [Fact]
    public void SupervisorTimerThroughStimecmp()
    {
        // M-mode grants Sstc; S programs stimecmp in the past, enables STIE and SIE, and is interrupted.
        b.Poke(C.Menvcfg, Menvcfg.STCE);
        b.Poke(C.Mcounteren, 2);
        b.Poke(C.Mideleg, Interrupt.STIP);
        var a = new Asm().Csrr(5, C.Time).Csrw(C.Stimecmp, 5).Li(6, Interrupt.STIP).Csrs(C.Sie, 6)
            .Csrr(7, C.Sip).Csrrsi(0, C.Sstatus, (int)Mstatus.SIE).Label("l").J("l");
        b.Load(a, HartBench.Code + 0x100);
        b.Enter(PrivilegeMode.Supervisor, HartBench.Code + 0x100);
        b.Hart.Run(50);
        Assert.Equal(Interrupt.STIP, b.X(7));
        Assert.Equal(PrivilegeMode.Supervisor, b.Hart.Mode);
        Assert.Equal(F | 5, b.Scause);
        Assert.Equal(HartBench.Code + 0x100 + (ulong)a.OffsetOf("l"), b.Sepc);
        // A future stimecmp clears STIP.
        b.Poke(C.Stimecmp, b.Time.Now + Timebase.Frequency * 3600);
        Assert.Equal(0UL, b.Peek(C.Sip));
        // Without STCE, stimecmp does not drive STIP.
        b.Poke(C.Stimecmp, 0);
        Assert.Equal(Interrupt.STIP, b.Peek(C.Sip));
        b.Poke(C.Menvcfg, 0);
        Assert.Equal(0UL, b.Peek(C.Sip));
    }

    [Fact]
    public void SbiTimerRaisesStipWithAndWithoutSstc()
    {
        foreach (ulong envcfg in new[] { 0UL, Menvcfg.STCE })
        {
            b.Reset();
            b.Poke(C.Menvcfg, envcfg);
            b.Hart.SbiTimer = b.Time.Now + Timebase.Frequency * 3600;
            Assert.Equal(0UL, b.Peek(C.Mip) & Interrupt.STIP);
            b.Hart.SbiTimer = 0;
            Assert.Equal(Interrupt.STIP, b.Peek(C.Mip) & Interrupt.STIP);
            b.Hart.SbiTimer = ulong.MaxValue;
            Assert.Equal(0UL, b.Peek(C.Mip) & Interrupt.STIP);
        }
        // Under Sstc the SBI timer is stimecmp (OpenSBI's set_timer on such harts), so the kernel sees one deadline.
        b.Hart.SbiTimer = 12345;
        Assert.Equal(12345UL, b.Peek(C.Stimecmp));
        b.Poke(C.Stimecmp, ulong.MaxValue);
        Assert.Equal(ulong.MaxValue, b.Hart.SbiTimer);
        Assert.Equal(0UL, b.Peek(C.Mip) & Interrupt.STIP);
    }

    [Fact]
    public void StartSupervisorTakesTheSbiTimer()
    {
        // The VMM's boot path: S-mode, Sstc on, STIP delegated; the SBI set_timer in the past interrupts S.
        b.Hart.StartSupervisor(HartBench.Code, 0, 0);
        b.Poke(C.Stvec, HartBench.SHalt);
        b.Poke(C.Sie, Interrupt.STIP);
        b.Poke(C.Sstatus, Mstatus.SIE);
        b.Hart.SbiTimer = 0;
        b.Hart.Run(10);
        Assert.Equal(F | 5, b.Scause);
        Assert.Equal(PrivilegeMode.Supervisor, b.Hart.Mode);
    }

    [Fact]
    public void SoftwareInterruptThroughSip()
    {
        // S sets its own SSIP by writing sip, and takes it.
        b.Poke(C.Mideleg, Interrupt.SSIP);
        b.Poke(C.Mie, Interrupt.SSIP);
        b.Load(new Asm().Csrrsi(0, C.Sstatus, (int)Mstatus.SIE).Csrrsi(0, C.Sip, (int)Interrupt.SSIP).Label("l").J("l"), HartBench.Code + 0x100);
        b.Enter(PrivilegeMode.Supervisor, HartBench.Code + 0x100);
        b.Hart.Run(10);
        Assert.Equal(F | 1, b.Scause);
        Assert.Equal(HartBench.Code + 0x108, b.Sepc);
    }
}
