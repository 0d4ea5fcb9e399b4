namespace SharpVirt.Devices.Bus;

/// <summary>
/// A device reached through memory-mapped I/O. Offsets are relative to the
/// base of the region the device is mapped at.
/// </summary>
/// <remarks>
/// <paramref name="size"/> is 1, 2, 4 or 8 bytes. Implementations never throw:
/// an access of a width or at an offset the device does not implement reads
/// as zero and is ignored when written.
/// </remarks>
public interface IMmioDevice
{
    /// <summary>Reads <paramref name="size"/> bytes at <paramref name="offset"/>, zero-extended.</summary>
    ulong Read(ulong offset, int size);

    /// <summary>Writes the low <paramref name="size"/> bytes of <paramref name="value"/> at <paramref name="offset"/>.</summary>
    void Write(ulong offset, int size, ulong value);
}
