using SharpVirt.Devices.Bus;

namespace SharpVirt.Tests.Devices;

public class MmioBusTests
{
    private sealed class RecordingDevice(ulong readValue = 0) : IMmioDevice
    {
        public ulong LastOffset { get; private set; } = ulong.MaxValue;
        public int LastSize { get; private set; }
        public ulong LastValue { get; private set; }
        public int Accesses { get; private set; }

        public ulong Read(ulong offset, int size)
        {
            LastOffset = offset;
            LastSize = size;
            Accesses++;
            return readValue;
        }

        public void Write(ulong offset, int size, ulong value)
        {
            LastOffset = offset;
            LastSize = size;
            LastValue = value;
            Accesses++;
        }
    }

    [Fact]
    public void RoutesAccessesWithRegionRelativeOffsets()
    {
        var bus = new MmioBus();
        var a = new RecordingDevice(0x11);
        var b = new RecordingDevice(0x22);
        bus.Map(0x1000_0000, 0x100, a, "uart");
        bus.Map(0x0200_0000, 0x1_0000, b, "clint");

        Assert.True(bus.TryRead(0x1000_0005, 1, out ulong v));
        Assert.Equal(0x11ul, v);
        Assert.Equal(5ul, a.LastOffset);
        Assert.Equal(1, a.LastSize);

        Assert.True(bus.TryWrite(0x0200_4000, 8, 0xdead_beef_0000_0001));
        Assert.Equal(0x4000ul, b.LastOffset);
        Assert.Equal(8, b.LastSize);
        Assert.Equal(0xdead_beef_0000_0001ul, b.LastValue);
    }

    [Fact]
    public void UnmappedAddressesFail()
    {
        var bus = new MmioBus();
        Assert.False(bus.TryRead(0, 4, out ulong v));
        Assert.Equal(0ul, v);
        bus.Map(0x1000, 0x1000, new RecordingDevice(), "d");
        Assert.False(bus.TryRead(0xfff, 1, out _));
        Assert.False(bus.TryWrite(0x2000, 1, 0));
        Assert.True(bus.TryRead(0x1000, 1, out _));
        Assert.True(bus.TryRead(0x1fff, 1, out _));
    }

    [Fact]
    public void AccessesStraddlingTheRegionEndFail()
    {
        var bus = new MmioBus();
        var d = new RecordingDevice();
        bus.Map(0x1000, 0x100, d, "d");
        bus.Map(0x1100, 0x100, new RecordingDevice(), "next");
        Assert.True(bus.TryRead(0x10f8, 8, out _));
        Assert.False(bus.TryRead(0x10fc, 8, out _));
        Assert.False(bus.TryWrite(0x10ff, 2, 0));
        Assert.Equal(1, d.Accesses);
    }

    [Fact]
    public void RegionAtTopOfAddressSpaceWorks()
    {
        var bus = new MmioBus();
        var d = new RecordingDevice(7);
        bus.Map(ulong.MaxValue - 0xfff, 0x1000, d, "top");
        Assert.True(bus.TryRead(ulong.MaxValue - 7, 8, out ulong v));
        Assert.Equal(7ul, v);
        Assert.False(bus.TryRead(ulong.MaxValue - 3, 8, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => bus.Map(ulong.MaxValue, 2, d, "wrap"));
    }

    [Theory]
    [InlineData(0x1000ul, 0x100ul)] // identical
    [InlineData(0x0f00ul, 0x101ul)] // overlaps the start
    [InlineData(0x10fful, 0x10ul)]  // overlaps the end
    [InlineData(0x1010ul, 0x10ul)]  // inside
    [InlineData(0x0000ul, 0x10000ul)] // covers
    public void OverlappingMapThrows(ulong baseAddress, ulong size)
    {
        var bus = new MmioBus();
        bus.Map(0x1000, 0x100, new RecordingDevice(), "first");
        Assert.Throws<InvalidOperationException>(() => bus.Map(baseAddress, size, new RecordingDevice(), "second"));
        Assert.Single(bus.Regions);
    }

    [Fact]
    public void AdjacentRegionsAndRegionListAreSorted()
    {
        var bus = new MmioBus();
        bus.Map(0x2000, 0x1000, new RecordingDevice(), "c");
        bus.Map(0x0, 0x1000, new RecordingDevice(), "a");
        bus.Map(0x1000, 0x1000, new RecordingDevice(), "b");
        Assert.Equal(
            [(0x0ul, 0x1000ul, "a"), (0x1000ul, 0x1000ul, "b"), (0x2000ul, 0x1000ul, "c")],
            bus.Regions);
        Assert.Throws<ArgumentOutOfRangeException>(() => bus.Map(0x9000, 0, new RecordingDevice(), "empty"));
    }

    [Fact]
    public void LookupsFindEveryRegion()
    {
        var bus = new MmioBus();
        var devices = new RecordingDevice[64];
        for (int i = 0; i < devices.Length; i++)
        {
            // Map in a scrambled order with gaps between regions.
            int slot = (i * 37) % devices.Length;
            devices[slot] = new RecordingDevice((ulong)slot);
            bus.Map((ulong)slot * 0x2000, 0x1000, devices[slot], $"d{slot}");
        }
        for (int slot = 0; slot < devices.Length; slot++)
        {
            Assert.True(bus.TryRead(((ulong)slot * 0x2000) + 0x800, 4, out ulong v));
            Assert.Equal((ulong)slot, v);
            Assert.False(bus.TryRead(((ulong)slot * 0x2000) + 0x1000, 4, out _));
        }
    }
}
