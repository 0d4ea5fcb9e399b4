using System.Net;
using System.Text;
using SharpVirt.Devices.Network;

namespace SharpVirt.Tests.Network;

/// <summary>
/// A real TAP interface, created by <see cref="TapBackend"/> in the host namespace and then moved into a
/// network namespace the test makes, where the kernel's stack answers: all traffic stays in that namespace.
/// </summary>
public sealed class TapBackendTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly MacAddress OurMac = MacAddress.Default();
    private static readonly IPAddress OurIp = IPAddress.Parse("10.211.7.2"), KernelIp = IPAddress.Parse("10.211.7.1");

    private readonly NetNamespace _ns = new();
    private readonly TapBackend _tap;
    private readonly FrameCollector _got = new();

    public TapBackendTests()
    {
        _tap = new TapBackend($"svtap{Random.Shared.Next(100000)}");
        _ns.MoveIn(_tap.InterfaceName);
        _ns.Ip("addr", "add", $"{KernelIp}/24", "dev", _tap.InterfaceName);
        _ns.Ip("link", "set", _tap.InterfaceName, "up");
        // A tiny host behind the TAP: answers ARP for OurIp.
        _got.OnFrame = frame =>
        {
            if (TestFrames.ReadArp(frame) is { Op: 1 } req && req.TargetIp.Equals(OurIp))
                _tap.Send(TestFrames.Arp(2, OurMac, OurIp, req.SenderMac, req.SenderIp));
        };
        _tap.Start(_got.Receive);
    }

    public void Dispose()
    {
        _tap.Dispose();
        _ns.Dispose();
    }

    [Fact]
    public void KernelAnswersOurArpRequest()
    {
        Assert.StartsWith("svtap", _tap.InterfaceName);
        Assert.Equal($"tap ifname={_tap.InterfaceName}", _tap.Description);
        Assert.True(_tap.Send(TestFrames.Arp(1, OurMac, OurIp, default, KernelIp)));
        var reply = _got.WaitFor(f => TestFrames.ReadArp(f) is { Op: 2 } r && r.SenderIp.Equals(KernelIp), Wait);
        Assert.NotNull(reply);
        Assert.Equal(OurMac, TestFrames.Destination(reply));
        Assert.Equal(OurIp, TestFrames.ReadArp(reply)!.Value.TargetIp);
    }

    [Fact]
    public void KernelUdpReachesUsThroughOurArpReply()
    {
        // The kernel sends the datagram only after our ARP reply went out through the TAP.
        _ns.Exec("bash", "-c", $"echo -n tap-hello > /dev/udp/{OurIp}/9999");
        var frame = _got.WaitFor(f => TestFrames.ReadUdp(f) is { DstPort: 9999 }, Wait);
        Assert.NotNull(frame);
        var udp = TestFrames.ReadUdp(frame)!.Value;
        Assert.Equal(KernelIp, udp.SrcIp);
        Assert.Equal("tap-hello", Encoding.ASCII.GetString(udp.Payload));
        Assert.Equal(OurMac, TestFrames.Destination(frame));
    }

    [Fact]
    public void OversizedAndRuntFramesAreDroppedNotThrown()
    {
        Assert.False(_tap.Send(new byte[INetBackend.MaxFrameSize + 1]));
        Assert.True(_tap.SendDrops >= 1);
    }

    [Fact]
    public void SecondOpenOfTheSameInterfaceFailsClearly()
    {
        // The interface now lives in the namespace; attach there by name from a fresh TAP in the host.
        var e = Assert.Throws<IOException>(() =>
        {
            using var a = new TapBackend("svbusy" + Random.Shared.Next(10000));
            using var b = new TapBackend(a.InterfaceName);
        });
        Assert.Contains("in use", e.Message);
    }

    [Fact]
    public void KernelNamePatternIsFilledIn()
    {
        using var t = new TapBackend("svpat%d");
        Assert.Matches("^svpat[0-9]+$", t.InterfaceName);
    }

    [Fact]
    public void BadNamesAreRefused()
    {
        Assert.Throws<ArgumentException>(() => new TapBackend("this-name-is-far-too-long"));
        Assert.Throws<ArgumentException>(() => new TapBackend("a/b"));
    }

    [Fact]
    public void DisposeStopsTheReaderAndRemovesTheInterface()
    {
        var t = new TapBackend("svgone" + Random.Shared.Next(10000));
        t.Start(_ => { });
        string name = t.InterfaceName;
        Assert.Contains(name, HostCommand.Run("ip", "-o", "link", "show"));
        t.Dispose();
        Assert.DoesNotContain(name + ":", HostCommand.Run("ip", "-o", "link", "show"));
        Assert.False(t.Send(new byte[60]));
    }
}
