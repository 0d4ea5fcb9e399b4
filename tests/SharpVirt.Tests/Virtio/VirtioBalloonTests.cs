using SharpVirt.Devices.Virtio;
using SharpVirt.Devices.Virtio.Balloon;
using R = SharpVirt.Devices.Virtio.VirtioMmioRegisters;

namespace SharpVirt.Tests.Virtio;

public class VirtioBalloonTests : IDisposable
{
    private const int Inflate = 0, Deflate = 1, Stats = 2, Reporting = 3;

    private readonly VirtioBalloon _balloon = new();
    private readonly VirtioTestDriver _driver;

    public VirtioBalloonTests() => _driver = new VirtioTestDriver(_ => _balloon);

    public void Dispose() => _driver.Dispose();

    /// <summary>Writes a nonzero byte into each page so the host backs it.</summary>
    private void Touch(ulong gpa, int pages)
    {
        for (int i = 0; i < pages; i++)
        {
            Assert.True(_driver.Memory.TryWrite(gpa + ((ulong)i * 4096) + 100, (byte)0x5a));
        }
    }

    /// <summary>Puts a PFN array in guest RAM and sends it on inflateq or deflateq, as fill/leak_balloon do.</summary>
    private void SendPfns(int queue, IEnumerable<uint> pfns)
    {
        uint[] list = [.. pfns];
        ulong array = _driver.Alloc((ulong)list.Length * 4, 4);
        for (int i = 0; i < list.Length; i++)
        {
            Assert.True(_driver.Memory.TryWrite(array + ((ulong)i * 4), list[i]));
        }
        TestVirtQueue q = _driver.Queues[queue];
        ushort head = q.Add((array, (uint)list.Length * 4, false));
        q.Kick();
        Assert.Equal((head, 0u), q.WaitUsed());
    }

    /// <summary>Host-resident pages of a guest range (mincore).</summary>
    private unsafe ulong Resident(ulong gpa, int pages) =>
        SharpVirt.Memory.HostMemory.CountResidentPages(_driver.Memory.GetHostPointer(gpa, (ulong)pages * 4096), (ulong)pages * 4096);

    private static IEnumerable<uint> Pfns(ulong gpa, int pages) =>
        Enumerable.Range(0, pages).Select(i => (uint)((gpa >> 12) + (ulong)i));

    [Fact]
    public void OffersStatsReportingAndDeflateOnOom()
    {
        Assert.Equal(VirtioFeatures.Transport | VirtioBalloon.FeatureStatsVq | VirtioBalloon.FeatureReporting | VirtioBalloon.FeatureDeflateOnOom,
            _driver.DeviceFeatures);
        Assert.Equal(4, _balloon.QueueCount);
        Assert.Equal(2, new VirtioBalloon(statsQueue: false, freePageReporting: false).QueueCount);
    }

    [Fact]
    public void TargetChangesSignalAConfigChange()
    {
        _driver.Start(size: 16);
        uint generation = _driver.Reg(R.ConfigGeneration);
        _balloon.SetTargetPages(1234);
        Assert.True(_driver.Irq.Level);
        Assert.Equal(R.InterruptConfigChange, _driver.AckInterrupt());
        Assert.NotEqual(generation, _driver.Reg(R.ConfigGeneration));
        Assert.Equal(1234ul, _driver.Transport.Read(R.Config, 4));
        Assert.Equal(1234ul * 4096, _balloon.TargetBytes);

        _balloon.TargetBytes = 8 << 20;
        Assert.Equal(2048u, _balloon.TargetPages);
        Assert.Equal(R.InterruptConfigChange, _driver.AckInterrupt());

        _balloon.SetTargetPages(2048); // no change, no interrupt
        Assert.False(_driver.Irq.Level);

        uint? reported = null;
        _balloon.ActualPagesChanged += v => reported = v;
        _driver.Transport.Write(R.Config + 4, 4, 2000);
        Assert.Equal(2000u, _balloon.ActualPages);
        Assert.Equal(2000u, reported);
        _driver.Transport.Write(R.Config, 4, 7); // num_pages is read-only for the driver
        Assert.Equal(2048u, _balloon.TargetPages);
        Assert.Equal(0ul, _driver.Transport.Read(R.Config + 8, 8)); // free_page_hint_cmd_id, poison_val: not offered
    }

