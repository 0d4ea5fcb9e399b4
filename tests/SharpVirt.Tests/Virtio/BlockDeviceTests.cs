using System.Buffers.Binary;
using SharpVirt.Devices.Storage;
using SharpVirt.Devices.Virtio;
using SharpVirt.Devices.Virtio.Block;
using SharpVirt.Tests.Storage;
using F = SharpVirt.Devices.Virtio.Block.VirtioBlockFeatures;
using Req = SharpVirt.Devices.Virtio.Block.VirtioBlockRequest;

namespace SharpVirt.Tests.Virtio;

/// <summary>virtio-blk (virtio 1.2, 5.2) driven through the virtio-mmio transport and a split virtqueue.</summary>
public class BlockDeviceTests
{
    private const int MiB = 1 << 20;

    /// <summary>A block device on a temp image, started by a test driver with one queue.</summary>
    private sealed class Rig : IDisposable
    {
        private readonly TempDir _dir = new();

        public Rig(int size = MiB, bool readOnly = false, string format = "raw", Func<ulong, ulong>? choose = null, string? serial = "sv-disk-0")
        {
            Path = _dir.File("disk." + format);
            if (format == "raw")
            {
                File.WriteAllBytes(Path, new byte[size]);
            }
            else
            {
                QemuImg.Create(Path, (ulong)size);
            }
            Driver = new VirtioTestDriver(_ => Block = new VirtioBlock(DiskImage.Open(Path, DiskImageFormat.Auto, readOnly), serial, Log.Add), 32 * MiB);
            Driver.Start(size: 256, choose: choose);
            Queue = Driver.Queues[0];
        }

        public string Path { get; }

        public string Dir => _dir.Path;

        public VirtioTestDriver Driver { get; }

        public VirtioBlock Block { get; private set; } = null!;

        public TestVirtQueue Queue { get; }

        public List<string> Log { get; } = [];

        /// <summary>A request header in guest RAM.</summary>
        public ulong Header(uint type, ulong sector)
        {
            ulong a = Driver.Alloc(Req.HeaderSize);
            Assert.True(Driver.Memory.TryWrite(a, type));
            Assert.True(Driver.Memory.TryWrite(a + 4, 0u));
            Assert.True(Driver.Memory.TryWrite(a + 8, sector));
            return a;
        }

        public ulong Buffer(byte[] content)
        {
            ulong a = Driver.Alloc((ulong)Math.Max(content.Length, 1));
            Driver.Memory.Write(a, content);
            return a;
        }

        public ulong Status() => Buffer([0xff]);

        /// <summary>Makes the chain available, kicks, and waits for it to be used.</summary>
        public (uint Id, uint Len) Submit(params (ulong Addr, uint Len, bool Write)[] segments)
        {
            ushort head = Queue.Add(segments);
            Queue.Kick();
            var used = Queue.WaitUsed();
            Assert.Equal(head, used.Id);
            return used;
        }

        /// <summary>A request in the usual Linux framing: header, data descriptors, status. Returns the status.</summary>
        public byte Request(uint type, ulong sector, bool dataWritable, params byte[][] data)
        {
            var segs = new List<(ulong, uint, bool)> { (Header(type, sector), Req.HeaderSize, false) };
            foreach (byte[] d in data)
            {
                segs.Add((Buffer(d), (uint)d.Length, dataWritable));
            }
            ulong status = Status();
            segs.Add((status, 1, true));
            Submit([.. segs]);
            return Driver.ReadRam(status, 1)[0];
        }

        public byte Write(ulong sector, params byte[][] data) => Request(Req.TypeOut, sector, false, data);

        public (byte Status, byte[] Data) Read(ulong sector, int length)
        {
            ulong buf = Driver.Alloc((ulong)length);
            ulong status = Status();
            Submit((Header(Req.TypeIn, sector), Req.HeaderSize, false), (buf, (uint)length, true), (status, 1, true));
            return (Driver.ReadRam(status, 1)[0], Driver.ReadRam(buf, length));
        }

