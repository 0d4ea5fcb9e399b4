using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace SharpVirt.Tests.Linux;

/// <summary>
/// Snapshot and restore of the default guest through the real commands: boot with --name, leave traces in the
/// shell (a file in tmpfs, a variable, the umask, history, a disk write), `sharpvirt snapshot`, stop the VM, then
/// `sharpvirt run --restore` in a new process and find the same shell.
/// </summary>
[Collection("Linux boots")]
public sealed partial class SnapshotGuestTests(ITestOutputHelper log) : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private readonly string dir = Directory.CreateTempSubdirectory("sharpvirt-snap").FullName;

    [GeneratedRegex(@"(Oops|WARNING:|BUG:|soft lockup|Kernel panic|Call Trace|rcu.*stall)")]
    private static partial Regex KernelTrouble();

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static (int Code, string Output) Cli(params string[] args) => GuestSession.RunCommand(CommandTimeout, args);

    [Fact]
    public void TwoVcpuGuestIsSavedAndRestoredInANewProcess()
    {
        string name = $"snap-{Environment.ProcessId}";
        string file = Path.Combine(dir, "guest.snap");
        string disk = Path.Combine(dir, "disk.raw");
        using (var image = File.Create(disk))
            image.SetLength(16 << 20);
        string token, before;
        long rssBefore, epochBefore;
        using (var s = GuestSession.Start("--timeout", "600", "--name", name, "--cpus", "2", "--disk", disk + ",format=raw"))
        {
            s.WaitFor("SharpVirt guest ready", LinuxBootTests.BootTimeout);
            s.WaitFor(GuestSession.Prompt, CommandTimeout);
            token = s.Run("echo hello-$RANDOM-$RANDOM > /tmp/f; cat /tmp/f", CommandTimeout).Trim();
            Assert.StartsWith("hello-", token);
            s.Run("X=42; umask 027", CommandTimeout);
            s.Run("echo marker-one", CommandTimeout);
            // A block request through virtio-blk before the snapshot, so its queue has moved on.
            s.Run("echo disk-before | dd of=/dev/vda bs=512 count=1 conv=sync,fsync 2>/dev/null", CommandTimeout);
            before = s.Run("history", CommandTimeout);
            epochBefore = long.Parse(s.Run("date +%s", CommandTimeout).Trim());
            rssBefore = s.RssBytes;

            var clock = Stopwatch.StartNew();
            var (code, output) = Cli("snapshot", name, file);
            log.WriteLine($"snapshot: {output.Trim()} (command took {clock.ElapsedMilliseconds} ms)");
            Assert.True(code == 0, output);
            Assert.Contains("guest pages", output);
            Assert.Contains("stays paused", output);
            Assert.Contains("\"state\":\"paused\"", Cli("control", name, "status").Output);
            Assert.Equal(0, Cli("control", name, "stop").Code);
            int exit = s.WaitForExit(CommandTimeout);
            Assert.True(exit == 0, $"exit {exit}: {GuestSession.Tail(s.Output, 600)}");
        }
        long size = new FileInfo(file).Length;
        log.WriteLine($"snapshot file {size >> 20} MiB for 1024 MiB of guest RAM; VMM RSS before {rssBefore >> 20} MiB");
        Assert.InRange(size, 8L << 20, 400L << 20); // only pages holding data: far below the 1 GiB of guest RAM

        var restoreClock = Stopwatch.StartNew();
        using var r = GuestSession.Start("--timeout", "600", "--restore", file, "--name", name + "-restored");
        // The shell is where it was, waiting at its prompt: only the next command shows it is back.
        Assert.Equal(token, r.Run("cat /tmp/f", CommandTimeout).Trim());
        log.WriteLine($"restore to first answer: {restoreClock.ElapsedMilliseconds} ms");
        Assert.Equal("42", r.Run("echo $X", CommandTimeout).Trim());
        Assert.Equal("0027", r.Run("umask", CommandTimeout).Trim());
        if (before.Contains("echo marker-one"))
            Assert.Contains("echo marker-one", r.Run("history", CommandTimeout));
        else
            log.WriteLine("the guest shell keeps no history: checked the variable and the umask instead");
        Assert.StartsWith("6.12", r.Run("uname -r", CommandTimeout).Trim());
        Assert.Contains("bin", r.Run("ls /", CommandTimeout));
        Assert.Equal("2", r.Run("nproc", CommandTimeout).Trim());
        // virtio-blk carries on with its restored queue: a read from the disk, a write, and the write read back.
        r.Run("echo 3 > /proc/sys/vm/drop_caches", CommandTimeout);
        Assert.Equal("disk-before", r.Run("dd if=/dev/vda bs=512 count=1 2>/dev/null | head -n 1", CommandTimeout).Trim());
        r.Run("echo disk-after | dd of=/dev/vda bs=512 seek=8 count=1 conv=sync,fsync 2>/dev/null; echo 3 > /proc/sys/vm/drop_caches", CommandTimeout);
        Assert.Equal("disk-after", r.Run("dd if=/dev/vda bs=512 skip=8 count=1 2>/dev/null | head -n 1", CommandTimeout).Trim());
        // Both vCPUs run: a task pinned to CPU 1 answers.
        Assert.Equal("cpu1", r.Run("taskset -c 1 sh -c 'echo cpu1'", CommandTimeout).Trim().Split('\n')[^1].Trim());
        long epochAfter = long.Parse(r.Run("sleep 1; date +%s", CommandTimeout).Trim());
        Assert.True(epochAfter > epochBefore, $"guest time went from {epochBefore} to {epochAfter}");
        Assert.DoesNotMatch(KernelTrouble(), r.Run("dmesg", CommandTimeout));
        long rssAfter = r.RssBytes;
        log.WriteLine($"VMM RSS after restore {rssAfter >> 20} MiB");
        Assert.True(rssAfter < rssBefore + (64L << 20), $"restored RSS {rssAfter >> 20} MiB vs {rssBefore >> 20} MiB before");
        r.Send("poweroff");
        r.AssertExitsCleanly(CommandTimeout);
        byte[] sectors = File.ReadAllBytes(disk)[..(9 * 512)];
        Assert.StartsWith("disk-before\n", System.Text.Encoding.ASCII.GetString(sectors, 0, 12));
        Assert.StartsWith("disk-after\n", System.Text.Encoding.ASCII.GetString(sectors, 8 * 512, 11));
    }
}
