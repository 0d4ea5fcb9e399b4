using System.CommandLine;
using SharpVirt.Machine.Guest;

namespace SharpVirt.Cli.Commands;

/// <summary>`sharpvirt fetch`: download and build the default guest into the cache (or check the cached one's SHA256s), and print where it is.</summary>
public static class FetchCommand
{
    public static Command Create()
    {
        var command = new Command("fetch", "Fetch and build the default guest (Debian kernel + busybox initramfs) into the cache, or verify the cached one");
        command.SetAction(_ =>
        {
            try
            {
                var files = GuestProgress.Ensure(verify: true);
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
