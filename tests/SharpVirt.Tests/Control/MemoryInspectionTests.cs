using System.Text.Json.Nodes;
using SharpVirt.Cli.Commands;
using SharpVirt.Machine.Control;
using SharpVirt.Machine.Vstate;
using SharpVirt.Memory;
using Spectre.Console;

namespace SharpVirt.Tests.Control;

/// <summary>memmap, read, translate to host pages, cpu_share and top, against a running bare-metal VM.</summary>
/// (Its own instance of the ControlServerTests fixture: a VM named testvm in a private socket directory.)
public sealed class MemoryInspectionTests(ControlServerTests.Fixture fixture) : IClassFixture<ControlServerTests.Fixture>
{
    private readonly ControlTestVm m = fixture.Machine;

    private JsonObject Ask(string line) => (JsonObject)JsonNode.Parse(m.Request(line))!;

    private const ulong LastPage = 0x8000_0000 + (64 << 20) - 4096;

    [Fact]
    public void MemmapListsSlotsWithBackedPagesAndTheMmioRegions()
    {
        var r = Ask("{\"op\":\"memmap\"}");
        var slot = r["slots"]!.AsArray().Single()!;
        Assert.Equal("0x80000000", (string?)slot["guest_base"]);
        Assert.Equal("0x83ffffff", (string?)slot["guest_end"]);
        Assert.Equal(16384UL, (ulong)slot["pages"]!);
        ulong backed = (ulong)slot["backed_pages"]!;
        // The program and its three page tables are backed; the rest of the 64 MiB is untouched.
        Assert.InRange(backed, 4UL, 1000UL);
        Assert.Equal(backed * 4096, (ulong)slot["backed_bytes"]!);
        var mmio = r["mmio"]!.AsArray().Select(x => (string?)x!["device"]).ToList();
        Assert.Contains("uart0", mmio);
        Assert.Contains("plic", mmio);

        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No });
        console.Profile.Width = 160;
        MemmapCommand.Render(r, console);
        string text = writer.ToString();
        Assert.Contains("RAM slot 0", text);
        Assert.Contains("MMIO uart0", text);
        Assert.Contains($"{backed:N0} of 16,384 (", text);
        // Rows are in guest-physical order: the test device at 0x100000 comes before RAM.
        Assert.True(text.IndexOf("MMIO test", StringComparison.Ordinal) < text.IndexOf("RAM slot 0", StringComparison.Ordinal));
    }

    [Fact]
    public void ReadReturnsGuestPhysicalBytes()
    {
        var r = Ask($"{{\"op\":\"read\",\"address\":\"0x{ControlTestVm.L0:x}\",\"length\":8}}");
        Assert.Equal(BitConverter.GetBytes(ControlTestVm.LeafPte), Convert.FromHexString((string)r["data"]!));
        Assert.Contains("not all RAM", (string?)Ask("{\"op\":\"read\",\"address\":\"0x10000000\"}")["error"]);
        Assert.Contains("not all RAM", (string?)Ask($"{{\"op\":\"read\",\"address\":\"0x{LastPage + 4090:x}\",\"length\":16}}")["error"]);
        Assert.Contains("\"length\" must be 1 to 4096", (string?)Ask("{\"op\":\"read\",\"address\":\"0x80000000\",\"length\":4097}")["error"]);
        Assert.Contains("\"length\" must be 1 to 4096", (string?)Ask("{\"op\":\"read\",\"address\":\"0x80000000\",\"length\":0}")["error"]);
    }

    [Fact]
    public unsafe void TranslateFollowsAGuestPageToTheHostPage()
    {
        var t = Ask($"{{\"op\":\"translate\",\"address\":\"0x{ControlTestVm.MappedVa + 0x10:x}\"}}");
        var host = t["host"]!.AsObject();
        Assert.Equal("backed", (string?)host["state"]);
        ulong hva = ulong.Parse(((string)t["host_virtual"]!)[2..], System.Globalization.NumberStyles.HexNumber);
        Assert.Equal((ulong)m.Vm.Memory.Slots[0].Host + 0x10, hva);
        var page = HostPageMap.Query(hva);
        Assert.NotNull(page);
        Assert.True(page.Value.Present);
        if (page.Value.Frame is ulong frame)
        {
            // Only root sees frame numbers: then the reply carries the same frame as our own read of pagemap.
            Assert.Equal($"0x{frame:x}", (string?)host["frame"]);
            Assert.Equal($"0x{(frame << 12) | 0x10:x}", (string?)host["host_physical"]);
        }
        else
        {
            Assert.Null(host["host_physical"]);
            Assert.Contains("CAP_SYS_ADMIN", (string?)host["note"]);
        }
        Assert.Contains(TranslateCommand.Describe(t), l => l.StartsWith("host page backed", StringComparison.Ordinal));
    }

    [Fact]
    public void TranslatePhysicalSkipsThePageTables()
    {
        var untouched = Ask($"{{\"op\":\"translate\",\"address\":\"0x{LastPage:x}\",\"physical\":true}}");
        Assert.Equal("Physical", (string?)untouched["translation"]);
        Assert.Null(untouched["levels"]);
        Assert.Equal($"0x{LastPage:x}", (string?)untouched["guest_physical"]);
        Assert.Equal("not yet backed", (string?)untouched["host"]!["state"]);
        Assert.Contains(TranslateCommand.Describe(untouched), l => l == "host page not yet backed");

        var mmio = Ask("{\"op\":\"translate\",\"address\":\"0x10000005\",\"physical\":true}");
        Assert.Equal("uart0", (string?)mmio["mmio"]);
        Assert.Null(mmio["host_virtual"]);
        Assert.Contains("must be true or false", (string?)Ask("{\"op\":\"translate\",\"address\":\"0x0\",\"physical\":3}")["error"]);
    }

    [Fact]
    public void CpuShareLimitsTheVmAndCanBeLifted()
    {
        lock (m)
        {
            var set = Ask("{\"op\":\"cpu_share\",\"percent\":20}");
            try
            {
                Assert.Equal(20, (int)set["percent"]!);
                // Two harts spinning flat out would use up to 200% of a CPU; held to 20% of one, their threads use ~400 ms in 2 s.
                long VcpuMs() => m.Vm.Vcpus.Sum(v => HostStats.CpuMilliseconds(v.HostThreadId) ?? 0);
                Thread.Sleep(300);
                long vcpuBefore = VcpuMs();
                Thread.Sleep(2000);
                long vcpuUsed = VcpuMs() - vcpuBefore;
                Assert.True((long)Ask("{\"op\":\"stats\"}")["cpu_share"]!["throttles"]! > 0);
                Assert.InRange(vcpuUsed, 200, 700); // 20% of 2 s is 400 ms
            }
            finally
            {
                Assert.Null(Ask("{\"op\":\"cpu_share\",\"percent\":0}")["percent"]);
            }
            Assert.Contains("\"percent\" must be 0", (string?)Ask("{\"op\":\"cpu_share\",\"percent\":-5}")["error"]);
        }
    }

    [Fact]
    public void TopShowsTheVmAndItsVcpusPerHostCpu()
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No });
        console.Profile.Width = 200;
        Assert.Equal(0, TopCommand.Run(m.SocketDirectory, console, TimeSpan.FromMilliseconds(300), 2, CancellationToken.None));
        string text = writer.ToString();
        Assert.Contains("1 VMs, 2 vCPUs on", text);
        Assert.Contains("testvm/vcpu0", text);
        Assert.Contains("testvm/vcpu1", text);
        Assert.Contains("HOST CPU", text);
        // The second frame has a CPU % for each vCPU, which spins in its loop.
        Assert.Matches(@"testvm/vcpu0 \d+ running \d+\.\d", text);
    }
}

