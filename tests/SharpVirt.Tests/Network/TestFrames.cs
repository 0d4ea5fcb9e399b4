using System.Buffers.Binary;
using System.Net;
using SharpVirt.Devices.Network;

namespace SharpVirt.Tests.Network;

/// <summary>Builds and reads the few Ethernet frames the network tests exchange: ARP and IPv4/UDP.</summary>
internal static class TestFrames
{
    public const ushort EtherTypeIpv4 = 0x0800, EtherTypeArp = 0x0806;
    public const int EthHeader = 14;
    public static readonly MacAddress Broadcast = new([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

    /// <summary>A frame of <paramref name="length"/> bytes with a recognisable pattern seeded by <paramref name="seed"/>.</summary>
    public static byte[] Pattern(int length, int seed)
    {
        var f = new byte[length];
        for (int i = 0; i < length; i++)
            f[i] = (byte)(seed * 31 + i * 7 + (i >> 8));
        return f;
    }

    public static ushort EtherType(byte[] frame) =>
        frame.Length >= EthHeader ? BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12)) : (ushort)0;

    public static MacAddress Destination(byte[] frame) => new(frame.AsSpan(0, 6));

    public static MacAddress Source(byte[] frame) => new(frame.AsSpan(6, 6));

    /// <summary>An ARP request or reply (RFC 826, Ethernet/IPv4).</summary>
    public static byte[] Arp(ushort op, MacAddress senderMac, IPAddress senderIp, MacAddress targetMac, IPAddress targetIp, MacAddress? to = null)
    {
        var f = new byte[EthHeader + 28];
        (to ?? (op == 1 ? Broadcast : targetMac)).CopyTo(f);
        senderMac.CopyTo(f.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), EtherTypeArp);
        var a = f.AsSpan(EthHeader);
        BinaryPrimitives.WriteUInt16BigEndian(a, 1);          // htype Ethernet
        BinaryPrimitives.WriteUInt16BigEndian(a[2..], 0x0800); // ptype IPv4
        a[4] = 6;
        a[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(a[6..], op);
        senderMac.CopyTo(a[8..]);
        senderIp.GetAddressBytes().CopyTo(a[14..]);
        targetMac.CopyTo(a[18..]);
        targetIp.GetAddressBytes().CopyTo(a[24..]);
        return f;
    }

    /// <summary>Reads an ARP frame: (op, sender MAC, sender IP, target IP), or null.</summary>
    public static (ushort Op, MacAddress SenderMac, IPAddress SenderIp, IPAddress TargetIp)? ReadArp(byte[] frame)
    {
        if (EtherType(frame) != EtherTypeArp || frame.Length < EthHeader + 28)
            return null;
        var a = frame.AsSpan(EthHeader);
        return (BinaryPrimitives.ReadUInt16BigEndian(a[6..]), new MacAddress(a.Slice(8, 6)),
            new IPAddress(a.Slice(14, 4)), new IPAddress(a.Slice(24, 4)));
    }

    /// <summary>An IPv4/UDP frame with correct IP checksum (UDP checksum 0: none).</summary>
    public static byte[] Udp(MacAddress srcMac, MacAddress dstMac, IPAddress srcIp, IPAddress dstIp, ushort srcPort, ushort dstPort, ReadOnlySpan<byte> payload)
    {
        var f = new byte[EthHeader + 20 + 8 + payload.Length];
        dstMac.CopyTo(f);
        srcMac.CopyTo(f.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), EtherTypeIpv4);
        var ip = f.AsSpan(EthHeader, 20);
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(20 + 8 + payload.Length));
        ip[8] = 64;  // TTL
        ip[9] = 17;  // UDP
        srcIp.GetAddressBytes().CopyTo(ip[12..]);
        dstIp.GetAddressBytes().CopyTo(ip[16..]);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum(ip));
        var udp = f.AsSpan(EthHeader + 20);
        BinaryPrimitives.WriteUInt16BigEndian(udp, srcPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], dstPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(8 + payload.Length));
        payload.CopyTo(udp[8..]);
        return f;
    }

    /// <summary>Reads an IPv4/UDP frame: (source IP, destination port, payload), or null.</summary>
    public static (IPAddress SrcIp, ushort DstPort, byte[] Payload)? ReadUdp(byte[] frame)
    {
        if (EtherType(frame) != EtherTypeIpv4 || frame.Length < EthHeader + 28)
            return null;
        var ip = frame.AsSpan(EthHeader);
        int ihl = (ip[0] & 0xf) * 4;
        if (ip[9] != 17 || frame.Length < EthHeader + ihl + 8)
            return null;
        var udp = ip[ihl..];
        int len = BinaryPrimitives.ReadUInt16BigEndian(udp[4..]);
        if (len < 8 || len > udp.Length)
            return null;
        return (new IPAddress(ip.Slice(12, 4)), BinaryPrimitives.ReadUInt16BigEndian(udp[2..]), udp[8..len].ToArray());
    }

    /// <summary>The Internet checksum (RFC 1071).</summary>
    public static ushort Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (int i = 0; i + 1 < data.Length; i += 2)
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if ((data.Length & 1) != 0)
            sum += (uint)data[^1] << 8;
        while (sum > 0xffff)
            sum = (sum & 0xffff) + (sum >> 16);
        return (ushort)~sum;
    }
}
