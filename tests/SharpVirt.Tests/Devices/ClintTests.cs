using SharpVirt.Devices.Timers;

namespace SharpVirt.Tests.Devices;

public class ClintTests
{
    private readonly List<(int Hart, bool Level)> _msip = [];
    private readonly List<(int Hart, ulong Value)> _mtimecmp = [];
    private ulong _time = 0x1234_5678_9abc_def0;
    private readonly Clint _clint;

    public ClintTests() =>
        _clint = new Clint(2, () => _time, (h, l) => _msip.Add((h, l)), (h, v) => _mtimecmp.Add((h, v)));

    [Fact]
    public void MsipWritesReachTheHartAndReadBack()
    {
        _clint.Write(0x4, 4, 0xffff_ffff);
        Assert.Equal([(1, true)], _msip);
        Assert.Equal(1ul, _clint.Read(0x4, 4));
        Assert.Equal(0ul, _clint.Read(0x0, 4));
        _clint.Write(0x4, 4, 2); // only bit 0 is writable
        Assert.Equal([(1, true), (1, false)], _msip);
        Assert.Equal(0ul, _clint.Read(0x4, 4));
        _clint.Write(0x8, 4, 1); // no hart 2
        _clint.Write(0x0, 8, 1); // msip is a 32-bit register
        Assert.Equal(2, _msip.Count);
    }

    [Fact]
    public void MtimecmpResetsToMaxAndAcceptsWideAndHalfWrites()
    {
        Assert.Equal(ulong.MaxValue, _clint.Read(0x4008, 8));
        Assert.Equal(ulong.MaxValue, _clint.GetMtimecmp(0));

        _clint.Write(0x4008, 8, 0x0000_0001_0000_0002);
        Assert.Equal((1, 0x0000_0001_0000_0002ul), _mtimecmp[^1]);

        // RV32-style update: low half first, then high half.
        _clint.Write(0x4000, 4, 0xaaaa_bbbb);
        Assert.Equal((0, 0xffff_ffff_aaaa_bbbbul), _mtimecmp[^1]);
        _clint.Write(0x4004, 4, 0x10);
        Assert.Equal((0, 0x0000_0010_aaaa_bbbbul), _mtimecmp[^1]);
        Assert.Equal(0x0000_0010_aaaa_bbbbul, _clint.Read(0x4000, 8));
        Assert.Equal(0xaaaa_bbbbul, _clint.Read(0x4000, 4));
        Assert.Equal(0x10ul, _clint.Read(0x4004, 4));
        Assert.Equal(0x0000_0001_0000_0002ul, _clint.GetMtimecmp(1));

        _clint.Write(0x4004, 8, 0); // misaligned 64-bit access
        _clint.Write(0x4010, 8, 0); // no hart 2
        Assert.Equal(3, _mtimecmp.Count);
    }

    [Fact]
    public void MtimeReadsTheClockAndIgnoresWrites()
    {
        Assert.Equal(_time, _clint.Read(0xbff8, 8));
        Assert.Equal(0x9abc_def0ul, _clint.Read(0xbff8, 4));
        Assert.Equal(0x1234_5678ul, _clint.Read(0xbffc, 4));
        _time += 5;
        Assert.Equal(0x1234_5678_9abc_def5ul, _clint.Read(0xbff8, 8));
        _clint.Write(0xbff8, 8, 0);
        Assert.Equal(0x1234_5678_9abc_def5ul, _clint.Read(0xbff8, 8));
        Assert.Empty(_mtimecmp);
    }

    [Fact]
    public void OddWidthsReadZero()
    {
        Assert.Equal(0ul, _clint.Read(0xbff8, 2));
        Assert.Equal(0ul, _clint.Read(0xbff8, 1));
        Assert.Equal(0ul, _clint.Read(0xbffa, 4));
    }
}
