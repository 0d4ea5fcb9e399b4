namespace SharpVirt.Devices.Virtio;

/// <summary>
/// One guest buffer element of a descriptor chain (virtio 1.2, 2.7.5): a guest-physical range that has been
/// checked to lie inside one RAM slot when the chain was popped.
/// </summary>
public readonly record struct BufferSegment(ulong Address, uint Length);
