namespace SharpVirt.Devices.Virtio;

/// <summary>
/// Device-independent feature bits (virtio 1.2, 6 "Reserved Feature Bits"), as masks.
/// Device-specific bits (0 to 23) are defined by each device.
/// </summary>
public static class VirtioFeatures
{
    /// <summary>VIRTIO_F_INDIRECT_DESC (28): descriptors with VIRTQ_DESC_F_INDIRECT (2.7.5.3).</summary>
    public const ulong RingIndirectDesc = 1UL << 28;

    /// <summary>VIRTIO_F_EVENT_IDX (29): used_event / avail_event notification suppression (2.7.7, 2.7.10).</summary>
    public const ulong RingEventIdx = 1UL << 29;

    /// <summary>VIRTIO_F_VERSION_1 (32): compliance with virtio 1.x; required by this transport.</summary>
    public const ulong Version1 = 1UL << 32;

    /// <summary>VIRTIO_F_ACCESS_PLATFORM (33): device access goes through a platform IOMMU. Not offered.</summary>
    public const ulong AccessPlatform = 1UL << 33;

    /// <summary>VIRTIO_F_RING_PACKED (34): packed virtqueue layout. Not offered.</summary>
    public const ulong RingPacked = 1UL << 34;

    /// <summary>VIRTIO_F_IN_ORDER (35): buffers are used in the order made available. Not offered.</summary>
    public const ulong InOrder = 1UL << 35;

    /// <summary>VIRTIO_F_ORDER_PLATFORM (36). Not offered.</summary>
    public const ulong OrderPlatform = 1UL << 36;

    /// <summary>VIRTIO_F_SR_IOV (37). Not offered.</summary>
    public const ulong SrIov = 1UL << 37;

    /// <summary>VIRTIO_F_NOTIFICATION_DATA (38). Not offered.</summary>
    public const ulong NotificationData = 1UL << 38;

    /// <summary>VIRTIO_F_RING_RESET (40): per-queue reset. Not offered.</summary>
    public const ulong RingReset = 1UL << 40;

    /// <summary>Bits 0 to 23 belong to the device type (6).</summary>
    public const ulong DeviceSpecificMask = (1UL << 24) - 1;

    /// <summary>The bits <see cref="VirtioMmioTransport"/> offers on behalf of every device.</summary>
    public const ulong Transport = Version1 | RingEventIdx | RingIndirectDesc;

    /// <summary>True when <paramref name="features"/> has every bit of <paramref name="mask"/>.</summary>
    public static bool Has(ulong features, ulong mask) => (features & mask) == mask;
}
