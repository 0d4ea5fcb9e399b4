using System.Net.Sockets;
using System.Text.Json.Nodes;
using SharpVirt.Cli.Commands;
using SharpVirt.Machine.Control;
using SharpVirt.Machine.Vstate;
using Spectre.Console;

namespace SharpVirt.Tests.Control;

/// <summary>The control API against a running bare-metal VM, over its real socket.</summary>
public sealed class ControlServerTests : IClassFixture<ControlServerTests.Fixture>
{
    public sealed class Fixture : IDisposable
    {
        public ControlTestVm Machine { get; } = new("testvm");

        public void Dispose() => Machine.Dispose();
    }

    private readonly ControlTestVm m;

    public ControlServerTests(Fixture fixture) => m = fixture.Machine;

    private JsonObject Ask(string line) => (JsonObject)JsonNode.Parse(m.Request(line))!;

    [Fact]
    public void Status()
    {
        var s = Ask("{\"op\":\"status\"}");
        Assert.Null(s["error"]);
        Assert.Equal("testvm", (string?)s["name"]);
        Assert.Equal(Environment.ProcessId, (int)s["pid"]!);
        Assert.Equal(2, (int)s["vcpus"]!);
        Assert.Equal(64UL << 20, (ulong)s["memory"]!);
        Assert.Contains((string?)s["state"], new[] { "running", "paused" });
    }

    [Fact]
    public void Stats()
    {
        var s = Ask("{\"op\":\"stats\"}");
        Assert.True((long)s["host_rss"]! > 0);
        Assert.Equal(64UL << 20, (ulong)s["guest_ram"]!);
        var slot = s["slots"]!.AsArray().Single()!;
        Assert.Equal("0x80000000", (string?)slot["guest_base"]);
        Assert.True((ulong)slot["resident_pages"]! > 0);
        var vcpus = s["vcpu"]!.AsArray();
        Assert.Equal(2, vcpus.Count);
        for (int i = 0; i < 2; i++)
        {
            var v = vcpus[i]!;
            Assert.Equal(i, (int)v["id"]!);
            Assert.Equal(m.Vm.Vcpus[i].HostThreadId, (int)v["tid"]!);
            Assert.True((int)v["tid"]! > 0);
            Assert.NotNull(v["last_cpu"]);
            Assert.True((ulong)v["instret"]! > 0);
            Assert.Equal("Machine", (string?)v["mode"]);
        }
        Assert.NotNull(s["balloon"]);
    }

    [Fact]
    public void Vcpus()
    {
        var list = Ask("{\"op\":\"vcpus\"}")["vcpus"]!.AsArray();
        Assert.Equal(["vcpu0", "vcpu1"], list.Select(v => (string?)v!["thread"]));
        Assert.All(list, v => Assert.True((int)v!["tid"]! > 0));
        Assert.All(list, v => Assert.Contains((string?)v!["state"], new[] { "running", "paused" }));
    }

    [Fact]
    public void PauseStopsInstretAndResumeContinues()
    {
        lock (m)
        {
            var p = Ask("{\"op\":\"pause\"}");
            try
            {
                Assert.True((bool)p["ok"]!);
                Assert.Equal(2, (int)p["vcpus_paused"]!);
                Assert.Equal("paused", (string?)Ask("{\"op\":\"status\"}")["state"]);
                var before = m.Vm.Vcpus.Select(v => v.Hart.Instret).ToArray();
                Thread.Sleep(150);
                var stats = Ask("{\"op\":\"stats\"}");
                Assert.Equal(before, stats["vcpu"]!.AsArray().Select(v => (ulong)v!["instret"]!));
                Assert.All(stats["vcpu"]!.AsArray(), v => Assert.Equal("paused", (string?)v!["state"]));
            }
            finally
            {
                Assert.Equal("running", (string?)Ask("{\"op\":\"resume\"}")["state"]);
            }
            var after = m.Vm.Vcpus.Select(v => v.Hart.Instret).ToArray();
            ControlTestVm.WaitFor(() => m.Vm.Vcpus.Select(v => v.Hart.Instret).Zip(after).All(x => x.First > x.Second), "instret to advance after resume");
            Assert.Equal("running", (string?)Ask("{\"op\":\"status\"}")["state"]);
        }
    }

