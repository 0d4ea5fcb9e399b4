using SharpVirt.Machine.DeviceTree;

namespace SharpVirt.Tests.Boot;

public class VirtDeviceTreeTests
{
    private static readonly VirtBoardDescription Smp2 = new() { HartCount = 2, RamSize = 512UL << 20 };

    // Node blocks copied from `dtc -I dtb -O dts` of QEMU 7.2's blob for `-M virt -smp 2 -m 512M`.
    private static readonly string[] ReferenceBlocks =
    [
        """
        poweroff {
        value = <0x5555>;
        offset = <0x00>;
        regmap = <0x06>;
        compatible = "syscon-poweroff";
        };
        """,
        """
        reboot {
        value = <0x7777>;
        offset = <0x00>;
        regmap = <0x06>;
        compatible = "syscon-reboot";
        };
        """,
        """
        memory@80000000 {
        device_type = "memory";
        reg = <0x00 0x80000000 0x00 0x20000000>;
        };
        """,
        """
        cpu-map {

        cluster0 {

        core0 {
        cpu = <0x03>;
        };

        core1 {
        cpu = <0x01>;
        };
        };
        };
        """,
        """
        rtc@101000 {
        interrupts = <0x0b>;
        interrupt-parent = <0x05>;
        reg = <0x00 0x101000 0x00 0x1000>;
        compatible = "google,goldfish-rtc";
        };
        """,
        """
        serial@10000000 {
        interrupts = <0x0a>;
        interrupt-parent = <0x05>;
        clock-frequency = "\08@";
        reg = <0x00 0x10000000 0x00 0x100>;
        compatible = "ns16550a";
        };
        """,
        """
        test@100000 {
        phandle = <0x06>;
        reg = <0x00 0x100000 0x00 0x1000>;
        compatible = "sifive,test1\0sifive,test0\0syscon";
        };
        """,
        """
        virtio_mmio@10008000 {
        interrupts = <0x08>;
        interrupt-parent = <0x05>;
        reg = <0x00 0x10008000 0x00 0x1000>;
        compatible = "virtio,mmio";
        };
        """,
        """
        virtio_mmio@10001000 {
        interrupts = <0x01>;
        interrupt-parent = <0x05>;
        reg = <0x00 0x10001000 0x00 0x1000>;
        compatible = "virtio,mmio";
        };
        """,
        """
        clint@2000000 {
        interrupts-extended = <0x04 0x03 0x04 0x07 0x02 0x03 0x02 0x07>;
        reg = <0x00 0x2000000 0x00 0x10000>;
        compatible = "sifive,clint0\0riscv,clint0";
        };
        """,
        """
        interrupt-controller {
        #interrupt-cells = <0x01>;
        interrupt-controller;
        compatible = "riscv,cpu-intc";
        phandle = <0x04>;
        };
        """,
    ];

    private static string Normalize(string dts) =>
        string.Join('\n', dts.Replace("\r", "").Split('\n').Select(l => l.Trim()));

    private static FdtNode Parse(VirtBoardDescription d) => new FdtTestReader(VirtDeviceTree.Build(d)).Root;

    [Fact]
    public void Decompiles_cleanly_and_matches_qemu_reference_nodes()
    {
        var (exit, dts, warnings) = ExternalTool.Decompile(VirtDeviceTree.Build(Smp2));
        Assert.True(exit == 0, warnings);
        // QEMU's own tree draws the same "interrupt_provider" note for riscv,cpu-intc nodes; nothing else is allowed.
        var other = warnings.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.Contains("interrupt_provider") || !l.Contains("/interrupt-controller: Missing #address-cells"));
        Assert.Empty(other);

        var text = Normalize(dts);
        foreach (var block in ReferenceBlocks)
            Assert.Contains(Normalize(block), text);

        // PLIC as in the reference except riscv,ndev (QEMU 7.2 wrote 0x60; the source count minus one is 0x5f).
        Assert.Contains(Normalize("""
            plic@c000000 {
            phandle = <0x05>;
            riscv,ndev = <0x5f>;
            reg = <0x00 0xc000000 0x00 0x600000>;
            interrupts-extended = <0x04 0x0b 0x04 0x09 0x02 0x0b 0x02 0x09>;
            interrupt-controller;
            compatible = "sifive,plic-1.0.0\0riscv,plic0";
            #address-cells = <0x00>;
            #interrupt-cells = <0x01>;
            };
            """), text);

