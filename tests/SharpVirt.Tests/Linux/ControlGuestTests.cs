using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SharpVirt.Cli.Commands;
using SharpVirt.Machine.Control;
using SharpVirt.Machine.Vstate;
using Spectre.Console;
using Xunit.Abstractions;

namespace SharpVirt.Tests.Linux;

/// <summary>
/// The control API against a real Linux guest: ps, memmap, pinning, and translate checked against a guest
/// process that printed its own virtual address and page contents.
/// </summary>
[Collection("Linux boots")]
public sealed partial class ControlGuestTests(ITestOutputHelper log)
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    [GeneratedRegex(@"END=([0-9a-f]+)")]
    private static partial Regex StackEnd();

    [GeneratedRegex(@"MD5=([0-9a-f]{32})")]
    private static partial Regex Md5();

    [Fact]
    public void TranslateMatchesWhatAGuestProcessSeesInItsOwnMemory()
    {
        string name = $"ctl-{Environment.ProcessId}";
        int cpu = HostThread.AllowedCpus()[^1];
        using var s = GuestSession.Start("--timeout", "600", "--cpus", "1", "--name", name, "--cpu-affinity", cpu.ToString(CultureInfo.InvariantCulture));
        s.WaitFor("SharpVirt guest ready", LinuxBootTests.BootTimeout);
        s.WaitFor(GuestSession.Prompt, CommandTimeout);
        string socket = ControlPaths.Resolve(name);
        JsonObject Ask(JsonObject request) => ControlClient.Send(socket, request);

        // ps: the VM and its one vCPU thread, a real host thread named vcpu0, pinned where we asked.
        var stats = ControlClient.Send(socket, "stats");
        Assert.Equal(s.Pid, (int)stats["pid"]!);
        var vcpu = stats["vcpu"]!.AsArray().Single()!;
        int tid = (int)vcpu["tid"]!;
        Assert.Equal("vcpu0", File.ReadAllText($"/proc/{s.Pid}/task/{tid}/comm").Trim());
        Assert.Equal(cpu, (int)vcpu["pinned_cpu"]!);
        Assert.Contains($"Cpus_allowed_list:\t{cpu}\n", File.ReadAllText($"/proc/{s.Pid}/task/{tid}/status"));
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No });
        console.Profile.Width = 200;
        PsCommand.Run(ControlPaths.DefaultDirectory, console);
        Assert.Matches($@"{name}\s+│\s+vcpu0\s+│\s+{tid}\s+│\s+{cpu}\s+│", writer.ToString());

        // A guest process that spins (so it owns hart 0's satp), with a marker in its environment, which
        // sits in the top page of its stack. The shell reads that page through /proc/PID/mem. The spinning
        // shell's own stack frames may reach into that page and change it, so the digest covers its top
        // 512 bytes only: the strings and auxv the kernel put there at exec, which nothing writes again.
        string mark = $"svmark{Random.Shared.Next(1_000_000, 9_999_999)}";
        s.Run($"env SVMARK={mark} sh -c 'while :; do :; done' >/dev/null 2>&1 &", CommandTimeout);
        s.Run("P=$!", CommandTimeout);
        string end = StackEnd().Match(s.Run("echo END=$(grep stack /proc/$P/maps | cut -d' ' -f1 | cut -d- -f2)", CommandTimeout)).Groups[1].Value;
        Assert.NotEmpty(end);
        ulong va = ulong.Parse(end, NumberStyles.HexNumber, CultureInfo.InvariantCulture) - 4096;
        string page = s.Run("dd if=/proc/$P/mem bs=512 skip=$((0x" + end + "/512-1)) count=1 2>/dev/null | md5sum | sed 's/^/MD5=/'", CommandTimeout);
        string guestMd5 = Md5().Match(page).Groups[1].Value;
        Assert.NotEmpty(guestMd5);
        Assert.Contains($"SVMARK={mark}", s.Run("tr '\\0' '\\n' < /proc/$P/environ", CommandTimeout));

        // The spinning process is the only runnable one: pause, and walk its address from the host. The hart may
        // be paused in another address space (a kernel thread's): then the page the walk gives holds no marker,
        // and we resume and try again.
        byte[] ReadPage(JsonObject walk)
        {
            ulong gpa = ulong.Parse(((string)walk["guest_physical"]!)[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var data = Ask(new JsonObject { ["op"] = "read", ["address"] = $"0x{gpa:x}", ["length"] = 4096 });
            return Convert.FromHexString((string)data["data"]!);
        }
        JsonObject? t = null;
        for (int attempt = 0; attempt < 20 && t is null; attempt++)
        {
            Assert.Equal(1, (int)ControlClient.Send(socket, "pause")["vcpus_paused"]!);
            var reply = Ask(new JsonObject { ["op"] = "translate", ["address"] = $"0x{va:x}" });
            if (reply["fault"] is null && reply["hart_mode"]?.ToString() != "Machine"
                && System.Text.Encoding.ASCII.GetString(ReadPage(reply)).Contains($"SVMARK={mark}"))
                t = reply;
            else
                ControlClient.Send(socket, "resume");
        }
        Assert.NotNull(t);
        try
        {
            foreach (string line in TranslateCommand.Describe(t))
                log.WriteLine(line);
            var levels = t["levels"]!.AsArray();
            Assert.InRange(levels.Count, 3, 5);
            Assert.Contains("U", (string?)levels[^1]!["flags"]); // a user page
            byte[] bytes = ReadPage(t);
            Assert.Equal(guestMd5, Convert.ToHexStringLower(MD5.HashData(bytes.AsSpan(4096 - 512))));
            Assert.Contains($"SVMARK={mark}", System.Text.Encoding.ASCII.GetString(bytes));

            // The last stage: the host page behind it, and as root its frame, checked against our own read of
            // the VMM's pagemap.
            var host = t["host"]!.AsObject();
            Assert.Equal("backed", (string?)host["state"]);
            ulong hva = ulong.Parse(((string)t["host_virtual"]!)[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (host["frame"] is JsonNode frame)
            {
                using var pagemap = File.OpenHandle($"/proc/{s.Pid}/pagemap");
                var entry = new byte[8];
                RandomAccess.Read(pagemap, entry, (long)(hva >> 12) * 8);
                ulong pfn = BitConverter.ToUInt64(entry) & ((1UL << 55) - 1);
                Assert.Equal($"0x{pfn:x}", (string?)frame);
            }

            var memmap = ControlClient.Send(socket, "memmap");
            var slot = memmap["slots"]!.AsArray().Single()!;
            ulong backed = (ulong)slot["backed_pages"]!, pages = (ulong)slot["pages"]!;
            log.WriteLine($"backed {backed} of {pages} pages");
            Assert.InRange(backed, 1000UL, pages / 2); // a 1 GiB guest at its shell has touched a fraction
        }
        finally
        {
            ControlClient.Send(socket, "resume");
        }
        // Reap the job in the same command: if its SIGCHLD lands while busybox ash draws the next prompt, ash
        // prints only the cursor query (ESC[6n) and no prompt. QEMU shows the same (4 of 300 tries).
        s.Run("kill $P; wait $P", CommandTimeout);
        s.Send("poweroff");
        s.AssertExitsCleanly(CommandTimeout);
    }
}
