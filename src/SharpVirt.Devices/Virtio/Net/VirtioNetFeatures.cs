namespace SharpVirt.Devices.Virtio.Net;

/// <summary>Network device feature bits (virtio 1.2, 5.1.3), as masks.</summary>
public static class VirtioNetFeatures
{
    /// <summary>VIRTIO_NET_F_CSUM (0): the device handles packets with partial checksum. Not offered.</summary>
    public const ulong Csum = 1UL << 0;

    /// <summary>VIRTIO_NET_F_GUEST_CSUM (1): the driver handles packets with partial checksum. Not offered.</summary>
    public const ulong GuestCsum = 1UL << 1;

    /// <summary>VIRTIO_NET_F_MTU (3): the config's mtu field is valid. Not offered.</summary>
    public const ulong Mtu = 1UL << 3;

    /// <summary>VIRTIO_NET_F_MAC (5): the device has the MAC address in its config.</summary>
    public const ulong Mac = 1UL << 5;

    /// <summary>VIRTIO_NET_F_MRG_RXBUF (15): the driver can merge receive buffers (num_buffers).</summary>
    public const ulong MrgRxBuf = 1UL << 15;

    /// <summary>VIRTIO_NET_F_STATUS (16): the config's status field is valid.</summary>
    public const ulong Status = 1UL << 16;

    /// <summary>VIRTIO_NET_F_CTRL_VQ (17): a control virtqueue. Not offered.</summary>
    public const ulong CtrlVq = 1UL << 17;

    /// <summary>VIRTIO_NET_F_MQ (22): several queue pairs. Not offered.</summary>
    public const ulong Mq = 1UL << 22;
}
