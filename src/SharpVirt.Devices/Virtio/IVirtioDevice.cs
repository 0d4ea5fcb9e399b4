using SharpVirt.Memory.Snapshot;

namespace SharpVirt.Devices.Virtio;

/// <summary>
/// A virtio device behind a transport (virtio 1.2, 2 "Basic Facilities of a Virtio Device"). The transport
/// (<see cref="VirtioMmioTransport"/>) owns the status, feature negotiation, the queue registers and the
/// interrupt line; the device owns its configuration space and does the I/O.
/// </summary>
/// <remarks>
/// Threading: <see cref="ReadConfig"/>, <see cref="WriteConfig"/>, <see cref="Activate"/>, <see cref="Notify"/>
/// and <see cref="Reset"/> are called on vCPU threads, serialized by the transport. None of them may block on
/// guest I/O: <see cref="Notify"/> hands work to the device's own I/O thread (see <see cref="VirtioWorker"/>).
/// </remarks>
public interface IVirtioDevice : IDisposable
{
    /// <summary>The device ID reported to the driver.</summary>
    VirtioDeviceType Type { get; }

    /// <summary>
    /// The device-specific feature bits offered (bits 0 to 23 and any others the device handles itself).
    /// The transport adds <see cref="VirtioFeatures.Transport"/> (VERSION_1, EVENT_IDX, INDIRECT_DESC).
    /// </summary>
    ulong DeviceFeatures { get; }

    /// <summary>The number of virtqueues (the transport exposes queue indices 0 to QueueCount - 1).</summary>
    int QueueCount { get; }

    /// <summary>The largest queue size the device accepts (QueueNumMax); a power of two, at most 32768.</summary>
    ushort MaxQueueSize { get; }

    /// <summary>
    /// Reads <paramref name="size"/> (1, 2 or 4) bytes of the device configuration space (little-endian) at
    /// <paramref name="offset"/>. Offsets beyond the configuration read as zero. Must not throw.
    /// </summary>
    uint ReadConfig(int offset, int size);

    /// <summary>
    /// Writes the low <paramref name="size"/> (1, 2 or 4) bytes of <paramref name="value"/> to the configuration
    /// space. Read-only fields and offsets beyond the configuration ignore writes. Must not throw.
    /// </summary>
    void WriteConfig(int offset, int size, uint value);

    /// <summary>
    /// Starts the device once the driver has set DRIVER_OK (3.1.1). <paramref name="context"/> stays valid until
    /// <see cref="Reset"/>. Queues the driver did not enable have <see cref="VirtQueue.IsReady"/> false.
    /// </summary>
    void Activate(VirtioDeviceContext context);

    /// <summary>
    /// The driver notified (kicked) queue <paramref name="queue"/>. Called on a vCPU thread: must not block.
    /// </summary>
    void Notify(int queue);

    /// <summary>
    /// Device reset (2.4): stop all work, wait for the I/O thread to be idle, and drop every reference to the
    /// context and queues. Returns to the state before <see cref="Activate"/>; also called when never activated.
    /// </summary>
    void Reset();

    /// <summary>
    /// Snapshot: lets the I/O thread finish the request in hand and keeps it from starting another until
    /// <see cref="Unquiesce"/> (host-side events stay pending), so the queues and the device agree when saved.
    /// </summary>
    void Quiesce()
    {
    }

    /// <summary>Undoes <see cref="Quiesce"/>.</summary>
    void Unquiesce()
    {
    }

    /// <summary>
    /// Snapshot, on a quiesced device: writes what the device keeps besides the transport's registers and queue
    /// indices (e.g. buffered input, a chain it holds). Stateless devices write nothing.
    /// </summary>
    void SaveState(SnapshotWriter writer)
    {
    }

    /// <summary>
    /// Snapshot restore, on a quiesced device after the transport has restored its registers (and activated
    /// the device if the driver had): reads what <see cref="SaveState"/> wrote.
    /// </summary>
    void RestoreState(SnapshotReader reader)
    {
    }
}
