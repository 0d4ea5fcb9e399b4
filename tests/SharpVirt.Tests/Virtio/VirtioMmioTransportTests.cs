using SharpVirt.Devices.Virtio;
using R = SharpVirt.Devices.Virtio.VirtioMmioRegisters;

namespace SharpVirt.Tests.Virtio;

public class VirtioMmioTransportTests : IDisposable
{
    private const DeviceStatus AckDriver = DeviceStatus.Acknowledge | DeviceStatus.Driver;
    private const DeviceStatus Ready = AckDriver | DeviceStatus.FeaturesOk | DeviceStatus.DriverOk;

    private readonly FakeVirtioDevice _device = new();
    private readonly VirtioTestDriver _driver;

    public VirtioMmioTransportTests() => _driver = new VirtioTestDriver(_ => _device);

    public void Dispose() => _driver.Dispose();

    [Fact]
    public void IdentifiesAsVersion2WithTheDeviceIdAndOffersTransportFeatures()
    {
        Assert.Equal(0x7472_6976u, _driver.Reg(R.MagicValue));
        Assert.Equal(2u, _driver.Reg(R.Version));
        Assert.Equal(4u, _driver.Reg(R.DeviceId));
        Assert.Equal(0x554d_4551u, _driver.Reg(R.VendorId));
        Assert.Equal((1UL << 5) | VirtioFeatures.Version1 | VirtioFeatures.RingEventIdx | VirtioFeatures.RingIndirectDesc, _driver.DeviceFeatures);
        _driver.Reg(R.DeviceFeaturesSel, 2);
        Assert.Equal(0u, _driver.Reg(R.DeviceFeatures));
        Assert.Equal(uint.MaxValue, _driver.Reg(R.ShmLenLow)); // no shared memory regions
        Assert.Equal(uint.MaxValue, _driver.Reg(R.ShmLenHigh));
    }

    [Fact]
    public void ControlRegistersNeedAligned32BitAccesses()
    {
        Assert.Equal(0ul, _driver.Transport.Read(R.MagicValue, 2));
        Assert.Equal(0ul, _driver.Transport.Read(R.MagicValue, 8));
        Assert.Equal(0ul, _driver.Transport.Read(R.MagicValue + 1, 4));
        _driver.Transport.Write(R.Status, 1, (ulong)DeviceStatus.Acknowledge);
        _driver.Transport.Write(R.Status + 2, 4, (ulong)DeviceStatus.Acknowledge);
        Assert.Equal(DeviceStatus.None, _driver.Status);
        Assert.Equal(0ul, _driver.Transport.Read(0x1000, 4)); // beyond the window
    }

    [Fact]
    public void ConfigSpaceTakesAnyWidth()
    {
        Assert.Equal(0x01ul, _driver.Transport.Read(R.Config, 1));
        Assert.Equal(0x0403ul, _driver.Transport.Read(R.Config + 2, 2));
        Assert.Equal(0x0807_0605ul, _driver.Transport.Read(R.Config + 4, 4));
        Assert.Equal(0x100f_0e0d_0c0b_0a09ul, _driver.Transport.Read(R.Config + 8, 8));
        _driver.Transport.Write(R.Config + 8, 8, 0x1122_3344_5566_7788);
        Assert.Equal(0x5566_7788ul, _driver.Transport.Read(R.Config + 8, 4));
        Assert.Equal(0x1122_3344ul, _driver.Transport.Read(R.Config + 12, 4));
        Assert.Equal(0ul, _driver.Transport.Read(R.Config + 0x80, 4));
    }

