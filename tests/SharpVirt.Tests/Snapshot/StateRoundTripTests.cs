using SharpVirt.Cpu;
using SharpVirt.Cpu.Csr;
using SharpVirt.Cpu.Mmu;
using SharpVirt.Cpu.Traps;
using SharpVirt.Devices.Interrupts;
using SharpVirt.Devices.Misc;
using SharpVirt.Devices.Serial;
using SharpVirt.Devices.Timers;
using SharpVirt.Memory;
using SharpVirt.Memory.Snapshot;
using SharpVirt.Tests.Cpu;
using static SharpVirt.Devices.Serial.Uart16550Registers;

namespace SharpVirt.Tests.Snapshot;

/// <summary>Each piece of state a snapshot keeps goes out and comes back the same, and the restored part behaves the same.</summary>
public sealed class StateRoundTripTests
{
    private static byte[] Bytes(Action<SnapshotWriter> write)
    {
        var w = new SnapshotWriter();
        write(w);
        return w.ToArray();
    }

    /// <summary>Writes, reads back (checking the whole payload was read) and returns what was read.</summary>
    private static T RoundTrip<T>(Action<SnapshotWriter> write, Func<SnapshotReader, T> read)
    {
        var r = new SnapshotReader(Bytes(write), "TEST");
        T value = read(r);
        r.ExpectEnd();
        return value;
    }

    [Fact]
    public void HartStateRoundTripsAndRestoresEveryRegister()
    {
        using var memory = new GuestMemory();
        memory.AddSlot(0x8000_0000, 16 << 20);
        var time = new Timebase();
        using var a = new Hart(0, memory, new FakeBus(), time);
        a.StartSupervisor(0x8020_0000, 0, 0x8100_0000);
        for (int i = 1; i < 32; i++)
        {
            a.SetX(i, 0x1111_0000_0000UL * (ulong)i + (ulong)i);
            a.SetF(i, 0xffff_ffff_0000_0000UL | (uint)(i * 3));
        }
        a.Pc = 0xffff_ffff_8000_1234;
        ulong satp = (Satp.Sv39 << Satp.ModeShift) | (5UL << Satp.AsidShift) | 0x81234;
        Assert.True(a.DebugWriteCsr(CsrAddress.Satp, satp));
        foreach (var (csr, value) in new (int, ulong)[]
        {
            (CsrAddress.Stvec, 0xffff_ffff_8000_0100), (CsrAddress.Sscratch, 42), (CsrAddress.Sepc, 0x1000), (CsrAddress.Scause, 8),
            (CsrAddress.Stval, 0xdead), (CsrAddress.Mscratch, 7), (CsrAddress.Mepc, 0x2000), (CsrAddress.Mcause, 2), (CsrAddress.Mtval, 3),
            (CsrAddress.Mtvec, 0x8000_0000), (CsrAddress.Stimecmp, 123_456), (CsrAddress.Fcsr, 0x85), (CsrAddress.Pmpaddr0 + 3, 0x1234),
            (CsrAddress.Pmpcfg0, 0x0f00_0000), (CsrAddress.Senvcfg, 1), (CsrAddress.Sie, Interrupt.SupervisorBits),
        })
        {
            Assert.True(a.DebugWriteCsr(csr, value), $"csr 0x{csr:x}");
        }
        a.Mtimecmp = 999;
        a.InjectInterrupt(Interrupt.SSIP);
        a.SetInterruptLine(Interrupt.SEIP, true);
        a.Instret = 1_000_000;

        HartState saved = a.SaveState();
        byte[] bytes = Bytes(saved.Write);
        HartState read = RoundTrip(saved.Write, HartState.Read);
        Assert.Equal(bytes, Bytes(read.Write));

        using var b = new Hart(0, memory, new FakeBus(), time);
        b.RestoreState(read);
        Assert.Equal(bytes, Bytes(b.SaveState().Write));
        Assert.Equal(PrivilegeMode.Supervisor, b.Mode);
        Assert.Equal(0xffff_ffff_8000_1234, b.Pc);
        Assert.Equal(0x1111_0000_0000UL * 17 + 17, b.GetX(17));
        Assert.Equal(a.GetF(9), b.GetF(9));
        Assert.Equal(satp, b.SatpValue);
        Assert.True(b.DebugReadCsr(CsrAddress.Fcsr, out ulong fcsr));
        Assert.Equal(0x85ul, fcsr);
        Assert.True(b.DebugReadCsr(CsrAddress.Pmpaddr0 + 3, out ulong pmp));
        Assert.Equal(0x1234ul, pmp);
        Assert.Equal(999ul, b.Mtimecmp);
        Assert.Equal(Interrupt.SSIP | Interrupt.SEIP, b.Mip & (Interrupt.SSIP | Interrupt.SEIP));
        Assert.True(b.DebugReadCsr(CsrAddress.Minstret, out ulong instret));
        Assert.Equal(1_000_000ul, instret);
    }

