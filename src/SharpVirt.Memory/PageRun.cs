namespace SharpVirt.Memory;

/// <summary>A run of whole pages in a memory slot: <see cref="Offset"/> and <see cref="Length"/> in bytes from the slot's base.</summary>
public readonly record struct PageRun(ulong Offset, ulong Length);
