using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;

namespace SharpVirt.Memory;

/// <summary>
/// Guest-physical RAM as a table of memory slots. Every access from devices and loaders is checked:
/// an address outside the slots, or a range that leaves one, is refused rather than touching host memory.
/// </summary>
public sealed unsafe class GuestMemory : IDisposable
{
    private MemorySlot[] slots = [];

    public IReadOnlyList<MemorySlot> Slots => slots;

    public MemorySlot AddSlot(ulong guestBase, ulong size)
    {
        foreach (var s in slots)
            if (guestBase < s.GuestEnd && s.GuestBase < guestBase + size)
                throw new ArgumentException($"memory slot at {guestBase:x} overlaps slot {s.Id}");
        var slot = new MemorySlot(slots.Length, guestBase, size);
        slots = [.. slots, slot];
        Array.Sort(slots, (a, b) => a.GuestBase.CompareTo(b.GuestBase));
        return slot;
    }

    /// <summary>The slot holding <paramref name="gpa"/>, or null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public MemorySlot? FindSlot(ulong gpa)
    {
        var s = slots;
        for (int i = 0; i < s.Length; i++)
            if (gpa - s[i].GuestBase < s[i].Size)
                return s[i];
        return null;
    }

    /// <summary>Host pointer for [gpa, gpa+length) if it lies wholly within one slot, else null.</summary>
    public byte* GetHostPointer(ulong gpa, ulong length)
    {
        var s = FindSlot(gpa);
        if (s == null || !s.Contains(gpa, length))
            return null;
        return s.Host + (gpa - s.GuestBase);
    }

    /// <summary>The slot whose host mapping holds <paramref name="host"/>, or null.</summary>
    public MemorySlot? FindSlotByHost(byte* host)
    {
        foreach (var s in slots)
            if (s.ContainsHost(host))
                return s;
        return null;
    }

    /// <summary>
    /// Raised (on the protecting thread) when a page first holds translated code since its last write, with the
    /// page's host address: every hart must stop writing it through a fast path, so the next write is seen.
    /// </summary>
    public event Action<nint>? CodePageProtected;

    public void OnCodePageProtected(byte* hostPage) => CodePageProtected?.Invoke((nint)hostPage);

    /// <summary>For writers that hold host pointers (device DMA): [gpa, gpa+length) was written.</summary>
    public void NoteWritten(ulong gpa, ulong length)
    {
        var s = FindSlot(gpa);
        if (s != null && s.Contains(gpa, length))
            s.Code.Written(gpa - s.GuestBase, length);
    }

    public bool IsRam(ulong gpa, ulong length) => GetHostPointer(gpa, length) != null;

    public bool TryRead(ulong gpa, Span<byte> destination)
    {
        byte* p = GetHostPointer(gpa, (ulong)destination.Length);
        if (p == null)
            return false;
        new ReadOnlySpan<byte>(p, destination.Length).CopyTo(destination);
        return true;
    }

    public bool TryWrite(ulong gpa, ReadOnlySpan<byte> source)
    {
        byte* p = GetHostPointer(gpa, (ulong)source.Length);
        if (p == null)
            return false;
        source.CopyTo(new Span<byte>(p, source.Length));
        NoteWritten(gpa, (ulong)source.Length);
        return true;
    }

    /// <summary>
    /// Reads <paramref name="length"/> bytes of <paramref name="file"/>, from <paramref name="offset"/>, straight
    /// into RAM at <paramref name="gpa"/> (vm-memory's read_exact_volatile_from): no copy through the managed
    /// heap. False if the range is not RAM; <see cref="EndOfStreamException"/> if the file ends first.
    /// </summary>
    public bool TryReadFrom(ulong gpa, SafeFileHandle file, long offset, int length)
    {
        byte* p = GetHostPointer(gpa, (ulong)length);
        if (p == null)
            return false;
        var rest = new Span<byte>(p, length);
        while (rest.Length > 0)
        {
            int n = RandomAccess.Read(file, rest, offset);
            if (n == 0)
                throw new EndOfStreamException($"the file ended {rest.Length} bytes short");
            rest = rest[n..];
            offset += n;
        }
        NoteWritten(gpa, (ulong)length);
        return true;
    }

    public void Write(ulong gpa, ReadOnlySpan<byte> source)
    {
        if (!TryWrite(gpa, source))
            throw new ArgumentOutOfRangeException(nameof(gpa), $"guest range 0x{gpa:x}+0x{source.Length:x} is not RAM");
    }

    public bool TryRead<T>(ulong gpa, out T value) where T : unmanaged
    {
        byte* p = GetHostPointer(gpa, (ulong)sizeof(T));
        if (p == null)
        {
            value = default;
            return false;
        }
        value = Unsafe.ReadUnaligned<T>(p);
        return true;
    }

    public bool TryWrite<T>(ulong gpa, T value) where T : unmanaged
    {
        byte* p = GetHostPointer(gpa, (ulong)sizeof(T));
        if (p == null)
            return false;
        Unsafe.WriteUnaligned(p, value);
        NoteWritten(gpa, (ulong)sizeof(T));
        return true;
    }

    public ulong TotalSize => slots.Aggregate(0UL, (a, s) => a + s.Size);

    public void Dispose()
    {
        foreach (var s in slots)
            s.Dispose();
        slots = [];
    }
}
