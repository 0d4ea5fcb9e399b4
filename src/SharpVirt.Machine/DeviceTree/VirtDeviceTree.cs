namespace SharpVirt.Machine.DeviceTree;

/// <summary>
/// Builds the devicetree of the QEMU <c>virt</c> board for the devices SharpVirt models, in the
/// shape QEMU 7.2 produces (hw/riscv/virt.c create_fdt): same node names, properties, phandle
/// numbering and node/property order as <c>dtc -I dtb</c> shows for QEMU's blob.
/// </summary>
/// <remarks>
/// QEMU's libfdt inserts each new node and property in front of its siblings, so the blob lists
/// them in reverse order of creation; the order below is the resulting on-blob order.
/// </remarks>
public static class VirtDeviceTree
{
    // QEMU virt memory map (hw/riscv/virt.c virt_memmap).
    private const ulong TestBase = 0x10_0000, TestSize = 0x1000;
    private const ulong RtcBase = 0x10_1000, RtcSize = 0x1000;
    private const ulong ClintBase = 0x200_0000, ClintSize = 0x1_0000;
    private const ulong PlicBase = 0xc00_0000;
    private const ulong UartBase = 0x1000_0000, UartSize = 0x100;
    private const ulong VirtioBase = 0x1000_1000, VirtioStride = 0x1000, VirtioSize = 0x1000;

    // PLIC window sized for VIRT_CPUS_MAX (512) harts x 2 contexts: 0x200000 + 1024 * 0x1000.
    private const ulong PlicSize = 0x60_0000;
    private const int MaxHarts = 512;
    private const int MaxVirtioSlots = 8;

    // PLIC sources (include/hw/riscv/virt.h).
    private const uint VirtioIrq = 1, UartIrq = 10, RtcIrq = 11;

    // RISC-V Privileged spec §3.1.9 mip/mie bit numbers, used as cpu-intc interrupt specifiers.
    private const uint IrqMSoft = 3, IrqMTimer = 7, IrqSExt = 9, IrqMExt = 11;

    // ns16550a input clock, 3.6864 MHz.
    private const uint UartClock = 3_686_400;

    // sifive,test finisher codes used by the syscon poweroff/reboot nodes.
    private const uint FinisherPass = 0x5555, FinisherReset = 0x7777;

