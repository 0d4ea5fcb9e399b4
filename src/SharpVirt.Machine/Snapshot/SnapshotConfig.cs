using SharpVirt.Machine.Vstate;
using SharpVirt.Memory.Snapshot;

namespace SharpVirt.Machine.Snapshot;

/// <summary>
/// The VM configuration as a snapshot keeps it (section CONF): everything that shapes the machine (vCPUs,
/// RAM, devices and their backends, boot images for a later reboot, the engine). Host-side choices that are
/// not kept: the timeout and --dtb-out; the VM name is the restoring command's.
/// </summary>
public static class SnapshotConfig
{
    public const int MaxDevices = 64;

    public static void Write(SnapshotWriter w, VmConfig c)
    {
        w.WriteInt32(c.Cpus);
        w.WriteUInt64(c.MemorySize);
        w.WriteString(c.Kernel);
        w.WriteString(c.Initrd);
        w.WriteString(c.Bios);
        w.WriteString(c.Append);
        WriteList(w, c.Disks);
        WriteList(w, c.Nets);
        w.WriteBool(c.Rng);
        w.WriteBool(c.Balloon);
        w.WriteString(c.BalloonControl);
        w.WriteBool(c.VirtioConsole);
        w.WriteByte((byte)c.Engine);
        w.WriteInt32(c.JitThreshold);
    }

    public static VmConfig Read(SnapshotReader r)
    {
        var c = new VmConfig
        {
            Cpus = r.ReadInt32(),
            MemorySize = r.ReadUInt64(),
            Kernel = r.ReadString(),
            Initrd = r.ReadString(),
            Bios = r.ReadString(),
            Append = r.ReadString() ?? throw r.Bad("no kernel command line"),
            Disks = ReadList(r),
            Nets = ReadList(r),
            Rng = r.ReadBool(),
            Balloon = r.ReadBool(),
            BalloonControl = r.ReadString(),
            VirtioConsole = r.ReadBool(),
            Engine = r.ReadEnum<CpuEngine>(),
            JitThreshold = r.ReadInt32(),
        };
        if (c.Cpus is < 1 or > 64)
            throw r.Bad($"{c.Cpus} vCPUs");
        if (c.MemorySize < 16 * VmConfig.MiB || (c.MemorySize & 0xfff) != 0 || c.MemorySize > (1UL << 46))
            throw r.Bad($"guest RAM of {c.MemorySize} bytes");
        if (c.JitThreshold < 1)
            throw r.Bad($"a translator threshold of {c.JitThreshold}");
        return c;
    }

    private static void WriteList(SnapshotWriter w, IReadOnlyList<string> items)
    {
        w.WriteInt32(items.Count);
        foreach (string s in items)
            w.WriteString(s);
    }

    private static string[] ReadList(SnapshotReader r)
    {
        var items = new string[r.ReadCount(MaxDevices)];
        for (int i = 0; i < items.Length; i++)
            items[i] = r.ReadString() ?? throw r.Bad("a missing device option");
        return items;
    }
}
