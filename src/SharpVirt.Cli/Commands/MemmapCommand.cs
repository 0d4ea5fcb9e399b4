using System.CommandLine;
using System.Text.Json.Nodes;
using SharpVirt.Machine.Control;
using Spectre.Console;

namespace SharpVirt.Cli.Commands;

/// <summary>`sharpvirt memmap NAME`: the guest-physical address space, with how much of each RAM slot the host has backed.</summary>
public static class MemmapCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "VM name, or a socket path" };
        var command = new Command("memmap", "Show a VM's memory slots (guest-physical to host-virtual, backed pages) and MMIO regions") { name };
        command.SetAction(parse =>
        {
            try
            {
                var reply = ControlClient.Send(ControlPaths.Resolve(parse.GetValue(name)!), "memmap", TimeSpan.FromSeconds(5));
                if (reply["error"] is JsonNode error)
                    return RunCommand.Fail(error.ToString());
                Render(reply, AnsiConsole.Console);
                return 0;
            }
            catch (ControlException e)
            {
                return RunCommand.Fail(e.Message);
            }
        });
        return command;
    }

    internal static void Render(JsonObject reply, IAnsiConsole console)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("GUEST-PHYSICAL").AddColumn(new TableColumn("SIZE").RightAligned()).AddColumn("WHAT")
            .AddColumn("HOST-VIRTUAL").AddColumn(new TableColumn("BACKED 4 KiB PAGES").RightAligned());
        var rows = new List<(ulong Base, string[] Cells)>();
        foreach (var slot in reply["slots"]?.AsArray() ?? [])
        {
            long size = slot!["size"]!.GetValue<long>(), pages = slot["pages"]!.GetValue<long>(), backed = slot["backed_pages"]!.GetValue<long>();
            string percent = pages == 0 ? "0" : (100.0 * backed / pages).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
            rows.Add((Parse(slot["guest_base"]), [
                slot["guest_base"]!.ToString(), PsCommand.FormatSize(size), $"RAM slot {slot["id"]}",
                slot["host_virtual"]!.ToString(), $"{backed:N0} of {pages:N0} ({percent}%)"]));
        }
        foreach (var region in reply["mmio"]?.AsArray() ?? [])
        {
            ulong start = Parse(region!["guest_base"]), size = region["size"]!.GetValue<ulong>();
            rows.Add((start, [region["guest_base"]!.ToString(), PsCommand.FormatSize((long)size), $"MMIO {region["device"]}", "-", "-"]));
        }
        foreach (var (_, cells) in rows.OrderBy(r => r.Base))
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        console.Write(table);
        if (reply["host_rss"] is JsonNode rss)
            console.WriteLine($"host RSS of the VMM process: {PsCommand.FormatSize(rss.GetValue<long>())}");
    }

    private static ulong Parse(JsonNode? node) => ControlRequest.ParseAddress(node?.ToString() ?? "") ?? 0;
}