    [Fact]
    public void HartStateCutShortOrWithABadModeIsRefused()
    {
        using var memory = new GuestMemory();
        memory.AddSlot(0x8000_0000, 16 << 20);
        using var hart = new Hart(0, memory, new FakeBus(), new Timebase());
        byte[] bytes = Bytes(hart.SaveState().Write);
        var e = Assert.Throws<SnapshotFormatException>(() => HartState.Read(new SnapshotReader(bytes.AsMemory(0, bytes.Length - 3), "VCPU")));
        Assert.Equal("section VCPU ends early", e.Message);
        bytes[2 * (4 + 32 * 8) + 8] = 2; // the privilege mode byte after x, f and pc: 2 is reserved
        e = Assert.Throws<SnapshotFormatException>(() => HartState.Read(new SnapshotReader(bytes, "VCPU")));
        Assert.Contains("is not a valid PrivilegeMode", e.Message);
    }

    private const ulong ContextBase = 0x20_0000, EnableBase = 0x2000;

    [Fact]
    public void PlicRestoresPriorityEnablesThresholdAndAClaimInFlight()
    {
        var lines = new bool[4];
        var plic = new Plic(2, (ctx, level) => lines[ctx] = level);
        plic.Write(4 * 5, 4, 3);          // source 5: priority 3
        plic.Write(4 * 9, 4, 2);          // source 9: priority 2
        plic.Write(EnableBase + 0x80, 4, (1 << 5) | (1 << 9)); // context 1 (hart 0, S)
        plic.Write(ContextBase + 0x1000, 4, 1); // context 1 threshold
        plic.GetSource(5).SetLevel(true);
        plic.GetSource(9).SetLevel(true);
        Assert.Equal(5ul, plic.Read(ContextBase + 0x1000 + 4, 4)); // claim 5: in flight now
        Assert.True(lines[1]);                                        // 9 still pending

        PlicState state = RoundTrip(plic.SaveState().Write, PlicState.Read);
        var lines2 = new bool[4];
        lines2[3] = true; // whatever the lines were, restore drives them
        var restored = new Plic(2, (ctx, level) => lines2[ctx] = level);
        restored.RestoreState(state);
        Assert.Equal(lines, lines2);
        Assert.Equal(plic.Read(4 * 9, 4), restored.Read(4 * 9, 4));
        Assert.Equal(plic.Read(0x1000, 4), restored.Read(0x1000, 4));
        // Both answer the same from here: claim 9, complete 5 (still high: pending again), claim 5.
        foreach (var p in new[] { plic, restored })
        {
            Assert.Equal(9ul, p.Read(ContextBase + 0x1000 + 4, 4));
            p.Write(ContextBase + 0x1000 + 4, 4, 5);
            Assert.Equal(5ul, p.Read(ContextBase + 0x1000 + 4, 4));
        }
    }

