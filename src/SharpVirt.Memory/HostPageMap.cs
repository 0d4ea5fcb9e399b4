using System.Runtime.InteropServices;

namespace SharpVirt.Memory;

/// <summary>What the host kernel says about one page of the VMM's address space (/proc/self/pagemap).</summary>
/// <param name="Present">The page is in RAM (backed).</param>
/// <param name="Swapped">The page is in swap.</param>
/// <param name="Frame">The host-physical page frame number; null when the kernel hides it (without CAP_SYS_ADMIN it reads as 0).</param>
public readonly record struct HostPage(bool Present, bool Swapped, ulong? Frame)
{
    /// <summary>The page holds data the host keeps: in RAM or in swap.</summary>
    public bool Backed => Present || Swapped;

    public ulong? PhysicalAddress(ulong hostVirtual) => Frame is ulong pfn ? (pfn << 12) | (hostVirtual & 0xfff) : null;

    /// <summary>Decodes a pagemap entry: bit 63 present, bit 62 swapped, bits 0-54 the frame number.</summary>
    public static HostPage FromEntry(ulong entry)
    {
        bool present = (entry >> 63 & 1) != 0;
        ulong pfn = entry & ((1UL << 55) - 1);
        return new HostPage(present, (entry >> 62 & 1) != 0, present && pfn != 0 ? pfn : null);
    }
}

/// <summary>
/// Reads /proc/self/pagemap: one 64-bit entry per host page (Linux Documentation/admin-guide/mm/pagemap.rst).
/// </summary>
public static class HostPageMap
{
    private const string Path = "/proc/self/pagemap";

    /// <summary>The entry for the page holding <paramref name="hostVirtual"/>, or null where pagemap can't be read.</summary>
    public static HostPage? Query(ulong hostVirtual)
    {
        Span<ulong> entry = stackalloc ulong[1];
        return TryRead(hostVirtual, entry) ? HostPage.FromEntry(entry[0]) : null;
    }

    /// <summary>Reads the raw entries of the pages from the one holding <paramref name="hostVirtual"/> on; false where pagemap can't be read.</summary>
    public static bool TryRead(ulong hostVirtual, Span<ulong> entries)
    {
        try
        {
            using var file = File.OpenHandle(Path, FileMode.Open, FileAccess.Read);
            var bytes = MemoryMarshal.AsBytes(entries);
            long offset = (long)(hostVirtual >> 12) * 8;
            for (int done = 0; done < bytes.Length;)
            {
                int n = RandomAccess.Read(file, bytes[done..], offset + done);
                if (n <= 0)
                    return false;
                done += n;
            }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return false;
        }
    }
}
