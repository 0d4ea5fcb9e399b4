using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace SharpVirt.Machine.Control;

/// <summary>Where control sockets live: <c>$XDG_RUNTIME_DIR/sharpvirt</c>, else <c>/run/sharpvirt</c> for root, else <c>/tmp/sharpvirt-UID</c>.</summary>
public static partial class ControlPaths
{
    public const string Extension = ".sock";

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();

    public static uint EffectiveUid => OperatingSystem.IsLinux() ? GetEuid() : 0;

    /// <summary>The socket directory for this user.</summary>
    public static string DefaultDirectory
    {
        get
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
            if (!string.IsNullOrEmpty(xdg))
                return Path.Combine(xdg, "sharpvirt");
            uint uid = EffectiveUid;
            return uid == 0 ? "/run/sharpvirt" : Path.Combine(Path.GetTempPath(), $"sharpvirt-{uid}");
        }
    }

    /// <summary>The default VM name: <c>vm-PID</c>.</summary>
    public static string DefaultName => $"vm-{Environment.ProcessId}";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();

    /// <summary>Names are file names: letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64 characters.</summary>
    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    public static string SocketPath(string name, string? directory = null) => Path.Combine(directory ?? DefaultDirectory, name + Extension);

    /// <summary>A VM name or an explicit socket path (anything containing '/') to the socket path.</summary>
    public static string Resolve(string nameOrPath, string? directory = null) =>
        nameOrPath.Contains('/') ? nameOrPath : SocketPath(nameOrPath, directory);

    /// <summary>The socket files in <paramref name="directory"/>, by name.</summary>
    public static IReadOnlyList<string> List(string? directory = null)
    {
        string dir = directory ?? DefaultDirectory;
        if (!Directory.Exists(dir))
            return [];
        return [.. Directory.EnumerateFiles(dir, "*" + Extension).Order(StringComparer.Ordinal)];
    }
}