        public byte Segments(uint type, params (ulong Sector, uint Count, uint Flags)[] ranges)
        {
            var raw = new byte[ranges.Length * 16];
            for (int i = 0; i < ranges.Length; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(raw.AsSpan(i * 16), ranges[i].Sector);
                BinaryPrimitives.WriteUInt32LittleEndian(raw.AsSpan((i * 16) + 8), ranges[i].Count);
                BinaryPrimitives.WriteUInt32LittleEndian(raw.AsSpan((i * 16) + 12), ranges[i].Flags);
            }
            return Request(type, 0, false, raw);
        }

        public uint Config32(int offset) => (uint)Driver.Transport.Read((ulong)(0x100 + offset), 4);

        public void Dispose()
        {
            Driver.Dispose();
            _dir.Dispose();
        }
    }

    [Fact]
    public void OffersFeaturesAndConfiguration()
    {
        using var rig = new Rig(size: 3 * MiB);
        ulong offered = rig.Driver.Transport.OfferedFeatures;
        Assert.Equal(F.SizeMax | F.SegMax | F.BlkSize | F.Flush | F.Discard | F.WriteZeroes, offered & VirtioFeatures.DeviceSpecificMask);
        Assert.Equal(VirtioDeviceType.Block, rig.Block.Type);
        Assert.Equal((uint)(3 * MiB / 512), rig.Config32(VirtioBlockConfig.Capacity));
        Assert.Equal(0u, rig.Config32(VirtioBlockConfig.Capacity + 4));
        Assert.Equal(VirtioBlock.MaxSegmentSize, rig.Config32(VirtioBlockConfig.SizeMax));
        Assert.Equal(VirtioBlock.MaxSegments, rig.Config32(VirtioBlockConfig.SegMax));
        Assert.Equal(512u, rig.Config32(VirtioBlockConfig.BlkSize));
        Assert.Equal(VirtioBlock.MaxDiscardSectors, rig.Config32(VirtioBlockConfig.MaxDiscardSectors));
        Assert.Equal(VirtioBlock.MaxDiscardSegments, rig.Config32(VirtioBlockConfig.MaxDiscardSeg));
        Assert.Equal(8u, rig.Config32(VirtioBlockConfig.DiscardSectorAlignment));
        Assert.Equal(VirtioBlock.MaxDiscardSectors, rig.Config32(VirtioBlockConfig.MaxWriteZeroesSectors));
        Assert.Equal(VirtioBlock.MaxDiscardSegments, rig.Config32(VirtioBlockConfig.MaxWriteZeroesSeg));
        Assert.Equal(1u, rig.Config32(VirtioBlockConfig.WriteZeroesMayUnmap) & 0xff);
        Assert.Equal(0u, rig.Config32(200));
        Assert.Equal(VirtioBlock.QueueSize, rig.Block.MaxQueueSize);
    }

    [Fact]
    public void WritesThenReadsAcrossSegments()
    {
        using var rig = new Rig();
        byte[] a = DiskAssert.Random(4096, 1);
        byte[] b = DiskAssert.Random(1536, 2);
        Assert.Equal(Req.StatusOk, rig.Write(3, a, b));
        // The used buffer notification follows the used ring update.
        VirtioTestDriver.WaitUntil(() => rig.Driver.IrqRaised > 0);
        Assert.Equal(1u, rig.Driver.AckInterrupt() & 1);
        int irqs = rig.Driver.IrqRaised;
        rig.Queue.UsedEvent = rig.Queue.UsedIdx; // EVENT_IDX: interrupt at the next used buffer
        var (status, data) = rig.Read(3, 4096 + 1536);
        Assert.Equal(Req.StatusOk, status);
        DiskAssert.Same([.. a, .. b], data);
        VirtioTestDriver.WaitUntil(() => rig.Driver.IrqRaised > irqs);
        Assert.Equal(Req.StatusOk, rig.Request(Req.TypeFlush, 0, false));
        byte[] file = QemuImg.ToRaw(rig.Path, rig.Dir); // the device holds the image's flock
        DiskAssert.Same([.. a, .. b], file.AsSpan(3 * 512, 4096 + 1536));
    }

