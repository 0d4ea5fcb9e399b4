using SharpVirt.Devices.Virtio;
using R = SharpVirt.Devices.Virtio.VirtioMmioRegisters;

namespace SharpVirt.Tests.Virtio;

public class VirtQueueTests : IDisposable
{
    private const ulong RamEnd = VirtioTestDriver.RamBase + (16 << 20);

    private readonly FakeVirtioDevice _device = new(queueCount: 1, maxQueueSize: 256);
    private readonly VirtioTestDriver _driver;

    public VirtQueueTests() => _driver = new VirtioTestDriver(_ => _device);

    public void Dispose() => _driver.Dispose();

    private TestVirtQueue Start(ushort size = 8, bool eventIdx = true, bool indirect = true)
    {
        _driver.Start(size, f => f & ~(eventIdx ? 0 : VirtioFeatures.RingEventIdx) & ~(indirect ? 0 : VirtioFeatures.RingIndirectDesc));
        return _driver.Queues[0];
    }

    private VirtioDeviceContext Ctx => _device.Context!;

    private VirtQueue Q => Ctx.Queues[0];

    [Fact]
    public void PopsAChainWithReadableThenWritableSegments()
    {
        TestVirtQueue tq = Start();
        ulong a = _driver.Alloc(16), b = _driver.Alloc(5), c = _driver.Alloc(100);
        _driver.Memory.Write(a, "0123456789abcdef"u8);
        _driver.Memory.Write(b, "ghijk"u8);
        ushort head = tq.Add((a, 16, false), (b, 5, false), (c, 100, true));

        Assert.True(Q.TryPop(out DescriptorChain chain));
        Assert.Equal(head, chain.Head);
        Assert.Equal([new BufferSegment(a, 16), new BufferSegment(b, 5)], chain.Readable.ToArray());
        Assert.Equal([new BufferSegment(c, 100)], chain.Writable.ToArray());
        Assert.Equal(21ul, chain.ReadableLength);
        Assert.Equal(100ul, chain.WritableLength);

        var buf = new byte[8];
        Assert.Equal(8, chain.CopyFromReadable(12, buf)); // spans both readable segments
        Assert.Equal("cdefghij"u8.ToArray(), buf);
        Assert.Equal(1, chain.CopyFromReadable(20, buf));
        Assert.Equal(0, chain.CopyFromReadable(21, buf));
        Assert.True(chain.TryReadFromReadable(16, out uint word));
        Assert.Equal(0x6a696867u, word);
        Assert.False(chain.TryReadFromReadable(18, out ulong _));
        var ms = new MemoryStream();
        Assert.Equal(21ul, chain.CopyReadableTo(ms));
        Assert.Equal("0123456789abcdefghijk"u8.ToArray(), ms.ToArray());

        Assert.Equal(2, chain.CopyToWritable(98, "xyz"u8)); // bounded by the writable length
        Assert.Equal("xy"u8.ToArray(), _driver.ReadRam(c + 98, 2));
        Assert.Equal(0, _driver.ReadRam(c + 100, 1)[0]);
        Assert.True(chain.TryWriteToWritable(0, 0x1122334455667788ul));

        Assert.False(Q.TryPop(out _));
        Q.AddUsed(chain, 1000); // clamped to the writable length
        Assert.Equal(1, tq.UsedIdx);
        Assert.True(tq.TryGetUsed(out uint id, out uint len));
        Assert.Equal(head, id);
        Assert.Equal(100u, len);
    }

    [Fact]
    public void FollowsIndirectTablesAfterDirectDescriptors()
    {
        TestVirtQueue tq = Start();
        ulong table = _driver.Alloc(3 * 16);
        ulong a = _driver.Alloc(4), b = _driver.Alloc(4), c = _driver.Alloc(4), d = _driver.Alloc(4);
        tq.WriteDescriptorAt(table, b, 4, Descriptor.FlagNext, 2);
        tq.WriteDescriptorAt(table + 16, d, 4, Descriptor.FlagWrite, 0);
        tq.WriteDescriptorAt(table + 32, c, 4, Descriptor.FlagNext | Descriptor.FlagWrite, 1);
        tq.WriteDescriptor(0, a, 4, Descriptor.FlagNext, 1);
        tq.WriteDescriptor(1, table, 48, Descriptor.FlagIndirect | Descriptor.FlagWrite, 0); // WRITE on it is ignored
        tq.MakeAvailable(0);

        Assert.True(Q.TryPop(out DescriptorChain chain));
        Assert.Equal([new BufferSegment(a, 4), new BufferSegment(b, 4)], chain.Readable.ToArray());
        Assert.Equal([new BufferSegment(c, 4), new BufferSegment(d, 4)], chain.Writable.ToArray());
    }

