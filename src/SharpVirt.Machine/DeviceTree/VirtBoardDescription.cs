namespace SharpVirt.Machine.DeviceTree;

/// <summary>
/// What <see cref="VirtDeviceTree.Build"/> needs to describe a QEMU-<c>virt</c>-compatible board.
/// Defaults follow QEMU's <c>virt</c> machine (hw/riscv/virt.c).
/// </summary>
public sealed record VirtBoardDescription
{
    /// <summary>Number of harts, 1..512 (QEMU's VIRT_CPUS_MAX). Hart ids are 0..HartCount-1.</summary>
    public required int HartCount { get; init; }

    /// <summary>Guest-physical start of RAM (QEMU VIRT_DRAM).</summary>
    public ulong RamBase { get; init; } = 0x8000_0000;

    /// <summary>RAM size in bytes.</summary>
    public required ulong RamSize { get; init; }

    /// <summary>Value of each CPU's <c>riscv,isa</c> property.</summary>
    public string IsaString { get; init; } = "rv64imafdc_zicsr_zifencei_zihintpause_zba_zbb_zbs_sstc";

    /// <summary>
    /// Value of <c>riscv,isa-extensions</c>; when null or empty it is derived from
    /// <see cref="IsaString"/> with <see cref="RiscvIsaString.Extensions"/>.
    /// </summary>
    public IReadOnlyList<string>? IsaExtensions { get; init; }

    /// <summary>CPU <c>mmu-type</c>: "riscv,sv39", "riscv,sv48" or "riscv,sv57".</summary>
    public string MmuType { get; init; } = "riscv,sv48";

    /// <summary>Kernel command line for /chosen <c>bootargs</c>; omitted when null or empty.</summary>
    public string? Bootargs { get; init; }

    /// <summary>Guest-physical start of the initrd (/chosen <c>linux,initrd-start</c>); set both or neither.</summary>
    public ulong? InitrdStart { get; init; }

    /// <summary>Guest-physical end (exclusive) of the initrd (/chosen <c>linux,initrd-end</c>).</summary>
    public ulong? InitrdEnd { get; init; }

    /// <summary>/chosen <c>stdout-path</c>.</summary>
    public string StdoutPath { get; init; } = "/soc/serial@10000000";

    /// <summary>/cpus <c>timebase-frequency</c> in Hz (QEMU: 10 MHz).</summary>
    public uint TimebaseFrequency { get; init; } = 10_000_000;

    /// <summary>Optional /chosen <c>rng-seed</c> bytes (QEMU passes 32 random bytes).</summary>
    public byte[]? RngSeed { get; init; }

    /// <summary>Number of virtio-mmio transports, 0..8, at 0x10001000 + n*0x1000 with PLIC source n+1.</summary>
    public int VirtioMmioSlots { get; init; } = 8;

    /// <summary>
    /// PLIC <c>riscv,ndev</c>: the highest interrupt source number. 95 for QEMU's 96 sources
    /// (source 0 is reserved); QEMU 7.2 itself wrote 96 here.
    /// </summary>
    public uint PlicNdev { get; init; } = 95;
}
