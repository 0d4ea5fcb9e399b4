namespace SharpVirt.Machine.Guest;

/// <summary>
/// Progress of preparing the default guest. <paramref name="Fraction"/> is the progress of the
/// current stage (0..1) or null when unknown; byte counts are set for downloads.
/// </summary>
public sealed record GuestFetchProgress(string Stage, double? Fraction = null, long BytesDone = 0, long BytesTotal = 0);