    public static TheoryData<string> MalformedChains() =>
    [
        "loop", "self-loop", "next-out-of-range", "outside-ram", "straddles-ram-end", "length-overflow",
        "readable-after-writable", "nested-indirect", "indirect-with-next", "indirect-bad-length",
        "indirect-empty", "indirect-outside-ram", "indirect-loop", "indirect-next-out-of-range", "indirect-too-long",
    ];

    [Theory]
    [MemberData(nameof(MalformedChains))]
    public void RejectsMalformedChainsWithTheirHead(string kind)
    {
        TestVirtQueue tq = Start(size: 8);
        ulong buf = _driver.Alloc(64);
        ulong table = _driver.Alloc(16 * 2048);
        const ushort N = Descriptor.FlagNext, W = Descriptor.FlagWrite, I = Descriptor.FlagIndirect;
        switch (kind)
        {
            case "loop":
                tq.WriteDescriptor(3, buf, 8, N, 4);
                tq.WriteDescriptor(4, buf, 8, N, 3);
                break;
            case "self-loop":
                tq.WriteDescriptor(3, buf, 8, N, 3);
                break;
            case "next-out-of-range":
                tq.WriteDescriptor(3, buf, 8, N, 8);
                break;
            case "outside-ram":
                tq.WriteDescriptor(3, 0x1000, 8, 0, 0);
                break;
            case "straddles-ram-end":
                tq.WriteDescriptor(3, RamEnd - 4, 8, W, 0);
                break;
            case "length-overflow":
                tq.WriteDescriptor(3, ulong.MaxValue - 8, 0xffff_ffff, W, 0);
                break;
            case "readable-after-writable":
                tq.WriteDescriptor(3, buf, 8, N | W, 4);
                tq.WriteDescriptor(4, buf, 8, 0, 0);
                break;
            case "nested-indirect":
                tq.WriteDescriptorAt(table, table + 16, 16, I, 0);
                tq.WriteDescriptor(3, table, 32, I, 0);
                break;
            case "indirect-with-next":
                tq.WriteDescriptorAt(table, buf, 8, 0, 0);
                tq.WriteDescriptor(3, table, 16, I | N, 4);
                tq.WriteDescriptor(4, buf, 8, 0, 0);
                break;
            case "indirect-bad-length":
                tq.WriteDescriptor(3, table, 17, I, 0);
                break;
            case "indirect-empty":
                tq.WriteDescriptor(3, table, 0, I, 0);
                break;
            case "indirect-outside-ram":
                tq.WriteDescriptor(3, RamEnd - 16, 32, I, 0);
                break;
            case "indirect-loop":
                tq.WriteDescriptorAt(table, buf, 8, N, 1);
                tq.WriteDescriptorAt(table + 16, buf, 8, N, 0);
                tq.WriteDescriptor(3, table, 32, I, 0);
                break;
            case "indirect-next-out-of-range":
                tq.WriteDescriptorAt(table, buf, 8, N, 2);
                tq.WriteDescriptor(3, table, 32, I, 0);
                break;
            case "indirect-too-long":
                tq.WriteDescriptor(3, table, 16 * 1025, I, 0); // more than max(queue size, 1024) entries
                break;
        }
        tq.MakeAvailable(3);
        var e = Assert.Throws<VirtQueueException>(() => Q.TryPop(out _));
        Assert.Equal((ushort)3, e.Head);

        // The queue goes on: the device may fail that request and carry on with the next.
        Q.AddUsed(3, 0);
        ushort good = tq.Add((buf, 8, true));
        Assert.True(Q.TryPop(out DescriptorChain chain));
        Assert.Equal(good, chain.Head);
    }

    [Fact]
    public void IndirectWithoutTheFeatureIsRejected()
    {
        TestVirtQueue tq = Start(indirect: false);
        ulong table = _driver.Alloc(16);
        tq.WriteDescriptorAt(table, _driver.Alloc(8), 8, 0, 0);
        tq.WriteDescriptor(0, table, 16, Descriptor.FlagIndirect, 0);
        tq.MakeAvailable(0);
        Assert.Throws<VirtQueueException>(() => Q.TryPop(out _));
    }

    [Fact]
    public void ZeroLengthDescriptorsAreSkippedWherever()
    {
        TestVirtQueue tq = Start();
        ulong buf = _driver.Alloc(8);
        tq.Add((0xdead_0000_0000, 0, false), (buf, 8, true));
        Assert.True(Q.TryPop(out DescriptorChain chain));
        Assert.Equal(0, chain.Readable.Length);
        Assert.Equal(1, chain.Writable.Length);
    }

    [Fact]
    public void AChainAsLongAsTheQueueIsAllowed()
    {
        TestVirtQueue tq = Start(size: 8);
        ulong buf = _driver.Alloc(8);
        tq.Add(Enumerable.Repeat((buf, 8u, false), 8).ToArray());
        Assert.True(Q.TryPop(out DescriptorChain chain));
        Assert.Equal(8, chain.Readable.Length);
    }