    /// <summary>Builds the DTB for <paramref name="d"/>; throws <see cref="ArgumentException"/> for an invalid description.</summary>
    public static byte[] Build(VirtBoardDescription d)
    {
        ArgumentNullException.ThrowIfNull(d);
        Validate(d);
        var isaExtensions = d.IsaExtensions is { Count: > 0 } list ? list.ToArray() : RiscvIsaString.Extensions(d.IsaString).ToArray();
        string isaBase = RiscvIsaString.Base(d.IsaString);

        var fdt = new FdtBuilder();

        // Phandles in QEMU's allocation order: harts from last to first (cpu, then its intc),
        // then the PLIC, then the test device.
        var cpuPhandle = new uint[d.HartCount];
        var intcPhandle = new uint[d.HartCount];
        for (int cpu = d.HartCount - 1; cpu >= 0; cpu--)
        {
            cpuPhandle[cpu] = fdt.AllocatePhandle();
            intcPhandle[cpu] = fdt.AllocatePhandle();
        }
        uint plicPhandle = fdt.AllocatePhandle();
        uint testPhandle = fdt.AllocatePhandle();

        fdt.BeginNode("");
        // DT spec §3.2 root node: 64-bit addresses and sizes.
        fdt.Property("#address-cells", 2u);
        fdt.Property("#size-cells", 2u);
        fdt.Property("compatible", "riscv-virtio");
        fdt.Property("model", "riscv-virtio,qemu");

        WriteChosen(fdt, d);
        WriteSysconReset(fdt, "poweroff", "syscon-poweroff", FinisherPass, testPhandle);
        WriteSysconReset(fdt, "reboot", "syscon-reboot", FinisherReset, testPhandle);

        // DT spec §3.4 memory node.
        fdt.BeginNode($"memory@{d.RamBase:x}");
        fdt.Property("device_type", "memory");
        fdt.PropertyU64("reg", d.RamBase, d.RamSize);
        fdt.EndNode();

        WriteCpus(fdt, d, isaBase, isaExtensions, cpuPhandle, intcPhandle);

        // DT spec §3.7 / simple-bus: identity-mapped SoC bus.
        fdt.BeginNode("soc");
        fdt.Property("#address-cells", 2u);
        fdt.Property("#size-cells", 2u);
        fdt.Property("compatible", "simple-bus");
        fdt.EmptyProperty("ranges");

        fdt.BeginNode($"rtc@{RtcBase:x}");
        fdt.Property("interrupts", RtcIrq);
        fdt.Property("interrupt-parent", plicPhandle);
        fdt.PropertyU64("reg", RtcBase, RtcSize);
        fdt.Property("compatible", "google,goldfish-rtc");
        fdt.EndNode();

        fdt.BeginNode($"serial@{UartBase:x}");
        fdt.Property("interrupts", UartIrq);
        fdt.Property("interrupt-parent", plicPhandle);
        fdt.Property("clock-frequency", UartClock);
        fdt.PropertyU64("reg", UartBase, UartSize);
        fdt.Property("compatible", "ns16550a");
        fdt.EndNode();

        fdt.BeginNode($"test@{TestBase:x}");
        fdt.Property("phandle", testPhandle);
        fdt.PropertyU64("reg", TestBase, TestSize);
        fdt.Property("compatible", new[] { "sifive,test1", "sifive,test0", "syscon" });
        fdt.EndNode();

        // QEMU creates slots 0..7 in order, so the blob lists them last to first.
        for (int n = d.VirtioMmioSlots - 1; n >= 0; n--)
        {
            ulong addr = VirtioBase + (ulong)n * VirtioStride;
            fdt.BeginNode($"virtio_mmio@{addr:x}");
            fdt.Property("interrupts", VirtioIrq + (uint)n);
            fdt.Property("interrupt-parent", plicPhandle);
            fdt.PropertyU64("reg", addr, VirtioSize);
            fdt.Property("compatible", "virtio,mmio");
            fdt.EndNode();
        }

        // PLIC binding (sifive,plic-1.0.0): per hart an M-mode (11) and S-mode (9) external context.
        var plicIrqs = new List<uint>();
        var clintIrqs = new List<uint>();
        for (int cpu = 0; cpu < d.HartCount; cpu++)
        {
            plicIrqs.AddRange([intcPhandle[cpu], IrqMExt, intcPhandle[cpu], IrqSExt]);
            clintIrqs.AddRange([intcPhandle[cpu], IrqMSoft, intcPhandle[cpu], IrqMTimer]);
        }

        fdt.BeginNode($"plic@{PlicBase:x}");
        fdt.Property("phandle", plicPhandle);
        fdt.Property("riscv,ndev", d.PlicNdev);
        fdt.PropertyU64("reg", PlicBase, PlicSize);
        fdt.Property("interrupts-extended", plicIrqs.ToArray());
        fdt.EmptyProperty("interrupt-controller");
        fdt.Property("compatible", new[] { "sifive,plic-1.0.0", "riscv,plic0" });
        fdt.Property("#address-cells", 0u);
        fdt.Property("#interrupt-cells", 1u);
        fdt.EndNode();

        // CLINT binding (sifive,clint0): per hart machine software (3) and timer (7) interrupts.
        fdt.BeginNode($"clint@{ClintBase:x}");
        fdt.Property("interrupts-extended", clintIrqs.ToArray());
        fdt.PropertyU64("reg", ClintBase, ClintSize);
        fdt.Property("compatible", new[] { "sifive,clint0", "riscv,clint0" });
        fdt.EndNode();

        fdt.EndNode(); // soc
        fdt.EndNode(); // root
        return fdt.Finish();
    }

    // DT spec §3.6 /chosen.
    private static void WriteChosen(FdtBuilder fdt, VirtBoardDescription d)
    {
        fdt.BeginNode("chosen");
        if (d.InitrdStart is ulong start && d.InitrdEnd is ulong end)
        {
            // Linux reads these with the property's own length, so 64-bit values work on any RAM layout.
            fdt.Property("linux,initrd-end", end);
            fdt.Property("linux,initrd-start", start);
        }
        if (!string.IsNullOrEmpty(d.Bootargs))
            fdt.Property("bootargs", d.Bootargs);
        if (d.RngSeed is { } seed)
            fdt.Property("rng-seed", seed);
        fdt.Property("stdout-path", d.StdoutPath);
        fdt.EndNode();
    }