    [Fact]
    public void LinuxStyleInitializationActivatesTheDevice()
    {
        _driver.Start(size: 8);
        Assert.Equal(1, _device.Activations);
        VirtioDeviceContext ctx = _device.Context!;
        Assert.True(ctx.HasFeature(VirtioFeatures.Version1 | VirtioFeatures.RingEventIdx));
        Assert.Equal(2, ctx.Queues.Count);
        Assert.True(ctx.Queues[0].IsReady);
        Assert.Equal(8, ctx.Queues[1].Size);
        Assert.Equal(_driver.Queues[1].Desc, ctx.Queues[1].DescriptorTable);
        Assert.Equal(_driver.Queues[1].Avail, ctx.Queues[1].DriverArea);
        Assert.Equal(_driver.Queues[1].Used, ctx.Queues[1].DeviceArea);

        _driver.Queues[1].Kick();
        _driver.Reg(R.QueueNotify, 7); // no such queue
        Assert.Equal([1], _device.Notified);
    }

    [Fact]
    public void FeaturesOkNeedsVersion1AndASubsetOfTheOffer()
    {
        Assert.Null(_driver.Negotiate(f => f & ~VirtioFeatures.Version1));
        Assert.Null(_driver.Negotiate(f => f | (1UL << 7)));
        Assert.Equal(VirtioFeatures.Version1, _driver.Negotiate(_ => VirtioFeatures.Version1));
        Assert.Equal(AckDriver | DeviceStatus.FeaturesOk, _driver.Status);
    }

    [Fact]
    public void DriverFeaturesAreOnlyAcceptedBetweenDriverAndFeaturesOk()
    {
        _driver.Reg(R.Status, (uint)DeviceStatus.Acknowledge);
        _driver.Reg(R.DriverFeaturesSel, 1);
        _driver.Reg(R.DriverFeatures, 1); // too early: ignored
        _driver.Reg(R.Status, (uint)AckDriver);
        _driver.Reg(R.Status, (uint)(AckDriver | DeviceStatus.FeaturesOk));
        Assert.Equal(AckDriver, _driver.Status); // VERSION_1 missing

        _driver.Reg(R.DriverFeatures, 1);
        _driver.Reg(R.Status, (uint)(AckDriver | DeviceStatus.FeaturesOk));
        Assert.Equal(AckDriver | DeviceStatus.FeaturesOk, _driver.Status);
        _driver.Reg(R.DriverFeaturesSel, 0);
        _driver.Reg(R.DriverFeatures, 1u << 5); // too late: ignored
        _driver.Reg(R.Status, (uint)Ready);
        Assert.Equal(VirtioFeatures.Version1, _device.Context!.NegotiatedFeatures);
    }

    [Fact]
    public void StatusBitsCannotBeClearedOrSkipped()
    {
        _driver.Reg(R.Status, (uint)DeviceStatus.Driver); // DRIVER without ACKNOWLEDGE
        Assert.Equal(DeviceStatus.None, _driver.Status);
        _driver.Negotiate();
        _driver.Reg(R.Status, (uint)DeviceStatus.Acknowledge); // clearing bits is not a reset
        Assert.Equal(AckDriver | DeviceStatus.FeaturesOk, _driver.Status);
        _driver.Reg(R.Status, (uint)(AckDriver | DeviceStatus.DriverOk)); // DRIVER_OK without FEATURES_OK: not clearing allowed
        Assert.Equal(AckDriver | DeviceStatus.FeaturesOk, _driver.Status);
        Assert.Equal(0, _device.Activations);
    }

    [Fact]
    public void DriverOkWithoutFeaturesOkDoesNotActivate()
    {
        _driver.Reg(R.Status, (uint)DeviceStatus.Acknowledge);
        _driver.Reg(R.Status, (uint)AckDriver);
        _driver.Reg(R.Status, (uint)(AckDriver | DeviceStatus.DriverOk));
        Assert.Equal(AckDriver, _driver.Status);
        Assert.Equal(0, _device.Activations);
        _driver.Reg(R.QueueNotify, 0);
        Assert.Empty(_device.Notified);
    }

