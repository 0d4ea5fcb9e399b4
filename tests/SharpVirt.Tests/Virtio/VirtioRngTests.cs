using SharpVirt.Devices.Virtio;
using SharpVirt.Devices.Virtio.Entropy;
using R = SharpVirt.Devices.Virtio.VirtioMmioRegisters;

namespace SharpVirt.Tests.Virtio;

public class VirtioRngTests : IDisposable
{
    private readonly VirtioRng _rng = new();
    private readonly VirtioTestDriver _driver;

    public VirtioRngTests() => _driver = new VirtioTestDriver(_ => _rng);

    public void Dispose() => _driver.Dispose();

    [Fact]
    public void FillsWritableBuffersAndInterrupts()
    {
        _driver.Start(size: 16);
        Assert.Equal(VirtioFeatures.Transport, _driver.Transport.OfferedFeatures);
        TestVirtQueue q = _driver.Queues[0];
        ulong a = _driver.Alloc(64), b = _driver.Alloc(4096), c1 = _driver.Alloc(16), c2 = _driver.Alloc(48);
        ushort ha = q.Add((a, 64, true));
        ushort hb = q.Add((b, 4096, true));
        ushort hc = q.Add((c1, 16, true), (c2, 48, true));
        q.Kick();

        Assert.Equal((ha, 64u), q.WaitUsed());
        Assert.Equal((hb, 4096u), q.WaitUsed());
        Assert.Equal((hc, 64u), q.WaitUsed());
        VirtioTestDriver.WaitUntil(() => _driver.Irq.Level);
        Assert.Equal(R.InterruptUsedBuffer, _driver.AckInterrupt());
        Assert.False(_driver.Irq.Level);
        Assert.True(_driver.ReadRam(b, 4096).Count(x => x != 0) > 3000);
        Assert.Contains(_driver.ReadRam(c2, 48), x => x != 0);
        Assert.NotEqual(_driver.ReadRam(a, 64), _driver.ReadRam(c1, 16).Concat(_driver.ReadRam(c2, 48)).ToArray());
        Assert.Equal(64 + 4096 + 64, _rng.BytesProvided);
    }

    [Fact]
    public void ReadOnlyBuffersGetNothingAndHugeOnesAreCapped()
    {
        _driver.Start(size: 16);
        TestVirtQueue q = _driver.Queues[0];
        ulong a = _driver.Alloc(32);
        ulong big = _driver.Alloc(1 << 20);
        ushort ha = q.Add((a, 32, false));
        ushort hb = q.Add((big, 1 << 20, true));
        q.Kick();
        Assert.Equal((ha, 0u), q.WaitUsed());
        Assert.Equal((hb, (uint)VirtioRng.MaxBytesPerRequest), q.WaitUsed());
        Assert.All(_driver.ReadRam(a, 32), x => Assert.Equal(0, x));
        Assert.All(_driver.ReadRam(big + VirtioRng.MaxBytesPerRequest, 4096), x => Assert.Equal(0, x));
    }

    [Fact]
    public void AMalformedChainSetsNeedsResetAndTheDeviceWorksAfterReset()
    {
        _driver.Start(size: 16);
        TestVirtQueue q = _driver.Queues[0];
        q.Add((0x1000, 64, true)); // not RAM
        q.Kick();
        _driver.WaitNeedsResetInterrupt();
        Assert.Equal(R.InterruptConfigChange, _driver.AckInterrupt());
        Assert.Equal(0, q.UsedIdx);

        _driver.Queues.Clear();
        _driver.Start(size: 16);
        q = _driver.Queues[0];
        ushort h = q.Add((_driver.Alloc(8), 8, true));
        q.Kick();
        Assert.Equal((h, 8u), q.WaitUsed());
        Assert.Equal(0, _rng.Worker.Faults);
    }

    [Fact]
    public void BuffersMadeAvailableBeforeDriverOkAreServedAtActivation()
    {
        ulong? features = _driver.Negotiate();
        TestVirtQueue q = _driver.SetupQueue(0, 8, eventIdx: true);
        ushort h = q.Add((_driver.Alloc(8), 8, true));
        q.Kick(); // before DRIVER_OK: not delivered
        Assert.True(_driver.Transport.Queues[0].Size == 0);
        _driver.DriverOk();
        Assert.Equal((h, 8u), q.WaitUsed());
        Assert.NotNull(features);
    }
}
