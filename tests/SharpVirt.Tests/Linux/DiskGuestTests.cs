using System.Diagnostics;
using Xunit.Abstractions;

namespace SharpVirt.Tests.Linux;

/// <summary>
/// The default guest puts a filesystem on a raw disk and on a qcow2 disk (made by qemu-img), writes and
/// syncs a file on each, the VMM is killed with SIGKILL, and a second boot finds both files intact;
/// qemu-img then finds the qcow2 image clean and shows the data.
/// </summary>
[Collection("Linux boots")]
public sealed class DiskGuestTests(ITestOutputHelper log) : IDisposable
{
    private static readonly TimeSpan Command = TimeSpan.FromSeconds(120);
    private readonly string dir = Directory.CreateTempSubdirectory("sharpvirt-disk").FullName;

    private static GuestSession Boot(params string[] args)
    {
        var s = GuestSession.Start(["--timeout", "900", .. args]);
        s.WaitFor("SharpVirt guest ready", LinuxBootTests.BootTimeout);
        s.WaitFor(GuestSession.Prompt, Command);
        return s;
    }

    private static string Tool(string program, string args)
    {
        var p = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{program} {args} failed: {output}");
        return output;
    }

    [Fact]
    public void FilesSurviveSigkillOnRawAndQcow2()
    {
        string raw = Path.Combine(dir, "disk.raw"), qcow2 = Path.Combine(dir, "disk.qcow2");
        using (var f = File.Create(raw))
            f.SetLength(64 << 20);
        Tool("qemu-img", $"create -f qcow2 {qcow2} 64M");
        string[] disks = ["--disk", $"{raw},format=raw", "--disk", $"{qcow2},format=qcow2", "--cpus", "1"];

        using (var s = Boot(disks))
        {
            foreach (var (dev, tag) in new[] { ("vda", "raw"), ("vdb", "qcow2") })
            {
                // busybox's mke2fs makes the filesystem; Linux's ext4 driver mounts it.
                s.Run($"mke2fs -q /dev/{dev} && mkdir -p /mnt/{dev} && mount -t ext4 /dev/{dev} /mnt/{dev}", Command);
                s.Run($"echo 'sharpvirt {tag} survives' > /mnt/{dev}/note && dd if=/dev/urandom of=/mnt/{dev}/blob bs=64k count=16 2>/dev/null", Command);
                s.Run($"md5sum /mnt/{dev}/blob > /mnt/{dev}/blob.md5 && sync", Command);
            }
            Assert.Contains("ext4", s.Run("grep vd /proc/mounts", Command));
            Process.GetProcessById(s.Pid).Kill(); // SIGKILL: no chance to flush anything itself
            s.WaitForExit(Command);
        }

        string check = Tool("qemu-img", $"check {qcow2}");
        log.WriteLine(check);
        Assert.Contains("No errors were found", check);
        string converted = Path.Combine(dir, "converted.raw");
        Tool("qemu-img", $"convert -O raw {qcow2} {converted}");
        Assert.Contains("sharpvirt qcow2 survives", System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(converted)));

        using (var s = Boot(disks))
        {
            foreach (var (dev, tag) in new[] { ("vda", "raw"), ("vdb", "qcow2") })
            {
                s.Run($"mkdir -p /mnt/{dev} && mount -t ext4 /dev/{dev} /mnt/{dev}", Command);
                Assert.Contains($"sharpvirt {tag} survives", s.Run($"cat /mnt/{dev}/note", Command));
                Assert.Contains("OK", s.Run($"md5sum -c /mnt/{dev}/blob.md5", Command));
            }
            Assert.Equal("0", s.Run("cat /sys/block/vda/ro", Command).Trim());
            s.Send("umount /mnt/vda /mnt/vdb; poweroff");
            s.AssertExitsCleanly(Command);
        }
        Assert.Contains("No errors were found", Tool("qemu-img", $"check {qcow2}"));
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