    [Fact]
    public void QueueRegistersNeedFeaturesOkAndAnExistingQueue()
    {
        _driver.Reg(R.QueueSel, 0);
        _driver.Reg(R.QueueNum, 8);
        _driver.Reg(R.QueueReady, 1); // before FEATURES_OK: ignored
        Assert.Equal(0u, _driver.Reg(R.QueueReady));
        Assert.Equal(16u, _driver.Reg(R.QueueNumMax));
        _driver.Reg(R.QueueSel, 2);
        Assert.Equal(0u, _driver.Reg(R.QueueNumMax));
        _driver.Negotiate();
        _driver.Reg(R.QueueSel, 2);
        _driver.Reg(R.QueueReady, 1);
        Assert.Equal(0u, _driver.Reg(R.QueueReady));
    }

    [Fact]
    public void ResetClearsEverythingAndResetsTheDevice()
    {
        _driver.Start(size: 8);
        _device.Context!.SignalConfigChange();
        Assert.True(_driver.Irq.Level);
        Assert.Equal(R.InterruptConfigChange, _driver.Reg(R.InterruptStatus));
        VirtioDeviceContext old = _device.Context!;
        int resets = _device.Resets;

        _driver.Reg(R.Status, 0);
        Assert.Equal(DeviceStatus.None, _driver.Status);
        Assert.Equal(resets + 1, _device.Resets);
        Assert.False(_driver.Irq.Level);
        Assert.Equal(0u, _driver.Reg(R.InterruptStatus));
        Assert.False(old.IsValid);
        Assert.False(old.Queues[0].IsReady);
        _driver.Reg(R.QueueSel, 0);
        Assert.Equal(0u, _driver.Reg(R.QueueReady));

        old.SignalConfigChange(); // a stale context does nothing
        Assert.False(_driver.Irq.Level);

        _driver.Queues.Clear();
        _driver.Start(size: 4);
        Assert.Equal(2, _device.Activations);
    }

    [Fact]
    public void InterruptAckClearsOnlyTheAcknowledgedBits()
    {
        _driver.Start(size: 8);
        VirtioDeviceContext ctx = _device.Context!;
        uint generation = _driver.Reg(R.ConfigGeneration);
        ctx.SignalConfigChange();
        Assert.Equal(generation + 1, _driver.Reg(R.ConfigGeneration));
        _driver.Queues[0].Add((_driver.Alloc(8), 8, true));
        Assert.True(ctx.Queues[0].TryPop(out DescriptorChain chain));
        ctx.Queues[0].AddUsed(chain, 8);
        ctx.SignalUsed(0);
        Assert.Equal(3u, _driver.Reg(R.InterruptStatus));
        _driver.Reg(R.InterruptAck, R.InterruptConfigChange);
        Assert.True(_driver.Irq.Level);
        Assert.Equal(R.InterruptUsedBuffer, _driver.Reg(R.InterruptStatus));
        _driver.Reg(R.InterruptAck, R.InterruptUsedBuffer);
        Assert.False(_driver.Irq.Level);
    }

