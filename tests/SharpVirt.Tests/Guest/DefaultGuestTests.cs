using SharpVirt.Machine.Guest;

namespace SharpVirt.Tests.Guest;

public sealed class DefaultGuestTests : IDisposable
{
    private readonly string _cache = Directory.CreateTempSubdirectory("sv-cache-").FullName;
    private int _builds;

    public void Dispose() => Directory.Delete(_cache, recursive: true);

    [Theory]
    [InlineData("/x/sv", "/xdg", "/home/u", "/x/sv")]
    [InlineData(null, "/xdg", "/home/u", "/xdg/sharpvirt")]
    [InlineData(null, "relative", "/home/u", "/home/u/.cache/sharpvirt")]
    [InlineData("", null, "/home/u", "/home/u/.cache/sharpvirt")]
    public void CacheDirectoryFollowsEnvironment(string? sharpvirt, string? xdg, string home, string expected)
    {
        var env = new Dictionary<string, string?> { ["SHARPVIRT_CACHE"] = sharpvirt, ["XDG_CACHE_HOME"] = xdg, ["HOME"] = home };
        Assert.Equal(expected, DefaultGuest.ResolveCacheDirectory(n => env.GetValueOrDefault(n)));
    }

    // Stands in for the apt fetch: writes a fake Image and initramfs into the work directory.
    private async Task<BuiltGuest> FakeBuild(string work, IProgress<GuestFetchProgress>? progress, CancellationToken ct)
    {
        _builds++;
        Directory.CreateDirectory(work);
        string kernel = Path.Combine(work, "Image"), initrd = Path.Combine(work, "initramfs.cpio.gz");
        await File.WriteAllTextAsync(kernel, $"kernel {_builds}", ct);
        await File.WriteAllTextAsync(initrd, $"initrd {_builds}", ct);
        progress?.Report(new GuestFetchProgress("fake", 1));
        return new BuiltGuest(kernel, initrd, "6.1.0-test", [new GuestPackage("busybox-static", "1:1.0-1", new string('a', 64))],
            new InitramfsContents(["virtio_mmio"], ["virtio_console"], 1024));
    }

    private Task<DefaultGuestFiles> Ensure(bool verify = false) => DefaultGuest.EnsureAsync(_cache, null, default, FakeBuild, verify);

    [Fact]
    public async Task BuildsOnceThenReusesTheCache()
    {
        var first = await Ensure();
        Assert.Equal(1, _builds);
        Assert.Equal(Path.Combine(_cache, "Image"), first.KernelPath);
        Assert.Equal("kernel 1", File.ReadAllText(first.KernelPath));
        Assert.Equal("6.1.0-test", first.Manifest.KernelRelease);
        Assert.Equal("console=ttyS0 earlycon=sbi", first.BootArgs);
        Assert.Equal(["Image", "initramfs.cpio.gz"], first.Manifest.Files.Select(f => f.Name));
        Assert.Empty(Directory.GetDirectories(_cache));

        var second = await Ensure();
        Assert.Equal(1, _builds);
        Assert.Equal(first.Manifest, second.Manifest with { Packages = first.Manifest.Packages, Files = first.Manifest.Files, Modules = first.Manifest.Modules, BuiltinModules = first.Manifest.BuiltinModules });
    }

    [Theory]
    [InlineData("Image")]
    [InlineData("initramfs.cpio.gz")]
    public async Task RebuildsWhenAFileIsChangedOrMissing(string file)
    {
        await Ensure();
        File.WriteAllText(Path.Combine(_cache, file), "tampered");
        await Ensure();
        Assert.Equal(2, _builds);
        File.Delete(Path.Combine(_cache, file));
        var files = await Ensure();
        Assert.Equal(3, _builds);
        Assert.Equal("kernel 3", File.ReadAllText(files.KernelPath));
    }

    [Theory]
    [InlineData("Image")]
    [InlineData("initramfs.cpio.gz")]
    public async Task RebuildsWhenAFileKeepsItsSizeButNotItsWriteTime(string file)
    {
        await Ensure();
        string path = Path.Combine(_cache, file);
        var written = File.GetLastWriteTimeUtc(path);
        File.WriteAllText(path, File.ReadAllText(path).Replace('1', '9'));
        File.SetLastWriteTimeUtc(path, written.AddSeconds(1));
        var files = await Ensure();
        Assert.Equal(2, _builds);
        Assert.Equal("kernel 2", File.ReadAllText(files.KernelPath));
    }

    [Fact]
    public async Task VerifyChecksTheHashOfAFileWhoseSizeAndWriteTimeMatch()
    {
        await Ensure();
        string path = Path.Combine(_cache, "Image");
        var written = File.GetLastWriteTimeUtc(path);
        File.WriteAllText(path, "kernel 9");
        File.SetLastWriteTimeUtc(path, written);
        await Ensure();
        Assert.Equal(1, _builds); // a run trusts size and write time
        var files = await Ensure(verify: true);
        Assert.Equal(2, _builds);
        Assert.Equal("kernel 2", File.ReadAllText(files.KernelPath));
    }

    [Fact]
    public async Task AFileTouchedButUnchangedIsHashedOnceAndItsNewTimeRecorded()
    {
        var first = await Ensure();
        string path = Path.Combine(_cache, "initramfs.cpio.gz");
        var touched = File.GetLastWriteTimeUtc(path).AddMinutes(5);
        File.SetLastWriteTimeUtc(path, touched);
        var second = await Ensure();
        Assert.Equal(1, _builds);
        Assert.Equal(touched, second.Manifest.Files.Single(f => f.Name == "initramfs.cpio.gz").Modified);
        Assert.Equal(first.Manifest.Files[0], second.Manifest.Files[0]);
        var reread = GuestManifest.TryParse(File.ReadAllText(second.ManifestPath));
        Assert.Equal(second.Manifest.Files, reread!.Files);
    }

    [Fact]
    public async Task RebuildsAfterAnInterruptedRun()
    {
        // A crashed run leaves a work directory and no manifest.
        Directory.CreateDirectory(Path.Combine(_cache, "work-deadbeef", "apt"));
        File.WriteAllText(Path.Combine(_cache, "Image"), "half");
        await Ensure();
        Assert.Equal(1, _builds);
        Assert.False(Directory.Exists(Path.Combine(_cache, "work-deadbeef")));
    }

    [Fact]
    public async Task RebuildsWhenTheManifestIsUnreadable()
    {
        await Ensure();
        File.WriteAllText(Path.Combine(_cache, "manifest.json"), "{ not json");
        await Ensure();
        Assert.Equal(2, _builds);
    }

    [Fact]
    public async Task FailedBuildLeavesNoWorkDirectory()
    {
        await Assert.ThrowsAsync<GuestImageException>(() => DefaultGuest.EnsureAsync(_cache, null, default,
            (work, _, _) =>
            {
                Directory.CreateDirectory(work);
                throw new GuestImageException("mirror down");
            }));
        Assert.Empty(Directory.GetDirectories(_cache));
        Assert.False(File.Exists(Path.Combine(_cache, "manifest.json")));
    }

    [Fact]
    public async Task ConcurrentCallersBuildOnce()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => Ensure())));
        Assert.Equal(1, _builds);
        Assert.All(results, r => Assert.Equal(results[0].KernelPath, r.KernelPath));
    }
}
