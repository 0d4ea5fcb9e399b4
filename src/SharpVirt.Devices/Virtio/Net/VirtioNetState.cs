using SharpVirt.Memory.Snapshot;

namespace SharpVirt.Devices.Virtio.Net;

/// <summary>
/// virtio-net's own state for a snapshot: the link state, and the heads of the receive buffers the device had
/// popped and reserved for a frame (with MRG_RXBUF) when the snapshot was taken.
/// </summary>
public sealed record VirtioNetState(bool LinkUp, ushort[] ReservedHeads)
{
    public void Write(SnapshotWriter w)
    {
        w.WriteBool(LinkUp);
        w.WriteInt32(ReservedHeads.Length);
        foreach (ushort head in ReservedHeads)
            w.WriteUInt16(head);
    }

    public static VirtioNetState Read(SnapshotReader r)
    {
        bool linkUp = r.ReadBool();
        var heads = new ushort[r.ReadCount(VirtioNet.MaxMergedBuffers, 2)];
        for (int i = 0; i < heads.Length; i++)
            heads[i] = r.ReadUInt16();
        return new VirtioNetState(linkUp, heads);
    }
}
