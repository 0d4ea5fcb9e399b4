using SharpVirt.Devices.Network;
using SharpVirt.Devices.Virtio;
using SharpVirt.Devices.Virtio.Net;
using SharpVirt.Tests.Network;
using R = SharpVirt.Devices.Virtio.VirtioMmioRegisters;

namespace SharpVirt.Tests.Virtio;

/// <summary>VirtioNet (virtio 1.2, 5.1) driven through the virtio-mmio transport over test guest RAM.</summary>
public sealed class NetDeviceTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private readonly NetTestBackend _backend = new();
    private readonly NetTestGuest _guest;

    public NetDeviceTests() => _guest = new NetTestGuest(_backend, MacAddress.Parse("52:54:00:ab:cd:ef"));

    public void Dispose() => _guest.Dispose();

    private VirtioTestDriver Driver => _guest.Driver;

    private uint Config(int offset, int size) => (uint)Driver.Transport.Read((ulong)(R.Config + offset), size);

    [Fact]
    public void OffersMacStatusAndMergeableBuffers()
    {
        Assert.Equal((uint)VirtioDeviceType.Net, Driver.Reg(R.DeviceId));
        ulong f = Driver.DeviceFeatures;
        Assert.True(VirtioFeatures.Has(f, VirtioNetFeatures.Mac | VirtioNetFeatures.Status | VirtioNetFeatures.MrgRxBuf | VirtioFeatures.Version1));
        Assert.Equal(0UL, f & (VirtioNetFeatures.Csum | VirtioNetFeatures.GuestCsum | VirtioNetFeatures.CtrlVq | VirtioNetFeatures.Mq));
        Driver.Reg(R.QueueSel, 0);
        Assert.Equal((uint)VirtioNet.QueueSize, Driver.Reg(R.QueueNumMax));
        Driver.Reg(R.QueueSel, 2);
        Assert.Equal(0u, Driver.Reg(R.QueueNumMax)); // no control queue
    }

    [Fact]
    public void ConfigHoldsTheMacAndLinkUp()
    {
        byte[] mac = [.. Enumerable.Range(0, 6).Select(i => (byte)Config(i, 1))];
        Assert.Equal(new byte[] { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef }, mac);
        Assert.Equal(0x00ab_5452u & 0xffff, Config(0, 2));
        Assert.Equal(0xab00_5452u, Config(0, 4));
        Assert.Equal(VirtioNetConfig.StatusLinkUp, (ushort)Config(VirtioNetConfig.StatusOffset, 2));
        Assert.Equal(0x0001_efcdu, Config(4, 4)); // mac[4], mac[5], status
        Assert.Equal(1u, Config(VirtioNetConfig.MaxVirtqueuePairsOffset, 2));
        Assert.Equal(0u, Config(12, 4));
        Assert.Equal(0u, Config(0x80, 4));

        Driver.Transport.Write(R.Config, 4, 0xffff_ffff); // read-only: ignored
        Assert.Equal(0xab00_5452u, Config(0, 4));
    }

    [Fact]
    public void TransmitStripsTheHeaderWhateverTheChainShape()
    {
        _guest.Start();
        byte[][] frames = [TestFrames.Pattern(60, 1), TestFrames.Pattern(1514, 2), TestFrames.Pattern(300, 3), TestFrames.Pattern(9000, 4)];
        _guest.Transmit(frames[0]);                 // header and frame in one descriptor
        _guest.Transmit(frames[1], 12);             // header, then frame (Linux without any_header_sg)
        _guest.Transmit(frames[2], 5, 12, 100, 299); // header itself split, frame in pieces
        _guest.Transmit(frames[3], 12, 4000);
        Assert.True(_backend.Sent.WaitForCount(4, Wait));
        Assert.Equal(frames, _backend.Sent.Snapshot());
        for (int i = 0; i < 4; i++)
            Assert.Equal(0u, _guest.Tx.WaitUsed().Len);
        Assert.Equal(4, _guest.Net.TxFrames);
        Assert.True(Driver.IrqRaised > 0);
        Assert.Equal(R.InterruptUsedBuffer, Driver.AckInterrupt() & R.InterruptUsedBuffer);
    }

    [Fact]
    public void ReceivePutsAHeaderBeforeTheFrame()
    {
        _guest.Start(mergeable: false);
        _guest.PostRx(4, 1526);
        var frame = TestFrames.Pattern(60, 7);
        _backend.Inject(frame);
        var (header, got, lengths) = _guest.Receive();
        Assert.Equal(VirtioNetHeader.ForReceive(1), header); // num_buffers is 1 without MRG_RXBUF too (5.1.6.4)
        Assert.Equal(frame, got);
        Assert.Equal([(uint)(VirtioNetHeader.Size + 60)], lengths);

        var full = TestFrames.Pattern(1514, 8);
        _backend.Inject(full);
        Assert.Equal(full, _guest.Receive().Frame);
        Assert.Equal(2, _guest.Net.RxFrames);
    }

    [Fact]
    public void FramesWaitForBuffersInOrderAndOverflowIsDropped()
    {
        _guest.Start(mergeable: false);
        for (int i = 0; i < 3; i++)
            _backend.Inject(TestFrames.Pattern(100 + i, i));
        Thread.Sleep(50);
        Assert.Equal(0, _guest.Rx.UsedIdx);
        _guest.PostRx(3, 2048);
        for (int i = 0; i < 3; i++)
            Assert.Equal(TestFrames.Pattern(100 + i, i), _guest.Receive().Frame);

        for (int i = 0; i < VirtioNet.RxBacklogLimit + 20; i++)
            _backend.Inject(TestFrames.Pattern(64, i));
        Assert.Equal(20, _guest.Net.RxDropped);
        _guest.PostRx(32, 2048);
        for (int i = 0; i < 32; i++)
            Assert.Equal(TestFrames.Pattern(64, i), _guest.Receive().Frame);
    }

    [Fact]
    public void TooSmallBufferDropsTheFrameAndReturnsTheBuffer()
    {
        _guest.Start(mergeable: false);
        _guest.PostRx(1, 40);
        _backend.Inject(TestFrames.Pattern(60, 1));
        Assert.Equal(0u, _guest.Rx.WaitUsed().Len);
        Assert.Equal(1, _guest.Net.RxDropped);
        _guest.PostRx(1, 100);
        _backend.Inject(TestFrames.Pattern(60, 2));
        Assert.Equal(TestFrames.Pattern(60, 2), _guest.Receive().Frame);
    }

    [Fact]
    public void MergeableBuffersCarryALargeFrame()
    {
        _guest.Start(mergeable: true);
        _guest.PostRx(8, 256);
        var frame = TestFrames.Pattern(1000, 5);
        _backend.Inject(frame);
        var (header, got, lengths) = _guest.Receive();
        Assert.Equal(4, header.NumBuffers);
        Assert.Equal(frame, got);
        Assert.Equal(new uint[] { 256, 256, 256, 1012 - 768 }, lengths);

        _backend.Inject(TestFrames.Pattern(50, 6)); // a small one still takes one buffer
        var small = _guest.Receive();
        Assert.Equal(1, small.Header.NumBuffers);
        Assert.Equal(TestFrames.Pattern(50, 6), small.Frame);
    }

    [Fact]
    public void MergeableFrameWaitsForEnoughBuffers()
    {
        _guest.Start(mergeable: true);
        _guest.PostRx(2, 256);
        var frame = TestFrames.Pattern(1000, 9);
        _backend.Inject(frame);
        Thread.Sleep(50);
        Assert.Equal(0, _guest.Rx.UsedIdx); // two buffers are held, not half-filled
        _guest.PostRx(2, 256);
        var (header, got, _) = _guest.Receive();
        Assert.Equal(4, header.NumBuffers);
        Assert.Equal(frame, got);
    }

    [Fact]
    public void SnapshotKeepsReservedReceiveBuffersAndTheQueuesCarryOn()
    {
        _guest.Start(mergeable: true);
        _guest.PostRx(2, 256);
        _backend.Inject(TestFrames.Pattern(1000, 9)); // too big for two buffers: the device reserves them and waits
        VirtioTestDriver.WaitUntil(() => Driver.Transport.Queues[VirtioNet.ReceiveQueue].SaveIndices().LastAvail == 2);

        var backend = new NetTestBackend();
        VirtioTransportState state = Driver.SnapshotAndRestore(_ => new VirtioNet(backend, MacAddress.Parse("52:54:00:ab:cd:ef")));
        var reader = new SharpVirt.Memory.Snapshot.SnapshotReader(state.DeviceState, "test");
        VirtioNetState net = VirtioNetState.Read(reader);
        Assert.True(net.LinkUp);
        Assert.Equal(2, net.ReservedHeads.Length);
        Assert.True(_backend.Disposed); // the old card let its backend go; the new one has its own

        // The frame waiting on the host side is lost; the next one uses the two reserved buffers and two more.
        Assert.Equal(0, _guest.Rx.UsedIdx);
        _guest.PostRx(2, 256);
        var frame = TestFrames.Pattern(1000, 10);
        backend.Inject(frame);
        var (header, got, _) = _guest.Receive();
        Assert.Equal(4, header.NumBuffers);
        Assert.Equal(frame, got);
        _guest.Transmit(TestFrames.Pattern(60, 3));
        Assert.True(backend.Sent.WaitForCount(1, Wait));
        Assert.Equal(0u, _guest.Tx.WaitUsed().Len);
    }

    [Fact]
    public void LinkDownIsReportedAndStopsTraffic()
    {
        _guest.Start();
        Driver.AckInterrupt();
        uint generation = Driver.Reg(R.ConfigGeneration);
        _guest.Net.LinkUp = false;
        Assert.Equal(0u, Config(VirtioNetConfig.StatusOffset, 2));
        Assert.Equal(R.InterruptConfigChange, Driver.AckInterrupt() & R.InterruptConfigChange);
        Assert.NotEqual(generation, Driver.Reg(R.ConfigGeneration));

        _guest.PostRx(2, 1526);
        _backend.Inject(TestFrames.Pattern(60, 1));
        _guest.Transmit(TestFrames.Pattern(60, 2));
        Assert.Equal(0u, _guest.Tx.WaitUsed().Len); // consumed...
        Assert.Equal(0, _backend.Sent.Count);        // ...but not sent
        Assert.Equal(1, _guest.Net.TxDropped);
        Assert.Equal(1, _guest.Net.RxDropped);
        Assert.Equal(0, _guest.Rx.UsedIdx);

        _guest.Net.LinkUp = true;
        Assert.Equal(VirtioNetConfig.StatusLinkUp, (ushort)Config(VirtioNetConfig.StatusOffset, 2));
        _backend.Inject(TestFrames.Pattern(60, 3));
        Assert.Equal(TestFrames.Pattern(60, 3), _guest.Receive().Frame);
    }

    [Fact]
    public void BackendRefusalCountsAsATransmitDrop()
    {
        _guest.Start();
        _backend.Accepting = false;
        _guest.Transmit(TestFrames.Pattern(60, 1));
        _guest.Tx.WaitUsed();
        VirtioTestDriver.WaitUntil(() => _guest.Net.TxDropped == 1);
    }

    [Fact]
    public void FramesBeforeDriverOkOrAfterResetAreDropped()
    {
        _backend.Inject(TestFrames.Pattern(60, 1));
        Assert.Equal(1, _guest.Net.RxDropped);
        _guest.Start();
        _guest.PostRx(1, 1526);
        Driver.Reg(R.Status, 0); // device reset
        _backend.Inject(TestFrames.Pattern(60, 2));
        Assert.Equal(2, _guest.Net.RxDropped);

        // A fresh driver session works again.
        Driver.Queues.Clear();
        _guest.Start();
        _guest.PostRx(1, 1526);
        _backend.Inject(TestFrames.Pattern(60, 3));
        Assert.Equal(TestFrames.Pattern(60, 3), _guest.Receive().Frame);
        _guest.Transmit(TestFrames.Pattern(70, 4));
        Assert.NotNull(_backend.Sent.WaitFor(f => f.Length == 70, Wait));
    }

    [Fact]
    public void DisposingTheTransportDisposesTheBackend()
    {
        _guest.Start();
        Driver.Transport.Dispose();
        Assert.True(_backend.Disposed);
    }

    [Fact]
    public void ManyFramesBothWaysStayInOrder()
    {
        _guest.Start(mergeable: true, size: 256);
        const int count = 2000, sends = 200;
        var sender = new Thread(() =>
        {
            for (int i = 0; i < count; i++)
                _backend.Inject(Numbered(i, 60 + (i % 1400)));
        });
        _guest.PostRx(128, 2048);
        sender.Start();
        int received = 0, last = -1, sent = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (sent < sends)
                _guest.Transmit(Numbered(sent++, 100));
            if (_guest.Rx.UsedIdx != (ushort)received)
            {
                var (header, frame, _) = _guest.Receive();
                int seq = BitConverter.ToInt32(frame);
                Assert.True(seq > last, "frames are never reordered");
                Assert.Equal(Numbered(seq, 60 + (seq % 1400)), frame);
                Assert.Equal(1, header.NumBuffers);
                last = seq;
                received++;
                _guest.PostRx(1, 2048);
            }
            else if (!sender.IsAlive && received == _guest.Net.RxFrames && received + _guest.Net.RxDropped == count && sent == sends)
            {
                break;
            }
        }
        sender.Join();
        Assert.Equal(count, received + _guest.Net.RxDropped);
        Assert.True(_backend.Sent.WaitForCount(sends, Wait));
        var out_ = _backend.Sent.Snapshot();
        for (int i = 0; i < sends; i++)
            Assert.Equal(Numbered(i, 100), out_[i]);
    }

    private static byte[] Numbered(int seq, int length)
    {
        var f = TestFrames.Pattern(length, seq);
        BitConverter.TryWriteBytes(f, seq);
        return f;
    }
}
