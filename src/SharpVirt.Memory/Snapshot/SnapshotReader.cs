using System.Buffers.Binary;
using System.Text;

namespace SharpVirt.Memory.Snapshot;

/// <summary>
/// Reads a section payload written by <see cref="SnapshotWriter"/>. Every read is bounds-checked: a payload
/// that ends early, or a count or value out of range, throws <see cref="SnapshotFormatException"/> naming the
/// section, never an index or overflow exception.
/// </summary>
public sealed class SnapshotReader(ReadOnlyMemory<byte> payload, string section)
{
    private int position;

    /// <summary>The section's name, for messages.</summary>
    public string Section => section;

    public bool AtEnd => position == payload.Length;

    public byte ReadByte() => Take(1)[0];

    public bool ReadBool() => ReadByte() switch
    {
        0 => false,
        1 => true,
        var b => throw Bad($"a flag holds {b}"),
    };

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    /// <summary>A count written by the writer, checked against <paramref name="max"/> (and what is left).</summary>
    public int ReadCount(int max, int elementSize = 1)
    {
        int n = ReadInt32();
        if (n < 0 || n > max)
            throw Bad($"a count of {n} is out of range (at most {max})");
        if ((long)n * elementSize > payload.Length - position)
            throw Truncated();
        return n;
    }

    public byte[] ReadBytes(int max) => Take(ReadCount(max)).ToArray();

    /// <summary>Reads exactly <paramref name="expected"/> values into a new array.</summary>
    public uint[] ReadUInt32s(int expected) => ReadExactly(expected, 4, ReadUInt32);

    /// <summary>Reads exactly <paramref name="expected"/> values into a new array.</summary>
    public ulong[] ReadUInt64s(int expected) => ReadExactly(expected, 8, ReadUInt64);

    private T[] ReadExactly<T>(int expected, int size, Func<T> read)
    {
        int n = ReadCount(expected, size);
        if (n != expected)
            throw Bad($"{n} values where {expected} were expected");
        var values = new T[n];
        for (int i = 0; i < n; i++)
            values[i] = read();
        return values;
    }

    /// <summary>Reads a counted array of at most <paramref name="max"/> values.</summary>
    public ulong[] ReadUInt64Array(int max)
    {
        var values = new ulong[ReadCount(max, 8)];
        for (int i = 0; i < values.Length; i++)
            values[i] = ReadUInt64();
        return values;
    }

    public string? ReadString(int maxBytes = 1 << 20)
    {
        if (!ReadBool())
            return null;
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Take(ReadCount(maxBytes)));
        }
        catch (DecoderFallbackException)
        {
            throw Bad("a string is not valid UTF-8");
        }
    }

    /// <summary>An enum stored as a byte; values not defined by <typeparamref name="T"/> are refused.</summary>
    public T ReadEnum<T>() where T : struct, Enum
    {
        byte b = ReadByte();
        T value = (T)Enum.ToObject(typeof(T), b);
        if (!Enum.IsDefined(value))
            throw Bad($"{b} is not a valid {typeof(T).Name}");
        return value;
    }

    /// <summary>Throws unless the whole payload was read (a longer payload is a different layout).</summary>
    public void ExpectEnd()
    {
        if (position != payload.Length)
            throw Bad($"{payload.Length - position} unexpected bytes at the end");
    }

    /// <summary>An exception for a value that makes no sense, naming the section.</summary>
    public SnapshotFormatException Bad(string what) => new($"section {section}: {what}");

    private SnapshotFormatException Truncated() => new($"section {section} ends early");

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > payload.Length - position)
            throw Truncated();
        var span = payload.Span.Slice(position, count);
        position += count;
        return span;
    }
}
