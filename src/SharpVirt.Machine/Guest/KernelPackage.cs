using System.IO.Compression;

namespace SharpVirt.Machine.Guest;

/// <summary>A module read from the kernel package: its .modinfo, path under /lib/modules/RELEASE, and uncompressed bytes.</summary>
public sealed record LoadedModule(KernelModuleInfo Info, string RelativePath, byte[] Data);

/// <summary>
/// An unpacked linux-image .deb: the kernel Image at boot/vmlinux-RELEASE (or vmlinuz-RELEASE)
/// and the modules under (usr/)lib/modules/RELEASE, compressed as .ko.xz, .ko.zst or .ko.gz.
/// </summary>
public sealed class KernelPackage
{
    /// <summary>RISC-V Linux image header magic "RSC\x05" at offset 0x38.</summary>
    public static ReadOnlySpan<byte> ImageMagic => "RSC\x05"u8;
    public const int ImageMagicOffset = 0x38;

    private readonly Dictionary<string, string> _moduleFiles;

    private KernelPackage(string imagePath, string release, string modulesDirectory, Dictionary<string, string> moduleFiles, HashSet<string> builtin)
    {
        ImagePath = imagePath;
        Release = release;
        ModulesDirectory = modulesDirectory;
        _moduleFiles = moduleFiles;
        BuiltinModules = builtin;
    }

    public string ImagePath { get; }
    public string Release { get; }
    public string ModulesDirectory { get; }
    public IReadOnlySet<string> BuiltinModules { get; }

    /// <summary>Indexes an unpacked kernel package rooted at <paramref name="root"/>.</summary>
    public static KernelPackage Open(string root)
    {
        string boot = Path.Combine(root, "boot");
        var images = Directory.Exists(boot)
            ? Directory.GetFiles(boot, "vmlinux-*").Concat(Directory.GetFiles(boot, "vmlinuz-*")).ToList()
            : [];
        if (images.Count != 1)
            throw new GuestImageException($"expected one boot/vmlinux-* or boot/vmlinuz-* in the kernel package, found {images.Count}");
        string release = Path.GetFileName(images[0])["vmlinux-".Length..];

        string? modules = new[] { "usr/lib/modules", "lib/modules" }
            .Select(d => Path.Combine(root, d, release))
            .FirstOrDefault(Directory.Exists)
            ?? throw new GuestImageException($"the kernel package has no lib/modules/{release}");

        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in Directory.EnumerateFiles(Path.Combine(modules, "kernel"), "*.ko*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            files.TryAdd(KernelModules.NameFromFile(f), f);

        var builtin = new HashSet<string>(StringComparer.Ordinal);
        string builtinList = Path.Combine(modules, "modules.builtin");
        if (File.Exists(builtinList))
        {
            foreach (var line in File.ReadLines(builtinList))
            {
                if (line.Trim().Length > 0)
                    builtin.Add(KernelModules.NameFromFile(line.Trim()));
            }
        }
        return new KernelPackage(images[0], release, modules, files, builtin);
    }

    /// <summary>True when the package ships a loadable module of that name.</summary>
    public bool HasModule(string name) => _moduleFiles.ContainsKey(KernelModules.NormalizeName(name));

    /// <summary>Reads and decompresses a module; null when the package has no such module.</summary>
    public async Task<LoadedModule?> LoadModuleAsync(string name, CancellationToken ct)
    {
        if (!_moduleFiles.TryGetValue(KernelModules.NormalizeName(name), out var path))
            return null;
        byte[] data = await DecompressAsync(path, ct);
        var info = KernelModules.ReadModinfo(data, KernelModules.NameFromFile(path));
        string relative = Path.GetRelativePath(ModulesDirectory, path).Replace('\\', '/');
        int ko = relative.LastIndexOf(".ko", StringComparison.Ordinal);
        return new LoadedModule(info, relative[..(ko + 3)], data);
    }

    /// <summary>Reads the kernel as a raw RISC-V Image (gunzipping a gzip vmlinuz) and checks its header.</summary>
    public async Task<byte[]> ReadImageAsync(CancellationToken ct)
    {
        byte[] image = await File.ReadAllBytesAsync(ImagePath, ct);
        if (image.Length > 2 && image[0] == 0x1F && image[1] == 0x8B)
        {
            using var gz = new GZipStream(new MemoryStream(image), CompressionMode.Decompress);
            using var raw = new MemoryStream();
            await gz.CopyToAsync(raw, ct);
            image = raw.ToArray();
        }
        if (!IsRiscvImage(image))
            throw new GuestImageException($"{Path.GetFileName(ImagePath)} is not a RISC-V Linux Image (no RSC\\x05 magic at 0x38)");
        return image;
    }

    /// <summary>True when the bytes start with a RISC-V Linux image header.</summary>
    public static bool IsRiscvImage(ReadOnlySpan<byte> image) =>
        image.Length >= ImageMagicOffset + 4 && image.Slice(ImageMagicOffset, 4).SequenceEqual(ImageMagic);

    // Modules are decompressed at build time, so the guest's insmod needs no decompressor.
    private static async Task<byte[]> DecompressAsync(string path, CancellationToken ct)
    {
        if (path.EndsWith(".ko", StringComparison.Ordinal))
            return await File.ReadAllBytesAsync(path, ct);
        if (path.EndsWith(".ko.xz", StringComparison.Ordinal))
            return await HostProcess.RunForBytesAsync("xz", ["-dc", "--", path], ct);
        if (path.EndsWith(".ko.zst", StringComparison.Ordinal))
            return await HostProcess.RunForBytesAsync("zstd", ["-dcq", "--", path], ct);
        if (path.EndsWith(".ko.gz", StringComparison.Ordinal))
        {
            await using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            using var raw = new MemoryStream();
            await gz.CopyToAsync(raw, ct);
            return raw.ToArray();
        }
        throw new GuestImageException($"unknown module compression: {Path.GetFileName(path)}");
    }
}
