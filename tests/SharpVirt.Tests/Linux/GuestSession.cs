using System.Diagnostics;
using System.Text;

namespace SharpVirt.Tests.Linux;

/// <summary>
/// Runs `sharpvirt run` as a separate process, as a user would, with stdin and stdout as pipes:
/// the test waits for text on the console and types commands into the guest's shell.
/// </summary>
public sealed class GuestSession : IDisposable
{
    public const string Prompt = "~ # ";
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly object gate = new();
    private int consumed;
    private Thread[] pumps = [];

    private GuestSession(Process process)
    {
        this.process = process;
    }

    public int Pid => process.Id;

    public static GuestSession Start(params string[] args) => StartCommand(["run", .. args]);

    /// <summary>Runs another sharpvirt command (e.g. snapshot) to its end; returns its exit code and output.</summary>
    public static (int Code, string Output) RunCommand(TimeSpan timeout, params string[] args)
    {
        using var s = StartCommand(args);
        s.process.StandardInput.Close();
        int code = s.WaitForExit(timeout);
        return (code, s.Output);
    }

    private static GuestSession StartCommand(string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "sharpvirt.dll");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start sharpvirt");
        var session = new GuestSession(p);
        var reader = new Thread(() => session.Pump(p.StandardOutput.BaseStream)) { IsBackground = true };
        reader.Start();
        var errors = new Thread(() => session.Pump(p.StandardError.BaseStream)) { IsBackground = true };
        errors.Start();
        session.pumps = [reader, errors];
        return session;
    }

    private void Pump(Stream s)
    {
        var buffer = new byte[4096];
        int n;
        while ((n = s.Read(buffer, 0, buffer.Length)) > 0)
        {
            lock (gate)
            {
                output.Append(Encoding.UTF8.GetString(buffer, 0, n));
                Monitor.PulseAll(gate);
            }
        }
    }

    public string Output
    {
        get
        {
            lock (gate)
                return output.ToString();
        }
    }

    /// <summary>Waits until <paramref name="text"/> appears after what earlier waits consumed; returns the text up to and including it.</summary>
    public string WaitFor(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (gate)
        {
            while (true)
            {
                int at = output.ToString().IndexOf(text, consumed, StringComparison.Ordinal);
                if (at >= 0)
                {
                    string seen = output.ToString(consumed, at + text.Length - consumed);
                    consumed = at + text.Length;
                    return seen;
                }
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || (process.HasExited && !Monitor.Wait(gate, 200)))
                    throw new TimeoutException($"'{text}' did not appear within {timeout.TotalSeconds:0} s; console so far:\n{Tail(output.ToString())}");
                Monitor.Wait(gate, left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1));
            }
        }
    }

    /// <summary>Types a command and returns what it printed up to the next prompt.</summary>
    public string Run(string command, TimeSpan timeout)
    {
        Send(command);
        string seen = WaitFor(Prompt, timeout);
        // Output from before the command (a restored VM's console, say) may come first: skip to its echo.
        int echo = seen.IndexOf(command, StringComparison.Ordinal);
        int newline = seen.IndexOf('\n', echo >= 0 ? echo + command.Length : 0);
        return newline >= 0 ? seen[(newline + 1)..^Prompt.Length] : seen;
    }

    public void Send(string line)
    {
        process.StandardInput.Write(line + "\n");
        process.StandardInput.Flush();
    }

    public int WaitForExit(TimeSpan timeout)
    {
        if (!process.WaitForExit(timeout))
            throw new TimeoutException($"sharpvirt did not exit within {timeout.TotalSeconds:0} s; console:\n{Tail(Output)}");
        process.WaitForExit();
        // The process is gone; let the pumps take the last of its output.
        foreach (var pump in pumps)
            pump.Join(TimeSpan.FromSeconds(5));
        return process.ExitCode;
    }

    /// <summary>Waits for the VMM to exit and asserts it exited with 0, showing the console's tail if not.</summary>
    public void AssertExitsCleanly(TimeSpan timeout)
    {
        int code = WaitForExit(timeout);
        Assert.True(code == 0, $"sharpvirt exited with {code}; console:\n{Tail(Output)}");
    }

    /// <summary>CPU time (user + system) the VMM process has used, from /proc.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
    }

    /// <summary>Resident set size of the VMM process, from /proc/PID/status.</summary>
    public long RssBytes
    {
        get
        {
            foreach (string line in File.ReadLines($"/proc/{process.Id}/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
            return 0;
        }
    }

    public static string Tail(string s, int chars = 3000) => s.Length <= chars ? s : s[^chars..];

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
        process.Dispose();
    }
}
