namespace SharpVirt.Devices.Virtio.Block;

/// <summary>virtio-blk feature bits (virtio 1.2, 5.2.3), as masks.</summary>
public static class VirtioBlockFeatures
{
    /// <summary>VIRTIO_BLK_F_SIZE_MAX (1): the largest segment is in size_max.</summary>
    public const ulong SizeMax = 1UL << 1;

    /// <summary>VIRTIO_BLK_F_SEG_MAX (2): the most segments in a request is in seg_max.</summary>
    public const ulong SegMax = 1UL << 2;

    /// <summary>VIRTIO_BLK_F_GEOMETRY (4). Not offered.</summary>
    public const ulong Geometry = 1UL << 4;

    /// <summary>VIRTIO_BLK_F_RO (5): the device is read-only.</summary>
    public const ulong ReadOnly = 1UL << 5;

    /// <summary>VIRTIO_BLK_F_BLK_SIZE (6): the block size is in blk_size.</summary>
    public const ulong BlkSize = 1UL << 6;

    /// <summary>VIRTIO_BLK_F_FLUSH (9): VIRTIO_BLK_T_FLUSH is supported (a write-back cache).</summary>
    public const ulong Flush = 1UL << 9;

    /// <summary>VIRTIO_BLK_F_TOPOLOGY (10). Not offered.</summary>
    public const ulong Topology = 1UL << 10;

    /// <summary>VIRTIO_BLK_F_CONFIG_WCE (11). Not offered.</summary>
    public const ulong ConfigWce = 1UL << 11;

    /// <summary>VIRTIO_BLK_F_MQ (12). Not offered: one request queue.</summary>
    public const ulong Mq = 1UL << 12;

    /// <summary>VIRTIO_BLK_F_DISCARD (13): VIRTIO_BLK_T_DISCARD, limits in max_discard_sectors/seg.</summary>
    public const ulong Discard = 1UL << 13;

    /// <summary>VIRTIO_BLK_F_WRITE_ZEROES (14): VIRTIO_BLK_T_WRITE_ZEROES, limits in max_write_zeroes_sectors/seg.</summary>
    public const ulong WriteZeroes = 1UL << 14;
}
