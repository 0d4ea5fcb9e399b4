using System.Runtime.InteropServices;

namespace SharpVirt.Devices.Virtio;

/// <summary>A split virtqueue descriptor, <c>struct virtq_desc</c> (virtio 1.2, 2.7.5), as laid out in guest memory.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public readonly struct Descriptor
{
    /// <summary>The size of one descriptor in the table.</summary>
    public const int Size = 16;

    /// <summary>VIRTQ_DESC_F_NEXT: the buffer continues via <see cref="Next"/>.</summary>
    public const ushort FlagNext = 1;

    /// <summary>VIRTQ_DESC_F_WRITE: the buffer is device write-only (otherwise device read-only).</summary>
    public const ushort FlagWrite = 2;

    /// <summary>VIRTQ_DESC_F_INDIRECT: the buffer holds a table of descriptors (2.7.5.3).</summary>
    public const ushort FlagIndirect = 4;

    public readonly ulong Address;
    public readonly uint Length;
    public readonly ushort Flags;
    public readonly ushort Next;

    public Descriptor(ulong address, uint length, ushort flags, ushort next)
    {
        Address = address;
        Length = length;
        Flags = flags;
        Next = next;
    }

    public bool HasNext => (Flags & FlagNext) != 0;

    public bool IsWriteOnly => (Flags & FlagWrite) != 0;

    public bool IsIndirect => (Flags & FlagIndirect) != 0;
}