    [Fact]
    public void TranslateWalksThreeLevels()
    {
        var t = Ask("{\"op\":\"translate\",\"address\":\"0xffffffff80000123\",\"hart\":1}");
        Assert.Null(t["error"]);
        Assert.Equal("Sv39", (string?)t["translation"]);
        var levels = t["levels"]!.AsArray();
        Assert.Equal([2, 1, 0], levels.Select(l => (int)l!["level"]!));
        Assert.Equal($"0x{ControlTestVm.Root + 0x1fe * 8:x}", (string?)levels[0]!["pte_address"]);
        Assert.Equal($"0x{ControlTestVm.L1:x}", (string?)levels[0]!["next"]);
        Assert.Equal($"0x{ControlTestVm.L0:x}", (string?)levels[2]!["pte_address"]);
        Assert.Equal($"0x{ControlTestVm.LeafPte:x}", (string?)levels[2]!["pte"]);
        Assert.Equal("DA--XWRV", (string?)levels[2]!["flags"]);
        Assert.Equal("-------V", (string?)levels[1]!["flags"]);
        Assert.True((bool)levels[2]!["leaf"]!);
        Assert.Equal("0x80000123", (string?)t["guest_physical"]);
        Assert.Equal(4096UL, (ulong)t["page_size"]!);
        Assert.Equal(0, (int)t["slot"]!["id"]!);
        unsafe
        {
            var slot = m.Vm.Memory.Slots[0];
            Assert.Equal($"0x{(ulong)slot.Host + 0x123:x}", (string?)t["host_virtual"]);
        }

        string[] text = [.. TranslateCommand.Describe(t)];
        Assert.Contains(text, l => l.Contains("level 0: PTE at 0x80102000", StringComparison.Ordinal) && l.Contains("leaf", StringComparison.Ordinal));
        Assert.Contains(text, l => l.StartsWith("host-virtual 0x", StringComparison.Ordinal));
    }

    [Fact]
    public void TranslateReportsFaultsWithoutSideEffects()
    {
        ulong pteBefore = ReadPte(ControlTestVm.L0);
        // Unmapped: VPN2 0 has no entry in the root table.
        var t = Ask("{\"op\":\"translate\",\"address\":\"0x1000\"}");
        Assert.Contains("not valid", (string?)t["fault"]);
        Assert.Single(t["levels"]!.AsArray());
        Assert.Null(t["guest_physical"]);
        // Not canonical for Sv39.
        Assert.Contains("canonical", (string?)Ask("{\"op\":\"translate\",\"address\":\"0x0000800000000000\"}")["fault"]);
        Assert.Equal(pteBefore, ReadPte(ControlTestVm.L0));
        Assert.Contains(TranslateCommand.Describe(t), l => l.StartsWith("fault:", StringComparison.Ordinal));
    }

    private ulong ReadPte(ulong address)
    {
        Assert.True(m.Vm.Memory.TryRead(address, out ulong v));
        return v;
    }

    [Theory]
    [InlineData("garbage", "malformed JSON")]
    [InlineData("{\"op\":\"fly\"}", "unknown op 'fly'")]
    [InlineData("{\"nop\":1}", "missing \"op\"")]
    [InlineData("{\"op\":\"translate\"}", "missing \"address\"")]
    [InlineData("{\"op\":\"translate\",\"address\":\"zz\"}", "not an address")]
    [InlineData("{\"op\":\"translate\",\"address\":\"0x1000\",\"hart\":9}", "no hart 9")]
    [InlineData("{\"op\":\"translate\",\"address\":\"0x1000\",\"hart\":\"x\"}", "must be an integer")]
    [InlineData("{\"op\":\"balloon\",\"target\":\"lots\"}", "not a size")]
    [InlineData("{\"op\":\"balloon\",\"target\":\"1T\"}", "more than the guest's RAM")]
    [InlineData("{\"op\":\"balloon\",\"target\":[]}", "must be a string")]
    public void BadRequestsGetAnErrorAndTheVmKeepsRunning(string line, string message)
    {
        var reply = Ask(line);
        Assert.Contains(message, (string?)reply["error"]);
        Assert.Single(reply);
        Assert.False(m.Vm.Exiting);
        Assert.Null(Ask("{\"op\":\"status\"}")["error"]);
    }

