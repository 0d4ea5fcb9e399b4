using SharpVirt.Memory;

namespace SharpVirt.Devices.Virtio;

/// <summary>
/// A validated descriptor chain popped from a <see cref="VirtQueue"/> (virtio 1.2, 2.7.5): the head index, then
/// the device-readable segments followed by the device-writable ones. Every segment was checked to lie inside
/// one guest RAM slot; the copy helpers go through <see cref="GuestMemory"/>'s checked accessors again, so a
/// chain can never reach outside guest RAM.
/// </summary>
/// <remarks>
/// Chains are pooled by their queue: after <see cref="VirtQueue.AddUsed(DescriptorChain, uint)"/> the object
/// may be reused and must not be touched. A chain is used by one thread at a time.
/// </remarks>
public sealed class DescriptorChain
{
    private BufferSegment[] _segments = new BufferSegment[8];
    private int _readableCount;
    private int _count;

    internal DescriptorChain(GuestMemory memory) => Memory = memory;

    /// <summary>The guest memory the segments refer to.</summary>
    public GuestMemory Memory { get; }

    /// <summary>True while the chain sits in its queue's pool (guards against a double AddUsed).</summary>
    internal bool Pooled { get; set; }

    /// <summary>The index of the head descriptor, returned to the driver in the used ring.</summary>
    public ushort Head { get; private set; }

    /// <summary>The device-readable segments, in chain order.</summary>
    public ReadOnlySpan<BufferSegment> Readable => _segments.AsSpan(0, _readableCount);

    /// <summary>The device-writable segments, in chain order.</summary>
    public ReadOnlySpan<BufferSegment> Writable => _segments.AsSpan(_readableCount, _count - _readableCount);

    /// <summary>The total length of the readable segments.</summary>
    public ulong ReadableLength { get; private set; }

    /// <summary>The total length of the writable segments.</summary>
    public ulong WritableLength { get; private set; }

    /// <summary>
    /// Copies readable bytes starting <paramref name="offset"/> bytes into the readable part. Returns the number
    /// copied: less than <paramref name="destination"/>'s length when the readable part ends first.
    /// </summary>
    public int CopyFromReadable(ulong offset, Span<byte> destination)
    {
        int done = 0;
        foreach (ref readonly BufferSegment s in Readable)
        {
            if (done == destination.Length)
            {
                break;
            }
            if (offset >= s.Length)
            {
                offset -= s.Length;
                continue;
            }
            int n = (int)Math.Min(s.Length - offset, (ulong)(destination.Length - done));
            if (!Memory.TryRead(s.Address + offset, destination.Slice(done, n)))
            {
                break;
            }
            done += n;
            offset = 0;
        }
        return done;
    }

    /// <summary>Copies all of the readable part into <paramref name="destination"/>; returns the bytes copied.</summary>
    public unsafe ulong CopyReadableTo(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ulong done = 0;
        foreach (BufferSegment s in Readable)
        {
            for (ulong off = 0; off < s.Length;)
            {
                int n = (int)Math.Min(s.Length - off, 1UL << 20);
                byte* p = Memory.GetHostPointer(s.Address + off, (ulong)n);
                if (p == null)
                {
                    return done;
                }
                destination.Write(new ReadOnlySpan<byte>(p, n));
                off += (ulong)n;
                done += (ulong)n;
            }
        }
        return done;
    }

    /// <summary>
    /// Copies <paramref name="source"/> into the writable part starting <paramref name="offset"/> bytes in.
    /// Returns the number copied: less than the source's length when the writable part ends first.
    /// </summary>
    public int CopyToWritable(ulong offset, ReadOnlySpan<byte> source)
    {
        int done = 0;
        foreach (ref readonly BufferSegment s in Writable)
        {
            if (done == source.Length)
            {
                break;
            }
            if (offset >= s.Length)
            {
                offset -= s.Length;
                continue;
            }
            int n = (int)Math.Min(s.Length - offset, (ulong)(source.Length - done));
            if (!Memory.TryWrite(s.Address + offset, source.Slice(done, n)))
            {
                break;
            }
            done += n;
            offset = 0;
        }
        return done;
    }

    /// <summary>Reads a little-endian <typeparamref name="T"/> from the readable part, which may span segments.</summary>
    public unsafe bool TryReadFromReadable<T>(ulong offset, out T value)
        where T : unmanaged
    {
        T v = default;
        var bytes = new Span<byte>(&v, sizeof(T));
        bool ok = CopyFromReadable(offset, bytes) == bytes.Length;
        value = ok ? v : default;
        return ok;
    }

    /// <summary>Writes a little-endian <typeparamref name="T"/> into the writable part, which may span segments.</summary>
    public unsafe bool TryWriteToWritable<T>(ulong offset, T value)
        where T : unmanaged => CopyToWritable(offset, new ReadOnlySpan<byte>(&value, sizeof(T))) == sizeof(T);

    internal void Start(ushort head)
    {
        Head = head;
        _count = 0;
        _readableCount = 0;
        ReadableLength = 0;
        WritableLength = 0;
    }

    /// <summary>Appends a segment; the queue has already checked it and its direction order.</summary>
    internal void Add(ulong address, uint length, bool writable)
    {
        if (_count == _segments.Length)
        {
            Array.Resize(ref _segments, _count * 2);
        }
        _segments[_count++] = new BufferSegment(address, length);
        if (writable)
        {
            WritableLength += length;
        }
        else
        {
            _readableCount++;
            ReadableLength += length;
        }
    }
}
