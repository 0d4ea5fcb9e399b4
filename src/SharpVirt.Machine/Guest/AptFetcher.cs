using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace SharpVirt.Machine.Guest;

/// <summary>
/// Runs the host's apt-get/apt-cache against a private configuration (own sources list, lists,
/// cache and archive directories; no host package state) to fetch Debian trixie riscv64 packages.
/// The host's apt.conf.d stays in effect so proxies and similar site settings still apply.
/// </summary>
public sealed partial class AptFetcher
{
    public const string Suite = "trixie";
    public const string Architecture = "riscv64";
    public const string KernelMetaPackage = "linux-image-riscv64";

    /// <summary>
    /// Debian's archive keyring. Bookworm's debian-archive-keyring (2023.3+deb12u2 and later)
    /// already carries the trixie release keys, so it verifies trixie's InRelease.
    /// </summary>
    public const string DefaultKeyring = "/usr/share/keyrings/debian-archive-keyring.gpg";

    private readonly string _mirror;
    private readonly string _stateDir;
    private readonly string _keyring;

    /// <param name="mirrorUri">Archive root, e.g. from <see cref="DebianMirror.FromHost"/>.</param>
    /// <param name="stateDirectory">Private directory for apt's lists and caches.</param>
    /// <param name="keyring">OpenPGP keyring that signs the archive (signed-by).</param>
    public AptFetcher(string mirrorUri, string stateDirectory, string keyring = DefaultKeyring)
    {
        _mirror = mirrorUri.TrimEnd('/');
        _stateDir = Path.GetFullPath(stateDirectory);
        _keyring = keyring;
    }

    /// <summary>The private one-line sources entry.</summary>
    public string SourcesLine =>
        $"deb [arch={Architecture} signed-by={_keyring} target=Packages] {_mirror} {Suite} main";

    /// <summary>Options that point apt at the private configuration.</summary>
    internal List<string> Options()
    {
        var o = new List<string>();
        void Set(string key, string value)
        {
            o.Add("-o");
            o.Add($"{key}={value}");
        }
        Set("Dir::Etc::SourceList", Path.Combine(_stateDir, "sources.list"));
        Set("Dir::Etc::SourceParts", "/dev/null");
        Set("Dir::Etc::Preferences", "/dev/null");
        Set("Dir::Etc::PreferencesParts", "/dev/null");
        Set("Dir::State::Lists", Path.Combine(_stateDir, "lists"));
        Set("Dir::State::Status", "/dev/null");
        Set("Dir::Cache", Path.Combine(_stateDir, "cache"));
        // A binary cache saves re-parsing the index on every apt-cache call.
        Set("Dir::Cache::pkgcache", "pkgcache.bin");
        Set("Dir::Cache::Archives", Path.Combine(_stateDir, "archives"));
        Set("APT::Architectures::", Architecture);
        Set("APT::Architecture", Architecture);
        Set("APT::Status-Fd", "1");
        Set("Acquire::Languages", "none");
        // As root apt drops to the _apt user, which cannot write into a private cache under $HOME.
        if (Environment.IsPrivilegedProcess)
            Set("APT::Sandbox::User", "root");
        return o;
    }

    /// <summary>Writes the private sources list and downloads the trixie riscv64 index.</summary>
    public async Task UpdateAsync(IProgress<GuestFetchProgress>? progress, CancellationToken ct)
    {
        if (!File.Exists(_keyring))
            throw new GuestImageException($"Debian archive keyring {_keyring} is missing; install debian-archive-keyring");
        foreach (var d in new[] { "lists/partial", "cache", "archives/partial" })
            Directory.CreateDirectory(Path.Combine(_stateDir, d));
        await File.WriteAllTextAsync(Path.Combine(_stateDir, "sources.list"), SourcesLine + "\n", ct);

        const string stage = "Reading the Debian trixie package index";
        progress?.Report(new GuestFetchProgress(stage, 0));
        var result = await HostProcess.RunAsync("apt-get", [.. Options(), "update"],
            line => ReportStatus(line, stage, 0, progress), ct);
        string? problem = result.StandardError.Split('\n').Select(l => l.Trim()).FirstOrDefault(IsUpdateProblem);
        if (result.ExitCode != 0 || problem is not null)
        {
            string hint = problem?.Contains("NO_PUBKEY", StringComparison.Ordinal) == true
                ? $" ({_keyring} lacks the trixie archive keys: update debian-archive-keyring)"
                : "";
            throw new GuestImageException($"apt-get update from the Debian mirror failed: {problem ?? HostProcess.FirstLine(result.StandardError)}{hint}");
        }
        progress?.Report(new GuestFetchProgress(stage, 1));
    }

