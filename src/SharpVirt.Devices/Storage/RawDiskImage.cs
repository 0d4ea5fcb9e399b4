namespace SharpVirt.Devices.Storage;

/// <summary>
/// A raw image: the file is the disk, byte for byte. Discard and write-zeroes punch holes in the host file
/// where the file system supports it.
/// </summary>
public sealed class RawDiskImage : IDiskImage
{
    private static readonly byte[] ZeroChunk = new byte[1 << 20];
    private readonly HostFile _file;

    private RawDiskImage(HostFile file)
    {
        _file = file;
        Capacity = _file.Length;
    }

    public ulong Capacity { get; }

    public bool ReadOnly => !_file.Writable;

    public DiskImageFormat Format => DiskImageFormat.Raw;

    public string Path => _file.Path;

    public static RawDiskImage Open(string path, bool readOnly) => new(HostFile.Open(path, !readOnly));

    public void ReadAt(ulong offset, Span<byte> buffer)
    {
        DiskImage.CheckRange(this, offset, (ulong)buffer.Length);
        _file.ReadOrZero(offset, buffer);
    }

    public void WriteAt(ulong offset, ReadOnlySpan<byte> data)
    {
        DiskImage.CheckWritable(this, offset, (ulong)data.Length);
        _file.Write(offset, data);
    }

    public void Flush() => _file.Sync();

    public void Discard(ulong offset, ulong length)
    {
        DiskImage.CheckWritable(this, offset, length);
        _file.PunchHole(offset, length);
    }

    public void WriteZeroes(ulong offset, ulong length, bool mayUnmap)
    {
        DiskImage.CheckWritable(this, offset, length);
        if (mayUnmap && _file.PunchHole(offset, length))
        {
            return;
        }

        if (_file.ZeroRange(offset, length))
        {
            return;
        }

        while (length > 0)
        {
            int n = (int)Math.Min(length, (ulong)ZeroChunk.Length);
            _file.Write(offset, ZeroChunk.AsSpan(0, n));
            offset += (ulong)n;
            length -= (ulong)n;
        }
    }

    public void Dispose() => _file.Dispose();
}
