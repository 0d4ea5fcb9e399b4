using SharpVirt.Memory;

namespace SharpVirt.Machine.Vstate;

/// <summary>What the SBI and the vCPU threads need from their VM.</summary>
public interface IVmServices
{
    IReadOnlyList<Vcpu> Vcpus { get; }
    GuestMemory Memory { get; }
    bool Exiting { get; }
    void RequestExit(VmExit exit);
    void ConsoleWrite(ReadOnlySpan<byte> bytes);

    /// <summary>The next console input byte, or -1 when none is waiting.</summary>
    int ConsoleRead();
}
