namespace SharpVirt.Tests.Linux;

/// <summary>Bad input to `sharpvirt run` gets one clear line and a non-zero exit, never a stack trace.</summary>
public sealed class CliErrorTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("sharpvirt-cli").FullName;

    private static (int Code, string Output) Run(params string[] args)
    {
        using var s = GuestSession.Start(args);
        int code = s.WaitForExit(TimeSpan.FromSeconds(60));
        return (code, s.Output);
    }

    private static void AssertOneLineError(int code, string output, string expected)
    {
        Assert.NotEqual(0, code);
        Assert.Contains(expected, output);
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain("Exception", output);
        Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void MissingKernel()
    {
        var (code, output) = Run("--kernel", Path.Combine(dir, "nope"), "--initrd", Path.Combine(dir, "nope2"));
        AssertOneLineError(code, output, "cannot read initrd");
    }

    [Fact]
    public void CorruptKernel()
    {
        string kernel = Path.Combine(dir, "Image");
        File.WriteAllBytes(kernel, new byte[4096]);
        var (code, output) = Run("--kernel", kernel);
        AssertOneLineError(code, output, "neither an ELF file nor a RISC-V Linux Image");
    }

    [Fact]
    public void TruncatedElfKernel()
    {
        string kernel = Path.Combine(dir, "prog.elf");
        File.WriteAllBytes(kernel, [0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0]);
        var (code, output) = Run("--bios", "none", "--kernel", kernel);
        AssertOneLineError(code, output, "sharpvirt: error:");
    }

    [Fact]
    public void EmptyInitrdAndMissingFirmware()
    {
        string initrd = Path.Combine(dir, "initrd");
        File.WriteAllBytes(initrd, []);
        var (code, output) = Run("--kernel", initrd, "--initrd", initrd);
        AssertOneLineError(code, output, "sharpvirt: error:");
        (code, output) = Run("--bios", Path.Combine(dir, "fw.bin"), "--kernel", initrd);
        AssertOneLineError(code, output, "cannot read firmware");
    }

    [Theory]
    [InlineData("--cpus", "0")]
    [InlineData("--cpus", "many")]
    [InlineData("--memory", "lots")]
    [InlineData("--timeout", "-1")]
    [InlineData("--frobnicate", "1")]
    [InlineData("--cpu-share", "0")]
    [InlineData("--cpu-affinity", "1-x")]
    [InlineData("--cpu-affinity", "999")]
    public void BadFlags(string flag, string value)
    {
        var (code, output) = Run("--bios", "none", "--kernel", "/dev/null", flag, value);
        AssertOneLineError(code, output, "sharpvirt:");
    }

    [Fact]
    public void RestoreRefusesMissingTruncatedAndForeignSnapshots()
    {
        string missing = Path.Combine(dir, "missing.snap");
        var (code, output) = Run("--restore", missing);
        AssertOneLineError(code, output, $"sharpvirt: error: cannot read snapshot '{missing}'");
        Assert.Equal(1, code);

        string truncated = Path.Combine(dir, "truncated.snap");
        File.WriteAllBytes(truncated, [.. "SVSNAP\r\n"u8, 1, 0, 0, 0, 0, 0, 0, 0, (byte)'C', (byte)'O']);
        (code, output) = Run("--restore", truncated);
        AssertOneLineError(code, output, $"sharpvirt: error: snapshot '{truncated}' is truncated: it ends inside the header of section CONF");
        Assert.Equal(1, code);

        string garbage = Path.Combine(dir, "garbage.snap");
        File.WriteAllBytes(garbage, [.. Enumerable.Range(0, 5000).Select(i => (byte)(i * 7))]);
        (code, output) = Run("--restore", garbage);
        AssertOneLineError(code, output, $"sharpvirt: error: '{garbage}' is not a SharpVirt snapshot");
        Assert.Equal(1, code);
    }

    [Theory]
    [InlineData("--cpus", "4")]
    [InlineData("--memory", "2G")]
    [InlineData("--disk", "x.img")]
    [InlineData("--kernel", "Image")]
    public void RestoreRefusesFlagsThatShapeTheMachine(string flag, string value)
    {
        var (code, output) = Run("--restore", Path.Combine(dir, "any.snap"), flag, value);
        AssertOneLineError(code, output, $"sharpvirt: error: {flag} cannot be given with --restore");
        Assert.Equal(1, code);
    }

    [Fact]
    public void SnapshotOfNoSuchVmFails()
    {
        var (code, output) = GuestSession.RunCommand(TimeSpan.FromSeconds(60), "snapshot", "no-such-vm-here", Path.Combine(dir, "x.snap"));
        AssertOneLineError(code, output, "sharpvirt: error: no VM there");
        Assert.Equal(1, code);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
