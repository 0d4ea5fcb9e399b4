namespace SharpVirt.Devices.Virtio.Balloon;

/// <summary>One set of guest memory statistics read from the balloon's statsq (virtio 1.2, 5.5.6.3).</summary>
/// <param name="ReceivedAt">When the device read the buffer.</param>
/// <param name="Values">The tag/value pairs as the driver sent them (the last value wins for a repeated tag).</param>
public sealed record BalloonStats(DateTimeOffset ReceivedAt, IReadOnlyDictionary<BalloonStatTag, ulong> Values)
{
    /// <summary>The value of <paramref name="tag"/>, or null when the driver did not send it.</summary>
    public ulong? this[BalloonStatTag tag] => Values.TryGetValue(tag, out ulong v) ? v : null;
}