    [Fact]
    public void InflateReturnsPagesToTheHostAndDeflateCountsThemBack()
    {
        _driver.Start(size: 16);
        ulong region = _driver.Alloc(64 * 4096, 4096);
        ulong untouched = _driver.Ram.ResidentPages;
        Touch(region, 64);
        ulong touched = _driver.Ram.ResidentPages;
        Assert.True(touched >= untouched + 64, $"resident {untouched} -> {touched}");
        Assert.Equal(64ul, Resident(region, 64));

        SendPfns(Inflate, Pfns(region, 64));
        Assert.Equal(0ul, Resident(region, 64));
        ulong after = _driver.Ram.ResidentPages;
        Assert.True(after + 64 <= touched + 2, $"resident {touched} -> {after}"); // +2: the PFN array and used ring
        Assert.Equal(64, _balloon.InflatedPages);
        Assert.All(_driver.ReadRam(region, 64 * 4096), b => Assert.Equal(0, b));

        SendPfns(Inflate, Pfns(region, 8)); // again: not counted twice
        SendPfns(Inflate, [0, 0x7ffff, 0xffff_ffff]); // not RAM: ignored
        Assert.Equal(64, _balloon.InflatedPages);

        SendPfns(Deflate, Pfns(region, 40));
        SendPfns(Deflate, Pfns(region, 40)); // again: nothing more
        Assert.Equal(24, _balloon.InflatedPages);

        _driver.Reg(R.Status, 0);
        Assert.Equal(0, _balloon.InflatedPages);
        Assert.Equal(0, _balloon.Worker.Faults);
    }

    [Fact]
    public void StatsArriveAtInitAndOnRequest()
    {
        BalloonStats? seen = null;
        _balloon.StatsUpdated += s => seen = s;
        ulong? features = _driver.Negotiate();
        Assert.NotNull(features);
        for (int i = 0; i < 4; i++)
        {
            _driver.SetupQueue(i, 16, eventIdx: true);
        }
        // Linux's init_vqs queues the first stats buffer before DRIVER_OK.
        ulong buf = _driver.Alloc(10 * 3);
        WriteStats(buf, (BalloonStatTag.FreeMemory, 100), (BalloonStatTag.TotalMemory, 1000), ((BalloonStatTag)99, 5));
        TestVirtQueue sq = _driver.Queues[Stats];
        ushort head = sq.Add((buf, 30, false));
        sq.Kick();
        _driver.DriverOk();

        VirtioTestDriver.WaitUntil(() => _balloon.LatestStats != null);
        BalloonStats first = _balloon.LatestStats!;
        Assert.Equal(100ul, first[BalloonStatTag.FreeMemory]);
        Assert.Equal(1000ul, first[BalloonStatTag.TotalMemory]);
        Assert.Equal(5ul, first[(BalloonStatTag)99]);
        Assert.Null(first[BalloonStatTag.SwapIn]);
        // The worker raises the event just after it publishes LatestStats.
        VirtioTestDriver.WaitUntil(() => Volatile.Read(ref seen) != null);
        Assert.Same(first, seen);
        Assert.False(sq.TryGetUsed(out _, out _)); // the device keeps the buffer

        Assert.True(_balloon.RequestStats());
        Assert.Equal((head, 0u), sq.WaitUsed());
        VirtioTestDriver.WaitUntil(() => _driver.Irq.Level);
        WriteStats(buf, (BalloonStatTag.FreeMemory, 50));
        sq.Add((buf, 10, false));
        sq.Kick();
        VirtioTestDriver.WaitUntil(() => _balloon.LatestStats != first);
        Assert.Equal(50ul, _balloon.LatestStats![BalloonStatTag.FreeMemory]);
        Assert.Null(_balloon.LatestStats[BalloonStatTag.TotalMemory]);
    }

