namespace SharpVirt.Devices.Virtio.Block;

/// <summary>
/// Wire constants of virtio-blk requests (virtio 1.2, 5.2.6): <c>struct virtio_blk_req</c> is a 16-byte
/// device-readable header (le32 type, le32 reserved, le64 sector), the data, and a 1-byte device-writable status.
/// </summary>
public static class VirtioBlockRequest
{
    /// <summary>Size of the request header.</summary>
    public const int HeaderSize = 16;

    /// <summary>Sector size the protocol counts in, whatever blk_size says (5.2.6).</summary>
    public const int SectorSize = 512;

    /// <summary>Size of <c>struct virtio_blk_discard_write_zeroes</c> (5.2.6).</summary>
    public const int DiscardSegmentSize = 16;

    /// <summary>Length of the GET_ID reply: a serial number, NUL-padded, not terminated when 20 long (5.2.6).</summary>
    public const int IdLength = 20;

    // Request types (5.2.6).
    public const uint TypeIn = 0;
    public const uint TypeOut = 1;
    public const uint TypeFlush = 4;
    public const uint TypeGetId = 8;
    public const uint TypeGetLifetime = 10;
    public const uint TypeDiscard = 11;
    public const uint TypeWriteZeroes = 13;
    public const uint TypeSecureErase = 14;

    // Status values (5.2.6).
    public const byte StatusOk = 0;
    public const byte StatusIoErr = 1;
    public const byte StatusUnsupp = 2;

    /// <summary>VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP, bit 0 of a discard/write-zeroes segment's flags.</summary>
    public const uint FlagUnmap = 1;
}
