using System.Diagnostics;
using SharpVirt.Machine.Guest;

namespace SharpVirt.Tests.Guest;

/// <summary>Fetches the real guest from the host's Debian mirror (needs the network to the mirror).</summary>
public sealed class DefaultGuestIntegrationTests : IDisposable
{
    private readonly string _cache = Directory.CreateTempSubdirectory("sv-guest-it-").FullName;

    public void Dispose() => Directory.Delete(_cache, recursive: true);

    private static readonly string[] Modules =
    [
        "kernel/drivers/virtio/virtio_mmio.ko", "kernel/drivers/block/virtio_blk.ko", "kernel/net/core/failover.ko",
        "kernel/drivers/net/net_failover.ko", "kernel/drivers/net/virtio_net.ko", "kernel/drivers/virtio/virtio_balloon.ko",
        "kernel/drivers/char/hw_random/virtio-rng.ko", "kernel/crypto/crc32c_generic.ko", "kernel/lib/crc16.ko",
        "kernel/fs/mbcache.ko", "kernel/fs/jbd2/jbd2.ko", "kernel/fs/ext4/ext4.ko",
    ];

    [Fact]
    [Trait("Category", "Integration")]
    public async Task FetchesAndBuildsTheDefaultGuest()
    {
        var stages = new List<string>();
        var progress = new SyncProgress(p => stages.Add(p.Stage));
        var sw = Stopwatch.StartNew();
        var files = await DefaultGuest.EnsureAsync(_cache, progress, CancellationToken.None);
        sw.Stop();

        byte[] image = await File.ReadAllBytesAsync(files.KernelPath);
        Assert.True(KernelPackage.IsRiscvImage(image), "Image lacks the RISC-V header magic");
        Assert.Equal("RSC\x05"u8.ToArray(), image.AsSpan(0x38, 4).ToArray());

        var entries = CpioTestReader.ReadGzip(await File.ReadAllBytesAsync(files.InitrdPath));
        var names = entries.Select(e => e.Name).ToHashSet();
        Assert.Contains("init", names);
        Assert.Contains("bin/busybox", names);
        string moduleDir = $"lib/modules/{files.Manifest.KernelRelease}/";
        var modules = entries.Where(e => e.Name.StartsWith(moduleDir, StringComparison.Ordinal) && e.Name.EndsWith(".ko", StringComparison.Ordinal)).ToList();
        Assert.Equal(Modules.Order(), modules.Select(m => m.Name[moduleDir.Length..]).Order());
        Assert.All(modules, m => Assert.Equal("\x7F" + "ELF", m.Text[..4]));

        string init = entries.Single(e => e.Name == "init").Text;
        var positions = Modules.Select(m => init.IndexOf(m, StringComparison.Ordinal)).ToList();
        Assert.All(positions, p => Assert.True(p > 0));
        Assert.True(positions.IndexOf(positions.Max()) == Modules.Length - 1, "ext4 must load last");

        Assert.Contains(files.Manifest.Packages, p => p.Name == "busybox-static");
        Assert.Contains(files.Manifest.Packages, p => p.Name.StartsWith("linux-image-", StringComparison.Ordinal) && p.Name.EndsWith("-riscv64", StringComparison.Ordinal));
        Assert.Contains(stages, s => s.StartsWith("Downloading linux-image-", StringComparison.Ordinal));

        // Second call: served from the cache.
        stages.Clear();
        var again = await DefaultGuest.EnsureAsync(_cache, progress, CancellationToken.None);
        Assert.Equal(files.Manifest.Files, again.Manifest.Files);
        Assert.Empty(stages);

        Console.WriteLine($"guest built in {sw.Elapsed.TotalSeconds:F1}s: {string.Join(", ", files.Manifest.Packages.Select(p => $"{p.Name} {p.Version}"))}; "
            + string.Join(", ", files.Manifest.Files.Select(f => $"{f.Name} {f.Size} bytes")));
    }

    // Progress<T> posts to the thread pool; tests want the reports in order, synchronously.
    private sealed class SyncProgress(Action<GuestFetchProgress> report) : IProgress<GuestFetchProgress>
    {
        public void Report(GuestFetchProgress value)
        {
            lock (this)
                report(value);
        }
    }
}
