using SharpVirt.Cli.Commands;
using SharpVirt.Machine.Control;

namespace SharpVirt.Tests.Control;

public class ControlRequestTests
{
    [Theory]
    [InlineData("{\"op\":\"status\"}", "status")]
    [InlineData("  {\"op\":\"pause\", \"extra\": 1}  ", "pause")]
    public void ParsesOp(string line, string op) => Assert.Equal(op, ControlRequest.Parse(line).Op);

    [Theory]
    [InlineData("", "malformed JSON")]
    [InlineData("{\"op\":", "malformed JSON")]
    [InlineData("not json", "malformed JSON")]
    [InlineData("[1,2]", "JSON object")]
    [InlineData("\"status\"", "JSON object")]
    [InlineData("null", "JSON object")]
    [InlineData("{}", "missing \"op\"")]
    [InlineData("{\"op\":3}", "missing \"op\"")]
    [InlineData("{\"op\":\"\"}", "missing \"op\"")]
    public void RejectsBadRequests(string line, string message)
    {
        var e = Assert.Throws<ControlException>(() => ControlRequest.Parse(line));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void RejectsOverlongLines()
    {
        string line = "{\"op\":\"status\",\"pad\":\"" + new string('x', ControlRequest.MaxLineLength) + "\"}";
        Assert.Throws<ControlException>(() => ControlRequest.Parse(line));
    }

    [Theory]
    [InlineData("0xffffffff80000000", 0xffff_ffff_8000_0000UL)]
    [InlineData("0XFFFF_FFFF_8000_0000", 0xffff_ffff_8000_0000UL)]
    [InlineData("4096", 4096UL)]
    public void ParsesAddresses(string text, ulong value) => Assert.Equal(value, ControlRequest.ParseAddress(text));

    [Theory]
    [InlineData("")]
    [InlineData("0x")]
    [InlineData("-1")]
    [InlineData("0x1g")]
    [InlineData("0x1ffffffffffffffff")]
    public void RejectsBadAddresses(string text) => Assert.Null(ControlRequest.ParseAddress(text));

    [Fact]
    public void ReadsArguments()
    {
        var r = ControlRequest.Parse("{\"op\":\"translate\",\"address\":4096,\"hart\":\"1\"}");
        Assert.Equal(4096UL, r.GetAddress("address"));
        Assert.Equal(1, r.GetInt("hart", 0));
        Assert.Equal(7, r.GetInt("missing", 7));
        Assert.Throws<ControlException>(() => ControlRequest.Parse("{\"op\":\"x\",\"hart\":1.5}").GetInt("hart", 0));
        Assert.Throws<ControlException>(() => ControlRequest.Parse("{\"op\":\"x\",\"hart\":[1]}").GetInt("hart", 0));
        Assert.Throws<ControlException>(() => ControlRequest.Parse("{\"op\":\"x\",\"address\":{}}").GetAddress("address"));
        Assert.Throws<ControlException>(() => ControlRequest.Parse("{\"op\":\"x\"}").GetAddress("address"));
    }

    [Fact]
    public void ParsesLastCpuAfterTheCommField()
    {
        // comm may contain spaces and parentheses; field 39 (processor) is the 37th field after the last ')'.
        var fields = Enumerable.Range(3, 50).Select(i => i == 39 ? "7" : i == 3 ? "R" : "0");
        string stat = "1234 (vcpu0 (x) y) " + string.Join(' ', fields);
        Assert.Equal(7, HostStats.ParseLastCpu(stat));
        Assert.Null(HostStats.ParseLastCpu("1234 (short) R 1 2"));
        Assert.Null(HostStats.ParseLastCpu("garbage"));
    }

    [Fact]
    public void LastCpuOfThisThreadIsAHostCpu()
    {
        int? cpu = HostStats.LastCpu(SharpVirt.Machine.Vstate.HostThread.CurrentTid());
        Assert.NotNull(cpu);
        Assert.InRange(cpu!.Value, 0, Environment.ProcessorCount * 64);
        Assert.True(HostStats.ResidentBytes() > 0);
    }

    [Theory]
    [InlineData("myvm", true)]
    [InlineData("vm-123", true)]
    [InlineData("a.b_c", true)]
    [InlineData("", false)]
    [InlineData("../x", false)]
    [InlineData("a/b", false)]
    [InlineData(".hidden", false)]
    [InlineData("with space", false)]
    public void ValidatesNames(string name, bool valid) => Assert.Equal(valid, ControlPaths.IsValidName(name));

    [Fact]
    public void ControlCommandBuildsRequests()
    {
        Assert.Equal("{\"op\":\"pause\"}", ControlCommand.BuildRequest("pause", []).ToJsonString());
        Assert.Equal("{\"op\":\"balloon\",\"target\":\"512M\"}", ControlCommand.BuildRequest("balloon", ["512M"]).ToJsonString());
        Assert.Equal("{\"op\":\"translate\",\"address\":\"0xffffffff80000000\",\"hart\":1}",
            ControlCommand.BuildRequest("translate", ["0xffffffff80000000", "hart=1"]).ToJsonString());
        Assert.Throws<ControlException>(() => ControlCommand.BuildRequest("status", ["oops"]));
    }

    [Fact]
    public void SocketPathsFollowTheName()
    {
        Assert.Equal("/d/myvm.sock", ControlPaths.SocketPath("myvm", "/d"));
        Assert.Equal("/x/y.sock", ControlPaths.Resolve("/x/y.sock", "/d"));
        Assert.Equal("/d/a.sock", ControlPaths.Resolve("a", "/d"));
        Assert.Equal($"vm-{Environment.ProcessId}", ControlPaths.DefaultName);
        Assert.EndsWith("sharpvirt", ControlPaths.DefaultDirectory.Split('/')[^1].StartsWith("sharpvirt-", StringComparison.Ordinal) ? "sharpvirt" : ControlPaths.DefaultDirectory);
    }
}
