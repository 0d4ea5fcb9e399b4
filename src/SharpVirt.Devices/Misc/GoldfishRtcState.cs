using SharpVirt.Memory.Snapshot;

namespace SharpVirt.Devices.Misc;

/// <summary>
/// The goldfish RTC's state for a snapshot: the guest's offset from the host clock, the TIME_HIGH latch, the
/// alarm (time, armed) and the interrupt (pending, enabled). The time itself stays the host's wall clock.
/// </summary>
public sealed record GoldfishRtcState(long Offset, uint TimeHighLatch, ulong Alarm, bool AlarmRunning, bool IrqPending, bool IrqEnabled)
{
    public void Write(SnapshotWriter w)
    {
        w.WriteInt64(Offset);
        w.WriteUInt32(TimeHighLatch);
        w.WriteUInt64(Alarm);
        w.WriteBool(AlarmRunning);
        w.WriteBool(IrqPending);
        w.WriteBool(IrqEnabled);
    }

    public static GoldfishRtcState Read(SnapshotReader r) =>
        new(r.ReadInt64(), r.ReadUInt32(), r.ReadUInt64(), r.ReadBool(), r.ReadBool(), r.ReadBool());
}
