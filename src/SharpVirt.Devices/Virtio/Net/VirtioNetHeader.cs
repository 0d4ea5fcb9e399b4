using System.Buffers.Binary;

namespace SharpVirt.Devices.Virtio.Net;

/// <summary>
/// <c>struct virtio_net_hdr</c> (virtio 1.2, 5.1.6): flags, gso_type, hdr_len, gso_size, csum_start,
/// csum_offset and num_buffers, little-endian. It precedes every packet on both queues. With VERSION_1 (always,
/// on this transport) it is 12 bytes whether or not MRG_RXBUF was negotiated; legacy devices without
/// MRG_RXBUF omit num_buffers (10 bytes).
/// </summary>
public readonly record struct VirtioNetHeader(byte Flags, byte GsoType, ushort HdrLen, ushort GsoSize, ushort CsumStart, ushort CsumOffset, ushort NumBuffers)
{
    /// <summary>The header size with VERSION_1 or MRG_RXBUF.</summary>
    public const int Size = 12;

    /// <summary>The legacy header size without MRG_RXBUF.</summary>
    public const int LegacySize = 10;

    /// <summary>VIRTIO_NET_HDR_F_NEEDS_CSUM.</summary>
    public const byte FlagNeedsCsum = 1;

    /// <summary>VIRTIO_NET_HDR_F_DATA_VALID.</summary>
    public const byte FlagDataValid = 2;

    /// <summary>VIRTIO_NET_HDR_GSO_NONE.</summary>
    public const byte GsoNone = 0;

    /// <summary>Offset of num_buffers.</summary>
    public const int NumBuffersOffset = 10;

    /// <summary>The header the device puts before a received packet spread over <paramref name="numBuffers"/> buffers.</summary>
    public static VirtioNetHeader ForReceive(ushort numBuffers) => new(0, GsoNone, 0, 0, 0, 0, numBuffers);

    public static VirtioNetHeader Read(ReadOnlySpan<byte> source) => new(
        source[0],
        source[1],
        BinaryPrimitives.ReadUInt16LittleEndian(source[2..]),
        BinaryPrimitives.ReadUInt16LittleEndian(source[4..]),
        BinaryPrimitives.ReadUInt16LittleEndian(source[6..]),
        BinaryPrimitives.ReadUInt16LittleEndian(source[8..]),
        source.Length >= Size ? BinaryPrimitives.ReadUInt16LittleEndian(source[NumBuffersOffset..]) : (ushort)0);

    /// <summary>Writes the first <paramref name="destination"/>.Length bytes (10 or 12) of the header.</summary>
    public void Write(Span<byte> destination)
    {
        destination[0] = Flags;
        destination[1] = GsoType;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], HdrLen);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], GsoSize);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], CsumStart);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[8..], CsumOffset);
        if (destination.Length >= Size)
            BinaryPrimitives.WriteUInt16LittleEndian(destination[NumBuffersOffset..], NumBuffers);
    }
}
