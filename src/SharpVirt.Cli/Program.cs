using System.CommandLine;
using SharpVirt.Cli.Commands;

namespace SharpVirt.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("SharpVirt: a KVM-style virtual machine monitor for RISC-V guests")
        {
            RunCommand.Create(),
            FetchCommand.Create(),
            // Control API (issue 6)
            PsCommand.Create(),
            ControlCommand.Create(),
            TranslateCommand.Create(),
            MemmapCommand.Create(),
            TopCommand.Create(),
            SnapshotCommand.Create(),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // One line: the first problem is the one to fix.
            System.Console.Error.WriteLine($"sharpvirt: error: {parsed.Errors[0].Message}");
            return 2;
        }
        return parsed.Invoke();
    }
}