        Assert.Contains(Normalize("""
            cpu@1 {
            phandle = <0x01>;
            device_type = "cpu";
            reg = <0x01>;
            status = "okay";
            compatible = "riscv";
            riscv,isa-extensions = "i\0m\0a\0f\0d\0c\0zicsr\0zifencei\0zihintpause\0zba\0zbb\0zbs\0sstc";
            riscv,isa-base = "rv64i";
            riscv,isa = "rv64imafdc_zicsr_zifencei_zihintpause_zba_zbb_zbs_sstc";
            mmu-type = "riscv,sv48";
            """), text);
    }

    [Fact]
    public void Node_order_matches_qemu()
    {
        var root = Parse(Smp2);
        Assert.Equal(["chosen", "poweroff", "reboot", "memory@80000000", "cpus", "soc"], root.Children.Select(c => c.Name));
        Assert.Equal(["#address-cells", "#size-cells", "compatible", "model"], root.Properties.Select(p => p.Name));
        Assert.Equal("riscv-virtio", root.Str("compatible"));
        Assert.Equal("riscv-virtio,qemu", root.Str("model"));
        Assert.Equal(
            ["rtc@101000", "serial@10000000", "test@100000",
             "virtio_mmio@10008000", "virtio_mmio@10007000", "virtio_mmio@10006000", "virtio_mmio@10005000",
             "virtio_mmio@10004000", "virtio_mmio@10003000", "virtio_mmio@10002000", "virtio_mmio@10001000",
             "plic@c000000", "clint@2000000"],
            root.Child("soc").Children.Select(c => c.Name));
        Assert.Equal(["cpu@0", "cpu@1", "cpu-map"], root.Child("cpus").Children.Select(c => c.Name));
        Assert.Equal(10_000_000u, root.Child("cpus").U32("timebase-frequency"));
    }

    [Fact]
    public void Phandle_references_resolve()
    {
        var root = Parse(Smp2 with { HartCount = 4 });
        var byPhandle = new Dictionary<uint, FdtNode>();
        void Collect(FdtNode n)
        {
            if (n.Has("phandle"))
                byPhandle.Add(n.U32("phandle"), n);
            n.Children.ForEach(Collect);
        }
        Collect(root);

        var soc = root.Child("soc");
        var plic = soc.Child("plic@c000000");
        Assert.Same(plic, byPhandle[soc.Child("serial@10000000").U32("interrupt-parent")]);
        Assert.Same(soc.Child("test@100000"), byPhandle[root.Child("poweroff").U32("regmap")]);

        var cpus = root.Child("cpus");
        var plicCells = plic.Cells("interrupts-extended");
        var clintCells = soc.Child("clint@2000000").Cells("interrupts-extended");
        for (int cpu = 0; cpu < 4; cpu++)
        {
            var cpuNode = cpus.Child($"cpu@{cpu}");
            var intc = cpuNode.Child("interrupt-controller");
            Assert.Equal((uint)cpu, cpuNode.U32("reg"));
            Assert.Same(cpuNode, byPhandle[cpus.At($"cpu-map/cluster0/core{cpu}").U32("cpu")]);
            Assert.Equal([intc.U32("phandle"), 11u, intc.U32("phandle"), 9u], plicCells[(cpu * 4)..(cpu * 4 + 4)]);
            Assert.Equal([intc.U32("phandle"), 3u, intc.U32("phandle"), 7u], clintCells[(cpu * 4)..(cpu * 4 + 4)]);
        }
    }

    [Fact]
    public void Chosen_carries_bootargs_initrd_seed_and_stdout()
    {
        var seed = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var chosen = Parse(Smp2 with
        {
            Bootargs = "console=ttyS0 earlycon",
            InitrdStart = 0x1_8820_0000,
            InitrdEnd = 0x1_8840_0000,
            RngSeed = seed,
        }).Child("chosen");
        Assert.Equal("console=ttyS0 earlycon", chosen.Str("bootargs"));
        Assert.Equal(0x1_8820_0000UL, chosen.U64("linux,initrd-start"));
        Assert.Equal(0x1_8840_0000UL, chosen.U64("linux,initrd-end"));
        Assert.Equal(seed, chosen.Prop("rng-seed"));
        Assert.Equal("/soc/serial@10000000", chosen.Str("stdout-path"));

        var bare = Parse(Smp2).Child("chosen");
        Assert.Equal(["stdout-path"], bare.Properties.Select(p => p.Name));
    }

    [Fact]
    public void Description_options_are_honoured()
    {
        var root = Parse(new VirtBoardDescription
        {
            HartCount = 1,
            RamBase = 0x8000_0000,
            RamSize = 4UL << 30,
            IsaString = "rv64gc_sstc",
            MmuType = "riscv,sv57",
            VirtioMmioSlots = 2,
            PlicNdev = 96,
        });
        Assert.Equal([0u, 0x8000_0000u, 1u, 0u], root.Child("memory@80000000").Cells("reg"));
        var cpu = root.At("cpus/cpu@0");
        Assert.Equal("riscv,sv57", cpu.Str("mmu-type"));
        Assert.Equal(["i", "m", "a", "f", "d", "zicsr", "zifencei", "c", "sstc"], cpu.Strings("riscv,isa-extensions"));
        var soc = root.Child("soc");
        Assert.Equal(["virtio_mmio@10002000", "virtio_mmio@10001000"], soc.Children.Where(c => c.Name.StartsWith("virtio")).Select(c => c.Name));
        Assert.Equal(96u, soc.Child("plic@c000000").U32("riscv,ndev"));
    }

    [Fact]
    public void Explicit_extension_list_wins_over_the_isa_string()
    {
        var cpu = Parse(Smp2 with { IsaExtensions = ["i", "m", "zicsr"] }).At("cpus/cpu@1");
        Assert.Equal(["i", "m", "zicsr"], cpu.Strings("riscv,isa-extensions"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(513)]
    public void Invalid_hart_count_is_rejected(int harts) =>
        Assert.Throws<ArgumentException>(() => VirtDeviceTree.Build(Smp2 with { HartCount = harts }));

    [Fact]
    public void Invalid_descriptions_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => VirtDeviceTree.Build(Smp2 with { VirtioMmioSlots = 9 }));
        Assert.Throws<ArgumentException>(() => VirtDeviceTree.Build(Smp2 with { MmuType = "riscv,sv32" }));
        Assert.Throws<ArgumentException>(() => VirtDeviceTree.Build(Smp2 with { InitrdStart = 0x8800_0000 }));
        Assert.Throws<ArgumentException>(() => VirtDeviceTree.Build(Smp2 with { InitrdStart = 2, InitrdEnd = 1 }));
        Assert.Throws<ArgumentException>(() => VirtDeviceTree.Build(Smp2 with { IsaString = "rv32imac" }));
        Assert.Throws<ArgumentException>(() => VirtDeviceTree.Build(Smp2 with { RamSize = 0 }));
        Assert.Throws<ArgumentException>(() => VirtDeviceTree.Build(Smp2 with { RngSeed = [] }));
    }

    [Theory]
    [InlineData("rv64imafdc_zicsr_zifencei", "rv64i", "i,m,a,f,d,c,zicsr,zifencei")]
    [InlineData("RV64GC", "rv64i", "i,m,a,f,d,zicsr,zifencei,c")]
    [InlineData("rv64i2p1m2p0a_zba", "rv64i", "i,m,a,zba")]
    public void Isa_string_is_split_into_base_and_extensions(string isa, string expectedBase, string expected)
    {
        Assert.Equal(expectedBase, RiscvIsaString.Base(isa));
        Assert.Equal(expected.Split(','), RiscvIsaString.Extensions(isa));
    }

    [Theory]
    [InlineData("rv64")]
    [InlineData("rv64xyz")]
    [InlineData("rv64imac__zba")]
    public void Malformed_isa_strings_are_rejected(string isa) =>
        Assert.Throws<ArgumentException>(() => RiscvIsaString.Extensions(isa));
}
