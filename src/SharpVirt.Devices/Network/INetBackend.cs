namespace SharpVirt.Devices.Network;

/// <summary>
/// The host side of a network card: carries whole Ethernet frames between the device model and the
/// outside (a TAP interface, a socket to another VMM).
/// </summary>
/// <remarks>
/// Received frames are delivered on the backend's own thread, one at a time, to the handler given to
/// <see cref="Start"/>. <see cref="Send"/> may be called from any one thread at a time (the device's
/// I/O thread); it does not wait for a peer that is not there.
/// </remarks>
public interface INetBackend : IDisposable
{
    /// <summary>Largest frame a backend carries; larger ones are dropped.</summary>
    public const int MaxFrameSize = 65536;

    /// <summary>What the backend is connected to, for messages (e.g. <c>tap ifname=tap0</c>).</summary>
    string Description { get; }

    /// <summary>Starts receiving; frames arriving before this are not kept. Call once.</summary>
    void Start(NetFrameHandler onFrame);

    /// <summary>Sends one frame. Returns false when it was dropped (no peer, host queue full, error).</summary>
    bool Send(ReadOnlySpan<byte> frame);
}
