using SharpVirt.Devices.Bus;

namespace SharpVirt.Devices.Virtio;

/// <summary>
/// An unoccupied virtio-mmio slot (virtio 1.2, 4.2.2): it answers the magic value and version 2 with
/// device ID 0, which drivers take to mean "no device here".
/// </summary>
public sealed class VirtioMmioEmptySlot : IMmioDevice
{
    public const uint MagicValue = 0x7472_6976; // "virt"
    public const uint Version = 2;
    public const uint VendorId = 0x554d_4551;  // "QEMU", as QEMU's virt board reports

    public ulong Read(ulong offset, int size) => size != 4 ? 0 : offset switch
    {
        0x000 => MagicValue,
        0x004 => Version,
        0x00c => VendorId,
        _ => 0,
    };

    public void Write(ulong offset, int size, ulong value)
    {
    }
}
