using System.Diagnostics;
using System.Text;

namespace SharpVirt.Bench;

/// <summary>A VMM process whose serial console is our stdin/stdout: wait for the shell, time commands, power off.</summary>
public sealed class GuestConsole : IDisposable
{
    private const string ReadyMarker = "SharpVirt guest ready";
    private readonly Process process;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly StringBuilder seen = new();
    private readonly char[] buffer = new char[4096];
    private int consumed;

    private GuestConsole(Process process)
    {
        this.process = process;
        Pid = process.Id;
    }

    /// <summary>The VMM's process id (`dotnet sharpvirt.dll` runs the VMM in this process); kept after <see cref="Dispose"/>.</summary>
    public int Pid { get; }

    public static GuestConsole Start(string program, string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        return new GuestConsole(Process.Start(psi)!);
    }

    /// <summary>Seconds from the process start to the first prompt after the ready marker.</summary>
    public double WaitForShell()
    {
        ReadUntil(ReadyMarker);
        ReadUntil("# ");
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Types a command; returns the seconds until the prompt is back.</summary>
    public double TimeCommand(string command)
    {
        var start = clock.Elapsed;
        process.StandardInput.Write(command + "\n");
        process.StandardInput.Flush();
        ReadUntil("\n");
        ReadUntil("# ");
        return (clock.Elapsed - start).TotalSeconds;
    }

    /// <summary>Types a command; returns what it printed up to the next prompt.</summary>
    public string Run(string command)
    {
        process.StandardInput.Write(command + "\n");
        process.StandardInput.Flush();
        ReadUntil("\n");
        return ReadUntil("~ # ")[..^"~ # ".Length];
    }

    /// <summary>
    /// Reads until <paramref name="text"/> (for 15 minutes at most from the start of this wait, checked between reads);
    /// returns what came since the last read, up to and including it.
    /// </summary>
    private string ReadUntil(string text)
    {
        var deadline = clock.Elapsed + TimeSpan.FromMinutes(15);
        while (clock.Elapsed < deadline)
        {
            int at = seen.ToString().IndexOf(text, consumed, StringComparison.Ordinal);
            if (at >= 0)
            {
                string read = seen.ToString(consumed, at + text.Length - consumed);
                consumed = at + text.Length;
                return read;
            }
            int n = process.StandardOutput.Read(buffer, 0, buffer.Length);
            if (n <= 0)
                throw new InvalidOperationException($"the VMM exited before printing '{text}'");
            seen.Append(buffer, 0, n);
        }
        throw new TimeoutException($"'{text}' did not appear");
    }

    /// <summary>Kills the VMM at once (Ctrl-C, a failed run); safe to call at any time, from any thread.</summary>
    public void Kill()
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException or System.ComponentModel.Win32Exception)
        {
        }
    }

    public void Dispose()
    {
        try
        {
            process.StandardInput.Write("poweroff -f\n");
            process.StandardInput.Flush();
        }
        catch (IOException)
        {
        }
        if (!process.WaitForExit(30_000))
            process.Kill(entireProcessTree: true);
        process.Dispose();
    }
}