    [Fact]
    public void AnyFramingOfHeaderDataAndStatus()
    {
        using var rig = new Rig();
        // Header and data in one readable descriptor; status in its own.
        byte[] payload = DiskAssert.Random(1024, 3);
        byte[] combined = new byte[16 + 1024];
        BinaryPrimitives.WriteUInt32LittleEndian(combined, Req.TypeOut);
        BinaryPrimitives.WriteUInt64LittleEndian(combined.AsSpan(8), 10);
        payload.CopyTo(combined, 16);
        ulong status = rig.Status();
        rig.Submit((rig.Buffer(combined), (uint)combined.Length, false), (status, 1, true));
        Assert.Equal(Req.StatusOk, rig.Driver.ReadRam(status, 1)[0]);

        // Header split in two; data and status in one writable descriptor.
        ulong hdr = rig.Header(Req.TypeIn, 10);
        ulong inBuf = rig.Driver.Alloc(1024 + 1);
        var (_, len) = rig.Submit((hdr, 5, false), (hdr + 5, 11, false), (inBuf, 1024 + 1, true));
        Assert.Equal(1025u, len);
        DiskAssert.Same(payload, rig.Driver.ReadRam(inBuf, 1024));
        Assert.Equal(Req.StatusOk, rig.Driver.ReadRam(inBuf + 1024, 1)[0]);
    }

    [Fact]
    public void GetIdReturnsTheSerial()
    {
        using var rig = new Rig(serial: "sharpvirt-serial-0001-extra");
        ulong buf = rig.Driver.Alloc(20);
        ulong status = rig.Status();
        var (_, len) = rig.Submit((rig.Header(Req.TypeGetId, 0), 16, false), (buf, 20, true), (status, 1, true));
        Assert.Equal(Req.StatusOk, rig.Driver.ReadRam(status, 1)[0]);
        Assert.Equal(21u, len);
        Assert.Equal("sharpvirt-serial-000"u8.ToArray(), rig.Driver.ReadRam(buf, 20)); // 20 bytes, not terminated
    }

    [Fact]
    public void ShortSerialIsNulPadded()
    {
        using var rig = new Rig(serial: "abc");
        byte[] stale = Enumerable.Repeat((byte)0xee, 20).ToArray();
        ulong buf = rig.Buffer(stale);
        ulong status = rig.Status();
        rig.Submit((rig.Header(Req.TypeGetId, 0), 16, false), (buf, 20, true), (status, 1, true));
        Assert.Equal(Req.StatusOk, rig.Driver.ReadRam(status, 1)[0]);
        Assert.Equal([.. "abc"u8, .. new byte[17]], rig.Driver.ReadRam(buf, 20));
    }

    [Fact]
    public void DiscardAndWriteZeroes()
    {
        using var rig = new Rig();
        byte[] data = DiskAssert.Random(64 * 1024, 4);
        Assert.Equal(Req.StatusOk, rig.Write(0, data));
        Assert.Equal(Req.StatusOk, rig.Segments(Req.TypeWriteZeroes, (1, 2, 0), (16, 8, Req.FlagUnmap)));
        Array.Clear(data, 512, 1024);
        Array.Clear(data, 16 * 512, 8 * 512);
        var (status, back) = rig.Read(0, data.Length);
        Assert.Equal(Req.StatusOk, status);
        DiskAssert.Same(data, back);

        Assert.Equal(Req.StatusOk, rig.Segments(Req.TypeDiscard, (64, 64, 0)));
        // Unmap is not a discard flag, unknown flags are unsupported (5.2.6.2).
        Assert.Equal(Req.StatusUnsupp, rig.Segments(Req.TypeDiscard, (0, 8, Req.FlagUnmap)));
        Assert.Equal(Req.StatusUnsupp, rig.Segments(Req.TypeWriteZeroes, (0, 8, 2)));
        // Beyond the disk, too many segments, or a ragged segment array.
        Assert.Equal(Req.StatusIoErr, rig.Segments(Req.TypeWriteZeroes, (2047, 2, 0)));
        Assert.Equal(Req.StatusIoErr, rig.Segments(Req.TypeDiscard, (ulong.MaxValue, 1, 0)));
        var many = Enumerable.Repeat(((ulong)0, 1u, 0u), (int)VirtioBlock.MaxDiscardSegments + 1).ToArray();
        Assert.Equal(Req.StatusIoErr, rig.Segments(Req.TypeDiscard, many));
        Assert.Equal(Req.StatusIoErr, rig.Request(Req.TypeDiscard, 0, false, new byte[15]));
        Assert.Equal(Req.StatusIoErr, rig.Request(Req.TypeDiscard, 0, false));
        (status, back) = rig.Read(0, 8 * 512);
        DiskAssert.Same(data.AsSpan(0, 8 * 512), back, "failed requests change nothing");
    }