    [Fact]
    public void OneConnectionServesManyLines()
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(m.Server.SocketPath));
        using var stream = new NetworkStream(socket);
        using var writer = new StreamWriter(stream) { NewLine = "\n", AutoFlush = true };
        using var reader = new StreamReader(stream);
        writer.WriteLine("{bad");
        Assert.Contains("error", reader.ReadLine());
        writer.WriteLine();
        writer.WriteLine("{\"op\":\"status\"}");
        Assert.Contains("\"name\":\"testvm\"", reader.ReadLine());
        writer.WriteLine("{\"op\":\"vcpus\"}");
        Assert.Contains("vcpu1", reader.ReadLine());
    }

    [Fact]
    public void Balloon()
    {
        var b = Ask("{\"op\":\"balloon\",\"target\":\"16M\"}");
        Assert.True((bool)b["ok"]!);
        Assert.Equal(16UL << 20, (ulong)b["target_bytes"]!);
        Assert.Equal(16UL << 20, m.Vm.Virtio.Balloon!.TargetBytes);
        Assert.Equal(0UL, (ulong)Ask("{\"op\":\"balloon\",\"target\":\"0\"}")["target_bytes"]!);
        Assert.Equal(0UL, (ulong)Ask("{\"op\":\"balloon\"}")["target_bytes"]!);
    }

    [Fact]
    public void SocketIsPrivate()
    {
        if (OperatingSystem.IsWindows())
            return;
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(m.Server.SocketPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(m.SocketDirectory));
        Assert.Equal(Path.Combine(m.SocketDirectory, "testvm.sock"), m.Server.SocketPath);
    }

    [Fact]
    public void ANameInUseIsRefused()
    {
        var e = Assert.Throws<ControlException>(() => ControlServer.Start(m.Vm, "testvm", m.SocketDirectory));
        Assert.Contains("already running", e.Message);
        Assert.Throws<ControlException>(() => ControlServer.Start(m.Vm, "../evil", m.SocketDirectory));
    }

    [Fact]
    public void PsListsTheVm()
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 200;
        // A stale socket file nobody listens on is skipped.
        File.WriteAllText(Path.Combine(m.SocketDirectory, "stale.sock"), "");
        try
        {
            Assert.Equal(0, PsCommand.Run(m.SocketDirectory, console));
        }
        finally
        {
            File.Delete(Path.Combine(m.SocketDirectory, "stale.sock"));
        }
        string text = writer.ToString();
        Assert.Contains("testvm", text);
        Assert.DoesNotContain("stale", text);
        Assert.Contains(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), text);
        Assert.Contains("64.0 MiB", text);
        Assert.Contains("vcpu0", text);
        Assert.Contains("vcpu1", text);
        Assert.Contains(m.Vm.Vcpus[1].HostThreadId.ToString(System.Globalization.CultureInfo.InvariantCulture), text);
    }

    [Fact]
    public void PsWithNoVms()
    {
        string empty = Directory.CreateTempSubdirectory("svc-empty-").FullName;
        try
        {
            var writer = new StringWriter();
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No });
            Assert.Equal(0, PsCommand.Run(Path.Combine(empty, "none"), console));
            Assert.Contains("no running VMs", writer.ToString());
        }
        finally
        {
            Directory.Delete(empty, true);
        }
    }
}

/// <summary>Ops that end or restart the VM, each on a VM of its own.</summary>
public sealed class ControlLifecycleTests
{
    [Fact]
    public void RebootThenStop()
    {
        using var m = new ControlTestVm("lifecycle", balloon: false);
        string path = m.Server.SocketPath;
        Assert.Contains("no balloon device", m.Request("{\"op\":\"balloon\",\"target\":\"1M\"}"));
        // Reboot from a paused VM: the harts restart running.
        Assert.Contains("\"ok\":true", m.Request("{\"op\":\"pause\"}"));
        Assert.Contains("rebooting", m.Request("{\"op\":\"reboot\"}"));
        ControlTestVm.WaitFor(() => m.Vm.Vcpus.All(v => v.Hart.Instret > 0 && !v.PauseRequested) && !m.Vm.Exiting, "the harts to run again after reboot");
        Assert.Contains("\"state\":\"running\"", m.Request("{\"op\":\"status\"}"));
        Assert.Contains("stopping", m.Request("{\"op\":\"stop\"}"));
        var exit = m.WaitForExit(TimeSpan.FromSeconds(30));
        Assert.Equal(VmExitKind.PowerOff, exit.Kind);
        Assert.Equal(0, exit.Code);
        m.Server.Dispose();
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void AStaleSocketFileIsReplaced()
    {
        string dir = Directory.CreateTempSubdirectory("svc-stale-").FullName;
        try
        {
            string sockDir = Path.Combine(dir, "sock");
            Directory.CreateDirectory(sockDir);
            File.WriteAllText(Path.Combine(sockDir, "again.sock"), "");
            using var m = new ControlTestVm("again", balloon: false, directory: dir);
            Assert.Contains("\"name\":\"again\"", m.Request("{\"op\":\"status\"}"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
