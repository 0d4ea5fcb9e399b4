namespace SharpVirt.Devices.Virtio;

/// <summary>
/// What the device side of a split virtqueue remembers between requests (virtio 1.2, 2.7): the next available
/// ring entry it will pop, the used idx it publishes next, the used idx it last notified the driver about, and
/// whether it found the ring corrupt.
/// </summary>
public readonly record struct VirtQueueIndices(ushort LastAvail, ushort NextUsed, ushort SignalledUsed, bool Broken);
