using SharpVirt.Memory;

namespace SharpVirt.Cpu.CodeGen;

/// <summary>
/// Host memory for generated code, filled from the start; when full it starts over, and <see cref="Generation"/>
/// tells the code made before that it is gone. It belongs to one thread (a hart's), which never runs code while
/// it writes more. Beside it, apart from the code (a store near code being run costs the host CPU a pipeline
/// flush), a data area for what the code writes as it runs, which starts over with it.
/// </summary>
public sealed unsafe class CodeArena : IDisposable
{
    private readonly byte* start;
    private readonly int size;
    private int used;
    private readonly byte[] dataOwner;
    private readonly byte* data;
    private readonly int dataSize;
    private int dataUsed;

    public CodeArena(int size = 64 << 20)
    {
        this.size = size;
        start = HostMemory.ReserveExecutable((ulong)size);
        dataSize = Math.Max(size / 4, 16 << 10);
        // Managed and pinned: whoever holds it (see Data) may write to it from another thread, at any time.
        dataOwner = GC.AllocateArray<byte>(dataSize + 64, pinned: true);
        data = (byte*)(((nint)System.Runtime.CompilerServices.Unsafe.AsPointer(ref dataOwner[0]) + 63) & ~(nint)63);
    }

    /// <summary>
    /// Room for at most <paramref name="bytes"/> of code and <paramref name="dataBytes"/> of data (8-byte
    /// aligned, at <paramref name="dataStart"/>), starting both over if either lacks it.
    /// </summary>
    public byte* Reserve(int bytes, int dataBytes, out byte* dataStart)
    {
        if (dataBytes > dataSize)
            throw new ArgumentOutOfRangeException(nameof(dataBytes), $"{dataBytes} bytes of data do not fit in {dataSize}");
        if (dataSize - dataUsed < dataBytes && size >= bytes)
            used = size; // makes the code reservation below start over too
        byte* code = Reserve(bytes);
        dataStart = data + dataUsed;
        return code;
    }

    /// <summary>The data area's memory, alive while this is held.</summary>
    public object Data => dataOwner;

    /// <summary>Keeps the first <paramref name="bytes"/> of the last data reservation.</summary>
    public void CommitData(int bytes) => dataUsed += (bytes + 7) & ~7;

    /// <summary>Counts the times the arena started over; code made in an earlier generation must not run.</summary>
    public int Generation { get; private set; }

    /// <summary>Room for at most <paramref name="bytes"/> of code, starting over if the arena lacks it.</summary>
    public byte* Reserve(int bytes)
    {
        if (bytes > size)
            throw new ArgumentOutOfRangeException(nameof(bytes), $"{bytes} bytes of code do not fit in an arena of {size}");
        if (size - used < bytes)
        {
            used = 0;
            dataUsed = 0;
            Generation++;
        }
        return start + used;
    }

    /// <summary>Keeps the first <paramref name="bytes"/> of the last reservation (16-byte aligned, as compilers align functions).</summary>
    public void Commit(int bytes) => used += (bytes + 15) & ~15;

    public void Dispose() => HostMemory.Release(start, (ulong)size);
}
