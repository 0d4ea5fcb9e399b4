using System.Globalization;

namespace SharpVirt.Machine.Boot;

/// <summary>
/// Where firmware, kernel, initrd and devicetree go in guest RAM, following QEMU 7.2's
/// <c>virt</c> machine (hw/riscv/boot.c). A pure calculation: nothing is loaded here.
/// </summary>
/// <remarks>
/// Rules:
/// <list type="bullet">
/// <item>Firmware boot: firmware at the RAM base; the kernel at the end of the firmware rounded up
/// to 2 MiB (QEMU <c>riscv_calc_kernel_start_addr</c>), e.g. 0x80200000 after OpenSBI. The
/// firmware region is then never used by the kernel image.</item>
/// <item>Direct S-mode boot (the VMM is the SBI): the kernel at RAM base + text_offset rounded up
/// to 2 MiB, and never below RAM base + 2 MiB. RV64 kernels must start on a 2 MiB (PMD) boundary
/// (Documentation/arch/riscv/boot.rst "Kernel location"); 0x80200000 matches QEMU's
/// KERNEL_BOOT_ADDRESS and kvmtool's fixed 2 MiB kernel offset.</item>
/// <item>Initrd: kernel address + min(RAM size / 2, 128 MiB) (QEMU <c>riscv_load_initrd</c>), rounded
/// up to 4 KiB. Where QEMU would let a large kernel (image_size) overlap it, the initrd moves to the
/// first 4 KiB boundary after the kernel instead.</item>
/// <item>Devicetree: at the 2 MiB boundary at or below (top - dtb size), where top is the end of RAM,
/// capped at 3 GiB when RAM starts below 3 GiB so 32-bit code can reach it (QEMU 7.2
/// <c>riscv_load_fdt</c>; QEMU 8.0 <c>riscv_compute_fdt_addr</c> keeps the cap, later releases drop it
/// for RV64).</item>
/// </list>
/// Anything that leaves RAM or overlaps another piece is a <see cref="BootImageException"/>.
/// </remarks>
public sealed record BootLayout
{
    /// <summary>RV64 kernel alignment: one PMD, 2 MiB.</summary>
    public const ulong KernelAlignment = 2 * MiB;

    /// <summary>Devicetree alignment used by QEMU.</summary>
    public const ulong DtbAlignment = 2 * MiB;

    /// <summary>Initrd alignment (one page).</summary>
    public const ulong InitrdAlignment = 4 * KiB;

    /// <summary>QEMU caps the initrd offset from the kernel at 128 MiB.</summary>
    public const ulong MaxInitrdOffset = 128 * MiB;

    /// <summary>QEMU keeps the devicetree below 3 GiB when RAM starts there.</summary>
    public const ulong DtbCeiling = 3072 * MiB;

    private const ulong KiB = 1024, MiB = 1024 * KiB;

    /// <summary>Firmware load address (the RAM base), or null for direct boot.</summary>
    public ulong? FirmwareAddress { get; init; }

    /// <summary>Bytes reserved for the firmware from <see cref="FirmwareAddress"/>; 0 for direct boot.</summary>
    public ulong FirmwareSize { get; init; }

    /// <summary>Kernel load and entry address (2 MiB aligned).</summary>
    public ulong KernelAddress { get; init; }

    /// <summary>Bytes the kernel occupies in memory (0 when firmware boots without a kernel).</summary>
    public ulong KernelSize { get; init; }

    /// <summary>Initrd start, or null without an initrd.</summary>
    public ulong? InitrdAddress { get; init; }

    /// <summary>Initrd size in bytes.</summary>
    public ulong InitrdSize { get; init; }

    /// <summary>Initrd end (exclusive), for /chosen linux,initrd-end; null without an initrd.</summary>
    public ulong? InitrdEnd => InitrdAddress + InitrdSize;

    /// <summary>Devicetree blob address (2 MiB aligned), passed in a1.</summary>
    public ulong DtbAddress { get; init; }

    /// <summary>Devicetree blob size in bytes.</summary>
    public ulong DtbSize { get; init; }

    /// <summary>
    /// Layout for booting the kernel directly in S-mode, the VMM providing the SBI.
    /// <paramref name="kernelSize"/> should be the in-memory size (<see cref="LinuxImage.MemorySize"/>).
    /// </summary>
    public static BootLayout ForDirectBoot(ulong ramBase, ulong ramSize, ulong kernelTextOffset, ulong kernelSize,
        ulong initrdSize, ulong dtbSize)
    {
        ulong ramEnd = CheckRam(ramBase, ramSize);
        if (kernelSize == 0)
            throw new BootImageException("direct boot needs a kernel, but the kernel size is 0");
        ulong offset = Math.Max(AlignUp(kernelTextOffset, KernelAlignment, "kernel text_offset"), KernelAlignment);
        ulong kernel = AlignUp(Add(ramBase, offset, "kernel address"), KernelAlignment, "kernel address");
        return Place(ramBase, ramSize, ramEnd, firmwareAddress: null, firmwareSize: 0, kernel, kernelSize, initrdSize, dtbSize);
    }

