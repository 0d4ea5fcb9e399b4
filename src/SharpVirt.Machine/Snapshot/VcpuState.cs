using SharpVirt.Cpu;
using SharpVirt.Machine.Vstate;
using SharpVirt.Memory.Snapshot;

namespace SharpVirt.Machine.Snapshot;

/// <summary>
/// One vCPU in a snapshot (section VCPU): the VMM's SBI HSM state of the hart (started, stopped, or a
/// hart_start under way with its address and opaque) and the hart's architectural state.
/// </summary>
public sealed record VcpuState(int Id, HsmState Hsm, ulong StartAddress, ulong StartOpaque, HartState Hart)
{
    public void Write(SnapshotWriter w)
    {
        w.WriteInt32(Id);
        w.WriteByte((byte)Hsm);
        w.WriteUInt64(StartAddress);
        w.WriteUInt64(StartOpaque);
        Hart.Write(w);
    }

    public static VcpuState Read(SnapshotReader r)
    {
        int id = r.ReadInt32();
        var hsm = r.ReadEnum<HsmState>();
        if (hsm is not (HsmState.Started or HsmState.Stopped or HsmState.StartPending))
            throw r.Bad($"vCPU {id} in HSM state {hsm}, which a paused vCPU is never in");
        return new VcpuState(id, hsm, r.ReadUInt64(), r.ReadUInt64(), HartState.Read(r));
    }
}
