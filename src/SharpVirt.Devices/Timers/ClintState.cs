using SharpVirt.Memory.Snapshot;

namespace SharpVirt.Devices.Timers;

/// <summary>The CLINT's registers for a snapshot: each hart's <c>msip</c> bit and <c>mtimecmp</c> (mtime is the VM's timebase).</summary>
public sealed record ClintState(bool[] Msip, ulong[] Mtimecmp)
{
    public void Write(SnapshotWriter w)
    {
        w.WriteInt32(Msip.Length);
        foreach (bool b in Msip)
            w.WriteBool(b);
        w.WriteUInt64s(Mtimecmp);
    }

    public static ClintState Read(SnapshotReader r)
    {
        int harts = r.ReadCount(Clint.MaxHarts);
        var msip = new bool[harts];
        for (int i = 0; i < harts; i++)
            msip[i] = r.ReadBool();
        return new ClintState(msip, r.ReadUInt64s(harts));
    }
}
