using SharpVirt.Devices.Interrupts;
using SharpVirt.Devices.Misc;

namespace SharpVirt.Tests.Devices;

public sealed class GoldfishRtcTests : IDisposable
{
    private long _now = 0x0000_0123_8000_0000;
    private readonly IrqLine _irq = new();
    private readonly GoldfishRtc _rtc;

    public GoldfishRtcTests() => _rtc = new GoldfishRtc(_irq, () => _now);

    public void Dispose() => _rtc.Dispose();

    private uint Read(ulong reg) => (uint)_rtc.Read(reg, 4);

    private void Write(ulong reg, uint value) => _rtc.Write(reg, 4, value);

    private ulong ReadTime()
    {
        uint low = Read(GoldfishRtc.TimeLow);
        return ((ulong)Read(GoldfishRtc.TimeHigh) << 32) | low;
    }

    [Fact]
    public void TimeLowLatchesTimeHigh()
    {
        Assert.Equal(0x8000_0000u, Read(GoldfishRtc.TimeLow));
        _now = 0x0000_0456_0000_0001;
        Assert.Equal(0x123u, Read(GoldfishRtc.TimeHigh));
        Assert.Equal(0x0000_0456_0000_0001ul, ReadTime());
    }

    [Fact]
    public void HostClockIsNanosecondsSinceTheEpoch()
    {
        using var rtc = new GoldfishRtc(IrqLine.None);
        uint low = (uint)rtc.Read(GoldfishRtc.TimeLow, 4);
        ulong ns = ((ulong)rtc.Read(GoldfishRtc.TimeHigh, 4) << 32) | low;
        long expected = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        Assert.InRange((long)ns, expected - 5_000_000_000, expected + 5_000_000_000);
    }

    [Fact]
    public void GuestCanSetTheTime()
    {
        Write(GoldfishRtc.TimeHigh, 0x10);
        Write(GoldfishRtc.TimeLow, 0x20);
        Assert.Equal(0x0000_0010_0000_0020ul, ReadTime());
        _now += 5;
        Assert.Equal(0x0000_0010_0000_0025ul, ReadTime());
    }

    [Fact]
    public void AlarmInThePastFiresAtOnceWhenEnabled()
    {
        Write(GoldfishRtc.AlarmHigh, 0x123);
        Write(GoldfishRtc.AlarmLow, 0);
        Assert.Equal(0u, Read(GoldfishRtc.AlarmStatus));
        Assert.False(_irq.Level); // interrupt pending but not enabled
        Write(GoldfishRtc.IrqEnabled, 1);
        Assert.True(_irq.Level);
        Assert.Equal(1u, Read(GoldfishRtc.IrqEnabled));
        Write(GoldfishRtc.ClearInterrupt, 1);
        Assert.False(_irq.Level);
    }

    [Fact]
    public void FutureAlarmFiresWhenItsTimeComes()
    {
        Write(GoldfishRtc.IrqEnabled, 1);
        Write(GoldfishRtc.AlarmHigh, 0x123);
        Write(GoldfishRtc.AlarmLow, 0x8000_1000);
        Assert.Equal(1u, Read(GoldfishRtc.AlarmStatus));
        Assert.Equal(0x123u, Read(GoldfishRtc.AlarmHigh));
        Assert.Equal(0x8000_1000u, Read(GoldfishRtc.AlarmLow));

        _rtc.CheckAlarm(); // too early: nothing happens
        Assert.False(_irq.Level);
        Assert.Equal(1u, Read(GoldfishRtc.AlarmStatus));

        _now += 0x1000;
        _rtc.CheckAlarm();
        Assert.True(_irq.Level);
        Assert.Equal(0u, Read(GoldfishRtc.AlarmStatus));
    }

    [Fact]
    public void ClearAlarmDisarms()
    {
        Write(GoldfishRtc.IrqEnabled, 1);
        Write(GoldfishRtc.AlarmHigh, 0x124);
        Write(GoldfishRtc.AlarmLow, 0);
        Write(GoldfishRtc.ClearAlarm, 1);
        Assert.Equal(0u, Read(GoldfishRtc.AlarmStatus));
        _now = 0x0000_0200_0000_0000;
        _rtc.CheckAlarm();
        Assert.False(_irq.Level);
    }

    [Fact]
    public void HostTimerRaisesTheAlarm()
    {
        using var fired = new ManualResetEventSlim();
        using var rtc = new GoldfishRtc(new IrqLine(level => { if (level) { fired.Set(); } }));
        uint low = (uint)rtc.Read(GoldfishRtc.TimeLow, 4);
        ulong now = ((ulong)rtc.Read(GoldfishRtc.TimeHigh, 4) << 32) | low;
        ulong alarm = now + 20_000_000; // 20 ms
        rtc.Write(GoldfishRtc.IrqEnabled, 4, 1);
        rtc.Write(GoldfishRtc.AlarmHigh, 4, alarm >> 32);
        rtc.Write(GoldfishRtc.AlarmLow, 4, alarm & 0xffff_ffff);
        Assert.True(fired.Wait(TimeSpan.FromSeconds(10)));
        Assert.Equal(0ul, rtc.Read(GoldfishRtc.AlarmStatus, 4));
    }
}
