using System.Buffers.Binary;
using System.Text;

namespace SharpVirt.Memory.Snapshot;

/// <summary>
/// Builds the payload of one snapshot section: little-endian integers, booleans, length-prefixed byte
/// arrays and UTF-8 strings, appended to a growable buffer. Each layer's state records write themselves
/// with it; <see cref="SnapshotReader"/> reads them back in the same order.
/// </summary>
public sealed class SnapshotWriter
{
    private byte[] buffer = new byte[256];
    private int length;

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> Written => buffer.AsSpan(0, length);

    public byte[] ToArray() => Written.ToArray();

    public void WriteByte(byte value) => Reserve(1)[0] = value;

    public void WriteBool(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Reserve(2), value);

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), value);

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), value);

    public void WriteUInt64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), value);

    /// <summary>A count (u32) then the bytes.</summary>
    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteInt32(value.Length);
        value.CopyTo(Reserve(value.Length));
    }

    /// <summary>A count (u32) then the values.</summary>
    public void WriteUInt32s(ReadOnlySpan<uint> values)
    {
        WriteInt32(values.Length);
        foreach (uint v in values)
            WriteUInt32(v);
    }

    /// <summary>A count (u32) then the values.</summary>
    public void WriteUInt64s(ReadOnlySpan<ulong> values)
    {
        WriteInt32(values.Length);
        foreach (ulong v in values)
            WriteUInt64(v);
    }

    /// <summary>A flag, then the string's UTF-8 bytes when it is not null.</summary>
    public void WriteString(string? value)
    {
        WriteBool(value is not null);
        if (value is not null)
            WriteBytes(Encoding.UTF8.GetBytes(value));
    }

    private Span<byte> Reserve(int count)
    {
        if (length + count > buffer.Length)
            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, length + count));
        var span = buffer.AsSpan(length, count);
        length += count;
        return span;
    }
}
