using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SharpVirt.Devices.Storage;

/// <summary>
/// An image file on the host, read and written with positioned I/O (pread/pwrite), synced with fdatasync,
/// and trimmed with fallocate. A writable file is locked exclusively (flock), a read-only one shared, so two
/// VMMs cannot write one image at once.
/// </summary>
internal sealed partial class HostFile : IDisposable
{
    private const int FallocFlKeepSize = 0x01;
    private const int FallocFlPunchHole = 0x02;
    private const int FallocFlZeroRange = 0x10;
    private const int SeekEnd = 2;

    private readonly SafeFileHandle _handle;
    private bool _punchHoleUnsupported;

    private HostFile(SafeFileHandle handle, string path, bool writable)
    {
        _handle = handle;
        Path = path;
        Writable = writable;
        Length = (ulong)RandomAccess.GetLength(_handle);
        if (Length == 0 && OperatingSystem.IsLinux())
        {
            // A block device reports st_size 0; its size is where SEEK_END lands.
            long end = lseek(_handle, 0, SeekEnd);
            if (end > 0)
            {
                Length = (ulong)end;
            }
        }
    }

    public string Path { get; }

    public bool Writable { get; }

    /// <summary>Current length of the file, kept up to date by <see cref="Write"/>.</summary>
    public ulong Length { get; private set; }

    public static HostFile Open(string path, bool writable)
    {
        try
        {
            var h = File.OpenHandle(path, FileMode.Open, writable ? FileAccess.ReadWrite : FileAccess.Read,
                writable ? FileShare.None : FileShare.Read);
            return new HostFile(h, path, writable);
        }
        catch (FileNotFoundException)
        {
            throw new DiskImageException($"{path}: no such file");
        }
        catch (DirectoryNotFoundException)
        {
            throw new DiskImageException($"{path}: no such file");
        }
        catch (UnauthorizedAccessException)
        {
            throw new DiskImageException($"{path}: permission denied{(writable ? " (use readonly=on for a read-only disk)" : "")}");
        }
        catch (IOException e) when (e.HResult == 11 || e.Message.Contains("another process", StringComparison.Ordinal))
        {
            // flock refused (EWOULDBLOCK): another process has the image open.
            throw new DiskImageException($"{path}: image is in use by another process (locked)");
        }
    }

    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes; returns how many were read before end of file.</summary>
    public int Read(ulong offset, Span<byte> buffer)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int n = RandomAccess.Read(_handle, buffer[done..], (long)offset + done);
            if (n == 0)
            {
                break;
            }

            done += n;
        }
        return done;
    }

    /// <summary>Reads <paramref name="buffer"/>; the part past end of file reads as zeroes.</summary>
    public void ReadOrZero(ulong offset, Span<byte> buffer)
    {
        int n = Read(offset, buffer);
        buffer[n..].Clear();
    }

    public void Write(ulong offset, ReadOnlySpan<byte> data)
    {
        RandomAccess.Write(_handle, data, (long)offset);
        ulong end = offset + (ulong)data.Length;
        if (end > Length)
        {
            Length = end;
        }
    }

    /// <summary>fdatasync: completed writes reach stable storage.</summary>
    public void Sync()
    {
        if (OperatingSystem.IsLinux())
        {
            if (fdatasync(_handle) != 0)
            {
                throw new IOException($"{Path}: fdatasync failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        else
        {
            RandomAccess.FlushToDisk(_handle);
        }
    }

    /// <summary>Deallocates a range of the host file, which then reads as zeroes. Returns false if the host can't.</summary>
    public bool PunchHole(ulong offset, ulong length)
    {
        if (_punchHoleUnsupported || !OperatingSystem.IsLinux() || length == 0)
        {
            return false;
        }

        if (fallocate(_handle, FallocFlPunchHole | FallocFlKeepSize, (long)offset, (long)length) == 0)
        {
            return true;
        }

        _punchHoleUnsupported = true;
        return false;
    }

    /// <summary>Zeroes a range of the host file without writing data, if the host file system can.</summary>
    public bool ZeroRange(ulong offset, ulong length)
    {
        if (!OperatingSystem.IsLinux() || length == 0)
        {
            return false;
        }

        return fallocate(_handle, FallocFlZeroRange | FallocFlKeepSize, (long)offset, (long)length) == 0;
    }

    public void Dispose() => _handle.Dispose();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fdatasync(SafeFileHandle fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fallocate(SafeFileHandle fd, int mode, long offset, long length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial long lseek(SafeFileHandle fd, long offset, int whence);
}
