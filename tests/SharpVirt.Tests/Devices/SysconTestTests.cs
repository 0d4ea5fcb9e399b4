using SharpVirt.Devices.Misc;

namespace SharpVirt.Tests.Devices;

public class SysconTestTests
{
    private readonly List<(SystemEvent Kind, int Code)> _events = [];
    private readonly SysconTest _syscon;

    public SysconTestTests() => _syscon = new SysconTest((k, c) => _events.Add((k, c)));

    [Fact]
    public void FinisherValuesRaiseEvents()
    {
        _syscon.Write(0, 4, 0x5555);
        _syscon.Write(0, 4, 0x7777);
        _syscon.Write(0, 4, (42u << 16) | 0x3333);
        Assert.Equal([(SystemEvent.PowerOff, 0), (SystemEvent.Reset, 0), (SystemEvent.Fail, 42)], _events);
    }

    [Fact]
    public void OtherWritesAreIgnored()
    {
        _syscon.Write(0, 4, 0x1234);
        _syscon.Write(4, 4, 0x5555);
        _syscon.Write(0, 1, 0x55);
        Assert.Empty(_events);
        Assert.Equal(0ul, _syscon.Read(0, 4));
    }
}
