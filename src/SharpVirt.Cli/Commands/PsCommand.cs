using System.CommandLine;
using System.Text.Json.Nodes;
using SharpVirt.Machine.Control;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace SharpVirt.Cli.Commands;

/// <summary>`sharpvirt ps`: the running VMs (one control socket each) with their vCPU threads.</summary>
public static class PsCommand
{
    public static Command Create()
    {
        var command = new Command("ps", "List running virtual machines and their vCPU threads");
        command.SetAction(_ => Run(ControlPaths.DefaultDirectory, AnsiConsole.Console));
        return command;
    }

    /// <summary>Asks every socket in <paramref name="directory"/> for stats and renders the table; returns the exit code.</summary>
    internal static int Run(string directory, IAnsiConsole console)
    {
        var vms = new List<JsonObject>();
        foreach (string socket in ControlPaths.List(directory))
        {
            try
            {
                var stats = ControlClient.Send(socket, "stats", TimeSpan.FromSeconds(2));
                if (stats["error"] is null)
                    vms.Add(stats);
            }
            catch (ControlException)
            {
                // A stale socket left by a VM that was killed: nobody answers.
            }
        }
        if (vms.Count == 0)
        {
            console.WriteLine($"no running VMs (sockets in {directory})");
            return 0;
        }
        console.Write(Render(vms));
        return 0;
    }

    /// <summary>Two tables: the VMs, then every vCPU thread of each (a table per kind keeps both within 80 columns).</summary>
    internal static IRenderable Render(IReadOnlyList<JsonObject> vms)
    {
        var machines = new Table().Border(TableBorder.Rounded)
            .AddColumn("NAME").AddColumn(new TableColumn("PID").RightAligned()).AddColumn(new TableColumn("vCPUs").RightAligned())
            .AddColumn(new TableColumn("GUEST RAM").RightAligned()).AddColumn(new TableColumn("HOST RSS").RightAligned()).AddColumn("STATE");
        var threads = new Table().Border(TableBorder.Rounded)
            .AddColumn("VM").AddColumn("THREAD").AddColumn(new TableColumn("TID").RightAligned())
            .AddColumn(new TableColumn("HOST CPU").RightAligned()).AddColumn("STATE").AddColumn(new TableColumn("INSTRUCTIONS").RightAligned());
        foreach (var vm in vms)
        {
            machines.AddRow(Text(vm["name"]), Text(vm["pid"]), Text(vm["vcpus"]), Size(vm["guest_ram"]), Size(vm["host_rss"]), Text(vm["state"]));
            if (vm["vcpu"] is not JsonArray vcpus)
                continue;
            foreach (var v in vcpus)
                threads.AddRow(Text(vm["name"]), Text(v?["thread"]), Text(v?["tid"]), Text(v?["last_cpu"]), Text(v?["state"]), Count(v?["instret"]));
        }
        return new Rows(machines, threads);
    }

    internal static string Text(JsonNode? node) => Markup.Escape(node?.ToString() ?? "-");

    internal static string Size(JsonNode? node) => node is JsonValue v && v.TryGetValue(out long bytes) ? FormatSize(bytes) : "-";

    private static string Count(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue(out ulong n) ? n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "-";

    internal static string FormatSize(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes} B" : $"{value.ToString(value >= 100 ? "0" : "0.0", System.Globalization.CultureInfo.InvariantCulture)} {units[unit]}";
    }
}
