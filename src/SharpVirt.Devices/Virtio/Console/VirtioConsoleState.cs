using SharpVirt.Memory.Snapshot;

namespace SharpVirt.Devices.Virtio.Console;

/// <summary>virtio-console's own state for a snapshot: host input not yet copied into the driver's receive buffers.</summary>
public sealed record VirtioConsoleState(byte[] PendingInput)
{
    public void Write(SnapshotWriter w) => w.WriteBytes(PendingInput);

    public static VirtioConsoleState Read(SnapshotReader r) => new(r.ReadBytes(VirtioConsole.InputCapacity));
}
