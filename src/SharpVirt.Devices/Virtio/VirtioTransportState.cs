using SharpVirt.Memory.Snapshot;

namespace SharpVirt.Devices.Virtio;

/// <summary>
/// One virtio-mmio slot's state for a snapshot (virtio 1.2, 4.2.2): the device ID it serves, the feature and
/// queue selectors, the driver's features, the device status, InterruptStatus, ConfigGeneration, each queue's
/// registers and device-side indices, and the device's own state as an opaque payload it reads back itself.
/// </summary>
public sealed record VirtioTransportState(
    VirtioDeviceType DeviceType,
    uint DeviceFeaturesSel,
    uint DriverFeaturesSel,
    ulong DriverFeatures,
    uint QueueSel,
    uint Status,
    uint InterruptStatus,
    uint ConfigGeneration,
    VirtioQueueState[] Queues,
    byte[] DeviceState)
{
    public const int MaxQueues = 1024;

    public void Write(SnapshotWriter w)
    {
        w.WriteUInt32((uint)DeviceType);
        w.WriteUInt32(DeviceFeaturesSel);
        w.WriteUInt32(DriverFeaturesSel);
        w.WriteUInt64(DriverFeatures);
        w.WriteUInt32(QueueSel);
        w.WriteUInt32(Status);
        w.WriteUInt32(InterruptStatus);
        w.WriteUInt32(ConfigGeneration);
        w.WriteInt32(Queues.Length);
        foreach (var q in Queues)
        {
            q.Write(w);
        }
        w.WriteBytes(DeviceState);
    }

    public static VirtioTransportState Read(SnapshotReader r)
    {
        var type = (VirtioDeviceType)r.ReadUInt32();
        uint deviceSel = r.ReadUInt32(), driverSel = r.ReadUInt32();
        ulong driverFeatures = r.ReadUInt64();
        uint queueSel = r.ReadUInt32(), status = r.ReadUInt32(), interrupts = r.ReadUInt32(), generation = r.ReadUInt32();
        var queues = new VirtioQueueState[r.ReadCount(MaxQueues)];
        for (int i = 0; i < queues.Length; i++)
        {
            queues[i] = VirtioQueueState.Read(r);
        }
        return new VirtioTransportState(type, deviceSel, driverSel, driverFeatures, queueSel, status, interrupts, generation, queues,
            r.ReadBytes(64 << 20));
    }
}

/// <summary>One queue's transport registers (QueueNum, QueueReady, the three ring addresses) and device-side indices.</summary>
public sealed record VirtioQueueState(uint Num, bool Ready, ulong Desc, ulong Driver, ulong Device, VirtQueueIndices Indices)
{
    public void Write(SnapshotWriter w)
    {
        w.WriteUInt32(Num);
        w.WriteBool(Ready);
        w.WriteUInt64(Desc);
        w.WriteUInt64(Driver);
        w.WriteUInt64(Device);
        w.WriteUInt16(Indices.LastAvail);
        w.WriteUInt16(Indices.NextUsed);
        w.WriteUInt16(Indices.SignalledUsed);
        w.WriteBool(Indices.Broken);
    }

    public static VirtioQueueState Read(SnapshotReader r) =>
        new(r.ReadUInt32(), r.ReadBool(), r.ReadUInt64(), r.ReadUInt64(), r.ReadUInt64(),
            new VirtQueueIndices(r.ReadUInt16(), r.ReadUInt16(), r.ReadUInt16(), r.ReadBool()));
}
