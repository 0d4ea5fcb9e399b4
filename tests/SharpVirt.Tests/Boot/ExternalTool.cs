using System.Diagnostics;

namespace SharpVirt.Tests.Boot;

/// <summary>Finds and runs host tools (dtc, the RISC-V cross toolchain) used by some boot tests.</summary>
internal static class ExternalTool
{
    public static string? Find(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length == 0)
                continue;
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    public static (int ExitCode, string StdOut, string StdErr) Run(string tool, params string[] args)
    {
        var path = Find(tool) ?? throw new InvalidOperationException($"{tool} not found on PATH");
        var psi = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout, stderr.Result);
    }

    /// <summary>Decompiles a DTB with <c>dtc -I dtb -O dts</c>.</summary>
    public static (int ExitCode, string Dts, string Warnings) Decompile(byte[] dtb)
    {
        var file = Path.Combine(Path.GetTempPath(), $"sharpvirt-{Guid.NewGuid():N}.dtb");
        try
        {
            File.WriteAllBytes(file, dtb);
            return Run("dtc", "-I", "dtb", "-O", "dts", file);
        }
        finally
        {
            File.Delete(file);
        }
    }
}

/// <summary>A fact that is skipped when a host tool is not installed.</summary>
public sealed class RequiresToolFactAttribute : FactAttribute
{
    public RequiresToolFactAttribute(params string[] tools)
    {
        var missing = tools.Where(t => ExternalTool.Find(t) == null).ToArray();
        if (missing.Length > 0)
            Skip = $"not installed: {string.Join(", ", missing)}";
    }
}

/// <summary>A fact that is skipped when a host file (e.g. a packaged firmware) is absent.</summary>
public sealed class RequiresFileFactAttribute : FactAttribute
{
    public RequiresFileFactAttribute(string path)
    {
        if (!File.Exists(path))
            Skip = $"not present: {path}";
    }
}
