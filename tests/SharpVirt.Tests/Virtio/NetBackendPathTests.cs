using System.Net;
using SharpVirt.Devices.Network;
using SharpVirt.Tests.Network;

namespace SharpVirt.Tests.Virtio;

/// <summary>VirtioNet end to end over real backends: two cards joined by a loopback socket, and a card on a TAP in a namespace.</summary>
public sealed class NetBackendPathTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public void TwoCardsShareASegmentOverALoopbackSocket()
    {
        var listen = NetOption.Parse("socket,listen=127.0.0.1:0", index: 0);
        var listener = (StreamSocketBackend)listen.CreateBackend();
        var connect = NetOption.Parse($"socket,connect=127.0.0.1:{listener.LocalEndPoint!.Port}", index: 1);
        var connector = (StreamSocketBackend)connect.CreateBackend();
        using var a = new NetTestGuest(listener, listen.Mac).Start(mergeable: true);
        using var b = new NetTestGuest(connector, connect.Mac).Start(mergeable: false);
        Assert.True(listener.WaitForPeer(Wait) && connector.WaitForPeer(Wait));
        a.PostRx(4, 1526);
        b.PostRx(4, 1526);

        var toB = TestFrames.Udp(listen.Mac, connect.Mac, IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.2"), 1000, 2000, "to b"u8);
        a.Transmit(toB);
        Assert.Equal(toB, b.Receive(10_000).Frame);

        var toA = TestFrames.Udp(connect.Mac, listen.Mac, IPAddress.Parse("10.0.0.2"), IPAddress.Parse("10.0.0.1"), 2000, 1000, "to a"u8);
        b.Transmit(toA, 12);
        var got = a.Receive(10_000);
        Assert.Equal(toA, got.Frame);
        Assert.Equal(1, got.Header.NumBuffers);
    }

    [Fact]
    public void CardOnATapTalksToTheKernelInANamespace()
    {
        using var ns = new NetNamespace();
        var tap = new TapBackend($"svnic{Random.Shared.Next(100000)}");
        ns.MoveIn(tap.InterfaceName);
        ns.Ip("addr", "add", "10.212.0.1/24", "dev", tap.InterfaceName);
        ns.Ip("link", "set", tap.InterfaceName, "up");
        var mac = MacAddress.Default(3);
        using var guest = new NetTestGuest(tap, mac).Start(mergeable: true);
        guest.PostRx(16, 1526);

        // The guest asks who has 10.212.0.1; the namespace's kernel answers into a receive buffer.
        guest.Transmit(TestFrames.Arp(1, mac, IPAddress.Parse("10.212.0.2"), default, IPAddress.Parse("10.212.0.1")));
        for (int i = 0; i < 16; i++)
        {
            var frame = guest.Receive(10_000).Frame; // IPv6 router/neighbour traffic may come first
            if (TestFrames.ReadArp(frame) is { Op: 2 } reply)
            {
                Assert.Equal(IPAddress.Parse("10.212.0.1"), reply.SenderIp);
                Assert.Equal(mac, TestFrames.Destination(frame));
                return;
            }
        }
        Assert.Fail("no ARP reply from the namespace");
    }
}
