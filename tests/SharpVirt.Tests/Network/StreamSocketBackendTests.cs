using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using SharpVirt.Devices.Network;

namespace SharpVirt.Tests.Network;

/// <summary>Two stream-socket backends over loopback, and raw peers speaking QEMU's framing.</summary>
public sealed class StreamSocketBackendTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly IPEndPoint AnyLoopbackPort = new(IPAddress.Loopback, 0);

    private static (StreamSocketBackend Listener, FrameCollector Got) StartListener(IPEndPoint? at = null)
    {
        var backend = StreamSocketBackend.Listen(at ?? AnyLoopbackPort);
        var got = new FrameCollector();
        backend.Start(got.Receive);
        return (backend, got);
    }

    private static (StreamSocketBackend Connector, FrameCollector Got) StartConnector(IPEndPoint to, TimeSpan? timeout = null)
    {
        var backend = StreamSocketBackend.Connect(to, timeout);
        var got = new FrameCollector();
        backend.Start(got.Receive);
        return (backend, got);
    }

    private static void AssertExchange(StreamSocketBackend a, FrameCollector gotA, StreamSocketBackend b, FrameCollector gotB, int seed)
    {
        Assert.True(a.WaitForPeer(Wait) && b.WaitForPeer(Wait));
        int[] sizes = [1, 14, 60, 1514, 9000, INetBackend.MaxFrameSize];
        int baseA = gotA.Count, baseB = gotB.Count;
        foreach (int size in sizes)
        {
            Assert.True(a.Send(TestFrames.Pattern(size, seed + size)));
            Assert.True(b.Send(TestFrames.Pattern(size, seed - size)));
        }
        Assert.True(gotB.WaitForCount(baseB + sizes.Length, Wait));
        Assert.True(gotA.WaitForCount(baseA + sizes.Length, Wait));
        var atB = gotB.Snapshot()[baseB..];
        var atA = gotA.Snapshot()[baseA..];
        for (int i = 0; i < sizes.Length; i++)
        {
            Assert.Equal(TestFrames.Pattern(sizes[i], seed + sizes[i]), atB[i]);
            Assert.Equal(TestFrames.Pattern(sizes[i], seed - sizes[i]), atA[i]);
        }
    }

    [Fact]
    public void TwoBackendsExchangeFramesBothWays()
    {
        var (listener, gotL) = StartListener();
        using var _ = listener;
        var (connector, gotC) = StartConnector(listener.LocalEndPoint!);
        using var __ = connector;
        Assert.True(connector.WaitForPeer(Wait));
        Assert.True(listener.WaitForPeer(Wait));
        AssertExchange(listener, gotL, connector, gotC, seed: 1);
        Assert.Equal(0, listener.SendDrops + connector.SendDrops);
    }

    [Fact]
    public void ListenerAcceptsTheNextPeerAfterADisconnect()
    {
        var (listener, gotL) = StartListener();
        using var _ = listener;
        for (int round = 0; round < 3; round++)
        {
            var (connector, gotC) = StartConnector(listener.LocalEndPoint!);
            using (connector)
            {
                Assert.True(connector.WaitForPeer(Wait));
                Assert.True(SpinWait.SpinUntil(() => listener.Connections == round + 1, Wait));
                AssertExchange(listener, gotL, connector, gotC, seed: 10 + round);
            }
            Assert.True(SpinWait.SpinUntil(() => !listener.IsConnected, Wait));
            Assert.False(listener.Send(TestFrames.Pattern(60, 0))); // nobody to send to: dropped
        }
    }

    [Fact]
    public void ConnectorRetriesUntilTheListenerAppears()
    {
        var (port, reservation) = ReservedLoopbackPort();
        var messages = new List<string>();
        using var connector = StreamSocketBackend.Connect(port);
        var gotC = new FrameCollector();
        connector.Message += m =>
        {
            lock (messages)
                messages.Add(m);
        };
        connector.Start(gotC.Receive);
        Thread.Sleep(600); // a few refused attempts
        Assert.False(connector.IsConnected);
        lock (messages)
            Assert.Contains(messages, m => m.Contains("retrying"));
        reservation.Dispose();
        var (listener, gotL) = StartListener(port);
        using var _ = listener;
        Assert.True(connector.WaitForPeer(Wait));
        AssertExchange(listener, gotL, connector, gotC, seed: 20);
    }

    [Fact]
    public void ConnectorReconnectsWhenTheListenerComesBack()
    {
        var (listener, gotL) = StartListener();
        var port = listener.LocalEndPoint!;
        var (connector, gotC) = StartConnector(port);
        using var __ = connector;
        Assert.True(connector.WaitForPeer(Wait));
        AssertExchange(listener, gotL, connector, gotC, seed: 30);

        listener.Dispose();
        Assert.True(SpinWait.SpinUntil(() => !connector.IsConnected, Wait));
        Assert.False(connector.Send(TestFrames.Pattern(60, 0)));

        var (listener2, gotL2) = StartListener(port);
        using var _ = listener2;
        Assert.True(SpinWait.SpinUntil(() => connector.Connections == 2 && connector.IsConnected, Wait));
        AssertExchange(listener2, gotL2, connector, gotC, seed: 31);
    }

    [Fact]
    public void ConnectorGivesUpAfterItsTimeout()
    {
        var (port, reservation) = ReservedLoopbackPort();
        using var _ = reservation;
        var gaveUp = new ManualResetEventSlim();
        using var connector = StreamSocketBackend.Connect(port, TimeSpan.FromMilliseconds(500));
        connector.Message += m =>
        {
            if (m.Contains("giving up"))
                gaveUp.Set();
        };
        connector.Start(_ => { });
        Assert.True(gaveUp.Wait(Wait));
        Assert.False(connector.IsConnected);
    }

    [Fact]
    public void SpeaksQemusFramingOnTheWire()
    {
        var (listener, got) = StartListener();
        using var _ = listener;
        using var raw = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        raw.Connect(listener.LocalEndPoint!);
        Assert.True(listener.WaitForPeer(Wait));

        // Two frames in one write, the second split over two writes: framing, not segments, counts.
        byte[] wire = [0, 0, 0, 5, .. "hello"u8, 0, 0, 0, 6, .. "wor"u8];
        raw.Send(wire);
        Thread.Sleep(50);
        raw.Send("ld!"u8.ToArray());
        Assert.True(got.WaitForCount(2, Wait));
        Assert.Equal("hello"u8.ToArray(), got.Snapshot()[0]);
        Assert.Equal("world!"u8.ToArray(), got.Snapshot()[1]);

        Assert.True(listener.Send("frame"u8));
        var header = ReceiveExactly(raw, 4);
        Assert.Equal(5u, BinaryPrimitives.ReadUInt32BigEndian(header));
        Assert.Equal("frame"u8.ToArray(), ReceiveExactly(raw, 5));
    }

    [Fact]
    public void OversizedFrameDisconnectsThePeerAndTheListenerCarriesOn()
    {
        var (listener, got) = StartListener();
        using var _ = listener;
        using (var raw = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            raw.Connect(listener.LocalEndPoint!);
            byte[] bad = [0, 0, 0, 2, 0xaa, 0xbb, 0x7f, 0xff, 0xff, 0xff, 1, 2, 3];
            raw.Send(bad);
            Assert.True(got.WaitForCount(1, Wait));
            raw.ReceiveTimeout = 10_000;
            Assert.True(HungUp(raw)); // the backend hung up
        }
        Assert.Single(got.Snapshot());
        Assert.Equal(new byte[] { 0xaa, 0xbb }, got.Snapshot()[0]);

        var (connector, gotC) = StartConnector(listener.LocalEndPoint!);
        using var __ = connector;
        Assert.True(connector.WaitForPeer(Wait));
        AssertExchange(listener, got, connector, gotC, seed: 40);
    }

    [Fact]
    public void ListenOnAPortInUseFailsClearly()
    {
        using var first = StreamSocketBackend.Listen(AnyLoopbackPort);
        var e = Assert.Throws<IOException>(() => StreamSocketBackend.Listen(first.LocalEndPoint!));
        Assert.Contains("cannot listen", e.Message);
    }

    [Fact]
    public void DisposeEndsAConnectedPairPromptly()
    {
        var (listener, _) = StartListener();
        var (connector, _) = StartConnector(listener.LocalEndPoint!);
        Assert.True(connector.WaitForPeer(Wait));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        connector.Dispose();
        listener.Dispose();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
        Assert.False(connector.Send(TestFrames.Pattern(60, 0)));
    }

    private static bool HungUp(Socket s)
    {
        try
        {
            return s.Receive(new byte[16]) == 0;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
    }

    /// <summary>
    /// A loopback port bound but not listening: connections to it are refused, and no other test can take it
    /// until the returned socket is disposed.
    /// </summary>
    private static (IPEndPoint Port, Socket Reservation) ReservedLoopbackPort()
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!, s);
    }

    private static byte[] ReceiveExactly(Socket s, int count)
    {
        s.ReceiveTimeout = 10_000;
        var buffer = new byte[count];
        int got = 0;
        while (got < count)
        {
            int n = s.Receive(buffer, got, count - got, SocketFlags.None);
            Assert.True(n > 0, "peer closed");
            got += n;
        }
        return buffer;
    }
}
