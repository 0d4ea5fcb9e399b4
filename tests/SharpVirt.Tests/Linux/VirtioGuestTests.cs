using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace SharpVirt.Tests.Linux;

/// <summary>The default guest using its virtio devices through Linux's own drivers.</summary>
[Collection("Linux boots")]
public sealed partial class VirtioGuestTests(ITestOutputHelper log)
{
    private static readonly TimeSpan Command = TimeSpan.FromSeconds(120);

    private static GuestSession Boot(params string[] args)
    {
        var s = GuestSession.Start(["--timeout", "900", .. args]);
        try
        {
            s.WaitFor("SharpVirt guest ready", LinuxBootTests.BootTimeout);
            s.WaitFor(GuestSession.Prompt, Command);
        }
        catch
        {
            s.Dispose();
            throw;
        }
        return s;
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    [GeneratedRegex(@"\b([0-9a-f]{32})\b")]
    private static partial Regex Md5();

    /// <summary>
    /// Two VMs joined by the socket backend ping each other and move 64 MiB with matching checksums; the
    /// first also has a TAP interface, moved into a network namespace the test made, that reaches an HTTP
    /// server there; and its balloon gives freed guest memory back to the host.
    /// </summary>
    [Fact]
    public void TwoVmsNetworkTapAndBalloon()
    {
        int port = FreePort();
        string ns = $"svtest{Environment.ProcessId % 10000}";
        string tap = $"svtap{Environment.ProcessId % 10000}";
        string dir = Directory.CreateTempSubdirectory("sharpvirt-net").FullName;
        string balloonFile = Path.Combine(dir, "balloon");
        File.WriteAllText(Path.Combine(dir, "hello.txt"), "hello from the namespace\n");
        Process? http = null;
        try
        {
            Host("ip", $"netns add {ns}");
            using var a = Boot("--memory", "1G", "--balloon-control", balloonFile,
                "--net", $"socket,listen=127.0.0.1:{port},mac=52:54:00:12:34:56",
                "--net", $"tap,ifname={tap},mac=52:54:00:12:34:60",
                "--append", "console=ttyS0 earlycon=sbi svnet=10.0.0.1/24");
            using var b = Boot("--memory", "512M",
                "--net", $"socket,connect=127.0.0.1:{port},mac=52:54:00:12:34:57",
                "--append", "console=ttyS0 earlycon=sbi svnet=10.0.0.2/24");

            // virtio-rng feeds the kernel's hwrng.
            Assert.Matches(@"([0-9a-f]{2} ){15}[0-9a-f]{2}", b.Run("head -c 16 /dev/hwrng | od -An -tx1 | tr -s ' ' | sed 's/^ //'", Command));

            // Socket backend: ping, then 64 MiB with a checksum on both ends.
            Assert.Contains("0% packet loss", b.Run("ping -c 3 10.0.0.1", Command));
            b.Run("dd if=/dev/urandom of=/tmp/data bs=1M count=64 2>/dev/null; md5sum /tmp/data > /tmp/sum", Command);
            string sent = Md5().Match(b.Run("cat /tmp/sum", Command)).Groups[1].Value;
            a.Send("nc -l -p 5000 > /tmp/received");
            Thread.Sleep(2000);
            b.Run("nc 10.0.0.1 5000 < /tmp/data", TimeSpan.FromMinutes(8));
            a.WaitFor(GuestSession.Prompt, TimeSpan.FromMinutes(2));
            string received = Md5().Match(a.Run("md5sum /tmp/received", Command)).Groups[1].Value;
            log.WriteLine($"sent {sent}, received {received}");
            Assert.Equal(32, sent.Length);
            Assert.Equal(sent, received);
            a.Run("rm /tmp/received", Command);

            // TAP: move the VMM's interface into the namespace and serve HTTP there.
            Host("ip", $"link set {tap} netns {ns}");
            Host("ip", $"netns exec {ns} ip addr add 10.0.3.1/24 dev {tap}");
            Host("ip", $"netns exec {ns} ip link set {tap} up");
            http = Process.Start(new ProcessStartInfo("ip", $"netns exec {ns} python3 -m http.server 8080 --bind 10.0.3.1 --directory {dir}")
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
            a.Run("ip addr add 10.0.3.2/24 dev eth1; ip link set eth1 up", Command);
            string page = "";
            for (int i = 0; i < 10 && !page.Contains("hello from the namespace"); i++)
            {
                Thread.Sleep(1000);
                page = a.Run("wget -q -O - http://10.0.3.1:8080/hello.txt", Command);
            }
            Assert.Contains("hello from the namespace", page);

            // Balloon: fill then free 512 MiB in the guest, then set the target and watch the host RSS fall.
            a.Run("dd if=/dev/zero of=/tmp/fill bs=1M count=512 2>/dev/null; sync", Command);
            long filled = a.RssBytes;
            a.Run("rm /tmp/fill", Command);
            File.WriteAllText(balloonFile, "768M");
            var watch = Stopwatch.StartNew();
            long rss = filled;
            while (watch.Elapsed < TimeSpan.FromSeconds(10) && filled - rss < 0.7 * (512 << 20))
            {
                Thread.Sleep(250);
                rss = a.RssBytes;
            }
            log.WriteLine($"balloon: RSS {filled >> 20} MiB filled, {rss >> 20} MiB after {watch.Elapsed.TotalSeconds:0.0} s");
            Assert.True(filled - rss >= 0.7 * (512 << 20), $"RSS fell by only {(filled - rss) >> 20} MiB (from {filled >> 20} MiB)");

            a.Send("poweroff");
            b.Send("poweroff");
            a.AssertExitsCleanly(Command);
            b.AssertExitsCleanly(Command);
        }
        finally
        {
            if (http is { HasExited: false })
                http.Kill();
            Host("ip", $"netns del {ns}", check: false);
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void Host(string program, string args, bool check = true)
    {
        var p = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (check && p.ExitCode != 0)
            throw new InvalidOperationException($"{program} {args}: {err.Trim()}");
    }
}