    [Fact]
    public void DiscardWithoutTheFeatureIsUnsupported()
    {
        using var rig = new Rig(choose: f => f & ~(F.Discard | F.WriteZeroes));
        Assert.Equal(Req.StatusUnsupp, rig.Segments(Req.TypeDiscard, (0, 8, 0)));
        Assert.Equal(Req.StatusUnsupp, rig.Segments(Req.TypeWriteZeroes, (0, 8, 0)));
    }

    [Fact]
    public void WriteThroughWithoutFlushFeature()
    {
        using var rig = new Rig(format: "qcow2", choose: f => f & ~F.Flush);
        byte[] data = DiskAssert.Random(8192, 5);
        Assert.Equal(Req.StatusOk, rig.Write(100, data));
        // Durable with no FLUSH request: the image on disk is complete and clean.
        QemuImg.CheckClean(rig.Path);
        DiskAssert.Same(data, QemuImg.ToRaw(rig.Path, rig.Dir).AsSpan(100 * 512, 8192));
    }

    [Fact]
    public void RequestsBeyondTheCapacityFail()
    {
        using var rig = new Rig(size: MiB); // 2048 sectors
        Assert.Equal(Req.StatusIoErr, rig.Read(2048, 512).Status);
        Assert.Equal(Req.StatusIoErr, rig.Read(2047, 1024).Status);
        Assert.Equal(Req.StatusIoErr, rig.Read(ulong.MaxValue, 512).Status);
        Assert.Equal(Req.StatusIoErr, rig.Read(ulong.MaxValue / 512, 512).Status);
        Assert.Equal(Req.StatusIoErr, rig.Write(2048, new byte[512]));
        Assert.Equal(Req.StatusOk, rig.Read(2047, 512).Status);
        Assert.True(rig.Block.IoErrors >= 5);
        Assert.NotEmpty(rig.Log);
    }

    [Fact]
    public void ReadOnlyDisk()
    {
        using var rig = new Rig(readOnly: true);
        ulong offered = rig.Driver.Transport.OfferedFeatures;
        Assert.True((offered & F.ReadOnly) != 0);
        Assert.True((offered & (F.Discard | F.WriteZeroes)) == 0);
        Assert.Equal(Req.StatusIoErr, rig.Write(0, DiskAssert.Random(512, 1)));
        Assert.Equal(Req.StatusUnsupp, rig.Segments(Req.TypeWriteZeroes, (0, 1, 0)));
        Assert.Equal(Req.StatusOk, rig.Request(Req.TypeFlush, 0, false));
        Assert.Equal(Req.StatusOk, rig.Read(0, 512).Status);
        Assert.All(File.ReadAllBytes(rig.Path), b => Assert.Equal(0, b));
    }

    [Fact]
    public void MalformedRequestsFailWithIoErr()
    {
        using var rig = new Rig();
        ulong status;
        // A header shorter than 16 bytes.
        status = rig.Status();
        rig.Submit((rig.Header(Req.TypeIn, 0), 8, false), (status, 1, true));
        Assert.Equal(Req.StatusIoErr, rig.Driver.ReadRam(status, 1)[0]);
        // Data that is not whole sectors.
        Assert.Equal(Req.StatusIoErr, rig.Write(0, new byte[100]));
        Assert.Equal(Req.StatusIoErr, rig.Read(0, 100).Status);
        // Data in the wrong direction: a read whose buffer is device-readable, a write whose data is writable.
        Assert.Equal(Req.StatusIoErr, rig.Request(Req.TypeIn, 0, false, new byte[512]));
        Assert.Equal(Req.StatusIoErr, rig.Request(Req.TypeOut, 0, true, new byte[512]));
        // Types the device doesn't know, or doesn't offer.
        Assert.Equal(Req.StatusUnsupp, rig.Request(99, 0, false));
        Assert.Equal(Req.StatusUnsupp, rig.Request(Req.TypeGetLifetime, 0, true, new byte[16]));
        Assert.Equal(Req.StatusUnsupp, rig.Request(Req.TypeSecureErase, 0, false, new byte[16]));
        // The device still works.
        Assert.Equal(Req.StatusOk, rig.Write(1, DiskAssert.Random(512, 9)));
        Assert.Equal(DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.FeaturesOk | DeviceStatus.DriverOk, rig.Driver.Status);
    }

