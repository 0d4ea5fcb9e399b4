using SharpVirt.Machine.Boot;

namespace SharpVirt.Tests.Boot;

public class BootLayoutTests
{
    private const ulong MiB = 1 << 20, GiB = 1UL << 30, Ram = 0x8000_0000;

    [Fact]
    public void Firmware_boot_matches_qemu_512m()
    {
        // qemu-system-riscv64 -M virt -m 512M: OpenSBI (296 KiB) at 0x80000000, kernel 0x80200000,
        // initrd kernel+128 MiB, FDT 0x9fe00000 ("Domain0 Next Arg1" in QEMU's boot log).
        var l = BootLayout.ForFirmwareBoot(Ram, 512 * MiB, firmwareSize: 296 * 1024, kernelSize: 30 * MiB,
            initrdSize: 2360 * 1024, dtbSize: 0x1400);
        Assert.Equal(Ram, l.FirmwareAddress);
        Assert.Equal(0x8020_0000UL, l.KernelAddress);
        Assert.Equal(0x8820_0000UL, l.InitrdAddress);
        Assert.Equal(0x8820_0000UL + 2360 * 1024, l.InitrdEnd);
        Assert.Equal(0x9fe0_0000UL, l.DtbAddress);
    }

    [Fact]
    public void Direct_boot_honours_text_offset_and_2mib_alignment()
    {
        Assert.Equal(0x8020_0000UL, BootLayout.ForDirectBoot(Ram, 256 * MiB, 0x20_0000, 20 * MiB, 0, 0x1000).KernelAddress);
        Assert.Equal(0x8040_0000UL, BootLayout.ForDirectBoot(Ram, 256 * MiB, 0x30_0000, 20 * MiB, 0, 0x1000).KernelAddress);
        // text_offset 0 (M-mode style header) still leaves the first 2 MiB free.
        Assert.Equal(0x8020_0000UL, BootLayout.ForDirectBoot(Ram, 256 * MiB, 0, 20 * MiB, 0, 0x1000).KernelAddress);
        var l = BootLayout.ForDirectBoot(Ram, 256 * MiB, 0x20_0000, 20 * MiB, 0, 0x1000);
        Assert.Null(l.FirmwareAddress);
        Assert.Null(l.InitrdAddress);
        Assert.Null(l.InitrdEnd);
    }

    [Fact]
    public void Firmware_end_is_rounded_up_to_2mib()
    {
        var l = BootLayout.ForFirmwareBoot(Ram, GiB, 0x20_0001, 10 * MiB, 0, 0x1000);
        Assert.Equal(0x8040_0000UL, l.KernelAddress);
    }

    [Fact]
    public void Small_ram_puts_initrd_half_way()
    {
        var l = BootLayout.ForDirectBoot(Ram, 128 * MiB, 0x20_0000, 8 * MiB, 4 * MiB, 0x1000);
        Assert.Equal(0x8020_0000UL + 64 * MiB, l.InitrdAddress);
        Assert.Equal(Ram + 128 * MiB - 2 * MiB, l.DtbAddress);
    }

    [Fact]
    public void Initrd_moves_past_a_kernel_that_would_overlap_it()
    {
        // 64 MiB RAM: QEMU's rule gives kernel+32 MiB, inside a 40 MiB kernel.
        var l = BootLayout.ForDirectBoot(Ram, 64 * MiB, 0x20_0000, 40 * MiB + 5, 1 * MiB, 0x1000);
        Assert.Equal(0x8020_0000UL + 40 * MiB + 4096, l.InitrdAddress);
    }

    [Fact]
    public void Dtb_stays_below_3gib_when_ram_starts_below_it()
    {
        var l = BootLayout.ForDirectBoot(Ram, 8 * GiB, 0x20_0000, 30 * MiB, 10 * MiB, 0x2000);
        Assert.Equal(3 * GiB - 2 * MiB, l.DtbAddress);
        Assert.Equal(0x8820_0000UL, l.InitrdAddress);

        // RAM above 3 GiB: top of RAM.
        var high = BootLayout.ForDirectBoot(0x1_0000_0000, GiB, 0x20_0000, 30 * MiB, 0, 0x2000);
        Assert.Equal(0x1_4000_0000UL - 2 * MiB, high.DtbAddress);
    }

    [Fact]
    public void Things_that_do_not_fit_are_reported()
    {
        var ex = Assert.Throws<BootImageException>(() => BootLayout.ForDirectBoot(Ram, 16 * MiB, 0x20_0000, 20 * MiB, 0, 0x1000));
        Assert.Contains("kernel", ex.Message);
        Assert.Contains("does not fit", ex.Message);

        ex = Assert.Throws<BootImageException>(() => BootLayout.ForDirectBoot(Ram, 64 * MiB, 0x20_0000, 8 * MiB, 40 * MiB, 0x1000));
        Assert.Contains("initrd", ex.Message);

        // Initrd fits in RAM but runs into the devicetree's 2 MiB slot at the top.
        ex = Assert.Throws<BootImageException>(() => BootLayout.ForDirectBoot(Ram, 64 * MiB, 0x20_0000, 8 * MiB, 29 * MiB, 0x1000));
        Assert.Contains("devicetree", ex.Message);

        Assert.Throws<BootImageException>(() => BootLayout.ForDirectBoot(Ram, 0, 0x20_0000, 1, 0, 0x1000));
        Assert.Throws<BootImageException>(() => BootLayout.ForDirectBoot(Ram, 64 * MiB, 0x20_0000, 0, 0, 0x1000));
        Assert.Throws<BootImageException>(() => BootLayout.ForDirectBoot(Ram, 64 * MiB, 0x20_0000, 1, 0, 0));
        Assert.Throws<BootImageException>(() => BootLayout.ForDirectBoot(Ram, 64 * MiB, ulong.MaxValue, 1, 0, 0x1000));
        Assert.Throws<BootImageException>(() => BootLayout.ForDirectBoot(ulong.MaxValue - 10, 64 * MiB, 0, 1, 0, 0x1000));
        Assert.Throws<BootImageException>(() => BootLayout.ForFirmwareBoot(Ram, 64 * MiB, 0, 1, 0, 0x1000));
        Assert.Throws<BootImageException>(() => BootLayout.ForFirmwareBoot(Ram, 64 * MiB, 128 * MiB, 1, 0, 0x1000));
        Assert.Throws<BootImageException>(() => BootLayout.ForFirmwareBoot(Ram, 64 * MiB, 1, 0, 1, 0x1000));
    }

    [Fact]
    public void Firmware_without_kernel_is_allowed()
    {
        var l = BootLayout.ForFirmwareBoot(Ram, 64 * MiB, 0x4_0000, 0, 0, 0x1000);
        Assert.Equal(0x8020_0000UL, l.KernelAddress);
        Assert.Equal(0UL, l.KernelSize);
    }
}
