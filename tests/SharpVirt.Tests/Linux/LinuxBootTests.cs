using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace SharpVirt.Tests.Linux;

/// <summary>
/// Boots the default guest (Debian's stock riscv64 kernel and the busybox initramfs that `sharpvirt fetch`
/// builds; CI fetches it first) through the real `sharpvirt run`, driving its shell over a pipe.
/// </summary>
[Collection("Linux boots")]
public sealed partial class LinuxBootTests(ITestOutputHelper log)
{
    public static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    [GeneratedRegex(@"(Oops|WARNING:|BUG:|soft lockup|Kernel panic|Call Trace)")]
    private static partial Regex KernelTrouble();

    private GuestSession Boot(params string[] args)
    {
        var session = GuestSession.Start(["--timeout", "600", .. args]);
        try
        {
            session.WaitFor("SharpVirt guest ready", BootTimeout);
            session.WaitFor(GuestSession.Prompt, CommandTimeout);
        }
        catch
        {
            session.Dispose();
            throw;
        }
        return session;
    }

    private void AssertCpusAndCleanLogAndPowerOff(GuestSession s, int cpus)
    {
        Assert.Equal(cpus.ToString(), s.Run("nproc", CommandTimeout).Trim());
        Assert.Equal(cpus.ToString(), s.Run("grep -c processor /proc/cpuinfo", CommandTimeout).Trim());
        string dmesg = s.Run("dmesg", CommandTimeout);
        Assert.Contains("Linux version 6.12", dmesg);
        Assert.DoesNotMatch(KernelTrouble(), dmesg);
        s.Send("poweroff");
        s.AssertExitsCleanly(CommandTimeout);
        log.WriteLine(GuestSession.Tail(s.Output, 1500));
    }

    [Fact]
    public void TwoVcpusBootToShellAndPowerOff()
    {
        using var s = Boot("--cpus", "2");
        AssertCpusAndCleanLogAndPowerOff(s, 2);
    }

    [Fact]
    public void OneVcpuBootsRebootsAndPowersOff()
    {
        using var s = Boot("--cpus", "1");
        Assert.Equal("1", s.Run("nproc", CommandTimeout).Trim());
        s.Send("reboot");
        s.WaitFor("Linux version 6.12", BootTimeout);
        s.WaitFor("SharpVirt guest ready", BootTimeout);
        s.WaitFor(GuestSession.Prompt, CommandTimeout);
        AssertCpusAndCleanLogAndPowerOff(s, 1);
    }

    [Fact]
    public void FourVcpusOnTwoCoresAllReachShellAndIdleCheaply()
    {
        using var s = Boot("--cpus", "4");
        Assert.Equal("4", s.Run("grep -c processor /proc/cpuinfo", CommandTimeout).Trim());
        // Every vCPU came online: the kernel counts them in /sys.
        Assert.Equal("0-3", s.Run("cat /sys/devices/system/cpu/online", CommandTimeout).Trim());
        // Let the guest finish its post-boot work (deferred module and sysfs work) before measuring.
        Thread.Sleep(5000);
        var before = s.CpuTime;
        Thread.Sleep(10_000);
        var used = s.CpuTime - before;
        log.WriteLine($"idle 4-vCPU guest used {used.TotalMilliseconds:0} ms of CPU in 10 s");
        Assert.True(used < TimeSpan.FromMilliseconds(500), $"idle guest used {used.TotalMilliseconds:0} ms of CPU in 10 s (limit 500 ms, 5% of a core)");
        AssertCpusAndCleanLogAndPowerOff(s, 4);
    }

    [Fact]
    public void SixtyFourGigabytesOfGuestRamOnASmallerHost()
    {
        using var s = Boot("--cpus", "1", "--memory", "64G");
        string mem = s.Run("grep MemTotal /proc/meminfo", CommandTimeout);
        long kb = long.Parse(Regex.Match(mem, @"(\d+)").Groups[1].Value);
        Assert.True(kb > 60L * 1024 * 1024, $"guest sees only {kb} kB");
        long rss = s.RssBytes;
        log.WriteLine($"64 GiB guest at its shell: host RSS {rss >> 20} MiB");
        Assert.True(rss < 4L << 30, $"RSS {rss >> 20} MiB is not far below 64 GiB");
        s.Send("poweroff");
        s.AssertExitsCleanly(CommandTimeout);
    }

    [Fact]
    public void BootsThroughOpenSbiFirmware()
    {
        const string firmware = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin";
        Assert.True(File.Exists(firmware), $"{firmware} is missing: CI installs the opensbi package");
        using var s = Boot("--cpus", "2", "--bios", firmware);
        Assert.Contains("OpenSBI", s.Output);
        AssertCpusAndCleanLogAndPowerOff(s, 2);
    }
}
