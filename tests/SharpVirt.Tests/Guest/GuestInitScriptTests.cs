using System.Diagnostics;
using SharpVirt.Machine.Guest;

namespace SharpVirt.Tests.Guest;

public class GuestInitScriptTests
{
    public static TheoryData<string> Scripts() => new()
    {
        GuestInitScript.Init("6.1.0-test", ["kernel/a.ko", "kernel/b.ko"]),
        GuestInitScript.Init("6.1.0-test", []),
        GuestInitScript.ConsoleScript,
        GuestInitScript.Shrc,
    };

    [Theory]
    [MemberData(nameof(Scripts))]
    public void ScriptsAreValidShellSyntax(string script)
    {
        if (!File.Exists("/bin/sh"))
            return;
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, script);
            using var p = Process.Start(new ProcessStartInfo("/bin/sh", ["-n", path]) { RedirectStandardError = true })!;
            string err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, err);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ListsModulesOnePerLine()
    {
        string init = GuestInitScript.Init("6.1.0-test", ["kernel/a.ko", "kernel/b.ko"]);
        Assert.Contains("for m in \\\n    kernel/a.ko \\\n    kernel/b.ko \\\n    ; do\n", init);
    }

    [Fact]
    public void ConventionsAreStable()
    {
        Assert.Equal("console=ttyS0 earlycon=sbi", GuestInitScript.DefaultBootArgs);
        Assert.Equal("SharpVirt guest ready", GuestInitScript.ReadyMarker);
        Assert.Equal("~ # ", GuestInitScript.Prompt);
        Assert.Equal("svnet", GuestInitScript.NetParameter);
    }
}