    [Fact]
    public void RequestWithoutStatusByteNeedsReset()
    {
        using var rig = new Rig();
        rig.Submit((rig.Header(Req.TypeFlush, 0), 16, false));
        VirtioTestDriver.WaitUntil(() => (rig.Driver.Status & DeviceStatus.DeviceNeedsReset) != 0);
        Assert.Contains(rig.Log, l => l.Contains("no status byte", StringComparison.Ordinal));
    }

    [Fact]
    public void BufferOutsideGuestRamNeedsResetAndResetRecovers()
    {
        using var rig = new Rig();
        ulong status = rig.Status();
        ushort head = rig.Queue.Add((rig.Header(Req.TypeIn, 0), 16, false), (0x1000, 512, true), (status, 1, true));
        rig.Queue.Kick();
        VirtioTestDriver.WaitUntil(() => (rig.Driver.Status & DeviceStatus.DeviceNeedsReset) != 0);
        Assert.Equal(head, rig.Queue.WaitUsed().Id);

        // The driver resets and starts over; the device serves requests again.
        rig.Driver.Queues.Clear();
        rig.Driver.Start(size: 64);
        var q = rig.Driver.Queues[0];
        ulong buf = rig.Buffer(DiskAssert.Random(512, 3));
        ulong st = rig.Status();
        q.Add((rig.Header(Req.TypeOut, 5), 16, false), (buf, 512, false), (st, 1, true));
        q.Kick();
        q.WaitUsed();
        Assert.Equal(Req.StatusOk, rig.Driver.ReadRam(st, 1)[0]);
    }

    [Fact]
    public void ManyRequestsInOneKick()
    {
        using var rig = new Rig();
        var statuses = new List<ulong>();
        for (int i = 0; i < 40; i++)
        {
            ulong st = rig.Status();
            statuses.Add(st);
            rig.Queue.Add((rig.Header(Req.TypeOut, (ulong)i), 16, false), (rig.Buffer(Enumerable.Repeat((byte)i, 512).ToArray()), 512, false), (st, 1, true));
        }
        rig.Queue.Kick();
        for (int i = 0; i < 40; i++)
        {
            rig.Queue.WaitUsed();
        }
        Assert.All(statuses, s => Assert.Equal(Req.StatusOk, rig.Driver.ReadRam(s, 1)[0]));
        var (status, data) = rig.Read(0, 40 * 512);
        Assert.Equal(Req.StatusOk, status);
        for (int i = 0; i < 40; i++)
        {
            Assert.Equal((byte)i, data[(i * 512) + 100]);
        }
    }

    [Fact]
    public void Qcow2DiskThroughTheDevice()
    {
        using var rig = new Rig(size: 4 * MiB, format: "qcow2");
        Assert.Equal(128u, rig.Config32(VirtioBlockConfig.DiscardSectorAlignment)); // 64 KiB clusters
        byte[] a = DiskAssert.Random(70_000 / 512 * 512, 6);
        Assert.Equal(Req.StatusOk, rig.Write(127, a));
        Assert.Equal(Req.StatusOk, rig.Segments(Req.TypeWriteZeroes, (1024, 256, Req.FlagUnmap)));
        Assert.Equal(Req.StatusOk, rig.Request(Req.TypeFlush, 0, false));
        // Flushed: the file is clean and complete while the device still has it open.
        QemuImg.CheckClean(rig.Path);
        DiskAssert.Same(a, QemuImg.ToRaw(rig.Path, rig.Dir).AsSpan(127 * 512, a.Length));
        var (status, back) = rig.Read(127, a.Length);
        Assert.Equal(Req.StatusOk, status);
        DiskAssert.Same(a, back);
    }
}