    /// <summary>The candidate version of a package in the private index.</summary>
    public async Task<AptPackage> ShowAsync(string package, CancellationToken ct)
    {
        var result = await HostProcess.RunAsync("apt-cache", [.. Options(), "show", "--no-all-versions", package], null, ct);
        if (result.ExitCode != 0 || result.StandardOutput.Trim().Length == 0)
            throw new GuestImageException($"package {package} not found in Debian {Suite}/{Architecture}: {HostProcess.FirstLine(result.StandardError, "E:")}");
        return AptPackage.Parse(result.StandardOutput);
    }

    /// <summary>Resolves the versioned kernel package (linux-image-X.Y.Z+debN-riscv64) the meta-package depends on.</summary>
    public async Task<AptPackage> ResolveKernelAsync(CancellationToken ct)
    {
        var meta = await ShowAsync(KernelMetaPackage, ct);
        string kernel = meta.Depends.FirstOrDefault(d => VersionedKernel().IsMatch(d))
            ?? throw new GuestImageException($"{KernelMetaPackage} {meta.Version} depends on no versioned kernel image");
        return await ShowAsync(kernel, ct);
    }

    /// <summary>Downloads a package's .deb into a directory and checks it against the index's SHA256.</summary>
    public async Task<string> DownloadAsync(AptPackage package, string directory, IProgress<GuestFetchProgress>? progress, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        string stage = $"Downloading {package.Name} {package.Version}";
        progress?.Report(new GuestFetchProgress(stage, 0, 0, package.Size));
        var result = await HostProcess.RunAsync("apt-get", [.. Options(), "download", $"{package.Name}={package.Version}"],
            line => ReportStatus(line, stage, package.Size, progress), ct, directory);
        if (result.ExitCode != 0)
            throw new GuestImageException($"downloading {package.Name} failed: {HostProcess.FirstLine(result.StandardError, "E:")}");
        var files = Directory.GetFiles(directory, $"{package.Name}_*.deb");
        if (files.Length != 1)
            throw new GuestImageException($"apt-get download left {files.Length} files for {package.Name} in {directory}");
        progress?.Report(new GuestFetchProgress(stage, 1, package.Size, package.Size));
        progress?.Report(new GuestFetchProgress($"Verifying {package.Name}", null));
        await VerifySha256Async(files[0], package.Sha256, ct);
        return files[0];
    }

    /// <summary>Throws when a file's SHA256 differs from the expected hex digest.</summary>
    public static async Task VerifySha256Async(string path, string expectedHex, CancellationToken ct)
    {
        string actual = await Sha256HexAsync(path, ct);
        if (!actual.Equals(expectedHex, StringComparison.OrdinalIgnoreCase))
            throw new GuestImageException($"SHA256 mismatch for {Path.GetFileName(path)}: index says {expectedHex}, file has {actual}");
    }

    /// <summary>Lower-case hex SHA256 of a file.</summary>
    public static async Task<string> Sha256HexAsync(string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
    }

    // apt-get update can exit 0 after failing to fetch or verify an index; such W: lines count as errors.
    private static bool IsUpdateProblem(string line) =>
        line.StartsWith("E:", StringComparison.Ordinal)
        || (line.StartsWith("W:", StringComparison.Ordinal)
            && (line.Contains("fetch", StringComparison.OrdinalIgnoreCase)
                || line.Contains("NO_PUBKEY", StringComparison.Ordinal)
                || line.Contains("signature", StringComparison.OrdinalIgnoreCase)));

    // Status-Fd lines look like "dlstatus:1:42.5:Retrieving file 1 of 2".
    private static void ReportStatus(string line, string stage, long totalBytes, IProgress<GuestFetchProgress>? progress)
    {
        if (progress is null || !line.StartsWith("dlstatus:", StringComparison.Ordinal))
            return;
        var parts = line.Split(':', 4);
        if (parts.Length < 3 || !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double percent))
            return;
        double fraction = Math.Clamp(percent / 100, 0, 1);
        progress.Report(new GuestFetchProgress(stage, fraction, (long)(fraction * totalBytes), totalBytes));
    }

    [GeneratedRegex(@"^linux-image-\d+\.\d+.*-riscv64$")]
    private static partial Regex VersionedKernel();
}
