using SharpVirt.Memory.Snapshot;

namespace SharpVirt.Devices.Virtio.Balloon;

/// <summary>
/// virtio-balloon's own state for a snapshot: the config's <c>num_pages</c> (target) and <c>actual</c>, the
/// head of the statistics buffer the driver left with the device (5.5.6.3), and per memory slot the bitmap of
/// inflated pages.
/// </summary>
public sealed record VirtioBalloonState(uint TargetPages, uint ActualPages, ushort? StatsHead, BalloonInflatedMap[] Inflated)
{
    public void Write(SnapshotWriter w)
    {
        w.WriteUInt32(TargetPages);
        w.WriteUInt32(ActualPages);
        w.WriteBool(StatsHead is not null);
        w.WriteUInt16(StatsHead ?? 0);
        w.WriteInt32(Inflated.Length);
        foreach (var map in Inflated)
        {
            w.WriteUInt64(map.SlotBase);
            w.WriteUInt64s(map.Bitmap);
        }
    }

    public static VirtioBalloonState Read(SnapshotReader r)
    {
        uint target = r.ReadUInt32(), actual = r.ReadUInt32();
        bool held = r.ReadBool();
        ushort head = r.ReadUInt16();
        var maps = new BalloonInflatedMap[r.ReadCount(64)];
        for (int i = 0; i < maps.Length; i++)
        {
            ulong slotBase = r.ReadUInt64();
            maps[i] = new BalloonInflatedMap(slotBase, r.ReadUInt64Array(1 << 28));
        }
        return new VirtioBalloonState(target, actual, held ? head : null, maps);
    }
}

/// <summary>Inflated pages of the memory slot at <see cref="SlotBase"/>: one bit per 4 KiB page.</summary>
public sealed record BalloonInflatedMap(ulong SlotBase, ulong[] Bitmap);
