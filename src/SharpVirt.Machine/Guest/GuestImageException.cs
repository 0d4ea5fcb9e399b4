namespace SharpVirt.Machine.Guest;

/// <summary>Fetching or building the default guest failed; the message is one line meant for the user.</summary>
public sealed class GuestImageException : Exception
{
    public GuestImageException(string message) : base(message) { }

    public GuestImageException(string message, Exception inner) : base(message, inner) { }
}
