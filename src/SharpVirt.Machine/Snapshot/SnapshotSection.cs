using System.Buffers.Binary;
using System.Text;

namespace SharpVirt.Machine.Snapshot;

/// <summary>
/// The section tags of a snapshot file, four ASCII characters each, in the order they appear
/// (docs/SNAPSHOTS.md): the VM configuration, the machine (time), one section per vCPU, the interrupt
/// controllers, the UART and RTC, one per virtio-mmio slot, guest RAM, and the end marker.
/// </summary>
public static class SnapshotSection
{
    public static readonly uint Config = Tag("CONF");
    public static readonly uint Machine = Tag("MACH");
    public static readonly uint Vcpu = Tag("VCPU");
    public static readonly uint Plic = Tag("PLIC");
    public static readonly uint Clint = Tag("CLNT");
    public static readonly uint Uart = Tag("UART");
    public static readonly uint Rtc = Tag("RTC ");
    public static readonly uint Virtio = Tag("VIRT");
    public static readonly uint Ram = Tag("RAM ");
    public static readonly uint End = Tag("END ");

    public static uint Tag(string name) => BinaryPrimitives.ReadUInt32LittleEndian(Encoding.ASCII.GetBytes(name));

    /// <summary>The tag as text, with anything unprintable escaped (a damaged file may hold any bytes).</summary>
    public static string Name(uint tag)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < 4; i++)
        {
            char c = (char)((tag >> (8 * i)) & 0xff);
            sb.Append(c is >= ' ' and <= '~' ? c.ToString() : $"\\x{(int)c:x2}");
        }
        return sb.ToString().TrimEnd();
    }
}
