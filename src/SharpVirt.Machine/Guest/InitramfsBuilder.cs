using System.Text;

namespace SharpVirt.Machine.Guest;

/// <summary>What went into an initramfs.</summary>
public sealed record InitramfsContents(IReadOnlyList<string> ModuleLoadOrder, IReadOnlyList<string> BuiltinModules, long CpioBytes);

/// <summary>
/// Builds the default guest's gzip-compressed newc initramfs: static busybox (applet links are made
/// at boot by "busybox --install -s"), uncompressed kernel modules with a modules.dep, and the
/// /init script from <see cref="GuestInitScript"/>.
/// </summary>
public sealed class InitramfsBuilder
{
    /// <summary>
    /// Modules the default guest loads: virtio transport and devices, and ext4 with its helpers.
    /// Modules the kernel has built in (here virtio_console) are skipped.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultModules =
    [
        "virtio_mmio", "virtio_blk", "failover", "net_failover", "virtio_net", "virtio_balloon",
        "virtio_rng", "virtio_console", "crc32c_generic", "crc16", "mbcache", "jbd2", "ext4",
    ];

    private readonly string _release;
    private readonly byte[] _busybox;
    private readonly List<LoadedModule> _modules = [];

    public InitramfsBuilder(string kernelRelease, byte[] busybox)
    {
        if (kernelRelease.Length == 0 || kernelRelease.Contains('/') || kernelRelease.Any(char.IsWhiteSpace))
            throw new ArgumentException($"bad kernel release '{kernelRelease}'", nameof(kernelRelease));
        _release = kernelRelease;
        _busybox = busybox;
    }

    /// <summary>Modules in load order.</summary>
    public IReadOnlyList<LoadedModule> Modules => _modules;

    /// <summary>Appends a module; call in load order.</summary>
    public void AddModule(LoadedModule module) => _modules.Add(module);

    /// <summary>The generated /init script.</summary>
    public string InitScript => GuestInitScript.Init(_release, _modules.Select(m => m.RelativePath).ToList());

    /// <summary>Writes the gzip-compressed archive; returns the uncompressed cpio size.</summary>
    public long WriteTo(Stream output)
    {
        using var cpio = CpioWriter.CreateGzip(output, leaveOpen: true);
        const int exec = 0b111_101_101; // 0755
        foreach (var dir in new[] { "bin", "sbin", "usr/bin", "usr/sbin", "etc", "proc", "sys", "dev", "tmp", "run", "mnt", "var", "root" })
            cpio.AddDirectory(dir, dir == "root" ? 0b111_000_000 : exec);
        // The kernel opens /dev/console for init before devtmpfs is mounted.
        cpio.AddCharDevice("dev/console", 5, 1);
        cpio.AddCharDevice("dev/null", 1, 3, 0b110_110_110);

        cpio.AddFile("bin/busybox", _busybox, exec);
        cpio.AddSymlink("bin/sh", "busybox");
        cpio.AddTextFile("init", InitScript, exec);
        cpio.AddTextFile("etc/inittab", GuestInitScript.Inittab);
        cpio.AddTextFile("etc/sharpvirt-console", GuestInitScript.ConsoleScript, exec);
        cpio.AddTextFile("etc/shrc", GuestInitScript.Shrc);
        cpio.AddTextFile("etc/passwd", GuestInitScript.Passwd);
        cpio.AddTextFile("etc/group", GuestInitScript.Group);
        cpio.AddTextFile("etc/hostname", "sharpvirt\n");

        string moduleRoot = $"lib/modules/{_release}";
        foreach (var m in _modules)
            cpio.AddFile($"{moduleRoot}/{m.RelativePath}", m.Data);
        cpio.AddTextFile($"{moduleRoot}/modules.dep", ModulesDep());
        cpio.Finish();
        return cpio.Length;
    }

    /// <summary>
    /// Builds an initramfs from an unpacked kernel package and a busybox binary; modules are resolved
    /// with their depends= closure and ordered by <see cref="KernelModules.LoadOrder"/>.
    /// </summary>
    public static async Task<InitramfsContents> BuildAsync(
        KernelPackage kernel, byte[] busybox, IEnumerable<string> modules, Stream output, CancellationToken ct)
    {
        var requested = modules.Select(KernelModules.NormalizeName).Distinct().ToList();
        var builtin = requested.Where(m => !kernel.HasModule(m) && kernel.BuiltinModules.Contains(m)).ToList();
        var wanted = requested.Except(builtin).ToList();

        // Load the depends= closure (decompressing each module once), then order it.
        var loaded = new Dictionary<string, LoadedModule>(StringComparer.Ordinal);
        var pending = new Queue<string>(wanted);
        while (pending.TryDequeue(out var name))
        {
            if (loaded.ContainsKey(name))
                continue;
            var module = await kernel.LoadModuleAsync(name, ct);
            if (module is null)
                continue; // LoadOrder reports it with context
            loaded[name] = module;
            foreach (var dep in module.Info.Depends)
                pending.Enqueue(dep);
        }
        var order = KernelModules.LoadOrder(wanted, n => loaded.GetValueOrDefault(n)?.Info);

        var builder = new InitramfsBuilder(kernel.Release, busybox);
        foreach (var info in order)
            builder.AddModule(loaded[info.Name]);
        long size = builder.WriteTo(output);
        return new InitramfsContents(order.Select(i => i.Name).ToList(), builtin, size);
    }

    // modules.dep: "path: deps..." with every (transitive) dependency, nearest first, as modprobe expects.
    private string ModulesDep()
    {
        var byName = _modules.ToDictionary(m => m.Info.Name, StringComparer.Ordinal);
        var text = new StringBuilder();
        foreach (var m in _modules)
        {
            var deps = new List<string>();
            void Add(string name)
            {
                if (!byName.TryGetValue(name, out var dep) || deps.Contains(dep.RelativePath))
                    return;
                deps.Add(dep.RelativePath);
                foreach (var d in dep.Info.Depends)
                    Add(d);
            }
            foreach (var d in m.Info.Depends)
                Add(d);
            text.Append(m.RelativePath).Append(':');
            foreach (var d in deps)
                text.Append(' ').Append(d);
            text.Append('\n');
        }
        return text.ToString();
    }
}
