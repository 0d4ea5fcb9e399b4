using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace SharpVirt.Machine.Guest;

/// <summary>Result of a host tool run.</summary>
internal sealed record HostProcessResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>Runs host tools (apt-get, dpkg-deb, xz) with cancellation and captured output.</summary>
internal static class HostProcess
{
    /// <summary>Runs a tool to completion; <paramref name="onLine"/> sees each stdout line as it arrives.</summary>
    public static async Task<HostProcessResult> RunAsync(
        string tool, IEnumerable<string> args, Action<string>? onLine, CancellationToken ct, string? workingDirectory = null)
    {
        using var process = Start(tool, args, workingDirectory);
        var stdout = new StringBuilder();
        var stdoutTask = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync(ct) is { } line)
            {
                stdout.AppendLine(line);
                onLine?.Invoke(line);
            }
        }, ct);
        var stderrTask = process.StandardError.ReadToEndAsync(ct);
        await WaitAsync(process, ct);
        await stdoutTask;
        return new HostProcessResult(process.ExitCode, stdout.ToString(), await stderrTask);
    }

    /// <summary>Runs a tool and returns its stdout as bytes (e.g. "xz -dc file").</summary>
    public static async Task<byte[]> RunForBytesAsync(string tool, IEnumerable<string> args, CancellationToken ct)
    {
        using var process = Start(tool, args, null);
        using var buffer = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(buffer, ct);
        var stderrTask = process.StandardError.ReadToEndAsync(ct);
        await WaitAsync(process, ct);
        await copy;
        string stderr = await stderrTask;
        if (process.ExitCode != 0)
            throw new GuestImageException($"{tool} failed (exit {process.ExitCode}): {FirstLine(stderr)}");
        return buffer.ToArray();
    }

    /// <summary>The first non-empty line of a tool's output, for one-line error messages.</summary>
    public static string FirstLine(string text, string? prefix = null)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (prefix is not null && lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) is { } hit)
            return hit;
        return lines.FirstOrDefault() ?? "no output";
    }

    private static Process Start(string tool, IEnumerable<string> args, string? workingDirectory)
    {
        var psi = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        if (workingDirectory is not null)
            psi.WorkingDirectory = workingDirectory;
        // Stable, parseable output from apt and friends.
        psi.Environment["LC_ALL"] = "C";
        psi.Environment["LANGUAGE"] = "";
        psi.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        try
        {
            var process = Process.Start(psi) ?? throw new GuestImageException($"cannot start {tool}");
            process.StandardInput.Close();
            return process;
        }
        catch (Win32Exception e)
        {
            throw new GuestImageException($"host tool '{tool}' is not available ({e.Message}); SharpVirt needs a Debian-style host with apt-get, dpkg-deb and xz to build the default guest", e);
        }
    }

    private static async Task WaitAsync(Process process, CancellationToken ct)
    {
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            throw;
        }
    }
}
