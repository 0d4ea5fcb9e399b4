using SharpVirt.Devices.Interrupts;
using SharpVirt.Devices.Misc;
using SharpVirt.Devices.Serial;
using SharpVirt.Devices.Timers;
using SharpVirt.Devices.Virtio;
using SharpVirt.Machine.Vstate;

namespace SharpVirt.Machine.Snapshot;

/// <summary>
/// Everything a snapshot holds besides guest RAM: the configuration, guest time (<c>mtime</c>) when it was
/// taken, HTIF's tohost for a bare-metal program, every vCPU, and every device's state (one entry per
/// virtio-mmio slot, null for an empty slot).
/// </summary>
public sealed record VmSnapshot(
    VmConfig Config,
    ulong Mtime,
    ulong? ToHost,
    VcpuState[] Vcpus,
    PlicState Plic,
    ClintState Clint,
    Uart16550State Uart,
    GoldfishRtcState Rtc,
    VirtioTransportState?[] Virtio);
