using System.CommandLine;
using SharpVirt.Machine.Guest;

namespace SharpVirt.Cli.Commands;

/// <summary>`sharpvirt fetch`: download and build the default guest into the cache, and print where it is.</summary>
public static class FetchCommand
{
    public static Command Create()
    {
        var command = new Command("fetch", "Fetch and build the default guest (Debian kernel + busybox initramfs) into the cache");
        command.SetAction(_ =>
        {
            try
            {
                var files = GuestProgress.Ensure();
                System.Console.WriteLine($"kernel:    {files.KernelPath}");
                System.Console.WriteLine($"initramfs: {files.InitrdPath}");
                return 0;
            }
            catch (GuestImageException e)
            {
                return RunCommand.Fail(e.Message);
            }
        });
        return command;
    }
}
