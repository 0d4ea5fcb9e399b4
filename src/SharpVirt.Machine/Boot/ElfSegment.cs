namespace SharpVirt.Machine.Boot;

/// <summary>
/// One PT_LOAD segment of an <see cref="ElfImage"/>: <see cref="FileData"/> goes at
/// <see cref="PhysicalAddress"/> and the rest up to <see cref="MemorySize"/> is zero-filled (gABI "Program Header").
/// </summary>
public sealed record ElfSegment(ulong PhysicalAddress, ulong VirtualAddress, ulong MemorySize, uint Flags, ReadOnlyMemory<byte> FileData)
{
    /// <summary>p_flags bit PF_X.</summary>
    public const uint FlagExecute = 1;

    /// <summary>p_flags bit PF_W.</summary>
    public const uint FlagWrite = 2;

    /// <summary>p_flags bit PF_R.</summary>
    public const uint FlagRead = 4;

    /// <summary>Bytes to zero after the file data (.bss).</summary>
    public ulong ZeroFillSize => MemorySize - (ulong)FileData.Length;

    /// <summary>
    /// Writes the segment's memory image into <paramref name="destination"/>, which must be exactly
    /// <see cref="MemorySize"/> bytes: the file bytes, then zeros.
    /// </summary>
    public void CopyTo(Span<byte> destination)
    {
        if ((ulong)destination.Length != MemorySize)
            throw new ArgumentException($"destination is {destination.Length} bytes, the segment needs {MemorySize}", nameof(destination));
        FileData.Span.CopyTo(destination);
        destination[FileData.Length..].Clear();
    }
}
