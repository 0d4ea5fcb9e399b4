namespace SharpVirt.Machine.Boot;

/// <summary>
/// A kernel, firmware or initrd image cannot be used, or does not fit the guest. The message is a
/// single line meant to be shown to the user as is (no stack trace needed).
/// </summary>
public sealed class BootImageException : Exception
{
    public BootImageException(string message)
        : base(message)
    {
    }

    public BootImageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