    [Fact]
    public void AnAvailIdxTooFarAheadBreaksTheQueue()
    {
        TestVirtQueue tq = Start(size: 8);
        tq.SetAvailIdx(9);
        var e = Assert.Throws<VirtQueueException>(() => Q.TryPop(out _));
        Assert.Null(e.Head);
        Assert.True(Q.IsBroken);
        Assert.False(Q.TryPop(out _));
    }

    [Fact]
    public void AHeadBeyondTheQueueBreaksTheQueue()
    {
        TestVirtQueue tq = Start(size: 8);
        tq.MakeAvailable(8);
        Assert.Null(Assert.Throws<VirtQueueException>(() => Q.TryPop(out _)).Head);
        Assert.False(Q.TryPop(out _));
    }

    [Fact]
    public void ContextTryPopTurnsMalformedChainsIntoNeedsReset()
    {
        TestVirtQueue tq = Start();
        tq.Add((0x10, 8, false));
        Assert.False(Ctx.TryPop(0, out _));
        Assert.True(Ctx.NeedsReset);
        Assert.True((_driver.Status & DeviceStatus.DeviceNeedsReset) != 0);
        Assert.Equal(R.InterruptConfigChange, _driver.Reg(R.InterruptStatus));
        tq.Add((_driver.Alloc(8), 8, false));
        Assert.False(Ctx.TryPop(0, out _));
    }

    [Fact]
    public void EventIdxPublishesAvailEventAndHonoursUsedEvent()
    {
        TestVirtQueue tq = Start(size: 8);
        ulong buf = _driver.Alloc(8);
        for (int i = 0; i < 3; i++)
        {
            tq.Add((buf, 8, true));
        }
        tq.UsedEvent = 1; // interrupt when used idx passes 1, i.e. after the second completion
        for (int i = 0; i < 3; i++)
        {
            Assert.True(Q.TryPop(out DescriptorChain c));
            Assert.Equal((ushort)(i + 1), tq.AvailEvent);
            Q.AddUsed(c, 0);
            Ctx.SignalUsed(0);
            Assert.Equal(i == 1, _driver.Irq.Level);
            _driver.AckInterrupt();
        }
        Assert.False(Q.TryPop(out _));
        Assert.Equal(3, tq.AvailEvent);
    }

    [Fact]
    public void NoInterruptFlagSuppressesWithoutEventIdx()
    {
        TestVirtQueue tq = Start(eventIdx: false);
        ulong buf = _driver.Alloc(8);
        tq.Add((buf, 8, true));
        tq.Add((buf, 8, true));
        tq.AvailFlags = VirtQueue.AvailFlagNoInterrupt;
        Assert.True(Q.TryPop(out DescriptorChain c));
        Q.AddUsed(c, 0);
        Ctx.SignalUsed(0);
        Assert.False(_driver.Irq.Level);
        tq.AvailFlags = 0;
        Assert.True(Q.TryPop(out c));
        Q.AddUsed(c, 0);
        Ctx.SignalUsed(0);
        Assert.True(_driver.Irq.Level);
        Assert.Equal(R.InterruptUsedBuffer, _driver.AckInterrupt());

        Q.SetNotificationsSuppressed(true);
        Assert.Equal(VirtQueue.UsedFlagNoNotify, tq.UsedFlags);
        Q.SetNotificationsSuppressed(false);
        Assert.Equal(0, tq.UsedFlags);
    }

    [Fact]
    public void IndicesWrapAround16Bits()
    {
        TestVirtQueue tq = Start(size: 4);
        ulong buf = _driver.Alloc(8);
        for (int i = 0; i < 70_000; i++)
        {
            ushort head = tq.Add((buf, 8, true));
            Assert.True(Q.TryPop(out DescriptorChain c));
            Assert.Equal(head, c.Head);
            Q.AddUsed(c, 8);
            Assert.True(tq.TryGetUsed(out uint id, out uint len));
            Assert.Equal(head, id);
            Assert.Equal(8u, len);
        }
        Assert.Equal(unchecked((ushort)70_000), tq.UsedIdx);
    }

    [Fact]
    public async Task ConcurrentNotifyAndResetAreSafe()
    {
        TestVirtQueue tq = Start(size: 8);
        ulong buf = _driver.Alloc(8);
        using var stop = new CancellationTokenSource();
        var consumer = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                VirtioDeviceContext? ctx = _device.Context;
                if (ctx != null && ctx.TryPop(0, out DescriptorChain c))
                {
                    ctx.Queues[0].AddUsed(c, 0);
                    ctx.SignalUsed(0);
                }
            }
        });
        for (int i = 0; i < 200; i++)
        {
            tq.Add((buf, 8, true));
            tq.Kick();
            if (i % 50 == 49)
            {
                _driver.Reg(R.Status, 0);
                _driver.Queues.Clear();
                tq = Start(size: 8);
            }
        }
        stop.Cancel();
        await consumer;
    }
}
