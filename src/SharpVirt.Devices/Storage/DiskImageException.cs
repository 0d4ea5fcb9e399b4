namespace SharpVirt.Devices.Storage;

/// <summary>
/// A disk image that cannot be opened or used: a bad or unsupported format, corrupt metadata, a truncated
/// file. The message is one line and names the file, e.g. "disk.qcow2: qcow2 L1 table lies outside the file".
/// </summary>
public sealed class DiskImageException : Exception
{
    public DiskImageException(string message)
        : base(message)
    {
    }

    public DiskImageException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