    private void WriteStats(ulong at, params (BalloonStatTag Tag, ulong Value)[] stats)
    {
        for (int i = 0; i < stats.Length; i++)
        {
            Assert.True(_driver.Memory.TryWrite(at + ((ulong)i * 10), (ushort)stats[i].Tag));
            Assert.True(_driver.Memory.TryWrite(at + ((ulong)i * 10) + 2, stats[i].Value));
        }
    }

    [Fact]
    public void ReportedFreePagesAreDiscarded()
    {
        _driver.Start(size: 16);
        ulong region = _driver.Alloc(2 << 20, 2 << 20);
        Touch(region, 512);
        Assert.Equal(512ul, Resident(region, 512));
        ulong before = _driver.Ram.ResidentPages;
        TestVirtQueue q = _driver.Queues[Reporting];
        // Linux reports page blocks as device-writable elements (virtqueue_add_inbuf).
        ushort head = q.Add((region, 1 << 20, true), (region + (1 << 20) + 100, (1 << 20) - 100, true));
        q.Kick();
        Assert.Equal((head, 0u), q.WaitUsed());
        ulong after = _driver.Ram.ResidentPages;
        Assert.True(after + 511 <= before + 1, $"resident {before} -> {after}"); // +1: the used ring
        Assert.Equal(1ul, Resident(region, 512)); // the partial page at the start of the second range stays
        Assert.Equal((2 << 20) - 4096, _balloon.ReportedBytes); // the partial first page of the second range stays
        Assert.Equal(0x5a, _driver.ReadRam(region + (1 << 20) + 100, 1)[0]);
    }

    [Fact]
    public void ReportingQueueMovesUpWhenStatsAreNotNegotiated()
    {
        _driver.Start(size: 16, f => f & ~VirtioBalloon.FeatureStatsVq, queueCount: 3);
        ulong region = _driver.Alloc(1 << 20, 4096);
        Touch(region, 256);
        TestVirtQueue q = _driver.Queues[2];
        ushort head = q.Add((region, 1 << 20, true));
        q.Kick();
        Assert.Equal((head, 0u), q.WaitUsed());
        Assert.Equal(1 << 20, _balloon.ReportedBytes);
        Assert.False(_balloon.RequestStats());
    }

    [Fact]
    public void SnapshotKeepsTargetActualInflatedPagesAndTheHeldStatsBuffer()
    {
        Assert.NotNull(_driver.Negotiate());
        for (int i = 0; i < 4; i++)
        {
            _driver.SetupQueue(i, 16, eventIdx: true);
        }
        ulong buf = _driver.Alloc(10);
        WriteStats(buf, (BalloonStatTag.FreeMemory, 7));
        TestVirtQueue sq = _driver.Queues[Stats];
        ushort head = sq.Add((buf, 10, false));
        sq.Kick();
        _driver.DriverOk();
        VirtioTestDriver.WaitUntil(() => _balloon.LatestStats != null);
        ulong region = _driver.Alloc(16 * 4096, 4096);
        Touch(region, 16);
        SendPfns(Inflate, Pfns(region, 16));
        _balloon.SetTargetPages(100);
        _driver.Transport.Write(R.Config + 4, 4, 16); // the driver's actual

        var restored = new VirtioBalloon();
        VirtioTransportState state = _driver.SnapshotAndRestore(_ => restored);

        Assert.Equal(VirtioDeviceType.Balloon, state.DeviceType);
        Assert.Equal(100u, restored.TargetPages);
        Assert.Equal(16u, restored.ActualPages);
        Assert.Equal(16, restored.InflatedPages);
        Assert.Equal(DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.FeaturesOk | DeviceStatus.DriverOk, _driver.Status);
        // The restored device holds the statistics buffer the old one held, and gives it back on request.
        Assert.True(restored.RequestStats());
        Assert.Equal((head, 0u), sq.WaitUsed());
        // The queues carry on where they were: deflating counts the restored pages back.
        SendPfns(Deflate, Pfns(region, 16));
        Assert.Equal(0, restored.InflatedPages);
        Assert.Equal(0, restored.Worker.Faults);
    }
}
