using SharpVirt.Devices.Bus;
using SharpVirt.Devices.Interrupts;
using SharpVirt.Devices.Network;
using SharpVirt.Devices.Storage;
using SharpVirt.Devices.Virtio.Block;
using SharpVirt.Devices.Virtio;
using SharpVirt.Devices.Virtio.Balloon;
using SharpVirt.Devices.Virtio.Console;
using SharpVirt.Devices.Virtio.Entropy;
using SharpVirt.Devices.Virtio.Net;
using SharpVirt.Machine.Vstate;
using SharpVirt.Memory;
using SharpVirt.Memory.Snapshot;

namespace SharpVirt.Machine.Board;

/// <summary>
/// Fills the virt board's eight virtio-mmio slots from the configuration: disks, network interfaces, rng,
/// balloon, console; the rest stay empty (device ID 0). Like QEMU, devices fill the slots from the top
/// down, because Linux probes the slots from the top: the first disk becomes /dev/vda.
/// </summary>
public sealed class VirtioSlots : IDisposable
{
    private readonly List<VirtioMmioTransport> transports = [];
    private readonly VirtioMmioTransport?[] bySlot = new VirtioMmioTransport?[VirtLayout.VirtioMmioSlots];

    public VirtioBalloon? Balloon { get; private set; }
    public IReadOnlyList<VirtioNet> Nets => nets;
    private readonly List<VirtioNet> nets = [];

    public VirtioSlots(VmConfig config, MmioBus bus, GuestMemory memory, Plic plic, Action<ReadOnlySpan<byte>> consoleOutput)
    {
        var devices = new List<(IVirtioDevice Device, string Name)>();
        try
        {
            foreach (string disk in config.Disks)
                devices.Add((DiskOption.Parse(disk).CreateDevice(m => System.Console.Error.WriteLine($"sharpvirt: {m}")), "virtio-blk"));
            for (int i = 0; i < config.Nets.Count; i++)
            {
                var option = NetOption.Parse(config.Nets[i], i);
                var net = new VirtioNet(option.CreateBackend(), option.Mac);
                nets.Add(net);
                devices.Add((net, "virtio-net"));
            }
            if (config.Rng)
                devices.Add((new VirtioRng(), "virtio-rng"));
            if (config.Balloon)
            {
                Balloon = new VirtioBalloon();
                devices.Add((Balloon, "virtio-balloon"));
            }
            if (config.VirtioConsole)
                devices.Add((new VirtioConsole(consoleOutput), "virtio-console"));
            if (devices.Count > VirtLayout.VirtioMmioSlots)
                throw new ArgumentException($"{devices.Count} virtio devices asked for, but the board has {VirtLayout.VirtioMmioSlots} slots");
        }
        catch
        {
            foreach (var (device, _) in devices)
                device.Dispose();
            throw;
        }
        for (int n = 0; n < VirtLayout.VirtioMmioSlots; n++)
        {
            IMmioDevice slot = new VirtioMmioEmptySlot();
            string name = $"virtio-mmio{n}";
            int index = VirtLayout.VirtioMmioSlots - 1 - n;
            if (index < devices.Count)
            {
                var transport = new VirtioMmioTransport(devices[index].Device, memory, plic.GetSource(VirtLayout.VirtioIrqBase + n));
                transports.Add(transport);
                bySlot[n] = transport;
                slot = transport;
                name = devices[index].Name;
            }
            bus.Map(VirtLayout.VirtioSlot(n), VirtLayout.VirtioMmioStride, slot, name);
        }
    }

    /// <summary>Machine reset: every device forgets the old guest's rings before the new kernel starts.</summary>
    public void Reset()
    {
        foreach (var t in transports)
            t.Reset();
    }

    /// <summary>Snapshot: every device's I/O thread finishes its request in hand and starts no other until <see cref="Unquiesce"/>.</summary>
    public void Quiesce()
    {
        foreach (var t in transports)
            t.Device.Quiesce();
    }

    public void Unquiesce()
    {
        foreach (var t in transports)
            t.Device.Unquiesce();
    }

    /// <summary>Each slot's transport and device state (null for an empty slot), on quiesced devices.</summary>
    public VirtioTransportState?[] SaveState() => [.. bySlot.Select(t => t?.SaveState())];

    /// <summary>Loads a snapshot's slots into this board's (quiesced) devices, which the same configuration built.</summary>
    public void RestoreState(IReadOnlyList<VirtioTransportState?> states)
    {
        for (int n = 0; n < bySlot.Length; n++)
        {
            var state = n < states.Count ? states[n] : null;
            var transport = bySlot[n];
            if ((state is null) != (transport is null))
            {
                throw new SnapshotFormatException(
                    $"section VIRT {n}: the snapshot has {(state is null ? "no device" : $"a {state.DeviceType} device")} in virtio-mmio slot {n}, this VM {(transport is null ? "none" : $"a {transport.Device.Type} device")}");
            }
            if (state is not null)
                transport!.RestoreState(state, $"VIRT {n}");
        }
    }

    public void Dispose()
    {
        foreach (var t in transports)
            t.Dispose();
    }
}
