using SharpVirt.Devices.Network;
using SharpVirt.Devices.Virtio;
using SharpVirt.Devices.Virtio.Net;
using SharpVirt.Tests.Network;
using R = SharpVirt.Devices.Virtio.VirtioMmioRegisters;

namespace SharpVirt.Tests.Virtio;

/// <summary>An untrusted driver: malformed chains are failed one by one, a broken ring sets DEVICE_NEEDS_RESET.</summary>
public sealed class NetHostileChainTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private readonly NetTestBackend _backend = new();
    private readonly NetTestGuest _guest;

    public NetHostileChainTests() => _guest = new NetTestGuest(_backend).Start(mergeable: false);

    public void Dispose() => _guest.Dispose();

    private ulong OutsideRam => VirtioTestDriver.RamBase + _guest.Driver.Ram.Size - 8;

    /// <summary>After whatever went before, a good frame still goes through both ways.</summary>
    private void AssertStillWorks()
    {
        var frame = TestFrames.Pattern(77, 77);
        _guest.Transmit(frame);
        Assert.NotNull(_backend.Sent.WaitFor(f => f.SequenceEqual(frame), Wait));
        _guest.PostRx(1, 1526);
        _backend.Inject(frame);
        Assert.Equal(frame, _guest.Receive().Frame);
    }

    private void Send(params (ulong, uint, bool)[] segments)
    {
        _guest.Tx.Add(segments);
        _guest.Tx.Kick();
    }

    [Fact]
    public void TransmitBufferOutsideRamIsFailed()
    {
        Send((OutsideRam, 100, false));
        var used = _guest.Tx.WaitUsed();
        Assert.Equal(0u, used.Len);
        Assert.Equal(1, _guest.Net.MalformedChains);
        AssertStillWorks();
        Assert.Single(_backend.Sent.Snapshot());
    }

    [Fact]
    public void LoopingChainIsFailed()
    {
        ulong buf = _guest.Driver.Alloc(64);
        ushort head = _guest.Tx.WriteChain((buf, 64, false));
        _guest.Tx.WriteDescriptor(head, buf, 64, Descriptor.FlagNext, head); // points at itself
        _guest.Tx.MakeAvailable(head);
        _guest.Tx.Kick();
        Assert.Equal(head, (ushort)_guest.Tx.WaitUsed().Id);
        Assert.Equal(1, _guest.Net.MalformedChains);
        AssertStillWorks();
    }

    [Theory]
    [InlineData(0)]                       // nothing at all
    [InlineData(VirtioNetHeader.Size - 1)] // not even a header
    [InlineData(VirtioNetHeader.Size)]     // a header and no frame
    [InlineData(VirtioNetHeader.Size + INetBackend.MaxFrameSize + 1)] // too large
    public void BadTransmitLengthsAreDropped(int length)
    {
        ulong buf = _guest.Driver.Alloc((ulong)Math.Max(length, 1));
        Send((buf, (uint)length, false));
        Assert.Equal(0u, _guest.Tx.WaitUsed().Len);
        VirtioTestDriver.WaitUntil(() => _guest.Net.TxDropped == 1);
        AssertStillWorks();
        Assert.Single(_backend.Sent.Snapshot());
    }

    [Fact]
    public void WritableOnlyTransmitChainIsDropped()
    {
        ulong buf = _guest.Driver.Alloc(200);
        Send((buf, 200, true));
        Assert.Equal(0u, _guest.Tx.WaitUsed().Len);
        VirtioTestDriver.WaitUntil(() => _guest.Net.TxDropped == 1);
        AssertStillWorks();
    }

    [Fact]
    public void ReadOnlyReceiveBufferTakesNothing()
    {
        ulong buf = _guest.Driver.Alloc(1526);
        _guest.Rx.Add((buf, 1526, false));
        _guest.Rx.Kick();
        _backend.Inject(TestFrames.Pattern(60, 1));
        Assert.Equal(0u, _guest.Rx.WaitUsed().Len);
        Assert.Equal(new byte[1526], _guest.Driver.ReadRam(buf, 1526));
        AssertStillWorks();
    }

    [Fact]
    public void ReadableAfterWritableReceiveChainIsFailed()
    {
        ulong a = _guest.Driver.Alloc(800), b = _guest.Driver.Alloc(800);
        _guest.Rx.Add((a, 800, true), (b, 800, false));
        _guest.Rx.Kick();
        _backend.Inject(TestFrames.Pattern(60, 1));
        Assert.Equal(0u, _guest.Rx.WaitUsed().Len);
        VirtioTestDriver.WaitUntil(() => _guest.Net.MalformedChains == 1);
        _guest.PostRx(1, 1526); // the frame waited for a good buffer
        Assert.Equal(TestFrames.Pattern(60, 1), _guest.Receive().Frame);
        AssertStillWorks();
    }

    [Fact]
    public void ReceiveBufferOutsideRamIsFailedAndTheFrameTakesTheNext()
    {
        _guest.Rx.Add((OutsideRam, 2048, true));
        _guest.PostRx(1, 1526);
        var frame = TestFrames.Pattern(90, 3);
        _backend.Inject(frame);
        Assert.Equal(0u, _guest.Rx.WaitUsed().Len);
        Assert.Equal(frame, _guest.Receive().Frame);
    }

    [Fact]
    public void BrokenAvailRingSetsNeedsResetAndResetRecovers()
    {
        _guest.Tx.SetAvailIdx(1000); // far more than the queue size ahead
        _guest.Tx.Kick();
        _guest.Driver.WaitNeedsResetInterrupt();
        Assert.Equal(R.InterruptConfigChange, _guest.Driver.AckInterrupt() & R.InterruptConfigChange);
        Assert.Equal(0, _backend.Sent.Count);

        _guest.Driver.Queues.Clear();
        _guest.Start(mergeable: false);
        AssertStillWorks();
    }

    [Fact]
    public void HeadOutOfRangeBreaksTheReceiveRingOnly()
    {
        _guest.PostRx(0, 0);
        Assert.True(_guest.Driver.Memory.TryWrite(_guest.Rx.Avail + 4, (ushort)0xffff)); // ring[0] = bad head
        _guest.Rx.SetAvailIdx(1);
        _guest.Rx.Kick();
        _backend.Inject(TestFrames.Pattern(60, 1));
        VirtioTestDriver.WaitUntil(() => (_guest.Driver.Status & DeviceStatus.DeviceNeedsReset) != 0);
        Assert.True(_guest.Net.MalformedChains >= 1);
    }
}
