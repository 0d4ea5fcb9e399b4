using SharpVirt.Devices.Network;
using SharpVirt.Tests.Network;

namespace SharpVirt.Tests.Virtio;

/// <summary>An in-memory <see cref="INetBackend"/>: keeps what the device sends, injects what it receives.</summary>
internal sealed class NetTestBackend : INetBackend
{
    private NetFrameHandler? _handler;

    public FrameCollector Sent { get; } = new();

    /// <summary>When false, <see cref="Send"/> refuses frames (a host queue that is full).</summary>
    public bool Accepting { get; set; } = true;

    public bool Disposed { get; private set; }

    public string Description => "test";

    public void Start(NetFrameHandler onFrame) => _handler = onFrame;

    public bool Send(ReadOnlySpan<byte> frame)
    {
        if (!Accepting || Disposed)
            return false;
        Sent.Receive(frame);
        return true;
    }

    /// <summary>Delivers a frame to the device, as a backend's receive thread does.</summary>
    public void Inject(byte[] frame) => _handler!(frame);

    public void Dispose() => Disposed = true;
}
