using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace SharpVirt.Tests.Linux;

/// <summary>
/// Several default guests at once, with more vCPUs than host cores and more guest RAM than they touch: all must reach
/// their shell and answer, while the host backs only the pages they use. (`bench overcommit` does the same at scale.)
/// </summary>
[Collection("Linux boots")]
public sealed partial class OvercommitTests(ITestOutputHelper log)
{
    private const int Vms = 3, Cpus = 4;
    private const long GuestRam = 2L << 30;
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    [GeneratedRegex(@"MemTotal:\s*(\d+) kB")]
    private static partial Regex MemTotal();

    [Fact]
    public void ThreeVmsWithFourVcpusAndTwoGigabytesEachAllAnswerAndTouchLittleHostMemory()
    {
        var clock = Stopwatch.StartNew();
        var sessions = new List<GuestSession>();
        try
        {
            for (int i = 0; i < Vms; i++)
                sessions.Add(GuestSession.Start("--timeout", "600", "--cpus", $"{Cpus}", "--memory", "2G"));
            // They boot in parallel; waiting for each in turn costs no more than the slowest.
            foreach (var s in sessions)
            {
                s.WaitFor("SharpVirt guest ready", LinuxBootTests.BootTimeout);
                s.WaitFor(GuestSession.Prompt, CommandTimeout);
            }
            log.WriteLine($"{Vms} VMs x {Cpus} vCPUs x 2 GiB on {Environment.ProcessorCount} host cores: all at the shell after {clock.Elapsed.TotalSeconds:0.0} s");

            foreach (var s in sessions)
            {
                Assert.Equal($"{Cpus}", s.Run("grep -c processor /proc/cpuinfo", CommandTimeout).Trim());
                long kb = long.Parse(MemTotal().Match(s.Run("grep MemTotal /proc/meminfo", CommandTimeout)).Groups[1].Value);
                Assert.InRange(kb * 1024, GuestRam * 9 / 10, GuestRam);
            }
            long rss = sessions.Sum(s => s.RssBytes);
            log.WriteLine($"host RSS of all {Vms} VMs: {rss >> 20} MiB for {Vms * GuestRam >> 30} GiB of guest RAM; CPU time {sessions.Sum(s => s.CpuTime.TotalSeconds):0} s");
            Assert.True(rss < Vms * GuestRam / 4, $"host RSS {rss >> 20} MiB is not well below the {Vms * GuestRam >> 20} MiB of guest RAM");

            foreach (var s in sessions)
                s.Send("poweroff -f");
            foreach (var s in sessions)
                s.AssertExitsCleanly(CommandTimeout);
            log.WriteLine($"total {clock.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            foreach (var s in sessions)
                s.Dispose(); // kills whatever is still running
        }
    }
}
