namespace SharpVirt.Devices.Virtio;

/// <summary>
/// Byte-wise access to a little-endian device configuration space (virtio 1.2, 2.5), for
/// <see cref="IVirtioDevice.ReadConfig"/> and <see cref="IVirtioDevice.WriteConfig"/>: accesses of any
/// width and alignment, with bytes beyond the space reading as zero and ignored when written.
/// </summary>
public static class VirtioConfigSpace
{
    /// <summary>Reads <paramref name="size"/> bytes at <paramref name="offset"/>, zero-extended.</summary>
    public static uint Read(ReadOnlySpan<byte> config, int offset, int size)
    {
        uint v = 0;
        for (int i = 0; i < size && i < 4; i++)
        {
            long at = (long)offset + i;
            if (at >= 0 && at < config.Length)
            {
                v |= (uint)config[(int)at] << (8 * i);
            }
        }
        return v;
    }

    /// <summary>Writes the low <paramref name="size"/> bytes of <paramref name="value"/> at <paramref name="offset"/>.</summary>
    public static void Write(Span<byte> config, int offset, int size, uint value)
    {
        for (int i = 0; i < size && i < 4; i++)
        {
            long at = (long)offset + i;
            if (at >= 0 && at < config.Length)
            {
                config[(int)at] = (byte)(value >> (8 * i));
            }
        }
    }

    /// <summary>True when the access [offset, offset+size) overlaps the field [field, field+fieldSize).</summary>
    public static bool Overlaps(int offset, int size, int field, int fieldSize) =>
        (long)offset < field + fieldSize && field < (long)offset + size;
}
