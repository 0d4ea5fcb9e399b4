namespace SharpVirt.Devices.Bus;

/// <summary>
/// Routes physical addresses to <see cref="IMmioDevice"/> regions.
/// </summary>
/// <remarks>
/// Regions are mapped during machine setup. Each <see cref="Map"/> publishes a
/// new immutable, sorted snapshot, so <see cref="TryRead"/> and
/// <see cref="TryWrite"/> are lock-free and allocation-free and may be called
/// from any number of vCPU threads at once.
/// </remarks>
public sealed class MmioBus
{
    private readonly Lock _mapLock = new();
    private volatile Snapshot _snapshot = Snapshot.Empty;

    /// <summary>The mapped regions, sorted by base address.</summary>
    public IReadOnlyList<(ulong Base, ulong Size, string Name)> Regions
    {
        get
        {
            Snapshot s = _snapshot;
            var list = new (ulong Base, ulong Size, string Name)[s.Bases.Length];
            for (int i = 0; i < list.Length; i++)
            {
                list[i] = (s.Bases[i], s.Sizes[i], s.Names[i]);
            }
            return list;
        }
    }

    /// <summary>Maps <paramref name="device"/> at [<paramref name="baseAddress"/>, +<paramref name="size"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is zero or the region wraps past 2^64.</exception>
    /// <exception cref="InvalidOperationException">The region overlaps one already mapped.</exception>
    public void Map(ulong baseAddress, ulong size, IMmioDevice device, string name)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(name);
        if (size == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), "An MMIO region cannot be empty.");
        }
        ulong last = baseAddress + (size - 1);
        if (last < baseAddress)
        {
            throw new ArgumentOutOfRangeException(nameof(size), "The MMIO region wraps past the end of the address space.");
        }

        lock (_mapLock)
        {
            Snapshot old = _snapshot;
            int n = old.Bases.Length;
            int at = 0;
            while (at < n && old.Bases[at] < baseAddress)
            {
                at++;
            }
            // Compare inclusive ends so that a region ending at 2^64 - 1 works.
            if (at > 0 && old.Bases[at - 1] + (old.Sizes[at - 1] - 1) >= baseAddress)
            {
                throw Overlap(name, baseAddress, size, old.Names[at - 1]);
            }
            if (at < n && old.Bases[at] <= last)
            {
                throw Overlap(name, baseAddress, size, old.Names[at]);
            }

            var bases = new ulong[n + 1];
            var sizes = new ulong[n + 1];
            var devices = new IMmioDevice[n + 1];
            var names = new string[n + 1];
            Insert(old.Bases, bases, at, baseAddress);
            Insert(old.Sizes, sizes, at, size);
            Insert(old.Devices, devices, at, device);
            Insert(old.Names, names, at, name);
            _snapshot = new Snapshot(bases, sizes, devices, names);
        }
    }

    /// <summary>
    /// Reads from the device mapped at <paramref name="address"/>. Returns false when
    /// nothing is mapped there or the access runs past the end of the region.
    /// </summary>
    public bool TryRead(ulong address, int size, out ulong value)
    {
        Snapshot s = _snapshot;
        int i = Find(s, address, size, out ulong offset);
        if (i < 0)
        {
            value = 0;
            return false;
        }
        value = s.Devices[i].Read(offset, size);
        return true;
    }

    /// <summary>
    /// Writes to the device mapped at <paramref name="address"/>. Returns false when
    /// nothing is mapped there or the access runs past the end of the region.
    /// </summary>
    public bool TryWrite(ulong address, int size, ulong value)
    {
        Snapshot s = _snapshot;
        int i = Find(s, address, size, out ulong offset);
        if (i < 0)
        {
            return false;
        }
        s.Devices[i].Write(offset, size, value);
        return true;
    }

    private static int Find(Snapshot s, ulong address, int size, out ulong offset)
    {
        offset = 0;
        if (size <= 0)
        {
            return -1;
        }
        ulong[] bases = s.Bases;
        // Binary search for the last region whose base is <= address.
        int lo = 0;
        int hi = bases.Length - 1;
        int found = -1;
        while (lo <= hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            if (bases[mid] <= address)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        if (found < 0)
        {
            return -1;
        }
        ulong off = address - bases[found];
        ulong regionSize = s.Sizes[found];
        // Written so that it cannot overflow: off < regionSize and size <= regionSize - off.
        if (off >= regionSize || (ulong)size > regionSize - off)
        {
            return -1;
        }
        offset = off;
        return found;
    }

    private static void Insert<T>(T[] from, T[] to, int at, T item)
    {
        Array.Copy(from, 0, to, 0, at);
        to[at] = item;
        Array.Copy(from, at, to, at + 1, from.Length - at);
    }

    private static InvalidOperationException Overlap(string name, ulong baseAddress, ulong size, string other) =>
        new($"MMIO region '{name}' [0x{baseAddress:x}, +0x{size:x}) overlaps '{other}'.");

    private sealed class Snapshot(ulong[] bases, ulong[] sizes, IMmioDevice[] devices, string[] names)
    {
        public static readonly Snapshot Empty = new([], [], [], []);

        public readonly ulong[] Bases = bases;
        public readonly ulong[] Sizes = sizes;
        public readonly IMmioDevice[] Devices = devices;
        public readonly string[] Names = names;
    }
}
