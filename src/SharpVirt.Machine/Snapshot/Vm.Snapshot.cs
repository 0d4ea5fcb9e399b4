using SharpVirt.Machine.Snapshot;
using SharpVirt.Memory.Snapshot;

namespace SharpVirt.Machine.Vstate;

/// <summary>Snapshots: save a paused VM to a file, and resume one from a file in a new VM (docs/SNAPSHOTS.md).</summary>
public sealed partial class Vm
{
    /// <summary>Held while a snapshot reads the VM, and by whatever would tear down what it reads (reboot, dispose).</summary>
    private readonly object stateLock = new();

    /// <summary>True when every vCPU thread waits at the pause gate.</summary>
    public bool AllVcpusPaused => vcpus.All(v => v.Paused);

    /// <summary>
    /// Writes a snapshot of this paused VM to <paramref name="path"/>: every vCPU, every device (their I/O threads
    /// quiesced meanwhile) and the guest pages that hold data. The VM stays paused.
    /// </summary>
    /// <exception cref="InvalidOperationException">The VM is not paused, or is stopping.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public SnapshotSummary SaveSnapshot(string path)
    {
        lock (stateLock)
        {
            if (Exiting)
                throw new InvalidOperationException("the VM is stopping");
            if (!AllVcpusPaused)
                throw new InvalidOperationException("the VM is not paused: pause the VM first");
            Virtio.Quiesce();
            try
            {
                return SnapshotFile.Write(path, CaptureState(), Memory);
            }
            finally
            {
                Virtio.Unquiesce();
            }
        }
    }

    /// <summary>Everything but RAM, from a VM whose vCPUs are paused and devices quiesced.</summary>
    internal VmSnapshot CaptureState()
    {
        var states = vcpus.Select(v =>
        {
            var (hsm, address, opaque) = v.SaveHsm();
            return new VcpuState(v.Id, hsm, address, opaque, v.Hart.SaveState());
        }).ToArray();
        return new VmSnapshot(config with { Timeout = null, DtbOut = null }, Timebase.Now, toHost, states,
            plic.SaveState(), clint.SaveState(), uart.SaveState(), rtc.SaveState(), Virtio.SaveState());
    }

    /// <summary>
    /// Puts a snapshot's state into this VM, built from the snapshot's configuration and with its RAM loaded, and
    /// launches the vCPUs where they were. Guest time continues from the snapshot's mtime; caches start empty.
    /// </summary>
    private void RestoreState(VmSnapshot s)
    {
        if (s.Vcpus.Length != vcpus.Count)
            throw new SnapshotFormatException($"the snapshot has {s.Vcpus.Length} vCPUs, the VM {vcpus.Count}");
        lock (stateLock)
        {
            Timebase.Set(s.Mtime);
            Virtio.Quiesce();
            foreach (var v in vcpus)
                v.Hart.RestoreState(s.Vcpus[v.Id].Hart);
            // Interrupt controllers first, then the devices re-assert their lines into them.
            plic.RestoreState(s.Plic);
            clint.RestoreState(s.Clint);
            uart.RestoreState(s.Uart);
            rtc.RestoreState(s.Rtc);
            Virtio.RestoreState(s.Virtio);
            SetToHost(s.ToHost);
            foreach (var v in vcpus)
            {
                var state = s.Vcpus[v.Id];
                v.Launch(state.Hsm, state.StartAddress, state.StartOpaque);
            }
            Virtio.Unquiesce();
        }
    }
}