    [Fact]
    public void ClintRestoresMsipAndMtimecmpAndHandsThemToTheHarts()
    {
        var clint = new Clint(2, () => 0, (_, _) => { }, (_, _) => { });
        clint.Write(4, 4, 1);               // hart 1 msip
        clint.Write(0x4000, 8, 123_456);    // hart 0 mtimecmp
        ClintState state = RoundTrip(clint.SaveState().Write, ClintState.Read);
        var msip = new bool[2];
        var cmp = new ulong[2];
        var restored = new Clint(2, () => 0, (h, level) => msip[h] = level, (h, value) => cmp[h] = value);
        restored.RestoreState(state);
        Assert.Equal([false, true], msip);
        Assert.Equal([123_456ul, ulong.MaxValue], cmp);
        Assert.Equal(1ul, restored.Read(4, 4));
        Assert.Equal(123_456ul, restored.Read(0x4000, 8));
        Assert.Throws<ArgumentException>(() => new Clint(3, () => 0, (_, _) => { }, (_, _) => { }).RestoreState(state));
    }

    [Fact]
    public void UartRestoresRegistersAndTheReceiveFifoAndItsInterrupt()
    {
        var uart = new Uart16550(IrqLine.None, _ => { });
        uart.Write(IirFcr, 1, FcrEnableFifo);
        uart.Write(Ier, 1, IerRdi);
        uart.Write(Scr, 1, 0x5a);
        uart.Write(Lcr, 1, 3);
        Assert.True(uart.TryReceive((byte)'o'));
        Assert.True(uart.TryReceive((byte)'k'));
        Assert.Equal((byte)'o', (byte)uart.Read(RbrThr, 1));
        Assert.True(uart.TryReceive((byte)'!'));

        Uart16550State state = RoundTrip(uart.SaveState().Write, Uart16550State.Read);
        var irq = new IrqLine();
        var restored = new Uart16550(irq, _ => { });
        restored.RestoreState(state);
        Assert.True(irq.Level);
        Assert.Equal(0x5aul, restored.Read(Scr, 1));
        Assert.Equal(3ul, restored.Read(Lcr, 1));
        Assert.Equal((ulong)'k', restored.Read(RbrThr, 1));
        Assert.Equal((ulong)'!', restored.Read(RbrThr, 1));
        Assert.False(irq.Level);
        Assert.Equal(0ul, restored.Read(Lsr, 1) & LsrDr);
    }

    [Fact]
    public void RtcAlarmThatCameDueWhileSavedFiresOnRestore()
    {
        long now = 1_000_000_000_000;
        using var rtc = new GoldfishRtc(IrqLine.None, () => now);
        rtc.Write(GoldfishRtc.IrqEnabled, 4, 1);
        ulong alarm = (ulong)now + 500_000_000;
        rtc.Write(GoldfishRtc.AlarmHigh, 4, alarm >> 32);
        rtc.Write(GoldfishRtc.AlarmLow, 4, (uint)alarm);
        Assert.Equal(1ul, rtc.Read(GoldfishRtc.AlarmStatus, 4));

        GoldfishRtcState state = RoundTrip(rtc.SaveState().Write, GoldfishRtcState.Read);
        Assert.True(state.AlarmRunning);
        var irq = new IrqLine();
        long later = now + 2_000_000_000;
        using var restored = new GoldfishRtc(irq, () => later);
        restored.RestoreState(state);
        Assert.True(irq.Level);
        Assert.Equal(0ul, restored.Read(GoldfishRtc.AlarmStatus, 4));
        Assert.Equal(alarm & 0xffff_ffff, restored.Read(GoldfishRtc.AlarmLow, 4));
    }

    [Fact]
    public void ReaderRefusesCountsAndFlagsOutOfRange()
    {
        byte[] bytes = Bytes(w =>
        {
            w.WriteInt32(1000);
            w.WriteByte(7);
        });
        var r = new SnapshotReader(bytes, "X");
        Assert.Contains("out of range", Assert.Throws<SnapshotFormatException>(() => r.ReadCount(10)).Message);
        r = new SnapshotReader(bytes, "X");
        Assert.Equal("section X ends early", Assert.Throws<SnapshotFormatException>(() => r.ReadCount(5000)).Message);
        r = new SnapshotReader(bytes.AsMemory(4), "X");
        Assert.Contains("a flag holds 7", Assert.Throws<SnapshotFormatException>(() => r.ReadBool()).Message);
        r = new SnapshotReader(bytes, "X");
        r.ReadInt32();
        Assert.Contains("1 unexpected bytes", Assert.Throws<SnapshotFormatException>(r.ExpectEnd).Message);
    }
}
