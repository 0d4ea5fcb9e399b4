using System.CommandLine;
using System.Text.Json.Nodes;
using SharpVirt.Machine.Control;

namespace SharpVirt.Cli.Commands;

/// <summary>
/// `sharpvirt snapshot NAME FILE`: save a VM to FILE through its control socket (the `snapshot` op). A running VM
/// is paused first and stays paused (as a paused one does) unless --resume is given; `sharpvirt run --restore FILE`
/// starts it again in a new process.
/// </summary>
public static class SnapshotCommand
{
    /// <summary>Writing gigabytes of guest RAM may take a while.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(30);

    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "VM name (from --name, or vm-PID), or a socket path" };
        var file = new Argument<string>("file") { Description = "The snapshot file to write (replaced if it exists)" };
        var resume = new Option<bool>("--resume") { Description = "Resume the VM after the snapshot (by default it stays paused)" };
        var command = new Command("snapshot", "Save a VM (pausing it first if it runs) to a file for `sharpvirt run --restore`")
        {
            name, file, resume,
        };
        command.SetAction(parse =>
        {
            try
            {
                string socket = ControlPaths.Resolve(parse.GetValue(name)!);
                // The VM resolves paths against its own working directory: send an absolute one.
                string path = Path.GetFullPath(parse.GetValue(file)!);
                bool pausedHere = false;
                if (Call(socket, new JsonObject { ["op"] = "status" })["state"]?.ToString() != "paused")
                {
                    Call(socket, new JsonObject { ["op"] = "pause" });
                    pausedHere = true;
                }
                JsonObject reply;
                try
                {
                    reply = Call(socket, new JsonObject { ["op"] = "snapshot", ["file"] = path }, Timeout);
                }
                catch (ControlException) when (pausedHere)
                {
                    // No snapshot: leave the VM as it was found.
                    Call(socket, new JsonObject { ["op"] = "resume" });
                    throw;
                }
                long bytes = reply["bytes"]?.GetValue<long>() ?? 0;
                long saved = reply["saved_pages"]?.GetValue<long>() ?? 0, ram = reply["ram_pages"]?.GetValue<long>() ?? 0;
                System.Console.WriteLine($"{path}: {PsCommand.FormatSize(bytes)} ({saved} of {ram} guest pages) in {reply["seconds"]} s");
                if (parse.GetValue(resume))
                    Call(socket, new JsonObject { ["op"] = "resume" });
                else if (pausedHere)
                    System.Console.Error.WriteLine($"sharpvirt: the VM was paused for the snapshot and stays paused (sharpvirt control {parse.GetValue(name)} resume)");
                return 0;
            }
            catch (ControlException e)
            {
                return RunCommand.Fail(e.Message);
            }
        });
        return command;
    }

    /// <summary>Sends a request and returns the reply, or throws with the reply's error.</summary>
    private static JsonObject Call(string socket, JsonObject request, TimeSpan? timeout = null)
    {
        var reply = ControlClient.Send(socket, request, timeout);
        if (reply["error"] is JsonNode error)
            throw new ControlException(error.ToString());
        return reply;
    }
}
