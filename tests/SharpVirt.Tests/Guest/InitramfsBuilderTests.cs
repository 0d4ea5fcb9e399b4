using System.IO.Compression;
using SharpVirt.Machine.Guest;

namespace SharpVirt.Tests.Guest;

public sealed class InitramfsBuilderTests : IDisposable
{
    private const string Release = "6.1.0-test-riscv64";
    private readonly string _root = Directory.CreateTempSubdirectory("sv-kpkg-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>A fake unpacked kernel .deb: Image, a few modules (plain and gzip) and modules.builtin.</summary>
    private KernelPackage FakeKernelPackage()
    {
        Directory.CreateDirectory(Path.Combine(_root, "boot"));
        var image = new byte[256];
        "RSC\x05"u8.CopyTo(image.AsSpan(0x38));
        File.WriteAllBytes(Path.Combine(_root, "boot", $"vmlinux-{Release}"), image);

        string mods = Path.Combine(_root, "usr/lib/modules", Release);
        void Module(string relative, byte[] elf, bool gzip = false)
        {
            string path = Path.Combine(mods, relative + (gzip ? ".gz" : ""));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (!gzip)
            {
                File.WriteAllBytes(path, elf);
                return;
            }
            using var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest);
            gz.Write(elf);
        }
        Module("kernel/drivers/virtio/virtio_mmio.ko", ElfTestModule.Module("virtio_mmio"));
        Module("kernel/net/core/failover.ko", ElfTestModule.Module("failover"), gzip: true);
        Module("kernel/drivers/net/net_failover.ko", ElfTestModule.Module("net_failover", "failover"));
        Module("kernel/drivers/net/virtio_net.ko", ElfTestModule.Module("virtio_net", "net_failover"), gzip: true);
        Module("kernel/drivers/char/hw_random/virtio-rng.ko", ElfTestModule.Module("virtio_rng"));
        Module("kernel/fs/unused.ko", ElfTestModule.Module("unused"));
        File.WriteAllText(Path.Combine(mods, "modules.builtin"), "kernel/drivers/char/virtio_console.ko\n");
        return KernelPackage.Open(_root);
    }

    private static async Task<(InitramfsContents Contents, List<CpioEntry> Entries)> Build(KernelPackage kp, params string[] modules)
    {
        var output = new MemoryStream();
        var contents = await InitramfsBuilder.BuildAsync(kp, [0x7F, (byte)'E', (byte)'L', (byte)'F'], modules, output, default);
        return (contents, CpioTestReader.ReadGzip(output.ToArray()));
    }

    [Fact]
    public void IndexesTheKernelPackage()
    {
        var kp = FakeKernelPackage();
        Assert.Equal(Release, kp.Release);
        Assert.True(kp.HasModule("virtio-rng"));
        Assert.Contains("virtio_console", kp.BuiltinModules);
    }

    [Fact]
    public async Task ContainsInitBusyboxAndModulesInLoadOrder()
    {
        var (contents, entries) = await Build(FakeKernelPackage(), "virtio_mmio", "virtio_net", "virtio_rng", "virtio_console");
        Assert.Equal(["virtio_mmio", "failover", "net_failover", "virtio_net", "virtio_rng"], contents.ModuleLoadOrder);
        Assert.Equal(["virtio_console"], contents.BuiltinModules);

        var byName = entries.ToDictionary(e => e.Name);
        Assert.Equal(0x1EDu, byName["init"].Permissions);
        Assert.Equal(0x1EDu, byName["bin/busybox"].Permissions);
        Assert.Equal("busybox", byName["bin/sh"].Text);
        Assert.Equal((5u, 1u), (byName["dev/console"].RdevMajor, byName["dev/console"].RdevMinor));
        foreach (var dir in new[] { "proc", "sys", "dev", "tmp", "root", "usr/bin", "usr/sbin", "sbin" })
            Assert.Equal(0x4000u, byName[dir].Type);

        string[] paths =
        [
            "kernel/drivers/virtio/virtio_mmio.ko", "kernel/net/core/failover.ko", "kernel/drivers/net/net_failover.ko",
            "kernel/drivers/net/virtio_net.ko", "kernel/drivers/char/hw_random/virtio-rng.ko",
        ];
        // Modules are stored uncompressed (gzip ones too) under lib/modules/RELEASE.
        foreach (var p in paths)
            Assert.Equal("\x7F" + "ELF", byName[$"lib/modules/{Release}/{p}"].Text[..4]);
        Assert.DoesNotContain(entries, e => e.Name.EndsWith(".gz", StringComparison.Ordinal) || e.Name.Contains("unused", StringComparison.Ordinal));

        string init = byName["init"].Text;
        Assert.StartsWith("#!/bin/sh\n", init);
        var positions = paths.Select(p => init.IndexOf(p, StringComparison.Ordinal)).ToList();
        Assert.All(positions, p => Assert.True(p > 0));
        Assert.Equal(positions.Order(), positions);
        Assert.Contains($"moddir=/lib/modules/{Release}", init);
        Assert.Contains("insmod \"$moddir/$m\"", init);
        Assert.Contains("svnet=*", init);
        Assert.EndsWith("exec /bin/busybox init\n", init);
        Assert.Contains("mount -t devtmpfs devtmpfs /dev", init);
        Assert.Contains("/bin/busybox --install -s", init);

        Assert.Equal(
            "kernel/drivers/virtio/virtio_mmio.ko:\nkernel/net/core/failover.ko:\nkernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko\n"
            + "kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko\n"
            + "kernel/drivers/char/hw_random/virtio-rng.ko:\n",
            byName[$"lib/modules/{Release}/modules.dep"].Text);
        Assert.Contains("PS1='\\w # '", byName["etc/shrc"].Text);
        Assert.Contains("::once:/etc/sharpvirt-console", byName["etc/inittab"].Text);
        var console = byName["etc/sharpvirt-console"];
        Assert.Equal(0x1EDu, console.Permissions);
        Assert.Contains($"echo \"{GuestInitScript.ReadyMarker}\"", console.Text);
        Assert.Contains("setsid cttyhack sh", console.Text);
        Assert.Contains("poweroff -f", console.Text);
    }

    [Fact]
    public async Task UnknownModuleIsAnError()
    {
        var e = await Assert.ThrowsAsync<GuestImageException>(() => Build(FakeKernelPackage(), "no_such_module"));
        Assert.Contains("no_such_module", e.Message);
    }

    [Fact]
    public async Task ReadsAndChecksTheImage()
    {
        var kp = FakeKernelPackage();
        Assert.True(KernelPackage.IsRiscvImage(await kp.ReadImageAsync(default)));
        File.WriteAllBytes(kp.ImagePath, new byte[256]);
        await Assert.ThrowsAsync<GuestImageException>(() => kp.ReadImageAsync(default));
    }
}
