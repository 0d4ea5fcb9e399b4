namespace SharpVirt.Machine.Guest;

/// <summary>A freshly built guest in a work directory, before it is moved into the cache.</summary>
internal sealed record BuiltGuest(
    string KernelPath, string InitrdPath, string KernelRelease, IReadOnlyList<GuestPackage> Packages, InitramfsContents Initramfs);

/// <summary>
/// The default guest for "sharpvirt run": Debian trixie's riscv64 kernel and an initramfs of
/// busybox-static plus the virtio/ext4 modules, fetched through the host's apt and kept in a cache
/// directory ($SHARPVIRT_CACHE, else $XDG_CACHE_HOME/sharpvirt, else ~/.cache/sharpvirt).
/// </summary>
public static class DefaultGuest
{
    public const string CacheVariable = "SHARPVIRT_CACHE";
    public const string KernelFileName = "Image";
    public const string InitrdFileName = "initramfs.cpio.gz";
    public const string ManifestFileName = "manifest.json";
    public const string BusyboxPackage = "busybox-static";

    /// <summary>The cache directory in use.</summary>
    public static string CacheDirectory => ResolveCacheDirectory(Environment.GetEnvironmentVariable);

    /// <summary>
    /// Returns the cached guest, fetching and building it first when the cache is empty, incomplete
    /// or does not match its manifest. Concurrent callers wait for each other; files are written to
    /// a work directory and renamed into place, so an interrupted run is simply redone. A cached file
    /// matches when its size and write time are the recorded ones; with <paramref name="verify"/>, its
    /// SHA256 must match too (reading 33 MB costs a run about a tenth of a second).
    /// </summary>
    public static async Task<DefaultGuestFiles> EnsureAsync(IProgress<GuestFetchProgress>? progress, CancellationToken ct, bool verify = false)
    {
        string cacheDir = CacheDirectory;
        try
        {
            return await EnsureAsync(cacheDir, progress, ct, verify: verify);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GuestImageException($"guest cache {cacheDir}: {e.Message} (set {CacheVariable} to use another directory)", e);
        }
    }