    // Linux bindings power/reset/syscon-poweroff.yaml and syscon-reboot.yaml.
    private static void WriteSysconReset(FdtBuilder fdt, string name, string compatible, uint value, uint regmap)
    {
        fdt.BeginNode(name);
        fdt.Property("value", value);
        fdt.Property("offset", 0u);
        fdt.Property("regmap", regmap);
        fdt.Property("compatible", compatible);
        fdt.EndNode();
    }

    // DT spec §3.7 /cpus and §3.8 cpu nodes; Linux bindings riscv/cpus.yaml and cpu/cpu-topology.txt.
    private static void WriteCpus(FdtBuilder fdt, VirtBoardDescription d, string isaBase, string[] isaExtensions,
        uint[] cpuPhandle, uint[] intcPhandle)
    {
        fdt.BeginNode("cpus");
        fdt.Property("#address-cells", 1u);
        fdt.Property("#size-cells", 0u);
        fdt.Property("timebase-frequency", d.TimebaseFrequency);

        for (int cpu = 0; cpu < d.HartCount; cpu++)
        {
            fdt.BeginNode($"cpu@{cpu:x}");
            fdt.Property("phandle", cpuPhandle[cpu]);
            fdt.Property("device_type", "cpu");
            fdt.Property("reg", (uint)cpu);
            fdt.Property("status", "okay");
            fdt.Property("compatible", "riscv");
            fdt.Property("riscv,isa-extensions", isaExtensions);
            fdt.Property("riscv,isa-base", isaBase);
            fdt.Property("riscv,isa", d.IsaString);
            fdt.Property("mmu-type", d.MmuType);

            // Local interrupt controller (riscv,cpu-intc): one cell, the mip/mie bit number.
            fdt.BeginNode("interrupt-controller");
            fdt.Property("#interrupt-cells", 1u);
            fdt.EmptyProperty("interrupt-controller");
            fdt.Property("compatible", "riscv,cpu-intc");
            fdt.Property("phandle", intcPhandle[cpu]);
            fdt.EndNode();

            fdt.EndNode();
        }

        // One socket, one cluster, one core per hart (QEMU create_fdt_socket_cpus / cpu-map).
        fdt.BeginNode("cpu-map");
        fdt.BeginNode("cluster0");
        for (int cpu = 0; cpu < d.HartCount; cpu++)
        {
            fdt.BeginNode($"core{cpu}");
            fdt.Property("cpu", cpuPhandle[cpu]);
            fdt.EndNode();
        }
        fdt.EndNode();
        fdt.EndNode();

        fdt.EndNode();
    }

    private static void Validate(VirtBoardDescription d)
    {
        if (d.HartCount is < 1 or > MaxHarts)
            throw new ArgumentException($"hart count {d.HartCount} is outside 1..{MaxHarts}", nameof(d));
        if (d.RamSize == 0)
            throw new ArgumentException("RAM size must be non-zero", nameof(d));
        if (d.RamBase + d.RamSize < d.RamBase)
            throw new ArgumentException($"RAM 0x{d.RamBase:x}+0x{d.RamSize:x} wraps around the address space", nameof(d));
        if (d.MmuType is not ("riscv,sv39" or "riscv,sv48" or "riscv,sv57"))
            throw new ArgumentException($"mmu-type \"{d.MmuType}\" is not riscv,sv39, riscv,sv48 or riscv,sv57", nameof(d));
        if (d.VirtioMmioSlots is < 0 or > MaxVirtioSlots)
            throw new ArgumentException($"virtio-mmio slot count {d.VirtioMmioSlots} is outside 0..{MaxVirtioSlots}", nameof(d));
        if (d.InitrdStart.HasValue != d.InitrdEnd.HasValue)
            throw new ArgumentException("set both InitrdStart and InitrdEnd, or neither", nameof(d));
        if (d.InitrdStart > d.InitrdEnd)
            throw new ArgumentException($"initrd start 0x{d.InitrdStart:x} is above its end 0x{d.InitrdEnd:x}", nameof(d));
        if (d.RngSeed is { Length: 0 })
            throw new ArgumentException("rng-seed must not be empty", nameof(d));
        if (string.IsNullOrEmpty(d.StdoutPath))
            throw new ArgumentException("stdout-path must not be empty", nameof(d));
        if (d.IsaExtensions is { Count: > 0 } exts && !exts.Contains("i"))
            throw new ArgumentException("riscv,isa-extensions must include the base \"i\"", nameof(d));
        // Also validates the ISA string itself (throws ArgumentException when malformed).
        _ = RiscvIsaString.Extensions(d.IsaString);
    }
}