public sealed class CpuShareTests
{
    [Theory]
    [InlineData("0,1", new[] { 0, 1 })]
    [InlineData("0-3", new[] { 0, 1, 2, 3 })]
    [InlineData("2, 0-1,2", new[] { 2, 0, 1 })]
    public void ParsesCpuLists(string text, int[] cpus) => Assert.Equal(cpus, CpuList.Parse(text, "--cpu-affinity"));

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("3-1")]
    [InlineData("1-2-3")]
    [InlineData("-1")]
    [InlineData("5000")]
    public void RejectsBadCpuLists(string text) =>
        Assert.Contains("--cpu-affinity", Assert.Throws<ArgumentException>(() => CpuList.Parse(text, "--cpu-affinity")).Message);

    [Fact]
    public void QuotaSleepsOnceTheBudgetIsSpent()
    {
        var q = new CpuQuota(50); // 50 ms of each 100 ms period
        var sw = System.Diagnostics.Stopwatch.StartNew();
        q.Charge(20_000_000);
        Assert.Equal(0, q.Throttles);
        q.Charge(40_000_000);
        Assert.Equal(1, q.Throttles);
        Assert.True(sw.Elapsed >= CpuQuota.Period * 0.8, $"returned after {sw.Elapsed}");
        q.Percent = null;
        q.Charge(1_000_000_000);
        Assert.Equal(1, q.Throttles);
        Assert.False(q.Limited);
        Assert.Throws<ArgumentException>(() => q.Percent = 0);
    }

    [Fact]
    public void PinsTheCallingThread()
    {
        var allowed = HostThread.AllowedCpus();
        Assert.NotEmpty(allowed);
        int cpu = allowed[^1];
        int? seen = null;
        var t = new Thread(() =>
        {
            Assert.True(HostThread.PinCurrent(cpu));
            Thread.SpinWait(1_000_000);
            seen = HostStats.LastCpu(HostThread.CurrentTid());
        });
        t.Start();
        t.Join();
        Assert.Equal(cpu, seen);
    }
}