    /// <summary>The cached guest if it is there and matches its manifest (as <see cref="EnsureAsync(IProgress{GuestFetchProgress}?, CancellationToken, bool)"/> checks it), else null; fetches nothing.</summary>
    public static async Task<DefaultGuestFiles?> TryCachedAsync(bool verify, CancellationToken ct)
    {
        string cacheDir = CacheDirectory;
        if (!File.Exists(Path.Combine(cacheDir, ManifestFileName)))
            return null;
        try
        {
            await using var cacheLock = await AcquireLockAsync(cacheDir, null, ct);
            return await TryLoadAsync(cacheDir, verify, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // EnsureAsync reports it
        }
    }

    internal static string ResolveCacheDirectory(Func<string, string?> env)
    {
        if (env(CacheVariable) is { Length: > 0 } explicitDir)
            return Path.GetFullPath(explicitDir);
        if (env("XDG_CACHE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg))
            return Path.Combine(xdg, "sharpvirt");
        string home = env("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".cache", "sharpvirt");
    }

    internal static async Task<DefaultGuestFiles> EnsureAsync(
        string cacheDir,
        IProgress<GuestFetchProgress>? progress,
        CancellationToken ct,
        Func<string, IProgress<GuestFetchProgress>?, CancellationToken, Task<BuiltGuest>>? build = null,
        bool verify = false)
    {
        Directory.CreateDirectory(cacheDir);
        await using var cacheLock = await AcquireLockAsync(cacheDir, progress, ct);
        if (await TryLoadAsync(cacheDir, verify, ct) is { } cached)
            return cached;

        // Leftovers of interrupted runs (we hold the lock, so nobody else is using them).
        foreach (var stale in Directory.GetDirectories(cacheDir, "work-*"))
            TryDelete(stale);

        string work = Path.Combine(cacheDir, $"work-{Guid.NewGuid():N}");
        try
        {
            var built = await (build ?? FetchAndBuildAsync)(work, progress, ct);
            progress?.Report(new GuestFetchProgress("Storing the guest in the cache", null));
            string manifestPath = Path.Combine(cacheDir, ManifestFileName);
            File.Delete(manifestPath);
            string kernelPath = Path.Combine(cacheDir, KernelFileName);
            string initrdPath = Path.Combine(cacheDir, InitrdFileName);
            File.Move(built.KernelPath, kernelPath, overwrite: true);
            File.Move(built.InitrdPath, initrdPath, overwrite: true);

            var manifest = new GuestManifest(
                GuestManifest.CurrentFormat,
                built.KernelRelease,
                GuestInitScript.DefaultBootArgs,
                built.Packages,
                [await DescribeAsync(kernelPath, ct), await DescribeAsync(initrdPath, ct)],
                built.Initramfs.ModuleLoadOrder,
                built.Initramfs.BuiltinModules,
                DateTimeOffset.UtcNow);
            await WriteManifestAsync(cacheDir, manifest, ct);
            progress?.Report(new GuestFetchProgress("Default guest ready", 1));
            return new DefaultGuestFiles(kernelPath, initrdPath, manifestPath, manifest);
        }
        finally
        {
            TryDelete(work);
        }
    }

    /// <summary>
    /// The cached guest when its manifest is current and every file has its recorded size, and its recorded
    /// write time unless <paramref name="verify"/>; else (or with it) its recorded SHA256. A file whose write
    /// time alone changed (a copy, a touch) gets its new time recorded.
    /// </summary>
    internal static async Task<DefaultGuestFiles?> TryLoadAsync(string cacheDir, bool verify, CancellationToken ct)
    {
        string manifestPath = Path.Combine(cacheDir, ManifestFileName);
        if (!File.Exists(manifestPath))
            return null;
        var manifest = GuestManifest.TryParse(await File.ReadAllTextAsync(manifestPath, ct));
        if (manifest is null || manifest.Format != GuestManifest.CurrentFormat || manifest.Files is null)
            return null;
        var files = manifest.Files.ToList();
        foreach (var name in new[] { KernelFileName, InitrdFileName })
        {
            int i = files.FindIndex(f => f.Name == name);
            string path = Path.Combine(cacheDir, name);
            var info = new FileInfo(path);
            if (i < 0 || !info.Exists || info.Length != files[i].Size)
                return null;
            if (!verify && files[i].Modified == info.LastWriteTimeUtc)
                continue;
            if (!string.Equals(await AptFetcher.Sha256HexAsync(path, ct), files[i].Sha256, StringComparison.OrdinalIgnoreCase))
                return null;
            files[i] = files[i] with { Modified = info.LastWriteTimeUtc };
        }
        if (!files.SequenceEqual(manifest.Files))
        {
            manifest = manifest with { Files = files };
            await WriteManifestAsync(cacheDir, manifest, ct);
        }
        return new DefaultGuestFiles(Path.Combine(cacheDir, KernelFileName), Path.Combine(cacheDir, InitrdFileName), manifestPath, manifest);
    }

    /// <summary>Replaces the manifest through a temporary file, so that a reader never sees half of it.</summary>
    private static async Task WriteManifestAsync(string cacheDir, GuestManifest manifest, CancellationToken ct)
    {
        string temp = Path.Combine(cacheDir, ManifestFileName + ".new");
        await File.WriteAllTextAsync(temp, manifest.ToJson(), ct);
        File.Move(temp, Path.Combine(cacheDir, ManifestFileName), overwrite: true);
    }

    // Fetches busybox-static and the kernel with apt, then writes Image and initramfs.cpio.gz into work.
    private static async Task<BuiltGuest> FetchAndBuildAsync(string work, IProgress<GuestFetchProgress>? progress, CancellationToken ct)
    {
        var apt = new AptFetcher(DebianMirror.FromHost(), Path.Combine(work, "apt"));
        await apt.UpdateAsync(progress, ct);
        progress?.Report(new GuestFetchProgress("Resolving packages", null));
        var kernelPackage = await apt.ResolveKernelAsync(ct);
        var busyboxPackage = await apt.ShowAsync(BusyboxPackage, ct);
        string busyboxDeb = await apt.DownloadAsync(busyboxPackage, Path.Combine(work, "debs"), progress, ct);
        string kernelDeb = await apt.DownloadAsync(kernelPackage, Path.Combine(work, "debs"), progress, ct);

        progress?.Report(new GuestFetchProgress($"Unpacking {kernelPackage.Name}", null));
        await DebPackage.ExtractAsync(busyboxDeb, Path.Combine(work, "busybox"), ct);
        await DebPackage.ExtractAsync(kernelDeb, Path.Combine(work, "kernel"), ct);
        File.Delete(kernelDeb);
        var kernel = KernelPackage.Open(Path.Combine(work, "kernel"));

        string kernelPath = Path.Combine(work, KernelFileName);
        await File.WriteAllBytesAsync(kernelPath, await kernel.ReadImageAsync(ct), ct);

        progress?.Report(new GuestFetchProgress("Building the initramfs", null));
        byte[] busybox = await ReadBusyboxAsync(Path.Combine(work, "busybox"), ct);
        string initrdPath = Path.Combine(work, InitrdFileName);
        InitramfsContents contents;
        await using (var output = File.Create(initrdPath))
            contents = await InitramfsBuilder.BuildAsync(kernel, busybox, InitramfsBuilder.DefaultModules, output, ct);

        return new BuiltGuest(kernelPath, initrdPath, kernel.Release,
            [
                new GuestPackage(kernelPackage.Name, kernelPackage.Version, kernelPackage.Sha256),
                new GuestPackage(busyboxPackage.Name, busyboxPackage.Version, busyboxPackage.Sha256),
            ],
            contents);
    }

    private static async Task<byte[]> ReadBusyboxAsync(string root, CancellationToken ct)
    {
        string path = new[] { "usr/bin/busybox", "bin/busybox" }.Select(p => Path.Combine(root, p)).FirstOrDefault(File.Exists)
            ?? throw new GuestImageException($"{BusyboxPackage} contains no busybox binary");
        byte[] data = await File.ReadAllBytesAsync(path, ct);
        // ELF with e_machine EM_RISCV (243).
        if (data.Length < 20 || data[0] != 0x7F || data[1] != (byte)'E' || data[18] != 243)
            throw new GuestImageException($"{BusyboxPackage}'s busybox is not a RISC-V ELF binary");
        return data;
    }

    private static async Task<GuestFile> DescribeAsync(string path, CancellationToken ct) =>
        new(Path.GetFileName(path), new FileInfo(path).Length, await AptFetcher.Sha256HexAsync(path, ct), File.GetLastWriteTimeUtc(path));

    // One process at a time builds the cache; others wait for it.
    private static async Task<FileStream> AcquireLockAsync(string cacheDir, IProgress<GuestFetchProgress>? progress, CancellationToken ct)
    {
        string path = Path.Combine(cacheDir, ".lock");
        bool reported = false;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (File.Exists(path))
            {
                if (!reported)
                    progress?.Report(new GuestFetchProgress("Waiting for another SharpVirt process to prepare the guest", null));
                reported = true;
                await Task.Delay(250, ct);
            }
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the next run cleans up again.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
