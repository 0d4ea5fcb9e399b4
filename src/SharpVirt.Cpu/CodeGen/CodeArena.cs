using SharpVirt.Memory;

namespace SharpVirt.Cpu.CodeGen;

/// <summary>
/// Host memory for generated code, filled from the start; when full it starts over, and <see cref="Generation"/>
/// tells the code made before that it is gone. It belongs to one thread (a hart's), which never runs code while
/// it writes more.
/// </summary>
public sealed unsafe class CodeArena : IDisposable
{
    private readonly byte* start;
    private readonly int size;
    private int used;

    public CodeArena(int size = 64 << 20)
    {
        this.size = size;
        start = HostMemory.ReserveExecutable((ulong)size);
    }

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
            Generation++;
        }
        return start + used;
    }

    /// <summary>Keeps the first <paramref name="bytes"/> of the last reservation (16-byte aligned, as compilers align functions).</summary>
    public void Commit(int bytes) => used += (bytes + 15) & ~15;

    public void Dispose() => HostMemory.Release(start, (ulong)size);
}
