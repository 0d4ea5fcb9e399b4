namespace SharpVirt.Memory.Snapshot;

/// <summary>
/// A snapshot file that cannot be restored: not a snapshot, an unknown format version, truncated, damaged
/// (checksum mismatch), or holding a value out of range. The message says which, for the user.
/// </summary>
public sealed class SnapshotFormatException(string message, Exception? inner = null) : Exception(message, inner);
