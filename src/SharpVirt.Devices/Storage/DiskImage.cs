namespace SharpVirt.Devices.Storage;

/// <summary>Opens disk images by format, and the argument checks the formats share.</summary>
public static class DiskImage
{
    /// <summary>
    /// Opens <paramref name="path"/> as <paramref name="format"/>; <see cref="DiskImageFormat.Auto"/> probes
    /// for the qcow2 magic. Throws <see cref="DiskImageException"/> with a one-line reason if it can't.
    /// </summary>
    public static IDiskImage Open(string path, DiskImageFormat format = DiskImageFormat.Auto, bool readOnly = false)
    {
        if (format == DiskImageFormat.Auto)
        {
            format = Probe(path);
        }

        return format switch
        {
            DiskImageFormat.Raw => RawDiskImage.Open(path, readOnly),
            DiskImageFormat.Qcow2 => Qcow2DiskImage.Open(path, readOnly),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
    }

    /// <summary>The format of an existing image file: qcow2 if it starts with the qcow2 magic, else raw.</summary>
    public static DiskImageFormat Probe(string path)
    {
        using var f = HostFile.Open(path, writable: false);
        Span<byte> magic = stackalloc byte[4];
        return f.Read(0, magic) == 4 && Qcow2Header.HasMagic(magic) ? DiskImageFormat.Qcow2 : DiskImageFormat.Raw;
    }

    internal static void CheckRange(IDiskImage image, ulong offset, ulong length)
    {
        if (offset > image.Capacity || length > image.Capacity - offset)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"range 0x{offset:x}+0x{length:x} is beyond the disk's 0x{image.Capacity:x} bytes");
        }
    }

    internal static void CheckWritable(IDiskImage image, ulong offset, ulong length)
    {
        if (image.ReadOnly)
        {
            throw new InvalidOperationException("the disk image is read-only");
        }

        CheckRange(image, offset, length);
    }
}
