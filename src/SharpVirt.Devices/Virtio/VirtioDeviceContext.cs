using SharpVirt.Memory;

namespace SharpVirt.Devices.Virtio;

/// <summary>
/// What an activated device sees of the transport (virtio 1.2, 3.1.1 step 8): guest memory, the negotiated
/// features, the virtqueues, and the notifications it may send. Created by the transport at DRIVER_OK and
/// invalidated at reset; after that every method is a no-op.
/// </summary>
/// <remarks>All members are thread-safe and non-blocking; they are meant for the device's I/O thread.</remarks>
public sealed class VirtioDeviceContext
{
    private readonly IVirtioTransport _transport;
    private volatile bool _valid = true;
    private volatile bool _broken;

    internal VirtioDeviceContext(IVirtioTransport transport, GuestMemory memory, ulong negotiatedFeatures, VirtQueue[] queues)
    {
        _transport = transport;
        Memory = memory;
        NegotiatedFeatures = negotiatedFeatures;
        Queues = queues;
    }

    /// <summary>Guest RAM; use only its checked accessors.</summary>
    public GuestMemory Memory { get; }

    /// <summary>The features the driver accepted (device-specific and transport bits).</summary>
    public ulong NegotiatedFeatures { get; }

    /// <summary>The device's queues, indexed like the transport's QueueSel.</summary>
    public IReadOnlyList<VirtQueue> Queues { get; }

    /// <summary>False once the device has been reset.</summary>
    public bool IsValid => _valid;

    /// <summary>True once <see cref="SetNeedsReset"/> was called: the device should stop processing queues.</summary>
    public bool NeedsReset => _broken;

    /// <summary>True when the driver accepted every bit of <paramref name="mask"/>.</summary>
    public bool HasFeature(ulong mask) => (NegotiatedFeatures & mask) == mask;

    /// <summary>
    /// Sends a used buffer notification for <paramref name="queue"/> after <see cref="VirtQueue.AddUsed(ushort, uint)"/>,
    /// unless the driver suppressed it (used_event with EVENT_IDX, else VIRTQ_AVAIL_F_NO_INTERRUPT; 2.7.10).
    /// </summary>
    public void SignalUsed(int queue)
    {
        if (!_valid || (uint)queue >= (uint)Queues.Count)
        {
            return;
        }
        if (Queues[queue].NeedsInterrupt())
        {
            _transport.RaiseUsedBuffer();
        }
    }

    /// <summary>Sends a configuration change notification (2.5) after the device changed its config space.</summary>
    public void SignalConfigChange()
    {
        if (_valid)
        {
            _transport.RaiseConfigChange();
        }
    }

    /// <summary>
    /// Sets DEVICE_NEEDS_RESET and notifies the driver with a configuration change (2.1.2), e.g. after a
    /// <see cref="VirtQueueException"/>. The transport ignores further notifications until the driver resets.
    /// </summary>
    public void SetNeedsReset()
    {
        _broken = true;
        if (_valid)
        {
            _transport.MarkNeedsReset();
        }
    }

    /// <summary>
    /// Pops the next chain of queue <paramref name="queue"/> like <see cref="VirtQueue.TryPop"/>, but treats a
    /// malformed chain or ring as fatal (2.1.2): it calls <see cref="SetNeedsReset"/> and returns false, as it does
    /// for every call after that, until the driver resets the device.
    /// </summary>
    public bool TryPop(int queue, out DescriptorChain chain)
    {
        chain = null!;
        if (!_valid || _broken || (uint)queue >= (uint)Queues.Count)
        {
            return false;
        }
        try
        {
            return Queues[queue].TryPop(out chain);
        }
        catch (VirtQueueException)
        {
            SetNeedsReset();
            return false;
        }
    }

    internal void Invalidate() => _valid = false;
}
