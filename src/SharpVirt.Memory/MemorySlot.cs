namespace SharpVirt.Memory;

/// <summary>One region of guest-physical RAM backed by host memory, like KVM_SET_USER_MEMORY_REGION.</summary>
public sealed unsafe class MemorySlot : IDisposable
{
    public int Id { get; }
    public ulong GuestBase { get; }
    public ulong Size { get; }
    public byte* Host { get; private set; }
    public bool ReadOnly { get; }

    /// <summary>One bit per 4 KiB page written since the last harvest.</summary>
    private readonly ulong[] dirty;

    public MemorySlot(int id, ulong guestBase, ulong size, bool readOnly = false)
    {
        if (size == 0 || (size & 0xfff) != 0 || (guestBase & 0xfff) != 0)
            throw new ArgumentException("memory slots are page aligned and non-empty");
        Id = id;
        GuestBase = guestBase;
        Size = size;
        ReadOnly = readOnly;
        Host = HostMemory.Reserve(size);
        dirty = new ulong[(size / 4096 + 63) / 64];
        Code = new CodePages(size);
    }

    /// <summary>Pages holding translated code, and their write generations.</summary>
    public CodePages Code { get; }

    public bool ContainsHost(byte* host) => (ulong)(host - Host) < Size;

    public ulong GuestEnd => GuestBase + Size;

    public bool Contains(ulong gpa, ulong length) => gpa >= GuestBase && length <= Size && gpa - GuestBase <= Size - length;

    public void MarkDirty(ulong gpa)
    {
        ulong page = (gpa - GuestBase) >> 12;
        dirty[page >> 6] |= 1UL << (int)(page & 63);
    }

    public bool IsDirty(ulong gpa)
    {
        ulong page = (gpa - GuestBase) >> 12;
        return (dirty[page >> 6] & (1UL << (int)(page & 63))) != 0;
    }

    public void ClearDirty() => Array.Clear(dirty);

    /// <summary>Pages of this slot that the host has backed so far.</summary>
    public ulong ResidentPages => HostMemory.CountResidentPages(Host, Size);

    /// <summary>
    /// The runs of pages that hold data, as (offset into the slot, length) in bytes, in address order: pages the
    /// host has backed (resident or swapped), less those that read as all zeroes when <paramref name="skipZeroPages"/>.
    /// Untouched pages are left out: they read as zero. The caller keeps the slot's contents still meanwhile.
    /// </summary>
    public List<PageRun> BackedRuns(bool skipZeroPages = true)
    {
        ulong pages = Size / PageSize;
        var bitmap = new ulong[(pages + 63) / 64];
        HostMemory.FindBackedPages(Host, Size, bitmap);
        var runs = new List<PageRun>();
        ulong start = 0, count = 0;
        for (ulong page = 0; page < pages; page++)
        {
            bool keep = (bitmap[page >> 6] & (1UL << (int)(page & 63))) != 0
                && !(skipZeroPages && IsZeroPage(page * PageSize));
            if (keep)
            {
                if (count == 0)
                    start = page;
                count++;
            }
            else if (count != 0)
            {
                runs.Add(new PageRun(start * PageSize, count * PageSize));
                count = 0;
            }
        }
        if (count != 0)
            runs.Add(new PageRun(start * PageSize, count * PageSize));
        return runs;
    }

    public const ulong PageSize = 4096;

    private bool IsZeroPage(ulong offset) => !new ReadOnlySpan<byte>(Host + offset, (int)PageSize).ContainsAnyExcept((byte)0);

    /// <summary>Returns a range to the host; the guest then reads zeroes there.</summary>
    public bool Discard(ulong gpa, ulong length)
    {
        if (!Contains(gpa, length) || (gpa & 0xfff) != 0 || (length & 0xfff) != 0)
            return false;
        return HostMemory.Advise(Host + (gpa - GuestBase), length, HostMemory.MadvDontNeed);
    }

    public void Dispose()
    {
        if (Host != null)
        {
            HostMemory.Release(Host, Size);
            Host = null;
            Code.Dispose();
        }
    }
}
