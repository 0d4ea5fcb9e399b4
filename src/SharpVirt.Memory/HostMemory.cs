using System.Runtime.InteropServices;

namespace SharpVirt.Memory;

/// <summary>Host virtual memory reserved with mmap(MAP_NORESERVE): pages appear on first touch.</summary>
public static unsafe partial class HostMemory
{
    private const int ProtRead = 1, ProtWrite = 2, ProtExec = 4;
    private const int MapPrivate = 0x02, MapAnonymous = 0x20, MapNoReserve = 0x4000;
    public const int MadvDontNeed = 4, MadvMergeable = 12;

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint addr, nuint length, int prot, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(nint addr, nuint length);

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int MadviseNative(nint addr, nuint length, int advice);

    [LibraryImport("libc", EntryPoint = "mincore", SetLastError = true)]
    private static partial int Mincore(nint addr, nuint length, byte* vec);

    /// <summary>Reserves <paramref name="size"/> bytes of zeroed, lazily backed memory.</summary>
    public static byte* Reserve(ulong size) => Map(size, ProtRead | ProtWrite, "");

    /// <summary>Reserves <paramref name="size"/> bytes that may hold host code (read, write and execute), lazily backed.</summary>
    public static byte* ReserveExecutable(ulong size) => Map(size, ProtRead | ProtWrite | ProtExec, " of code space");

    private static byte* Map(ulong size, int prot, string what)
    {
        nint p = Mmap(0, (nuint)size, prot, MapPrivate | MapAnonymous | MapNoReserve, -1, 0);
        if (p == -1)
            throw new OutOfMemoryException($"mmap of {size >> 20} MiB{what} failed (errno {Marshal.GetLastPInvokeError()})");
        return (byte*)p;
    }

    public static void Release(byte* p, ulong size) => Munmap((nint)p, (nuint)size);

    /// <summary>Gives pages back to the host (balloon, free page reporting); they read as zero afterwards.</summary>
    public static bool Advise(byte* p, ulong size, int advice) => MadviseNative((nint)p, (nuint)size, advice) == 0;

    /// <summary>Counts the pages of a range that the host has backed (resident).</summary>
    public static ulong CountResidentPages(byte* p, ulong size)
    {
        const ulong chunkPages = 1 << 16;
        ulong pages = size / 4096, resident = 0;
        byte* vec = stackalloc byte[(int)chunkPages];
        for (ulong off = 0; off < pages; off += chunkPages)
        {
            ulong n = Math.Min(chunkPages, pages - off);
            if (Mincore((nint)(p + off * 4096), (nuint)(n * 4096), vec) != 0)
                return 0;
            for (ulong i = 0; i < n; i++)
                resident += (ulong)(vec[i] & 1);
        }
        return resident;
    }

    /// <summary>
    /// Marks in <paramref name="bitmap"/> (one bit per 4 KiB page) the pages of a range that hold data: present
    /// in RAM or swapped out, from /proc/self/pagemap (bits 63 and 62). Where pagemap cannot be read, falls back
    /// to mincore, which sees resident pages only (no swap). Untouched pages of a MAP_NORESERVE range are clear.
    /// </summary>
    public static void FindBackedPages(byte* p, ulong size, ulong[] bitmap)
    {
        ulong pages = size / 4096;
        if (bitmap.Length < (long)((pages + 63) / 64))
            throw new ArgumentException("bitmap too small", nameof(bitmap));
        Array.Clear(bitmap);
        if (!TryPagemap(p, pages, bitmap))
            MincoreMap(p, pages, bitmap);
    }

    private static bool TryPagemap(byte* p, ulong pages, ulong[] bitmap)
    {
        const int chunk = 1 << 16;
        var entries = new ulong[chunk];
        for (ulong off = 0; off < pages; off += chunk)
        {
            int n = (int)Math.Min(chunk, pages - off);
            if (!HostPageMap.TryRead((ulong)p + off * 4096, entries.AsSpan(0, n)))
                return false;
            for (int i = 0; i < n; i++)
            {
                if (HostPage.FromEntry(entries[i]).Backed)
                {
                    ulong page = off + (ulong)i;
                    bitmap[page >> 6] |= 1UL << (int)(page & 63);
                }
            }
        }
        return true;
    }

    private static void MincoreMap(byte* p, ulong pages, ulong[] bitmap)
    {
        const ulong chunkPages = 1 << 16;
        byte* vec = stackalloc byte[(int)chunkPages];
        for (ulong off = 0; off < pages; off += chunkPages)
        {
            ulong n = Math.Min(chunkPages, pages - off);
            if (Mincore((nint)(p + off * 4096), (nuint)(n * 4096), vec) != 0)
            {
                // Unknown: treat every page as backed, so nothing is lost.
                for (ulong i = 0; i < n; i++)
                    bitmap[(off + i) >> 6] |= 1UL << (int)((off + i) & 63);
                continue;
            }
            for (ulong i = 0; i < n; i++)
                if ((vec[i] & 1) != 0)
                    bitmap[(off + i) >> 6] |= 1UL << (int)((off + i) & 63);
        }
    }
}
