using SharpVirt.Machine.Guest;
using Spectre.Console;

namespace SharpVirt.Cli.Commands;

/// <summary>Prepares the default guest, with a progress bar on stderr when it has to fetch.</summary>
public static class GuestProgress
{
    /// <summary>The default guest; <paramref name="verify"/> checks the cached files' SHA256 too (see <see cref="DefaultGuest.EnsureAsync(IProgress{GuestFetchProgress}?, CancellationToken, bool)"/>).</summary>
    public static DefaultGuestFiles Ensure(bool verify = false)
    {
        // A cached guest needs no progress display (setting one up costs a run's start about 15 ms).
        if (DefaultGuest.TryCachedAsync(verify, CancellationToken.None).GetAwaiter().GetResult() is { } cached)
            return cached;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Error) });
        DefaultGuestFiles? files = null;
        if (System.Console.IsErrorRedirected)
        {
            string? last = null;
            var plain = new Progress<GuestFetchProgress>(p =>
            {
                if (p.Stage != last)
                    System.Console.Error.WriteLine($"sharpvirt: {last = p.Stage}");
            });
            return DefaultGuest.EnsureAsync(plain, CancellationToken.None, verify).GetAwaiter().GetResult();
        }
        console.Progress().AutoClear(true).Start(ctx =>
        {
            var task = ctx.AddTask("default guest", maxValue: 1.0);
            var progress = new Progress<GuestFetchProgress>(p =>
            {
                task.Description = p.Stage;
                if (p.Fraction is double f)
                    task.Value = f;
            });
            files = DefaultGuest.EnsureAsync(progress, CancellationToken.None, verify).GetAwaiter().GetResult();
            task.Value = 1.0;
        });
        return files!;
    }
}
