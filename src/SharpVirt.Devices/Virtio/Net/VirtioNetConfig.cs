namespace SharpVirt.Devices.Virtio.Net;

/// <summary>
/// The layout of <c>struct virtio_net_config</c> (virtio 1.2, 5.1.4): mac[6], status, max_virtqueue_pairs, mtu,
/// all little-endian.
/// </summary>
public static class VirtioNetConfig
{
    public const int MacOffset = 0;
    public const int StatusOffset = 6;
    public const int MaxVirtqueuePairsOffset = 8;
    public const int MtuOffset = 10;

    /// <summary>The bytes this device exposes; beyond them the config reads as zero.</summary>
    public const int Size = 12;

    /// <summary>VIRTIO_NET_S_LINK_UP in the status field.</summary>
    public const ushort StatusLinkUp = 1;

    /// <summary>VIRTIO_NET_S_ANNOUNCE in the status field (needs CTRL_VQ; never set here).</summary>
    public const ushort StatusAnnounce = 2;

    /// <summary>The standard Ethernet MTU reported in the mtu field.</summary>
    public const ushort DefaultMtu = 1500;
}
