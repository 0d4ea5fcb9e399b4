namespace SharpVirt.Machine.Snapshot;

/// <summary>What a snapshot wrote: the file's size, the guest pages saved (of those in RAM), and how long it took.</summary>
public sealed record SnapshotSummary(string Path, long FileBytes, ulong SavedPages, ulong RamPages, TimeSpan Elapsed);
