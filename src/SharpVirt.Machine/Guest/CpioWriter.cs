using System.IO.Compression;
using System.Text;

namespace SharpVirt.Machine.Guest;

/// <summary>
/// Writes a "newc" (070701) cpio archive as the Linux initramfs unpacker reads it: a 110-byte
/// ASCII-hex header, the NUL-terminated name padded to 4 bytes, then the data padded to 4 bytes,
/// closed by a "TRAILER!!!" entry. Missing parent directories are emitted automatically (mode 0755).
/// </summary>
public sealed class CpioWriter : IDisposable
{
    public const string Magic = "070701";
    public const string TrailerName = "TRAILER!!!";
    public const int HeaderSize = 110;

    private const uint TypeDirectory = 0x4000;   // S_IFDIR
    private const uint TypeRegular = 0x8000;     // S_IFREG
    private const uint TypeSymlink = 0xA000;     // S_IFLNK
    private const uint TypeCharDevice = 0x2000;  // S_IFCHR
    private const uint TypeBlockDevice = 0x6000; // S_IFBLK

    private readonly Stream _out;
    private readonly bool _leaveOpen;
    private readonly uint _mtime;
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private uint _nextInode = 1;
    private long _position;
    private bool _finished;

    /// <param name="output">Destination stream (plain cpio).</param>
    /// <param name="leaveOpen">Keep <paramref name="output"/> open on dispose.</param>
    /// <param name="mtime">Timestamp for every entry (fixed for reproducible archives).</param>
    public CpioWriter(Stream output, bool leaveOpen = false, uint mtime = 0)
    {
        _out = output;
        _leaveOpen = leaveOpen;
        _mtime = mtime;
    }

    /// <summary>A writer whose archive is gzip-compressed into <paramref name="output"/> (the kernel unpacks gzip initramfs).</summary>
    public static CpioWriter CreateGzip(Stream output, bool leaveOpen = false, uint mtime = 0) =>
        new(new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen), leaveOpen: false, mtime);

    /// <summary>Number of archive bytes written so far (before compression).</summary>
    public long Length => _position;

    public void AddDirectory(string path, int mode = 0b111_101_101)
    {
        string name = Normalize(path);
        if (_directories.Contains(name))
            return;
        EnsureParents(name);
        WriteEntry(name, TypeDirectory | Permissions(mode), nlink: 2, [], 0, 0);
        _directories.Add(name);
    }

    public void AddFile(string path, ReadOnlySpan<byte> data, int mode = 0b110_100_100)
    {
        string name = Normalize(path);
        EnsureParents(name);
        WriteEntry(name, TypeRegular | Permissions(mode), nlink: 1, data, 0, 0);
    }

    /// <summary>Adds a UTF-8 text file (e.g. a script with mode 0755).</summary>
    public void AddTextFile(string path, string text, int mode = 0b110_100_100) =>
        AddFile(path, Encoding.UTF8.GetBytes(text), mode);

    public void AddSymlink(string path, string target)
    {
        string name = Normalize(path);
        EnsureParents(name);
        WriteEntry(name, TypeSymlink | 0x1FF, nlink: 1, Encoding.UTF8.GetBytes(target), 0, 0);
    }

    public void AddCharDevice(string path, int major, int minor, int mode = 0b110_000_000) =>
        AddDevice(path, TypeCharDevice, major, minor, mode);

    public void AddBlockDevice(string path, int major, int minor, int mode = 0b110_000_000) =>
        AddDevice(path, TypeBlockDevice, major, minor, mode);

    /// <summary>Writes the trailer and pads the archive to a 512-byte block, as cpio(1) does.</summary>
    public void Finish()
    {
        if (_finished)
            return;
        WriteEntry(TrailerName, 0, nlink: 1, [], 0, 0, isTrailer: true);
        Pad(512);
        _out.Flush();
        _finished = true;
    }

    public void Dispose()
    {
        Finish();
        if (!_leaveOpen)
            _out.Dispose();
    }

    private void AddDevice(string path, uint type, int major, int minor, int mode)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(major);
        ArgumentOutOfRangeException.ThrowIfNegative(minor);
        string name = Normalize(path);
        EnsureParents(name);
        WriteEntry(name, type | Permissions(mode), nlink: 1, [], (uint)major, (uint)minor);
    }

    private void EnsureParents(string name)
    {
        int slash = name.LastIndexOf('/');
        if (slash > 0)
            AddDirectory(name[..slash]);
    }

    private void WriteEntry(string name, uint mode, uint nlink, ReadOnlySpan<byte> data, uint rdevMajor, uint rdevMinor, bool isTrailer = false)
    {
        if (_finished)
            throw new InvalidOperationException("the archive is already finished");
        if (!isTrailer && !_names.Add(name))
            throw new InvalidOperationException($"duplicate cpio entry '{name}'");
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        uint inode = isTrailer ? 0 : _nextInode++;
        var header = new StringBuilder(HeaderSize).Append(Magic);
        foreach (uint field in (uint[])[
            inode, mode, 0 /* uid */, 0 /* gid */, isTrailer ? 1 : nlink, isTrailer ? 0 : _mtime,
            (uint)data.Length, 0 /* devmajor */, 0 /* devminor */, rdevMajor, rdevMinor,
            (uint)nameBytes.Length + 1, 0 /* check */])
        {
            header.Append(field.ToString("x8", System.Globalization.CultureInfo.InvariantCulture));
        }
        Write(Encoding.ASCII.GetBytes(header.ToString()));
        Write(nameBytes);
        Write([0]);
        Pad(4);
        Write(data);
        Pad(4);
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        _out.Write(bytes);
        _position += bytes.Length;
    }

    private void Pad(int alignment)
    {
        int pad = (int)((alignment - _position % alignment) % alignment);
        if (pad > 0)
            Write(new byte[pad]);
    }

    private static uint Permissions(int mode) => (uint)mode & 0xFFF;

    // Archive names are relative ("bin/busybox"); "/", "." and ".." components are rejected.
    private static string Normalize(string path)
    {
        string name = path.Trim('/');
        while (name.StartsWith("./", StringComparison.Ordinal))
            name = name[2..];
        if (name.Length == 0 || name.Split('/').Any(p => p is "" or "." or ".."))
            throw new ArgumentException($"invalid cpio path '{path}'", nameof(path));
        return name;
    }
}
