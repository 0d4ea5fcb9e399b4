namespace SharpVirt.Devices.Network;

/// <summary>
/// Receives one Ethernet frame (destination MAC first, no FCS) from an <see cref="INetBackend"/>.
/// The span is only valid during the call: copy it to keep it.
/// </summary>
public delegate void NetFrameHandler(ReadOnlySpan<byte> frame);
