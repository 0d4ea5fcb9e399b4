using System.Buffers.Binary;

namespace SharpVirt.Devices.Virtio.Block;

/// <summary>
/// The device configuration layout, <c>struct virtio_blk_config</c> (virtio 1.2, 5.2.4), little-endian. The
/// fields this device fills are fixed at creation, so the space is a read-only byte image.
/// </summary>
public sealed class VirtioBlockConfig
{
    // Field offsets (5.2.4).
    public const int Capacity = 0;                  // le64, in 512-byte sectors
    public const int SizeMax = 8;                   // le32
    public const int SegMax = 12;                   // le32
    public const int Geometry = 16;                 // le16 cylinders, u8 heads, u8 sectors
    public const int BlkSize = 20;                  // le32
    public const int Topology = 24;                 // u8, u8, le16, le32
    public const int Writeback = 32;                // u8
    public const int NumQueues = 34;                // le16
    public const int MaxDiscardSectors = 36;        // le32
    public const int MaxDiscardSeg = 40;            // le32
    public const int DiscardSectorAlignment = 44;   // le32
    public const int MaxWriteZeroesSectors = 48;    // le32
    public const int MaxWriteZeroesSeg = 52;        // le32
    public const int WriteZeroesMayUnmap = 56;      // u8

    /// <summary>Bytes up to and including the write-zeroes fields (secure erase and zoned are not offered).</summary>
    public const int Length = 60;

    private readonly byte[] _bytes = new byte[Length];

    public ulong CapacitySectors
    {
        get => BinaryPrimitives.ReadUInt64LittleEndian(_bytes.AsSpan(Capacity));
        init => BinaryPrimitives.WriteUInt64LittleEndian(_bytes.AsSpan(Capacity), value);
    }

    public uint SizeMaxBytes { get => Get32(SizeMax); init => Set32(SizeMax, value); }

    public uint SegMaxCount { get => Get32(SegMax); init => Set32(SegMax, value); }

    public uint BlkSizeBytes { get => Get32(BlkSize); init => Set32(BlkSize, value); }

    public ushort NumQueuesCount
    {
        get => BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan(NumQueues));
        init => BinaryPrimitives.WriteUInt16LittleEndian(_bytes.AsSpan(NumQueues), value);
    }

    public uint MaxDiscardSectorsCount { get => Get32(MaxDiscardSectors); init => Set32(MaxDiscardSectors, value); }

    public uint MaxDiscardSegCount { get => Get32(MaxDiscardSeg); init => Set32(MaxDiscardSeg, value); }

    public uint DiscardSectorAlignmentSectors { get => Get32(DiscardSectorAlignment); init => Set32(DiscardSectorAlignment, value); }

    public uint MaxWriteZeroesSectorsCount { get => Get32(MaxWriteZeroesSectors); init => Set32(MaxWriteZeroesSectors, value); }

    public uint MaxWriteZeroesSegCount { get => Get32(MaxWriteZeroesSeg); init => Set32(MaxWriteZeroesSeg, value); }

    public bool WriteZeroesMayUnmapFlag
    {
        get => _bytes[WriteZeroesMayUnmap] != 0;
        init => _bytes[WriteZeroesMayUnmap] = value ? (byte)1 : (byte)0;
    }

    /// <summary>Reads 1, 2 or 4 bytes (little-endian); outside the layout reads as zero.</summary>
    public uint Read(int offset, int size) => VirtioConfigSpace.Read(_bytes, offset, size);

    private uint Get32(int offset) => BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan(offset));

    private void Set32(int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(_bytes.AsSpan(offset), value);
}
