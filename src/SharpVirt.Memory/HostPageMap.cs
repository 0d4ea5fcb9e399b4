namespace SharpVirt.Memory;

/// <summary>What the host kernel says about one page of the VMM's address space (/proc/self/pagemap).</summary>
/// <param name="Present">The page is in RAM (backed).</param>
/// <param name="Swapped">The page is in swap.</param>
/// <param name="Frame">The host-physical page frame number; null when the kernel hides it (without CAP_SYS_ADMIN it reads as 0).</param>
public readonly record struct HostPage(bool Present, bool Swapped, ulong? Frame)
{
    public ulong? PhysicalAddress(ulong hostVirtual) => Frame is ulong pfn ? (pfn << 12) | (hostVirtual & 0xfff) : null;
}

/// <summary>
/// Reads /proc/self/pagemap: one 64-bit entry per host page, bit 63 present, bit 62 swapped, bits 0-54 the
/// frame number (Linux Documentation/admin-guide/mm/pagemap.rst).
/// </summary>
public static class HostPageMap
{
    private const string Path = "/proc/self/pagemap";

    /// <summary>The entry for the page holding <paramref name="hostVirtual"/>, or null where pagemap can't be read.</summary>
    public static HostPage? Query(ulong hostVirtual)
    {
        try
        {
            using var file = File.OpenHandle(Path, FileMode.Open, FileAccess.Read);
            Span<byte> entry = stackalloc byte[8];
            if (RandomAccess.Read(file, entry, (long)(hostVirtual >> 12) * 8) != 8)
                return null;
            ulong e = BitConverter.ToUInt64(entry);
            bool present = (e >> 63 & 1) != 0;
            ulong pfn = e & ((1UL << 55) - 1);
            return new HostPage(present, (e >> 62 & 1) != 0, present && pfn != 0 ? pfn : null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
