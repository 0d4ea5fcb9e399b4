namespace SharpVirt.Devices.Storage;

/// <summary>
/// A virtual disk: a byte-addressed block of <see cref="Capacity"/> bytes kept in a host file. Offsets and
/// lengths are in bytes and need no alignment. Host I/O errors surface as <see cref="IOException"/>, bad or
/// corrupt image metadata as <see cref="DiskImageException"/>. Implementations are safe to call from
/// several threads.
/// </summary>
public interface IDiskImage : IDisposable
{
    /// <summary>Size of the virtual disk in bytes.</summary>
    ulong Capacity { get; }

    /// <summary>True if the image was opened read-only: writes, discards and write-zeroes throw.</summary>
    bool ReadOnly { get; }

    DiskImageFormat Format { get; }

    /// <summary>Fills <paramref name="buffer"/> from the disk at <paramref name="offset"/>.</summary>
    void ReadAt(ulong offset, Span<byte> buffer);

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/>. Not durable until <see cref="Flush"/>.</summary>
    void WriteAt(ulong offset, ReadOnlySpan<byte> data);

    /// <summary>Makes every completed write durable on the host disk (metadata, then fdatasync).</summary>
    void Flush();

    /// <summary>
    /// Hands metadata that the image caches in memory to the host file (without waiting for the host disk),
    /// so that completed writes survive the death of this process (SIGKILL) as they do on a raw image.
    /// Durability against a host crash still needs <see cref="Flush"/>. Formats without such a cache do nothing.
    /// </summary>
    void WriteBack()
    {
    }

    /// <summary>
    /// Tells the image the range is no longer needed. Advisory: the range reads back as its old data or
    /// zeroes afterwards, never as other data.
    /// </summary>
    void Discard(ulong offset, ulong length);

    /// <summary>
    /// Makes the range read as zeroes. With <paramref name="mayUnmap"/> the image may deallocate it to do so.
    /// </summary>
    void WriteZeroes(ulong offset, ulong length, bool mayUnmap);
}
