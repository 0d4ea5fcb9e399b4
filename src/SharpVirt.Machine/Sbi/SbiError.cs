namespace SharpVirt.Machine.Sbi;

/// <summary>Standard SBI error codes (SBI spec 3.2), returned in a0.</summary>
public static class SbiError
{
    public const long Success = 0, Failed = -1, NotSupported = -2, InvalidParam = -3, Denied = -4;
    public const long InvalidAddress = -5, AlreadyAvailable = -6, AlreadyStarted = -7, AlreadyStopped = -8;
}
