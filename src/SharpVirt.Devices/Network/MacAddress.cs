using System.Globalization;

namespace SharpVirt.Devices.Network;

/// <summary>A 48-bit Ethernet MAC address.</summary>
public readonly record struct MacAddress
{
    private readonly ulong _value; // the six octets, first octet most significant

    public MacAddress(ReadOnlySpan<byte> octets)
    {
        if (octets.Length != 6)
            throw new ArgumentException("a MAC address has 6 octets", nameof(octets));
        ulong v = 0;
        foreach (byte b in octets)
            v = (v << 8) | b;
        _value = v;
    }

    /// <summary>QEMU's default for NIC number <paramref name="index"/>: 52:54:00:12:34:56, then :57 and so on.</summary>
    public static MacAddress Default(int index = 0)
    {
        if (index is < 0 or > 0xff - 0x56)
            throw new ArgumentOutOfRangeException(nameof(index));
        return new MacAddress([0x52, 0x54, 0x00, 0x12, 0x34, (byte)(0x56 + index)]);
    }

    /// <summary>True for a group (multicast or broadcast) address, which a NIC cannot own.</summary>
    public bool IsMulticast => ((_value >> 40) & 1) != 0;

    public void CopyTo(Span<byte> destination)
    {
        for (int i = 0; i < 6; i++)
            destination[i] = (byte)(_value >> (40 - 8 * i));
    }

    public byte[] ToArray()
    {
        var a = new byte[6];
        CopyTo(a);
        return a;
    }

    /// <summary>Parses <c>52:54:00:12:34:56</c> (or with '-' separators).</summary>
    public static MacAddress Parse(string text)
    {
        if (TryParse(text, out var mac))
            return mac;
        throw new FormatException($"'{text}' is not a MAC address (expected six hex octets, e.g. 52:54:00:12:34:56)");
    }

    public static bool TryParse(string? text, out MacAddress mac)
    {
        mac = default;
        if (text == null)
            return false;
        string[] parts = text.Split(text.Contains('-') ? '-' : ':');
        if (parts.Length != 6)
            return false;
        Span<byte> octets = stackalloc byte[6];
        for (int i = 0; i < 6; i++)
        {
            if (parts[i].Length is < 1 or > 2
                || !byte.TryParse(parts[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out octets[i]))
                return false;
        }
        mac = new MacAddress(octets);
        return true;
    }

    public override string ToString()
    {
        Span<byte> o = stackalloc byte[6];
        CopyTo(o);
        return $"{o[0]:x2}:{o[1]:x2}:{o[2]:x2}:{o[3]:x2}:{o[4]:x2}:{o[5]:x2}";
    }
}