    /// <summary>
    /// Layout for M-mode firmware (e.g. OpenSBI fw_dynamic) at the RAM base that then starts the
    /// kernel in S-mode. <paramref name="firmwareSize"/> counts from the RAM base to the end of the
    /// firmware image (for an ELF: highest segment end - RAM base). <paramref name="kernelSize"/> may
    /// be 0 when there is no kernel; the kernel address is still computed (fw_dynamic next_addr).
    /// </summary>
    public static BootLayout ForFirmwareBoot(ulong ramBase, ulong ramSize, ulong firmwareSize, ulong kernelSize,
        ulong initrdSize, ulong dtbSize)
    {
        ulong ramEnd = CheckRam(ramBase, ramSize);
        if (firmwareSize == 0)
            throw new BootImageException("firmware boot needs a firmware image, but its size is 0");
        if (firmwareSize > ramSize)
            throw new BootImageException($"firmware ({Size(firmwareSize)}) does not fit in RAM ({Size(ramSize)})");
        if (kernelSize == 0 && initrdSize != 0)
            throw new BootImageException("an initrd was given without a kernel");
        ulong kernel = AlignUp(ramBase + firmwareSize, KernelAlignment, "kernel address");
        return Place(ramBase, ramSize, ramEnd, ramBase, firmwareSize, kernel, kernelSize, initrdSize, dtbSize);
    }

    private static BootLayout Place(ulong ramBase, ulong ramSize, ulong ramEnd, ulong? firmwareAddress, ulong firmwareSize,
        ulong kernel, ulong kernelSize, ulong initrdSize, ulong dtbSize)
    {
        if (dtbSize == 0)
            throw new BootImageException("the devicetree blob is empty");
        if (kernel > ramEnd || kernelSize > ramEnd - kernel)
            throw new BootImageException(
                $"kernel ({Size(kernelSize)} at 0x{kernel:x}) does not fit in RAM 0x{ramBase:x}-0x{ramEnd:x} ({Size(ramSize)})");
        ulong kernelEnd = kernel + kernelSize;

        ulong? initrd = null;
        ulong usedEnd = kernelEnd;
        if (initrdSize != 0)
        {
            ulong start = Add(kernel, Math.Min(ramSize / 2, MaxInitrdOffset), "initrd address");
            start = Math.Max(start, kernelEnd);
            start = AlignUp(start, InitrdAlignment, "initrd address");
            if (start > ramEnd || initrdSize > ramEnd - start)
                throw new BootImageException(
                    $"initrd ({Size(initrdSize)} at 0x{start:x}) does not fit in RAM 0x{ramBase:x}-0x{ramEnd:x} ({Size(ramSize)})");
            initrd = start;
            usedEnd = start + initrdSize;
        }

        ulong top = ramBase < DtbCeiling ? Math.Min(ramEnd, DtbCeiling) : ramEnd;
        if (dtbSize > top - ramBase)
            throw new BootImageException($"devicetree ({Size(dtbSize)}) does not fit in RAM below 0x{top:x}");
        ulong dtb = AlignDown(top - dtbSize, DtbAlignment);
        if (dtb < ramBase || dtb < usedEnd)
        {
            string what = initrd.HasValue ? "initrd" : "kernel";
            throw new BootImageException(
                $"devicetree at 0x{Math.Max(dtb, ramBase):x} would overlap the {what} ending at 0x{usedEnd:x}; " +
                $"RAM 0x{ramBase:x}-0x{ramEnd:x} ({Size(ramSize)}) is too small for this kernel/initrd");
        }

        return new BootLayout
        {
            FirmwareAddress = firmwareAddress,
            FirmwareSize = firmwareSize,
            KernelAddress = kernel,
            KernelSize = kernelSize,
            InitrdAddress = initrd,
            InitrdSize = initrdSize,
            DtbAddress = dtb,
            DtbSize = dtbSize,
        };
    }

    private static ulong CheckRam(ulong ramBase, ulong ramSize)
    {
        if (ramSize == 0)
            throw new BootImageException("RAM size is 0");
        return Add(ramBase, ramSize, "end of RAM");
    }

    private static ulong Add(ulong a, ulong b, string what)
    {
        ulong r = a + b;
        if (r < a)
            throw new BootImageException($"{what} overflows the 64-bit address space (0x{a:x} + 0x{b:x})");
        return r;
    }

    private static ulong AlignUp(ulong value, ulong alignment, string what) =>
        Add(value, alignment - 1, what) & ~(alignment - 1);

    private static ulong AlignDown(ulong value, ulong alignment) => value & ~(alignment - 1);

    private static string Size(ulong bytes) =>
        bytes >= MiB
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)MiB:0.#} MiB")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes");
}
