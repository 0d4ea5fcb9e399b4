using System.Security.Cryptography;
using SharpVirt.Cpu;
using SharpVirt.Cpu.Mmu;
using SharpVirt.Machine.Boot;
using SharpVirt.Machine.DeviceTree;
using SharpVirt.Machine.Vstate;
using SharpVirt.Memory;

namespace SharpVirt.Machine.Board;

/// <summary>What a boot prepared: who implements the SBI, which harts run at once, and HTIF's tohost.</summary>
public readonly record struct BootResult(bool SbiInVmm, bool StartAll, ulong? ToHost, ulong DtbAddress);

/// <summary>
/// Places the boot images in guest RAM and sets up the harts for one of three boots: a bare M-mode
/// program (`--bios none`), M-mode firmware with fw_dynamic info (`--bios FILE`), or a direct S-mode
/// Linux boot with the VMM as the SBI (Linux boot protocol, Documentation/arch/riscv/boot.rst).
/// </summary>
public static class BootLoader
{
    /// <summary>The translation modes Linux may pick: like QEMU 7.2's virt board, up to Sv48.</summary>
    public const ulong LinuxSatpMode = Satp.Sv48;

    public static BootResult Load(Vm vm, VmConfig c)
    {
        var memory = vm.Memory;
        var harts = vm.Vcpus.Select(v => v.Hart).ToArray();
        ulong ramSize = c.MemorySize;
        if (c.BareMetal)
            return LoadBareMetal(vm, c, memory, harts);

        byte[]? fwData = c.FirmwareBoot ? ReadFile(c.Bios!, "firmware") : null;
        byte[]? initrd = c.Initrd is null ? null : ReadFile(c.Initrd, "initrd");
        if (initrd is { Length: 0 })
            throw new BootImageException($"initrd '{c.Initrd}' is empty");
        using var kernel = c.Kernel is null ? null : KernelImage.Open(c.Kernel, "kernel");
        // Sized with placeholder initrd bounds: the real ones have the same encoding length.
        int dtbSize = BuildDtb(vm, c, initrd is null ? null : 0UL, initrd is null ? null : 0UL).Length;

        if (fwData is not null)
        {
            var firmware = KernelImage.Parse(fwData, c.Bios!, rawAllowed: true);
            var layout = BootLayout.ForFirmwareBoot(VirtLayout.RamBase, ramSize, firmware.Span(VirtLayout.RamBase),
                kernel?.MemorySize ?? 0, (ulong)(initrd?.Length ?? 0), (ulong)dtbSize);
            firmware.LoadAt(memory, VirtLayout.RamBase);
            kernel?.LoadAt(memory, layout.KernelAddress);
            byte[] dtb = PlaceInitrdAndDtb(vm, c, memory, layout, initrd);
            var info = new FwDynamicInfo { NextAddress = layout.KernelAddress, BootHart = ulong.MaxValue };
            ulong infoAddress = layout.DtbAddress - 0x1000;
            memory.Write(infoAddress, info.ToBytes());
            ulong entry = firmware.EntryAt(VirtLayout.RamBase);
            foreach (var h in harts)
            {
                h.Reset(entry);
                h.MaxSatpMode = LinuxSatpMode;
                h.SetX(10, (ulong)h.HartId);
                h.SetX(11, layout.DtbAddress);
                h.SetX(12, infoAddress);
            }
            _ = dtb;
            return new BootResult(false, true, null, layout.DtbAddress);
        }

        if (kernel is null)
            throw new BootImageException("no kernel given (--kernel)");
        var direct = BootLayout.ForDirectBoot(VirtLayout.RamBase, ramSize, kernel.TextOffset, kernel.MemorySize,
            (ulong)(initrd?.Length ?? 0), (ulong)dtbSize);
        kernel.LoadAt(memory, direct.KernelAddress);
        PlaceInitrdAndDtb(vm, c, memory, direct, initrd);
        foreach (var h in harts)
        {
            h.Reset(0);
            h.MaxSatpMode = LinuxSatpMode;
        }
        harts[0].StartSupervisor(kernel.EntryAt(direct.KernelAddress), 0, direct.DtbAddress);
        return new BootResult(true, false, null, direct.DtbAddress);
    }

    private static BootResult LoadBareMetal(Vm vm, VmConfig c, GuestMemory memory, Hart[] harts)
    {
        if (c.Kernel is null)
            throw new BootImageException("--bios none needs a program to run (--kernel)");
        var program = KernelImage.Parse(ReadFile(c.Kernel, "kernel"), c.Kernel, rawAllowed: true);
        program.LoadAt(memory, VirtLayout.RamBase);
        byte[] dtb = BuildDtb(vm, c, null, null);
        ulong top = VirtLayout.RamBase + Math.Min(c.MemorySize, BootLayout.DtbCeiling - VirtLayout.RamBase);
        ulong dtbAddress = (top - (ulong)dtb.Length) & ~(BootLayout.DtbAlignment - 1);
        if (dtbAddress < VirtLayout.RamBase + program.Span(VirtLayout.RamBase))
            throw new BootImageException("the program leaves no room in RAM for the device tree; give more --memory");
        memory.Write(dtbAddress, dtb);
        ulong entry = program.EntryAt(VirtLayout.RamBase);
        foreach (var h in harts)
        {
            h.Reset(entry);
            h.SetX(10, (ulong)h.HartId);
            h.SetX(11, dtbAddress);
        }
        return new BootResult(false, true, program.ToHost, dtbAddress);
    }

    private static byte[] PlaceInitrdAndDtb(Vm vm, VmConfig c, GuestMemory memory, BootLayout layout, byte[]? initrd)
    {
        if (initrd is not null)
            memory.Write(layout.InitrdAddress!.Value, initrd);
        byte[] dtb = BuildDtb(vm, c, layout.InitrdAddress, layout.InitrdEnd);
        if ((ulong)dtb.Length != layout.DtbSize)
            throw new InvalidOperationException("device tree size changed between layout and build");
        memory.Write(layout.DtbAddress, dtb);
        return dtb;
    }

    /// <summary>The board's device tree; also written to --dtb-out when asked.</summary>
    public static byte[] BuildDtb(Vm vm, VmConfig c, ulong? initrdStart, ulong? initrdEnd)
    {
        var description = new VirtBoardDescription
        {
            HartCount = c.Cpus,
            RamSize = c.MemorySize,
            IsaString = Hart.IsaString,
            MmuType = c.BareMetal ? "riscv,sv57" : "riscv,sv48",
            Bootargs = c.Append,
            InitrdStart = initrdStart,
            InitrdEnd = initrdEnd,
            RngSeed = RandomNumberGenerator.GetBytes(32),
        };
        byte[] dtb = VirtDeviceTree.Build(description);
        if (c.DtbOut is not null && initrdStart != 0)
            File.WriteAllBytes(c.DtbOut, dtb);
        return dtb;
    }

    internal static byte[] ReadFile(string path, string what) => Reading(path, what, () => File.ReadAllBytes(path));

    /// <summary>Runs <paramref name="read"/> on the file at <paramref name="path"/>, turning a failure into a <see cref="BootImageException"/> that names it.</summary>
    internal static T Reading<T>(string path, string what, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new BootImageException($"cannot read {what} '{path}': {e.Message}");
        }
    }
}
