using SharpVirt.Memory.Snapshot;

namespace SharpVirt.Devices.Interrupts;

/// <summary>
/// The PLIC's registers and gateway state for a snapshot: source priorities, the pending, claimed (in flight)
/// and input-level bits, and per context the enable bits and the threshold.
/// </summary>
public sealed record PlicState(uint[] Priority, uint[] Pending, uint[] Claimed, uint[] Level, uint[] Enable, uint[] Threshold)
{
    public void Write(SnapshotWriter w)
    {
        w.WriteInt32(Threshold.Length);
        w.WriteUInt32s(Priority);
        w.WriteUInt32s(Pending);
        w.WriteUInt32s(Claimed);
        w.WriteUInt32s(Level);
        w.WriteUInt32s(Enable);
        w.WriteUInt32s(Threshold);
    }

    public static PlicState Read(SnapshotReader r)
    {
        int contexts = r.ReadCount(Plic.MaxContexts);
        int words = Plic.BitWords;
        return new PlicState(r.ReadUInt32s(Plic.SourceCount + 1), r.ReadUInt32s(words), r.ReadUInt32s(words), r.ReadUInt32s(words),
            r.ReadUInt32s(contexts * words), r.ReadUInt32s(contexts));
    }
}
