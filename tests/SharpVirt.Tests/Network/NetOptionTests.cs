using System.Net;
using SharpVirt.Devices.Network;

namespace SharpVirt.Tests.Network;

public sealed class NetOptionTests
{
    [Fact]
    public void ParsesTap()
    {
        var o = NetOption.Parse("tap,ifname=tap7");
        Assert.Equal(NetBackendKind.Tap, o.Kind);
        Assert.Equal("tap7", o.IfName);
        Assert.Equal(MacAddress.Parse("52:54:00:12:34:56"), o.Mac);
        Assert.Equal("tap%d", NetOption.Parse("tap").IfName);
    }

    [Fact]
    public void ParsesSocketListenAndConnect()
    {
        var l = NetOption.Parse("socket,listen=127.0.0.1:5555,mac=52:54:00:aa:bb:01");
        Assert.Equal(NetBackendKind.SocketListen, l.Kind);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 5555), l.EndPoint);
        Assert.Equal("52:54:00:aa:bb:01", l.Mac.ToString());

        var c = NetOption.Parse("socket,connect=[::1]:6000");
        Assert.Equal(NetBackendKind.SocketConnect, c.Kind);
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 6000), c.EndPoint);

        Assert.Equal(new IPEndPoint(IPAddress.Any, 7000), NetOption.Parse("socket,listen=:7000").EndPoint);
        Assert.Equal(IPAddress.Loopback, NetOption.Parse("socket,connect=localhost:7000").EndPoint!.Address);
        Assert.Equal("socket,connect=127.0.0.1:5555,mac=52:54:00:12:34:56", NetOption.Parse("socket,connect=127.0.0.1:5555").ToString());
    }

    [Fact]
    public void DefaultMacFollowsTheNicIndex()
    {
        Assert.Equal("52:54:00:12:34:57", NetOption.Parse("tap,ifname=t", index: 1).Mac.ToString());
    }

    [Theory]
    [InlineData("", "backend is missing")]
    [InlineData("user", "unknown backend 'user'")]
    [InlineData("tap,ifname=", "ifname is empty")]
    [InlineData("tap,ifname=waytoolonginterfacename", "not a valid interface name")]
    [InlineData("tap,script=no", "unknown option 'script'")]
    [InlineData("tap,ifname", "is not KEY=VALUE")]
    [InlineData("tap,ifname=a,ifname=b", "'ifname' is given twice")]
    [InlineData("socket", "exactly one of listen")]
    [InlineData("socket,listen=:1,connect=127.0.0.1:2", "exactly one of listen")]
    [InlineData("socket,listen=127.0.0.1", "has no port")]
    [InlineData("socket,connect=127.0.0.1:0", "not a port number")]
    [InlineData("socket,connect=127.0.0.1:70000", "not a port number")]
    [InlineData("socket,connect=:5555", "connect= needs a host")]
    [InlineData("socket,connect=127.0.0.1:5555,mac=zz:54:00:12:34:56", "is not a MAC address")]
    [InlineData("socket,connect=127.0.0.1:5555,mac=01:00:5e:00:00:01", "multicast")]
    public void RefusesBadOptionsWithAClearMessage(string text, string expected)
    {
        var e = Assert.Throws<FormatException>(() => NetOption.Parse(text));
        Assert.Contains(expected, e.Message);
        Assert.Contains("expected tap", e.Message);
    }

    [Fact]
    public void CreatesTheBackendItDescribes()
    {
        var o = NetOption.Parse("socket,listen=127.0.0.1:0");
        using var b = o.CreateBackend();
        Assert.IsType<StreamSocketBackend>(b);
        Assert.StartsWith("socket listen=127.0.0.1:", b.Description);
    }

    [Fact]
    public void MacAddressRoundTrips()
    {
        var m = MacAddress.Parse("52-54-00-AB-cd-0F");
        Assert.Equal("52:54:00:ab:cd:0f", m.ToString());
        Assert.Equal(new byte[] { 0x52, 0x54, 0x00, 0xab, 0xcd, 0x0f }, m.ToArray());
        Assert.False(m.IsMulticast);
        Assert.False(MacAddress.TryParse("52:54:00:ab:cd", out _));
        Assert.False(MacAddress.TryParse("52:54:00:ab:cd:0f0", out _));
    }
}