    [Theory]
    [InlineData(0x1_0000_0000UL, 0UL, 0UL)] // descriptor table outside RAM
    [InlineData(0UL, 0x1_0000_0000UL, 0UL)] // available ring outside RAM
    [InlineData(0UL, 0UL, 0x1_0000_0000UL)] // used ring outside RAM
    [InlineData(8UL, 0UL, 0UL)]             // descriptor table misaligned
    [InlineData(0UL, 0UL, 2UL)]             // used ring misaligned
    [InlineData(0UL, 0UL, 0xf_fffeUL)]      // used ring runs off the end of RAM (16 MiB slot)
    public void BadQueueAddressesSetNeedsResetAtDriverOk(ulong desc, ulong avail, ulong used)
    {
        _driver.Negotiate();
        ulong baseAddr = _driver.Alloc(4096, 4096);
        ulong Place(ulong v) => v == 0 ? baseAddr : v == 0xf_fffe ? VirtioTestDriver.RamBase + (16 << 20) - 16 : v < 0x1000 ? baseAddr + v : v;
        _driver.Reg(R.QueueSel, 0);
        _driver.Reg(R.QueueNum, 8);
        _driver.Reg(R.QueueDescLow, (uint)Place(desc));
        _driver.Reg(R.QueueDescHigh, (uint)(Place(desc) >> 32));
        _driver.Reg(R.QueueDriverLow, (uint)Place(avail));
        _driver.Reg(R.QueueDriverHigh, (uint)(Place(avail) >> 32));
        _driver.Reg(R.QueueDeviceLow, (uint)Place(used));
        _driver.Reg(R.QueueDeviceHigh, (uint)(Place(used) >> 32));
        _driver.Reg(R.QueueReady, 1);
        _driver.DriverOk();
        Assert.Equal(Ready | DeviceStatus.DeviceNeedsReset, _driver.Status);
        Assert.Equal(0, _device.Activations);
        Assert.Equal(R.InterruptConfigChange, _driver.Reg(R.InterruptStatus));
        _driver.Reg(R.QueueNotify, 0);
        Assert.Empty(_device.Notified);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(6u)]
    [InlineData(32u)] // above QueueNumMax (16)
    public void BadQueueSizesSetNeedsResetAtDriverOk(uint size)
    {
        _driver.Negotiate();
        ulong mem = _driver.Alloc(8192, 4096);
        _driver.Reg(R.QueueSel, 0);
        _driver.Reg(R.QueueNum, size);
        _driver.Reg(R.QueueDescLow, (uint)mem);
        _driver.Reg(R.QueueDriverLow, (uint)mem + 4096);
        _driver.Reg(R.QueueDeviceLow, (uint)mem + 6144);
        _driver.Reg(R.QueueReady, 1);
        _driver.DriverOk();
        Assert.True((_driver.Status & DeviceStatus.DeviceNeedsReset) != 0);
        Assert.Equal(0, _device.Activations);
    }

    [Fact]
    public void NeedsResetFromTheDeviceStopsNotificationsUntilReset()
    {
        _driver.Start(size: 8);
        _device.Context!.SetNeedsReset();
        Assert.Equal(Ready | DeviceStatus.DeviceNeedsReset, _driver.Status);
        Assert.Equal(R.InterruptConfigChange, _driver.Reg(R.InterruptStatus));
        _driver.Queues[0].Kick();
        Assert.Empty(_device.Notified);
        // Linux's status updates read the register first, so they carry DEVICE_NEEDS_RESET back: harmless.
        _driver.Reg(R.Status, (uint)(Ready | DeviceStatus.DeviceNeedsReset | DeviceStatus.Failed));
        Assert.Equal(Ready | DeviceStatus.DeviceNeedsReset | DeviceStatus.Failed, _driver.Status);
        _driver.Reg(R.Status, 0);
        Assert.Equal(DeviceStatus.None, _driver.Status);
    }

    [Fact]
    public void QueueReadyZeroStopsTheQueue()
    {
        _driver.Start(size: 8);
        VirtQueue q = _device.Context!.Queues[0];
        _driver.Reg(R.QueueSel, 0);
        _driver.Reg(R.QueueReady, 0);
        Assert.Equal(0u, _driver.Reg(R.QueueReady));
        Assert.False(q.IsReady);
        _driver.Queues[0].Add((_driver.Alloc(8), 8, true));
        Assert.False(q.TryPop(out _));
        _driver.Queues[0].Kick();
        Assert.Empty(_device.Notified);
    }

    [Fact]
    public void MachineResetResetsTheDevice()
    {
        _driver.Start(size: 8);
        int resets = _device.Resets;
        _driver.Transport.Reset();
        Assert.Equal(resets + 1, _device.Resets);
        Assert.Equal(DeviceStatus.None, _driver.Status);
        Assert.Null(_device.Context);
    }

    [Fact]
    public void DisposeResetsAndDisposesTheDevice()
    {
        _driver.Start(size: 8);
        int resets = _device.Resets;
        _driver.Transport.Dispose();
        Assert.True(_device.Disposed);
        Assert.Equal(resets + 1, _device.Resets);
        _driver.Reg(R.Status, 1); // ignored, no throw
        Assert.Equal(DeviceStatus.None, _driver.Status);
    }
}
