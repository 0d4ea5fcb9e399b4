namespace SharpVirt.Devices.Virtio;

/// <summary>
/// The driver put a malformed descriptor chain or ring state in a virtqueue (virtio 1.2, 2.7). The device either
/// calls <see cref="VirtioDeviceContext.SetNeedsReset"/> or, when <see cref="Head"/> is known, fails just that
/// request by returning the head with <see cref="VirtQueue.AddUsed(ushort, uint)"/>.
/// </summary>
public sealed class VirtQueueException : Exception
{
    public VirtQueueException(string message)
        : base(message)
    {
    }

    public VirtQueueException(string message, ushort head)
        : base(message)
    {
        Head = head;
    }

    /// <summary>
    /// The head descriptor index of the rejected chain, already consumed from the available ring, or null when
    /// the ring itself is broken (the queue then stops returning buffers until reset).
    /// </summary>
    public ushort? Head { get; }
}
